//! Reading a harvest source page by page, through the SSRF-guarded fetcher (its time limit
//! applies to every request, and `harvest.max_page_megabytes` caps each page): a CKAN Action API
//! (`package_search`, oldest change first, only what changed since the last run once one
//! succeeded), a DCAT catalog (following Hydra's `next` page) or a `data.json`.
//!
//! CKAN pages are read by key, not by offset: each page asks for what changed at or after the
//! newest change the previous page ended with (to the millisecond, the precision of CKAN's
//! search index), skipping the datasets of that millisecond already read. A dataset changed
//! during the run moves to the end of the order and is read there; none slides out of view.

use std::collections::HashSet;

use chrono::{DateTime, SecondsFormat, Utc};
use dulieu_core::harvest::{HarvestItemError, HarvestKind, RemoteDataset};
use dulieu_dcat::RdfSyntax;
use serde_json::Value;

use crate::App;

/// Why a source could not be read: a stable code and what went wrong, where.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Stable code (`http_status`, `timeout`, `not_ckan`, `unreadable_catalog`, ...).
    pub code: String,
    /// What went wrong, naming the URL or the place in the document.
    pub message: String,
}

impl Failure {
    pub(crate) fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }

    pub(crate) fn internal(e: impl std::fmt::Display) -> Self {
        Self::new("internal", e.to_string())
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// One page a source yielded: its datasets (or why one could not be read) and, when the source
/// says, how many it holds in all.
pub(crate) struct SourcePage {
    pub(crate) items: Vec<Result<RemoteDataset, HarvestItemError>>,
    pub(crate) total: Option<i64>,
    /// When a CKAN dataset on the page could not be read: the latest the run's high-water mark
    /// may reach (its change time, or the page's lower bound when it has none readable), so
    /// the next incremental run reads it again.
    pub(crate) hold: Option<DateTime<Utc>>,
}

enum Cursor {
    /// CKAN: changes at or after `since` (all when `None`), past the first `skip` of them.
    Ckan {
        since: Option<DateTime<Utc>>,
        skip: u64,
        done: bool,
    },
    Dcat {
        next: Option<String>,
    },
    DataJson {
        done: bool,
    },
}

/// Reads one source, page after page.
pub(crate) struct Reader<'a> {
    app: &'a App,
    url: String,
    cursor: Cursor,
    visited: HashSet<String>,
}

/// What catalogs are asked for, best first.
const RDF_ACCEPT: &str =
    "text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8, */*;q=0.1";

impl<'a> Reader<'a> {
    /// A reader of the source at `url`; `since` asks a CKAN source only for what changed since.
    pub(crate) fn new(
        app: &'a App,
        kind: HarvestKind,
        url: &str,
        since: Option<DateTime<Utc>>,
    ) -> Self {
        let cursor = match kind {
            HarvestKind::Ckan => Cursor::Ckan {
                since: since.map(to_millisecond),
                skip: 0,
                done: false,
            },
            HarvestKind::Dcat => Cursor::Dcat {
                next: Some(url.to_string()),
            },
            HarvestKind::DataJson => Cursor::DataJson { done: false },
        };
        Self {
            app,
            url: url.trim_end_matches('/').to_string(),
            cursor,
            visited: HashSet::new(),
        }
    }

