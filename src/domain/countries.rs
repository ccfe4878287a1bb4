//! The countries the store knows, by the full English names it uses ("United States"), with
//! their ISO 3166 codes: the same table the sandbox derives `country_iso2` from.

use std::sync::OnceLock;

const TABLE: &str = include_str!("../../assets/countries.tsv");

/// A name the store understands, the name it shows for that country, and its code.
struct Entry {
    name: &'static str,
    shown: &'static str,
    code: &'static str,
}

/// Every name in the table's order; the first line of a code gives the name the store shows,
/// later lines other names it understands.
fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let mut entries: Vec<Entry> = Vec::new();
        for line in TABLE.lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, code)) = line.split_once('\t') else {
                continue;
            };
            let (name, code) = (name.trim(), code.trim());
            let shown = entries
                .iter()
                .find(|entry| entry.code == code)
                .map_or(name, |first| first.shown);
            entries.push(Entry { name, shown, code });
        }
        entries
    })
}

/// Every country as (the name the store shows, ISO 3166-1 alpha-2 code).
pub fn all() -> Vec<(&'static str, &'static str)> {
    entries()
        .iter()
        .filter(|entry| entry.name == entry.shown)
        .map(|entry| (entry.shown, entry.code))
        .collect()
}

/// The country a person typed, by the name the store shows: any name the store understands,
/// in any case, its code, or what only one country's names start with.
pub fn resolve(typed: &str) -> Option<(&'static str, &'static str)> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let exact = entries().iter().find(|entry| {
        entry.name.eq_ignore_ascii_case(typed)
            || (typed.len() == 2 && entry.code.eq_ignore_ascii_case(typed))
    });
    if let Some(entry) = exact {
        return Some((entry.shown, entry.code));
    }
    let lower = typed.to_lowercase();
    let mut codes: Vec<&Entry> = entries()
        .iter()
        .filter(|entry| entry.name.to_lowercase().starts_with(&lower))
        .collect();
    codes.dedup_by_key(|entry| entry.code);
    codes.sort_by_key(|entry| entry.code);
    codes.dedup_by_key(|entry| entry.code);
    match codes.as_slice() {
        [only] => Some((only.shown, only.code)),
        _ => None,
    }
}

/// Up to `most` countries (by the names the store shows) with a name holding what was
/// typed, those starting with it first.
pub fn matching(typed: &str, most: usize) -> Vec<&'static str> {
    let lower = typed.trim().to_lowercase();
    let mut found: Vec<(bool, &'static str)> = Vec::new();
    for entry in entries() {
        let name = entry.name.to_lowercase();
        if name.contains(&lower) && !found.iter().any(|(_, shown)| *shown == entry.shown) {
            found.push((!name.starts_with(&lower), entry.shown));
        }
    }
    found.sort_by_key(|(later, _)| *later);
    found
        .into_iter()
        .take(most)
        .map(|(_, shown)| shown)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_found_by_name_code_or_a_unique_start() {
        assert_eq!(resolve("united states"), Some(("United States", "US")));
        assert_eq!(resolve("GB"), Some(("United Kingdom", "GB")));
        assert_eq!(resolve("Germ"), Some(("Germany", "DE")));
        assert_eq!(resolve("United"), None, "more than one starts so");
        assert_eq!(resolve("Atlantis"), None);
        assert!(matching("united", 6).contains(&"United Kingdom"));
        assert_eq!(matching("ger", 1), vec!["Germany"]);
    }
}
