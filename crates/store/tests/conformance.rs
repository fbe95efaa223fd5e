//! Storage conformance suite: every repository operation of `dulieu-store`, written once and run on
//! both backends.
//!
//! Each check is an `async fn check_xxx(store: &Store)` over a freshly migrated, empty database;
//! [`conformance!`] turns each into two tests, `sqlite::check_xxx` (a SQLite file in a temporary
//! directory) and `postgres::check_xxx` (a new database `dulieu_t_<hex>` created on the server named
//! by `DULIEU_TEST_POSTGRES_URL`, dropped afterwards). Without that variable the PostgreSQL tests
//! print a note and pass, except under `CI=true`, where they fail: CI can never skip them silently.

use std::collections::{HashMap, HashSet};
use std::future::Future;

use chrono::{DateTime, Duration, DurationRound, NaiveDate, Utc};
use dulieu_core::Error;
use dulieu_core::account::{ApiToken, Membership, Session, User};
use dulieu_core::catalog::{
    ContactPoint, Dataset, DatasetInput, Distribution, DistributionInput, DistributionVersion,
    License, Organization, OrganizationInput, Temporal, Theme,
};
use dulieu_core::event::{Event, NewEvent};
use dulieu_core::job::{Job, backoff_seconds};
use dulieu_core::text::LangText;
use dulieu_core::vocab::{AccessRights, DatasetStatus, OrgKind, Provenance, Role};
use dulieu_store::datasets::{DatasetFilter, Viewer};
use dulieu_store::distributions::NewFile;
use dulieu_store::{
    Backend, Conn, Store, StoreOptions, accounts, datasets, distributions, events, jobs, migrate,
    organizations, registers, sessions, usage,
};
use serde_json::json;
use sqlx::pool::PoolConnection;
use sqlx::{Any, Executor};
use uuid::Uuid;

// ------------------------------------------------------------------------------------ harness --

/// Generates `sqlite::<check>` and `postgres::<check>` tests for each listed check.
macro_rules! conformance {
    ($($check:ident),+ $(,)?) => {
        mod sqlite {
            use dulieu_store::Backend;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $check() {
                    super::run_on(Backend::Sqlite, |store| async move { super::$check(&store).await })
                        .await;
                }
            )+
        }

        mod postgres {
            use dulieu_store::Backend;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $check() {
                    super::run_on(Backend::Postgres, |store| async move { super::$check(&store).await })
                        .await;
                }
            )+
        }
    };
}

conformance!(
    check_store_basics,
    check_migrate_is_idempotent_and_lists_agree,
    check_migrate_fresh_database_concurrent_first_runs,
    check_registers_licenses,
    check_registers_themes,
    check_registers_extend_and_lookup,
    check_organizations_crud,
    check_organizations_list_paging,
    check_organizations_slug_conflict,
    check_organizations_hierarchy_dependents_delete,
    check_organizations_all,
    check_datasets_round_trip,
    check_datasets_visibility,
    check_datasets_filters_order_paging,
    check_datasets_update_and_touch,
    check_datasets_delete_cascades_and_count,
    check_datasets_conflicts_and_foreign_keys,
    check_datasets_scan_walks_every_dataset,
    check_datasets_ids_of_publisher,
    check_distributions_kinds_and_license,
    check_distributions_order_and_grouping,
    check_distributions_update,
    check_distributions_versions,
    check_distributions_delete_and_blob_refs,
    check_distributions_add_version_concurrent_transactions,
    check_accounts_users,
    check_accounts_memberships,
    check_accounts_tokens,
    check_sessions,
    check_accounts_upsert_membership_concurrent_transactions,
    check_events_append_since_last_seq,
    check_events_history,
    check_events_latest,
    check_events_atomic_with_change,
    check_events_tail_never_skips_a_committed_event,
    check_jobs_claim_due_only,
    check_jobs_lease_expiry,
    check_jobs_fail_backoff,
    check_jobs_complete_counts_get,
    check_jobs_concurrent_claims,
    check_usage_counts_per_day_and_totals,
    check_usage_most_downloaded_public_recent,
    check_readiness_assessment_round_trip,
    check_readiness_judgements_and_evidence,
    check_readiness_assessment_list_and_slug_conflict,
    check_readiness_plan_round_trip_items_and_notes,
    check_readiness_portal_facts,
    check_readiness_odtf_flag,
    check_readiness_items_added_and_removed,
    check_readiness_assessments_with_live_evidence,
    check_requests_round_trip_and_transitions,
    check_requests_visibility_filters_and_deadlines,
    check_requests_confirmation_thread_votes_followers,
    check_requests_tied_to_a_user,
    check_feedback_round_trip_dedup_and_hiding,
    check_attachments_of_messages_and_feedback,
    check_feedback_deadline_notices_once_per_deadline,
    check_notifications_center_and_settings,
    check_tables_ingest_life,
    check_tables_schema_edits,
    check_quality_reports_history_and_league,
    check_quality_link_checks_and_due_links,
    check_quality_sniffs_and_state,
    check_inventory_items_visibility_filters_and_demand,
);

// The readiness checks live in their own file.
#[path = "conformance/readiness.rs"]
mod readiness;
use readiness::*;

// The ticket checks (requests, feedback, notifications) live in their own file.
#[path = "conformance/tickets.rs"]
mod tickets;
use tickets::*;

// The checks of table ingests live in their own file.
#[path = "conformance/tables.rs"]
mod tables;
use tables::*;

// The checks of the watchdog's results live in their own file.
#[path = "conformance/quality.rs"]
mod quality;
use quality::*;

// The checks of the inventory live in their own file.
#[path = "conformance/inventory.rs"]
mod inventory;
use inventory::*;

const POSTGRES_URL_VAR: &str = "DULIEU_TEST_POSTGRES_URL";

/// Connects to `url`, checks the backend and applies every migration (all of them are new).
async fn open_migrated(url: &str, backend: Backend) -> Store {
    let store = Store::connect(url, &StoreOptions::default())
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
    assert_eq!(store.backend(), backend);
    let applied = store.migrate().await.expect("first migrate");
    let all: Vec<i64> = migrate::migrations(backend)
        .iter()
        .map(|m| m.version)
        .collect();
    assert_eq!(applied, all, "a fresh database gets every migration");
    store
}

/// Runs `check` on its own task so that a failing check still lets the caller clean up; returns
/// the check's panic, if any.
async fn run_isolated<F, Fut>(store: &Store, check: F) -> Option<Box<dyn std::any::Any + Send>>
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let outcome = tokio::spawn(check(store.clone())).await;
    store.close().await;
    match outcome {
        Ok(()) => None,
        Err(e) if e.is_panic() => Some(e.into_panic()),
        Err(e) => panic!("check task did not finish: {e}"),
    }
}

/// Runs `check` on a freshly migrated, empty database of `backend`, then removes the database.
async fn run_on<F, Fut>(backend: Backend, check: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(db) = FreshDb::create(backend).await else {
        return;
    };
    let store = open_migrated(&db.url, backend).await;
    let panic = run_isolated(&store, check).await;
    db.remove().await;
    if let Some(panic) = panic {
        std::panic::resume_unwind(panic);
    }
}

/// A new, empty, not yet migrated database.
struct FreshDb {
    url: String,
    place: Place,
}

enum Place {
    /// A SQLite file in this directory.
    Sqlite(tempfile::TempDir),
    /// A PostgreSQL database `name`, dropped through `admin`.
    Postgres { admin: Store, name: String },
}

impl FreshDb {
    /// `None` when PostgreSQL is not configured and the check may be skipped.
    async fn create(backend: Backend) -> Option<FreshDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("conformance.db").display()
                );
                Some(FreshDb {
                    url,
                    place: Place::Sqlite(dir),
                })
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url()?;
                let options = StoreOptions {
                    max_connections: 1,
                    ..StoreOptions::default()
                };
                let admin = Store::connect(&admin_url, &options)
                    .await
                    .unwrap_or_else(|e| {
                        panic!("cannot connect to {POSTGRES_URL_VAR}={admin_url}: {e}")
                    });
                assert_eq!(
                    admin.backend(),
                    Backend::Postgres,
                    "{POSTGRES_URL_VAR} must be a postgres:// URL"
                );
                let name = format!("dulieu_t_{}", Uuid::new_v4().simple());
                admin_execute(&admin, format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
                Some(FreshDb {
                    url: with_database(&admin_url, &name),
                    place: Place::Postgres { admin, name },
                })
            }
        }
    }

    /// Removes the database (best effort: a leftover in a throw-away cluster harms nobody).
    async fn remove(self) {
        match self.place {
            Place::Sqlite(dir) => drop(dir),
            Place::Postgres { admin, name } => {
                let drop_sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                if let Err(e) = admin_execute(&admin, drop_sql).await {
                    eprintln!("note: could not drop database {name}: {e}");
                }
                admin.close().await;
            }
        }
    }
}

/// The server URL from the environment; `None` means skip (never under `CI=true`).
fn postgres_admin_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().to_string()),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "{POSTGRES_URL_VAR} is not set but CI=true: the PostgreSQL half of the storage \
             conformance suite must run in CI. Run the tests through scripts/test, which starts a \
             throw-away PostgreSQL cluster and sets {POSTGRES_URL_VAR}."
        ),
        _ => {
            eprintln!(
                "note: {POSTGRES_URL_VAR} is not set; skipping the PostgreSQL run of this check \
                 (scripts/test starts a cluster and sets it)"
            );
            None
        }
    }
}

/// `url` with its database name replaced by `database` (query string kept).
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

async fn admin_execute(admin: &Store, sql: String) -> dulieu_core::Result<()> {
    let mut conn = admin.conn().await?;
    conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql)))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(())
}

#[test]
fn with_database_replaces_only_the_path() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:55432/postgres", "x"),
        "postgres://postgres@127.0.0.1:55432/x"
    );
    assert_eq!(
        with_database("postgresql://u:p@h:1/db?sslmode=disable", "x"),
        "postgresql://u:p@h:1/x?sslmode=disable"
    );
    assert_eq!(
        with_database("postgres://h:5432", "x"),
        "postgres://h:5432/x"
    );
}

// ------------------------------------------------------------------------------------ helpers --

/// How long the first of two overlapping transactions stays open after its write, so that the
/// second one runs into it (where writers are serialised, the second one waits instead).
const OVERLAP: std::time::Duration = std::time::Duration::from_millis(500);

async fn conn(store: &Store) -> PoolConnection<Any> {
    store.conn().await.expect("pooled connection")
}

fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("test timestamp")
        .with_timezone(&Utc)
}

/// A fixed time with microseconds (what the store keeps), so round trips compare exactly.
fn base() -> DateTime<Utc> {
    time("2025-03-04T05:06:07.123456Z")
}

fn later(seconds: i64) -> DateTime<Utc> {
    base() + Duration::seconds(seconds)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test date")
}

/// The wall clock truncated to microseconds.
fn wall_clock() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(Duration::microseconds(1))
        .expect("truncate")
}

fn org_input(slug: &str, kind: OrgKind) -> OrganizationInput {
    OrganizationInput {
        slug: slug.to_string(),
        name: LangText::new(format!("Tổ chức {slug}"), format!("Organization {slug}")),
        description: LangText::default(),
        kind,
        parent: None,
        contact_email: None,
        website: None,
    }
}

async fn add_org(c: &mut Conn, slug: &str, kind: OrgKind, parent: Option<Uuid>) -> Uuid {
    let id = Uuid::new_v4();
    organizations::insert(c, id, &org_input(slug, kind), parent, base())
        .await
        .expect("insert organization");
    id
}

fn ds_input(slug: &str, status: DatasetStatus, access: AccessRights) -> DatasetInput {
    DatasetInput {
        slug: Some(slug.to_string()),
        title: LangText {
            vi: Some(format!("Bộ dữ liệu {slug}")),
            en: None,
        },
        description: LangText::default(),
        publisher: "ignored-by-the-store".to_string(),
        contact_point: None,
        keywords: Vec::new(),
        themes: Vec::new(),
        license: "cc-by-4.0".to_string(),
        access_rights: access,
        temporal: None,
        spatial: None,
        frequency: None,
        issued: None,
        modified: None,
        version: None,
        status,
    }
}

async fn add_dataset(
    c: &mut Conn,
    input: &DatasetInput,
    publisher: Uuid,
    at: DateTime<Utc>,
) -> Uuid {
    let id = Uuid::new_v4();
    datasets::insert(c, id, input, publisher, at)
        .await
        .expect("insert dataset");
    id
}

/// A published, public dataset with default fields.
async fn add_public_dataset(c: &mut Conn, slug: &str, publisher: Uuid) -> Uuid {
    let input = ds_input(slug, DatasetStatus::Published, AccessRights::Public);
    add_dataset(c, &input, publisher, base()).await
}

fn link_input(url: &str) -> DistributionInput {
    DistributionInput {
        url: Some(url.to_string()),
        format: Some("CSV".to_string()),
        media_type: Some("text/csv".to_string()),
        ..DistributionInput::default()
    }
}

fn upload_input(license: Option<&str>) -> DistributionInput {
    DistributionInput {
        title: LangText::new("Tệp tải lên", "Uploaded file"),
        format: Some("XLSX".to_string()),
        license: license.map(str::to_string),
        ..DistributionInput::default()
    }
}

async fn add_dist(
    c: &mut Conn,
    dataset: Uuid,
    input: &DistributionInput,
    at: DateTime<Utc>,
) -> Uuid {
    let id = Uuid::new_v4();
    distributions::insert(c, id, dataset, input, at)
        .await
        .expect("insert distribution");
    id
}

fn sha(fill: char) -> String {
    std::iter::repeat_n(fill, 64).collect()
}

fn file(fill: char, byte_size: i64, filename: Option<&str>) -> NewFile {
    NewFile {
        sha256: sha(fill),
        byte_size,
        media_type: Some("text/csv".to_string()),
        filename: filename.map(str::to_string),
    }
}

async fn get_dist(c: &mut Conn, id: Uuid) -> (Distribution, Option<String>) {
    distributions::get(c, id)
        .await
        .expect("get distribution")
        .expect("distribution exists")
}

async fn get_dataset(c: &mut Conn, id: Uuid) -> Dataset {
    datasets::get(c, &id.to_string())
        .await
        .expect("get dataset")
        .expect("dataset exists")
}

fn new_user(email: &str, at: DateTime<Utc>) -> User {
    User {
        id: Uuid::new_v4(),
        email: email.to_string(),
        display_name: format!("Người dùng {email}"),
        is_sysadmin: false,
        is_odtf: false,
        created_at: at,
    }
}

async fn add_user(c: &mut Conn, email: &str) -> User {
    let user = new_user(email, base());
    accounts::insert_user(c, &user, "hash")
        .await
        .expect("insert user");
    user
}

fn new_event(
    entity_type: &'static str,
    entity_id: Uuid,
    parent_id: Option<Uuid>,
    action: &'static str,
) -> NewEvent {
    NewEvent {
        actor_id: None,
        entity_type,
        entity_id,
        parent_id,
        action,
        before: None,
        after: None,
    }
}

fn slugs(list: &[Dataset]) -> Vec<&str> {
    list.iter().map(|d| d.slug.as_str()).collect()
}

fn ids<T, F: Fn(&T) -> Uuid>(list: &[T], id: F) -> Vec<Uuid> {
    list.iter().map(id).collect()
}

fn assert_conflict<T: std::fmt::Debug>(
    result: dulieu_core::Result<T>,
    code: &str,
    field: &str,
    value: &str,
) {
    match result {
        Err(Error::Conflict {
            code: c,
            field: f,
            value: v,
        }) => assert_eq!((c, f, v.as_str()), (code, field, value)),
        other => panic!("expected conflict {code} on {field}={value}, got {other:?}"),
    }
}

async fn is(c: &mut Conn, ancestor: Uuid, id: Uuid) -> bool {
    organizations::is_ancestor_or_self(c, ancestor, id)
        .await
        .expect("is_ancestor_or_self")
}

async fn referenced(c: &mut Conn, fill: char) -> bool {
    distributions::blob_is_referenced(c, &sha(fill))
        .await
        .expect("blob_is_referenced")
}

