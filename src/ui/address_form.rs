//! The address form: a label, the text and what is wrong with it, per field; the countries
//! that match what is typed in the country field; the Save button.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{clip, sanitize};
use crate::app::address_form::{ADDRESS_LABELS, AddressForm, COUNTRY, SAVE_ADDRESS, TYPE};

const LABEL_WIDTH: usize = 16;

pub fn render_address_form(form: &AddressForm, frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    let title = match form.saving {
        Some(_) => format!(" {} — saving… ", form.title()),
        None => format!(" {} ", form.title()),
    };
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let mut lines = Vec::new();
    lines.push(match &form.message {
        Some(message) => Line::from(Span::styled(
            format!(" {}", sanitize(message)),
            Style::new().fg(Color::Yellow),
        )),
        None => {
            Line::from(" Fields are checked as you type; ✗ says what the store would refuse.".dim())
        }
    });
    let value_width = usize::from(inner.width)
        .saturating_sub(LABEL_WIDTH + 4)
        .clamp(8, 40);
    let mut cursor = None;
    let mut focused_line = 0;
    for (field, label) in ADDRESS_LABELS.iter().enumerate() {
        let focused = form.focus == field;
        let input = &form.inputs[field];
        let scroll = input.visual_scroll(value_width);
        let text: String = sanitize(input.value())
            .chars()
            .skip(scroll)
            .take(value_width)
            .collect();
        let label_style = if focused {
            Style::new().bold().fg(Color::Cyan)
        } else {
            Style::new().bold()
        };
        let mut spans = vec![
            Span::styled(format!(" {label:>LABEL_WIDTH$} "), label_style),
            Span::styled(
                format!("{text:<value_width$}"),
                if focused {
                    Style::new().underlined()
                } else {
                    Style::new()
                },
            ),
        ];
        if field == TYPE && focused && form.errors[field].is_none() {
            spans.push(Span::styled(
                " Space switches: residential / commercial",
                Style::new().dim(),
            ));
        }
        if let Some(problem) = &form.errors[field] {
            spans.push(Span::styled(
                format!(" ✗ {}", clip(&sanitize(problem), 60)),
                Style::new().fg(Color::Red),
            ));
        }
        if focused {
            focused_line = lines.len();
            cursor = Some((
                (LABEL_WIDTH + 2 + input.visual_cursor().saturating_sub(scroll)) as u16,
                lines.len() as u16,
            ));
        }
        lines.push(Line::from(spans));
        if field == COUNTRY && focused {
            let choices = form.country_choices();
            if !choices.is_empty() {
                // The one ↓/↑ chose stands out; Enter takes it.
                let mut offered = vec![Span::raw(format!(" {:>LABEL_WIDTH$} ", ""))];
                for (at, name) in choices.iter().enumerate() {
                    if at > 0 {
                        offered.push(Span::styled(" · ", Style::new().dim()));
                    }
                    offered.push(if form.country_choice == Some(at) {
                        Span::styled(*name, Style::new().reversed())
                    } else {
                        Span::styled(*name, Style::new().dim())
                    });
                }
                if form.country_choice.is_none() {
                    offered.push(Span::styled("  (↓ chooses)", Style::new().dim()));
                }
                lines.push(Line::from(offered));
            }
        }
    }
    lines.push(Line::from(""));
    let save = Span::styled(
        "[ Save ]",
        if form.focus == SAVE_ADDRESS {
            focused_line = lines.len();
            Style::new().reversed().bold()
        } else {
            Style::new().bold()
        },
    );
    lines.push(Line::from(vec![Span::raw(" "), save]));
    // On a short terminal the form scrolls so that the focused line shows.
    let room = usize::from(inner.height).max(1);
    let skip = (focused_line + 1).saturating_sub(room);
    if let Some((x, y)) = cursor {
        let y = usize::from(y);
        if y >= skip && y - skip < room {
            frame.set_cursor_position((inner.x + x, inner.y + (y - skip) as u16));
        }
    }
    frame.render_widget(Paragraph::new(lines).scroll((skip as u16, 0)), inner);
}
