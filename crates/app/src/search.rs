//! The search projection: keeps the full-text index ([`dulieu_search`]) in step with the event log,
//! and runs searches and suggestions with the caller's visibility.
//!
//! The index records the log position it reflects ([`SearchIndex::indexed_seq`]). Catching up
//! reads the events after that position, reloads every dataset they touched from the store and
//! replaces (or removes) it in the index, then commits with the last position read. A dataset's
//! current state is always reloaded, never taken from the event, so applying an event twice is
//! harmless and a restarted or second server simply resumes from its own index's position. This
//! process's own changes wake the projection at once ([`App::commit_change`]); changes committed
//! by other processes arrive by tailing the log every `search.follow_interval_ms`.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use dulieu_core::account::Actor;
use dulieu_core::catalog::{Dataset, Organization};
use dulieu_core::event::Event;
use dulieu_core::{Error, Result};
use dulieu_search::{
    OrganizationSuggestion, Registers, SearchDoc, SearchIndex, SearchRequest, SearchResults,
    Suggestions, Viewer, WriterSettings,
};
use dulieu_store::{Conn, datasets, events, organizations, registers};
use tokio::sync::{Mutex, Notify, watch};
use uuid::Uuid;

use crate::App;

/// Events read from the log per batch while catching up.
const EVENT_BATCH: i64 = 1000;
/// Datasets read from the store per page while rebuilding.
const REBUILD_PAGE: i64 = 500;
/// Longest query text searched, in characters; the rest is ignored (never an error).
pub const MAX_QUERY_CHARS: usize = 1000;

/// The search state of the application.
#[derive(Default)]
pub(crate) struct SearchState {
    /// The index, once [`App::start_search`] opened it.
    index: OnceLock<Arc<SearchIndex>>,
    /// Wakes [`App::follow_search`] after a change of this process.
    wake: Notify,
    /// Only one catch-up or rebuild at a time.
    sync: Mutex<()>,
    /// A rebuild started and did not commit: the writer may hold a partial rebuild, so the next
    /// catch-up must rebuild again rather than commit it.
    rebuild_unfinished: AtomicBool,
}

impl SearchState {
    /// Wakes the projection (called after every committed change).
    pub(crate) fn wake(&self) {
        self.wake.notify_one();
    }
}

/// What visibility a caller has in the index.
pub(crate) fn viewer_of(actor: &Actor) -> Viewer {
    Viewer {
        sees_all: actor.is_sysadmin,
        organizations: actor.roles.keys().copied().collect(),
    }
}

/// An organization as an autocomplete suggestion.
fn suggestion_of(org: &Organization) -> OrganizationSuggestion {
    OrganizationSuggestion {
        slug: org.slug.clone(),
        name: org.name.clone(),
        kind: org.kind.as_str().to_string(),
        provenance: org.provenance.as_str().to_string(),
    }
}

/// Runs blocking index work off the async runtime.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Internal(format!("search task failed: {e}")))?
}

/// The labels of the registers and the publishers met so far, for building [`SearchDoc`]s.
struct DocBuilder {
    registers: Registers,
    publishers: HashMap<Uuid, Organization>,
}

impl DocBuilder {
    /// Loads the registers, and the organizations when `publishers` is true (otherwise they are
    /// read as datasets need them).
    async fn load(conn: &mut Conn, publishers: bool) -> Result<Self> {
        let registers = Registers {
            themes: registers::themes(conn)
                .await?
                .into_iter()
                .map(|t| (t.code, t.label))
                .collect(),
            licenses: registers::licenses(conn)
                .await?
                .into_iter()
                .map(|l| (l.id, l.title))
                .collect(),
        };
        let publishers = if publishers {
            organizations::all(conn)
                .await?
                .into_iter()
                .map(|o| (o.id, o))
                .collect()
        } else {
            HashMap::new()
        };
        Ok(Self {
            registers,
            publishers,
        })
    }

    /// The search documents of `datasets`, with the watchdog's stars and band.
    async fn docs(&mut self, conn: &mut Conn, datasets: &[Dataset]) -> Result<Vec<SearchDoc>> {
        let ids: Vec<Uuid> = datasets.iter().map(|d| d.id).collect();
        let quality = dulieu_store::quality::summaries(conn, &ids).await?;
        let mut docs = Vec::with_capacity(datasets.len());
        for dataset in datasets {
            let mut doc = self.doc(conn, dataset).await?;
            if let Some(summary) = quality.get(&dataset.id) {
                doc.stars = u8::try_from(summary.stars).ok();
                doc.quality_band = Some(summary.mqa_band.clone());
            }
            docs.push(doc);
        }
        Ok(docs)
    }

    /// The search document of `dataset` (without the watchdog's results).
    async fn doc(&mut self, conn: &mut Conn, dataset: &Dataset) -> Result<SearchDoc> {
        if !self.publishers.contains_key(&dataset.publisher_id) {
            let publisher = organizations::get(conn, dataset.publisher_id)
                .await?
                .ok_or_else(|| {
                    Error::Internal(format!("dataset {} has no publisher", dataset.id))
                })?;
            self.publishers.insert(publisher.id, publisher);
        }
        let publisher = &self.publishers[&dataset.publisher_id];
        Ok(SearchDoc::new(dataset, publisher, &self.registers))
    }
}

