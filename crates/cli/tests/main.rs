//! The integration tests of this crate, linked into one test binary (one
//! link of the dependency tree instead of one per file).

mod check;
mod ckanapi;
mod crash;
mod publish;
mod pull;
mod readiness;
mod search;
mod support;
mod tables;
