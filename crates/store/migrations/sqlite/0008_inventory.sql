-- 0008: inventory — what each organization holds, long before any of it is a dataset. The
-- writable fields are kept as JSON (the inventory crate defines them), with the ones lists filter
-- and sort on in columns; `search_text` is the titles, descriptions, unit, system and responsible lower-cased
-- and folded (no diacritics) for the `q` filter. Data requests linked to an item are its demand.
-- Kept in step with the other backend's migration of the same number (a test compares the lists).

CREATE TABLE inventory_items (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    fields TEXT NOT NULL,
    sort_title TEXT NOT NULL,
    search_text TEXT NOT NULL,
    sensitivity TEXT NOT NULL,
    priority TEXT NOT NULL,
    effort TEXT,
    status TEXT NOT NULL,
    target_date TEXT,
    dataset_id TEXT REFERENCES datasets (id) ON DELETE SET NULL,
    published_on TEXT,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
);
CREATE INDEX inventory_items_organization ON inventory_items (organization_id, sort_title);
CREATE INDEX inventory_items_target ON inventory_items (status, target_date);
CREATE INDEX inventory_items_dataset ON inventory_items (dataset_id);

CREATE TABLE inventory_item_requests (
    item_id TEXT NOT NULL REFERENCES inventory_items (id) ON DELETE CASCADE,
    request_id TEXT NOT NULL REFERENCES data_requests (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (item_id, request_id)
);
CREATE INDEX inventory_item_requests_request ON inventory_item_requests (request_id);
