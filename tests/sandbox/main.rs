//! The sandbox store over real HTTP: connections, the protocol, reads, writes, storage, and
//! the customer groups and addresses resources.

#[path = "../common/mod.rs"]
mod common;

mod address_writes;
mod addresses;
mod connections;
mod group_members;
mod group_writes;
mod groups;
mod migration;
mod protocol;
mod reads;
mod resources;
mod storage;
mod writes;
