//! The customer table: the columns that fit, only the rows on screen, marks and selection.

use chrono::{FixedOffset, Local, TimeZone};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};

use super::sanitize;
use crate::app::App;
use crate::domain::Customer;
use crate::format::money;

/// The columns, most useful first, with the most cells each may take; narrow terminals drop
/// columns from the end of this list. Each takes the width its content needs on the page.
const COLUMNS: [(&str, u16); 8] = [
    ("ID", 9),
    ("Name", 30),
    ("Email", 40),
    ("Store credit", 18),
    ("Group", 20),
    ("Company", 24),
    ("Phone", 18),
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
        } else if let Some(search) = &app.search {
            if search.query.text.trim().is_empty() {
                "The index holds no customer here yet (it fills as it syncs).".to_owned()
            } else if app
                .index
                .syncing
                .is_some_and(|(_, progress)| progress.first)
            {
                format!(
                    "Nothing found for '{}' yet: the index is still being filled. Esc goes back to the store's pages.",
                    sanitize(search.query.text.trim())
                )
            } else {
                format!(
                    "Nothing found for '{}'. Esc goes back to the store's pages.",
                    sanitize(search.query.text.trim())
                )
            }
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
    // Looking up the zone's offset for every date is the costliest part of a row; the table
    // shows days, so today's offset serves for all of them (the detail view is exact).
    let offset = *Local::now().offset();
    let columns = columns_on_screen(app, area.width, offset);
    // The column the index sorts by carries an arrow.
    let sorted = app.search.as_ref().map(|search| {
        let sort = search.query.sort;
        (
            sort_column_index(sort.column),
            if sort.descending { " ↓" } else { " ↑" },
        )
    });
    let header = Row::new(
        std::iter::once(Cell::from(" ")).chain(columns.iter().map(|&(i, _)| {
            let title = match sorted {
                Some((column, arrow)) if column == i => {
                    Line::from(format!("{}{arrow}", COLUMNS[i].0))
                }
                _ => Line::from(COLUMNS[i].0),
            };
            Cell::from(if i == CREDIT {
                title.right_aligned()
            } else {
                title
            })
        })),
    )
    .style(Style::new().bold().underlined());
    // Only the rows that fit are built: the window follows the selection.
    let visible = usize::from(area.height.saturating_sub(1)).max(1);
    let first = app.first_visible_row(visible);
    let window = &app.customers[first..app.customers.len().min(first + visible)];
    let listing = app.listing();
    let rows = window.iter().map(|customer| {
        let marked = app.marks.contains(customer.id, &listing);
        let mark = Cell::from(if marked { "●" } else { " " });
        let row = Row::new(
            std::iter::once(mark)
                .chain(columns.iter().map(|&(i, _)| cell(app, customer, i, offset))),
        );
        match (marked, failure.is_some()) {
            (true, _) => row.style(Style::new().fg(Color::Magenta)),
            (false, true) => row.style(Style::new().fg(Color::DarkGray)),
            (false, false) => row,
        }
    });
    let widths = std::iter::once(Constraint::Length(1))
        .chain(columns.iter().map(|&(_, width)| Constraint::Length(width)));
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
        .column_spacing(1);
    let mut state = TableState::default().with_selected(Some(app.selected - first));
    frame.render_stateful_widget(table, area, &mut state);
}

/// The columns that fit a table this wide, in the order they stand, with their widths: the
/// most useful first (one space between columns, after the mark); the last one kept may
/// shrink to what is left, but not below its title.
fn columns_on_screen(app: &App, width: u16, offset: FixedOffset) -> Vec<(usize, u16)> {
    let widths = content_widths(app, offset);
    let mut kept = Vec::new();
    let mut used = 2u16;
    for (index, &wanted) in widths.iter().enumerate() {
        let room = width.saturating_sub(used + u16::from(!kept.is_empty()));
        let least = (COLUMNS[index].0.len() as u16).min(wanted);
        if room < least && kept.len() >= 2 {
            break;
        }
        let wanted = wanted.min(room.max(least));
        used += wanted + u16::from(!kept.is_empty());
        kept.push((index, wanted));
    }
    ON_SCREEN
        .into_iter()
        .filter_map(|i| kept.iter().find(|(index, _)| *index == i).copied())
        .collect()
}

/// The column whose title is at `x` on a table this wide, to sort by (a click on it).
pub fn column_at(app: &App, width: u16, x: u16) -> Option<crate::index::SortColumn> {
    use crate::index::SortColumn as C;
    let offset = *Local::now().offset();
    // The mark's cell and a space, then each column and a space.
    let mut left = 2u16;
    for (index, column_width) in columns_on_screen(app, width, offset) {
        if (left..left + column_width).contains(&x) {
            return Some(match index {
                0 => C::Id,
                1 => C::Name,
                2 => C::Email,
                CREDIT => C::StoreCredit,
                4 => C::Group,
                5 => C::Company,
                6 => C::Phone,
                _ => C::Created,
            });
        }
        left += column_width + 1;
    }
    None
}

/// Where a sort column is in `COLUMNS`.
fn sort_column_index(column: crate::index::SortColumn) -> usize {
    use crate::index::SortColumn as C;
    match column {
        C::Id => 0,
        C::Name => 1,
        C::Email => 2,
        C::StoreCredit => 3,
        C::Group => 4,
        C::Company => 5,
        C::Phone => 6,
        C::Created => 7,
    }
}

/// The index of the store credit column: money is right-aligned.
const CREDIT: usize = 3;

/// The cells each column needs for the customers of the page (and its title), up to its most.
fn content_widths(app: &App, offset: FixedOffset) -> [u16; 8] {
    let mut widths = COLUMNS.map(|(title, _)| title.len() as u16);
    widths[7] = 10;
    if let Some(search) = &app.search {
        // Room for the sort arrow.
        widths[sort_column_index(search.query.sort.column)] += 2;
    }
    for customer in &app.customers {
        // Dates are all ten cells ("2026-11-27"): not worth reading every one.
        for (index, width) in widths.iter_mut().enumerate().take(7) {
            let needed = Span::raw(text(app, customer, index, offset)).width() as u16;
            *width = (*width).max(needed);
        }
    }
    for (index, width) in widths.iter_mut().enumerate() {
        *width = (*width).min(COLUMNS[index].1);
    }
    widths
}

fn text(app: &App, customer: &Customer, column: usize, offset: FixedOffset) -> String {
    match column {
        0 => customer.id.to_string(),
        1 => sanitize(&customer.full_name()).into_owned(),
        2 => sanitize(&customer.email).into_owned(),
        CREDIT => money(customer.store_credit),
        4 => sanitize(&app.group_label(customer.customer_group_id)).into_owned(),
        5 => sanitize(&customer.company).into_owned(),
        6 => sanitize(&customer.phone).into_owned(),
        _ => customer
            .created_at()
            .and_then(|seconds| offset.timestamp_opt(seconds, 0).single())
            .map(|at| at.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    }
}

fn cell(app: &App, customer: &Customer, column: usize, offset: FixedOffset) -> Cell<'static> {
    let text = text(app, customer, column, offset);
    if column == CREDIT {
        Cell::from(Line::from(text).right_aligned())
    } else {
        Cell::from(text)
    }
}
