//! The journal view: each change set of the store, newest first, with where its customers
//! stand; then those recorded before stores were known by identity.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use super::sanitize;
use crate::app::App;
use crate::ledger::Recorded;

pub fn render_journal(app: &App, frame: &mut Frame, area: Rect) {
    let block = Block::bordered().title(if app.store.read_only {
        " Change history — read-only: Enter opens the change picked; nothing is undone here "
    } else {
        " Change history — Enter opens the change picked, u undoes it, x lists its conflicts "
    });
    let Some(history) = &app.journal_view.history else {
        frame.render_widget(Paragraph::new("Reading the journal…").block(block), area);
        return;
    };
    let rows = app.journal_view.rows();
    if rows.is_empty() {
        frame.render_widget(
            Paragraph::new("No change recorded for this store yet.").block(block),
            area,
        );
        return;
    }
    let older_start = history.sets.len();
    let rows = rows.iter().enumerate().map(|(at, set)| {
        let mut what = match set.undoes {
            Some(undone) => format!("undo of {undone}"),
            None => set.kind.words().to_owned(),
        };
        if at >= older_start && matches!(set.store, Recorded::ByName(_)) {
            what.push_str(" (before identities)");
        }
        Row::new(vec![
            Cell::from(set.id.to_string()),
            Cell::from(crate::dates::local_time(&set.when)),
            Cell::from(what),
            Cell::from(Line::from(set.about.count(set.size())).right_aligned()),
            Cell::from(sanitize(&stand_and_what(set)).into_owned()),
        ])
    });
    let header = Row::new(["ID", "When", "What", "Of", "Where they stand · what it did"])
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let table = Table::new(
        rows,
        [
            Constraint::Length(5),
            Constraint::Length(19),
            Constraint::Length(16),
            Constraint::Length(15),
            Constraint::Min(20),
        ],
    )
    .header(header)
    .block(block)
    .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
    .column_spacing(2);
    let mut state = TableState::default().with_selected(Some(app.journal_view.selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// "17 undone, 34 to undo · company Lakeside Dental".
fn stand_and_what(set: &crate::ledger::ChangeSet) -> String {
    let stand = set.state_words();
    if set.what.is_empty() || set.undoes.is_some() {
        stand
    } else {
        format!("{stand} · {}", set.what)
    }
}
