//! `/workspace/organization/{slug}/inbox`: an organization's inbox, for its members and the
//! portal team (403 page for others): the data requests assigned to it that are not closed and
//! the open feedback on its datasets, each soonest deadline first, late ones highlighted.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use dulieu_app::paging::MAX_PAGE_SIZE;
use dulieu_app::requests::RequestQuery;
use dulieu_app::{App, PageRequest};
use dulieu_core::Result;
use dulieu_core::account::Actor;
use dulieu_i18n::message;
use serde::Serialize;
use uuid::Uuid;

use super::account::to_sign_in;
use super::feedback::{DatasetLink, FeedbackRow};
use super::requests::{Row, page_error};
use super::text_in;
use crate::error::PageError;
use crate::lang::Lang;
use crate::render::render;
use crate::session::Visitor;

#[derive(Serialize)]
struct InboxPage {
    organization: String,
    organization_href: String,
    requests: Vec<Row>,
    late_requests: usize,
    feedback: Vec<FeedbackRow>,
    late_feedback: usize,
    all_requests_href: String,
}

/// `GET /workspace/organization/{slug}/inbox`.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> std::result::Result<Response, PageError> {
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(
            &lang,
            &format!("/workspace/organization/{slug}/inbox"),
        ));
    };
    build(&app, &lang, &visitor, &signed_in.actor, &slug)
        .await
        .map(|html| Html(html).into_response())
        .map_err(page_error(lang))
}

async fn build(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    actor: &Actor,
    slug: &str,
) -> Result<String> {
    let locale = lang.locale;
    let organization = app.get_organization(slug).await?;
    // Refuses callers who are neither members nor the portal team.
    let tickets = app.organization_feedback(actor, slug).await?;
    let query = RequestQuery {
        organization: Some(slug.to_string()),
        by_deadline: true,
        ..RequestQuery::default()
    };
    let all = PageRequest {
        page: 1,
        page_size: MAX_PAGE_SIZE,
    };
    let now = Utc::now();
    let requests: Vec<Row> = app
        .list_requests(actor, &query, all)
        .await?
        .results
        .iter()
        .filter(|r| !r.state.is_closed())
        .map(|r| Row::new(app, lang, r, now))
        .collect();
    // Each dataset read once, however many tickets it has.
    let mut datasets: HashMap<Uuid, (String, String)> = HashMap::new();
    let mut feedback = Vec::with_capacity(tickets.len());
    for ticket in &tickets {
        let (title, dataset_slug) = match datasets.entry(ticket.dataset_id) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => {
                let dataset = app
                    .get_dataset(actor, &ticket.dataset_id.to_string())
                    .await?;
                slot.insert((text_in(&dataset.title, locale), dataset.slug))
            }
        };
        feedback.push(
            FeedbackRow::new(app, lang, ticket, now).with_dataset(DatasetLink {
                title: title.clone(),
                href: format!("{}/dataset/{dataset_slug}", lang.prefix()),
            }),
        );
    }
    let name = text_in(&organization.name, locale);
    let title = message(locale, "portal.inbox.title", &[("organization", &name)]);
    render(
        "inbox.html",
        lang,
        visitor,
        &title,
        InboxPage {
            late_requests: requests.iter().filter(|r| r.is_late()).count(),
            late_feedback: feedback.iter().filter(|r| r.is_late()).count(),
            organization: name,
            organization_href: format!("{}/organization/{slug}", lang.prefix()),
            all_requests_href: format!("{}/requests?organization={slug}", lang.prefix()),
            requests,
            feedback,
        },
    )
}
