//! Sign-in rate limiting: after [`MAX_FAILURES`] failed attempts for one e-mail or one client
//! address within [`WINDOW`], further attempts are refused without checking the password.
//! The count is kept in this process: several servers each count their own.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use dulieu_core::{Error, Result};

/// Failed attempts allowed per key within the window.
pub const MAX_FAILURES: usize = 5;
/// How long a failed attempt counts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys kept at most (oldest failures are forgotten first when exceeded).
const MAX_KEYS: usize = 100_000;

/// Failed sign-in attempts by key (`email:…`, `client:…`).
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// `Err(TooManyAttempts)` when any of `keys` has used up its attempts.
    pub fn check(&self, keys: &[String], now: Instant) -> Result<()> {
        let mut failures = self.lock();
        let mut wait = None::<Duration>;
        for key in keys {
            let Some(list) = failures.get_mut(key) else {
                continue;
            };
            forget_old(list, now);
            if list.len() >= MAX_FAILURES
                && let Some(first) = list.front()
            {
                let left = WINDOW.saturating_sub(now.duration_since(*first));
                wait = Some(wait.map_or(left, |w| w.max(left)));
            }
        }
        match wait {
            Some(left) => Err(Error::TooManyAttempts {
                retry_after: left.as_secs().max(1),
            }),
            None => Ok(()),
        }
    }

    /// Counts one failed attempt for each of `keys`.
    pub fn failed(&self, keys: &[String], now: Instant) {
        let mut failures = self.lock();
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, list| {
                forget_old(list, now);
                !list.is_empty()
            });
        }
        for key in keys {
            let list = failures.entry(key.clone()).or_default();
            forget_old(list, now);
            list.push_back(now);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn forget_old(list: &mut VecDeque<Instant>, now: Instant) {
    while list
        .front()
        .is_some_and(|at| now.duration_since(*at) >= WINDOW)
    {
        list.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_key_for_the_window() {
        let limiter = LoginLimiter::default();
        let keys = vec!["email:a@example.vn".to_string()];
        let start = Instant::now();
        for _ in 0..MAX_FAILURES {
            limiter.check(&keys, start).unwrap();
            limiter.failed(&keys, start);
        }
        let Err(Error::TooManyAttempts { retry_after }) = limiter.check(&keys, start) else {
            panic!("the sixth attempt must be refused");
        };
        assert_eq!(retry_after, WINDOW.as_secs());
        limiter
            .check(&["email:b@example.vn".to_string()], start)
            .unwrap();
        limiter.check(&keys, start + WINDOW).unwrap();
    }
}
