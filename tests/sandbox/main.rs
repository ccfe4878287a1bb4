//! The sandbox store over real HTTP: connections, the protocol, reads, writes and storage.

#[path = "../common/mod.rs"]
mod common;

mod connections;
mod protocol;
mod reads;
mod storage;
mod writes;
