//! The summary view: customers per group, per email domain and per signup month, as bars
//! beside their counts; the chosen bar of the focused chart is highlighted.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph, Wrap};

use super::{clip, sanitize};
use crate::app::App;
use crate::app::summary::{CHARTS, MONTHS};
use crate::format::thousands;

pub fn render_summary(app: &App, frame: &mut Frame, area: Rect) {
    let view = &app.summary_view;
    let Some(summary) = &view.summary else {
        let text = match &view.problem {
            Some(problem) => format!("The summary could not be counted: {}", sanitize(problem)),
            None => "Counting the index…".to_owned(),
        };
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(" Summary ")),
            area,
        );
        return;
    };
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let [groups, domains] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(left);
    let [countries, months] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(right);
    let areas = [groups, domains, countries, months];
    for (chart, place) in areas.into_iter().enumerate() {
        let focused = view.chart == chart;
        let rows = view.rows(chart);
        let title = if chart == 2 {
            format!(
                " {} · addresses of {} customers read ",
                CHARTS[chart],
                thousands(summary.addresses_read)
            )
        } else {
            format!(
                " {} · {} customers in the index ",
                CHARTS[chart],
                thousands(summary.customers)
            )
        };
        let border = if focused {
            Style::new().fg(Color::Cyan)
        } else {
            Style::new().dim()
        };
        let block = Block::bordered().title(title).border_style(border);
        if rows.is_empty() {
            let none = if chart == 2 {
                " No addresses read yet: they are read as customers' details open, or all at once by `bc-customers index sync --with-addresses`."
            } else {
                " None yet."
            };
            frame.render_widget(
                Paragraph::new(none).wrap(Wrap { trim: true }).block(block),
                place,
            );
            continue;
        }
        let inner = block.inner(place);
        // Months read as a timeline: upright bars; groups and domains as labelled rows.
        let upright = chart == MONTHS;
        let digits_room = rows
            .iter()
            .map(|row| row.count.to_string().len() as u16)
            .max()
            .unwrap_or(1)
            .max(2);
        let fits = if upright {
            usize::from(inner.width / (digits_room + 1)).max(1)
        } else {
            usize::from(inner.height).max(1)
        };
        let counts_room = rows
            .iter()
            .map(|row| thousands(row.count).len())
            .max()
            .unwrap_or(1);
        let chosen = view.chosen[chart];
        // The window of bars follows the choice.
        let first = (chosen + 1).saturating_sub(fits);
        let label_room = if upright { 3 } else { 18 };
        // Upright bars are as wide as their largest count's digits.
        let digits = rows
            .iter()
            .map(|row| row.count.to_string().len() as u16)
            .max()
            .unwrap_or(1)
            .max(2);
        let bars: Vec<Bar> = rows
            .iter()
            .enumerate()
            .skip(first)
            .take(fits)
            .map(|(index, row)| {
                let label = if upright {
                    // "2025-04" → "04" under its bar; the title names the span.
                    row.label.get(5..).unwrap_or(&row.label).to_owned()
                } else {
                    // The count right-aligned after the name: the bars start together.
                    format!(
                        "{:<label_room$} {:>counts_room$}",
                        clip(&sanitize(&row.label), label_room),
                        thousands(row.count)
                    )
                };
                let style = if focused && index == chosen {
                    Style::new().fg(Color::Yellow).bold()
                } else {
                    Style::new().fg(Color::Blue)
                };
                Bar::default()
                    .value(row.count)
                    .label(ratatui::text::Line::from(label))
                    .text_value(if upright {
                        row.count.to_string()
                    } else {
                        String::new()
                    })
                    .style(style)
                    .value_style(style.reversed())
            })
            .collect();
        let mut chart_widget = BarChart::default()
            .block(block)
            .data(BarGroup::default().bars(&bars))
            .bar_gap(if upright { 1 } else { 0 });
        chart_widget = if upright {
            chart_widget.bar_width(digits)
        } else {
            chart_widget.direction(Direction::Horizontal).bar_width(1)
        };
        frame.render_widget(chart_widget, place);
        if upright && let (Some(from), Some(to)) = (rows.first(), rows.last()) {
            let span = format!(" {} – {} ", from.label, to.label);
            let title_area = Rect {
                x: place.x + 2,
                y: place.y + place.height.saturating_sub(1),
                width: (span.len() as u16).min(place.width.saturating_sub(4)),
                height: 1,
            };
            frame.render_widget(Paragraph::new(span).dim(), title_area);
        }
    }
}
