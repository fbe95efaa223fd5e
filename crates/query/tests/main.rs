//! The integration tests of this crate, linked into one test binary (one
//! link of the dependency tree instead of one per file).

mod aggregate;
mod bench;
mod common;
mod export;
mod frictionless;
mod hot;
mod rows;
mod sql;
