//! Read actions: status, packages, resources, organizations, groups (themes), tags, licenses.

use std::collections::HashMap;

use dulieu_app::App;
use dulieu_ckan::package::{self, Site};
use dulieu_core::account::Actor;
use dulieu_core::catalog::Dataset;
use dulieu_core::{Error, Result};
use dulieu_search::{Attribute, Condition, Selection, SortKey};
use serde_json::{Value, json};

use super::params::Params;
use super::{Call, Failure};

/// The packages of `datasets`, with the registers and the queryable tables read once.
pub(crate) async fn packages(app: &App, datasets: &[Dataset]) -> Result<Vec<Value>> {
    let site = app.ckan_site().await?;
    let queryable = app.queryable_distributions(datasets).await?;
    Ok(datasets
        .iter()
        .map(|d| package::package(d, &site, &queryable))
        .collect())
}

/// The package of one dataset.
pub(crate) async fn one_package(app: &App, dataset: &Dataset) -> Result<Value> {
    let mut list = packages(app, std::slice::from_ref(dataset)).await?;
    Ok(list.pop().unwrap_or(Value::Null))
}

pub(super) fn status_show(call: Call) -> std::result::Result<Value, Failure> {
    Ok(json!({
        "site_title": "dulieu",
        "site_description": dulieu_i18n::message(crate::extract::current_locale(), "portal.home.intro", &[]),
        "site_url": call.app.public_url(),
        "error_emails_to": null,
        "locale_default": "vi",
        "locales_offered": ["vi", "en"],
        "extensions": ["dulieu", "datastore", "fluent", "dcat"],
        "ckan_version": "2.10.0",
        "dulieu_version": env!("CARGO_PKG_VERSION"),
    }))
}

pub(super) async fn package_list(call: Call) -> std::result::Result<Value, Failure> {
    let limit = call.params.number("limit", 1000)?.min(1000);
    let offset = call.params.number_at_most("offset", 0, i64::MAX as u64)?;
    // Both fit an i64: `limit` ≤ 1000, `offset` ≤ i64::MAX.
    Ok(json!(
        call.app
            .public_dataset_names(offset as i64, limit as i64)
            .await?
    ))
}

pub(super) async fn package_show(call: Call) -> std::result::Result<Value, Failure> {
    let key = call.params.required_any(&["id", "name_or_id"])?;
    let dataset = call.app.get_dataset(&call.actor, &key).await?;
    Ok(one_package(&call.app, &dataset).await?)
}

pub(super) async fn resource_show(call: Call) -> std::result::Result<Value, Failure> {
    let key = call.params.required("id")?;
    let id = uuid::Uuid::parse_str(&key).map_err(|_| Error::not_found("distribution", &key))?;
    let distribution = call.app.get_distribution(&call.actor, id).await?;
    let dataset = call
        .app
        .get_dataset(&call.actor, &distribution.dataset_id.to_string())
        .await?;
    let package = one_package(&call.app, &dataset).await?;
    package["resources"]
        .as_array()
        .and_then(|list| list.iter().find(|r| r["id"] == json!(id)))
        .cloned()
        .ok_or_else(|| Failure::from(Error::not_found("distribution", key)))
}

/// Datasets per facet value (organization slugs, theme codes) among what `actor` sees, active.
async fn counts(
    app: &App,
    actor: &Actor,
    facet: &str,
    limit: usize,
) -> Result<HashMap<String, u64>> {
    let selection = Selection {
        text: String::new(),
        condition: Condition::Attribute(Attribute::Active(true)),
        viewer: Default::default(),
        sort: SortKey::Relevance,
        ascending: false,
        offset: 0,
        limit: 0,
        facets: vec![facet.to_string()],
        facet_limit: limit.max(1),
    };
    let selected = app.ckan_select(actor, selection).await?;
    Ok(selected
        .facets
        .get(facet)
        .into_iter()
        .flatten()
        .map(|b| (b.value.clone(), b.count))
        .collect())
}

