//! The integration tests of this crate, linked into one test binary (one
//! link of the dependency tree instead of one per file).

mod cache;
mod catalog_export;
mod harvest;
mod harvest_edges;
mod live_figures;
mod pull;
mod watchdog;
mod worker;
