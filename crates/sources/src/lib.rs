//! The agency side of automatic publication: what the worker needs to pull a distribution's
//! bytes from an agency system on a schedule, with no database of the portal and no HTTP in it.
//!
//! - [`schedule`]: cron schedules (five fields, evaluated in the portal's time zone);
//! - [`seal`]: database credentials sealed at rest (XChaCha20-Poly1305, a key per portal);
//! - [`sql`]: one read-only `SELECT` against an agency's PostgreSQL, MySQL or SQLite database,
//!   written out as CSV.
//!
//! Web sources are fetched by the portal's SSRF-guarded client (`dulieu-fetch`).

pub mod schedule;
pub mod seal;
pub mod sql;

pub use schedule::{Schedule, ScheduleError};
pub use seal::{SealError, SealingKey};
