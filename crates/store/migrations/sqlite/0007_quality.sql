-- 0007: quality — what the watchdog found. The latest report of each dataset (findings and
-- scores as JSON, with its summary in columns for lists and league tables), the summary's
-- history (a row only when it changes, for trends), a daily summary per organization, the
-- link-check history of remote URLs, what each stored file's first bytes are (one sniff per
-- checksum), and the watchdog's own state (event-log position, last sweep, last digest).
-- Kept in step with the other backend's migration of the same number (a test compares the lists).

CREATE TABLE quality_results (
    dataset_id TEXT PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL,
    public INTEGER NOT NULL,
    checked_at TEXT NOT NULL,
    profile TEXT NOT NULL,
    stars INTEGER NOT NULL,
    mqa_points REAL NOT NULL,
    mqa_band TEXT NOT NULL,
    udata_score REAL NOT NULL,
    godi_points INTEGER NOT NULL,
    odi_level TEXT NOT NULL,
    violations INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    infos INTEGER NOT NULL,
    rules TEXT NOT NULL,
    report TEXT NOT NULL
);
CREATE INDEX quality_results_organization ON quality_results (organization_id);

CREATE TABLE quality_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    checked_at TEXT NOT NULL,
    stars INTEGER NOT NULL,
    mqa_points REAL NOT NULL,
    violations INTEGER NOT NULL,
    warnings INTEGER NOT NULL
);
CREATE INDEX quality_history_dataset ON quality_history (dataset_id, checked_at);

CREATE TABLE quality_organization_days (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    datasets INTEGER NOT NULL,
    mqa_average REAL NOT NULL,
    stars_average REAL NOT NULL,
    violations INTEGER NOT NULL,
    PRIMARY KEY (organization_id, day)
);

CREATE TABLE link_checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    distribution_id TEXT NOT NULL REFERENCES distributions (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    status INTEGER,
    error_code TEXT
);
CREATE INDEX link_checks_distribution ON link_checks (distribution_id, checked_at);

CREATE TABLE content_sniffs (
    sha256 TEXT PRIMARY KEY,
    sniffed TEXT NOT NULL,
    sniffed_at TEXT NOT NULL
);

CREATE TABLE quality_state (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
