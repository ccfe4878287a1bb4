//! Drawing: `render(&App, &mut Frame)`. Reads the state, decides nothing.

mod address_form;
mod bulk_form;
mod detail;
mod dialog;
mod filter_panel;
mod form;
mod groups;
mod journal;
mod summary;
mod table;

pub use table::column_at;

pub use crate::sanitize::sanitize;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::app::keymap::bindings_for;
use crate::app::{App, ExportRun, HelpLine, Overlay, Prompt, Screen, TableArea, thousands};

/// Smaller than this, only a message is drawn.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 8;

const SPINNER: [char; 8] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧'];

/// Where the table's customer rows are on a terminal of this height: below the header line
/// and the table's own header row, above the hint and status lines.
pub fn table_area(height: u16) -> TableArea {
    TableArea {
        top: 2,
        rows: height.saturating_sub(4).max(1),
    }
}

pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let message = format!(
            "Terminal too small: {}×{}, needs {MIN_WIDTH}×{MIN_HEIGHT}",
            area.width, area.height
        );
        frame.render_widget(Paragraph::new(message).wrap(Wrap { trim: true }), area);
        return;
    }
    let [header, body, hints, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(app, frame, header);
    match app.screen {
        Screen::Table => table::render_table(app, frame, body),
        Screen::Detail => detail::render_detail(app, frame, body),
        Screen::Groups => groups::render_groups(app, frame, body),
        Screen::Journal => journal::render_journal(app, frame, body),
        Screen::Summary => summary::render_summary(app, frame, body),
    }
    // What is open on top, drawn from the bottom up: a dialog over the form that opened it.
    for overlay in app.overlays() {
        match overlay {
            Overlay::Filter(form) => filter_panel::render_filter_panel(form, frame, body),
            Overlay::PagePrompt(prompt) => {
                let title = match app.last_page() {
                    Some(last) => format!(" Go to page (1–{last}) "),
                    None => " Go to page ".to_owned(),
                };
                render_prompt(&title, prompt, frame, body);
            }
            Overlay::GroupPrompt(asked) => {
                let title = match asked.renaming {
                    Some(id) => format!(" New name of the group #{id} "),
                    None => " Name of the new group ".to_owned(),
                };
                render_prompt(&title, &asked.prompt, frame, body);
            }
            Overlay::ExportPrompt(prompt) => {
                let (of, total) = app.to_export();
                let who = crate::format::customers(total);
                let who = match of {
                    crate::worker::ExportOf::Marked(_) => {
                        who.replacen(" customer", " marked customer", 1)
                    }
                    _ => who,
                };
                let format = crate::jobs::export::ExportFormat::said_for(std::path::Path::new(
                    prompt.input.value().trim(),
                ));
                let title = format!(" Export {who} to a file, as {format} ");
                render_prompt(&title, prompt, frame, body);
            }
            Overlay::Form(form) => form::render_form(form, frame, body),
            Overlay::AddressForm(form) => address_form::render_address_form(form, frame, body),
            Overlay::BulkForm(form) => bulk_form::render_bulk_form(form, frame, body),
            Overlay::Dialog(open) => dialog::render_dialog(app, open, frame, body),
            // Over everything, hints and status too: drawn last.
            Overlay::Help { .. } => {}
        }
    }
    render_hints(app, frame, hints);
    render_status(app, frame, status);
    if app.help_open() {
        render_help(app, frame, area);
    }
}

