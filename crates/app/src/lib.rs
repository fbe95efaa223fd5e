//! Use cases of dulieu: every operation the web layer and the CLI offer, with its permission rule,
//! validation, transaction and event. Knows nothing of HTTP.

mod accounts;
pub mod attachments;
pub mod cache;
mod catalog;
pub mod catalog_export;
pub mod ckan;
pub mod deadlines;
pub mod feedback;
mod files;
pub mod followers;
pub mod harvest;
mod ingest;
pub mod inventory;
pub mod login_limit;
pub mod mail;
pub mod notification_center;
mod notify;
pub mod paging;
pub mod pull;
pub mod quality;
pub mod readiness;
pub mod requests;
pub mod review;
pub mod search;
mod sessions;
pub mod table_params;
pub mod tables;
pub mod ticket_rules;
pub mod ticket_views;
mod usage;
pub mod worker;

use std::sync::Arc;

use dulieu_blobs::{BlobStore, S3Settings};
use dulieu_config::Config;
use dulieu_core::account::Actor;
use dulieu_core::event::NewEvent;
use dulieu_core::{Error, Result};
use dulieu_store::{Store, StoreOptions, Tx};

pub use accounts::{MemberRequest, NewToken, TokenRequest};
pub use dulieu_blobs::BlobRead;
pub use files::{PushOutcome, UploadMeta};
pub use ingest::INGEST_TABLES;
pub use paging::{Page, PageRequest};
pub use sessions::{
    NewSession, SESSION_LIFETIME, SignedIn, csrf_matches, csrf_token, new_presession,
};
pub use table_params::TableParams;
pub use tables::TableRef;
pub use usage::{Counting, DatasetUsage, MOST_USED_DAYS};

/// The application: the store, the blob store, the settings and the projections of the event log
/// (read cache, search index), shared by every request.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    cache: cache::DatasetCache,
    search: search::SearchState,
    store: Store,
    blobs: BlobStore,
    config: Config,
    public_url: String,
    logins: login_limit::LoginLimiter,
    frameworks: dulieu_readiness::Frameworks,
    tickets: ticket_rules::TicketRules,
    mailer: mail::Mailer,
    tables: tables::TableState,
    fetcher: dulieu_fetch::Fetcher,
    watchdog: quality::Watchdog,
}

impl App {
    /// Opens the database (migrating it) and the blob store described by `config`.
    pub async fn open(config: &Config) -> Result<Self> {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            Error::Internal(format!(
                "cannot create data directory {}: {e}",
                config.data_dir.display()
            ))
        })?;
        let options = StoreOptions {
            max_connections: config.database.max_connections,
            sqlite_synchronous: config.database.sqlite_synchronous.clone(),
            sqlite_direct_reads: config.database.sqlite_direct_reads,
        };
        // The frameworks first: a broken framework file stops the start before anything opens.
        let frameworks =
            dulieu_readiness::Frameworks::load(Some(&config.effective_frameworks_dir()))?;
        let tickets = ticket_rules::TicketRules::from_config(&config.tickets)?;
        let watchdog = quality::Watchdog::from_config(config)?;
        let mailer = mail::Mailer::new(&config.mail, config.effective_outbox_dir())?;
        let tables = tables::TableState::new(config)?;
        let fetcher = dulieu_fetch::Fetcher::new(dulieu_fetch::FetchConfig::from(config))
            .map_err(|e| Error::Internal(format!("outbound fetch settings: {e}")))?;
        let store = Store::connect(&config.effective_database_url(), &options).await?;
        store.migrate().await?;
        let blobs = match config.blobs.backend.as_str() {
            "s3" => BlobStore::s3(
                &S3Settings {
                    endpoint: Some(config.blobs.s3_endpoint.clone()).filter(|e| !e.is_empty()),
                    bucket: config.blobs.s3_bucket.clone(),
                    region: config.blobs.s3_region.clone(),
                    access_key_id: config.blobs.s3_access_key_id.clone(),
                    secret_access_key: config.blobs.s3_secret_access_key.clone(),
                    allow_http: config.blobs.s3_allow_http,
                },
                config.max_upload_bytes,
            )?,
            _ => BlobStore::local(&config.effective_blobs_dir(), config.max_upload_bytes)?,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                cache: cache::DatasetCache::new(config.cache.dataset_bytes),
                search: search::SearchState::default(),
                store,
                blobs,
                config: config.clone(),
                public_url: config.effective_public_url(),
                logins: login_limit::LoginLimiter::default(),
                frameworks,
                tickets,
                mailer,
                tables,
                fetcher,
                watchdog,
            }),
        })
    }

    /// The catalog database.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The blob store.
    pub fn blobs(&self) -> &BlobStore {
        &self.inner.blobs
    }

    /// The settings in effect.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The one client for outbound fetches (guarded against requests to internal networks).
    pub fn fetcher(&self) -> &dulieu_fetch::Fetcher {
        &self.inner.fetcher
    }

    /// The legal clock and deadlines in force.
    pub fn ticket_rules(&self) -> &ticket_rules::TicketRules {
        &self.inner.tickets
    }

    /// True when the database answers (readiness).
    pub async fn is_ready(&self) -> bool {
        self.inner.store.ping().await
    }
}

