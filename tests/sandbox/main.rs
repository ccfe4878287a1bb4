//! The sandbox store over real HTTP: the protocol, reads, writes and storage.

#[path = "../common/mod.rs"]
mod common;

mod protocol;
mod reads;
mod storage;
mod writes;
