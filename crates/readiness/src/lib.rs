//! Readiness assessments and action plans: the DGRA, ODRA and OD4B frameworks as data files
//! (`frameworks/*.toml`, checked against the format when loaded), assessments with per-question
//! ratings and evidence, the evidence balance beside each rating (never a computed score), the
//! comparison of two assessments, reports (Markdown, JSON), action plans with their Gantt chart
//! (SVG), the live indicators computed from the portal, and the import of the Vietnam 2019
//! assessment. Pure: no HTTP, no database; the only I/O is reading framework files from a folder.

pub mod assessment;
pub mod balance;
pub mod compare;
pub mod framework;
pub mod gantt;
pub mod import;
pub mod indicators;
pub mod plan;
pub mod plan_input;
pub mod report;
pub mod vocab;

pub use assessment::{Assessment, DimensionAssessment, Evidence, Passage, QuestionAssessment};
pub use balance::Balance;
pub use compare::Comparison;
pub use framework::{Framework, FrameworkError, Frameworks};
pub use plan::{ActionItem, ActionPlan};
pub use vocab::{ContentLang, ItemStatus, PublicationStatus, Term};
