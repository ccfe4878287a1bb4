//! How a program logs in to a store's API: OAuth tokens or legacy API keys.

use crate::domain::Secret;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// OAuth: `X-Auth-Token`, with the client id sent as `X-Auth-Client` when known.
    Token {
        token: Secret,
        client_id: Option<String>,
    },
    /// Legacy API keys: HTTP Basic with the user name and the key.
    Basic { username: String, api_key: Secret },
}
