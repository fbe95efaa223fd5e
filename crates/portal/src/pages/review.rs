//! `/dataset/{slug}/review`: a dataset's publication review (`App::dataset_review`), for the
//! members of its publisher and the portal team — its status, what blocks approval (the
//! watchdog's findings, as on the quality tab), what changed since it was last published, the
//! steps so far with their comments, and one form per step the visitor may take
//! (`POST …/review`, `action` and `comment`, CSRF checked). A step comes back to the page with a
//! notice; a refused comment (422) or a step that does not apply (409, e.g. blocking findings)
//! shows the page again with the message.

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use dulieu_app::App;
use dulieu_app::review::{FieldChange, ReviewAction, ReviewInput, ReviewStep};
use dulieu_core::account::Actor;
use dulieu_core::catalog::Dataset;
use dulieu_core::vocab::DatasetStatus;
use dulieu_core::{Error, Result};
use dulieu_i18n::{Locale, message};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::account::{field_messages, signed_in_post, to_sign_in};
use super::feedback::DatasetTabs;
use super::history::field_label;
use super::quality::dataset::FindingItem;
use super::text_in;
use super::ticket_forms::Answer;
use crate::error::PageError;
use crate::format;
use crate::lang::Lang;
use crate::notice::{NoticeQuery, redirect_with_notice};
use crate::render::render_page;
use crate::session::Visitor;

/// The review's routes under `prefix` (`""` or `"/en"`).
pub(crate) fn routes(prefix: &str) -> Router<App> {
    Router::new().route(
        &format!("{prefix}/dataset/{{slug}}/review"),
        get(page).post(step),
    )
}

/// The path of a dataset's review, without the language prefix.
pub(crate) fn review_path(slug: &str) -> String {
    format!("/dataset/{slug}/review")
}

/// True when `actor` sees the review of `publisher_id`'s datasets: its members, sysadmins.
fn is_member(actor: &Actor, publisher_id: Uuid) -> bool {
    actor.is_sysadmin || actor.role_in(publisher_id).is_some()
}

/// True when the review tab is worth showing: the publisher publishes through review, or the
/// dataset is in the middle of one.
fn shows_tab(required: bool, status: DatasetStatus) -> bool {
    required || matches!(status, DatasetStatus::InReview | DatasetStatus::Approved)
}

/// The review tab's link, when `actor` sees it for `dataset`.
pub(crate) async fn tab_href(
    app: &App,
    actor: &Actor,
    lang: &Lang,
    dataset: &Dataset,
) -> Result<Option<String>> {
    if !is_member(actor, dataset.publisher_id) {
        return Ok(None);
    }
    let required = app.publishes_through_review(dataset.publisher_id).await?;
    Ok(shows_tab(required, dataset.status)
        .then(|| format!("{}{}", lang.prefix(), review_path(&dataset.slug))))
}

#[derive(Serialize)]
struct ReviewPage {
    tabs: DatasetTabs,
    dataset_title: String,
    notice: Option<String>,
    /// The message of a step that did not apply (409).
    problem: Option<String>,
    status: &'static str,
    required: bool,
    blocking: Vec<FindingItem>,
    changes: Vec<ChangeRow>,
    never_published: bool,
    steps: Vec<StepRow>,
    forms: Vec<StepForm>,
}

#[derive(Serialize)]
struct ChangeRow {
    field: String,
    before: String,
    after: String,
}

#[derive(Serialize)]
struct StepRow {
    action: &'static str,
    who: String,
    when: String,
    datetime: String,
    comment: Option<String>,
}

/// The form of one step.
#[derive(Serialize)]
struct StepForm {
    action: &'static str,
    /// Where it posts.
    href: String,
    csrf: String,
    /// The comment is required (send back).
    comment_required: bool,
    /// The comment posted, when the form is shown again.
    comment: String,
    /// Errors of the comment (422).
    errors: Vec<String>,
}

/// A step that was refused, shown with the page.
#[derive(Default)]
struct Refused {
    action: Option<ReviewAction>,
    comment: String,
    errors: BTreeMap<String, Vec<String>>,
    problem: Option<String>,
}

/// The label of a compared field (`history`'s labels, plus the distributions').
fn change_label(field: &str, locale: Locale) -> String {
    match field {
        "distributions" => message(locale, "portal.review.field.distributions", &[]),
        _ => field_label(field, locale).unwrap_or_else(|| field.to_string()),
    }
}

