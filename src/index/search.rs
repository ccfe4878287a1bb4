//! Searching and sorting the index: every word typed must appear, in any order, in a name,
//! the email, the company, the phone or the notes, case and accents aside; the matches come
//! in any column's order, a page at a time, with their count. And the summary: customers per
//! group, email domain and signup month.

use chrono::{Datelike, NaiveDate};
use rusqlite::types::Value;

use super::{IndexError, LocalIndex};
use crate::domain::{Customer, Filter};

/// The columns the matches can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, clap::ValueEnum)]
pub enum SortColumn {
    /// The store's own order.
    #[default]
    Id,
    Name,
    Email,
    StoreCredit,
    Group,
    Company,
    Phone,
    Created,
}

impl SortColumn {
    /// In the order `s` steps through them (the table's columns on screen).
    pub const ALL: [SortColumn; 8] = [
        SortColumn::Id,
        SortColumn::Name,
        SortColumn::Email,
        SortColumn::Company,
        SortColumn::Phone,
        SortColumn::Group,
        SortColumn::StoreCredit,
        SortColumn::Created,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortColumn::Id => "ID",
            SortColumn::Name => "name",
            SortColumn::Email => "email",
            SortColumn::StoreCredit => "store credit",
            SortColumn::Group => "group",
            SortColumn::Company => "company",
            SortColumn::Phone => "phone",
            SortColumn::Created => "signup date",
        }
    }

    /// The next column after this one, round.
    pub fn next(self) -> SortColumn {
        let at = Self::ALL.iter().position(|&c| c == self).unwrap_or(0);
        Self::ALL[(at + 1) % Self::ALL.len()]
    }

    /// The index that keeps customers in this column's order (the rowid for the id).
    fn index(self) -> Option<&'static str> {
        match self {
            SortColumn::Id => None,
            SortColumn::Name => Some("customers_name"),
            SortColumn::Email => Some("customers_email"),
            SortColumn::StoreCredit => Some("customers_credit"),
            SortColumn::Group => Some("customers_group"),
            SortColumn::Company => Some("customers_company"),
            SortColumn::Phone => Some("customers_phone"),
            SortColumn::Created => Some("customers_created"),
        }
    }

    /// A text column often left blank, whose blanks sort last either way.
    fn blank_last(self) -> Option<&'static str> {
        match self {
            SortColumn::Company => Some("company"),
            SortColumn::Phone => Some("phone"),
            _ => None,
        }
    }

    fn sql(self) -> &'static str {
        match self {
            SortColumn::Id => "id",
            SortColumn::Name => "name COLLATE NOCASE",
            SortColumn::Email => "email COLLATE NOCASE",
            SortColumn::StoreCredit => "store_credit",
            SortColumn::Group => "customer_group_id",
            SortColumn::Company => "company COLLATE NOCASE",
            SortColumn::Phone => "phone",
            SortColumn::Created => "created",
        }
    }
}

/// A column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Sort {
    pub column: SortColumn,
    pub descending: bool,
}

impl Sort {
    pub fn label(self) -> String {
        format!(
            "{} {}",
            self.column.label(),
            if self.descending { "↓" } else { "↑" }
        )
    }
}

/// A slice of the store the summary shows: Enter lists its customers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Facet {
    Group(i64),
    /// The part of the email after `@`, lower case.
    Domain(String),
    /// Signed up in this month (`YYYY-MM`, UTC).
    Month(String),
    /// With an address in this country (of the addresses read).
    Country(String),
}

impl Facet {
    /// How the table's title names it.
    pub fn label(&self, group_name: impl Fn(i64) -> String) -> String {
        match self {
            Facet::Group(id) => format!("group {}", group_name(*id)),
            Facet::Domain(domain) => format!("email @{domain}"),
            Facet::Month(month) => format!("signed up {month}"),
            Facet::Country(country) => format!("an address in {country}"),
        }
    }
}

/// What to list from the index.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct IndexQuery {
    /// Words that must all appear.
    pub text: String,
    pub facet: Option<Facet>,
    /// The store's filter in force: its exact values, as the store matches them.
    pub filter: Filter,
    pub sort: Sort,
}

