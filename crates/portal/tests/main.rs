//! The integration tests of this crate, linked into one test binary (one
//! link of the dependency tree instead of one per file).

mod accounts;
mod common;
mod errors;
mod files;
mod harvest;
mod inventory;
mod members;
mod pages;
mod quality;
mod readiness;
mod requests;
mod review;
mod sources;
mod tables;
mod tickets;
mod tokens;
mod usage;
mod workspace;
