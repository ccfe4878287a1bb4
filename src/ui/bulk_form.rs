//! The bulk edit form: what to change on every marked customer; empty fields keep what each
//! customer has.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{clip, sanitize};
use crate::app::bulk_edit::{APPEND_BOX, BULK_LABELS, BulkForm, RESET_BOX, REVIEW};

const LABEL_WIDTH: usize = 20;
const HINTS: [&str; 4] = ["a name or id", "=12.50 sets, +5 adds, -5 subtracts", "", ""];

pub fn render_bulk_form(form: &BulkForm, frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    let title = format!(
        " Change {} at once{} ",
        crate::format::customers(form.count),
        if form.reviewing.is_some() {
            " — reading them for the review…"
        } else {
            ""
        }
    );
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = vec![match &form.message {
        Some(message) => Line::from(Span::styled(
            format!(" {}", sanitize(message)),
            Style::new().fg(Color::Yellow),
        )),
        None => Line::from(
            " Empty fields keep what each customer has. Nothing is sent before a review.".dim(),
        ),
    }];
    let width = usize::from(inner.width)
        .saturating_sub(LABEL_WIDTH + 4)
        .clamp(8, 36);
    let mut cursor = None;
    for (field, label) in BULK_LABELS.iter().enumerate() {
        let focused = form.focus == field;
        let input = &form.inputs[field];
        let scroll = input.visual_scroll(width);
        let text: String = sanitize(input.value())
            .chars()
            .skip(scroll)
            .take(width)
            .collect();
        let mut spans = vec![
            Span::styled(
                format!(" {label:>LABEL_WIDTH$} "),
                if focused {
                    Style::new().bold().fg(Color::Cyan)
                } else {
                    Style::new().bold()
                },
            ),
            Span::styled(
                format!("{text:<width$}"),
                if focused {
                    Style::new().underlined()
                } else {
                    Style::new().dim().underlined()
                },
            ),
        ];
        match &form.errors[field] {
            Some(problem) => spans.push(Span::styled(
                format!(" ✗ {}", clip(&sanitize(problem), 60)),
                Style::new().fg(Color::Red),
            )),
            None if field == 0 && focused && !form.groups.is_empty() => {
                let names: Vec<String> = form
                    .groups
                    .iter()
                    .filter(|(_, name)| {
                        name.to_lowercase()
                            .contains(&input.value().trim().to_lowercase())
                    })
                    .take(6)
                    .map(|(id, name)| format!("{name} #{id}"))
                    .collect();
                spans.push(Span::styled(
                    format!(" {}", sanitize(&names.join(" · "))),
                    Style::new().dim(),
                ));
            }
            None => spans.push(Span::styled(
                format!(" {}", HINTS[field]),
                Style::new().dim(),
            )),
        }
        if focused {
            cursor = Some((
                inner.x + (LABEL_WIDTH + 2 + input.visual_cursor().saturating_sub(scroll)) as u16,
                inner.y + lines.len() as u16,
            ));
        }
        lines.push(Line::from(spans));
    }
    let tick = |on: bool| if on { "[x]" } else { "[ ]" };
    let boxes = [
        (
            APPEND_BOX,
            form.append_notes,
            "add the notes as a line (else they replace)",
        ),
        (
            RESET_BOX,
            form.force_reset,
            "force a password reset at next login",
        ),
    ];
    for (stop, on, label) in boxes {
        let style = if form.focus == stop {
            Style::new().reversed()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(
            format!(" {:>LABEL_WIDTH$} {} {label}", "", tick(on)),
            style,
        )));
    }
    lines.push(Line::from(""));
    let style = if form.focus == REVIEW {
        Style::new().reversed().bold()
    } else {
        Style::new().bold()
    };
    lines.push(Line::from(vec![
        Span::raw(" "),
        Span::styled("[ Review ]", style),
    ]));
    if let Some(position) = cursor {
        frame.set_cursor_position(position);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
