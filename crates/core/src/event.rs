//! The event log: one append-only record per change, written in the same transaction as the change.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// Position in the log (strictly increasing).
    pub seq: i64,
    /// When the change was committed.
    pub at: DateTime<Utc>,
    /// Who made it (`None` for the system).
    pub actor_id: Option<Uuid>,
    /// `organization`, `dataset`, `distribution`, `user`, `membership`, `token`.
    pub entity_type: String,
    /// Id of the changed entity.
    pub entity_id: Uuid,
    /// Enclosing entity (the dataset of a distribution), for history views.
    pub parent_id: Option<Uuid>,
    /// `created`, `updated`, `deleted`, `file_replaced`, ...
    pub action: String,
    /// State before the change.
    pub before: Option<serde_json::Value>,
    /// State after the change.
    pub after: Option<serde_json::Value>,
}

/// A change to record, before it has a sequence number and time.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// Who made it.
    pub actor_id: Option<Uuid>,
    /// Entity type.
    pub entity_type: &'static str,
    /// Entity id.
    pub entity_id: Uuid,
    /// Enclosing entity.
    pub parent_id: Option<Uuid>,
    /// Action.
    pub action: &'static str,
    /// State before.
    pub before: Option<serde_json::Value>,
    /// State after.
    pub after: Option<serde_json::Value>,
}