/// Every organization, as suggestions.
async fn organization_suggestions(conn: &mut Conn) -> Result<Vec<OrganizationSuggestion>> {
    Ok(organizations::all(conn)
        .await?
        .iter()
        .map(suggestion_of)
        .collect())
}

/// What a batch of events changes in the index.
#[derive(Default)]
struct Changes {
    /// Datasets to add or replace.
    upserts: Vec<SearchDoc>,
    /// Datasets that no longer exist.
    deletes: Vec<Uuid>,
    /// The new organization suggestions, when an organization changed.
    organizations: Option<Vec<OrganizationSuggestion>>,
}

impl Changes {
    /// Reads the current state of everything `events` touched: a dataset, a distribution's
    /// dataset, every dataset of an organization (and then the organization suggestions).
    async fn of(conn: &mut Conn, events: &[Event]) -> Result<Self> {
        let mut touched: BTreeSet<Uuid> = BTreeSet::new();
        let mut organizations_changed = false;
        for event in events {
            match event.entity_type.as_str() {
                "dataset" => {
                    touched.insert(event.entity_id);
                }
                "distribution" => touched.extend(event.parent_id),
                crate::quality::QUALITY_ENTITY => {
                    touched.extend(crate::quality::event_datasets(event))
                }
                "organization" => {
                    touched.extend(datasets::ids_of_publisher(conn, event.entity_id).await?);
                    organizations_changed = true;
                }
                _ => {}
            }
        }
        let mut changes = Changes::default();
        if organizations_changed {
            changes.organizations = Some(organization_suggestions(conn).await?);
        }
        if touched.is_empty() {
            return Ok(changes);
        }
        let mut builder = DocBuilder::load(conn, false).await?;
        let mut found = Vec::with_capacity(touched.len());
        for id in touched {
            match datasets::get(conn, &id.to_string()).await? {
                Some(dataset) => found.push(dataset),
                None => changes.deletes.push(id),
            }
        }
        changes.upserts = builder.docs(conn, &found).await?;
        Ok(changes)
    }

    /// Applies the changes and commits them as reflecting the log up to `seq` (blocking).
    fn apply(self, index: &SearchIndex, seq: i64) -> Result<()> {
        for doc in &self.upserts {
            index.upsert(doc)?;
        }
        for id in self.deletes {
            index.delete(id)?;
        }
        if let Some(organizations) = self.organizations {
            index.set_organizations(organizations);
        }
        index.commit(seq)
    }
}

impl App {
    /// Opens the search index in `search.index_dir` (creating it when missing) and loads the
    /// organizations offered as suggestions. Does not catch up with the log: call
    /// [`App::sync_search`] or run [`App::follow_search`]. Fails when another process has the
    /// index open. Calling it again does nothing.
    pub async fn start_search(&self) -> Result<()> {
        if self.inner.search.index.get().is_some() {
            return Ok(());
        }
        let config = &self.config().search;
        let dir = self.config().effective_search_dir();
        let settings = WriterSettings {
            threads: config.writer_threads.max(1),
            memory_bytes: config.writer_memory_mb.saturating_mul(1 << 20),
        };
        let opened = {
            let dir = dir.clone();
            blocking(move || SearchIndex::open(&dir, settings)).await?
        };
        let mut conn = self.store().conn().await?;
        opened.set_organizations(organization_suggestions(&mut conn).await?);
        tracing::info!(
            dir = %dir.display(),
            indexed_seq = ?opened.indexed_seq(),
            datasets = opened.num_docs(),
            "search index opened"
        );
        // Started once per process (a concurrent second start fails on the writer lock above).
        let _ = self.inner.search.index.set(Arc::new(opened));
        Ok(())
    }

    /// The search index, once started.
    pub fn search_index(&self) -> Result<Arc<SearchIndex>> {
        self.inner
            .search
            .index
            .get()
            .cloned()
            .ok_or_else(|| Error::Internal("search is not running".into()))
    }

    /// Brings the index up to date with the event log: a full rebuild for an index never built,
    /// otherwise the datasets touched by the events after its position. Returns the position the
    /// index now reflects.
    pub async fn sync_search(&self) -> Result<i64> {
        let index = self.search_index()?;
        let _one_at_a_time = self.inner.search.sync.lock().await;
        let start = match index.indexed_seq() {
            Some(seq) if !self.inner.search.rebuild_unfinished.load(Ordering::SeqCst) => seq,
            _ => {
                tracing::info!("rebuilding the search index");
                return self
                    .rebuild_locked(&index, &|_, _| {})
                    .await
                    .map(|(seq, _)| seq);
            }
        };
        let mut conn = self.store().conn().await?;
        let mut seq = start;
        loop {
            let batch = events::since(&mut conn, seq, EVENT_BATCH).await?;
            let Some(last) = batch.last().map(|e| e.seq) else {
                break;
            };
            let changes = Changes::of(&mut conn, &batch).await?;
            let index = index.clone();
            blocking(move || changes.apply(&index, last)).await?;
            seq = last;
            if (batch.len() as i64) < EVENT_BATCH {
                break;
            }
        }
        Ok(seq)
    }