// ------------------------------------------------------------------------------ store, migrate --

async fn check_store_basics(store: &Store) {
    assert!(store.ping().await, "a fresh store answers");
    {
        let c = conn(store).await;
        assert_eq!(Backend::of(&c), store.backend());
    }
    assert_eq!(Backend::from_url("sqlite://x.db").unwrap(), Backend::Sqlite);
    assert_eq!(
        Backend::from_url("postgres://h/db").unwrap(),
        Backend::Postgres
    );
    assert_eq!(
        Backend::from_url("postgresql://h/db").unwrap(),
        Backend::Postgres
    );
    match Store::connect("mysql://h/db", &StoreOptions::default()).await {
        Err(Error::BadRequest { code, .. }) => assert_eq!(code, "unsupported_database_url"),
        other => panic!("expected unsupported_database_url, got {other:?}"),
    }
    // A transaction sees its own writes; a committed one is visible to other connections.
    let mut tx = store.begin().await.expect("begin");
    let id = add_org(&mut tx, "trong-giao-dich", OrgKind::National, None).await;
    assert!(organizations::get(&mut tx, id).await.unwrap().is_some());
    tx.commit().await.expect("commit");
    let mut c = conn(store).await;
    assert!(organizations::get(&mut c, id).await.unwrap().is_some());
    drop(c);
    store.close().await;
    assert!(!store.ping().await, "a closed store does not answer");
}

async fn check_migrate_is_idempotent_and_lists_agree(store: &Store) {
    // The harness applied every migration already; a second run applies nothing.
    assert_eq!(store.migrate().await.unwrap(), Vec::<i64>::new());
    assert_eq!(store.migrate().await.unwrap(), Vec::<i64>::new());
    let listing = |backend| {
        migrate::migrations(backend)
            .iter()
            .map(|m| (m.version, m.name))
            .collect::<Vec<_>>()
    };
    assert_eq!(listing(Backend::Sqlite), listing(Backend::Postgres));
    let ours = listing(store.backend());
    assert!(!ours.is_empty());
    for (i, (version, _)) in ours.iter().enumerate() {
        assert_eq!(
            *version,
            i as i64 + 1,
            "versions are numbered from 1 without gaps"
        );
    }
    let mut c = conn(store).await;
    let recorded: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM dulieu_migrations ORDER BY version")
            .fetch_all(&mut *c)
            .await
            .unwrap();
    assert_eq!(recorded, ours.iter().map(|(v, _)| *v).collect::<Vec<_>>());
    // The data survives a re-run.
    add_org(&mut c, "con-nguyen", OrgKind::National, None).await;
    drop(c);
    assert_eq!(store.migrate().await.unwrap(), Vec::<i64>::new());
    let mut c = conn(store).await;
    assert_eq!(organizations::list(&mut c, 0, 10).await.unwrap().1, 1);
}

async fn check_migrate_fresh_database_concurrent_first_runs(store: &Store) {
    let backend = store.backend();
    let all: Vec<i64> = migrate::migrations(backend)
        .iter()
        .map(|m| m.version)
        .collect();

    // Several processes (server, worker, CLI) may start at once on a new database. Another run
    // is caught in the middle of creating the bookkeeping table (its first statement, the same
    // one `migrate::run` issues): this run waits for it and then applies everything.
    let db = FreshDb::create(backend).await.expect("a second database");
    let fresh = Store::connect(&db.url, &StoreOptions::default())
        .await
        .expect("connect to the fresh database");
    let mut other_run = fresh.begin().await.expect("begin");
    if backend == Backend::Postgres {
        // As `migrate::run` does: the lock comes before the table.
        other_run
            .execute(sqlx::raw_sql("SELECT pg_advisory_xact_lock(7355608)"))
            .await
            .expect("the other run takes the migration lock");
    }
    other_run
        .execute(sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS dulieu_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
        ))
        .await
        .expect("the other run creates the table");
    let ours = {
        let fresh = fresh.clone();
        tokio::spawn(async move { fresh.migrate().await })
    };
    tokio::time::sleep(OVERLAP).await;
    other_run.commit().await.expect("the other run commits");
    let ours = ours.await.expect("migrate task");
    fresh.close().await;
    db.remove().await;
    assert_eq!(
        ours.expect("a migrate run overlapping another one's first statement succeeds"),
        all
    );

    // Four first runs at once: one applies everything, the others find nothing to do.
    let db = FreshDb::create(backend).await.expect("a third database");
    let fresh = Store::connect(&db.url, &StoreOptions::default())
        .await
        .expect("connect to the fresh database");
    let mut runs = Vec::new();
    for _ in 0..4 {
        let fresh = fresh.clone();
        runs.push(tokio::spawn(async move { fresh.migrate().await }));
    }
    let mut outcomes = Vec::new();
    for run in runs {
        outcomes.push(run.await.expect("migrate task"));
    }
    let again = fresh.migrate().await;
    fresh.close().await;
    db.remove().await;
    let mut applied: Vec<Vec<i64>> = outcomes
        .into_iter()
        .map(|outcome| outcome.expect("a concurrent first migrate run succeeds"))
        .collect();
    applied.sort();
    assert_eq!(
        applied,
        vec![vec![], vec![], vec![], all],
        "exactly one run applies everything"
    );
    assert_eq!(again.expect("migrate again"), Vec::<i64>::new());
}

// ---------------------------------------------------------------------------------- registers --

async fn check_registers_licenses(store: &Store) {
    let mut c = conn(store).await;
    let licenses = registers::licenses(&mut c).await.unwrap();
    let listed: Vec<(&str, bool)> = licenses
        .iter()
        .map(|l| (l.id.as_str(), l.is_open))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("cc-by-4.0", true),
            ("cc-by-nc-4.0", false),
            ("cc-by-sa-4.0", true),
            ("cc0-1.0", true),
            ("none", false),
            ("odbl-1.0", true),
            ("odc-by-1.0", true),
            ("pddl-1.0", true),
        ],
        "the 8 seeded licenses, by id"
    );
    for license in &licenses {
        assert!(
            license.title.vi.as_deref().is_some_and(|t| !t.is_empty()),
            "{license:?}"
        );
        assert!(
            license.title.en.as_deref().is_some_and(|t| !t.is_empty()),
            "{license:?}"
        );
        if license.id == "none" {
            assert_eq!(license.url, None);
        } else {
            assert!(
                license
                    .url
                    .as_deref()
                    .is_some_and(|u| u.starts_with("https://")),
                "{license:?}"
            );
        }
    }
    let by = licenses.iter().find(|l| l.id == "cc-by-4.0").unwrap();
    assert_eq!(
        by.title.vi.as_deref(),
        Some("Creative Commons Ghi công 4.0")
    );
    assert_eq!(
        by.url.as_deref(),
        Some("https://creativecommons.org/licenses/by/4.0/")
    );
}

async fn check_registers_extend_and_lookup(store: &Store) {
    let mut c = conn(store).await;
    assert!(
        registers::license_exists(&mut c, "cc-by-4.0")
            .await
            .unwrap()
    );
    assert!(
        !registers::license_exists(&mut c, "ogl-vn-1.0")
            .await
            .unwrap()
    );
    assert!(registers::theme_exists(&mut c, "ECON").await.unwrap());
    assert!(!registers::theme_exists(&mut c, "ODA").await.unwrap());
    let license = License {
        id: "ogl-vn-1.0".into(),
        title: LangText::new("Giấy phép dữ liệu mở Việt Nam", "Vietnam Open Data Licence"),
        url: Some("https://data.gov.vn/licence/1.0".into()),
        is_open: true,
    };
    registers::insert_license(&mut c, &license).await.unwrap();
    assert!(
        registers::license_exists(&mut c, "ogl-vn-1.0")
            .await
            .unwrap()
    );
    let listed = registers::licenses(&mut c).await.unwrap();
    assert_eq!(listed.iter().find(|l| l.id == "ogl-vn-1.0"), Some(&license));
    assert!(matches!(
        registers::insert_license(&mut c, &license).await,
        Err(Error::Conflict { .. })
    ));
    let theme = Theme {
        code: "ODA".into(),
        label: LangText::new("Vốn ODA", "Official development assistance"),
        is_eu: false,
    };
    registers::insert_theme(&mut c, &theme).await.unwrap();
    assert!(registers::theme_exists(&mut c, "ODA").await.unwrap());
    let themes = registers::themes(&mut c).await.unwrap();
    assert_eq!(themes.iter().find(|t| t.code == "ODA"), Some(&theme));
    assert!(matches!(
        registers::insert_theme(&mut c, &theme).await,
        Err(Error::Conflict { .. })
    ));
}

async fn check_registers_themes(store: &Store) {
    let mut c = conn(store).await;
    let themes = registers::themes(&mut c).await.unwrap();
    let codes: Vec<&str> = themes.iter().map(|t| t.code.as_str()).collect();
    assert_eq!(
        codes,
        vec![
            "AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI",
            "TECH", "TRAN"
        ],
        "the 13 EU data themes, by code"
    );
    for theme in &themes {
        assert!(theme.is_eu, "{theme:?}");
        assert!(
            theme.label.vi.as_deref().is_some_and(|t| !t.is_empty()),
            "{theme:?}"
        );
        assert!(
            theme.label.en.as_deref().is_some_and(|t| !t.is_empty()),
            "{theme:?}"
        );
    }
    let econ = &themes[1];
    assert_eq!(
        econ.label,
        LangText::new("Kinh tế và tài chính", "Economy and finance")
    );
}

// ------------------------------------------------------------------------------ organizations --

async fn check_organizations_crud(store: &Store) {
    let mut c = conn(store).await;
    let t1 = base();
    let mof_id = Uuid::new_v4();
    let mof_input = OrganizationInput {
        slug: "bo-tai-chinh".to_string(),
        name: LangText::new("Bộ Tài chính", "Ministry of Finance"),
        description: LangText {
            vi: Some("Quản lý tài chính công.\nDòng thứ hai.".to_string()),
            en: None,
        },
        kind: OrgKind::National,
        parent: None,
        contact_email: Some("opendata@mof.gov.vn".to_string()),
        website: Some("https://mof.gov.vn".to_string()),
    };
    organizations::insert(&mut c, mof_id, &mof_input, None, t1)
        .await
        .unwrap();
    let mof = Organization {
        id: mof_id,
        slug: "bo-tai-chinh".to_string(),
        name: LangText::new("Bộ Tài chính", "Ministry of Finance"),
        description: LangText {
            vi: Some("Quản lý tài chính công.\nDòng thứ hai.".to_string()),
            en: None,
        },
        kind: OrgKind::National,
        provenance: Provenance::Official,
        parent: None,
        contact_email: Some("opendata@mof.gov.vn".to_string()),
        website: Some("https://mof.gov.vn".to_string()),
        created_at: t1,
        updated_at: t1,
    };
    assert_eq!(
        organizations::get(&mut c, mof_id).await.unwrap(),
        Some(mof.clone())
    );
    assert_eq!(
        organizations::get_by_slug(&mut c, "bo-tai-chinh")
            .await
            .unwrap(),
        Some(mof.clone())
    );
    assert_eq!(
        organizations::get(&mut c, Uuid::new_v4()).await.unwrap(),
        None
    );
    assert_eq!(
        organizations::get_by_slug(&mut c, "khong-co")
            .await
            .unwrap(),
        None
    );
    assert_eq!(mof.to_input(), mof_input);

    // A child reports its parent's slug; provenance follows the kind.
    let gso_id = Uuid::new_v4();
    let gso_input = OrganizationInput {
        parent: Some("bo-tai-chinh".to_string()),
        ..org_input("tong-cuc-thong-ke", OrgKind::OtherPublic)
    };
    let t2 = later(10);
    organizations::insert(&mut c, gso_id, &gso_input, Some(mof_id), t2)
        .await
        .unwrap();
    let gso = organizations::get(&mut c, gso_id).await.unwrap().unwrap();
    assert_eq!(gso.parent.as_deref(), Some("bo-tai-chinh"));
    assert_eq!(gso.provenance, Provenance::Official);
    assert_eq!(gso.to_input(), gso_input);
    assert_eq!((gso.created_at, gso.updated_at), (t2, t2));

    let cso_id = add_org(&mut c, "hoi-nha-bao", OrgKind::CivilSociety, None).await;
    let cso = organizations::get(&mut c, cso_id).await.unwrap().unwrap();
    assert_eq!(
        (cso.kind, cso.provenance),
        (OrgKind::CivilSociety, Provenance::Community)
    );

    // Update replaces every writable field, keeps created_at.
    let t3 = later(20);
    let changed = OrganizationInput {
        slug: "vien-thong-ke".to_string(),
        name: LangText {
            vi: None,
            en: Some("Statistics Institute".to_string()),
        },
        description: LangText::new("Mô tả mới", "New description"),
        kind: OrgKind::Academic,
        parent: None,
        contact_email: None,
        website: None,
    };
    organizations::update(&mut c, gso_id, &changed, None, t3)
        .await
        .unwrap();
    let expected = Organization {
        id: gso_id,
        slug: "vien-thong-ke".to_string(),
        name: changed.name.clone(),
        description: changed.description.clone(),
        kind: OrgKind::Academic,
        provenance: Provenance::Community,
        parent: None,
        contact_email: None,
        website: None,
        created_at: t2,
        updated_at: t3,
    };
    assert_eq!(
        organizations::get(&mut c, gso_id).await.unwrap(),
        Some(expected.clone())
    );
    assert_eq!(
        organizations::get_by_slug(&mut c, "vien-thong-ke")
            .await
            .unwrap(),
        Some(expected)
    );
    assert_eq!(
        organizations::get_by_slug(&mut c, "tong-cuc-thong-ke")
            .await
            .unwrap(),
        None
    );
    // Re-parent under the ministry through update.
    organizations::update(&mut c, gso_id, &gso_input, Some(mof_id), t3)
        .await
        .unwrap();
    let back = organizations::get(&mut c, gso_id).await.unwrap().unwrap();
    assert_eq!(back.parent.as_deref(), Some("bo-tai-chinh"));
    assert_eq!(back.slug, "tong-cuc-thong-ke");

    // Delete removes exactly that organization.
    organizations::delete(&mut c, cso_id).await.unwrap();
    assert_eq!(organizations::get(&mut c, cso_id).await.unwrap(), None);
    assert_eq!(
        organizations::get_by_slug(&mut c, "hoi-nha-bao")
            .await
            .unwrap(),
        None
    );
    assert_eq!(organizations::get(&mut c, mof_id).await.unwrap(), Some(mof));
    assert_eq!(organizations::list(&mut c, 0, 10).await.unwrap().1, 2);
}

async fn check_organizations_list_paging(store: &Store) {
    let mut c = conn(store).await;
    let (empty, total) = organizations::list(&mut c, 0, 10).await.unwrap();
    assert!(empty.is_empty());
    assert_eq!(total, 0);
    for slug in ["e-org", "a-org", "c-org", "b-org", "d-org"] {
        add_org(&mut c, slug, OrgKind::Provincial, None).await;
    }
    let page = |list: Vec<Organization>| list.into_iter().map(|o| o.slug).collect::<Vec<_>>();
    let (first, total) = organizations::list(&mut c, 0, 2).await.unwrap();
    assert_eq!(
        (page(first), total),
        (vec!["a-org".to_string(), "b-org".to_string()], 5)
    );
    let (second, total) = organizations::list(&mut c, 2, 2).await.unwrap();
    assert_eq!(
        (page(second), total),
        (vec!["c-org".to_string(), "d-org".to_string()], 5)
    );
    let (third, total) = organizations::list(&mut c, 4, 2).await.unwrap();
    assert_eq!((page(third), total), (vec!["e-org".to_string()], 5));
    let (beyond, total) = organizations::list(&mut c, 5, 2).await.unwrap();
    assert_eq!((beyond.len(), total), (0, 5));
    // Listed records are the same as fetched ones.
    let (all, _) = organizations::list(&mut c, 0, 100).await.unwrap();
    assert_eq!(all.len(), 5);
    for org in all {
        assert_eq!(organizations::get(&mut c, org.id).await.unwrap(), Some(org));
    }
}

