-- 0006: tables — the ingest of each tabular distribution (status, progress, the tables read
-- with their Frictionless schemas and profiles, the error) and the schemas publishers edited.
-- The Parquet files themselves live under the data directory's `tables/` folder, one folder
-- per distribution and source checksum; they are derived data and can be rebuilt by ingesting
-- the stored original again.
-- Kept in step with the other backend's migration of the same number (a test compares the lists).

CREATE TABLE table_ingests (
    distribution_id TEXT PRIMARY KEY REFERENCES distributions (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    source_sha256 TEXT,
    format TEXT,
    encoding TEXT,
    delimiter TEXT,
    source_bytes INTEGER,
    rows_done INTEGER NOT NULL DEFAULT 0,
    bytes_done INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    warnings TEXT NOT NULL,
    tables TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX table_ingests_status ON table_ingests (status);

CREATE TABLE table_schema_edits (
    distribution_id TEXT NOT NULL REFERENCES distributions (id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    schema TEXT NOT NULL,
    edited_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    edited_at TEXT NOT NULL,
    PRIMARY KEY (distribution_id, table_name)
);
