//! Which resource a request path names: the API prefix (`/stores/{hash}/v2` or `/api/v2`), an
//! optional `.json` suffix, and the resource with its ids.

/// The resources of the v2 API that the sandbox serves. An id is `None` when it is too large
/// to exist (such a path is still the resource's, so it answers 404 rather than 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Customers,
    Count,
    Customer(Option<i64>),
    Validate(Option<i64>),
    Groups,
    GroupCount,
    Group(Option<i64>),
    /// A customer's addresses, by customer id.
    Addresses(Option<i64>),
    AddressCount(Option<i64>),
    /// One address: the customer's id, then the address's.
    Address(Option<i64>, Option<i64>),
    /// What the store says of itself (the Store Information API).
    StoreInfo,
}

impl Resource {
    /// For the `Allow` header of a 405.
    pub fn allowed_methods(self) -> &'static str {
        match self {
            Resource::Customers => "GET, HEAD, POST, DELETE",
            Resource::Count => "GET, HEAD",
            Resource::Customer(_) => "GET, HEAD, PUT, DELETE",
            Resource::Validate(_) => "POST",
            // Deleting every group was sunset upstream; the sandbox refuses it.
            Resource::Groups => "GET, HEAD, POST",
            Resource::GroupCount => "GET, HEAD",
            Resource::Group(_) => "GET, HEAD, PUT, DELETE",
            Resource::Addresses(_) => "GET, HEAD, POST, DELETE",
            Resource::AddressCount(_) => "GET, HEAD",
            Resource::Address(..) => "GET, HEAD, PUT, DELETE",
            Resource::StoreInfo => "GET, HEAD",
        }
    }
}

/// A path inside the store: its API prefix (`/stores/abc/v2` or `/api/v2`) and the resource,
/// if it names one the sandbox serves.
pub fn parse_path(path: &str) -> Option<(&str, Option<Resource>)> {
    let rest_start = if let Some(rest) = path.strip_prefix("/stores/") {
        let (hash, _) = rest.split_once('/')?;
        let valid_hash = !hash.is_empty()
            && hash
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid_hash || !rest[hash.len()..].starts_with("/v2") {
            return None;
        }
        "/stores/".len() + hash.len() + "/v2".len()
    } else if path.starts_with("/api/v2") {
        "/api/v2".len()
    } else {
        return None;
    };
    let (prefix, rest) = path.split_at(rest_start);
    if !rest.is_empty() && !rest.starts_with('/') {
        return None;
    }
    let rest = rest.strip_suffix(".json").unwrap_or(rest);
    let segments: Vec<&str> = rest.split('/').skip(1).collect();
    let resource = match segments.as_slice() {
        ["customers"] => Some(Resource::Customers),
        ["customers", "count"] => Some(Resource::Count),
        ["customers", segment] => id(segment).map(Resource::Customer),
        ["customers", segment, "validate"] => id(segment).map(Resource::Validate),
        ["customers", customer, "addresses"] => id(customer).map(Resource::Addresses),
        ["customers", customer, "addresses", "count"] => id(customer).map(Resource::AddressCount),
        ["customers", customer, "addresses", address] => id(customer)
            .zip(id(address))
            .map(|(customer, address)| Resource::Address(customer, address)),
        ["customer_groups"] => Some(Resource::Groups),
        ["customer_groups", "count"] => Some(Resource::GroupCount),
        ["customer_groups", segment] => id(segment).map(Resource::Group),
        ["store"] => Some(Resource::StoreInfo),
        _ => None,
    };
    Some((prefix, resource))
}

/// A path segment of digits: `Some(None)` when it is too large to be anyone's id.
fn id(segment: &str) -> Option<Option<i64>> {
    let digits = !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| segment.parse::<i64>().ok().filter(|id| *id > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_both_prefixes_with_and_without_json() {
        let cases = [
            (
                "/stores/abc123/v2/customers",
                Some(("/stores/abc123/v2", Some(Resource::Customers))),
            ),
            (
                "/api/v2/customers.json",
                Some(("/api/v2", Some(Resource::Customers))),
            ),
            (
                "/api/v2/customers/count.json",
                Some(("/api/v2", Some(Resource::Count))),
            ),
            (
                "/api/v2/customers/7",
                Some(("/api/v2", Some(Resource::Customer(Some(7))))),
            ),
            (
                "/api/v2/customers/7.json",
                Some(("/api/v2", Some(Resource::Customer(Some(7))))),
            ),
            (
                "/api/v2/customers/99999999999999999999",
                Some(("/api/v2", Some(Resource::Customer(None)))),
            ),
            (
                "/api/v2/customers/7/validate",
                Some(("/api/v2", Some(Resource::Validate(Some(7))))),
            ),
            (
                "/stores/abc123/v2/customer_groups.json",
                Some(("/stores/abc123/v2", Some(Resource::Groups))),
            ),
            (
                "/api/v2/customer_groups/count",
                Some(("/api/v2", Some(Resource::GroupCount))),
            ),
            (
                "/api/v2/customer_groups/3.json",
                Some(("/api/v2", Some(Resource::Group(Some(3))))),
            ),
            ("/api/v2/customer_groups/x", Some(("/api/v2", None))),
            (
                "/api/v2/customers/7/addresses.json",
                Some(("/api/v2", Some(Resource::Addresses(Some(7))))),
            ),
            (
                "/stores/h/v2/customers/7/addresses/count",
                Some(("/stores/h/v2", Some(Resource::AddressCount(Some(7))))),
            ),
            (
                "/api/v2/customers/7/addresses/12",
                Some(("/api/v2", Some(Resource::Address(Some(7), Some(12))))),
            ),
            (
                "/api/v2/customers/7/addresses/99999999999999999999.json",
                Some(("/api/v2", Some(Resource::Address(Some(7), None)))),
            ),
            ("/api/v2/customers/7/addresses/zz", Some(("/api/v2", None))),
            (
                "/stores/h/v2/store.json",
                Some(("/stores/h/v2", Some(Resource::StoreInfo))),
            ),
            ("/api/v2/customers/x/addresses", Some(("/api/v2", None))),
            ("/api/v2/customers/abc", Some(("/api/v2", None))),
            ("/api/v2/customers/", Some(("/api/v2", None))),
            ("/api/v2/orders", Some(("/api/v2", None))),
            ("/api/v2x/customers", None),
            ("/stores//v2/customers", None),
            ("/", None),
        ];
        for (path, expected) in cases {
            assert_eq!(parse_path(path), expected, "{path}");
        }
    }
}
