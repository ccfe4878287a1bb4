//! The countries an address may name, from `assets/countries.tsv`: every ISO 3166-1 country by
//! the name the store shows, and some other names it also understands.

use std::collections::HashMap;
use std::sync::LazyLock;

const COUNTRIES: &str = include_str!("../../assets/countries.tsv");

/// A country as the store writes it in an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    pub name: &'static str,
    pub iso2: &'static str,
}

/// Every accepted name, in lower case, with the country it names.
static BY_NAME: LazyLock<HashMap<String, Country>> = LazyLock::new(|| {
    let mut shown: HashMap<&str, &str> = HashMap::new();
    let mut by_name = HashMap::new();
    for (name, iso2) in rows() {
        // The first line of a code holds the name the store shows for it.
        let name = *shown.entry(iso2).or_insert(name);
        by_name
            .entry(name.to_lowercase())
            .or_insert(Country { name, iso2 });
    }
    for (alias, iso2) in rows() {
        if let Some(&name) = shown.get(iso2) {
            by_name
                .entry(alias.to_lowercase())
                .or_insert(Country { name, iso2 });
        }
    }
    by_name
});

fn rows() -> impl Iterator<Item = (&'static str, &'static str)> {
    COUNTRIES
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split_once('\t'))
        .map(|(name, iso2)| (name.trim(), iso2.trim()))
}

/// The country a name means, ignoring case and surrounding spaces.
pub fn find_country(name: &str) -> Option<Country> {
    BY_NAME.get(&name.trim().to_lowercase()).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_iso_country_once_by_its_shown_name() {
        let codes: HashSet<&str> = rows().map(|(_, iso2)| iso2).collect();
        assert_eq!(codes.len(), 249, "ISO 3166-1 has 249 countries");
        assert!(
            codes
                .iter()
                .all(|code| code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()))
        );
        let malformed: Vec<&str> = COUNTRIES
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter(|line| line.split('\t').count() != 2)
            .collect();
        assert!(malformed.is_empty(), "{malformed:?}");
        let names: Vec<String> = rows().map(|(name, _)| name.to_lowercase()).collect();
        let unique: HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "no name is listed twice");
    }

    #[test]
    fn matches_ignoring_case_and_answers_with_the_shown_name() {
        let us = Country {
            name: "United States",
            iso2: "US",
        };
        assert_eq!(find_country("United States"), Some(us));
        assert_eq!(find_country("  united states "), Some(us));
        assert_eq!(find_country("UNITED STATES OF AMERICA"), Some(us));
        assert_eq!(find_country("germany").map(|c| c.iso2), Some("DE"));
        assert_eq!(find_country("United Kingdom").map(|c| c.iso2), Some("GB"));
        assert_eq!(
            find_country("south korea"),
            Some(Country {
                name: "Korea, Republic of",
                iso2: "KR"
            })
        );
        assert_eq!(
            find_country("CÔTE D'IVOIRE").map(|c| c.name),
            Some("Cote d'Ivoire")
        );
        for unknown in ["", "US", "Atlantis", "Germany, East"] {
            assert_eq!(find_country(unknown), None, "{unknown}");
        }
    }
}
