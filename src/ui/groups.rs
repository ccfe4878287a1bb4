//! The groups view: each group, whether it is the default, and how many customers it has.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use super::sanitize;
use crate::app::App;
use crate::format::thousands;

pub fn render_groups(app: &App, frame: &mut Frame, area: Rect) {
    let block = Block::bordered().title(" Customer groups — Enter shows a group's customers ");
    if app.groups.is_empty() {
        frame.render_widget(
            Paragraph::new("No groups yet, or still loading.").block(block),
            area,
        );
        return;
    }
    let count = |id: i64| {
        app.groups_view
            .counts
            .get(&id)
            .map_or_else(|| "…".to_owned(), |count| thousands(*count))
    };
    let rows = app
        .groups
        .iter()
        .map(|group| {
            Row::new(vec![
                Cell::from(format!("#{}", group.id)),
                Cell::from(sanitize(&group.name).into_owned()),
                Cell::from(if group.is_default { "default" } else { "" }),
                Cell::from(Line::from(count(group.id)).right_aligned()),
            ])
        })
        .chain([Row::new(vec![
            Cell::from(""),
            Cell::from("(no group)"),
            Cell::from(""),
            Cell::from(Line::from(count(0)).right_aligned()),
        ])]);
    let header = Row::new(["ID", "Name", "", "Customers"])
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let table = Table::new(
        rows,
        [
            Constraint::Length(6),
            Constraint::Min(20),
            Constraint::Length(8),
            Constraint::Length(10),
        ],
    )
    .header(header)
    .block(block)
    .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
    .column_spacing(2);
    let mut state = TableState::default().with_selected(Some(app.groups_view.selected));
    frame.render_stateful_widget(table, area, &mut state);
}
