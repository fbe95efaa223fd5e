//! Data inventories: what each agency holds, long before any of it is a dataset. The items and
//! their rules ([`model`]), publication timeliness and prioritisation ([`plan`]), and the
//! spreadsheet round trip ([`sheet`]: CSV and XLSX import with row-level errors, export and the
//! blank template). Pure: no HTTP, no database.

pub mod model;
pub mod plan;
pub mod sheet;

pub use model::{
    Demand, Effort, Item, ItemInput, ItemStatus, NATIONAL_DATABASES, Priority, Sensitivity,
};
