//! The customer table: the columns that fit, only the rows on screen, marks and selection.

use chrono::{FixedOffset, Local, TimeZone};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};

use super::sanitize;
use crate::api::{Customer, format_credit};
use crate::app::App;

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

pub fn render_table(app: &App, frame: &mut Frame, area: Rect) {
    let failure = app.load_failure.as_deref().map(|failure| {
        // "Cannot reach the store at 127.0.0.1:9: connection refused — r retries"
        let mut said = sanitize(failure).into_owned();
        if let Some(first) = said.get(..1) {
            said.replace_range(..1, &first.to_uppercase());
        }
        format!("{said} — r retries")
    });
    if app.customers.is_empty() {
        // A failed load never looks like an empty store.
        if let (Some(failure), false) = (&failure, app.loading) {
            frame.render_widget(
                Paragraph::new(failure.as_str())
                    .style(Style::new().fg(Color::Red))
                    .wrap(Wrap { trim: true })
                    .block(Block::bordered()),
                area,
            );
            return;
        }
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
    // The last good rows stay, dimmed, over a line saying they are not current.
    let area = match &failure {
        Some(failure) => {
            let [rows, banner] =
                Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
            frame.render_widget(
                Line::from(format!(" Not current: {failure}"))
                    .style(Style::new().fg(Color::Black).bg(Color::Yellow)),
                banner,
            );
            rows
        }
        None => area,
    };
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
        match (marked, failure.is_some()) {
            (true, _) => row.style(Style::new().fg(Color::Magenta)),
            (false, true) => row.style(Style::new().fg(Color::DarkGray)),
            (false, false) => row,
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