async fn check_organizations_slug_conflict(store: &Store) {
    let mut c = conn(store).await;
    let mof = add_org(&mut c, "mof", OrgKind::National, None).await;
    let other = Uuid::new_v4();
    let result = organizations::insert(
        &mut c,
        other,
        &org_input("mof", OrgKind::Provincial),
        None,
        base(),
    )
    .await;
    assert_conflict(result, "slug_taken", "slug", "mof");
    assert_eq!(organizations::get(&mut c, other).await.unwrap(), None);
    assert_eq!(
        organizations::get_by_slug(&mut c, "mof")
            .await
            .unwrap()
            .map(|o| o.id),
        Some(mof)
    );

    let gso = add_org(&mut c, "gso", OrgKind::OtherPublic, None).await;
    let result = organizations::update(
        &mut c,
        gso,
        &org_input("mof", OrgKind::OtherPublic),
        None,
        later(5),
    )
    .await;
    assert_conflict(result, "slug_taken", "slug", "mof");
    let unchanged = organizations::get(&mut c, gso).await.unwrap().unwrap();
    assert_eq!(
        (unchanged.slug.as_str(), unchanged.updated_at),
        ("gso", base())
    );
    // Updating an organization to its own slug is no conflict.
    organizations::update(
        &mut c,
        gso,
        &org_input("gso", OrgKind::Academic),
        None,
        later(6),
    )
    .await
    .unwrap();
    assert_eq!(organizations::list(&mut c, 0, 10).await.unwrap().1, 2);
}

async fn check_organizations_hierarchy_dependents_delete(store: &Store) {
    let mut c = conn(store).await;
    let root = add_org(&mut c, "tinh-lao-cai", OrgKind::Provincial, None).await;
    let child = add_org(&mut c, "so-tai-chinh", OrgKind::Provincial, Some(root)).await;
    let grandchild = add_org(&mut c, "phong-ke-hoach", OrgKind::Provincial, Some(child)).await;
    let other = add_org(&mut c, "bo-y-te", OrgKind::National, None).await;

    assert!(is(&mut c, root, grandchild).await);
    assert!(is(&mut c, child, grandchild).await);
    assert!(is(&mut c, root, child).await);
    assert!(is(&mut c, grandchild, grandchild).await);
    assert!(is(&mut c, root, root).await);
    assert!(!is(&mut c, grandchild, root).await);
    assert!(!is(&mut c, child, root).await);
    assert!(!is(&mut c, other, grandchild).await);
    assert!(!is(&mut c, root, other).await);
    assert!(!is(&mut c, Uuid::new_v4(), grandchild).await);

    assert_eq!(organizations::dependents(&mut c, root).await.unwrap(), 1);
    assert_eq!(organizations::dependents(&mut c, child).await.unwrap(), 1);
    assert_eq!(
        organizations::dependents(&mut c, grandchild).await.unwrap(),
        0
    );
    add_public_dataset(&mut c, "root-a", root).await;
    add_public_dataset(&mut c, "root-b", root).await;
    add_public_dataset(&mut c, "other-a", other).await;
    assert_eq!(organizations::dependents(&mut c, root).await.unwrap(), 3);
    assert_eq!(organizations::dependents(&mut c, other).await.unwrap(), 1);

    // Something still refers to `child`: deleting it fails and leaves it in place.
    assert!(organizations::delete(&mut c, child).await.is_err());
    assert!(organizations::get(&mut c, child).await.unwrap().is_some());

    // Deleting an organization takes its memberships with it.
    let user = add_user(&mut c, "lan@example.vn").await;
    accounts::upsert_membership(&mut c, grandchild, user.id, Role::Admin, base())
        .await
        .unwrap();
    accounts::upsert_membership(&mut c, other, user.id, Role::Member, base())
        .await
        .unwrap();
    organizations::delete(&mut c, grandchild).await.unwrap();
    assert_eq!(organizations::get(&mut c, grandchild).await.unwrap(), None);
    assert_eq!(organizations::dependents(&mut c, child).await.unwrap(), 0);
    assert!(
        accounts::members(&mut c, grandchild)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        accounts::roles_of(&mut c, user.id).await.unwrap(),
        HashMap::from([(other, Role::Member)])
    );
    organizations::delete(&mut c, child).await.unwrap();
    assert_eq!(organizations::dependents(&mut c, root).await.unwrap(), 2);
    assert_eq!(organizations::list(&mut c, 0, 10).await.unwrap().1, 2);
}

async fn check_organizations_all(store: &Store) {
    let mut c = conn(store).await;
    assert!(organizations::all(&mut c).await.unwrap().is_empty());
    let root = add_org(&mut c, "tinh-lao-cai", OrgKind::Provincial, None).await;
    add_org(&mut c, "so-tai-chinh", OrgKind::Provincial, Some(root)).await;
    add_org(&mut c, "bo-y-te", OrgKind::National, None).await;
    add_org(&mut c, "hoi-nha-bao", OrgKind::CivilSociety, None).await;
    let all = organizations::all(&mut c).await.unwrap();
    assert_eq!(
        all.iter().map(|o| o.slug.as_str()).collect::<Vec<_>>(),
        vec!["bo-y-te", "hoi-nha-bao", "so-tai-chinh", "tinh-lao-cai"],
        "every organization, by slug"
    );
    let (listed, total) = organizations::list(&mut c, 0, 100).await.unwrap();
    assert_eq!((all.clone(), all.len() as i64), (listed, total));
    for org in &all {
        assert_eq!(
            organizations::get(&mut c, org.id).await.unwrap().as_ref(),
            Some(org)
        );
    }
    assert_eq!(all[2].parent.as_deref(), Some("tinh-lao-cai"));
}

// ----------------------------------------------------------------------------------- datasets --

async fn check_datasets_round_trip(store: &Store) {
    let mut c = conn(store).await;
    let gso = add_org(&mut c, "tong-cuc-thong-ke", OrgKind::National, None).await;
    let company = add_org(&mut c, "cong-ty-du-lieu", OrgKind::Business, None).await;

    let id = Uuid::new_v4();
    let t1 = base();
    let input = DatasetInput {
        slug: Some("dan-so-ha-noi-2024".to_string()),
        title: LangText::new("Dân số Hà Nội 2024", "Population of Hanoi 2024"),
        description: LangText::new(
            "Số liệu dân số theo quận, huyện.\nNguồn: Cục Thống kê — “chính thức”.",
            "Population by district.\nSource: statistics office.",
        ),
        publisher: "tong-cuc-thong-ke".to_string(),
        contact_point: Some(ContactPoint {
            name: Some("Phòng Dân số".to_string()),
            email: Some("danso@gso.gov.vn".to_string()),
        }),
        keywords: vec![
            "dân số".to_string(),
            "Hà Nội".to_string(),
            "population".to_string(),
            "quận \"Ba Đình\", [cũ]".to_string(),
        ],
        themes: vec!["SOCI".to_string(), "REGI".to_string()],
        license: "cc-by-4.0".to_string(),
        access_rights: AccessRights::Restricted,
        temporal: Some(Temporal {
            start: Some(day(2019, 4, 1)),
            end: Some(day(2024, 12, 31)),
        }),
        spatial: Some("Hà Nội".to_string()),
        frequency: Some("annual".to_string()),
        issued: Some(day(2020, 1, 15)),
        modified: Some(day(2024, 6, 30)),
        version: Some("2024.1".to_string()),
        status: DatasetStatus::Published,
    };
    datasets::insert(&mut c, id, &input, gso, t1).await.unwrap();
    let expected = Dataset {
        id,
        slug: "dan-so-ha-noi-2024".to_string(),
        title: input.title.clone(),
        description: input.description.clone(),
        publisher: "tong-cuc-thong-ke".to_string(),
        publisher_id: gso,
        provenance: Provenance::Official,
        contact_point: input.contact_point.clone(),
        keywords: input.keywords.clone(),
        themes: vec!["SOCI".to_string(), "REGI".to_string()],
        license: "cc-by-4.0".to_string(),
        license_open: true,
        access_rights: AccessRights::Restricted,
        temporal: input.temporal.clone(),
        spatial: Some("Hà Nội".to_string()),
        frequency: Some("annual".to_string()),
        issued: Some(day(2020, 1, 15)),
        modified: Some(day(2024, 6, 30)),
        version: Some("2024.1".to_string()),
        status: DatasetStatus::Published,
        created_at: t1,
        updated_at: t1,
        distributions: Vec::new(),
    };
    assert_eq!(
        datasets::get(&mut c, &id.to_string()).await.unwrap(),
        Some(expected.clone())
    );
    assert_eq!(
        datasets::get(&mut c, "dan-so-ha-noi-2024").await.unwrap(),
        Some(expected.clone())
    );
    assert_eq!(
        expected.to_input(),
        input,
        "to_input of the stored dataset gives the input back"
    );

    // The smallest dataset: every optional field absent, community publisher, a closed license.
    let minimal_id = Uuid::new_v4();
    let minimal_input = DatasetInput {
        license: "none".to_string(),
        ..ds_input("toi-thieu", DatasetStatus::Draft, AccessRights::Public)
    };
    let t2 = later(1);
    datasets::insert(&mut c, minimal_id, &minimal_input, company, t2)
        .await
        .unwrap();
    let minimal = datasets::get(&mut c, "toi-thieu").await.unwrap().unwrap();
    assert_eq!(
        minimal,
        Dataset {
            id: minimal_id,
            slug: "toi-thieu".to_string(),
            title: LangText {
                vi: Some("Bộ dữ liệu toi-thieu".to_string()),
                en: None,
            },
            description: LangText::default(),
            publisher: "cong-ty-du-lieu".to_string(),
            publisher_id: company,
            provenance: Provenance::Community,
            contact_point: None,
            keywords: Vec::new(),
            themes: Vec::new(),
            license: "none".to_string(),
            license_open: false,
            access_rights: AccessRights::Public,
            temporal: None,
            spatial: None,
            frequency: None,
            issued: None,
            modified: None,
            version: None,
            status: DatasetStatus::Draft,
            created_at: t2,
            updated_at: t2,
            distributions: Vec::new(),
        }
    );

    // Half-filled contact point and temporal coverage keep their shape.
    let half_input = DatasetInput {
        contact_point: Some(ContactPoint {
            name: None,
            email: Some("lienhe@example.vn".to_string()),
        }),
        temporal: Some(Temporal {
            start: Some(day(2000, 2, 29)),
            end: None,
        }),
        ..ds_input("mot-nua", DatasetStatus::Archived, AccessRights::NonPublic)
    };
    let half_id = add_dataset(&mut c, &half_input, gso, later(2)).await;
    let half = get_dataset(&mut c, half_id).await;
    assert_eq!(half.contact_point, half_input.contact_point);
    assert_eq!(half.temporal, half_input.temporal);
    assert_eq!(
        (half.status, half.access_rights),
        (DatasetStatus::Archived, AccessRights::NonPublic)
    );
    let end_only = DatasetInput {
        contact_point: Some(ContactPoint {
            name: Some("Chỉ tên".to_string()),
            email: None,
        }),
        temporal: Some(Temporal {
            start: None,
            end: Some(day(1999, 12, 31)),
        }),
        ..ds_input(
            "chi-ket-thuc",
            DatasetStatus::Published,
            AccessRights::Public,
        )
    };
    let end_id = add_dataset(&mut c, &end_only, gso, later(3)).await;
    let end = get_dataset(&mut c, end_id).await;
    assert_eq!(end.contact_point, end_only.contact_point);
    assert_eq!(end.temporal, end_only.temporal);

    assert_eq!(datasets::get(&mut c, "khong-ton-tai").await.unwrap(), None);
    assert_eq!(
        datasets::get(&mut c, &Uuid::new_v4().to_string())
            .await
            .unwrap(),
        None
    );
}

/// Seven datasets over two publishers, one per visibility case, created one second apart.
struct VisibilityFixture {
    a: Uuid,
    b: Uuid,
    member_a: Uuid,
    editor_b: Uuid,
    outsider: Uuid,
}

async fn visibility_fixture(c: &mut Conn) -> VisibilityFixture {
    let a = add_org(c, "so-tai-chinh", OrgKind::Provincial, None).await;
    let b = add_org(c, "hoi-nha-bao", OrgKind::CivilSociety, None).await;
    let cases = [
        (
            "a-published-public",
            a,
            DatasetStatus::Published,
            AccessRights::Public,
        ),
        (
            "a-draft-public",
            a,
            DatasetStatus::Draft,
            AccessRights::Public,
        ),
        (
            "a-published-restricted",
            a,
            DatasetStatus::Published,
            AccessRights::Restricted,
        ),
        (
            "a-archived-public",
            a,
            DatasetStatus::Archived,
            AccessRights::Public,
        ),
        (
            "a-published-nonpublic",
            a,
            DatasetStatus::Published,
            AccessRights::NonPublic,
        ),
        (
            "b-published-public",
            b,
            DatasetStatus::Published,
            AccessRights::Public,
        ),
        (
            "b-draft-restricted",
            b,
            DatasetStatus::Draft,
            AccessRights::Restricted,
        ),
    ];
    for (i, (slug, org, status, access)) in cases.into_iter().enumerate() {
        add_dataset(c, &ds_input(slug, status, access), org, later(i as i64 + 1)).await;
    }
    let member_a = add_user(c, "member-a@example.vn").await.id;
    let editor_b = add_user(c, "editor-b@example.vn").await.id;
    let outsider = add_user(c, "outsider@example.vn").await.id;
    accounts::upsert_membership(c, a, member_a, Role::Member, base())
        .await
        .unwrap();
    accounts::upsert_membership(c, b, editor_b, Role::Editor, base())
        .await
        .unwrap();
    VisibilityFixture {
        a,
        b,
        member_a,
        editor_b,
        outsider,
    }
}

fn user_viewer(user: Uuid) -> Viewer {
    Viewer {
        sees_all: false,
        user_id: Some(user),
    }
}

fn sysadmin_viewer() -> Viewer {
    Viewer {
        sees_all: true,
        user_id: None,
    }
}

async fn check_datasets_visibility(store: &Store) {
    let mut c = conn(store).await;
    let f = visibility_fixture(&mut c).await;
    let all = DatasetFilter::default();

    let cases: Vec<(&str, Viewer, Vec<&str>)> = vec![
        (
            "anonymous: only non-draft and public",
            Viewer::default(),
            vec![
                "b-published-public",
                "a-archived-public",
                "a-published-public",
            ],
        ),
        (
            "a user without memberships is like anonymous",
            user_viewer(f.outsider),
            vec![
                "b-published-public",
                "a-archived-public",
                "a-published-public",
            ],
        ),
        (
            "a member of A also sees A's drafts and non-public datasets",
            user_viewer(f.member_a),
            vec![
                "b-published-public",
                "a-published-nonpublic",
                "a-archived-public",
                "a-published-restricted",
                "a-draft-public",
                "a-published-public",
            ],
        ),
        (
            "an editor of B also sees B's drafts",
            user_viewer(f.editor_b),
            vec![
                "b-draft-restricted",
                "b-published-public",
                "a-archived-public",
                "a-published-public",
            ],
        ),
        (
            "sees_all sees everything",
            sysadmin_viewer(),
            vec![
                "b-draft-restricted",
                "b-published-public",
                "a-published-nonpublic",
                "a-archived-public",
                "a-published-restricted",
                "a-draft-public",
                "a-published-public",
            ],
        ),
        (
            "sees_all with a user id still sees everything",
            Viewer {
                sees_all: true,
                user_id: Some(f.outsider),
            },
            vec![
                "b-draft-restricted",
                "b-published-public",
                "a-published-nonpublic",
                "a-archived-public",
                "a-published-restricted",
                "a-draft-public",
                "a-published-public",
            ],
        ),
    ];
    for (what, viewer, expected) in cases {
        let (list, total) = datasets::list(&mut c, &viewer, &all, 0, 100).await.unwrap();
        assert_eq!(slugs(&list), expected, "{what}");
        assert_eq!(total, expected.len() as i64, "{what}: total");
        for dataset in list {
            let fetched = get_dataset(&mut c, dataset.id).await;
            assert_eq!(dataset, fetched, "{what}: listed == fetched");
        }
    }

    // Losing the membership hides A's private datasets again.
    assert!(
        accounts::delete_membership(&mut c, f.a, f.member_a)
            .await
            .unwrap()
    );
    let (list, total) = datasets::list(&mut c, &user_viewer(f.member_a), &all, 0, 100)
        .await
        .unwrap();
    assert_eq!(
        slugs(&list),
        vec![
            "b-published-public",
            "a-archived-public",
            "a-published-public"
        ]
    );
    assert_eq!(total, 3);
}

