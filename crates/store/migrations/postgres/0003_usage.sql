-- Usage of datasets: downloads counted per dataset per UTC day (`YYYY-MM-DD`, so text order is day
-- order). One row per dataset and day, incremented by an upsert; no event per download.
CREATE TABLE dataset_downloads (
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    downloads BIGINT NOT NULL,
    PRIMARY KEY (dataset_id, day)
);
CREATE INDEX dataset_downloads_day ON dataset_downloads (day, dataset_id);