/// What the words typed ask of the index.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Terms {
    /// For the trigram table: words of three characters or more, found anywhere.
    parts: Option<String>,
    /// For the word-start table: shorter words, found at the start of a word.
    starts: Option<String>,
    /// Short words with no letter or digit ("-", "🍕"): no full-text table holds them, so
    /// they are looked for in the text itself. Every word typed counts.
    symbols: Vec<String>,
}

/// Whether a word is (part of) a phone number: digits, maybe with `+-().`.
fn phone_like(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_digit())
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || "+-().".contains(c))
}

/// The words typed: a phone typed in groups ("+44 20 7946") is one word.
fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut in_phone = false;
    for word in text.split_whitespace() {
        let phone = phone_like(word);
        match words.last_mut() {
            Some(last) if phone && in_phone => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_owned()),
        }
        in_phone = phone;
    }
    words
}

/// The full-text expressions for the words typed. A phone is looked for by its digits when
/// typed as digits alone, else by its groups of digits, so that "555-01" finds 555-0123 and
/// not 555-5013.
fn match_expressions(text: &str) -> Terms {
    let mut parts = Vec::new();
    let mut starts = Vec::new();
    let mut symbols = Vec::new();
    for word in words(text) {
        let phone = word.split(' ').all(phone_like);
        let word = if phone && word.chars().any(|c| !c.is_ascii_digit()) {
            crate::index::digit_groups(&word)
        } else {
            word
        };
        let quoted = format!("\"{}\"", word.replace('"', "\"\""));
        if word.chars().count() >= 3 {
            parts.push(quoted);
        } else if word.chars().any(char::is_alphanumeric) {
            starts.push(format!("{quoted}*"));
        } else {
            symbols.push(word);
        }
    }
    let join = |words: Vec<String>| (!words.is_empty()).then(|| words.join(" AND "));
    Terms {
        parts: join(parts),
        starts: join(starts),
        symbols,
    }
}

/// The text a symbol is looked for in: what the full-text tables hold, as written.
const SEARCHED_TEXT: &str = "(name || ' ' || email || ' ' || company || ' ' || phone || ' ' || \
     coalesce(json_extract(record, '$.notes'), ''))";

/// Past this many matches a search sorted by a column walks that column's index.
const BROAD: u64 = 1_000;

/// The first and last second of a `YYYY-MM` month.
fn month_bounds(month: &str) -> Option<(i64, i64)> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)?
    };
    let start = first.and_hms_opt(0, 0, 0)?.and_utc().timestamp();
    let end = next.and_hms_opt(0, 0, 0)?.and_utc().timestamp() - 1;
    Some((start, end))
}

/// The WHERE clause (or nothing) and its values.
fn conditions(query: &IndexQuery) -> (String, Vec<Value>) {
    let mut clauses = Vec::new();
    let mut values = Vec::new();
    let terms = match_expressions(&query.text);
    if let Some(parts) = terms.parts {
        clauses.push(
            "id IN (SELECT rowid FROM customer_parts WHERE customer_parts MATCH ?)".to_owned(),
        );
        values.push(Value::Text(parts));
    }
    if let Some(starts) = terms.starts {
        clauses.push(
            "id IN (SELECT rowid FROM customer_starts WHERE customer_starts MATCH ?)".to_owned(),
        );
        values.push(Value::Text(starts));
    }
    for symbol in terms.symbols {
        clauses.push(format!("instr({SEARCHED_TEXT}, ?) > 0"));
        values.push(Value::Text(symbol));
    }
    filter_conditions(&query.filter, &mut clauses, &mut values);
    match &query.facet {
        Some(Facet::Group(id)) => {
            clauses.push("customer_group_id = ?".to_owned());
            values.push(Value::Integer(*id));
        }
        Some(Facet::Domain(domain)) => {
            clauses.push("domain = ?".to_owned());
            values.push(Value::Text(domain.clone()));
        }
        Some(Facet::Country(country)) => {
            clauses.push("id IN (SELECT customer_id FROM addresses WHERE country = ?)".to_owned());
            values.push(Value::Text(country.clone()));
        }
        Some(Facet::Month(month)) => {
            let (start, end) = month_bounds(month).unwrap_or((1, 0));
            clauses.push("created BETWEEN ? AND ?".to_owned());
            values.push(Value::Integer(start));
            values.push(Value::Integer(end));
        }
        None => {}
    }
    let clause = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (clause, values)
}