    /// The next page, or `None` when the source has no more.
    pub(crate) async fn next_page(&mut self) -> Result<Option<SourcePage>, Failure> {
        match &mut self.cursor {
            Cursor::Ckan { done: true, .. } | Cursor::DataJson { done: true } => Ok(None),
            Cursor::Dcat { next: None } => Ok(None),
            Cursor::Ckan { since, skip, .. } => {
                let (since, skip) = (*since, *skip);
                let rows = self.page_size();
                let url = package_search_url(&self.url, skip, rows, since, false);
                let (body, _, _) = self.fetch(&url, "application/json").await?;
                // Parsed on another core while the run writes the page before.
                let base = self.url.clone();
                let (page, cursor) = tokio::task::spawn_blocking(move || {
                    read_ckan_page(ckan_answer(&body, &url)?, &url, &base, since, skip)
                })
                .await
                .map_err(Failure::internal)??;
                self.cursor = cursor;
                Ok(Some(page))
            }
            Cursor::Dcat { next: Some(url) } => {
                let url = url.clone();
                if !self.visited.insert(url.clone()) {
                    return Err(Failure::new(
                        "paging_loop",
                        format!("the catalog's next page {url} was already read"),
                    ));
                }
                let (body, content_type, final_url) = self.fetch(&url, RDF_ACCEPT).await?;
                let syntax = rdf_syntax(content_type.as_deref(), &final_url);
                let page = dulieu_dcat::read_dcat(&body, syntax, &final_url)
                    .map_err(|e| Failure::new("unreadable_catalog", format!("{url}: {e}")))?;
                self.cursor = Cursor::Dcat { next: page.next };
                Ok(Some(SourcePage {
                    items: page.datasets,
                    total: None,
                    hold: None,
                }))
            }
            Cursor::DataJson { done: false } => {
                let url = self.url.clone();
                let (body, _, _) = self.fetch(&url, "application/json").await?;
                let datasets = dulieu_dcat::read_data_json(&body)
                    .map_err(|e| Failure::new("unreadable_catalog", format!("{url}: {e}")))?;
                self.cursor = Cursor::DataJson { done: true };
                let total = Some(datasets.len() as i64);
                Ok(Some(SourcePage {
                    items: datasets,
                    total,
                    hold: None,
                }))
            }
        }
    }

    /// The ids of every dataset the source holds now (CKAN: `package_search` asking only for
    /// `id`, by id, which never changes); used after an incremental read, which saw only what
    /// changed. Reads until an empty page or the count is reached, at most `harvest.max_pages`
    /// pages.
    pub(crate) async fn sweep_ids(&mut self) -> Result<HashSet<String>, Failure> {
        let mut ids = HashSet::new();
        let rows = self.page_size();
        let mut start = 0;
        for _ in 0..self.app.config().harvest.max_pages {
            let url = package_search_url(&self.url, start, rows, None, true);
            let result = self.ckan_result(&url).await?;
            let results = result
                .get("results")
                .and_then(Value::as_array)
                .ok_or_else(|| not_ckan(&url, "result.results is not a list"))?;
            for package in results {
                let id = package
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| not_ckan(&url, "a result has no id"))?;
                ids.insert(id.to_string());
            }
            start += results.len() as u64;
            let total = result.get("count").and_then(Value::as_u64);
            if results.is_empty() || total.is_some_and(|t| start >= t) {
                return Ok(ids);
            }
        }
        Err(too_many_pages(self.app.config().harvest.max_pages))
    }

    fn max_page_bytes(&self) -> u64 {
        self.app
            .config()
            .harvest
            .max_page_megabytes
            .saturating_mul(1024 * 1024)
    }

    fn page_size(&self) -> u64 {
        u64::from(self.app.config().harvest.page_size.clamp(1, 1000))
    }

    /// The `result` of the CKAN action at `url`, or why there is none.
    async fn ckan_result(&self, url: &str) -> Result<Value, Failure> {
        let (body, _, _) = self.fetch(url, "application/json").await?;
        ckan_answer(&body, url)
    }

    /// Fetches `url` whole: its body, media type and final URL (after redirects).
    async fn fetch(
        &self,
        url: &str,
        accept: &str,
    ) -> Result<(Vec<u8>, Option<String>, String), Failure> {
        let dir = tempfile::tempdir().map_err(Failure::internal)?;
        let dest = dir.path().join("page");
        let fetched = self
            .app
            .fetcher()
            .fetch_accepting(url, &dest, accept, self.max_page_bytes())
            .await
            .map_err(|e| Failure::new(e.code(), e.to_string()))?;
        let body = tokio::fs::read(&dest).await.map_err(Failure::internal)?;
        Ok((body, fetched.content_type, fetched.final_url))
    }
}

