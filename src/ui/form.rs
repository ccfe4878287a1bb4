//! The create and edit form: a label, the text and what is wrong with it, per field; the
//! password section; the Save button.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::sanitize;
use crate::app::customer_form::{CustomerForm, FIELDS, FORCE_RESET, SAVE, Stage};

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
    match &form.message {
        Some(message) => lines.push(Line::from(Span::styled(
            format!(" {}", sanitize(message)),
            Style::new().fg(Color::Yellow),
        ))),
        None => lines.push(Line::from(
            " Fields are checked as you type; ✗ says what the store would refuse.".dim(),
        )),
    }
    // Room is left after the text for what is wrong with it.
    let value_width = usize::from(inner.width)
        .saturating_sub(LABEL_WIDTH + 4)
        .clamp(8, 40);
    let mut cursor = None;
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
        let marker = if form.is_changed(field) { "•" } else { " " };
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
        if let Some(error) = &form.errors[field] {
            spans.push(Span::styled(
                format!(" ✗ {}", sanitize(error)),
                Style::new().fg(Color::Red),
            ));
        }
        if focused {
            let offset = input.visual_cursor().saturating_sub(scroll);
            cursor = Some((
                inner.x + LABEL_WIDTH as u16 + 2 + offset as u16,
                inner.y + lines.len() as u16,
            ));
        }
        lines.push(Line::from(spans));
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
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some(position) = cursor
        && form.stage == Stage::Editing
        && position.1 < inner.y + inner.height
    {
        frame.set_cursor_position(position);
    }
}
