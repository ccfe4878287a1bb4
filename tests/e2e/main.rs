//! End to end: the built binary, on the command line and in a pseudo-terminal, against a
//! sandbox store process.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod config;
mod export_files;
mod guards;
mod hostile_store;
mod interrupted;
mod pipes;
mod pty;
mod search;
mod terminal;
mod update;
