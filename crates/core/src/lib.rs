//! Domain types of dulieu: the DCAT-AP shaped catalog (organizations, datasets, distributions),
//! accounts, the event log and job records, their validation rules, and the one error type
//! every layer returns. No I/O happens here.

pub mod account;
pub mod catalog;
pub mod decode;
pub mod error;
pub mod event;
pub mod harvest;
pub mod job;
pub mod patch;
pub mod pull;
pub mod tables;
pub mod text;
pub mod vocab;

pub use error::{Error, FieldErrors, Result};