/// Sorts, filters and pages a list of group-like dicts as `organization_list`/`group_list` do.
fn list_groups(
    params: &Params,
    mut items: Vec<Value>,
    key: &str,
) -> std::result::Result<Value, Failure> {
    let all_fields = params.flag("all_fields", false)?;
    let wanted = params.list(key, true)?;
    if !wanted.is_empty() {
        items.retain(|i| wanted.iter().any(|w| i["name"] == json!(w)));
    }
    if let Some(q) = params.text("q")? {
        let q = q.to_lowercase();
        items.retain(|i| {
            [&i["name"], &i["title"]]
                .iter()
                .any(|v| v.as_str().is_some_and(|s| s.to_lowercase().contains(&q)))
        });
    }
    let sort = params.text("sort")?.unwrap_or_else(|| "title asc".into());
    let mut parts = sort.split_whitespace();
    let field = parts.next().unwrap_or("title").to_string();
    let descending = parts.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
    match field.as_str() {
        "name" | "title" | "package_count" => {}
        _ => return Err(super::invalid("sort", "invalid_value")),
    }
    items.sort_by(|a, b| {
        let order = match field.as_str() {
            "package_count" => a["package_count"]
                .as_u64()
                .cmp(&b["package_count"].as_u64()),
            f => a[f].as_str().cmp(&b[f].as_str()),
        };
        if descending { order.reverse() } else { order }
    });
    let max = if all_fields { 25 } else { 1000 };
    let limit = params.number("limit", max)?.min(max) as usize;
    let offset = params.number("offset", 0)? as usize;
    let page = items.into_iter().skip(offset).take(limit);
    Ok(Value::Array(if all_fields {
        page.collect()
    } else {
        page.map(|i| i["name"].clone()).collect()
    }))
}

pub(super) async fn organization_list(call: Call) -> std::result::Result<Value, Failure> {
    let site = call.app.ckan_site().await?;
    let counts = counts(
        &call.app,
        &call.actor,
        "organization",
        site.organizations.len(),
    )
    .await?;
    let items = site
        .organizations
        .values()
        .map(|o| {
            let mut dict = package::organization(o);
            dict["package_count"] = json!(counts.get(&o.slug).copied().unwrap_or(0));
            dict["num_followers"] = json!(0);
            dict
        })
        .collect();
    list_groups(&call.params, items, "organizations")
}

pub(super) async fn organization_show(call: Call) -> std::result::Result<Value, Failure> {
    let key = call.params.required("id")?;
    let org = call.app.organization_by_key(&key).await?;
    let counts = counts(&call.app, &call.actor, "organization", 100_000).await?;
    let mut dict = package::organization(&org);
    dict["package_count"] = json!(counts.get(&org.slug).copied().unwrap_or(0));
    dict["extras"] = package::organization_extras(&org);
    dict["users"] = json!([]);
    dict["groups"] = json!([]);
    dict["tags"] = json!([]);
    dict["num_followers"] = json!(0);
    if call.params.flag("include_datasets", false)? {
        let selection = Selection {
            text: String::new(),
            condition: Condition::And(vec![
                Condition::Attribute(Attribute::Active(true)),
                Condition::Facet {
                    facet: "organization".into(),
                    value: org.slug.clone(),
                },
            ]),
            viewer: Default::default(),
            sort: SortKey::Updated,
            ascending: false,
            offset: 0,
            limit: 10,
            facets: Vec::new(),
            facet_limit: 1,
        };
        let selected = call.app.ckan_select(&call.actor, selection).await?;
        let datasets = call.app.datasets_by_ids(&call.actor, &selected.ids).await?;
        dict["packages"] = Value::Array(packages(&call.app, &datasets).await?);
    }
    Ok(dict)
}

fn group_dicts(site: &Site, counts: &HashMap<String, u64>) -> Vec<Value> {
    site.themes
        .values()
        .map(|t| {
            let mut dict = package::group(&t.code, Some(t));
            dict["package_count"] = json!(counts.get(&t.code).copied().unwrap_or(0));
            dict
        })
        .collect()
}

pub(super) async fn group_list(call: Call) -> std::result::Result<Value, Failure> {
    let site = call.app.ckan_site().await?;
    let counts = counts(&call.app, &call.actor, "theme", site.themes.len()).await?;
    list_groups(&call.params, group_dicts(&site, &counts), "groups")
}

pub(super) async fn group_show(call: Call) -> std::result::Result<Value, Failure> {
    let key = call.params.required("id")?;
    let site = call.app.ckan_site().await?;
    let counts = counts(&call.app, &call.actor, "theme", site.themes.len()).await?;
    group_dicts(&site, &counts)
        .into_iter()
        .find(|g| g["name"] == json!(key))
        .ok_or_else(|| Failure::from(Error::not_found("theme", key)))
}

pub(super) async fn tag_list(call: Call) -> std::result::Result<Value, Failure> {
    let query = match call.params.text("query")? {
        Some(q) => Some(q),
        None => call.params.text("q")?,
    }
    .map(|q| q.to_lowercase());
    let mut tags = call.app.public_keywords().await?;
    if let Some(q) = query {
        tags.retain(|t| t.to_lowercase().contains(&q));
    }
    Ok(if call.params.flag("all_fields", false)? {
        Value::Array(tags.iter().map(|t| package::tag(t)).collect())
    } else {
        json!(tags)
    })
}

pub(super) async fn license_list(call: Call) -> std::result::Result<Value, Failure> {
    Ok(Value::Array(
        call.app
            .licenses()
            .await?
            .iter()
            .map(package::license_entry)
            .collect(),
    ))
}
