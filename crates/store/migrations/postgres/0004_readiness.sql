-- 0004: readiness assessments (DGRA, ODRA, OD4B, …) with their evidence, action plans with
-- their items and progress notes, and the site-wide portal team role.
-- Kept in step with the sqlite migration of the same number (a test compares the lists).

-- The portal team (the open data task force, `odtf`) edits assessments and action plans.
ALTER TABLE users ADD COLUMN is_odtf BIGINT NOT NULL DEFAULT 0;

CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    framework TEXT NOT NULL,
    framework_version TEXT NOT NULL,
    title_vi TEXT,
    title_en TEXT,
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    started_on TEXT,
    finished_on TEXT,
    published_on TEXT,
    assessors TEXT NOT NULL,
    source TEXT,
    based_on TEXT REFERENCES assessments (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE assessment_dimensions (
    assessment_id TEXT NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    dimension_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    importance TEXT,
    rating TEXT,
    commentary TEXT,
    commentary_lang TEXT,
    PRIMARY KEY (assessment_id, dimension_id)
);

CREATE TABLE assessment_questions (
    assessment_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    dimension_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    wording TEXT,
    wording_lang TEXT,
    importance TEXT,
    rating TEXT,
    commentary TEXT,
    commentary_lang TEXT,
    PRIMARY KEY (assessment_id, question_id),
    FOREIGN KEY (assessment_id, dimension_id)
        REFERENCES assessment_dimensions (assessment_id, dimension_id) ON DELETE CASCADE
);

-- An evidence item; `indicator` and `figure` (JSON) for a live figure of the portal.
CREATE TABLE assessment_evidence (
    id TEXT PRIMARY KEY,
    assessment_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    sign TEXT NOT NULL,
    body TEXT NOT NULL,
    lang TEXT NOT NULL,
    source TEXT,
    url TEXT,
    observed_on TEXT,
    indicator TEXT,
    figure TEXT,
    created_at TEXT NOT NULL,
    FOREIGN KEY (assessment_id, question_id)
        REFERENCES assessment_questions (assessment_id, question_id) ON DELETE CASCADE
);
CREATE INDEX assessment_evidence_question ON assessment_evidence (assessment_id, question_id, position);
CREATE INDEX assessment_evidence_indicator ON assessment_evidence (indicator);

CREATE TABLE action_plans (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title_vi TEXT,
    title_en TEXT,
    framework TEXT NOT NULL,
    assessment_id TEXT REFERENCES assessments (id) ON DELETE SET NULL,
    starts_on TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- `responsible`, `prerequisites` (item ids) and `refs` are JSON lists.
CREATE TABLE action_items (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES action_plans (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    dimension_id TEXT NOT NULL,
    term TEXT,
    title TEXT NOT NULL,
    description TEXT,
    lang TEXT NOT NULL,
    responsible TEXT NOT NULL,
    prerequisites TEXT NOT NULL,
    prerequisite_note TEXT,
    start_month BIGINT NOT NULL,
    end_month BIGINT NOT NULL,
    schedule_note TEXT,
    cost_min BIGINT,
    cost_max BIGINT,
    cost_currency TEXT,
    cost_per TEXT,
    cost_note TEXT,
    refs TEXT NOT NULL,
    status TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX action_items_plan ON action_items (plan_id, position);

CREATE TABLE action_item_notes (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES action_items (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    author_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    author_name TEXT,
    status TEXT NOT NULL,
    body TEXT
);
CREATE INDEX action_item_notes_item ON action_item_notes (item_id, at);
