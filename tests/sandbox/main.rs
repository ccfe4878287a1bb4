//! The sandbox store over real HTTP: connections, the protocol, reads, writes, storage, and
//! the customer groups and addresses resources.

#[path = "../common/mod.rs"]
mod common;

mod connections;
mod groups;
mod protocol;
mod reads;
mod resources;
mod storage;
mod writes;
