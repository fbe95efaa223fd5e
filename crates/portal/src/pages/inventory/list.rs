//! `/inventory`: the national public inventory — every item the visitor may see (state secrets
//! are never listed to the public), filtered by organization, status, priority, sensitivity,
//! words and "overdue only" (a GET form), a page at a time, with links to the same selection as
//! CSV and XLSX and to the blank template.

use axum::extract::{Query, State};
use dulieu_app::inventory::{FilterText, InventoryQuery, ItemOrder};
use dulieu_app::{App, PageRequest};
use dulieu_core::Result;
use dulieu_i18n::message;
use dulieu_inventory::{ItemStatus, Priority, Sensitivity};
use serde::{Deserialize, Serialize};

use super::{Choice, Organizations, Row, choices};
use crate::error::{PageResult, respond};
use crate::lang::Lang;
use crate::pages::page_number;
use crate::render::render;
use crate::session::Visitor;

/// Items on one page of the list.
const PAGE_SIZE: i64 = 50;

/// `?organization=&status=&priority=&sensitivity=&q=&overdue=1&page=` of the list.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    organization: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    sensitivity: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    page: String,
}

impl ListParams {
    /// The app's query (a value outside its vocabulary is refused, 400).
    fn query(&self) -> Result<InventoryQuery> {
        let filters = FilterText {
            organization: &self.organization,
            status: &self.status,
            priority: &self.priority,
            sensitivity: &self.sensitivity,
            q: &self.q,
        };
        InventoryQuery::from_text(filters, self.overdue == "1", ItemOrder::Title)
    }

    fn page(&self) -> Result<i64> {
        page_number(&self.page)
    }

    /// The filters as a query string (without the page), for the page links and the exports.
    fn filters(&self) -> Vec<(&'static str, String)> {
        [
            ("organization", &self.organization),
            ("status", &self.status),
            ("priority", &self.priority),
            ("sensitivity", &self.sensitivity),
            ("q", &self.q),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, v.trim().to_string()))
        .chain((self.overdue == "1").then(|| ("overdue", "1".to_string())))
        .collect()
    }
}

/// `path?pairs` (just `path` without pairs).
fn with_query(path: &str, pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return path.to_string();
    }
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{path}?{query}")
}

#[derive(Serialize)]
struct ListPage {
    rows: Vec<Row>,
    total: i64,
    organizations: Vec<Choice>,
    statuses: Vec<Choice>,
    priorities: Vec<Choice>,
    sensitivities: Vec<Choice>,
    organization: String,
    status: String,
    priority: String,
    sensitivity: String,
    q: String,
    overdue: bool,
    page_number: i64,
    pages: i64,
    previous_href: Option<String>,
    next_href: Option<String>,
    csv_href: String,
    xlsx_href: String,
    template_href: String,
    priorities_href: String,
}

/// `GET /inventory`.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Query(params): Query<ListParams>,
) -> PageResult {
    let page = build(&app, &lang, &visitor, &params).await;
    respond(lang, page)
}

async fn build(app: &App, lang: &Lang, visitor: &Visitor, params: &ListParams) -> Result<String> {
    let locale = lang.locale;
    let query = params.query()?;
    let number = params.page()?;
    let found = app
        .list_inventory(
            &visitor.actor(),
            &query,
            PageRequest {
                page: number,
                page_size: PAGE_SIZE,
            },
        )
        .await?;
    let organizations = Organizations::read(app, locale).await?;
    let filters = params.filters();
    let pages = ((found.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page_href = |n: i64| {
        let mut pairs = filters.clone();
        if n > 1 {
            pairs.push(("page", n.to_string()));
        }
        with_query(&format!("{}/inventory", lang.prefix()), &pairs)
    };
    let mut export = filters.clone();
    export.push(("lang", locale.as_str().to_string()));
    let page = ListPage {
        rows: found
            .results
            .iter()
            .map(|item| Row::new(item, &organizations, lang))
            .collect(),
        total: found.total,
        organizations: organizations.choices.clone(),
        statuses: choices(ItemStatus::ALL, ItemStatus::as_str, "status", locale),
        priorities: choices(Priority::ALL, Priority::as_str, "priority", locale),
        sensitivities: choices(Sensitivity::ALL, Sensitivity::as_str, "sensitivity", locale)
            .into_iter()
            .filter(|c| c.value != Sensitivity::StateSecret.as_str() || visitor.signed_in.is_some())
            .collect(),
        organization: params.organization.trim().to_string(),
        status: params.status.trim().to_string(),
        priority: params.priority.trim().to_string(),
        sensitivity: params.sensitivity.trim().to_string(),
        q: params.q.trim().to_string(),
        overdue: query.overdue,
        page_number: number,
        pages,
        previous_href: (number > 1).then(|| page_href(number - 1)),
        next_href: (number < pages).then(|| page_href(number + 1)),
        csv_href: with_query("/api/1/inventory/export.csv", &export),
        xlsx_href: with_query("/api/1/inventory/export.xlsx", &export),
        template_href: format!("/api/1/inventory/template.xlsx?lang={}", locale.as_str()),
        priorities_href: with_query(
            &format!("{}/inventory/priorities", lang.prefix()),
            &filters
                .iter()
                .filter(|(k, _)| *k == "organization")
                .cloned()
                .collect::<Vec<_>>(),
        ),
    };
    let title = message(locale, "portal.inventory.title", &[]);
    render("inventory_list.html", lang, visitor, &title, page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_go_into_links_without_empty_values() {
        let params = ListParams {
            organization: "gso".into(),
            q: " dân số ".into(),
            overdue: "1".into(),
            page: "3".into(),
            ..ListParams::default()
        };
        assert_eq!(
            with_query("/inventory", &params.filters()),
            "/inventory?organization=gso&q=d%C3%A2n+s%E1%BB%91&overdue=1"
        );
        assert_eq!(params.page().unwrap(), 3);
        assert_eq!(with_query("/inventory", &[]), "/inventory");
    }

    #[test]
    fn values_outside_the_vocabularies_are_refused() {
        let bad = ListParams {
            status: "done".into(),
            ..ListParams::default()
        };
        assert!(bad.query().is_err());
        let good = ListParams {
            status: "published".into(),
            sensitivity: "public".into(),
            ..ListParams::default()
        };
        let query = good.query().unwrap();
        assert_eq!(query.status, Some(ItemStatus::Published));
        assert!(!query.overdue);
        assert!(
            ListParams {
                page: "0".into(),
                ..ListParams::default()
            }
            .page()
            .is_err()
        );
    }
}
