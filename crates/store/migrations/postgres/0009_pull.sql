-- 0009: scheduled pulls — a distribution's source in an agency system (a web address, or one
-- SELECT against a database whose connection is kept sealed), its schedule, where it stands, and
-- the history of its runs. A run is recorded as `running` before it starts; the lease says until
-- when its server holds it, so a run left unfinished by a stopped server is found and redone.
-- Kept in step with the other backend's migration of the same number (a test compares the lists).

CREATE TABLE pull_sources (
    distribution_id TEXT PRIMARY KEY REFERENCES distributions (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    url TEXT,
    driver TEXT,
    connection_sealed TEXT,
    connection_display TEXT,
    query TEXT,
    file_name TEXT,
    schedule TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    next_run_at TEXT,
    consecutive_failures BIGINT NOT NULL DEFAULT 0,
    failing_since TEXT,
    last_run_at TEXT,
    last_outcome TEXT,
    last_error_code TEXT,
    last_error TEXT,
    lease_until TEXT,
    lease_run_id TEXT,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX pull_sources_due ON pull_sources (enabled, next_run_at);

CREATE TABLE pull_runs (
    id TEXT PRIMARY KEY,
    distribution_id TEXT NOT NULL REFERENCES distributions (id) ON DELETE CASCADE,
    run_trigger TEXT NOT NULL,
    outcome TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    duration_ms BIGINT,
    bytes BIGINT,
    row_count BIGINT,
    version BIGINT,
    sha256 TEXT,
    http_status BIGINT,
    error_code TEXT,
    error_message TEXT
);
CREATE INDEX pull_runs_source ON pull_runs (distribution_id, started_at);
