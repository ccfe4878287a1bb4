//! The filter panel: a field per filter of the API, what is wrong with each, how it matches.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::sanitize;
use crate::app::filter_form::FilterForm;
use crate::domain::{DATE_FORMS, FILTER_LABELS, FILTER_NAMES};

pub fn render_filter_panel(form: &FilterForm, frame: &mut Frame, area: Rect) {
    let width = area.width.min(100);
    let height = (FILTER_NAMES.len() as u16 + 7).min(area.height);
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
        let label = FILTER_LABELS[index];
        let mut spans = vec![
            Span::styled(
                format!("{label:>width$}", width = usize::from(LABEL)),
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
            // Kept to its line, so that it never runs into the labels below; the focused
            // field's whole reason is said under the panel.
            let room = usize::from(inner.width.saturating_sub(LABEL + 2 + field_width));
            spans.push(Span::styled(
                format!(" {}", super::clip(error, room)),
                Style::new().fg(Color::Red),
            ));
        } else if focused && *name == "customer_group_id" && !form.groups.is_empty() {
            // The group is picked by name: the matches show as it is typed.
            spans.push(Span::styled(
                format!(" {}", sanitize(&form.group_choices().join(" · "))),
                Style::new().dim(),
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
    if let Some(error) = form
        .errors
        .get(form.focus)
        .and_then(Option::as_ref)
        .filter(|_| form.message.is_none())
    {
        lines.push(Line::from(Span::styled(
            format!(" {}: {error}", FILTER_LABELS[form.focus]),
            Style::new().fg(Color::Red),
        )));
    }
    if let Some(message) = &form.message {
        lines.push(Line::from(Span::styled(
            format!(" Not applied: {message}"),
            Style::new().fg(Color::Red),
        )));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
