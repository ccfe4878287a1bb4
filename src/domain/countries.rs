//! The countries the store knows, by the full English names it uses ("United States"), with
//! their ISO 3166 codes: the same table the sandbox derives `country_iso2` from.

use std::sync::OnceLock;

const TABLE: &str = include_str!("../../assets/countries.tsv");

/// Other names people type for a country, beside those the store understands: the app takes
/// them and sends the store's own name.
const PEOPLES_NAMES: &[(&str, &str)] = &[
    ("UK", "GB"),
    ("U.K.", "GB"),
    ("Great Britain", "GB"),
    ("Britain", "GB"),
    ("England", "GB"),
    ("Scotland", "GB"),
    ("Wales", "GB"),
    ("Northern Ireland", "GB"),
    ("USA", "US"),
    ("U.S.A.", "US"),
    ("U.S.", "US"),
    ("America", "US"),
    ("Holland", "NL"),
    ("The Netherlands", "NL"),
    ("Deutschland", "DE"),
    ("España", "ES"),
    ("Czechia", "CZ"),
    ("South Korea", "KR"),
    ("Korea", "KR"),
    ("Russia", "RU"),
    ("Vietnam", "VN"),
    ("UAE", "AE"),
];

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
        for (name, code) in PEOPLES_NAMES {
            let known = entries
                .iter()
                .any(|entry| entry.name.eq_ignore_ascii_case(name));
            let shown = entries
                .iter()
                .find(|entry| entry.code == *code)
                .map(|entry| entry.shown);
            if let (false, Some(shown)) = (known, shown) {
                entries.push(Entry { name, shown, code });
            }
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
    // A name typed whole comes first, then names starting so, then the rest.
    let mut found: Vec<(u8, &'static str)> = Vec::new();
    for entry in entries() {
        let name = entry.name.to_lowercase();
        if !name.contains(&lower) {
            continue;
        }
        let rank = if name == lower {
            0
        } else if name.starts_with(&lower) {
            1
        } else {
            2
        };
        match found.iter_mut().find(|(_, shown)| *shown == entry.shown) {
            Some(kept) => kept.0 = kept.0.min(rank),
            None => found.push((rank, entry.shown)),
        }
    }
    found.sort_by_key(|(rank, _)| *rank);
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

    #[test]
    fn the_names_people_type_find_their_country() {
        assert_eq!(resolve("uk"), Some(("United Kingdom", "GB")));
        assert_eq!(resolve("usa"), Some(("United States", "US")));
        assert_eq!(resolve("England"), Some(("United Kingdom", "GB")));
        assert_eq!(matching("uk", 6)[0], "United Kingdom", "a whole name first");
        assert!(matching("uk", 6).contains(&"Ukraine"));
        assert_eq!(matching("england", 6), vec!["United Kingdom"]);
    }
}
