//! A customer's addresses, and a change to one (the fields to set, as text).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    pub id: i64,
    pub customer_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub street_1: String,
    pub street_2: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    /// The full English name ("United States").
    pub country: String,
    pub country_iso2: String,
    pub phone: String,
    pub address_type: String,
}

/// The address fields a create or update may set, by API name, in the order a form shows them.
pub const ADDRESS_FIELDS: [&str; 11] = [
    "first_name",
    "last_name",
    "company",
    "street_1",
    "street_2",
    "city",
    "state",
    "zip",
    "country",
    "phone",
    "address_type",
];

/// Address fields to set, by API name (one of `ADDRESS_FIELDS`), as text.
pub type AddressChange = BTreeMap<String, String>;

impl Address {
    /// A writable field's text, by API name.
    pub fn field(&self, name: &str) -> &str {
        match name {
            "first_name" => &self.first_name,
            "last_name" => &self.last_name,
            "company" => &self.company,
            "street_1" => &self.street_1,
            "street_2" => &self.street_2,
            "city" => &self.city,
            "state" => &self.state,
            "zip" => &self.zip,
            "country" => &self.country,
            "phone" => &self.phone,
            "address_type" => &self.address_type,
            _ => "",
        }
    }

    /// This address with a change applied (names outside `ADDRESS_FIELDS` ignored).
    pub fn with(&self, change: &AddressChange) -> Address {
        let mut address = self.clone();
        for (name, value) in change {
            let slot = match name.as_str() {
                "first_name" => &mut address.first_name,
                "last_name" => &mut address.last_name,
                "company" => &mut address.company,
                "street_1" => &mut address.street_1,
                "street_2" => &mut address.street_2,
                "city" => &mut address.city,
                "state" => &mut address.state,
                "zip" => &mut address.zip,
                "country" => &mut address.country,
                "phone" => &mut address.phone,
                "address_type" => &mut address.address_type,
                _ => continue,
            };
            *slot = value.clone();
        }
        address
    }

    /// The writable fields in which two addresses differ, by API name (a space and nothing
    /// are the same: the store's "no state").
    pub fn differences(&self, other: &Address) -> Vec<&'static str> {
        ADDRESS_FIELDS
            .iter()
            .copied()
            .filter(|name| self.field(name).trim() != other.field(name).trim())
            .collect()
    }

    /// Everything writable, to create this address again (a restore). The store refuses an
    /// empty state: a space stands for "none" (its own convention).
    pub fn writable(&self) -> AddressChange {
        ADDRESS_FIELDS
            .iter()
            .filter(|name| **name != "address_type" || !self.address_type.is_empty())
            .map(|name| {
                let text = match self.field(name) {
                    "" if *name == "state" => " ",
                    text => text,
                };
                ((*name).to_owned(), text.to_owned())
            })
            .collect()
    }

    /// One line for a list: "12 Main St, Springfield, Illinois 62701, United States".
    pub fn one_line(&self) -> String {
        let street = [self.street_1.trim(), self.street_2.trim()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let place = format!("{} {}", self.state.trim(), self.zip.trim());
        [
            street.as_str(),
            self.city.trim(),
            place.trim(),
            self.country.trim(),
        ]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
    }
}