/// The store's filter over the index: text whole and in any case, as the store matches it;
/// amounts, groups, ids and dates as they are.
fn filter_conditions(filter: &Filter, clauses: &mut Vec<String>, values: &mut Vec<Value>) {
    let texts = [
        ("json_extract(record, '$.first_name')", &filter.first_name),
        ("json_extract(record, '$.last_name')", &filter.last_name),
        ("email", &filter.email),
        ("company", &filter.company),
        ("phone", &filter.phone),
        (
            "json_extract(record, '$.tax_exempt_category')",
            &filter.tax_exempt_category,
        ),
    ];
    for (column, wanted) in texts {
        if let Some(wanted) = wanted {
            clauses.push(format!("{column} = ? COLLATE NOCASE"));
            values.push(Value::Text(wanted.trim().to_owned()));
        }
    }
    if let Some(credit) = filter.store_credit {
        clauses.push("store_credit = ?".to_owned());
        values.push(Value::Real(credit.to_string().parse().unwrap_or(0.0)));
    }
    let bounds = [
        ("customer_group_id = ?", filter.customer_group_id),
        ("id >= ?", filter.min_id),
        ("id <= ?", filter.max_id),
        ("created >= ?", filter.min_date_created),
        ("created <= ?", filter.max_date_created),
        ("modified >= ?", filter.min_date_modified),
        ("modified <= ?", filter.max_date_modified),
    ];
    for (clause, value) in bounds {
        if let Some(value) = value {
            clauses.push(clause.to_owned());
            values.push(Value::Integer(value));
        }
    }
}

/// The statement listing what a query finds, in its order, ending in `LIMIT ? OFFSET ?`.
///
/// In the store's own order with no summary choice (what typing asks), the rows stream
/// straight from a full-text table in id order and the first page costs what it shows;
/// otherwise every match is gathered and sorted.
///
/// A `broad` search in another order walks that column's index, keeping the matches, and
/// stops at the page: gathering and sorting hundreds of thousands of matches would take
/// seconds. A narrow one is gathered and sorted (walking a whole index for a few would not
/// pay).
fn listing_sql(query: &IndexQuery, broad: bool) -> (String, Vec<Value>) {
    let direction = if query.sort.descending { "DESC" } else { "ASC" };
    let Terms {
        parts,
        starts,
        symbols,
    } = match_expressions(&query.text);
    if query.sort.column == SortColumn::Id
        && query.facet.is_none()
        && query.filter.is_empty()
        && symbols.is_empty()
    {
        let streamed = |table: &str| {
            format!(
                "SELECT c.record FROM {table} JOIN customers c ON c.id = {table}.rowid
                 WHERE {table} MATCH ? ORDER BY {table}.rowid {direction} LIMIT ? OFFSET ?"
            )
        };
        match (parts, starts) {
            (None, None) => {}
            (Some(parts), None) => {
                return (streamed("customer_parts"), vec![Value::Text(parts)]);
            }
            (None, Some(starts)) => {
                return (streamed("customer_starts"), vec![Value::Text(starts)]);
            }
            (Some(parts), Some(starts)) => {
                // Each table's matches once, intersected (a rowid IN on a full-text table
                // would run its query again for every row).
                let sql = format!(
                    "WITH found(id) AS MATERIALIZED (
                         SELECT rowid FROM customer_parts WHERE customer_parts MATCH ?
                         INTERSECT
                         SELECT rowid FROM customer_starts WHERE customer_starts MATCH ?)
                     SELECT c.record FROM found JOIN customers c ON c.id = found.id
                     ORDER BY found.id {direction} LIMIT ? OFFSET ?"
                );
                return (sql, vec![Value::Text(parts), Value::Text(starts)]);
            }
        }
    }
    let (clause, values) = conditions(query);
    let walk = match query.sort.column.index() {
        Some(index) if broad => format!("INDEXED BY {index}"),
        _ => String::new(),
    };
    let order = query.sort.column.sql();
    if let Some(column) = query.sort.column.blank_last() {
        // The filled ones in order, then the blank ones, either way: each part ordered on
        // its own (LIMIT -1 keeps SQLite from dropping the order), the parts in turn.
        let within = |extra: &str| match clause.is_empty() {
            true => format!("WHERE {extra}"),
            false => format!("{clause} AND {extra}"),
        };
        let sql = format!(
            "SELECT record FROM (SELECT record FROM customers {walk} {} ORDER BY {order} {direction}, id {direction} LIMIT -1)
             UNION ALL
             SELECT record FROM (SELECT record FROM customers {} ORDER BY id {direction} LIMIT -1)
             LIMIT ? OFFSET ?",
            within(&format!("{column} <> ''")),
            within(&format!("{column} = ''")),
        );
        let mut both = values.clone();
        both.extend(values);
        return (sql, both);
    }
    let sql = format!(
        "SELECT record FROM customers {walk} {clause} ORDER BY {order} {direction}, id {direction} LIMIT ? OFFSET ?"
    );
    (sql, values)
}

