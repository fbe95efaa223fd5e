//! `package_search`: CKAN's `q`/`fq`/`fq_list` (the Solr subset of `dulieu_ckan::query`),
//! `sort`, `rows`/`start` and facets, over the search index; the page of packages is read from
//! the store in a few queries.

use chrono::Utc;
use dulieu_app::ckan::condition_of;
use dulieu_ckan::{Query, license, package, query};
use dulieu_search::{Attribute, Condition, Selection, SortKey};
use serde_json::{Map, Value, json};

use super::error::CkanError;
use super::read::packages;
use super::{Call, Failure};

/// Most rows per call (CKAN's `ckan.search.rows_max`).
pub const ROWS_MAX: u64 = 1000;
/// Most facet values listed per field: `facet.limit` above it, or negative (CKAN: unlimited),
/// lists this many.
pub const FACET_LIMIT_MAX: usize = 10_000;

/// The parameters `package_search` accepts; any other is a `Search Query Error`.
const KNOWN: &[&str] = &[
    "q",
    "fq",
    "fq_list",
    "sort",
    "rows",
    "start",
    "facet",
    "facet.field",
    "facet.limit",
    "facet.mincount",
    "include_private",
    "include_drafts",
    "include_deleted",
    "use_default_schema",
    "fl",
    "qf",
    "wt",
    "bf",
    "boost",
    "tie",
    "defType",
    "mm",
    "df",
    "callback",
    "_",
];

/// CKAN facet fields and the index's facets they count.
const FACETS: &[(&str, &str)] = &[
    ("organization", "organization"),
    ("owner_org", "organization"),
    ("tags", "keyword"),
    ("res_format", "format"),
    ("license_id", "license"),
    ("groups", "theme"),
];

fn parse(text: &str, what: &str) -> Result<Query, CkanError> {
    query::parse(text, Utc::now()).map_err(|e| CkanError::search_query(&format!("{what}: {e}")))
}

/// The words that rank results: the text terms of `q` that are not negated.
fn ranking_words(query: &Query, out: &mut Vec<String>) {
    match query {
        Query::Text(text) => out.push(text.clone()),
        Query::And(parts) | Query::Or(parts) => {
            for part in parts {
                ranking_words(part, out);
            }
        }
        _ => {}
    }
}

/// CKAN's sort string (`score desc, metadata_modified desc`) as the index's order. Relevance
/// without words to rank by falls to the next key.
fn sort_of(sort: &str, has_text: bool) -> Result<(SortKey, bool), CkanError> {
    let mut chosen = None;
    for clause in sort.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let mut parts = clause.split_whitespace();
        let field = parts.next().unwrap_or_default();
        let direction = parts.next().unwrap_or("asc").to_ascii_lowercase();
        let ascending = match direction.as_str() {
            "asc" => true,
            "desc" => false,
            _ => {
                return Err(CkanError::search_query(&format!(
                    "sort: '{direction}' is not asc or desc"
                )));
            }
        };
        let key = match field {
            "score" | "rank" => SortKey::Relevance,
            "metadata_modified" => SortKey::Updated,
            "metadata_created" => SortKey::Created,
            "name" => SortKey::Name,
            "title_string" | "title" => SortKey::Title,
            "id" => SortKey::Id,
            "views_recent" | "views_total" => SortKey::Relevance,
            other => {
                return Err(CkanError::search_query(&format!(
                    "sort: unknown field '{other}'"
                )));
            }
        };
        if chosen.is_none() {
            chosen = Some((key, ascending));
        }
        if key != SortKey::Relevance || has_text {
            return Ok((key, ascending));
        }
    }
    Ok(chosen.unwrap_or((SortKey::Relevance, false)))
}

