//! The store's HTTP APIs: the v2 backend (`v2/`), the credentials and the request quota's
//! pacing that every HTTP backend shares.

mod auth;
pub mod budget;
pub mod v2;

pub use auth::Auth;
pub use budget::RateBudget;