async fn check_datasets_filters_order_paging(store: &Store) {
    let mut c = conn(store).await;
    let f = visibility_fixture(&mut c).await;
    let by = |publisher: Option<Uuid>, status: Option<DatasetStatus>| DatasetFilter {
        publisher_id: publisher,
        status,
    };
    let cases: Vec<(&str, Viewer, DatasetFilter, Vec<&str>)> = vec![
        (
            "anonymous, publisher A",
            Viewer::default(),
            by(Some(f.a), None),
            vec!["a-archived-public", "a-published-public"],
        ),
        (
            "member of A, publisher A",
            user_viewer(f.member_a),
            by(Some(f.a), None),
            vec![
                "a-published-nonpublic",
                "a-archived-public",
                "a-published-restricted",
                "a-draft-public",
                "a-published-public",
            ],
        ),
        (
            "member of A, publisher B",
            user_viewer(f.member_a),
            by(Some(f.b), None),
            vec!["b-published-public"],
        ),
        (
            "sees_all, drafts",
            sysadmin_viewer(),
            by(None, Some(DatasetStatus::Draft)),
            vec!["b-draft-restricted", "a-draft-public"],
        ),
        (
            "anonymous, drafts",
            Viewer::default(),
            by(None, Some(DatasetStatus::Draft)),
            vec![],
        ),
        (
            "member of A, drafts",
            user_viewer(f.member_a),
            by(None, Some(DatasetStatus::Draft)),
            vec!["a-draft-public"],
        ),
        (
            "anonymous, archived",
            Viewer::default(),
            by(None, Some(DatasetStatus::Archived)),
            vec!["a-archived-public"],
        ),
        (
            "sees_all, publisher B, published",
            sysadmin_viewer(),
            by(Some(f.b), Some(DatasetStatus::Published)),
            vec!["b-published-public"],
        ),
        (
            "sees_all, publisher A, published",
            sysadmin_viewer(),
            by(Some(f.a), Some(DatasetStatus::Published)),
            vec![
                "a-published-nonpublic",
                "a-published-restricted",
                "a-published-public",
            ],
        ),
        (
            "sees_all, unknown publisher",
            sysadmin_viewer(),
            by(Some(Uuid::new_v4()), None),
            vec![],
        ),
    ];
    for (what, viewer, filter, expected) in cases {
        let (list, total) = datasets::list(&mut c, &viewer, &filter, 0, 100)
            .await
            .unwrap();
        assert_eq!(slugs(&list), expected, "{what}");
        assert_eq!(total, expected.len() as i64, "{what}: total");
    }

    // Paging: pages are consecutive slices of the full, newest-first order; the total is the full count.
    let viewer = sysadmin_viewer();
    let none = DatasetFilter::default();
    let (full, total) = datasets::list(&mut c, &viewer, &none, 0, 100)
        .await
        .unwrap();
    assert_eq!(total, 7);
    let mut paged = Vec::new();
    for offset in [0, 3, 6] {
        let (page, total) = datasets::list(&mut c, &viewer, &none, offset, 3)
            .await
            .unwrap();
        assert_eq!(total, 7, "total at offset {offset}");
        assert_eq!(page.len(), if offset == 6 { 1 } else { 3 });
        paged.extend(page);
    }
    assert_eq!(paged, full);
    let (beyond, total) = datasets::list(&mut c, &viewer, &none, 7, 3).await.unwrap();
    assert_eq!((beyond.len(), total), (0, 7));
    let (page, total) = datasets::list(&mut c, &Viewer::default(), &none, 1, 1)
        .await
        .unwrap();
    assert_eq!((slugs(&page), total), (vec!["a-archived-public"], 3));
    for pair in full.windows(2) {
        assert!(pair[0].created_at > pair[1].created_at, "newest first");
    }

    // Equal creation times are ordered by id, descending, so paging is stable.
    let tie_org = add_org(&mut c, "cung-luc", OrgKind::National, None).await;
    let low = Uuid::parse_str("00000000-0000-4000-8000-000000000001").unwrap();
    let high = Uuid::parse_str("ffffffff-0000-4000-8000-000000000002").unwrap();
    let at = later(100);
    for (id, slug) in [(low, "tie-low"), (high, "tie-high")] {
        let input = ds_input(slug, DatasetStatus::Published, AccessRights::Public);
        datasets::insert(&mut c, id, &input, tie_org, at)
            .await
            .unwrap();
    }
    let filter = by(Some(tie_org), None);
    let (list, _) = datasets::list(&mut c, &viewer, &filter, 0, 10)
        .await
        .unwrap();
    assert_eq!(ids(&list, |d| d.id), vec![high, low]);
    let (first, _) = datasets::list(&mut c, &viewer, &filter, 0, 1)
        .await
        .unwrap();
    let (second, _) = datasets::list(&mut c, &viewer, &filter, 1, 1)
        .await
        .unwrap();
    assert_eq!((first[0].id, second[0].id), (high, low));
    // The newest datasets now lead the unfiltered list.
    let (top, total) = datasets::list(&mut c, &viewer, &none, 0, 3).await.unwrap();
    assert_eq!(
        slugs(&top),
        vec!["tie-high", "tie-low", "b-draft-restricted"]
    );
    assert_eq!(total, 9);
}

async fn check_datasets_update_and_touch(store: &Store) {
    let mut c = conn(store).await;
    let a = add_org(&mut c, "bo-giao-duc", OrgKind::National, None).await;
    let b = add_org(&mut c, "dai-hoc-quoc-gia", OrgKind::Academic, None).await;
    let t1 = base();
    let first = DatasetInput {
        contact_point: Some(ContactPoint {
            name: Some("Phòng CNTT".to_string()),
            email: Some("cntt@moet.gov.vn".to_string()),
        }),
        keywords: vec!["giáo dục".to_string()],
        themes: vec!["EDUC".to_string()],
        temporal: Some(Temporal {
            start: Some(day(2010, 1, 1)),
            end: Some(day(2020, 1, 1)),
        }),
        frequency: Some("monthly".to_string()),
        issued: Some(day(2011, 1, 1)),
        modified: Some(day(2021, 1, 1)),
        version: Some("1".to_string()),
        spatial: Some("Việt Nam".to_string()),
        ..ds_input("truong-hoc", DatasetStatus::Draft, AccessRights::Public)
    };
    let id = add_dataset(&mut c, &first, a, t1).await;
    let t2 = later(60);
    let second = DatasetInput {
        slug: Some("co-so-giao-duc".to_string()),
        title: LangText::new("Cơ sở giáo dục", "Schools"),
        description: LangText {
            vi: None,
            en: Some("All schools".to_string()),
        },
        publisher: "dai-hoc-quoc-gia".to_string(),
        contact_point: None,
        keywords: vec!["trường".to_string(), "school".to_string()],
        themes: vec![],
        license: "cc-by-nc-4.0".to_string(),
        access_rights: AccessRights::NonPublic,
        temporal: None,
        spatial: None,
        frequency: None,
        issued: None,
        modified: Some(day(2025, 2, 28)),
        version: None,
        status: DatasetStatus::Archived,
    };
    datasets::update(&mut c, id, &second, b, t2).await.unwrap();
    let expected = Dataset {
        id,
        slug: "co-so-giao-duc".to_string(),
        title: second.title.clone(),
        description: second.description.clone(),
        publisher: "dai-hoc-quoc-gia".to_string(),
        publisher_id: b,
        provenance: Provenance::Community,
        contact_point: None,
        keywords: second.keywords.clone(),
        themes: vec![],
        license: "cc-by-nc-4.0".to_string(),
        license_open: false,
        access_rights: AccessRights::NonPublic,
        temporal: None,
        spatial: None,
        frequency: None,
        issued: None,
        modified: Some(day(2025, 2, 28)),
        version: None,
        status: DatasetStatus::Archived,
        created_at: t1,
        updated_at: t2,
        distributions: Vec::new(),
    };
    assert_eq!(get_dataset(&mut c, id).await, expected);
    assert_eq!(
        datasets::get(&mut c, "co-so-giao-duc").await.unwrap(),
        Some(expected.clone())
    );
    assert_eq!(datasets::get(&mut c, "truong-hoc").await.unwrap(), None);
    assert_eq!(organizations::dependents(&mut c, a).await.unwrap(), 0);
    assert_eq!(organizations::dependents(&mut c, b).await.unwrap(), 1);

    // touch: updated_at is the given instant, modified its UTC date; nothing else changes.
    let t3 = time("2025-08-09T23:59:58.654321Z");
    datasets::touch(&mut c, id, t3).await.unwrap();
    let touched = Dataset {
        updated_at: t3,
        modified: Some(day(2025, 8, 9)),
        ..expected
    };
    assert_eq!(get_dataset(&mut c, id).await, touched);

    // Updating other datasets or touching an unknown id leaves this one alone.
    datasets::touch(&mut c, Uuid::new_v4(), later(999))
        .await
        .unwrap();
    let other = add_public_dataset(&mut c, "khac", a).await;
    datasets::update(
        &mut c,
        other,
        &ds_input("khac-2", DatasetStatus::Published, AccessRights::Public),
        a,
        later(70),
    )
    .await
    .unwrap();
    assert_eq!(get_dataset(&mut c, id).await, touched);
    assert_eq!(get_dataset(&mut c, other).await.slug, "khac-2");
}