/// A statement giving a row per customer a query finds, for counting: with no summary
/// choice, from the full-text tables alone.
fn found_rows_sql(query: &IndexQuery) -> (String, Vec<Value>) {
    let terms = match_expressions(&query.text);
    if query.facet.is_none() && query.filter.is_empty() && terms.symbols.is_empty() {
        match (terms.parts, terms.starts) {
            (Some(parts), None) => {
                return (
                    "SELECT rowid FROM customer_parts WHERE customer_parts MATCH ?".to_owned(),
                    vec![Value::Text(parts)],
                );
            }
            (None, Some(starts)) => {
                return (
                    "SELECT rowid FROM customer_starts WHERE customer_starts MATCH ?".to_owned(),
                    vec![Value::Text(starts)],
                );
            }
            (Some(parts), Some(starts)) => {
                return (
                    "SELECT rowid FROM customer_parts WHERE customer_parts MATCH ?
                     INTERSECT
                     SELECT rowid FROM customer_starts WHERE customer_starts MATCH ?"
                        .to_owned(),
                    vec![Value::Text(parts), Value::Text(starts)],
                );
            }
            (None, None) => {}
        }
    }
    let (clause, values) = conditions(query);
    (format!("SELECT id FROM customers {clause}"), values)
}

/// How many customers a search found: all of them, or more than a number (a quick first
/// answer for a broad search, the exact count following).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Exactly(u64),
    MoreThan(u64),
}

impl LocalIndex {
    /// One page (from 1) of the customers the query finds, in its order.
    pub fn search(
        &self,
        query: &IndexQuery,
        page: u64,
        limit: u64,
    ) -> Result<Vec<Customer>, IndexError> {
        let sorted = query.sort.column != SortColumn::Id;
        let narrowed =
            !query.text.trim().is_empty() || query.facet.is_some() || !query.filter.is_empty();
        let broad =
            sorted && narrowed && matches!(self.found_at_most(query, BROAD)?, Counted::MoreThan(_));
        let (sql, mut values) = listing_sql(query, broad);
        values.push(Value::Integer(limit as i64));
        values.push(Value::Integer(
            (page.max(1) - 1).saturating_mul(limit) as i64
        ));
        let records: Vec<String> = {
            let connection = self.reader();
            let mut statement = connection.prepare_cached(&sql).map_err(self.failed())?;
            let rows = statement
                .query_map(rusqlite::params_from_iter(values), |row| row.get(0))
                .map_err(self.failed())?;
            rows.collect::<Result<_, _>>().map_err(self.failed())?
        };
        records
            .iter()
            .map(|record| serde_json::from_str(record).map_err(IndexError::from))
            .collect()
    }

    /// Every customer the query finds (at most `limit`), in its order, handed to `take` a
    /// batch at a time: one pass, however many.
    pub fn each<E: From<IndexError>>(
        &self,
        query: &IndexQuery,
        limit: Option<u64>,
        mut take: impl FnMut(Vec<Customer>) -> Result<(), E>,
    ) -> Result<(), E> {
        const BATCH: usize = 1_000;
        let (sql, mut values) = listing_sql(query, false);
        values.push(Value::Integer(limit.map_or(-1, |n| n as i64)));
        values.push(Value::Integer(0));
        let connection = self.reader();
        let mut statement = connection.prepare(&sql).map_err(self.failed())?;
        let mut rows = statement
            .query(rusqlite::params_from_iter(values))
            .map_err(self.failed())?;
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(row) = rows.next().map_err(self.failed())? {
            let record: String = row.get(0).map_err(self.failed())?;
            batch.push(serde_json::from_str(&record).map_err(IndexError::from)?);
            if batch.len() == BATCH {
                take(std::mem::take(&mut batch))?;
            }
        }
        if !batch.is_empty() {
            take(batch)?;
        }
        Ok(())
    }