/// What a recorded change is about: the entity and its enclosing entity.
pub(crate) struct Subject {
    entity_type: &'static str,
    entity_id: uuid::Uuid,
    parent_id: Option<uuid::Uuid>,
}

impl Subject {
    pub(crate) fn new(
        entity_type: &'static str,
        entity_id: uuid::Uuid,
        parent_id: Option<uuid::Uuid>,
    ) -> Self {
        Self {
            entity_type,
            entity_id,
            parent_id,
        }
    }
}

impl App {
    /// Appends the event of the change made in `tx`, commits both together, then drops what the
    /// change made stale from the read cache and wakes the search projection.
    pub(crate) async fn commit_change(
        &self,
        mut tx: Tx,
        actor: &Actor,
        subject: Subject,
        action: &'static str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<()> {
        dulieu_store::events::append(
            &mut tx,
            &NewEvent {
                actor_id: actor.user_id,
                entity_type: subject.entity_type,
                entity_id: subject.entity_id,
                parent_id: subject.parent_id,
                action,
                before,
                after,
            },
        )
        .await?;
        tx.commit().await.map_err(Error::internal)?;
        self.inner
            .cache
            .apply(subject.entity_type, subject.entity_id, subject.parent_id);
        self.inner.search.wake();
        Ok(())
    }

    /// Like [`Self::commit_change`] for a batch of changes made in one transaction (a harvested
    /// page): one event each, one commit.
    pub(crate) async fn commit_changes(
        &self,
        mut tx: Tx,
        actor: &Actor,
        changes: Vec<(Subject, &'static str)>,
    ) -> Result<()> {
        for (subject, action) in &changes {
            dulieu_store::events::append(
                &mut tx,
                &NewEvent {
                    actor_id: actor.user_id,
                    entity_type: subject.entity_type,
                    entity_id: subject.entity_id,
                    parent_id: subject.parent_id,
                    action,
                    before: None,
                    after: None,
                },
            )
            .await?;
        }
        tx.commit().await.map_err(Error::internal)?;
        for (subject, _) in &changes {
            self.inner
                .cache
                .apply(subject.entity_type, subject.entity_id, subject.parent_id);
        }
        if !changes.is_empty() {
            self.inner.search.wake();
        }
        Ok(())
    }

    /// Keeps the read cache in step with changes committed by other processes, by tailing the
    /// event log every `interval`, until `shutdown` turns true.
    pub async fn follow_events(
        &self,
        interval: std::time::Duration,
        mut shutdown: tokio::sync::watch::Receiver<bool>,
    ) {
        let mut cursor = match self.store().conn().await {
            Ok(mut conn) => dulieu_store::events::last_seq(&mut conn).await.unwrap_or(0),
            Err(_) => 0,
        };
        loop {
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                return;
            }
            let batch = match self.store().conn().await {
                Ok(mut conn) => dulieu_store::events::since(&mut conn, cursor, 1000).await,
                Err(e) => Err(e),
            };
            match batch {
                Ok(events) => {
                    for event in &events {
                        self.inner.cache.apply(
                            &event.entity_type,
                            event.entity_id,
                            event.parent_id,
                        );
                        cursor = cursor.max(event.seq);
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot read the event log"),
            }
        }
    }

    /// The read cache of public datasets.
    pub fn cache(&self) -> &cache::DatasetCache {
        &self.inner.cache
    }
}

/// Serialises a value for the event log.
pub(crate) fn snapshot<T: serde::Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

/// Refuses anonymous callers.
pub(crate) fn require_signed_in(actor: &Actor) -> Result<()> {
    if actor.is_authenticated() {
        Ok(())
    } else {
        Err(Error::Unauthenticated)
    }
}

/// `Forbidden` for signed-in callers, `Unauthenticated` for anonymous ones.
pub(crate) fn deny(actor: &Actor, action: &'static str) -> Error {
    if actor.is_authenticated() {
        Error::Forbidden { action }
    } else {
        Error::Unauthenticated
    }
}
