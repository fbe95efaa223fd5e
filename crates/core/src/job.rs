//! Durable background jobs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A job as stored in the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Job {
    /// Stable id.
    pub id: Uuid,
    /// What to do, e.g. `blob.verify`.
    pub kind: String,
    /// Arguments.
    pub payload: serde_json::Value,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// Attempts started so far.
    pub attempts: i64,
    /// Attempts allowed before the job is marked failed.
    pub max_attempts: i64,
    /// Earliest time to run.
    pub run_at: DateTime<Utc>,
    /// Error of the last failed attempt.
    pub last_error: Option<String>,
}

/// Delay before retry number `attempt` (1-based): 2^attempt seconds, capped at one hour.
pub fn backoff_seconds(attempt: i64) -> i64 {
    let exponent = attempt.clamp(1, 12) as u32;
    (1_i64 << exponent).min(3600)
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(super::backoff_seconds(1), 2);
        assert_eq!(super::backoff_seconds(3), 8);
        assert_eq!(super::backoff_seconds(40), 3600);
    }
}
