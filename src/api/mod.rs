//! The BigCommerce v2 Customers API client: models, filters, errors, rate-limit pacing.

mod budget;
mod client;
mod error;
mod filter;
mod model;
pub mod rules;

pub use budget::{RateBudget, RateSnapshot};
pub use client::{
    Auth, Client, ClientOptions, ClientStats, MAX_PAGE_SIZE, Secret, install_tls_provider,
};
pub use error::ApiError;
pub use filter::{DATE_FORMS, FILTER_NAMES, Filter, FilterError};
pub use model::{Count, Customer, FormField, format_credit};
