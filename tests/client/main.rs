//! The API client, the background worker and the jobs, against a sandbox started in the test.

#[path = "../common/mod.rs"]
mod common;

mod api;
mod backup;
mod groups_addresses;
mod hostile;
mod index;
mod model;
mod promises;
mod recorded;
mod worker;
