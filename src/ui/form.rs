//! The create and edit form: a label, the text and what is wrong with it, per field; the
//! password section; the Save button.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{clip, sanitize};
use crate::app::customer_form::{CustomerForm, FIELDS, FORCE_RESET, GROUP, SAVE, Stage};

const LABEL_WIDTH: usize = 21;
/// Fields whose text is never shown.
const SECRET: [&str; 2] = ["password", "password_confirmation"];

pub fn render_form(form: &CustomerForm, frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    let title = match form.stage {
        Stage::Editing => format!(" {} ", form.title()),
        Stage::Checking => format!(" {} — checking the store… ", form.title()),
        Stage::Saving(_) => format!(" {} — saving… ", form.title()),
    };
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let mut lines = Vec::new();
    // The message gets two lines, so that a store's reason fits whole.
    let (text, style) = match &form.message {
        Some(message) => (
            sanitize(message).into_owned(),
            Style::new().fg(Color::Yellow),
        ),
        None => (
            "Fields are checked as you type; ✗ says what the store would refuse.".to_owned(),
            Style::new().dim(),
        ),
    };
    let mut message = wrap(&text, usize::from(inner.width).saturating_sub(2));
    message.resize(2, String::new());
    for line in message.into_iter().take(2) {
        lines.push(Line::from(Span::styled(format!(" {line}"), style)));
    }
    // Room is left after the text for what is wrong with it.
    let value_width = usize::from(inner.width)
        .saturating_sub(LABEL_WIDTH + 4)
        .clamp(8, 40);
    let changed = form.changed_fields();
    let mut cursor = None;
    let mut focused_line = 0;
    for (field, (name, label)) in FIELDS.iter().enumerate() {
        if *name == "password" {
            lines.push(Line::from(
                " Password: leave empty to keep it (or let the store make one).".dim(),
            ));
        }
        let focused = form.focus == field;
        let input = &form.inputs[field];
        let text = if SECRET.contains(name) {
            "•".repeat(input.value().chars().count())
        } else {
            sanitize(input.value()).into_owned()
        };
        // Long text scrolls so the cursor stays in view.
        let scroll = input.visual_scroll(value_width);
        let shown: String = text.chars().skip(scroll).take(value_width).collect();
        let marker = if changed.contains(&field) { "•" } else { " " };
        let label_style = if focused {
            Style::new().bold().fg(Color::Cyan)
        } else {
            Style::new()
        };
        let mut spans = vec![
            Span::styled(format!("{marker}{label:>LABEL_WIDTH$} "), label_style),
            Span::styled(
                format!("{shown:<value_width$}"),
                if focused {
                    Style::new().underlined()
                } else {
                    Style::new().dim().underlined()
                },
            ),
        ];
        let room = usize::from(inner.width).saturating_sub(LABEL_WIDTH + value_width + 5);
        if let Some(error) = &form.errors[field] {
            spans.push(Span::styled(
                format!(" ✗ {}", clip(&sanitize(error), room)),
                Style::new().fg(Color::Red),
            ));
        } else if field == GROUP && !form.groups.is_empty() {
            // The group is picked by name: the matches show as it is typed.
            let typed = form.inputs[GROUP].value().trim();
            let choices = if focused {
                form.group_choices().join(" · ")
            } else if typed.is_empty() {
                String::new()
            } else {
                form.group_choices().into_iter().next().unwrap_or_default()
            };
            spans.push(Span::styled(
                format!(" {}", clip(&sanitize(&choices), room)),
                Style::new().dim(),
            ));
        }
        if focused {
            let offset = input.visual_cursor().saturating_sub(scroll);
            cursor = Some((
                inner.x + LABEL_WIDTH as u16 + 2 + offset as u16,
                lines.len(),
            ));
            focused_line = lines.len();
        }
        lines.push(Line::from(spans));
    }
    if form.focus == FORCE_RESET {
        focused_line = lines.len();
    }
    let tick = if form.force_reset { "[x]" } else { "[ ]" };
    lines.push(Line::from(Span::styled(
        format!(
            " {:>LABEL_WIDTH$} {tick} force a password reset at next login",
            ""
        ),
        if form.focus == FORCE_RESET {
            Style::new().bold().fg(Color::Cyan)
        } else {
            Style::new()
        },
    )));
    lines.push(Line::from(""));
    if form.focus == SAVE {
        focused_line = lines.len();
    }
    lines.push(Line::from(vec![
        Span::raw(format!(" {:>LABEL_WIDTH$} ", "")),
        Span::styled(
            "[ Save ]",
            if form.focus == SAVE {
                Style::new().bold().reversed()
            } else {
                Style::new().bold()
            },
        ),
        Span::styled("  (Ctrl-s from any field)", Style::new().dim()),
    ]));
    // On a short terminal the form scrolls so that the focused line stays in view.
    let scroll = (focused_line + 1).saturating_sub(usize::from(inner.height)) as u16;
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
    if let Some((x, line)) = cursor
        && form.stage == Stage::Editing
    {
        let y = inner.y + line as u16 - scroll;
        if y < inner.y + inner.height {
            frame.set_cursor_position((x, y));
        }
    }
}

/// Words into lines of at most `width` characters (a longer word is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let Some(line) = lines.last_mut() else {
            break;
        };
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if needed > width && !line.is_empty() {
            lines.push(clip(word, width));
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&clip(word, width.saturating_sub(line.chars().count())));
        }
    }
    lines
}