async fn check_datasets_scan_walks_every_dataset(store: &Store) {
    let mut c = conn(store).await;
    assert!(datasets::scan(&mut c, None, 10).await.unwrap().is_empty());
    let gso = add_org(&mut c, "tong-cuc-thong-ke", OrgKind::National, None).await;
    let cso = add_org(&mut c, "hoi-du-lieu", OrgKind::CivilSociety, None).await;
    // Every status and access right, two publishers, with and without distributions.
    let kinds = [
        (
            "cong-khai",
            DatasetStatus::Published,
            AccessRights::Public,
            gso,
        ),
        ("ban-nhap", DatasetStatus::Draft, AccessRights::Public, gso),
        (
            "noi-bo",
            DatasetStatus::Published,
            AccessRights::NonPublic,
            gso,
        ),
        (
            "han-che",
            DatasetStatus::Published,
            AccessRights::Restricted,
            cso,
        ),
        (
            "luu-tru",
            DatasetStatus::Archived,
            AccessRights::Public,
            cso,
        ),
        (
            "nhap-noi-bo",
            DatasetStatus::Draft,
            AccessRights::NonPublic,
            cso,
        ),
        (
            "thu-bay",
            DatasetStatus::Published,
            AccessRights::Public,
            cso,
        ),
    ];
    let mut expected = Vec::new();
    for (i, (slug, status, access, publisher)) in kinds.into_iter().enumerate() {
        let id = add_dataset(
            &mut c,
            &ds_input(slug, status, access),
            publisher,
            later(i as i64),
        )
        .await;
        if i % 2 == 0 {
            add_dist(&mut c, id, &link_input("https://example.vn/a.csv"), base()).await;
            add_dist(&mut c, id, &upload_input(None), later(1)).await;
        }
        expected.push(id);
    }
    expected.sort_by_key(|id| id.to_string());

    // Keyset pages of 3: 3 + 3 + 1, then nothing.
    let mut walked: Vec<Dataset> = Vec::new();
    let mut after = None;
    let mut sizes = Vec::new();
    loop {
        let page = datasets::scan(&mut c, after, 3).await.unwrap();
        if page.is_empty() {
            break;
        }
        sizes.push(page.len());
        after = page.last().map(|d| d.id);
        walked.extend(page);
    }
    assert_eq!(sizes, vec![3, 3, 1]);
    assert_eq!(
        ids(&walked, |d| d.id),
        expected,
        "every dataset once, by id"
    );
    for dataset in &walked {
        assert_eq!(
            dataset,
            &get_dataset(&mut c, dataset.id).await,
            "a scanned dataset is the dataset, distributions included"
        );
    }
    assert_eq!(
        walked.iter().map(|d| d.distributions.len()).sum::<usize>(),
        8
    );
    let everything = datasets::scan(&mut c, None, 100).await.unwrap();
    assert_eq!(everything, walked);
    let last = *expected.last().unwrap();
    assert!(
        datasets::scan(&mut c, Some(last), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let rest = datasets::scan(&mut c, Some(expected[4]), 10).await.unwrap();
    assert_eq!(ids(&rest, |d| d.id), expected[5..].to_vec());
    // A deleted dataset is no longer walked.
    datasets::delete(&mut c, expected[0]).await.unwrap();
    let after_delete = datasets::scan(&mut c, None, 100).await.unwrap();
    assert_eq!(ids(&after_delete, |d| d.id), expected[1..].to_vec());
}

async fn check_datasets_ids_of_publisher(store: &Store) {
    let mut c = conn(store).await;
    let gso = add_org(&mut c, "tong-cuc-thong-ke", OrgKind::National, None).await;
    let mof = add_org(&mut c, "bo-tai-chinh", OrgKind::National, None).await;
    let empty = add_org(&mut c, "bo-y-te", OrgKind::National, None).await;
    let mut of_gso = vec![
        add_public_dataset(&mut c, "dan-so", gso).await,
        add_dataset(
            &mut c,
            &ds_input("nhap", DatasetStatus::Draft, AccessRights::NonPublic),
            gso,
            base(),
        )
        .await,
    ];
    let moved = add_public_dataset(&mut c, "ngan-sach", mof).await;
    of_gso.sort_by_key(|id| id.to_string());
    assert_eq!(
        datasets::ids_of_publisher(&mut c, gso).await.unwrap(),
        of_gso
    );
    assert_eq!(
        datasets::ids_of_publisher(&mut c, mof).await.unwrap(),
        vec![moved]
    );
    assert!(
        datasets::ids_of_publisher(&mut c, empty)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        datasets::ids_of_publisher(&mut c, Uuid::new_v4())
            .await
            .unwrap()
            .is_empty()
    );
    // Moving a dataset to another publisher moves its id.
    let input = ds_input("ngan-sach", DatasetStatus::Published, AccessRights::Public);
    datasets::update(&mut c, moved, &input, gso, later(5))
        .await
        .unwrap();
    of_gso.push(moved);
    of_gso.sort_by_key(|id| id.to_string());
    assert_eq!(
        datasets::ids_of_publisher(&mut c, gso).await.unwrap(),
        of_gso
    );
    assert!(
        datasets::ids_of_publisher(&mut c, mof)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn check_datasets_delete_cascades_and_count(store: &Store) {
    let mut c = conn(store).await;
    assert_eq!(datasets::count(&mut c).await.unwrap(), 0);
    let org = add_org(&mut c, "bo-cong-thuong", OrgKind::National, None).await;
    let doomed = add_dataset(
        &mut c,
        &ds_input("se-xoa", DatasetStatus::Draft, AccessRights::Public),
        org,
        base(),
    )
    .await;
    let kept = add_dataset(
        &mut c,
        &ds_input("giu-lai", DatasetStatus::Published, AccessRights::Public),
        org,
        later(1),
    )
    .await;
    add_dataset(
        &mut c,
        &ds_input("luu-tru", DatasetStatus::Archived, AccessRights::NonPublic),
        org,
        later(2),
    )
    .await;
    assert_eq!(
        datasets::count(&mut c).await.unwrap(),
        3,
        "count covers every status"
    );

    let link = add_dist(
        &mut c,
        doomed,
        &link_input("https://example.vn/a.csv"),
        base(),
    )
    .await;
    let upload = add_dist(&mut c, doomed, &upload_input(None), base()).await;
    distributions::add_version(&mut c, upload, &file('a', 1, None), None, base())
        .await
        .unwrap();
    distributions::add_version(&mut c, upload, &file('b', 2, None), None, base())
        .await
        .unwrap();
    let kept_upload = add_dist(&mut c, kept, &upload_input(None), base()).await;
    distributions::add_version(&mut c, kept_upload, &file('c', 3, None), None, base())
        .await
        .unwrap();
    assert_eq!(get_dataset(&mut c, doomed).await.distributions.len(), 2);

    datasets::delete(&mut c, doomed).await.unwrap();
    assert_eq!(
        datasets::get(&mut c, &doomed.to_string()).await.unwrap(),
        None
    );
    assert_eq!(datasets::get(&mut c, "se-xoa").await.unwrap(), None);
    assert_eq!(distributions::get(&mut c, link).await.unwrap(), None);
    assert_eq!(distributions::get(&mut c, upload).await.unwrap(), None);
    assert!(
        distributions::versions(&mut c, upload)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        distributions::list_for_dataset(&mut c, doomed)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !distributions::blob_is_referenced(&mut c, &sha('a'))
            .await
            .unwrap()
    );
    assert!(
        !distributions::blob_is_referenced(&mut c, &sha('b'))
            .await
            .unwrap()
    );
    // The other dataset keeps its distribution and file.
    assert!(
        distributions::blob_is_referenced(&mut c, &sha('c'))
            .await
            .unwrap()
    );
    assert_eq!(
        ids(&get_dataset(&mut c, kept).await.distributions, |d| d.id),
        vec![kept_upload]
    );
    assert_eq!(datasets::count(&mut c).await.unwrap(), 2);
    assert_eq!(organizations::dependents(&mut c, org).await.unwrap(), 2);
    let (_, total) = datasets::list(&mut c, &sysadmin_viewer(), &DatasetFilter::default(), 0, 10)
        .await
        .unwrap();
    assert_eq!(total, 2);
    // Deleting an unknown id is no error and changes nothing.
    datasets::delete(&mut c, Uuid::new_v4()).await.unwrap();
    assert_eq!(datasets::count(&mut c).await.unwrap(), 2);
}

async fn check_datasets_conflicts_and_foreign_keys(store: &Store) {
    let mut c = conn(store).await;
    let org = add_org(&mut c, "bo-xay-dung", OrgKind::National, None).await;
    let first = add_public_dataset(&mut c, "nha-o", org).await;
    let second = add_public_dataset(&mut c, "dat-dai", org).await;

    let clash = Uuid::new_v4();
    let result = datasets::insert(
        &mut c,
        clash,
        &ds_input("nha-o", DatasetStatus::Draft, AccessRights::Public),
        org,
        later(1),
    )
    .await;
    assert_conflict(result, "slug_taken", "slug", "nha-o");
    assert_eq!(
        datasets::get(&mut c, &clash.to_string()).await.unwrap(),
        None
    );

    let result = datasets::update(
        &mut c,
        second,
        &ds_input("nha-o", DatasetStatus::Published, AccessRights::Public),
        org,
        later(2),
    )
    .await;
    assert_conflict(result, "slug_taken", "slug", "nha-o");
    assert_eq!(get_dataset(&mut c, second).await.slug, "dat-dai");
    assert_eq!(get_dataset(&mut c, first).await.slug, "nha-o");

    // Foreign keys hold on both backends: an unknown publisher or license is refused (not a conflict).
    let orphan = Uuid::new_v4();
    let result = datasets::insert(
        &mut c,
        orphan,
        &ds_input("mo-coi", DatasetStatus::Draft, AccessRights::Public),
        Uuid::new_v4(),
        later(3),
    )
    .await;
    assert!(matches!(result, Err(Error::Internal(_))), "{result:?}");
    let bad_license = DatasetInput {
        license: "khong-co-giay-phep-nay".to_string(),
        ..ds_input("giay-phep-la", DatasetStatus::Draft, AccessRights::Public)
    };
    let result = datasets::insert(&mut c, orphan, &bad_license, org, later(4)).await;
    assert!(matches!(result, Err(Error::Internal(_))), "{result:?}");
    assert_eq!(
        datasets::get(&mut c, &orphan.to_string()).await.unwrap(),
        None
    );
    let result = distributions::insert(
        &mut c,
        Uuid::new_v4(),
        Uuid::new_v4(),
        &link_input("https://example.vn/x.csv"),
        later(5),
    )
    .await;
    assert!(matches!(result, Err(Error::Internal(_))), "{result:?}");
    assert_eq!(datasets::count(&mut c).await.unwrap(), 2);
}

// ------------------------------------------------------------------------------ distributions --

async fn check_distributions_kinds_and_license(store: &Store) {
    let mut c = conn(store).await;
    let org = add_org(&mut c, "so-giao-thong", OrgKind::Provincial, None).await;
    let dataset_input = ds_input("giao-thong", DatasetStatus::Published, AccessRights::Public);
    let dataset = add_dataset(&mut c, &dataset_input, org, base()).await;

    let t1 = later(10);
    let link_in = DistributionInput {
        title: LangText::new("Tệp CSV lưu lượng xe", "Traffic counts CSV"),
        description: LangText {
            vi: Some("Đếm xe theo giờ".to_string()),
            en: None,
        },
        format: Some("CSV".to_string()),
        media_type: Some("text/csv".to_string()),
        url: Some("https://data.example.gov.vn/luu-luong.csv?nam=2024&định=dạng".to_string()),
        license: None,
        issued: Some(day(2024, 1, 2)),
        modified: Some(day(2024, 3, 4)),
    };
    let link = add_dist(&mut c, dataset, &link_in, t1).await;
    let expected_link = Distribution {
        id: link,
        dataset_id: dataset,
        title: link_in.title.clone(),
        description: link_in.description.clone(),
        format: Some("CSV".to_string()),
        media_type: Some("text/csv".to_string()),
        url: "https://data.example.gov.vn/luu-luong.csv?nam=2024&định=dạng".to_string(),
        remote_url: Some(
            "https://data.example.gov.vn/luu-luong.csv?nam=2024&định=dạng".to_string(),
        ),
        byte_size: None,
        sha256: None,
        filename: None,
        version: 0,
        license: "cc-by-4.0".to_string(),
        issued: Some(day(2024, 1, 2)),
        modified: Some(day(2024, 3, 4)),
        created_at: t1,
        updated_at: t1,
    };
    assert_eq!(get_dist(&mut c, link).await, (expected_link.clone(), None));
    assert_eq!(expected_link.to_input(None), link_in);

    let t2 = later(20);
    let upload_in = upload_input(Some("cc0-1.0"));
    let upload = add_dist(&mut c, dataset, &upload_in, t2).await;
    let expected_upload = Distribution {
        id: upload,
        dataset_id: dataset,
        title: LangText::new("Tệp tải lên", "Uploaded file"),
        description: LangText::default(),
        format: Some("XLSX".to_string()),
        media_type: None,
        url: String::new(),
        remote_url: None,
        byte_size: None,
        sha256: None,
        filename: None,
        version: 0,
        license: "cc0-1.0".to_string(),
        issued: None,
        modified: None,
        created_at: t2,
        updated_at: t2,
    };
    assert_eq!(
        get_dist(&mut c, upload).await,
        (expected_upload.clone(), Some("cc0-1.0".to_string()))
    );
    assert_eq!(
        expected_upload.to_input(Some("cc0-1.0".to_string())),
        upload_in
    );
    assert_eq!(
        get_dataset(&mut c, dataset).await.distributions,
        vec![expected_link.clone(), expected_upload.clone()]
    );

    // The inherited license follows the dataset's; an explicit one does not.
    let relicensed = DatasetInput {
        license: "odbl-1.0".to_string(),
        ..dataset_input
    };
    datasets::update(&mut c, dataset, &relicensed, org, later(30))
        .await
        .unwrap();
    let (link_now, explicit) = get_dist(&mut c, link).await;
    assert_eq!((link_now.license.as_str(), explicit), ("odbl-1.0", None));
    assert_eq!(
        link_now,
        Distribution {
            license: "odbl-1.0".to_string(),
            ..expected_link
        }
    );
    let (upload_now, explicit) = get_dist(&mut c, upload).await;
    assert_eq!(
        (upload_now.license.as_str(), explicit.as_deref()),
        ("cc0-1.0", Some("cc0-1.0"))
    );
    assert_eq!(
        distributions::get(&mut c, Uuid::new_v4()).await.unwrap(),
        None
    );
}

async fn check_distributions_order_and_grouping(store: &Store) {
    let mut c = conn(store).await;
    let org = add_org(&mut c, "bo-noi-vu", OrgKind::National, None).await;
    let d1 = add_public_dataset(&mut c, "mot", org).await;
    let d2 = add_public_dataset(&mut c, "hai", org).await;
    let d3 = add_public_dataset(&mut c, "ba", org).await;

    // Creation order is insertion order, even when the given creation times run backwards.
    let x1 = add_dist(
        &mut c,
        d1,
        &link_input("https://example.vn/1.csv"),
        later(50),
    )
    .await;
    let y1 = add_dist(&mut c, d2, &upload_input(None), later(45)).await;
    let x2 = add_dist(&mut c, d1, &upload_input(Some("cc0-1.0")), later(40)).await;
    let x3 = add_dist(
        &mut c,
        d1,
        &link_input("https://example.vn/3.csv"),
        later(30),
    )
    .await;
    let listed = distributions::list_for_dataset(&mut c, d1).await.unwrap();
    assert_eq!(ids(&listed, |d| d.id), vec![x1, x2, x3]);
    for dist in &listed {
        assert_eq!(dist, &get_dist(&mut c, dist.id).await.0);
    }
    assert!(
        distributions::list_for_dataset(&mut c, d3)
            .await
            .unwrap()
            .is_empty()
    );

    let grouped = distributions::list_for_datasets(&mut c, &[d1, d2, d3])
        .await
        .unwrap();
    assert_eq!(
        grouped.keys().copied().collect::<HashSet<_>>(),
        HashSet::from([d1, d2]),
        "datasets without distributions have no entry"
    );
    assert_eq!(grouped[&d1], listed);
    assert_eq!(
        grouped[&d2],
        distributions::list_for_dataset(&mut c, d2).await.unwrap()
    );
    assert_eq!(ids(&grouped[&d2], |d| d.id), vec![y1]);
    let only_d2 = distributions::list_for_datasets(&mut c, &[d2])
        .await
        .unwrap();
    assert_eq!(only_d2.keys().copied().collect::<Vec<_>>(), vec![d2]);
    assert!(
        distributions::list_for_datasets(&mut c, &[])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        distributions::list_for_datasets(&mut c, &[Uuid::new_v4()])
            .await
            .unwrap()
            .is_empty()
    );

    // Dataset reads carry the same lists.
    let (list, _) = datasets::list(&mut c, &Viewer::default(), &DatasetFilter::default(), 0, 10)
        .await
        .unwrap();
    assert_eq!(list.len(), 3);
    for dataset in &list {
        assert_eq!(
            dataset.distributions,
            distributions::list_for_dataset(&mut c, dataset.id)
                .await
                .unwrap(),
            "{}",
            dataset.slug
        );
    }

    // After a delete, a new distribution goes last.
    distributions::delete(&mut c, x2).await.unwrap();
    let x4 = add_dist(
        &mut c,
        d1,
        &link_input("https://example.vn/4.csv"),
        later(1),
    )
    .await;
    let listed = distributions::list_for_dataset(&mut c, d1).await.unwrap();
    assert_eq!(ids(&listed, |d| d.id), vec![x1, x3, x4]);
}

async fn check_distributions_update(store: &Store) {
    let mut c = conn(store).await;
    let org = add_org(&mut c, "so-y-te", OrgKind::Provincial, None).await;
    let dataset = add_public_dataset(&mut c, "benh-vien", org).await;
    let t1 = later(1);
    let id = add_dist(&mut c, dataset, &upload_input(Some("cc0-1.0")), t1).await;
    distributions::add_version(
        &mut c,
        id,
        &file('d', 4096, Some("benh-vien.xlsx")),
        None,
        later(2),
    )
    .await
    .unwrap();

    let t3 = later(3);
    let changed = DistributionInput {
        title: LangText {
            vi: None,
            en: Some("Hospitals".to_string()),
        },
        description: LangText::new("Danh sách", "List"),
        format: Some("JSON".to_string()),
        media_type: Some("application/json".to_string()),
        url: Some("https://example.vn/benh-vien.json".to_string()),
        license: None,
        issued: Some(day(2023, 5, 6)),
        modified: Some(day(2023, 7, 8)),
    };
    distributions::update(&mut c, id, &changed, t3)
        .await
        .unwrap();
    let (dist, explicit) = get_dist(&mut c, id).await;
    assert_eq!(
        (dist, explicit),
        (
            Distribution {
                id,
                dataset_id: dataset,
                title: changed.title.clone(),
                description: changed.description.clone(),
                format: Some("JSON".to_string()),
                media_type: Some("application/json".to_string()),
                url: "https://example.vn/benh-vien.json".to_string(),
                remote_url: Some("https://example.vn/benh-vien.json".to_string()),
                byte_size: Some(4096),
                sha256: Some(sha('d')),
                filename: Some("benh-vien.xlsx".to_string()),
                version: 1,
                license: "cc-by-4.0".to_string(),
                issued: Some(day(2023, 5, 6)),
                modified: Some(day(2023, 7, 8)),
                created_at: t1,
                updated_at: t3,
            },
            None
        ),
        "metadata replaced, license inherited again, current file kept"
    );

    let relicensed = DistributionInput {
        license: Some("pddl-1.0".to_string()),
        url: None,
        ..changed
    };
    distributions::update(&mut c, id, &relicensed, later(4))
        .await
        .unwrap();
    let (dist, explicit) = get_dist(&mut c, id).await;
    assert_eq!(
        (
            dist.license.as_str(),
            explicit.as_deref(),
            dist.remote_url,
            dist.url.as_str()
        ),
        ("pddl-1.0", Some("pddl-1.0"), None, "")
    );
    assert_eq!((dist.version, dist.updated_at), (1, later(4)));
    assert_eq!(distributions::versions(&mut c, id).await.unwrap().len(), 1);
}

async fn check_distributions_versions(store: &Store) {
    let mut c = conn(store).await;
    let org = add_org(&mut c, "cuc-thong-ke", OrgKind::OtherPublic, None).await;
    let dataset = add_public_dataset(&mut c, "gdp", org).await;
    let uploader = add_user(&mut c, "uploader@example.vn").await.id;
    let input = DistributionInput {
        media_type: Some("text/csv".to_string()),
        ..upload_input(None)
    };
    let id = add_dist(&mut c, dataset, &input, base()).await;
    let other = add_dist(&mut c, dataset, &upload_input(None), base()).await;
    assert!(
        distributions::versions(&mut c, id)
            .await
            .unwrap()
            .is_empty()
    );

    let t1 = later(10);
    let f1 = NewFile {
        sha256: sha('1'),
        byte_size: 10,
        media_type: Some("text/csv".to_string()),
        filename: Some("gdp-2023.csv".to_string()),
    };
    assert_eq!(
        distributions::add_version(&mut c, id, &f1, Some(uploader), t1)
            .await
            .unwrap(),
        1
    );
    let (now, _) = get_dist(&mut c, id).await;
    assert_eq!(
        (
            now.version,
            now.byte_size,
            now.sha256.clone(),
            now.filename.clone()
        ),
        (
            1,
            Some(10),
            Some(sha('1')),
            Some("gdp-2023.csv".to_string())
        )
    );
    assert_eq!((now.updated_at, now.modified), (t1, Some(t1.date_naive())));
    assert_eq!((now.created_at, now.url.as_str()), (base(), ""));

    let t2 = time("2025-12-31T23:59:59.999999Z");
    let f2 = NewFile {
        sha256: sha('2'),
        byte_size: 0,
        media_type: None,
        filename: None,
    };
    assert_eq!(
        distributions::add_version(&mut c, id, &f2, None, t2)
            .await
            .unwrap(),
        2
    );
    let (now, _) = get_dist(&mut c, id).await;
    assert_eq!(
        (
            now.version,
            now.byte_size,
            now.sha256.clone(),
            now.filename.clone()
        ),
        (2, Some(0), Some(sha('2')), None)
    );
    assert_eq!(
        (now.updated_at, now.modified),
        (t2, Some(day(2025, 12, 31)))
    );

    let t3 = time("2026-01-01T00:00:00.000001Z");
    let f3 = NewFile {
        sha256: sha('3'),
        byte_size: 5_000_000_000,
        media_type: Some(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
        ),
        filename: Some("GDP – bản cuối.xlsx".to_string()),
    };
    assert_eq!(
        distributions::add_version(&mut c, id, &f3, Some(uploader), t3)
            .await
            .unwrap(),
        3
    );
    let (now, _) = get_dist(&mut c, id).await;
    assert_eq!(
        (
            now.version,
            now.byte_size,
            now.sha256.clone(),
            now.filename.clone()
        ),
        (
            3,
            Some(5_000_000_000),
            Some(sha('3')),
            Some("GDP – bản cuối.xlsx".to_string())
        )
    );
    assert_eq!(
        now.media_type.as_deref(),
        Some("text/csv"),
        "metadata media type is not the file's"
    );
    assert_eq!(now.modified, Some(day(2026, 1, 1)));

    let version = |n: i64, f: &NewFile, by: Option<Uuid>, at| DistributionVersion {
        distribution_id: id,
        version: n,
        sha256: f.sha256.clone(),
        byte_size: f.byte_size,
        media_type: f.media_type.clone(),
        filename: f.filename.clone(),
        created_at: at,
        created_by: by,
    };
    assert_eq!(
        distributions::versions(&mut c, id).await.unwrap(),
        vec![
            version(3, &f3, Some(uploader), t3),
            version(2, &f2, None, t2),
            version(1, &f1, Some(uploader), t1),
        ],
        "versions, newest first"
    );

    // Numbering is per distribution; the same blob may be stored by several.
    assert_eq!(
        distributions::add_version(&mut c, other, &f1, None, t1)
            .await
            .unwrap(),
        1
    );
    assert_eq!(get_dist(&mut c, other).await.0.version, 1);
    assert_eq!(distributions::versions(&mut c, id).await.unwrap().len(), 3);
    assert!(
        distributions::versions(&mut c, Uuid::new_v4())
            .await
            .unwrap()
            .is_empty()
    );
    // The dataset lists the current state of its distributions.
    let dataset_now = get_dataset(&mut c, dataset).await;
    assert_eq!(dataset_now.distributions[0], now);
}

async fn check_distributions_delete_and_blob_refs(store: &Store) {
    let mut c = conn(store).await;
    let org = add_org(&mut c, "bo-tu-phap", OrgKind::National, None).await;
    let dataset = add_public_dataset(&mut c, "van-ban", org).await;
    let x = add_dist(&mut c, dataset, &upload_input(None), base()).await;
    let y = add_dist(&mut c, dataset, &upload_input(None), base()).await;
    let z = add_dist(
        &mut c,
        dataset,
        &link_input("https://example.vn/z.csv"),
        base(),
    )
    .await;
    for (dist, fill) in [(x, 'a'), (x, 'b'), (y, 'b')] {
        distributions::add_version(&mut c, dist, &file(fill, 1, None), None, base())
            .await
            .unwrap();
    }
    assert!(referenced(&mut c, 'a').await);
    assert!(referenced(&mut c, 'b').await);
    assert!(!referenced(&mut c, 'f').await);

    distributions::delete(&mut c, x).await.unwrap();
    assert_eq!(distributions::get(&mut c, x).await.unwrap(), None);
    assert!(distributions::versions(&mut c, x).await.unwrap().is_empty());
    assert!(!referenced(&mut c, 'a').await, "only x stored blob a");
    assert!(referenced(&mut c, 'b').await, "y still stores blob b");
    assert_eq!(
        ids(
            &distributions::list_for_dataset(&mut c, dataset)
                .await
                .unwrap(),
            |d| d.id
        ),
        vec![y, z]
    );
    distributions::delete(&mut c, y).await.unwrap();
    assert!(!referenced(&mut c, 'b').await);
    assert_eq!(
        ids(&get_dataset(&mut c, dataset).await.distributions, |d| d.id),
        vec![z]
    );
    distributions::delete(&mut c, Uuid::new_v4()).await.unwrap();
    assert!(get_dist(&mut c, z).await.0.remote_url.is_some());
}

async fn check_distributions_add_version_concurrent_transactions(store: &Store) {
    let dist = {
        let mut c = conn(store).await;
        let org = add_org(&mut c, "so-tai-nguyen", OrgKind::Provincial, None).await;
        let dataset = add_public_dataset(&mut c, "dat-dai", org).await;
        add_dist(&mut c, dataset, &upload_input(None), base()).await
    };
    // Two uploads replace the same file at the same time, each in its own transaction (as a use
    // case records the version and its event together). Both are kept, as versions 1 and 2.
    let (written, wait_written) = tokio::sync::oneshot::channel();
    let first = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut tx = store.begin().await?;
            let version =
                distributions::add_version(&mut tx, dist, &file('a', 1, None), None, later(1))
                    .await?;
            let _ = written.send(());
            tokio::time::sleep(OVERLAP).await;
            tx.commit().await.map_err(Error::internal)?;
            Ok::<i64, Error>(version)
        })
    };
    wait_written.await.expect("first transaction wrote");
    let second = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut tx = store.begin().await?;
            let version =
                distributions::add_version(&mut tx, dist, &file('b', 2, None), None, later(2))
                    .await?;
            tx.commit().await.map_err(Error::internal)?;
            Ok::<i64, Error>(version)
        })
    };
    let first = first.await.expect("first task");
    let second = second.await.expect("second task");
    assert_eq!(first.expect("first upload recorded"), 1);
    assert_eq!(
        second.expect("a concurrent second upload is recorded, not refused"),
        2
    );
    let mut c = conn(store).await;
    let versions = distributions::versions(&mut c, dist).await.unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| (v.version, v.sha256.clone()))
            .collect::<Vec<_>>(),
        vec![(2, sha('b')), (1, sha('a'))]
    );
    let (now, _) = get_dist(&mut c, dist).await;
    assert_eq!((now.version, now.sha256), (2, Some(sha('b'))));
}

