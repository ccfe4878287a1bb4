//! Demo addresses: 0 to 3 for each demo customer, in real cities of several countries (from
//! `assets/cities.tsv` and `assets/streets.tsv`), the same every time for the same store.

use std::collections::HashMap;

use super::address::StoredAddress;
use super::countries::find_country;
use super::customer::StoredCustomer;

const CITIES: &str = include_str!("../../assets/cities.tsv");
const STREETS: &str = include_str!("../../assets/streets.tsv");
const SECOND_LINES: [&str; 4] = ["Apt {n}", "Suite {n}", "Unit {n}", "Floor {n}"];

/// A city an address can be in, with the patterns of its postcodes and phone numbers.
pub struct City {
    pub city: &'static str,
    /// A space where the country has no states.
    pub state: &'static str,
    pub country: &'static str,
    pub iso2: &'static str,
    postcode: &'static str,
    phone: &'static str,
    streets: Vec<&'static str>,
}

/// The cities, each listed as often as its weight, and the same grouped by country.
pub struct Places {
    cities: Vec<City>,
    weighted: Vec<usize>,
    by_country: HashMap<&'static str, Vec<usize>>,
}

fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split('\t').map(str::trim).collect())
}

impl Places {
    /// The tables as shipped. A row naming a country the store does not know, or a country with
    /// no streets, is left out (the tests check that none is).
    pub fn load() -> Places {
        let mut streets: HashMap<&str, Vec<&str>> = HashMap::new();
        for row in rows(STREETS) {
            if let [iso2, street] = row[..] {
                streets.entry(iso2).or_default().push(street);
            }
        }
        let mut places = Places {
            cities: Vec::new(),
            weighted: Vec::new(),
            by_country: HashMap::new(),
        };
        for row in rows(CITIES) {
            let [city, state, country, postcode, phone, weight] = row[..] else {
                continue;
            };
            let Some(country) = find_country(country) else {
                continue;
            };
            let Some(streets) = streets.get(country.iso2).filter(|s| !s.is_empty()) else {
                continue;
            };
            let index = places.cities.len();
            places.cities.push(City {
                city,
                state: if state == "-" { " " } else { state },
                country: country.name,
                iso2: country.iso2,
                postcode,
                phone,
                streets: streets.clone(),
            });
            let weight = weight.parse::<usize>().unwrap_or(1).max(1);
            places.weighted.extend(std::iter::repeat_n(index, weight));
            places
                .by_country
                .entry(country.iso2)
                .or_default()
                .push(index);
        }
        places
    }

    #[cfg(test)]
    pub fn cities(&self) -> &[City] {
        &self.cities
    }

    /// A customer's addresses: most have one, some none, a few two or three. Further
    /// addresses are often in the same country as the first.
    pub fn addresses_for(
        &self,
        rng: &mut fastrand::Rng,
        customer: &StoredCustomer,
        first_names: &[&'static str],
    ) -> Vec<StoredAddress> {
        if self.weighted.is_empty() {
            return Vec::new();
        }
        let count = match rng.u8(..100) {
            0..20 => 0,
            20..70 => 1,
            70..90 => 2,
            _ => 3,
        };
        let mut addresses: Vec<StoredAddress> = Vec::with_capacity(count);
        for _ in 0..count {
            let home = addresses
                .first()
                .and_then(|first| self.by_country.get(first.country_iso2.as_str()))
                .filter(|_| rng.f32() < 0.6);
            let city = match home {
                Some(same_country) => same_country[rng.usize(..same_country.len())],
                None => self.weighted[rng.usize(..self.weighted.len())],
            };
            addresses.push(self.address(rng, customer, &self.cities[city], first_names));
        }
        addresses
    }

    fn address(
        &self,
        rng: &mut fastrand::Rng,
        customer: &StoredCustomer,
        city: &City,
        first_names: &[&'static str],
    ) -> StoredAddress {
        let commercial = rng.f32()
            < if customer.company.is_empty() {
                0.05
            } else {
                0.5
            };
        // Now and then a parcel goes to someone else of the household.
        let first_name = if rng.f32() < 0.15 && !first_names.is_empty() {
            first_names[rng.usize(..first_names.len())].to_owned()
        } else {
            customer.first_name.clone()
        };
        let street = city.streets[rng.usize(..city.streets.len())];
        let street_2 = if rng.f32() < 0.2 {
            SECOND_LINES[rng.usize(..SECOND_LINES.len())]
                .replace("{n}", &rng.u16(1..400).to_string())
        } else {
            String::new()
        };
        StoredAddress {
            id: 0,
            customer_id: customer.id,
            first_name,
            last_name: customer.last_name.clone(),
            company: if commercial {
                customer.company.clone()
            } else {
                String::new()
            },
            street_1: street.replace("{n}", &rng.u16(1..300).to_string()),
            street_2,
            city: city.city.to_owned(),
            state: city.state.to_owned(),
            zip: fill(rng, city.postcode),
            country: city.country.to_owned(),
            country_iso2: city.iso2.to_owned(),
            phone: fill(rng, city.phone),
            address_type: if commercial {
                "commercial"
            } else {
                "residential"
            }
            .to_owned(),
            form_fields: (rng.f32() < 0.25).then(|| "[]".to_owned()),
        }
    }
}

/// A pattern with each `#` replaced by a random digit and each `@` by a random capital.
fn fill(rng: &mut fastrand::Rng, pattern: &str) -> String {
    pattern
        .chars()
        .map(|c| match c {
            '#' => rng.digit(10),
            '@' => rng.uppercase(),
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_row_of_the_tables_is_used() {
        let places = Places::load();
        let rows = rows(CITIES).count();
        assert_eq!(
            places.cities().len(),
            rows,
            "a city names an unknown country or one with no streets"
        );
        let countries: HashSet<&str> = places.cities().iter().map(|c| c.iso2).collect();
        assert!(countries.len() >= 15, "{countries:?}");
        let street_countries: HashSet<&str> = super::rows(STREETS).map(|row| row[0]).collect();
        assert_eq!(
            street_countries, countries,
            "streets for exactly the countries of the cities"
        );
        assert!(places.cities().iter().all(|c| !c.state.is_empty()));
    }

    #[test]
    fn addresses_look_real_and_vary() {
        let places = Places::load();
        let mut rng = fastrand::Rng::with_seed(7);
        let customer = StoredCustomer {
            id: 42,
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            company: "Engines Ltd".into(),
            ..StoredCustomer::default()
        };
        let mut counts = [0; 4];
        let mut countries = HashSet::new();
        for _ in 0..500 {
            let addresses = places.addresses_for(&mut rng, &customer, &["Byron"]);
            counts[addresses.len()] += 1;
            for address in addresses {
                assert_eq!(address.customer_id, 42);
                assert_eq!(address.last_name, "Lovelace");
                assert!(!address.street_1.contains('{') && !address.zip.contains('#'));
                assert!(!address.phone.contains('#') && !address.zip.contains('@'));
                assert_eq!(
                    find_country(&address.country).map(|c| c.iso2),
                    Some(address.country_iso2.as_str())
                );
                countries.insert(address.country_iso2);
            }
        }
        assert!(
            counts.iter().all(|&n| n > 10),
            "0 to 3 addresses: {counts:?}"
        );
        assert!(countries.len() > 10, "{countries:?}");
    }
}
