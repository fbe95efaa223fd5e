//! Politeness towards remote servers: one request at a time per host, with a pause between them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use tokio::time::Instant;
use url::Url;

/// Hosts remembered beyond which idle ones are forgotten.
const REMEMBERED_HOSTS: usize = 1024;

/// A host's turn lock, holding when its last turn ended.
type Slot = Arc<AsyncMutex<Option<Instant>>>;

/// Gives turns per host: at most one holder of a [`HostTurn`] per host at a time, and at least
/// `min_delay` between the end of one turn and the start of the next. For batches of requests
/// (link checks, harvesting) that must not hammer one server. Cheap to clone (shared state).
#[derive(Clone, Debug)]
pub struct HostGate {
    min_delay: Duration,
    hosts: Arc<Mutex<HashMap<String, Slot>>>,
}

/// A turn to send requests to one host; the next turn for that host starts at least the gate's
/// delay after this one is dropped.
#[derive(Debug)]
pub struct HostTurn {
    last_end: OwnedMutexGuard<Option<Instant>>,
}

impl Drop for HostTurn {
    fn drop(&mut self) {
        *self.last_end = Some(Instant::now());
    }
}

impl HostGate {
    /// A gate with `min_delay` between turns of the same host.
    pub fn new(min_delay: Duration) -> Self {
        Self {
            min_delay,
            hosts: Arc::default(),
        }
    }

    /// Waits for the turn of `url`'s host (the whole text when it has none).
    pub async fn enter(&self, url: &str) -> HostTurn {
        let host = Url::parse(url)
            .ok()
            .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_else(|| url.to_string());
        let slot = self.slot(host);
        let last_end = slot.lock_owned().await;
        if let Some(end) = *last_end {
            tokio::time::sleep_until(end + self.min_delay).await;
        }
        HostTurn { last_end }
    }

    fn slot(&self, host: String) -> Slot {
        let mut hosts = self
            .hosts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if hosts.len() >= REMEMBERED_HOSTS && !hosts.contains_key(&host) {
            let min_delay = self.min_delay;
            hosts.retain(|_, slot| {
                Arc::strong_count(slot) > 1
                    || slot
                        .try_lock()
                        .map_or(true, |end| end.is_some_and(|end| end.elapsed() < min_delay))
            });
        }
        Arc::clone(hosts.entry(host).or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_turn_per_host_with_a_pause_other_hosts_free() {
        let gate = HostGate::new(Duration::from_millis(300));
        let turn = gate.enter("https://data.gov.vn/a.csv").await;
        let other = tokio::time::timeout(
            Duration::from_secs(5),
            gate.enter("https://gso.gov.vn/b.csv"),
        )
        .await;
        assert!(other.is_ok(), "another host is not held back");
        let waiting = gate.clone();
        let same = tokio::spawn(async move {
            let _turn = waiting.enter("https://DATA.gov.vn/c.csv").await;
            Instant::now()
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !same.is_finished(),
            "the same host waits for the turn to end"
        );
        let released = Instant::now();
        drop(turn);
        let started = same.await.unwrap();
        assert!(
            started >= released + Duration::from_millis(300),
            "the next turn starts after the pause"
        );
    }
}
