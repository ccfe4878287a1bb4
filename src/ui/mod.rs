//! Drawing: `render(&App, &mut Frame)`. Reads the state, decides nothing.

mod dialog;
mod form;
mod sanitize;

pub use sanitize::sanitize;

use chrono::{FixedOffset, Local, TimeZone};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};

use crate::api::{Customer, format_credit};
use crate::api::{DATE_FORMS, FILTER_NAMES};
use crate::app::filter_form::FilterForm;
use crate::app::keymap::bindings_for;
use crate::app::{App, Screen};
use crate::worker::Step;

/// Smaller than this, only a message is drawn.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 8;

const SPINNER: [char; 8] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧'];

/// Rows of the table that fit a terminal of this height (header, hint, status and the table's
/// own header row take the rest).
pub fn table_rows(height: u16) -> u16 {
    height.saturating_sub(4).max(1)
}

/// The screen line of the table's first customer row.
pub const FIRST_TABLE_LINE: u16 = 2;

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
        Screen::Table => render_table(app, frame, body),
        Screen::Detail => render_detail(app, frame, body),
    }
    if let Some(form) = &app.filter_form {
        render_filter_panel(form, frame, body);
    }
    if let Some((input, error)) = &app.page_prompt {
        let title = match app.last_page() {
            Some(last) => format!(" Go to page (1–{last}) "),
            None => " Go to page ".to_owned(),
        };
        render_prompt(&title, input, error.as_deref(), frame, body);
    }
    if let Some((input, error)) = &app.export_prompt {
        let title = format!(
            " Export {} customers to (.csv, .json, .ndjson) ",
            app.total.map(crate::app::thousands).unwrap_or_default()
        );
        render_prompt(&title, input, error.as_deref(), frame, body);
    }
    if let Some(form) = &app.form {
        form::render_form(form, frame, body);
    }
    if let Some(open) = &app.dialog {
        dialog::render_dialog(app, open, frame, body);
    }
    render_hints(app, frame, hints);
    render_status(app, frame, status);
    if app.help_open {
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
    if !app.filter.is_empty() {
        spans.push(Span::raw("  filter:"));
        for (name, value) in app.filter.to_query() {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(
                format!(" {name}={} ", sanitize(&value)),
                Style::new().bg(Color::DarkGray),
            ));
        }
    }
    frame.render_widget(Line::from(spans), area);
}

/// The columns, most useful first; narrow terminals drop from the end of this list.
const COLUMNS: [(&str, u16); 8] = [
    ("ID", 7),
    ("Name", 18),
    ("Email", 28),
    ("Store credit", 12),
    ("Group", 5),
    ("Company", 16),
    ("Phone", 15),
    ("Created", 10),
];
/// The order columns appear on screen, by their index above.
const ON_SCREEN: [usize; 8] = [0, 1, 2, 5, 6, 4, 3, 7];

fn render_table(app: &App, frame: &mut Frame, area: Rect) {
    if app.customers.is_empty() {
        let text = if app.loading {
            "Loading customers…".to_owned()
        } else if app.filter.is_empty() {
            "This store has no customers.".to_owned()
        } else {
            "No customer matches the filter.".to_owned()
        };
        frame.render_widget(Paragraph::new(text).block(Block::bordered()), area);
        return;
    }
    // Keep the most useful columns that fit (one space between columns), after the mark.
    let mut kept = 0;
    let mut used = 2u16;
    for (_, width) in COLUMNS {
        let needed = if kept == 0 { width } else { width + 1 };
        if used + needed > area.width && kept >= 2 {
            break;
        }
        used += needed;
        kept += 1;
    }
    let columns: Vec<usize> = ON_SCREEN.into_iter().filter(|&i| i < kept).collect();
    let header = Row::new(
        std::iter::once(Cell::from(" ")).chain(columns.iter().map(|&i| Cell::from(COLUMNS[i].0))),
    )
    .style(Style::new().bold().underlined());
    // Only the rows that fit are built: the window follows the selection.
    let visible = usize::from(area.height.saturating_sub(1)).max(1);
    let first = app.first_visible_row(visible);
    let window = &app.customers[first..app.customers.len().min(first + visible)];
    // Looking up the zone's offset for every date is the costliest part of a row; the table
    // shows days, so today's offset serves for all of them (the detail view is exact).
    let offset = *Local::now().offset();
    let rows = window.iter().map(|customer| {
        let marked = app.marks.contains(customer.id, &app.filter);
        let mark = Cell::from(if marked { "●" } else { " " });
        let row = Row::new(
            std::iter::once(mark).chain(columns.iter().map(|&i| cell(customer, i, offset))),
        );
        if marked {
            row.style(Style::new().fg(Color::Magenta))
        } else {
            row
        }
    });
    let widths = std::iter::once(Constraint::Length(1)).chain(columns.iter().map(|&i| {
        if i == 2 || i == 1 {
            Constraint::Min(COLUMNS[i].1)
        } else {
            Constraint::Length(COLUMNS[i].1)
        }
    }));
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
        .column_spacing(1);
    let mut state = TableState::default().with_selected(Some(app.selected - first));
    frame.render_stateful_widget(table, area, &mut state);
}

