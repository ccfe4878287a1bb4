//! The journal view: each change set of the store, newest first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use crate::app::App;

pub fn render_journal(app: &App, frame: &mut Frame, area: Rect) {
    let block = Block::bordered().title(" Change history — Enter or u undoes the change picked ");
    let sets = match &app.journal_view.sets {
        None => {
            frame.render_widget(Paragraph::new("Reading the journal…").block(block), area);
            return;
        }
        Some(sets) if sets.is_empty() => {
            frame.render_widget(
                Paragraph::new("No change recorded for this store yet.").block(block),
                area,
            );
            return;
        }
        Some(sets) => sets,
    };
    let rows = sets.iter().map(|set| {
        let kind = serde_json::to_value(set.kind).unwrap_or_default();
        let mut what = kind.as_str().unwrap_or_default().replace('_', " ");
        if let Some(id) = set.undoes {
            what.push_str(&format!(" of {id}"));
        }
        Row::new(vec![
            Cell::from(set.id.to_string()),
            Cell::from(set.when.clone()),
            Cell::from(what),
            Cell::from(Line::from(set.customers.to_string()).right_aligned()),
            Cell::from(if set.undone { "undone" } else { "" }),
        ])
    });
    let header = Row::new(["ID", "When", "What", "Customers", ""])
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let table = Table::new(
        rows,
        [
            Constraint::Length(5),
            Constraint::Length(25),
            Constraint::Length(14),
            Constraint::Length(10),
            Constraint::Length(7),
        ],
    )
    .header(header)
    .block(block)
    .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
    .column_spacing(2);
    let mut state = TableState::default().with_selected(Some(app.journal_view.selected));
    frame.render_stateful_widget(table, area, &mut state);
}
