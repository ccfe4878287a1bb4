//! A store is known by what it is: the id, domain and name it gives for itself (BigCommerce's
//! Store Information API), or, when it gives none, the canonical API base URL it is reached
//! at. Every file kept about a store — its index, ledger entries, backups — carries this, so
//! that undo and restore never cross from one store to another unless told to.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreIdentity {
    /// The store's own id (its hash at BigCommerce), when it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The store's own name, else the name it is known by here.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The canonical API base URL it was reached at.
    pub api_url: String,
}

impl StoreIdentity {
    /// A store that does not say what it is: known by where it is.
    pub fn at(api_url: &str, name: &str) -> StoreIdentity {
        StoreIdentity {
            id: None,
            name: name.to_owned(),
            domain: None,
            api_url: canonical_url(api_url),
        }
    }

    /// What tells this store from every other: its id, else its canonical URL.
    pub fn key(&self) -> String {
        match &self.id {
            Some(id) => format!("id:{id}"),
            None => format!("url:{}", canonical_url(&self.api_url)),
        }
    }

    pub fn same_store(&self, other: &StoreIdentity) -> bool {
        self.key() == other.key()
    }

    /// A name for the store's files: readable (its name) and unique (a short hash of its
    /// key), e.g. `Sandbox_store-3f9a12c40b`.
    pub fn file_stem(&self) -> String {
        let hash = fnv1a(self.key().as_bytes());
        format!("{}-{:010x}", file_safe(&self.name), hash >> 24)
    }

    /// "store Sandbox store at 127.0.0.1:19561 (id 3kq9x1)", for messages that must tell two
    /// stores apart.
    pub fn describe(&self) -> String {
        let place = self
            .domain
            .clone()
            .unwrap_or_else(|| host_of(&self.api_url));
        let place = if place.is_empty() {
            host_of(&self.api_url)
        } else {
            place
        };
        match &self.id {
            Some(id) => format!("store {} at {place} (id {id})", self.name),
            None => format!("store {} at {place}", self.name),
        }
    }

    /// What a person may type to confirm this store: its id, its domain and the host it is
    /// reached at, each unique to it (names are not: every sandbox has the same).
    pub fn confirmations(&self) -> Vec<String> {
        let mut accepted: Vec<String> = self.id.iter().cloned().collect();
        accepted.extend(self.domain.iter().cloned());
        accepted.push(host_of(&self.api_url));
        accepted.retain(|text| !text.is_empty());
        accepted.dedup();
        accepted
    }
}

/// Text safe in a file name: letters, digits and `-` kept, the rest `_`.
pub fn file_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The API base with its scheme and host in lower case, the port always given, no trailing
/// slash and no API version at the end: the same store over v2 and v3 has one URL.
pub fn canonical_url(api_url: &str) -> String {
    let trimmed = api_url.trim().trim_end_matches('/');
    let Ok(url) = url::Url::parse(trimmed) else {
        return trimmed.to_owned();
    };
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let port = url.port_or_known_default().unwrap_or_default();
    let path = url.path().trim_end_matches('/');
    let path = path
        .strip_suffix("/v2")
        .or_else(|| path.strip_suffix("/v3"))
        .unwrap_or(path);
    format!("{}://{host}:{port}{path}", url.scheme())
}

/// `127.0.0.1:19561`, from an API base.
fn host_of(api_url: &str) -> String {
    match url::Url::parse(api_url.trim()) {
        Ok(url) => match (url.host_str(), url.port_or_known_default()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            _ => api_url.to_owned(),
        },
        Err(_) => api_url.to_owned(),
    }
}

/// FNV-1a: a stable hash for file names (the standard hasher may change between releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_stores_of_one_name_are_two_stores() {
        let a = StoreIdentity::at("http://127.0.0.1:19561/stores/sandbox/v2", "sandbox");
        let b = StoreIdentity::at("http://127.0.0.1:19562/stores/sandbox/v2/", "sandbox");
        assert!(!a.same_store(&b));
        assert_ne!(a.file_stem(), b.file_stem());
        assert!(a.file_stem().starts_with("sandbox-"));
        assert_eq!(a.describe(), "store sandbox at 127.0.0.1:19561");
        let v3 = StoreIdentity::at("HTTP://127.0.0.1:19561/stores/sandbox/v3", "other name");
        assert!(a.same_store(&v3), "the same store over another API version");
        let https = StoreIdentity::at("https://api.bigcommerce.com/stores/abc/v2", "shop");
        assert_eq!(https.api_url, "https://api.bigcommerce.com:443/stores/abc");
    }

    #[test]
    fn a_store_that_says_its_id_is_known_by_it_wherever_it_is_reached() {
        let mut a = StoreIdentity::at("http://127.0.0.1:1/stores/x/v2", "Shop");
        let mut b = StoreIdentity::at("http://127.0.0.1:2/stores/x/v2", "Shop");
        a.id = Some("k2x9".into());
        b.id = Some("k2x9".into());
        assert!(a.same_store(&b));
        assert_eq!(a.file_stem(), b.file_stem());
        assert!(a.confirmations().contains(&"k2x9".to_owned()));
        assert!(!a.confirmations().contains(&"Shop".to_owned()));
    }
}
