//! bc-customers: a terminal tool for the customers of a BigCommerce store, and the sandbox
//! store it ships with.

pub mod api;
pub mod app;
pub mod backup;
pub mod change_commands;
pub mod config;
pub mod dates;
pub mod export;
pub mod format;
pub mod last_delete;
pub mod paths;
pub mod restore;
pub mod sandbox;
pub mod tui;
pub mod ui;
pub mod worker;
