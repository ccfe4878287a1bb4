//! The countries the store knows, by the full English names it uses ("United States"), with
//! their ISO 3166 codes: the same table the sandbox derives `country_iso2` from.

use std::sync::OnceLock;

const TABLE: &str = include_str!("../../assets/countries.tsv");

/// Every country as (name, ISO 3166-1 alpha-2 code), in the table's order.
pub fn all() -> &'static [(&'static str, &'static str)] {
    static COUNTRIES: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    COUNTRIES.get_or_init(|| {
        TABLE
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
            .filter_map(|line| {
                let (name, code) = line.split_once('\t')?;
                Some((name.trim(), code.trim()))
            })
            .collect()
    })
}

/// The country a person typed: its exact name in any case, its code, or the only name that
/// starts with what was typed.
pub fn resolve(typed: &str) -> Option<(&'static str, &'static str)> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let exact = all().iter().find(|(name, code)| {
        name.eq_ignore_ascii_case(typed) || (typed.len() == 2 && code.eq_ignore_ascii_case(typed))
    });
    if let Some(found) = exact {
        return Some(*found);
    }
    let lower = typed.to_lowercase();
    let mut starting = all()
        .iter()
        .filter(|(name, _)| name.to_lowercase().starts_with(&lower));
    match (starting.next(), starting.next()) {
        (Some(only), None) => Some(*only),
        _ => None,
    }
}

/// Up to `most` country names holding what was typed, those starting with it first.
pub fn matching(typed: &str, most: usize) -> Vec<&'static str> {
    let lower = typed.trim().to_lowercase();
    let mut names: Vec<&'static str> = all()
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| name.to_lowercase().contains(&lower))
        .collect();
    names.sort_by_key(|name| !name.to_lowercase().starts_with(&lower));
    names.truncate(most);
    names
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
