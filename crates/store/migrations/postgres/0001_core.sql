-- 0001: catalog core — organizations, registers, datasets, distributions, accounts, event log, jobs.
-- Kept in step with the sqlite migration of the same number (a test compares the lists).

CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name_vi TEXT,
    name_en TEXT,
    description_vi TEXT,
    description_en TEXT,
    kind TEXT NOT NULL,
    parent_id TEXT REFERENCES organizations (id),
    contact_email TEXT,
    website TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX organizations_parent ON organizations (parent_id);

CREATE TABLE licenses (
    id TEXT PRIMARY KEY,
    title_vi TEXT NOT NULL,
    title_en TEXT NOT NULL,
    url TEXT,
    is_open BIGINT NOT NULL
);

CREATE TABLE themes (
    code TEXT PRIMARY KEY,
    label_vi TEXT NOT NULL,
    label_en TEXT NOT NULL,
    is_eu BIGINT NOT NULL
);

CREATE TABLE datasets (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title_vi TEXT,
    title_en TEXT,
    description_vi TEXT,
    description_en TEXT,
    publisher_id TEXT NOT NULL REFERENCES organizations (id),
    contact_name TEXT,
    contact_email TEXT,
    keywords TEXT NOT NULL,
    themes TEXT NOT NULL,
    license_id TEXT NOT NULL REFERENCES licenses (id),
    access_rights TEXT NOT NULL,
    temporal_start TEXT,
    temporal_end TEXT,
    spatial TEXT,
    frequency TEXT,
    issued TEXT,
    modified TEXT,
    version TEXT,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX datasets_publisher ON datasets (publisher_id, created_at);
CREATE INDEX datasets_created ON datasets (created_at, id);

CREATE TABLE distributions (
    id TEXT PRIMARY KEY,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    title_vi TEXT,
    title_en TEXT,
    description_vi TEXT,
    description_en TEXT,
    format TEXT,
    media_type TEXT,
    remote_url TEXT,
    current_version BIGINT NOT NULL,
    license_id TEXT REFERENCES licenses (id),
    issued TEXT,
    modified TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX distributions_dataset ON distributions (dataset_id, position);

CREATE TABLE distribution_versions (
    distribution_id TEXT NOT NULL REFERENCES distributions (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    media_type TEXT,
    filename TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT,
    PRIMARY KEY (distribution_id, version)
);
CREATE INDEX distribution_versions_sha256 ON distribution_versions (sha256);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_sysadmin BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE memberships (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE events (
    seq BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id TEXT,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    parent_id TEXT,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX events_entity ON events (entity_id, seq);
CREATE INDEX events_parent ON events (parent_id, seq);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL,
    run_at TEXT NOT NULL,
    locked_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX jobs_due ON jobs (status, run_at);

INSERT INTO licenses (id, title_vi, title_en, url, is_open) VALUES
    ('cc0-1.0', 'Creative Commons CC0 1.0 (dành cho phạm vi công cộng)', 'Creative Commons CC0 1.0 Public Domain Dedication', 'https://creativecommons.org/publicdomain/zero/1.0/', 1),
    ('cc-by-4.0', 'Creative Commons Ghi công 4.0', 'Creative Commons Attribution 4.0', 'https://creativecommons.org/licenses/by/4.0/', 1),
    ('cc-by-sa-4.0', 'Creative Commons Ghi công - Chia sẻ tương tự 4.0', 'Creative Commons Attribution-ShareAlike 4.0', 'https://creativecommons.org/licenses/by-sa/4.0/', 1),
    ('odbl-1.0', 'Giấy phép Cơ sở dữ liệu mở (ODbL) 1.0', 'Open Data Commons Open Database License 1.0', 'https://opendatacommons.org/licenses/odbl/1-0/', 1),
    ('odc-by-1.0', 'Giấy phép Ghi công Open Data Commons 1.0', 'Open Data Commons Attribution License 1.0', 'https://opendatacommons.org/licenses/by/1-0/', 1),
    ('pddl-1.0', 'Giấy phép Phạm vi công cộng Open Data Commons 1.0', 'Open Data Commons Public Domain Dedication and License 1.0', 'https://opendatacommons.org/licenses/pddl/1-0/', 1),
    ('cc-by-nc-4.0', 'Creative Commons Ghi công - Phi thương mại 4.0 (không mở)', 'Creative Commons Attribution-NonCommercial 4.0 (not open)', 'https://creativecommons.org/licenses/by-nc/4.0/', 0),
    ('none', 'Không có giấy phép', 'No license', NULL, 0);

INSERT INTO themes (code, label_vi, label_en, is_eu) VALUES
    ('AGRI', 'Nông nghiệp, thủy sản, lâm nghiệp và thực phẩm', 'Agriculture, fisheries, forestry and food', 1),
    ('ECON', 'Kinh tế và tài chính', 'Economy and finance', 1),
    ('EDUC', 'Giáo dục, văn hóa và thể thao', 'Education, culture and sport', 1),
    ('ENER', 'Năng lượng', 'Energy', 1),
    ('ENVI', 'Môi trường', 'Environment', 1),
    ('GOVE', 'Chính phủ và khu vực công', 'Government and public sector', 1),
    ('HEAL', 'Y tế', 'Health', 1),
    ('INTR', 'Các vấn đề quốc tế', 'International issues', 1),
    ('JUST', 'Tư pháp, hệ thống pháp luật và an toàn công cộng', 'Justice, legal system and public safety', 1),
    ('REGI', 'Vùng và đô thị', 'Regions and cities', 1),
    ('SOCI', 'Dân số và xã hội', 'Population and society', 1),
    ('TECH', 'Khoa học và công nghệ', 'Science and technology', 1),
    ('TRAN', 'Giao thông vận tải', 'Transport', 1);