fn cell(customer: &Customer, column: usize, offset: FixedOffset) -> Cell<'static> {
    let text = match column {
        0 => customer.id.to_string(),
        1 => sanitize(&customer.full_name()).into_owned(),
        2 => sanitize(&customer.email).into_owned(),
        3 => return Cell::from(Line::from(format_credit(customer.store_credit)).right_aligned()),
        4 => customer.customer_group_id.to_string(),
        5 => sanitize(&customer.company).into_owned(),
        6 => sanitize(&customer.phone).into_owned(),
        _ => customer
            .created_at()
            .and_then(|seconds| offset.timestamp_opt(seconds, 0).single())
            .map(|at| at.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    };
    Cell::from(text)
}

fn local_date(seconds: Option<i64>, format: &str) -> String {
    seconds
        .and_then(|s| Local.timestamp_opt(s, 0).single())
        .map(|at| at.format(format).to_string())
        .unwrap_or_default()
}

fn render_detail(app: &App, frame: &mut Frame, area: Rect) {
    let Some(customer) = app.selected_customer() else {
        frame.render_widget(
            Paragraph::new("No customer selected.").block(Block::bordered()),
            area,
        );
        return;
    };
    let dated = |text: &str, seconds: Option<i64>| {
        let local = local_date(seconds, "%Y-%m-%d %H:%M:%S %Z");
        if local.is_empty() {
            sanitize(text).into_owned()
        } else {
            format!("{local}   (store: {})", sanitize(text))
        }
    };
    let form_fields = match &customer.form_fields {
        None => "none".to_owned(),
        Some(fields) if fields.is_empty() => "none".to_owned(),
        Some(fields) => fields
            .iter()
            .map(|f| {
                format!(
                    "{}: {}",
                    sanitize(&f.name),
                    f.value
                        .as_ref()
                        .map(|v| v
                            .as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| v.to_string()))
                        .map(|v| sanitize(&v).into_owned())
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    };
    let yes_no = |flag: bool| if flag { "yes" } else { "no" }.to_owned();
    let fields: Vec<(&str, String)> = vec![
        ("ID", customer.id.to_string()),
        ("First name", sanitize(&customer.first_name).into_owned()),
        ("Last name", sanitize(&customer.last_name).into_owned()),
        ("Email", sanitize(&customer.email).into_owned()),
        ("Company", sanitize(&customer.company).into_owned()),
        ("Phone", sanitize(&customer.phone).into_owned()),
        ("Store credit", format_credit(customer.store_credit)),
        ("Customer group", customer.customer_group_id.to_string()),
        (
            "Tax-exempt category",
            sanitize(&customer.tax_exempt_category).into_owned(),
        ),
        (
            "Registration IP",
            sanitize(&customer.registration_ip_address).into_owned(),
        ),
        (
            "Reset password at login",
            yes_no(customer.reset_pass_on_login),
        ),
        ("Accepts marketing", yes_no(customer.accepts_marketing)),
        (
            "Created",
            dated(&customer.date_created, customer.created_at()),
        ),
        (
            "Modified",
            dated(&customer.date_modified, customer.modified_at()),
        ),
        ("Form fields", form_fields),
        ("Notes", sanitize(&customer.notes).into_owned()),
    ];
    let lines: Vec<Line> = fields
        .into_iter()
        .map(|(label, value)| {
            Line::from(vec![
                Span::styled(format!("{label:>24}  "), Style::new().bold()),
                Span::raw(value),
            ])
        })
        .collect();
    let title = format!(
        " Customer {} — {} ",
        customer.id,
        sanitize(&customer.full_name())
    );
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(title)),
        area,
    );
}