/// A value of a field as text: nothing is "—", texts in both languages are "vi / en", lists are
/// joined, files are summarised by their title and format.
fn readable(field: &str, value: &Value, locale: Locale) -> String {
    let text = match (field, value) {
        ("distributions", Value::Array(list)) if !list.is_empty() => {
            let files: Vec<String> = list.iter().map(|d| distribution(d, locale)).collect();
            message(
                locale,
                "portal.review.files",
                &[
                    ("count", &list.len().to_string()),
                    ("files", &files.join("; ")),
                ],
            )
        }
        _ => plain(value),
    };
    if text.trim().is_empty() {
        "—".to_string()
    } else {
        text
    }
}

/// A distribution snapshot in a few words: its title (or address) and its format.
fn distribution(snapshot: &Value, locale: Locale) -> String {
    let other = match locale {
        Locale::Vi => Locale::En,
        Locale::En => Locale::Vi,
    };
    let title = [
        &snapshot["title"][locale.as_str()],
        &snapshot["title"][other.as_str()],
        &snapshot["remote_url"],
    ]
    .into_iter()
    .find_map(|v| v.as_str().filter(|t| !t.trim().is_empty()))
    .unwrap_or("—");
    match snapshot["format"].as_str().filter(|f| !f.is_empty()) {
        Some(format) => format!("{title} ({format})"),
        None => title.to_string(),
    }
}

/// Any JSON value as text.
fn plain(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(list) => join(list.iter().map(plain), ", "),
        // A text in both languages reads Vietnamese first.
        Value::Object(map) => {
            let first = ["vi", "en"].into_iter().filter_map(|k| map.get(k));
            let rest = map
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "vi" | "en"))
                .map(|(_, v)| v);
            join(first.chain(rest).map(plain), " / ")
        }
    }
}

fn join(parts: impl Iterator<Item = String>, separator: &str) -> String {
    parts
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join(separator)
}

fn change_row(change: &FieldChange, locale: Locale) -> ChangeRow {
    ChangeRow {
        field: change_label(&change.field, locale),
        before: readable(&change.field, &change.before, locale),
        after: readable(&change.field, &change.after, locale),
    }
}

async fn step_rows(app: &App, steps: &[ReviewStep], locale: Locale) -> Result<Vec<StepRow>> {
    let ids: Vec<Uuid> = steps.iter().filter_map(|s| s.actor_id).collect();
    let names = app.display_names(&ids).await?;
    Ok(steps
        .iter()
        .map(|s| StepRow {
            action: s.action.as_str(),
            who: match s.actor_id {
                None => message(locale, "portal.history.system", &[]),
                Some(id) => names
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| message(locale, "portal.history.someone", &[])),
            },
            when: format::moment(s.at, locale),
            datetime: format::datetime_attr(s.at),
            comment: s.comment.clone(),
        })
        .collect())
}