    /// Rebuilds the index from the store, calling `progress(done, total)` after each page of
    /// datasets. Searches see the previous contents until the new ones are committed; a crash
    /// midway leaves the previous index. Returns the number of datasets indexed.
    pub async fn rebuild_search(&self, progress: impl Fn(u64, u64) + Send + Sync) -> Result<u64> {
        let index = self.search_index()?;
        let _one_at_a_time = self.inner.search.sync.lock().await;
        self.rebuild_locked(&index, &progress).await.map(|(_, n)| n)
    }

    /// The rebuild itself (the caller holds the sync lock). Returns the position and the count.
    async fn rebuild_locked(
        &self,
        index: &Arc<SearchIndex>,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<(i64, u64)> {
        let state = &self.inner.search;
        let mut conn = self.store().conn().await?;
        // The position first: whatever changes after it is in the store already or is applied
        // again by the next catch-up.
        let seq = events::last_seq(&mut conn).await?;
        let total = u64::try_from(datasets::count(&mut conn).await?).unwrap_or(0);
        let mut builder = DocBuilder::load(&mut conn, true).await?;
        let suggestions = builder.publishers.values().map(suggestion_of).collect();
        state.rebuild_unfinished.store(true, Ordering::SeqCst);
        {
            let index = index.clone();
            blocking(move || index.clear()).await?;
        }
        progress(0, total);
        let mut done = 0u64;
        let mut after = None;
        loop {
            let page = datasets::scan(&mut conn, after, REBUILD_PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            let docs = builder.docs(&mut conn, &page).await?;
            done += docs.len() as u64;
            let index = index.clone();
            blocking(move || docs.iter().try_for_each(|doc| index.add(doc))).await?;
            progress(done, total.max(done));
        }
        {
            let index = index.clone();
            blocking(move || {
                index.set_organizations(suggestions);
                index.commit(seq)?;
                index.wait_for_merges()
            })
            .await?;
        }
        state.rebuild_unfinished.store(false, Ordering::SeqCst);
        tracing::info!(datasets = done, indexed_seq = seq, "search index rebuilt");
        Ok((seq, done))
    }

    /// Keeps the index current until `shutdown` turns true: catches up at once, then after each
    /// change of this process and every `interval` (for changes of other processes). Errors are
    /// logged and retried on the next round.
    pub async fn follow_search(&self, interval: Duration, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                return;
            }
            tokio::select! {
                outcome = self.sync_search() => {
                    if let Err(e) = outcome {
                        tracing::warn!(error = %e, "cannot bring the search index up to date");
                    }
                }
                changed = shutdown.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    continue;
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = self.inner.search.wake.notified() => {}
                changed = shutdown.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
            }
        }
    }

    /// Searches the datasets `actor` may see. The query text is cut to [`MAX_QUERY_CHARS`]; the
    /// request's viewer is replaced by the actor's visibility.
    pub async fn search(&self, actor: &Actor, mut request: SearchRequest) -> Result<SearchResults> {
        let index = self.search_index()?;
        request.q = cut(&request.q);
        request.viewer = viewer_of(actor);
        blocking(move || index.search(&request)).await
    }

    /// Datasets, organizations and keywords that begin like `q`, among what `actor` may see.
    pub async fn suggest(&self, actor: &Actor, q: &str, limit: usize) -> Result<Suggestions> {
        let index = self.search_index()?;
        let q = cut(q);
        let viewer = viewer_of(actor);
        blocking(move || index.suggest(&q, &viewer, limit)).await
    }
}

/// The first [`MAX_QUERY_CHARS`] characters of `q`.
fn cut(q: &str) -> String {
    match q.char_indices().nth(MAX_QUERY_CHARS) {
        Some((end, _)) => q[..end].to_string(),
        None => q.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dulieu_core::vocab::Role;

    #[test]
    fn long_queries_are_cut_on_a_character_boundary() {
        let long = "hà nội ".repeat(1000);
        let cut_text = cut(&long);
        assert_eq!(cut_text.chars().count(), MAX_QUERY_CHARS);
        assert!(long.starts_with(&cut_text));
        assert_eq!(cut("dân số"), "dân số");
    }

    #[test]
    fn the_viewer_follows_the_actor() {
        let org = Uuid::new_v4();
        let member = Actor {
            user_id: Some(Uuid::new_v4()),
            is_sysadmin: false,
            is_odtf: false,
            roles: HashMap::from([(org, Role::Member)]),
        };
        let viewer = viewer_of(&member);
        assert!(!viewer.sees_all);
        assert_eq!(viewer.organizations, vec![org]);
        assert!(viewer_of(&Actor::system()).sees_all);
        let anonymous = viewer_of(&Actor::anonymous());
        assert!(!anonymous.sees_all && anonymous.organizations.is_empty());
    }
}