// ----------------------------------------------------------------------------------- accounts --

async fn check_accounts_users(store: &Store) {
    let mut c = conn(store).await;
    let lan = User {
        id: Uuid::new_v4(),
        email: "lan@example.vn".to_string(),
        display_name: "Nguyễn Thị Lan".to_string(),
        is_sysadmin: false,
        is_odtf: false,
        created_at: base(),
    };
    accounts::insert_user(&mut c, &lan, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")
        .await
        .unwrap();
    assert_eq!(
        accounts::user(&mut c, lan.id).await.unwrap(),
        Some(lan.clone())
    );
    assert_eq!(
        accounts::user_by_email(&mut c, "lan@example.vn")
            .await
            .unwrap(),
        Some((
            lan.clone(),
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_string()
        ))
    );
    assert_eq!(accounts::user(&mut c, Uuid::new_v4()).await.unwrap(), None);
    assert_eq!(
        accounts::user_by_email(&mut c, "khong@example.vn")
            .await
            .unwrap(),
        None
    );

    let duplicate = User {
        id: Uuid::new_v4(),
        display_name: "Người khác".to_string(),
        ..lan.clone()
    };
    let result = accounts::insert_user(&mut c, &duplicate, "other-hash").await;
    assert_conflict(result, "email_taken", "email", "lan@example.vn");
    assert_eq!(accounts::user(&mut c, duplicate.id).await.unwrap(), None);
    assert_eq!(
        accounts::user_by_email(&mut c, "lan@example.vn")
            .await
            .unwrap()
            .map(|(u, _)| u.id),
        Some(lan.id)
    );

    let admin = User {
        is_sysadmin: true,
        ..new_user("admin@example.vn", later(1))
    };
    accounts::insert_user(&mut c, &admin, "admin-hash")
        .await
        .unwrap();
    assert_eq!(
        accounts::user(&mut c, admin.id).await.unwrap(),
        Some(admin.clone())
    );

    accounts::set_sysadmin(&mut c, lan.id, true).await.unwrap();
    assert!(
        accounts::user(&mut c, lan.id)
            .await
            .unwrap()
            .unwrap()
            .is_sysadmin
    );
    accounts::set_sysadmin(&mut c, admin.id, false)
        .await
        .unwrap();
    assert!(
        !accounts::user(&mut c, admin.id)
            .await
            .unwrap()
            .unwrap()
            .is_sysadmin
    );
    accounts::set_sysadmin(&mut c, lan.id, false).await.unwrap();
    assert_eq!(
        accounts::user(&mut c, lan.id).await.unwrap(),
        Some(lan.clone())
    );

    accounts::set_password_hash(&mut c, lan.id, "new-hash")
        .await
        .unwrap();
    assert_eq!(
        accounts::user_by_email(&mut c, "lan@example.vn")
            .await
            .unwrap(),
        Some((lan, "new-hash".to_string()))
    );
    assert_eq!(
        accounts::user_by_email(&mut c, "admin@example.vn")
            .await
            .unwrap()
            .map(|(_, h)| h),
        Some("admin-hash".to_string()),
        "other users keep their hash"
    );
}

async fn check_accounts_memberships(store: &Store) {
    let mut c = conn(store).await;
    let a = add_org(&mut c, "so-noi-vu", OrgKind::Provincial, None).await;
    let b = add_org(&mut c, "so-tu-phap", OrgKind::Provincial, None).await;
    let u1 = add_user(&mut c, "b-user@example.vn").await.id;
    let u2 = add_user(&mut c, "a-user@example.vn").await.id;
    let u3 = add_user(&mut c, "c-user@example.vn").await.id;

    let (t1, t2, t3) = (later(1), later(2), later(3));
    assert_eq!(
        accounts::upsert_membership(&mut c, a, u1, Role::Admin, t1)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        accounts::upsert_membership(&mut c, a, u2, Role::Member, t2)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        accounts::upsert_membership(&mut c, a, u1, Role::Editor, t3)
            .await
            .unwrap(),
        Some(Role::Admin),
        "upsert returns the previous role"
    );
    assert_eq!(
        accounts::membership_role(&mut c, a, u1).await.unwrap(),
        Some(Role::Editor)
    );
    assert_eq!(
        accounts::membership_role(&mut c, a, u2).await.unwrap(),
        Some(Role::Member)
    );
    assert_eq!(
        accounts::membership_role(&mut c, b, u1).await.unwrap(),
        None
    );
    assert_eq!(
        accounts::membership_role(&mut c, a, u3).await.unwrap(),
        None
    );

    let membership = |user, email: &str, role, at| Membership {
        organization: "so-noi-vu".to_string(),
        user_id: user,
        email: email.to_string(),
        role,
        created_at: at,
    };
    assert_eq!(
        accounts::members(&mut c, a).await.unwrap(),
        vec![
            membership(u2, "a-user@example.vn", Role::Member, t2),
            membership(u1, "b-user@example.vn", Role::Editor, t1),
        ],
        "members by e-mail; a role change keeps the grant time"
    );
    assert!(accounts::members(&mut c, b).await.unwrap().is_empty());

    assert_eq!(accounts::admin_count(&mut c, a).await.unwrap(), 0);
    assert_eq!(
        accounts::upsert_membership(&mut c, a, u2, Role::Admin, t3)
            .await
            .unwrap(),
        Some(Role::Member)
    );
    assert_eq!(accounts::admin_count(&mut c, a).await.unwrap(), 1);
    accounts::upsert_membership(&mut c, a, u3, Role::Admin, t3)
        .await
        .unwrap();
    assert_eq!(accounts::admin_count(&mut c, a).await.unwrap(), 2);
    accounts::upsert_membership(&mut c, b, u1, Role::Admin, t3)
        .await
        .unwrap();
    assert_eq!(accounts::admin_count(&mut c, a).await.unwrap(), 2);
    assert_eq!(accounts::admin_count(&mut c, b).await.unwrap(), 1);
    assert_eq!(
        accounts::role_count(&mut c, a, Role::Editor).await.unwrap(),
        1
    );
    assert_eq!(
        accounts::role_count(&mut c, a, Role::Approver)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        accounts::upsert_membership(&mut c, b, u1, Role::Member, t3)
            .await
            .unwrap(),
        Some(Role::Admin)
    );
    assert_eq!(accounts::admin_count(&mut c, b).await.unwrap(), 0);

    assert_eq!(
        accounts::roles_of(&mut c, u1).await.unwrap(),
        HashMap::from([(a, Role::Editor), (b, Role::Member)])
    );
    assert_eq!(
        accounts::roles_of(&mut c, u3).await.unwrap(),
        HashMap::from([(a, Role::Admin)])
    );
    assert!(
        accounts::roles_of(&mut c, Uuid::new_v4())
            .await
            .unwrap()
            .is_empty()
    );

    assert!(accounts::delete_membership(&mut c, a, u1).await.unwrap());
    assert!(
        !accounts::delete_membership(&mut c, a, u1).await.unwrap(),
        "already gone"
    );
    assert!(
        !accounts::delete_membership(&mut c, b, u2).await.unwrap(),
        "never existed"
    );
    assert_eq!(
        accounts::membership_role(&mut c, a, u1).await.unwrap(),
        None
    );
    assert_eq!(
        accounts::roles_of(&mut c, u1).await.unwrap(),
        HashMap::from([(b, Role::Member)])
    );
    assert_eq!(
        ids(&accounts::members(&mut c, a).await.unwrap(), |m| m.user_id),
        vec![u2, u3]
    );
    // A membership can be granted again after removal, as new.
    assert_eq!(
        accounts::upsert_membership(&mut c, a, u1, Role::Member, later(9))
            .await
            .unwrap(),
        None
    );
    let again = accounts::members(&mut c, a).await.unwrap();
    assert_eq!(
        again[1],
        membership(u1, "b-user@example.vn", Role::Member, later(9))
    );
}

async fn check_accounts_tokens(store: &Store) {
    let mut c = conn(store).await;
    let owner = add_user(&mut c, "owner@example.vn").await.id;
    let stranger = add_user(&mut c, "stranger@example.vn").await.id;
    let token = |name: &str, at| ApiToken {
        id: Uuid::new_v4(),
        user_id: owner,
        name: name.to_string(),
        created_at: at,
        last_used_at: None,
        revoked_at: None,
    };
    let t1 = token("máy chủ thu thập", later(1));
    let t2 = token("ci", later(2));
    accounts::insert_token(&mut c, &t1, "hash-1").await.unwrap();
    accounts::insert_token(&mut c, &t2, "hash-2").await.unwrap();

    assert_eq!(
        accounts::live_token_by_hash(&mut c, "hash-1")
            .await
            .unwrap(),
        Some((t1.clone(), "hash-1".to_string()))
    );
    assert_eq!(
        accounts::live_token_by_hash(&mut c, "hash-3")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        accounts::token(&mut c, t2.id).await.unwrap(),
        Some(t2.clone())
    );
    assert_eq!(accounts::token(&mut c, Uuid::new_v4()).await.unwrap(), None);
    assert_eq!(
        accounts::tokens_of(&mut c, owner).await.unwrap(),
        vec![t2.clone(), t1.clone()],
        "newest first"
    );
    assert!(
        accounts::tokens_of(&mut c, stranger)
            .await
            .unwrap()
            .is_empty()
    );

    // A token hash is unique.
    let twin = ApiToken {
        id: Uuid::new_v4(),
        ..t1.clone()
    };
    let result = accounts::insert_token(&mut c, &twin, "hash-1").await;
    assert!(matches!(result, Err(Error::Conflict { .. })), "{result:?}");
    assert_eq!(accounts::token(&mut c, twin.id).await.unwrap(), None);

    let used = later(10);
    accounts::touch_token(&mut c, t1.id, used).await.unwrap();
    let t1_used = ApiToken {
        last_used_at: Some(used),
        ..t1.clone()
    };
    assert_eq!(
        accounts::token(&mut c, t1.id).await.unwrap(),
        Some(t1_used.clone())
    );
    assert_eq!(
        accounts::live_token_by_hash(&mut c, "hash-1")
            .await
            .unwrap()
            .map(|(t, _)| t),
        Some(t1_used.clone())
    );
    accounts::touch_token(&mut c, t1.id, later(11))
        .await
        .unwrap();
    assert_eq!(
        accounts::token(&mut c, t1.id)
            .await
            .unwrap()
            .unwrap()
            .last_used_at,
        Some(later(11))
    );

    let revoked_at = later(20);
    accounts::revoke_token(&mut c, t1.id, revoked_at)
        .await
        .unwrap();
    assert_eq!(
        accounts::live_token_by_hash(&mut c, "hash-1")
            .await
            .unwrap(),
        None
    );
    let t1_revoked = ApiToken {
        last_used_at: Some(later(11)),
        revoked_at: Some(revoked_at),
        ..t1
    };
    assert_eq!(
        accounts::token(&mut c, t1_revoked.id).await.unwrap(),
        Some(t1_revoked.clone())
    );
    // Revoking again keeps the first revocation time.
    accounts::revoke_token(&mut c, t1_revoked.id, later(30))
        .await
        .unwrap();
    assert_eq!(
        accounts::token(&mut c, t1_revoked.id)
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        Some(revoked_at)
    );
    assert_eq!(
        accounts::live_token_by_hash(&mut c, "hash-2")
            .await
            .unwrap(),
        Some((t2.clone(), "hash-2".to_string())),
        "other tokens stay live"
    );
    assert_eq!(
        accounts::tokens_of(&mut c, owner).await.unwrap(),
        vec![t2, t1_revoked]
    );
}

async fn check_accounts_upsert_membership_concurrent_transactions(store: &Store) {
    let (org, user) = {
        let mut c = conn(store).await;
        let org = add_org(&mut c, "so-cong-thuong", OrgKind::Provincial, None).await;
        (org, add_user(&mut c, "hai-lan@example.vn").await.id)
    };
    // Two admins grant a role to the same user at the same time: the later one changes it.
    let (written, wait_written) = tokio::sync::oneshot::channel();
    let first = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut tx = store.begin().await?;
            let previous =
                accounts::upsert_membership(&mut tx, org, user, Role::Admin, later(1)).await?;
            let _ = written.send(());
            tokio::time::sleep(OVERLAP).await;
            tx.commit().await.map_err(Error::internal)?;
            Ok::<Option<Role>, Error>(previous)
        })
    };
    wait_written.await.expect("first transaction wrote");
    let second = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut tx = store.begin().await?;
            let previous =
                accounts::upsert_membership(&mut tx, org, user, Role::Editor, later(2)).await?;
            tx.commit().await.map_err(Error::internal)?;
            Ok::<Option<Role>, Error>(previous)
        })
    };
    let first = first.await.expect("first task");
    let second = second.await.expect("second task");
    assert_eq!(first.expect("first grant"), None);
    assert_eq!(
        second.expect("a concurrent second grant changes the role, it is not refused"),
        Some(Role::Admin)
    );
    let mut c = conn(store).await;
    assert_eq!(
        accounts::membership_role(&mut c, org, user).await.unwrap(),
        Some(Role::Editor)
    );
}

