//! Tickets of dulieu: data requests and dataset feedback. Pure rules, no I/O: the working-day
//! clock that computes legal deadlines, and the two state machines with the roles allowed to make
//! each transition. The store keeps the tickets; the app applies these rules in a transaction.

pub mod clock;
pub mod feedback;
pub mod party;
pub mod request;
pub mod stats;

pub use clock::{Calendar, ClockPolicy, Deadline, Timeliness, WorkingClock};
pub use party::{Party, TransitionError};
pub mod records;
