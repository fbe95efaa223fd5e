//! A bounded in-memory cache of the JSON of public datasets, for the hottest read of the portal
//! (`GET /api/1/datasets/{id-or-slug}`).
//!
//! It is a projection of the event log: this process's own changes invalidate it as they commit,
//! and [`App::follow_events`](crate::App::follow_events) applies changes committed by other
//! processes (a second server, a worker) from the log. Only datasets anyone may see are cached, so
//! a hit needs no permission check. A generation counter keeps a read that raced with a change from
//! caching the old state.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use uuid::Uuid;

/// Bookkeeping bytes counted per entry on top of its JSON and keys.
const ENTRY_OVERHEAD: usize = 160;

struct Entry {
    slug: String,
    json: Bytes,
}

impl Entry {
    fn cost(&self) -> usize {
        self.json.len() + 2 * self.slug.len() + 36 + ENTRY_OVERHEAD
    }
}

#[derive(Default)]
struct Inner {
    by_key: HashMap<String, Arc<Entry>>,
    order: VecDeque<Uuid>,
    bytes: usize,
    generation: u64,
}

/// The dataset JSON cache (cheap to share: wrap in an `Arc`).
pub struct DatasetCache {
    inner: Mutex<Inner>,
    budget: usize,
}

impl DatasetCache {
    /// A cache holding at most about `budget` bytes (0 disables it).
    pub fn new(budget: usize) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            budget,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The JSON of a cached dataset, by id or slug.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.lock().by_key.get(key).map(|e| e.json.clone())
    }

    /// The current generation; pass it to [`DatasetCache::insert`] after reading the database.
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Caches a public dataset's JSON, unless something was invalidated since `generation`.
    pub fn insert(&self, generation: u64, id: Uuid, slug: &str, json: Bytes) {
        let entry = Arc::new(Entry {
            slug: slug.to_string(),
            json,
        });
        if self.budget == 0 || entry.cost() > self.budget {
            return;
        }
        let mut inner = self.lock();
        if inner.generation != generation || inner.by_key.contains_key(&id.to_string()) {
            return;
        }
        while inner.bytes + entry.cost() > self.budget {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            forget(&mut inner, oldest);
        }
        inner.bytes += entry.cost();
        inner.order.push_back(id);
        inner.by_key.insert(id.to_string(), entry.clone());
        inner.by_key.insert(entry.slug.clone(), entry);
    }

    /// Drops one dataset.
    pub fn invalidate(&self, id: Uuid) {
        let mut inner = self.lock();
        inner.generation += 1;
        remove(&mut inner, id);
    }

    /// Drops everything (e.g. a publisher changed its slug or kind).
    pub fn clear(&self) {
        let mut inner = self.lock();
        let generation = inner.generation + 1;
        *inner = Inner {
            generation,
            ..Inner::default()
        };
    }

    /// Entries and bytes held.
    pub fn usage(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.order.len(), inner.bytes)
    }

    /// Applies one change, as recorded in the event log.
    pub fn apply(&self, entity_type: &str, entity_id: Uuid, parent_id: Option<Uuid>) {
        match entity_type {
            "dataset" => self.invalidate(entity_id),
            "distribution" => {
                if let Some(dataset) = parent_id {
                    self.invalidate(dataset);
                }
            }
            "organization" => self.clear(),
            _ => {}
        }
    }
}

/// Drops an entry and its place in the eviction order (a scan: invalidations are rare).
fn remove(inner: &mut Inner, id: Uuid) {
    if forget(inner, id)
        && let Some(position) = inner.order.iter().position(|x| *x == id)
    {
        inner.order.remove(position);
    }
}

/// Drops an entry from the maps (the caller has taken it out of the eviction order already).
fn forget(inner: &mut Inner, id: Uuid) -> bool {
    match inner.by_key.remove(&id.to_string()) {
        Some(entry) => {
            inner.by_key.remove(&entry.slug);
            inner.bytes = inner.bytes.saturating_sub(entry.cost());
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(n: usize) -> Bytes {
        Bytes::from(vec![b'x'; n])
    }

    #[test]
    fn hits_by_id_and_slug_until_invalidated() {
        let cache = DatasetCache::new(1 << 20);
        let id = Uuid::new_v4();
        cache.insert(cache.generation(), id, "dan-so", json(10));
        assert_eq!(cache.get("dan-so").unwrap().len(), 10);
        assert!(cache.get(&id.to_string()).is_some());
        cache.apply("distribution", Uuid::new_v4(), Some(id));
        assert!(cache.get("dan-so").is_none() && cache.get(&id.to_string()).is_none());
        assert_eq!(cache.usage(), (0, 0));
    }

    #[test]
    fn a_read_that_raced_a_change_is_not_cached() {
        let cache = DatasetCache::new(1 << 20);
        let id = Uuid::new_v4();
        let generation = cache.generation();
        cache.invalidate(id); // a change commits while the old state is being read
        cache.insert(generation, id, "dan-so", json(10));
        assert!(cache.get("dan-so").is_none());
    }

    #[test]
    fn stays_within_budget_evicting_oldest() {
        let one = Entry {
            slug: "slug-000".into(),
            json: json(100),
        }
        .cost();
        let cache = DatasetCache::new(one * 3);
        let ids: Vec<Uuid> = (0..5).map(|_| Uuid::new_v4()).collect();
        for (i, id) in ids.iter().enumerate() {
            cache.insert(cache.generation(), *id, &format!("slug-{i:03}"), json(100));
        }
        assert_eq!(cache.usage(), (3, one * 3));
        assert!(cache.get("slug-000").is_none() && cache.get("slug-001").is_none());
        assert!(cache.get("slug-004").is_some());
        cache.apply("organization", Uuid::new_v4(), None);
        assert_eq!(cache.usage(), (0, 0));
        let disabled = DatasetCache::new(0);
        disabled.insert(disabled.generation(), ids[0], "x", json(1));
        assert!(disabled.get("x").is_none());
    }
}
