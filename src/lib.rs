//! bc-customers: a terminal tool for the customers of a BigCommerce store, and the sandbox
//! store it ships with.

pub mod dates;
pub mod paths;
pub mod sandbox;