/// A `package_search` page of the CKAN portal at `base`, oldest change first: only what changed
/// since `since` (that instant included) when given; only ids, by id, when `ids_only`.
fn package_search_url(
    base: &str,
    start: u64,
    rows: u64,
    since: Option<DateTime<Utc>>,
    ids_only: bool,
) -> String {
    let mut url = url::Url::parse(&format!("{base}/api/3/action/package_search"))
        .expect("the source URL was checked when it was saved");
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("q", "*:*")
            .append_pair("rows", &rows.to_string())
            .append_pair("start", &start.to_string());
        if ids_only {
            query.append_pair("sort", "id asc").append_pair("fl", "id");
        } else {
            query.append_pair("sort", "metadata_modified asc, id asc");
        }
        if let Some(since) = since.filter(|_| !ids_only) {
            query.append_pair(
                "fq",
                &format!(
                    "metadata_modified:[{} TO *]",
                    since.to_rfc3339_opts(SecondsFormat::Micros, true)
                ),
            );
        }
    }
    url.to_string()
}

/// The `result` of a CKAN action answer (`body`, from `url`), or why there is none.
fn ckan_answer(body: &[u8], url: &str) -> Result<Value, Failure> {
    let mut answer: Value = serde_json::from_slice(body).map_err(|e| {
        not_ckan(
            url,
            &format!(
                "the answer is not JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    if answer.get("success").and_then(Value::as_bool) != Some(true) {
        let message = answer
            .pointer("/error/message")
            .and_then(Value::as_str)
            .unwrap_or("success is not true");
        return Err(Failure::new("source_error", format!("{url}: {message}")));
    }
    answer
        .get_mut("result")
        .map(Value::take)
        .ok_or_else(|| not_ckan(url, "the answer has no result"))
}

/// A `package_search` page (its `result`, from `url`, asked from `since` past `skip`) as the
/// source's datasets, and where the next page starts.
fn read_ckan_page(
    result: Value,
    url: &str,
    base: &str,
    since: Option<DateTime<Utc>>,
    skip: u64,
) -> Result<(SourcePage, Cursor), Failure> {
    let total = result.get("count").and_then(Value::as_i64);
    let results = result
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| not_ckan(url, "result.results is not a list"))?;
    let mut hold: Option<DateTime<Utc>> = None;
    let mut items = Vec::with_capacity(results.len());
    for (i, package) in results.iter().enumerate() {
        match dulieu_ckan::package_to_remote(package, base) {
            Ok(remote) => items.push(Ok(remote)),
            Err(e) => {
                let at = package_modified(package)
                    .or(since)
                    .unwrap_or(DateTime::<Utc>::MIN_UTC);
                hold = Some(hold.map_or(at, |h| h.min(at)));
                items.push(Err(HarvestItemError {
                    remote_id: package_key(package)
                        .unwrap_or_else(|| format!("page from {skip}, item {i}")),
                    message: e.to_string(),
                }));
            }
        }
    }
    let changes: Vec<_> = results.iter().map(package_modified).collect();
    let (next_since, next_skip) = next_key(since, skip, &changes);
    // Done at an empty page, or one that held all the source said was left (a source may send
    // fewer rows than asked for).
    let read = skip + results.len() as u64;
    let cursor = Cursor::Ckan {
        since: next_since,
        skip: next_skip,
        done: results.is_empty() || total.is_some_and(|t| read >= t.max(0) as u64),
    };
    Ok((SourcePage { items, total, hold }, cursor))
}

/// The syntax of a catalog: its media type, else its URL's extension, else Turtle.
fn rdf_syntax(content_type: Option<&str>, url: &str) -> RdfSyntax {
    content_type
        .and_then(RdfSyntax::from_media_type)
        .or_else(|| {
            let path = url.split(['?', '#']).next().unwrap_or(url);
            path.rsplit_once('.')
                .and_then(|(_, extension)| RdfSyntax::from_extension(extension))
        })
        .unwrap_or(RdfSyntax::Turtle)
}

fn not_ckan(url: &str, what: &str) -> Failure {
    Failure::new(
        "not_ckan",
        format!("{url} does not answer like a CKAN Action API: {what}"),
    )
}

/// The error of a run that read more than `max` pages.
pub(crate) fn too_many_pages(max: u32) -> Failure {
    Failure::new(
        "too_many_pages",
        format!("the source has more than {max} pages (harvest.max_pages)"),
    )
}

/// When a package last changed, as it says (`metadata_modified`, UTC with or without `Z`).
fn package_modified(package: &Value) -> Option<DateTime<Utc>> {
    dulieu_ckan::time::parse(package.get("metadata_modified")?.as_str()?)
}

/// Where the page after one starts: at the last change it read, past the datasets of that
/// millisecond already read; `since` and `skip` past the whole page when it did not move past
/// `since` (more datasets changed in one millisecond than a page holds). `changes` are the
/// page's change times, oldest first.
fn next_key(
    since: Option<DateTime<Utc>>,
    skip: u64,
    changes: &[Option<DateTime<Utc>>],
) -> (Option<DateTime<Utc>>, u64) {
    let last = changes.iter().rev().find_map(|c| *c).map(to_millisecond);
    match last {
        Some(last) if Some(last) != since => {
            let same = changes
                .iter()
                .filter(|c| c.map(to_millisecond) == Some(last))
                .count() as u64;
            (Some(last), same)
        }
        _ => (since, skip + changes.len() as u64),
    }
}

/// `at` to the millisecond below: CKAN's search index keeps times to the millisecond, so a
/// finer lower bound could leave out the change it came from.
fn to_millisecond(at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::{DurationRound, TimeDelta};
    at.duration_trunc(TimeDelta::milliseconds(1)).unwrap_or(at)
}

/// How an unreadable package is named in the run's errors: its id, else its name.
fn package_key(package: &Value) -> Option<String> {
    ["id", "name"]
        .iter()
        .find_map(|k| package.get(*k).and_then(Value::as_str))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogs_are_read_in_the_syntax_they_say() {
        assert_eq!(
            rdf_syntax(
                Some("application/rdf+xml; charset=utf-8"),
                "https://x.vn/catalog"
            ),
            RdfSyntax::RdfXml
        );
        assert_eq!(
            rdf_syntax(
                Some("application/octet-stream"),
                "https://x.vn/catalog.jsonld?page=2"
            ),
            RdfSyntax::JsonLd
        );
        assert_eq!(rdf_syntax(None, "https://x.vn/catalog"), RdfSyntax::Turtle);
    }

    #[test]
    fn ckan_pages_follow_the_last_change_read_even_through_ties() {
        let at = |s: &str| Some(s.parse::<DateTime<Utc>>().unwrap());
        // The page ends at .002 (two datasets in that millisecond): the next asks from .002,
        // past those two.
        let page = [
            at("2026-01-01T00:00:00.001Z"),
            at("2026-01-01T00:00:00.002100Z"),
            at("2026-01-01T00:00:00.002900Z"),
        ];
        assert_eq!(
            next_key(None, 0, &page),
            (at("2026-01-01T00:00:00.002Z"), 2)
        );
        // A whole page in the millisecond it started at: the same bound, past the whole page.
        let tie = [
            at("2026-01-01T00:00:00.002500Z"),
            at("2026-01-01T00:00:00.002Z"),
        ];
        assert_eq!(
            next_key(at("2026-01-01T00:00:00.002Z"), 2, &tie),
            (at("2026-01-01T00:00:00.002Z"), 4)
        );
        // Nothing readable on the page: past it.
        assert_eq!(next_key(None, 3, &[None, None]), (None, 5));
        // CKAN's own format, without a zone, is UTC.
        let package = serde_json::json!({"metadata_modified": "2026-01-01T07:00:00.123456"});
        assert_eq!(
            package_modified(&package),
            at("2026-01-01T07:00:00.123456Z")
        );
    }

    #[test]
    fn ckan_pages_ask_for_changes_since_the_high_water_mark() {
        let since = "2026-11-30T01:02:03.000004Z".parse().unwrap();
        let url = package_search_url("https://ckan.gov.vn", 2000, 1000, Some(since), false);
        let query: Vec<(String, String)> = url::Url::parse(&url)
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert!(url.starts_with("https://ckan.gov.vn/api/3/action/package_search?"));
        assert!(query.contains(&("start".into(), "2000".into())));
        assert!(query.contains(&("rows".into(), "1000".into())));
        assert!(query.contains(&(
            "fq".into(),
            "metadata_modified:[2026-11-30T01:02:03.000004Z TO *]".into()
        )));
        let sweep = package_search_url("https://ckan.gov.vn", 0, 1000, None, true);
        assert!(sweep.contains("fl=id") && !sweep.contains("fq="), "{sweep}");
    }
}
