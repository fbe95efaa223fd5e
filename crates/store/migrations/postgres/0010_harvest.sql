-- 0010: harvesting — sources the portal team sets up (another portal's CKAN Action API, a DCAT
-- catalog, a Project Open Data data.json), their runs with counts and per-item errors, and the
-- link from each harvested dataset to its source and remote id, so later runs update it in place
-- and archive it once it has been gone from the source for the grace period.
-- Kept in step with the other backend's migration of the same number (a test compares the lists).

CREATE TABLE harvest_sources (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    url TEXT NOT NULL,
    organization_id TEXT REFERENCES organizations (id) ON DELETE RESTRICT,
    publisher_kind TEXT NOT NULL,
    schedule TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    grace_days BIGINT NOT NULL,
    high_water TEXT,
    next_run_at TEXT,
    last_run_at TEXT,
    last_outcome TEXT,
    lease_until TEXT,
    lease_run_id TEXT,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX harvest_sources_due ON harvest_sources (enabled, next_run_at);

CREATE TABLE harvest_runs (
    id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL REFERENCES harvest_sources (id) ON DELETE CASCADE,
    run_trigger TEXT NOT NULL,
    outcome TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    duration_ms BIGINT,
    created_count BIGINT NOT NULL DEFAULT 0,
    updated_count BIGINT NOT NULL DEFAULT 0,
    unchanged_count BIGINT NOT NULL DEFAULT 0,
    archived_count BIGINT NOT NULL DEFAULT 0,
    failed_count BIGINT NOT NULL DEFAULT 0,
    item_errors TEXT NOT NULL DEFAULT '[]',
    error_code TEXT,
    error_message TEXT
);
CREATE INDEX harvest_runs_source ON harvest_runs (source_id, started_at);

CREATE TABLE harvested_datasets (
    source_id TEXT NOT NULL REFERENCES harvest_sources (id) ON DELETE CASCADE,
    remote_id TEXT NOT NULL,
    dataset_id TEXT NOT NULL UNIQUE REFERENCES datasets (id) ON DELETE CASCADE,
    remote_url TEXT,
    remote_modified TEXT,
    content_hash TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    gone_since TEXT,
    PRIMARY KEY (source_id, remote_id)
);