fn render_header(app: &App, frame: &mut Frame, area: Rect) {
    let mut spans = vec![
        Span::styled(" bc-customers ", Style::new().bold().reversed()),
        Span::raw(" "),
    ];
    spans.push(Span::styled(
        sanitize(&app.store.name).into_owned(),
        Style::new().bold(),
    ));
    if app.store.sandbox {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            " SANDBOX ",
            Style::new().fg(Color::Black).bg(Color::Yellow).bold(),
        ));
    }
    if app.store.read_only {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            " READ-ONLY ",
            Style::new().fg(Color::White).bg(Color::Blue).bold(),
        ));
    }
    if !app.marks.is_empty() {
        let all = if app.marks.all_matching().is_some() {
            " (all matching)"
        } else {
            ""
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!(" {} marked{all} ", crate::app::thousands(app.marks.count())),
            Style::new().fg(Color::Black).bg(Color::Magenta).bold(),
        ));
    }
    if let Some(start) = app.range_start {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!(" range from #{start}: v marks it "),
            Style::new().fg(Color::Black).bg(Color::Magenta),
        ));
    }
    // The filter, the search and the sort combine: all three show.
    if !app.filter.is_empty() {
        spans.push(Span::raw("  filter:"));
        for (name, value) in app.filter.parts() {
            // A group shows by its name.
            let (name, value) = match (name, app.filter.customer_group_id) {
                ("customer_group_id", Some(id)) => ("group", app.group_label(id)),
                _ => (name, value),
            };
            spans.push(Span::raw(" "));
            spans.push(Span::styled(
                format!(" {name}={} ", sanitize(&value)),
                Style::new().bg(Color::DarkGray),
            ));
        }
    }
    if let Some(search) = &app.search {
        let text = sanitize(search.input.value()).into_owned();
        spans.push(Span::raw("  search: "));
        let style = if search.editing {
            Style::new().bg(Color::DarkGray).fg(Color::White)
        } else {
            Style::new().bold()
        };
        let cursor_x = spans.iter().map(|s| s.width() as u16).sum::<u16>()
            + search.input.visual_cursor() as u16;
        spans.push(Span::styled(format!("{text} "), style));
        if let Some(facet) = &search.query.facet {
            spans.push(Span::styled(
                format!(" {} ", sanitize(&facet.label(|id| app.group_label(id)))),
                Style::new().bg(Color::DarkGray),
            ));
        }
        if let Some(total) = app.total {
            let more = if app.total_more { "more than " } else { "" };
            spans.push(Span::styled(
                format!(" {more}{} found", thousands(total)),
                Style::new().fg(Color::Green),
            ));
        }
        spans.push(Span::styled(
            format!(" · sorted by {}", search.query.sort.label()),
            Style::new().dim(),
        ));
        if search.editing && app.context() == crate::app::keymap::Context::Search {
            frame
                .set_cursor_position((area.x + cursor_x.min(area.width.saturating_sub(1)), area.y));
        }
        frame.render_widget(Line::from(spans), area);
        return;
    }
    frame.render_widget(Line::from(spans), area);
}

fn render_prompt(title: &str, prompt: &Prompt, frame: &mut Frame, area: Rect) {
    let input = &prompt.input;
    let width = area
        .width
        .min((Span::raw(title).width() as u16 + 4).max(70));
    let box_area = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + area.height / 3,
        width,
        height: 3.min(area.height),
    };
    frame.render_widget(Clear, box_area);
    let mut spans = vec![Span::raw(sanitize(input.value()).into_owned())];
    if let Some(error) = &prompt.problem {
        spans.push(Span::styled(
            format!("  {error}"),
            Style::new().fg(Color::Red),
        ));
    }
    let block = Block::bordered().title(title);
    let inner = block.inner(box_area);
    frame.render_widget(Paragraph::new(Line::from(spans)).block(block), box_area);
    frame.set_cursor_position((inner.x + input.visual_cursor() as u16, inner.y));
}

fn render_hints(app: &App, frame: &mut Frame, area: Rect) {
    // A result worth saying takes the row until the next key.
    if let Some(notice) = &app.notice {
        frame.render_widget(
            Line::from(Span::styled(
                format!(" {}", sanitize(notice)),
                Style::new().fg(Color::Green),
            )),
            area,
        );
        return;
    }
    if let Some(error) = app
        .last_error
        .as_deref()
        .filter(|_| error_above_status(app, area.width))
    {
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(
                format!(" {} ", sanitize(error)),
                Style::new().fg(Color::White).bg(Color::Red),
            )))
            .wrap(Wrap { trim: false }),
            area,
        );
        return;
    }
    use crate::app::keymap::Action;
    // Help and quit always show; the rest as many as fit, in the table's order. Search, sort
    // and the summary are not offered when the store has no index.
    let needs_index = [Action::OpenSearch, Action::SortNext, Action::OpenSummary];
    let always = [Action::ToggleHelp, Action::Quit];
    let shown: Vec<_> = bindings_for(app.context(), true, app.store.read_only)
        .filter(|binding| app.index.on || !binding.gives_any(&needs_index))
        .collect();
    let spans_of = |binding: &crate::app::keymap::Binding| {
        [
            Span::styled(format!(" {} ", binding.keys_text()), Style::new().bold()),
            Span::styled(format!("{}  ", binding.label), Style::new().dim()),
        ]
    };
    let width = |binding: &&crate::app::keymap::Binding| -> usize {
        spans_of(binding).iter().map(Span::width).sum()
    };
    let mut room = usize::from(area.width).saturating_sub(
        shown
            .iter()
            .filter(|binding| binding.gives_any(&always))
            .map(width)
            .sum(),
    );
    let mut spans = Vec::new();
    for binding in &shown {
        if binding.gives_any(&always) {
            spans.extend(spans_of(binding));
            continue;
        }
        let needed = width(binding);
        if needed <= room {
            room -= needed;
            spans.extend(spans_of(binding));
        } else {
            room = 0;
        }
    }
    frame.render_widget(Line::from(spans), area);
}