fn render_filter_panel(form: &FilterForm, frame: &mut Frame, area: Rect) {
    let width = area.width.min(100);
    let height = (FILTER_NAMES.len() as u16 + 6).min(area.height);
    let panel = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y,
        width,
        height,
    };
    frame.render_widget(Clear, panel);
    let block = Block::bordered().title(" Filter — Enter applies, Esc closes ");
    let inner = block.inner(panel);
    frame.render_widget(block, panel);
    const LABEL: u16 = 22;
    let field_width = inner.width.saturating_sub(LABEL + 1).min(36);
    let mut lines = Vec::new();
    for (index, name) in FILTER_NAMES.iter().enumerate() {
        let input = &form.inputs[index];
        let scroll = input.visual_scroll(usize::from(field_width.saturating_sub(1)));
        let shown: String = input
            .value()
            .chars()
            .skip(scroll)
            .take(usize::from(field_width))
            .collect();
        let focused = index == form.focus;
        let label_style = if focused {
            Style::new().bold().reversed()
        } else {
            Style::new().bold()
        };
        let mut spans = vec![
            Span::styled(
                format!("{name:>width$}", width = usize::from(LABEL)),
                label_style,
            ),
            Span::raw(" "),
            Span::styled(
                format!(
                    "{:<width$}",
                    sanitize(&shown),
                    width = usize::from(field_width)
                ),
                Style::new().bg(Color::DarkGray),
            ),
        ];
        if let Some(error) = &form.errors[index] {
            spans.push(Span::styled(
                format!(" {error}"),
                Style::new().fg(Color::Red),
            ));
        }
        lines.push(Line::from(spans));
        if focused && inner.height as usize > index {
            let cursor = input.visual_cursor().saturating_sub(scroll) as u16;
            frame.set_cursor_position((
                inner.x + LABEL + 1 + cursor.min(field_width),
                inner.y + index as u16,
            ));
        }
    }
    lines.push(Line::from(""));
    lines.push(
        Line::from(
            " Text filters match the whole value exactly (not a part of it), as the store does.",
        )
        .dim(),
    );
    lines.push(Line::from(format!(" Dates: {DATE_FORMS}.")).dim());
    if let Some(message) = &form.message {
        lines.push(Line::from(Span::styled(
            format!(" Not applied: {message}"),
            Style::new().fg(Color::Red),
        )));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn render_prompt(
    title: &str,
    input: &tui_input::Input,
    error: Option<&str>,
    frame: &mut Frame,
    area: Rect,
) {
    let width = area.width.min(70);
    let box_area = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + area.height / 3,
        width,
        height: 3.min(area.height),
    };
    frame.render_widget(Clear, box_area);
    let mut spans = vec![Span::raw(sanitize(input.value()).into_owned())];
    if let Some(error) = error {
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
    let mut spans = Vec::new();
    for binding in bindings_for(app.context(), true, app.store.read_only) {
        spans.push(Span::styled(
            format!(" {} ", binding.keys),
            Style::new().bold(),
        ));
        spans.push(Span::styled(
            format!("{}  ", binding.description),
            Style::new().dim(),
        ));
    }
    frame.render_widget(Line::from(spans), area);
}

fn render_status(app: &App, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
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
    if let (Some(left), Some(quota)) = (app.budget.left, app.budget.quota) {
        spans.push(Span::styled(
            format!("  ·  quota {left}/{quota}"),
            Style::new().dim(),
        ));
    }
    if let Some((_, written, total)) = app.export {
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
        let step = match job.step {
            Step::BackingUp => "backing up",
            Step::Deleting => "deleting",
            Step::Checking => "checking the store",
            Step::Restoring => "restoring",
        };
        let percent = (job.done * 100)
            .checked_div(job.total)
            .unwrap_or(0)
            .min(100);
        let filled = (percent / 10) as usize;
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
                crate::app::thousands(job.done),
                crate::app::thousands(job.total)
            ),
            Style::new().fg(Color::Yellow),
        ));
    }

    if let Some(error) = &app.last_error {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(
            format!(" {} ", sanitize(error)),
            Style::new().fg(Color::White).bg(Color::Red),
        ));
    }
    frame.render_widget(Line::from(spans), area);
}

fn render_help(app: &App, frame: &mut Frame, area: Rect) {
    let mut lines: Vec<Line> = bindings_for(app.screen_context(), false, app.store.read_only)
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:>16}  ", b.keys), Style::new().bold()),
                Span::raw(b.description),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(" Text filters match whole values, as the store does.").dim());
    let popup = popup(area, 64, lines.len() as u16 + 2);
    let height = popup.height;
    frame.render_widget(Clear, popup);
    // On a short terminal the keys scroll (j/k), and the title says there is more.
    let hidden = (lines.len() as u16).saturating_sub(height.saturating_sub(2));
    let scroll = app.help_scroll.min(hidden);
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
