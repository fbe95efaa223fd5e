//! Integration tests of the native API (`/api/1/`), the health probes and the OpenAPI document,
//! through the real router on a temporary SQLite database (and once on PostgreSQL when
//! `DULIEU_TEST_POSTGRES_URL` is set).

#[path = "api/support.rs"]
mod support;

#[path = "api/accounts.rs"]
mod accounts;
#[path = "api/attachments.rs"]
mod attachments;
#[path = "api/bad_input.rs"]
mod bad_input;
#[path = "api/ckan.rs"]
mod ckan;
#[path = "api/datasets.rs"]
mod datasets;
#[path = "api/distributions.rs"]
mod distributions;
#[path = "api/downloads.rs"]
mod downloads;
#[path = "api/exports.rs"]
mod exports;
#[path = "api/followers.rs"]
mod followers;
#[path = "api/inventory.rs"]
mod inventory;
#[path = "api/members.rs"]
mod members;
#[path = "api/organizations.rs"]
mod organizations;
#[path = "api/permissions.rs"]
mod permissions;
#[path = "api/postgres.rs"]
mod postgres;
#[path = "api/pull.rs"]
mod pull;
#[path = "api/push.rs"]
mod push;
#[path = "api/quality.rs"]
mod quality;
#[path = "api/readiness.rs"]
mod readiness;
#[path = "api/registers.rs"]
mod registers;
#[path = "api/requests.rs"]
mod requests;
#[path = "api/review.rs"]
mod review;
#[path = "api/search.rs"]
mod search;
#[path = "api/tables.rs"]
mod tables;
#[path = "api/usage.rs"]
mod usage;