/// The review page of `slug` as `visitor` sees it, with the `refused` step's message; 404 for
/// those who are not members of the publisher.
async fn show(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    slug: &str,
    notice: &NoticeQuery,
    refused: Refused,
    status: StatusCode,
) -> Result<axum::response::Response> {
    let locale = lang.locale;
    let actor = visitor.actor();
    let dataset = app.get_dataset(&actor, slug).await?;
    if !is_member(&actor, dataset.publisher_id) {
        return Err(Error::not_found("dataset", slug));
    }
    let review = app.dataset_review(&actor, slug, locale).await?;
    let title = text_in(&dataset.title, locale);
    let href = format!("{}{}", lang.prefix(), review_path(&review.slug));
    let forms = review
        .actions
        .iter()
        .map(|&action| {
            let again = refused.action == Some(action);
            StepForm {
                action: action.as_str(),
                href: href.clone(),
                csrf: visitor.csrf_token(),
                comment_required: action == ReviewAction::SendBack,
                comment: if again {
                    refused.comment.clone()
                } else {
                    String::new()
                },
                errors: if again {
                    refused.errors.values().flatten().cloned().collect()
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    let page = ReviewPage {
        tabs: DatasetTabs::for_review(app, &actor, lang, &review.slug).await?,
        dataset_title: title.clone(),
        notice: notice.notice(locale),
        problem: refused.problem,
        status: review.status.as_str(),
        required: review.required,
        blocking: review.blocking.iter().map(FindingItem::from).collect(),
        never_published: review
            .changes
            .iter()
            .any(|c| c.field == "title" && c.before.is_null()),
        // An empty list that was never set reads the same before and after: not a change.
        changes: review
            .changes
            .iter()
            .map(|c| change_row(c, locale))
            .filter(|row| row.before != row.after)
            .collect(),
        steps: step_rows(app, &review.steps, locale).await?,
        forms,
    };
    let heading = message(locale, "portal.review.title", &[("dataset", &title)]);
    render_page("dataset_review.html", lang, visitor, &heading, status, page)
}

/// `GET /dataset/{slug}/review` (`?notice=review_…` after a step).
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(notice): Query<NoticeQuery>,
) -> Answer {
    show(
        &app,
        &lang,
        &visitor,
        &slug,
        &notice,
        Refused::default(),
        StatusCode::OK,
    )
    .await
    .map_err(|error| PageError { lang, error })
}

/// The notice after `action`.
fn done_notice(action: ReviewAction) -> &'static str {
    match action {
        ReviewAction::Submit => "review_submitted",
        ReviewAction::Withdraw => "review_withdrawn",
        ReviewAction::Approve => "review_approved",
        ReviewAction::SendBack => "review_sent_back",
        ReviewAction::Publish => "review_published",
    }
}

/// `POST /dataset/{slug}/review` (`csrf`, `action`, `comment`): takes the step and comes back
/// to the page with a notice; a refused comment shows the page again (422) with the message next
/// to the comment, a step that does not apply (409) with the reason. Visitors are sent to sign
/// in; others than the publisher's editors or approvers get the 403 (or 404) page.
pub async fn step(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> Answer {
    let Some((fields, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &review_path(&slug)));
    };
    let page_error = |error| PageError {
        lang: lang.clone(),
        error,
    };
    let Some(action) = ReviewAction::parse(fields.get("action")) else {
        return Err(page_error(Error::invalid("action", "invalid_value")));
    };
    let comment = fields.get("comment").to_string();
    let input = ReviewInput {
        action,
        comment: Some(comment.clone()),
    };
    let refused = match app
        .review_dataset(&signed_in.actor, &slug, input, lang.locale)
        .await
    {
        Ok(review) => {
            return Ok(redirect_with_notice(
                &lang,
                &review_path(&review.slug),
                done_notice(action),
                "",
            ));
        }
        Err(Error::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Refused {
                action: Some(action),
                comment,
                errors: field_messages(&errors, lang.locale),
                problem: None,
            },
        ),
        Err(Error::Conflict { code, value, .. }) => (
            StatusCode::CONFLICT,
            Refused {
                action: Some(action),
                comment,
                errors: BTreeMap::new(),
                problem: Some(message(
                    lang.locale,
                    &format!("error.{code}"),
                    &[("value", &value)],
                )),
            },
        ),
        Err(error) => return Err(page_error(error)),
    };
    let (status, refused) = refused;
    show(
        &app,
        &lang,
        &visitor,
        &slug,
        &NoticeQuery::default(),
        refused,
        status,
    )
    .await
    .map_err(page_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_said_as_text() {
        assert_eq!(readable("license", &Value::Null, Locale::En), "—");
        assert_eq!(
            readable(
                "title",
                &json!({"vi": "Dân số", "en": "Population"}),
                Locale::En
            ),
            "Dân số / Population"
        );
        assert_eq!(
            readable("title", &json!({"vi": "Dân số"}), Locale::Vi),
            "Dân số"
        );
        assert_eq!(
            readable("keywords", &json!(["dân số", "tỉnh"]), Locale::Vi),
            "dân số, tỉnh"
        );
        assert_eq!(readable("keywords", &json!([]), Locale::Vi), "—");
        let files = json!([
            {"title": {"vi": "Dân số", "en": "Population"}, "format": "CSV"},
            {"title": {}, "remote_url": "https://example.vn/a.xlsx", "format": null}
        ]);
        assert_eq!(
            readable("distributions", &files, Locale::En),
            "2 file(s): Population (CSV); https://example.vn/a.xlsx"
        );
    }

    #[test]
    fn every_step_has_its_notice_label_and_button() {
        for action in ReviewAction::ALL {
            let notice = done_notice(*action);
            assert!(dulieu_i18n::has_message(&format!("portal.notice.{notice}")));
            for key in ["step", "button"] {
                let key = format!("portal.review.{key}.{}", action.as_str());
                assert!(dulieu_i18n::has_message(&key), "{key}");
            }
        }
        assert_eq!(change_label("distributions", Locale::En), "Files");
        assert_eq!(change_label("license", Locale::En), "License");
    }
}
