//! The app's state and drawing: `App::update` with messages in and commands out, screens
//! through ratatui's test backend, and the app driven against a real sandbox and worker.

#[path = "../common/mod.rs"]
mod common;

mod addresses;
mod browsing;
mod changes;
mod failures;
mod groups;
mod in_memory;
mod keys;
mod search;
mod store;
