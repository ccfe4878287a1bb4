//! The BigCommerce v2 Customers API client: customers, customer groups and addresses;
//! models, filters, errors, rate-limit pacing.

mod addresses;
mod budget;
mod client;
pub mod countries;
mod error;
mod filter;
mod groups;
mod model;
pub mod rules;

pub use addresses::{ADDRESS_FIELDS, Address};
pub use budget::{RateBudget, RateSnapshot};
pub use client::{
    Auth, Client, ClientOptions, ClientStats, MAX_PAGE_SIZE, Secret, install_tls_provider,
};
pub use error::ApiError;
pub use filter::{DATE_FORMS, FILTER_NAMES, Filter, FilterError};
pub use groups::CustomerGroup;
pub use model::{Count, Customer, FormField, format_credit};