pub(super) async fn package_search(call: Call) -> Result<Value, Failure> {
    let params = &call.params;
    if let Some(unknown) = params
        .values
        .keys()
        .find(|k| !KNOWN.contains(&k.as_str()) && !k.starts_with("ext_"))
    {
        return Err(
            CkanError::search_query(&format!("Invalid search parameters: {unknown}")).into(),
        );
    }
    let site = call.app.ckan_site().await?;
    let q_text = params.text("q")?.unwrap_or_default();
    let q = parse(&q_text, "q")?;
    let mut conditions = vec![condition_of(&q, &site)];
    let mut fq_texts: Vec<String> = params.text("fq")?.into_iter().collect();
    fq_texts.extend(params.list("fq_list", false)?);
    for fq in &fq_texts {
        conditions.push(condition_of(&parse(fq, "fq")?, &site));
    }
    if !params.flag("include_private", false)? {
        conditions.push(Condition::Attribute(Attribute::Private(false)));
    }
    let names_state = fq_texts.iter().any(|fq| fq.contains("state:"));
    if !params.flag("include_drafts", false)? && !names_state {
        conditions.push(Condition::Attribute(Attribute::Active(true)));
    }
    let mut words = Vec::new();
    ranking_words(&q, &mut words);
    let sort_text = params
        .text("sort")?
        .unwrap_or_else(|| "score desc, metadata_modified desc".into());
    let (sort, ascending) = sort_of(&sort_text, !words.is_empty())?;
    let rows = params.number("rows", 10)?.min(ROWS_MAX) as usize;
    let start = params.number("start", 0)? as usize;
    let facet_fields = if params.flag("facet", true)? {
        params.list("facet.field", false)?
    } else {
        Vec::new()
    };
    let facet_limit = match usize::try_from(params.integer("facet.limit", 50)?) {
        Ok(n) => n.min(FACET_LIMIT_MAX),
        Err(_) => FACET_LIMIT_MAX,
    };
    let index_facets: Vec<String> = facet_fields
        .iter()
        .filter_map(|f| FACETS.iter().find(|(ckan, _)| ckan == f))
        .map(|(_, ours)| ours.to_string())
        .collect();
    let selection = Selection {
        text: words.join(" "),
        condition: Condition::And(conditions),
        viewer: Default::default(),
        sort,
        ascending,
        offset: start,
        limit: rows,
        facets: index_facets,
        facet_limit,
    };
    let selected = call.app.ckan_select(&call.actor, selection).await?;
    let fl = params.text("fl")?.filter(|fl| fl != "*");
    let keep: Option<Vec<&str>> = fl
        .as_deref()
        .map(|fl| fl.split([',', ' ']).filter(|f| !f.is_empty()).collect());
    let results = match keep {
        // Only ids (a harvester's sweep of what is still there): the index alone answers.
        Some(keep) if !keep.is_empty() && keep.iter().all(|f| *f == "id") => {
            selected.ids.iter().map(|id| json!({"id": id})).collect()
        }
        keep => {
            let datasets = call.app.datasets_by_ids(&call.actor, &selected.ids).await?;
            let mut results = packages(&call.app, &datasets).await?;
            if let Some(keep) = &keep {
                for result in &mut results {
                    if let Value::Object(map) = result {
                        map.retain(|k, _| keep.contains(&k.as_str()));
                    }
                }
            }
            results
        }
    };
    let mut facets = Map::new();
    let mut search_facets = Map::new();
    for field in &facet_fields {
        let ours = FACETS
            .iter()
            .find(|(ckan, _)| ckan == field)
            .map(|(_, o)| *o);
        let buckets = ours
            .and_then(|o| selected.facets.get(o))
            .cloned()
            .unwrap_or_default();
        let mut counts = Map::new();
        let mut items: Vec<Value> = buckets
            .iter()
            .map(|b| {
                let name = if *field == "license_id" {
                    license::to_ckan(&b.value).to_string()
                } else {
                    b.value.clone()
                };
                let display = b
                    .label
                    .as_ref()
                    .and_then(|l| l.get("vi"))
                    .map_or_else(|| name.clone(), str::to_string);
                counts.insert(name.clone(), json!(b.count));
                json!({"name": name, "display_name": display, "count": b.count})
            })
            .collect();
        items.sort_by(|a, b| b["display_name"].as_str().cmp(&a["display_name"].as_str()));
        facets.insert(field.clone(), Value::Object(counts));
        search_facets.insert(field.clone(), json!({"title": field, "items": items}));
    }
    Ok(package::with(
        json!({"count": selected.total, "sort": sort_text}),
        [
            ("results", Value::Array(results)),
            ("facets", Value::Object(facets)),
            ("search_facets", Value::Object(search_facets)),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts() {
        assert_eq!(
            sort_of("score desc, metadata_modified desc", false).unwrap(),
            (SortKey::Updated, false)
        );
        assert_eq!(
            sort_of("score desc, metadata_modified desc", true).unwrap(),
            (SortKey::Relevance, false)
        );
        assert_eq!(
            sort_of("metadata_modified asc", false).unwrap(),
            (SortKey::Updated, true)
        );
        assert_eq!(sort_of("id asc", false).unwrap(), (SortKey::Id, true));
        assert!(sort_of("foo asc", false).is_err());
        assert!(sort_of("name sideways", false).is_err());
    }
}