/// Whether the store's last error, too long for the status line beside what it says, takes
/// the hint row instead (unless a notice is there): its reason is always whole on screen.
fn error_above_status(app: &App, width: u16) -> bool {
    let Some(error) = &app.last_error else {
        return false;
    };
    let status: usize = status_spans(app).iter().map(Span::width).sum();
    app.notice.is_none() && status + Span::raw(sanitize(error)).width() + 4 > usize::from(width)
}

fn render_status(app: &App, frame: &mut Frame, area: Rect) {
    let mut spans = status_spans(app);
    if let Some(error) = &app.last_error
        && !error_above_status(app, area.width)
    {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(
            format!(" {} ", sanitize(error)),
            Style::new().fg(Color::White).bg(Color::Red),
        ));
    }
    frame.render_widget(Line::from(spans), area);
}

/// The status line but the error: pending requests, position, index, quota, the job.
fn status_spans(app: &App) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    if let Some(warning) = &app.warning {
        spans.push(Span::styled(
            format!(" ⚠ {} ", sanitize(warning)),
            Style::new().fg(Color::Black).bg(Color::Yellow),
        ));
        spans.push(Span::raw("  "));
    }
    let pending = app.pending();
    if pending > 0 {
        spans.push(Span::raw(format!(
            "{} {pending} loading  ",
            SPINNER[app.spinner % SPINNER.len()]
        )));
    }
    let page = match app.last_page() {
        Some(last) => format!("page {} of {}", app.page, crate::app::thousands(last)),
        None => format!("page {}", app.page),
    };
    spans.push(Span::raw(format!("{}  ·  {page}", app.position())));
    if let Some(index) = app.index_line(app.now) {
        spans.push(Span::styled(format!("  ·  {index}"), Style::new().dim()));
    }
    if let (Some(left), Some(quota)) = (app.budget.left, app.budget.quota) {
        spans.push(Span::styled(
            format!("  ·  quota {left}/{quota}"),
            Style::new().dim(),
        ));
    }
    if let Some(ExportRun { written, total, .. }) = app.export {
        let percent = (written * 100).checked_div(total).unwrap_or(0).min(100);
        let filled = (percent / 10) as usize;
        spans.push(Span::raw(format!(
            "  ·  exporting [{}{}] {}/{}",
            "█".repeat(filled),
            "░".repeat(10 - filled),
            crate::app::thousands(written),
            crate::app::thousands(total)
        )));
    }
    if let Some(job) = &app.job {
        let progress = job.progress;
        let step = progress.step.doing();
        let filled = (progress.percent() / 10) as usize;
        let cancel = if job.cancel.is_cancelled() {
            "cancelling…"
        } else {
            "c cancels"
        };
        spans.push(Span::styled(
            format!(
                "  ·  {step} [{}{}] {}/{} ({cancel})",
                "█".repeat(filled),
                "░".repeat(10 - filled),
                crate::app::thousands(progress.done),
                crate::app::thousands(progress.total)
            ),
            Style::new().fg(Color::Yellow),
        ));
    }
    spans
}

fn render_help(app: &App, frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = app
        .help_lines()
        .into_iter()
        .map(|line| match line {
            HelpLine::Keys(b) => Line::from(vec![
                Span::styled(format!("{:>16}  ", b.keys_text()), Style::new().bold()),
                Span::raw(b.label),
            ]),
            HelpLine::Blank => Line::from(""),
            HelpLine::Note(note) => Line::from(format!(" {note}")).dim(),
        })
        .collect();
    let popup = popup(area, 64, lines.len() as u16 + 2);
    let height = popup.height;
    frame.render_widget(Clear, popup);
    // On a short terminal the keys scroll (j/k), and the title says there is more.
    let hidden = (lines.len() as u16).saturating_sub(height.saturating_sub(2));
    let scroll = app.help_scroll().min(hidden);
    let title = if hidden == 0 {
        " Keys — Esc or ? to close ".to_owned()
    } else if scroll < hidden {
        " Keys — j/↓ for more, Esc to close ".to_owned()
    } else {
        " Keys — k/↑ back up, Esc to close ".to_owned()
    };
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(Block::bordered().title(title)),
        popup,
    );
}

/// A box of at most this size, centred in `area`.
fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let (width, height) = (width.min(area.width), height.min(area.height));
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// The text cut to `room` characters, with … when cut.
fn clip(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_owned();
    }
    let mut clipped: String = text.chars().take(room.saturating_sub(1)).collect();
    clipped.push('…');
    clipped
}
