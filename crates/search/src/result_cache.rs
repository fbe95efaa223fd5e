//! A bounded cache of whole search answers, emptied whenever the index changes.
//!
//! Portal traffic repeats itself: the search page without a query, its facet links, the popular
//! words. Those answers are the most expensive (every dataset matches), so the last answers are
//! kept until the next commit, like a search server's query-result cache. A search that raced a
//! commit is not cached (generation check).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::SearchResults;

/// Answers kept by default.
pub const DEFAULT_RESULT_CACHE_ENTRIES: usize = 1024;

struct Inner {
    hits: u64,
    misses: u64,
    capacity: usize,
    generation: u64,
    tick: u64,
    entries: HashMap<String, (u64, Arc<SearchResults>)>,
}

pub(crate) struct ResultCache {
    inner: Mutex<Inner>,
}

impl ResultCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                hits: 0,
                misses: 0,
                capacity,
                generation: 0,
                tick: 0,
                entries: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current generation; pass it back to [`ResultCache::put`].
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    pub fn get(&self, key: &str) -> Option<Arc<SearchResults>> {
        let mut inner = self.lock();
        inner.tick += 1;
        let tick = inner.tick;
        match inner.entries.get_mut(key) {
            Some(entry) => {
                entry.0 = tick;
                let found = entry.1.clone();
                inner.hits += 1;
                Some(found)
            }
            None => {
                inner.misses += 1;
                None
            }
        }
    }

    /// Keeps an answer computed at `generation`, unless the index changed since.
    pub fn put(&self, generation: u64, key: String, results: Arc<SearchResults>) {
        let mut inner = self.lock();
        if inner.generation != generation || inner.capacity == 0 {
            return;
        }
        if inner.entries.len() >= inner.capacity {
            // Drop the least recently used eighth at once, so eviction stays cheap.
            let mut ticks: Vec<u64> = inner.entries.values().map(|(t, _)| *t).collect();
            let cut = (inner.capacity / 8).max(1).min(ticks.len() - 1);
            let (_, threshold, _) = ticks.select_nth_unstable(cut);
            let threshold = *threshold;
            inner.entries.retain(|_, (t, _)| *t > threshold);
        }
        inner.tick += 1;
        let tick = inner.tick;
        inner.entries.insert(key, (tick, results));
    }

    /// Forgets everything (the index changed).
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.entries.clear();
    }

    /// Answers served from the cache and computed, since the start.
    pub fn stats(&self) -> (u64, u64) {
        let inner = self.lock();
        (inner.hits, inner.misses)
    }

    pub fn set_capacity(&self, capacity: usize) {
        let mut inner = self.lock();
        inner.capacity = capacity;
        inner.entries.clear();
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(total: u64) -> Arc<SearchResults> {
        Arc::new(SearchResults {
            results: Vec::new(),
            total,
            page: 1,
            page_size: 20,
            facets: Default::default(),
            relaxed: false,
        })
    }

    #[test]
    fn keeps_answers_until_the_index_changes() {
        let cache = ResultCache::new(4);
        cache.put(cache.generation(), "a".into(), answer(1));
        assert_eq!(cache.get("a").unwrap().total, 1);
        cache.clear();
        assert!(cache.get("a").is_none());
        assert_eq!(cache.stats(), (1, 1));
    }

    #[test]
    fn an_answer_that_raced_a_change_is_not_kept() {
        let cache = ResultCache::new(4);
        let generation = cache.generation();
        cache.clear();
        cache.put(generation, "a".into(), answer(1));
        assert!(cache.get("a").is_none());
    }

    #[test]
    fn stays_within_capacity_dropping_the_least_recently_used() {
        let cache = ResultCache::new(8);
        for i in 0..8 {
            cache.put(cache.generation(), format!("k{i}"), answer(i));
        }
        assert!(cache.get("k0").is_some()); // k0 is now recent
        cache.put(cache.generation(), "k8".into(), answer(8));
        assert!(cache.len() <= 8);
        assert!(cache.get("k0").is_some() && cache.get("k8").is_some());
        assert!(cache.get("k1").is_none());
        let off = ResultCache::new(0);
        off.put(off.generation(), "a".into(), answer(1));
        assert!(off.get("a").is_none());
    }
}