// ------------------------------------------------------------------------------------- events --

async fn check_events_append_since_last_seq(store: &Store) {
    let mut c = conn(store).await;
    assert_eq!(events::last_seq(&mut c).await.unwrap(), 0);
    assert!(events::since(&mut c, 0, 10).await.unwrap().is_empty());

    let actor = Uuid::new_v4();
    let dataset = Uuid::new_v4();
    let dist = Uuid::new_v4();
    let org = Uuid::new_v4();
    let new_events = [
        NewEvent {
            actor_id: Some(actor),
            after: Some(
                json!({"slug": "dan-so", "title": {"vi": "Dân số"}, "keywords": ["a", "b"]}),
            ),
            ..new_event("dataset", dataset, None, "created")
        },
        NewEvent {
            after: Some(json!({"version": 1, "size": 5_000_000_000_i64, "ok": true, "none": null})),
            ..new_event("distribution", dist, Some(dataset), "file_replaced")
        },
        NewEvent {
            actor_id: Some(actor),
            before: Some(json!({"name": "Cũ"})),
            after: Some(json!({"name": "Mới", "nested": {"list": [1, 2.5, "ba"]}})),
            ..new_event("organization", org, None, "updated")
        },
        NewEvent {
            before: Some(json!({"slug": "dan-so"})),
            ..new_event("dataset", dataset, None, "deleted")
        },
    ];
    let before = wall_clock();
    let mut seqs = Vec::new();
    for event in &new_events {
        seqs.push(events::append(&mut c, event).await.unwrap());
    }
    let after = wall_clock();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "seq strictly increases: {seqs:?}"
    );
    assert!(seqs[0] >= 1);
    assert_eq!(events::last_seq(&mut c).await.unwrap(), seqs[3]);

    let all = events::since(&mut c, 0, 100).await.unwrap();
    assert_eq!(all.len(), 4);
    for ((event, new), seq) in all.iter().zip(&new_events).zip(&seqs) {
        assert!(
            before <= event.at && event.at <= after,
            "{event:?} at within the append"
        );
        let expected = Event {
            seq: *seq,
            at: event.at,
            actor_id: new.actor_id,
            entity_type: new.entity_type.to_string(),
            entity_id: new.entity_id,
            parent_id: new.parent_id,
            action: new.action.to_string(),
            before: new.before.clone(),
            after: new.after.clone(),
        };
        assert_eq!(event, &expected);
    }
    for pair in all.windows(2) {
        assert!(pair[0].at <= pair[1].at);
    }
    let seq_of = |list: Vec<Event>| list.into_iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(
        seq_of(events::since(&mut c, seqs[0], 100).await.unwrap()),
        seqs[1..].to_vec()
    );
    assert_eq!(
        seq_of(events::since(&mut c, 0, 2).await.unwrap()),
        seqs[..2].to_vec()
    );
    assert_eq!(
        seq_of(events::since(&mut c, seqs[1], 1).await.unwrap()),
        vec![seqs[2]]
    );
    assert!(
        events::since(&mut c, seqs[3], 100)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn check_events_history(store: &Store) {
    let mut c = conn(store).await;
    let dataset = Uuid::new_v4();
    let dist = Uuid::new_v4();
    let other = Uuid::new_v4();
    let other_dist = Uuid::new_v4();
    let appended = [
        new_event("dataset", dataset, None, "created"),
        new_event("distribution", dist, Some(dataset), "created"),
        new_event("dataset", other, None, "created"),
        new_event("dataset", dataset, None, "updated"),
        new_event("distribution", other_dist, Some(other), "created"),
        new_event("distribution", dist, Some(dataset), "file_replaced"),
    ];
    let mut seqs = Vec::new();
    for event in &appended {
        seqs.push(events::append(&mut c, event).await.unwrap());
    }
    let summary = |list: &[Event]| {
        list.iter()
            .map(|e| (e.seq, e.entity_id, e.action.clone()))
            .collect::<Vec<_>>()
    };
    let (history, total) = events::history(&mut c, dataset, 0, 100).await.unwrap();
    assert_eq!(
        summary(&history),
        vec![
            (seqs[0], dataset, "created".to_string()),
            (seqs[1], dist, "created".to_string()),
            (seqs[3], dataset, "updated".to_string()),
            (seqs[5], dist, "file_replaced".to_string()),
        ],
        "the entity and its children, oldest first"
    );
    assert_eq!(total, 4);
    assert_eq!(history[1].parent_id, Some(dataset));

    let (page, total) = events::history(&mut c, dataset, 1, 2).await.unwrap();
    assert_eq!(ids(&page, |e| e.entity_id), vec![dist, dataset]);
    assert_eq!(
        page.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![seqs[1], seqs[3]]
    );
    assert_eq!(total, 4, "total ignores paging");
    let (page, total) = events::history(&mut c, dataset, 4, 2).await.unwrap();
    assert_eq!((page.len(), total), (0, 4));

    let (own, total) = events::history(&mut c, dist, 0, 100).await.unwrap();
    assert_eq!(
        own.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![seqs[1], seqs[5]]
    );
    assert_eq!(total, 2);
    let (others, total) = events::history(&mut c, other, 0, 100).await.unwrap();
    assert_eq!(
        others.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![seqs[2], seqs[4]]
    );
    assert_eq!(total, 2);
    let (none, total) = events::history(&mut c, Uuid::new_v4(), 0, 100)
        .await
        .unwrap();
    assert_eq!((none.len(), total), (0, 0));
}

async fn check_events_atomic_with_change(store: &Store) {
    let start = {
        let mut c = conn(store).await;
        events::last_seq(&mut c).await.unwrap()
    };

    // Rolled back: neither the change nor its event remain.
    let org = Uuid::new_v4();
    let mut tx = store.begin().await.unwrap();
    organizations::insert(
        &mut tx,
        org,
        &org_input("tam-thoi", OrgKind::National),
        None,
        base(),
    )
    .await
    .unwrap();
    let seq = events::append(&mut tx, &new_event("organization", org, None, "created"))
        .await
        .unwrap();
    assert!(seq > start);
    assert!(
        organizations::get(&mut tx, org).await.unwrap().is_some(),
        "visible inside"
    );
    assert_eq!(events::last_seq(&mut tx).await.unwrap(), seq);
    {
        let mut other = conn(store).await;
        assert_eq!(
            organizations::get(&mut other, org).await.unwrap(),
            None,
            "invisible outside"
        );
        assert_eq!(events::last_seq(&mut other).await.unwrap(), start);
    }
    tx.rollback().await.unwrap();
    {
        let mut c = conn(store).await;
        assert_eq!(organizations::get(&mut c, org).await.unwrap(), None);
        assert_eq!(events::last_seq(&mut c).await.unwrap(), start);
        assert!(events::since(&mut c, start, 10).await.unwrap().is_empty());
        assert_eq!(events::history(&mut c, org, 0, 10).await.unwrap().1, 0);
    }

    // Dropped without commit (an early return): the same.
    let dropped = Uuid::new_v4();
    {
        let mut tx = store.begin().await.unwrap();
        organizations::insert(
            &mut tx,
            dropped,
            &org_input("bi-bo", OrgKind::National),
            None,
            base(),
        )
        .await
        .unwrap();
        events::append(
            &mut tx,
            &new_event("organization", dropped, None, "created"),
        )
        .await
        .unwrap();
    }

    // Committed: both are there.
    let kept = Uuid::new_v4();
    let mut tx = store.begin().await.unwrap();
    organizations::insert(
        &mut tx,
        kept,
        &org_input("giu-lai", OrgKind::National),
        None,
        base(),
    )
    .await
    .unwrap();
    let kept_seq = events::append(&mut tx, &new_event("organization", kept, None, "created"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut c = conn(store).await;
    assert_eq!(organizations::get(&mut c, dropped).await.unwrap(), None);
    assert_eq!(events::history(&mut c, dropped, 0, 10).await.unwrap().1, 0);
    assert!(organizations::get(&mut c, kept).await.unwrap().is_some());
    assert_eq!(events::last_seq(&mut c).await.unwrap(), kept_seq);
    let (history, total) = events::history(&mut c, kept, 0, 10).await.unwrap();
    assert_eq!((history.len(), total), (1, 1));
    assert_eq!(
        (history[0].seq, history[0].action.as_str()),
        (kept_seq, "created")
    );
    let tail = events::since(&mut c, start, 10).await.unwrap();
    assert_eq!(ids(&tail, |e| e.entity_id), vec![kept]);
    assert_eq!(organizations::list(&mut c, 0, 10).await.unwrap().1, 1);
}

async fn check_events_tail_never_skips_a_committed_event(store: &Store) {
    let start = {
        let mut c = conn(store).await;
        events::last_seq(&mut c).await.unwrap()
    };
    // Two overlapping transactions append events; the one that appended first commits last. A
    // projection tailing the log (`since(last seen seq)`) between the two commits must still get
    // both events in the end.
    let (appended, wait_appended) = tokio::sync::oneshot::channel();
    let (tail_read, wait_tail_read) = tokio::sync::oneshot::channel::<()>();
    let slow = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut tx = store.begin().await?;
            let seq = events::append(&mut tx, &new_event("dataset", Uuid::new_v4(), None, "slow"))
                .await?;
            let _ = appended.send(());
            // Where writers are serialised, the fast writer waits for us: do not wait for ever.
            let _ = tokio::time::timeout(OVERLAP, wait_tail_read).await;
            tx.commit().await.map_err(Error::internal)?;
            Ok::<i64, Error>(seq)
        })
    };
    wait_appended.await.expect("slow transaction appended");
    let fast = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut tx = store.begin().await?;
            let seq = events::append(&mut tx, &new_event("dataset", Uuid::new_v4(), None, "fast"))
                .await?;
            tx.commit().await.map_err(Error::internal)?;
            Ok::<i64, Error>(seq)
        })
    };
    let fast_seq = fast.await.expect("fast task").expect("fast transaction");

    // The projection reads what is committed now and remembers the last seq it saw.
    let mut c = conn(store).await;
    let mut seen: Vec<i64> = events::since(&mut c, start, 100)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    let cursor = seen.last().copied().unwrap_or(start);
    let _ = tail_read.send(());
    let slow_seq = slow.await.expect("slow task").expect("slow transaction");
    // ... and later resumes from there.
    seen.extend(
        events::since(&mut c, cursor, 100)
            .await
            .unwrap()
            .iter()
            .map(|e| e.seq),
    );
    let mut expected = vec![slow_seq, fast_seq];
    expected.sort();
    assert_eq!(
        seen, expected,
        "a tailer resuming after the last seq it saw must not skip a committed event"
    );
}

// --------------------------------------------------------------------------------------- jobs --

fn lease(seconds: i64) -> Duration {
    Duration::seconds(seconds)
}

async fn claim(c: &mut Conn, now: DateTime<Utc>, lease_seconds: i64) -> Option<Job> {
    jobs::claim(c, now, lease(lease_seconds))
        .await
        .expect("claim")
}

async fn job(c: &mut Conn, id: Uuid) -> Job {
    jobs::get(c, id)
        .await
        .expect("get job")
        .expect("job exists")
}

async fn check_jobs_claim_due_only(store: &Store) {
    let mut c = conn(store).await;
    let t0 = base();
    let payload = json!({"sha256": sha('a'), "tên": "tệp", "n": [1, 2]});
    let a = jobs::enqueue(&mut c, "blob.verify", &payload, t0, 3)
        .await
        .unwrap();
    assert_eq!(
        job(&mut c, a).await,
        Job {
            id: a,
            kind: "blob.verify".to_string(),
            payload: payload.clone(),
            status: "queued".to_string(),
            attempts: 0,
            max_attempts: 3,
            run_at: t0,
            last_error: None,
        }
    );
    let b = jobs::enqueue(&mut c, "harvest", &json!({}), later(60), 5)
        .await
        .unwrap();
    let early = jobs::enqueue(&mut c, "mail", &json!(null), later(-10), 1)
        .await
        .unwrap();
    assert_ne!(a, b);

    assert_eq!(
        claim(&mut c, later(-20), 3600).await,
        None,
        "nothing is due yet"
    );
    let first = claim(&mut c, t0, 3600).await.expect("the earliest due job");
    assert_eq!(first.id, early);
    assert_eq!((first.status.as_str(), first.attempts), ("running", 1));
    let second = claim(&mut c, t0, 3600).await.expect("the next due job");
    assert_eq!(
        second,
        Job {
            status: "running".to_string(),
            attempts: 1,
            ..job_with(a, "blob.verify", payload, 3, t0)
        }
    );
    assert_eq!(
        claim(&mut c, t0, 3600).await,
        None,
        "b is not due, the others are leased"
    );
    assert_eq!(claim(&mut c, later(59), 3600).await, None);
    let third = claim(&mut c, later(60), 3600).await.expect("b is due");
    assert_eq!(
        (third.id, third.kind.as_str(), third.payload),
        (b, "harvest", json!({}))
    );
    assert_eq!(claim(&mut c, later(120), 3600).await, None, "all leased");
    let stored = job(&mut c, a).await;
    assert_eq!(
        (stored.status.as_str(), stored.attempts, stored.run_at),
        ("running", 1, t0)
    );
    assert_eq!(job(&mut c, early).await.payload, json!(null));
    assert_eq!(jobs::get(&mut c, Uuid::new_v4()).await.unwrap(), None);
}

