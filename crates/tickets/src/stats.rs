//! Response statistics of data requests (the task force's M&E figures): received, answered,
//! fulfilled, refused by reason, median and 90th-percentile response time in working days, share
//! answered on time, open backlog and overdue.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::clock::Timeliness;
use crate::records::DataRequest;
use crate::request::RequestState;

/// The figures of one set of requests (one organization, or all).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestStats {
    /// Requests received (filed and confirmed; for an organization: assigned to it).
    pub received: i64,
    /// Requests answered (accepted, fulfilled, partially fulfilled or refused).
    pub answered: i64,
    /// Fulfilled, wholly or partly.
    pub fulfilled: i64,
    /// Of which partly.
    pub partially_fulfilled: i64,
    /// Refused.
    pub refused: i64,
    /// Refusals per reason code.
    pub refused_by_reason: BTreeMap<String, i64>,
    /// Withdrawn or merged.
    pub withdrawn: i64,
    /// Median working days to the first answer.
    pub median_response_days: Option<i64>,
    /// 90th percentile of working days to the first answer.
    pub p90_response_days: Option<i64>,
    /// Share of answers given before their deadline (0–1).
    pub on_time_share: Option<f64>,
    /// Requests still waiting for an answer or for the data.
    pub backlog: i64,
    /// Of the backlog, those past their deadline.
    pub overdue: i64,
}

/// The `p`-th percentile (0–100) of sorted values, nearest-rank method.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted.get(rank - 1).copied()
}

/// Computes the figures of `requests` at `now`.
pub fn summarize<'a>(
    requests: impl IntoIterator<Item = &'a DataRequest>,
    now: DateTime<Utc>,
) -> RequestStats {
    let mut stats = RequestStats::default();
    let mut days = Vec::new();
    let mut on_time = 0;
    let mut timed = 0;
    for r in requests {
        stats.received += 1;
        if r.answered_at.is_some() {
            stats.answered += 1;
        }
        match r.state {
            RequestState::Fulfilled => stats.fulfilled += 1,
            RequestState::PartiallyFulfilled => {
                stats.fulfilled += 1;
                stats.partially_fulfilled += 1;
            }
            RequestState::Refused => {
                stats.refused += 1;
                let reason = r.refusal_reason.map_or("other", |x| x.as_str());
                *stats
                    .refused_by_reason
                    .entry(reason.to_string())
                    .or_default() += 1;
            }
            RequestState::Withdrawn => stats.withdrawn += 1,
            _ => stats.backlog += 1,
        }
        if matches!(
            r.timeliness(now),
            Some(Timeliness::Overdue | Timeliness::LongOverdue)
        ) {
            stats.overdue += 1;
        }
        if let Some(d) = r.answer_working_days {
            days.push(d);
        }
        if let Some(in_time) = r.answered_on_time() {
            timed += 1;
            on_time += i64::from(in_time);
        }
    }
    days.sort_unstable();
    stats.median_response_days = percentile(&days, 50);
    stats.p90_response_days = percentile(&days, 90);
    stats.on_time_share = (timed > 0).then(|| on_time as f64 / timed as f64);
    stats
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use uuid::Uuid;

    use super::*;
    use crate::clock::Deadline;
    use crate::request::RefusalReason;

    fn request(state: RequestState, days: Option<i64>, on_time: Option<bool>) -> DataRequest {
        let now = Utc::now();
        DataRequest {
            id: Uuid::new_v4(),
            title: "t".into(),
            description: "d".into(),
            purpose: None,
            desired_format: None,
            granularity: None,
            suggested_organization_id: None,
            is_public: true,
            requester_id: None,
            requester_email: "a@b.vn".into(),
            confirmed: true,
            lang: "vi".into(),
            state,
            organization_id: None,
            clock_started_at: Some(now - Duration::days(60)),
            deadline: Some(Deadline {
                due_at: now - Duration::days(1),
                long_due_at: now + Duration::days(20),
                extended: false,
            }),
            answered_at: on_time.map(|_| now),
            answer_due_at: on_time.map(|t| {
                if t {
                    now + Duration::days(1)
                } else {
                    now - Duration::days(1)
                }
            }),
            answer_working_days: days,
            planned_date: None,
            dataset_id: None,
            link: None,
            refusal_reason: (state == RequestState::Refused).then_some(RefusalReason::NotHeld),
            legal_basis: None,
            duplicate_of: None,
            votes: 0,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let values: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&values, 50), Some(5));
        assert_eq!(percentile(&values, 90), Some(9));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn figures_of_a_mix() {
        let list = [
            request(RequestState::Fulfilled, Some(5), Some(true)),
            request(RequestState::PartiallyFulfilled, Some(12), Some(true)),
            request(RequestState::Refused, Some(30), Some(false)),
            request(RequestState::AwaitingResponse, None, None),
            request(RequestState::Withdrawn, None, None),
        ];
        let stats = summarize(&list, Utc::now());
        assert_eq!(stats.received, 5);
        assert_eq!(stats.answered, 3);
        assert_eq!(
            (stats.fulfilled, stats.partially_fulfilled, stats.refused),
            (2, 1, 1)
        );
        assert_eq!(stats.refused_by_reason.get("not_held"), Some(&1));
        assert_eq!(stats.median_response_days, Some(12));
        assert_eq!(stats.p90_response_days, Some(30));
        assert_eq!(stats.on_time_share, Some(2.0 / 3.0));
        // The waiting request is past its deadline.
        assert_eq!((stats.backlog, stats.overdue, stats.withdrawn), (1, 1, 1));
        assert_eq!(summarize(&[], Utc::now()), RequestStats::default());
    }
}
