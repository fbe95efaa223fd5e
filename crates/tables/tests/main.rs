//! The integration tests of this crate, linked into one test binary (one
//! link of the dependency tree instead of one per file).

mod bad;
mod common;
mod fixtures;
mod schema;
