-- 0005: tickets — data requests (with messages, votes, followers), feedback on datasets,
-- attachments of messages and feedback,
-- dataset followers, the in-app notification center and per-user notification settings.
-- Transitions are recorded in the event log (entity types `request` and `feedback`), which is
-- the tickets' timeline and audit trail.
-- Kept in step with the sqlite migration of the same number (a test compares the lists).

CREATE TABLE data_requests (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    purpose TEXT,
    desired_format TEXT,
    granularity TEXT,
    suggested_organization_id TEXT REFERENCES organizations (id) ON DELETE SET NULL,
    is_public BIGINT NOT NULL,
    requester_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    requester_email TEXT NOT NULL,
    confirmed BIGINT NOT NULL,
    confirm_token_hash TEXT UNIQUE,
    lang TEXT NOT NULL,
    state TEXT NOT NULL,
    organization_id TEXT REFERENCES organizations (id) ON DELETE SET NULL,
    clock_started_at TEXT,
    due_at TEXT,
    long_due_at TEXT,
    extended BIGINT NOT NULL DEFAULT 0,
    answered_at TEXT,
    answer_due_at TEXT,
    answer_working_days BIGINT,
    planned_date TEXT,
    dataset_id TEXT REFERENCES datasets (id) ON DELETE SET NULL,
    link TEXT,
    refusal_reason TEXT,
    legal_basis TEXT,
    duplicate_of TEXT REFERENCES data_requests (id) ON DELETE SET NULL,
    reminded_at TEXT,
    overdue_notified_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX data_requests_state_due ON data_requests (state, due_at);
CREATE INDEX data_requests_organization ON data_requests (organization_id, due_at);
CREATE INDEX data_requests_requester ON data_requests (requester_id, created_at);

CREATE TABLE request_messages (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES data_requests (id) ON DELETE CASCADE,
    author_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    author_role TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX request_messages_request ON request_messages (request_id, created_at);

CREATE TABLE request_votes (
    request_id TEXT NOT NULL REFERENCES data_requests (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (request_id, user_id)
);

CREATE TABLE request_followers (
    request_id TEXT NOT NULL REFERENCES data_requests (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (request_id, user_id)
);

CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    distribution_id TEXT REFERENCES distributions (id) ON DELETE SET NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    description TEXT NOT NULL,
    location TEXT,
    reporter_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    rule_id TEXT,
    dedup_key TEXT UNIQUE,
    due_at TEXT NOT NULL,
    long_due_at TEXT NOT NULL,
    resolution_note TEXT,
    resolved_version TEXT,
    duplicate_of TEXT REFERENCES feedback (id) ON DELETE SET NULL,
    closed_at TEXT,
    reminded_at TEXT,
    overdue_notified_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX feedback_dataset ON feedback (dataset_id, created_at);
CREATE INDEX feedback_organization ON feedback (organization_id, state, due_at);

-- Files attached to a message of a request's thread (`request_id` and `message_id`) or to a
-- feedback ticket (`feedback_id`). The bytes are in the blob store under `blob_key`, addressed by
-- their `sha256`.
CREATE TABLE ticket_attachments (
    id TEXT PRIMARY KEY,
    request_id TEXT REFERENCES data_requests (id) ON DELETE CASCADE,
    message_id TEXT REFERENCES request_messages (id) ON DELETE CASCADE,
    feedback_id TEXT REFERENCES feedback (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    blob_key TEXT NOT NULL,
    uploaded_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    CHECK ((request_id IS NULL) = (message_id IS NULL)),
    CHECK ((message_id IS NULL) <> (feedback_id IS NULL))
);
CREATE INDEX ticket_attachments_request ON ticket_attachments (request_id, created_at);
CREATE INDEX ticket_attachments_feedback ON ticket_attachments (feedback_id, created_at);
CREATE INDEX ticket_attachments_sha256 ON ticket_attachments (sha256);

-- A distribution hidden pending review (personal data exposed) is not downloadable.
ALTER TABLE distributions ADD COLUMN hidden_at TEXT;

CREATE TABLE dataset_followers (
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (dataset_id, user_id)
);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    params TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);

CREATE TABLE notification_settings (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email BIGINT NOT NULL,
    lang TEXT NOT NULL
);