fn job_with(
    id: Uuid,
    kind: &str,
    payload: serde_json::Value,
    max: i64,
    run_at: DateTime<Utc>,
) -> Job {
    Job {
        id,
        kind: kind.to_string(),
        payload,
        status: "queued".to_string(),
        attempts: 0,
        max_attempts: max,
        run_at,
        last_error: None,
    }
}

async fn check_jobs_lease_expiry(store: &Store) {
    let mut c = conn(store).await;
    let t0 = base();
    let id = jobs::enqueue(&mut c, "pull", &json!({"url": "https://example.vn"}), t0, 5)
        .await
        .unwrap();
    let first = claim(&mut c, t0, 30).await.unwrap();
    assert_eq!((first.id, first.attempts), (id, 1));
    assert_eq!(claim(&mut c, later(1), 30).await, None);
    assert_eq!(claim(&mut c, later(29), 30).await, None, "still leased");
    // The worker died: once the lease expired, the job is claimed again, as a new attempt.
    let again = claim(&mut c, later(31), 30)
        .await
        .expect("reclaimed after the lease");
    assert_eq!(
        (again.id, again.status.as_str(), again.attempts),
        (id, "running", 2)
    );
    assert_eq!(
        claim(&mut c, later(40), 30).await,
        None,
        "the new lease holds"
    );
    assert_eq!(claim(&mut c, later(60), 30).await, None);
    let third = claim(&mut c, later(62), 30).await.expect("reclaimed again");
    assert_eq!(third.attempts, 3);
    jobs::complete(&mut c, id).await.unwrap();
    assert_eq!(
        claim(&mut c, later(3600), 30).await,
        None,
        "a done job is never reclaimed"
    );
    assert_eq!(job(&mut c, id).await.status, "done");
}

async fn check_jobs_fail_backoff(store: &Store) {
    let mut c = conn(store).await;
    let t0 = base();
    let id = jobs::enqueue(&mut c, "check", &json!({"dataset": "x"}), t0, 3)
        .await
        .unwrap();

    let attempt1 = claim(&mut c, t0, 60).await.unwrap();
    let t1 = later(5);
    jobs::fail(&mut c, &attempt1, "boom 1", t1).await.unwrap();
    let after1 = job(&mut c, id).await;
    assert_eq!(backoff_seconds(1), 2);
    assert_eq!(
        after1,
        Job {
            attempts: 1,
            run_at: t1 + Duration::seconds(backoff_seconds(1)),
            last_error: Some("boom 1".to_string()),
            ..job_with(id, "check", json!({"dataset": "x"}), 3, t0)
        },
        "requeued with a backoff"
    );
    assert!(after1.run_at > t1);
    assert_eq!(
        claim(&mut c, t1 + Duration::seconds(1), 60).await,
        None,
        "not before the backoff"
    );

    let attempt2 = claim(&mut c, after1.run_at, 60)
        .await
        .expect("due after the backoff");
    assert_eq!((attempt2.id, attempt2.attempts), (id, 2));
    assert_eq!(attempt2.last_error.as_deref(), Some("boom 1"));
    let t2 = after1.run_at + Duration::seconds(1);
    jobs::fail(&mut c, &attempt2, "boom 2", t2).await.unwrap();
    let after2 = job(&mut c, id).await;
    assert_eq!(
        (
            after2.status.as_str(),
            after2.run_at,
            after2.last_error.as_deref()
        ),
        (
            "queued",
            t2 + Duration::seconds(backoff_seconds(2)),
            Some("boom 2")
        )
    );
    assert!(backoff_seconds(2) > backoff_seconds(1));

    let attempt3 = claim(&mut c, after2.run_at, 60).await.unwrap();
    assert_eq!(attempt3.attempts, 3);
    let t3 = after2.run_at + Duration::seconds(1);
    jobs::fail(&mut c, &attempt3, "boom 3", t3).await.unwrap();
    let after3 = job(&mut c, id).await;
    assert_eq!(
        (
            after3.status.as_str(),
            after3.attempts,
            after3.last_error.as_deref()
        ),
        ("failed", 3, Some("boom 3")),
        "failed once max_attempts are used"
    );
    assert_eq!(
        claim(&mut c, later(86_400 * 365), 60).await,
        None,
        "a failed job is never claimed"
    );

    // One attempt allowed: the first failure is final. Long errors are cut to 4000 characters.
    let once = jobs::enqueue(&mut c, "once", &json!({}), t0, 1)
        .await
        .unwrap();
    let attempt = claim(&mut c, t0, 60).await.unwrap();
    assert_eq!(attempt.id, once);
    let long_error: String = "lỗi ".repeat(1500);
    jobs::fail(&mut c, &attempt, &long_error, t1).await.unwrap();
    let failed = job(&mut c, once).await;
    assert_eq!(failed.status, "failed");
    let kept: String = long_error.chars().take(4000).collect();
    assert_eq!(failed.last_error.as_deref(), Some(kept.as_str()));
}

async fn check_jobs_complete_counts_get(store: &Store) {
    let mut c = conn(store).await;
    assert!(jobs::counts(&mut c).await.unwrap().is_empty());
    let t0 = base();
    let done = jobs::enqueue(&mut c, "k", &json!(1), t0, 3).await.unwrap();
    let failed = jobs::enqueue(&mut c, "k", &json!(2), later(1), 1)
        .await
        .unwrap();
    let running = jobs::enqueue(&mut c, "k", &json!(3), later(2), 3)
        .await
        .unwrap();
    let queued = jobs::enqueue(&mut c, "k", &json!(4), later(3600), 3)
        .await
        .unwrap();
    let waiting = jobs::enqueue(&mut c, "k", &json!(5), later(7200), 3)
        .await
        .unwrap();
    assert_eq!(
        jobs::counts(&mut c).await.unwrap(),
        vec![("queued".to_string(), 5)]
    );

    let j = claim(&mut c, later(10), 600).await.unwrap();
    assert_eq!(j.id, done);
    jobs::complete(&mut c, done).await.unwrap();
    let j = claim(&mut c, later(10), 600).await.unwrap();
    assert_eq!(j.id, failed);
    jobs::fail(&mut c, &j, "no", later(11)).await.unwrap();
    let j = claim(&mut c, later(10), 600).await.unwrap();
    assert_eq!(j.id, running);
    assert_eq!(
        jobs::counts(&mut c).await.unwrap(),
        vec![
            ("done".to_string(), 1),
            ("failed".to_string(), 1),
            ("queued".to_string(), 2),
            ("running".to_string(), 1),
        ]
    );
    let completed = job(&mut c, done).await;
    assert_eq!(
        completed,
        Job {
            status: "done".to_string(),
            attempts: 1,
            ..job_with(done, "k", json!(1), 3, t0)
        }
    );
    assert_eq!(
        job(&mut c, queued).await,
        job_with(queued, "k", json!(4), 3, later(3600))
    );
    assert_eq!(job(&mut c, waiting).await.status, "queued");
    jobs::complete(&mut c, running).await.unwrap();
    assert_eq!(
        jobs::counts(&mut c).await.unwrap(),
        vec![
            ("done".to_string(), 2),
            ("failed".to_string(), 1),
            ("queued".to_string(), 2)
        ]
    );
}

async fn check_jobs_concurrent_claims(store: &Store) {
    let t0 = base();
    let mut enqueued = HashSet::new();
    {
        let mut c = conn(store).await;
        for n in 0..4 {
            enqueued.insert(
                jobs::enqueue(&mut c, "par", &json!(n), t0, 3)
                    .await
                    .unwrap(),
            );
        }
    }
    let mut workers = Vec::new();
    for _ in 0..4 {
        let store = store.clone();
        workers.push(tokio::spawn(async move {
            let mut c = conn(&store).await;
            claim(&mut c, t0, 3600).await
        }));
    }
    let mut claimed = HashSet::new();
    for worker in workers {
        let job = worker.await.unwrap().expect("each worker gets a job");
        assert_eq!(job.attempts, 1);
        assert!(claimed.insert(job.id), "job {} claimed twice", job.id);
    }
    assert_eq!(claimed, enqueued);
    let mut c = conn(store).await;
    assert_eq!(claim(&mut c, t0, 3600).await, None);
    assert_eq!(
        jobs::counts(&mut c).await.unwrap(),
        vec![("running".to_string(), 4)]
    );
}

async fn check_events_latest(store: &Store) {
    let mut c = conn(store).await;
    let dataset = Uuid::new_v4();
    let dist = Uuid::new_v4();
    let other = Uuid::new_v4();
    let mut seqs = Vec::new();
    for event in [
        new_event("dataset", dataset, None, "created"),
        new_event("dataset", other, None, "created"),
        new_event("distribution", dist, Some(dataset), "created"),
        new_event("dataset", dataset, None, "updated"),
        new_event("distribution", dist, Some(dataset), "deleted"),
    ] {
        seqs.push(events::append(&mut c, &event).await.unwrap());
    }
    let (latest, total) = events::latest(&mut c, dataset, 2).await.unwrap();
    assert_eq!(
        latest.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![seqs[4], seqs[3]],
        "the newest first, children included"
    );
    assert_eq!(total, 4, "the total counts them all");
    let (all, total) = events::latest(&mut c, dataset, 100).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![seqs[4], seqs[3], seqs[2], seqs[0]]
    );
    assert_eq!(total, 4);
    let (none, total) = events::latest(&mut c, Uuid::new_v4(), 5).await.unwrap();
    assert_eq!((none.len(), total), (0, 0));
}

async fn check_sessions(store: &Store) {
    let mut c = conn(store).await;
    let owner = add_user(&mut c, "owner@example.vn").await.id;
    let session = |expires| Session {
        id: Uuid::now_v7(),
        user_id: owner,
        created_at: later(0),
        last_seen_at: later(0),
        expires_at: later(expires),
    };
    let s1 = session(100);
    let s2 = session(200);
    sessions::insert(&mut c, &s1, "hash-1").await.unwrap();
    sessions::insert(&mut c, &s2, "hash-2").await.unwrap();
    assert!(
        sessions::insert(&mut c, &session(100), "hash-1")
            .await
            .is_err(),
        "token hashes are unique"
    );

    let found = sessions::live_by_hash(&mut c, "hash-1", later(50))
        .await
        .unwrap();
    assert_eq!(found, Some((s1.clone(), "hash-1".to_string())));
    assert_eq!(
        sessions::live_by_hash(&mut c, "hash-1", later(100))
            .await
            .unwrap(),
        None,
        "an expired session is not live"
    );
    assert_eq!(
        sessions::live_by_hash(&mut c, "nope", later(0))
            .await
            .unwrap(),
        None
    );

    sessions::touch(&mut c, s1.id, later(90), later(300))
        .await
        .unwrap();
    let (touched, _) = sessions::live_by_hash(&mut c, "hash-1", later(150))
        .await
        .unwrap()
        .expect("touched session lives on");
    assert_eq!(touched.last_seen_at, later(90));
    assert_eq!(touched.expires_at, later(300));

    assert_eq!(
        sessions::delete_others(&mut c, owner, Some(s1.id))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        sessions::live_by_hash(&mut c, "hash-2", later(0))
            .await
            .unwrap(),
        None
    );
    assert!(
        sessions::live_by_hash(&mut c, "hash-1", later(0))
            .await
            .unwrap()
            .is_some()
    );

    sessions::delete(&mut c, s1.id).await.unwrap();
    assert_eq!(
        sessions::live_by_hash(&mut c, "hash-1", later(0))
            .await
            .unwrap(),
        None
    );

    sessions::insert(&mut c, &session(10), "hash-3")
        .await
        .unwrap();
    assert_eq!(
        sessions::delete_expired(&mut c, later(10)).await.unwrap(),
        1
    );
    assert_eq!(
        sessions::delete_others(&mut c, owner, None).await.unwrap(),
        0
    );
}

// ----------------------------------------------------------------------------------- usage --

async fn check_usage_counts_per_day_and_totals(store: &Store) {
    let mut c = conn(store).await;
    let org = add_org(&mut c, "dem-luot", OrgKind::National, None).await;
    let counted = add_public_dataset(&mut c, "duoc-tai", org).await;
    let other = add_public_dataset(&mut c, "khac", org).await;
    assert_eq!(usage::total_downloads(&mut c, counted).await.unwrap(), 0);

    for _ in 0..3 {
        usage::record_download(&mut c, counted, day(2025, 3, 1))
            .await
            .unwrap();
    }
    usage::record_download(&mut c, counted, day(2025, 3, 2))
        .await
        .unwrap();
    usage::record_download(&mut c, other, day(2025, 3, 2))
        .await
        .unwrap();
    assert_eq!(usage::total_downloads(&mut c, counted).await.unwrap(), 4);
    assert_eq!(usage::total_downloads(&mut c, other).await.unwrap(), 1);
    let rows: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM dataset_downloads WHERE dataset_id = $1")
            .bind(counted.to_string())
            .fetch_one(&mut *c)
            .await
            .unwrap();
    assert_eq!(
        rows, 2,
        "one row per dataset and day, however many downloads"
    );

    assert!(
        usage::record_download(&mut c, Uuid::new_v4(), day(2025, 3, 2))
            .await
            .is_err(),
        "downloads of an unknown dataset are refused"
    );

    datasets::delete(&mut c, counted).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dataset_downloads")
        .fetch_one(&mut *c)
        .await
        .unwrap();
    assert_eq!(left, 1, "a deleted dataset's counts go with it");
    assert_eq!(usage::total_downloads(&mut c, counted).await.unwrap(), 0);
}

async fn check_usage_most_downloaded_public_recent(store: &Store) {
    let mut c = conn(store).await;
    let org = add_org(&mut c, "pho-bien", OrgKind::National, None).await;
    let popular = add_public_dataset(&mut c, "pho-bien-nhat", org).await;
    let second = add_public_dataset(&mut c, "thu-hai", org).await;
    let tied = add_public_dataset(&mut c, "hoa", org).await;
    let old = add_public_dataset(&mut c, "cu", org).await;
    let draft = add_dataset(
        &mut c,
        &ds_input("nhap", DatasetStatus::Draft, AccessRights::Public),
        org,
        base(),
    )
    .await;
    let restricted = add_dataset(
        &mut c,
        &ds_input(
            "han-che",
            DatasetStatus::Published,
            AccessRights::Restricted,
        ),
        org,
        base(),
    )
    .await;
    let archived = add_dataset(
        &mut c,
        &ds_input("luu-tru", DatasetStatus::Archived, AccessRights::Public),
        org,
        base(),
    )
    .await;
    let since = day(2025, 3, 1);
    let downloads = [
        (popular, day(2025, 3, 1), 3),
        (popular, day(2025, 3, 20), 2),
        (second, day(2025, 3, 30), 4),
        (tied, day(2025, 3, 5), 2),
        (archived, day(2025, 3, 5), 2),
        (old, day(2025, 2, 28), 50),
        (old, day(2025, 3, 2), 1),
        (draft, day(2025, 3, 10), 90),
        (restricted, day(2025, 3, 10), 80),
    ];
    for (dataset, on, times) in downloads {
        for _ in 0..times {
            usage::record_download(&mut c, dataset, on).await.unwrap();
        }
    }
    let mut ties = [tied, archived];
    ties.sort();
    let top = usage::most_downloaded(&mut c, since, 10).await.unwrap();
    assert_eq!(
        top,
        vec![
            (popular, 5),
            (second, 4),
            (ties[0], 2),
            (ties[1], 2),
            (old, 1)
        ],
        "public datasets only (archived ones too), counted from `since` on, most first, ties by id"
    );
    assert_eq!(
        usage::most_downloaded(&mut c, since, 2).await.unwrap(),
        vec![(popular, 5), (second, 4)],
        "at most `limit`"
    );
    assert_eq!(
        usage::most_downloaded(&mut c, day(2025, 4, 1), 10)
            .await
            .unwrap(),
        vec![],
        "nothing downloaded since"
    );
    assert_eq!(
        usage::total_downloads(&mut c, old).await.unwrap(),
        51,
        "the total counts every day"
    );
}
