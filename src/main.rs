//! The `bc-customers` command: everything it does is in the library's `cli` module.

fn main() {
    bc_customers::cli::main();
}
