//! bc-customers: a terminal tool for the customers of a BigCommerce store, and the sandbox
//! store it ships with.

pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod dates;
pub mod domain;
pub mod format;
pub mod index;
pub mod jobs;
pub mod ledger;
pub mod paths;
pub mod sandbox;
pub mod sanitize;
pub mod sqlite;
pub mod store;
pub mod tui;
pub mod ui;
pub mod worker;