    /// How many customers the query finds. A search typed meanwhile (`count_at_most`) stops
    /// this one: its answer would be stale.
    pub fn count(&self, query: &IndexQuery) -> Result<u64, IndexError> {
        let (rows, values) = found_rows_sql(query);
        let sql = format!("SELECT count(*) FROM ({rows})");
        let connection = self.reader();
        *self.counting.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(connection.get_interrupt_handle());
        let counted = connection
            .prepare_cached(&sql)
            .and_then(|mut statement| {
                statement.query_row(rusqlite::params_from_iter(values), |row| {
                    row.get::<_, i64>(0)
                })
            })
            .map(|n| n as u64)
            .map_err(self.failed());
        *self.counting.lock().unwrap_or_else(|p| p.into_inner()) = None;
        counted
    }

    /// How many customers the query finds, counting no further than `at_most`: quick however
    /// broad the search. An exact count under way is stopped.
    pub fn count_at_most(&self, query: &IndexQuery, at_most: u64) -> Result<Counted, IndexError> {
        if let Some(counting) = self
            .counting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            counting.interrupt();
        }
        self.found_at_most(query, at_most)
    }

    fn found_at_most(&self, query: &IndexQuery, at_most: u64) -> Result<Counted, IndexError> {
        let (rows, mut values) = found_rows_sql(query);
        let sql = format!("SELECT count(*) FROM ({rows} LIMIT ?)");
        values.push(Value::Integer(at_most.saturating_add(1) as i64));
        let connection = self.reader();
        let mut statement = connection.prepare_cached(&sql).map_err(self.failed())?;
        let counted = statement
            .query_row(rusqlite::params_from_iter(values), |row| {
                row.get::<_, i64>(0)
            })
            .map_err(self.failed())? as u64;
        Ok(if counted > at_most {
            Counted::MoreThan(at_most)
        } else {
            Counted::Exactly(counted)
        })
    }

    /// The ids of every customer the query finds, in id order (what a job is given).
    pub fn ids(&self, query: &IndexQuery) -> Result<Vec<i64>, IndexError> {
        let (clause, values) = conditions(query);
        let sql = format!("SELECT id FROM customers {clause} ORDER BY id");
        let connection = self.reader();
        let mut statement = connection.prepare_cached(&sql).map_err(self.failed())?;
        let rows = statement
            .query_map(rusqlite::params_from_iter(values), |row| row.get(0))
            .map_err(self.failed())?;
        rows.collect::<Result<_, _>>().map_err(self.failed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_go_to_the_table_that_can_find_them() {
        let terms = |parts: Option<&str>, starts: Option<&str>, symbols: &[&str]| Terms {
            parts: parts.map(str::to_owned),
            starts: starts.map(str::to_owned),
            symbols: symbols.iter().map(|s| (*s).to_owned()).collect(),
        };
        assert_eq!(
            match_expressions("Hunter gm"),
            terms(Some("\"Hunter\""), Some("\"gm\"*"), &[])
        );
        // A phone in groups is one word, looked for by its groups of digits.
        assert_eq!(
            match_expressions("(555) 123-45 \"x"),
            terms(Some("\"555 123 45\""), Some("\"\"\"x\"*"), &[])
        );
        assert_eq!(
            match_expressions("555-01 5550123"),
            terms(Some("\"555 01 5550123\""), None, &[])
        );
        assert_eq!(
            match_expressions("bruce 5550123"),
            terms(Some("\"bruce\" AND \"5550123\""), None, &[])
        );
        // Every word counts, symbols too.
        assert_eq!(
            match_expressions("  - 🍕 bruce"),
            terms(Some("\"bruce\""), None, &["-", "🍕"])
        );
    }

    #[test]
    fn a_month_is_its_first_to_last_second() {
        assert_eq!(
            month_bounds("2024-12"),
            Some((1_733_011_200, 1_735_689_599))
        );
        assert_eq!(month_bounds("nonsense"), None);
    }
}
