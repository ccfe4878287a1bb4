//! The summary: customers per group, per email domain, per country (of the addresses read)
//! and per signup month, counted by the index.

use rusqlite::types::Value;

use super::{Facet, IndexError, LocalIndex};

/// One bar of the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    pub label: String,
    pub count: u64,
    pub facet: Facet,
}

/// Customers per group, per email domain (the most common), per country (of the addresses
/// read) and per signup month (the latest).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub customers: u64,
    pub groups: Vec<SummaryRow>,
    pub domains: Vec<SummaryRow>,
    pub countries: Vec<SummaryRow>,
    /// Customers whose addresses have been read: what the countries cover.
    pub addresses_read: u64,
    pub months: Vec<SummaryRow>,
}

/// The domains and months the summary shows at most.
const SUMMARY_ROWS: usize = 24;

impl LocalIndex {
    /// Customers per group, per email domain and per signup month.
    pub fn summary(&self) -> Result<Summary, IndexError> {
        let names: std::collections::HashMap<i64, String> =
            self.group_names()?.into_iter().collect();
        let connection = self.reader();
        let counted = |sql: &str| -> Result<Vec<(Value, u64)>, IndexError> {
            let mut statement = connection.prepare_cached(sql).map_err(self.failed())?;
            let rows = statement
                .query_map([], |row| {
                    Ok((row.get::<_, Value>(0)?, row.get::<_, i64>(1)? as u64))
                })
                .map_err(self.failed())?;
            rows.collect::<Result<_, _>>().map_err(self.failed())
        };
        let customers = connection
            .query_row("SELECT count(*) FROM customers", [], |row| {
                row.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(self.failed())?;
        let groups = counted(
            "SELECT customer_group_id, count(*) FROM customers GROUP BY 1 ORDER BY 2 DESC, 1",
        )?
        .into_iter()
        .filter_map(|(id, count)| match id {
            Value::Integer(id) => Some(SummaryRow {
                label: match (id, names.get(&id)) {
                    (_, Some(name)) => name.clone(),
                    (0, None) => "(no group)".to_owned(),
                    (id, None) => format!("#{id}"),
                },
                count,
                facet: Facet::Group(id),
            }),
            _ => None,
        })
        .collect();
        let domains = counted(&format!(
            "SELECT domain, count(*) FROM customers WHERE domain <> '' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {SUMMARY_ROWS}"
        ))?
        .into_iter()
        .filter_map(|(domain, count)| match domain {
            Value::Text(domain) => Some(SummaryRow {
                label: domain.clone(),
                count,
                facet: Facet::Domain(domain),
            }),
            _ => None,
        })
        .collect();
        let mut months: Vec<SummaryRow> = counted(&format!(
            "SELECT strftime('%Y-%m', created, 'unixepoch'), count(*) FROM customers
             WHERE created > 0 GROUP BY 1 ORDER BY 1 DESC LIMIT {SUMMARY_ROWS}"
        ))?
        .into_iter()
        .filter_map(|(month, count)| match month {
            Value::Text(month) => Some(SummaryRow {
                label: month.clone(),
                count,
                facet: Facet::Month(month),
            }),
            _ => None,
        })
        .collect();
        months.reverse(); // oldest first, as a timeline reads
        let months = with_empty_months(months);
        let countries = counted(&format!(
            "SELECT country, count(DISTINCT customer_id) FROM addresses WHERE country <> ''
             GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {SUMMARY_ROWS}"
        ))?
        .into_iter()
        .filter_map(|(country, count)| match country {
            Value::Text(country) => Some(SummaryRow {
                label: country.clone(),
                count,
                facet: Facet::Country(country),
            }),
            _ => None,
        })
        .collect();
        let addresses_read = connection
            .query_row("SELECT count(*) FROM address_reads", [], |row| {
                row.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(self.failed())?;
        Ok(Summary {
            customers,
            groups,
            domains,
            countries,
            addresses_read,
            months,
        })
    }
}

/// The months between the first and the last, those with no signup too (at 0), so that each
/// keeps its place on the timeline; the latest `SUMMARY_ROWS` of them.
fn with_empty_months(months: Vec<SummaryRow>) -> Vec<SummaryRow> {
    let month_number = |label: &str| -> Option<i32> {
        let (year, month) = label.split_once('-')?;
        Some(year.parse::<i32>().ok()? * 12 + month.parse::<i32>().ok()? - 1)
    };
    let (Some(first), Some(last)) = (
        months.first().and_then(|row| month_number(&row.label)),
        months.last().and_then(|row| month_number(&row.label)),
    ) else {
        return months;
    };
    let mut filled = Vec::new();
    let mut given = months.into_iter().peekable();
    for number in first.max(last - SUMMARY_ROWS as i32 + 1)..=last {
        let label = format!("{:04}-{:02}", number / 12, number % 12 + 1);
        while given
            .peek()
            .and_then(|row| month_number(&row.label))
            .is_some_and(|at| at < number)
        {
            given.next();
        }
        match given.peek() {
            Some(row) if row.label == label => filled.extend(given.next()),
            _ => filled.push(SummaryRow {
                label: label.clone(),
                count: 0,
                facet: Facet::Month(label),
            }),
        }
    }
    filled
}

#[cfg(test)]
#[test]
fn months_with_no_signup_keep_their_place() {
    let row = |label: &str, count| SummaryRow {
        label: label.to_owned(),
        count,
        facet: Facet::Month(label.to_owned()),
    };
    let filled = with_empty_months(vec![row("2025-11", 3), row("2026-02", 5)]);
    let shown: Vec<(String, u64)> = filled.into_iter().map(|r| (r.label, r.count)).collect();
    assert_eq!(
        shown,
        [
            ("2025-11".to_owned(), 3),
            ("2025-12".to_owned(), 0),
            ("2026-01".to_owned(), 0),
            ("2026-02".to_owned(), 5)
        ]
    );
}
