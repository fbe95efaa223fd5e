//! `/inventory/{id}`: one inventory item with every field (sensitivity and its legal basis, the
//! system of record — a national database by its name —, formats, volume, frequency, owning
//! unit, who is responsible, priority, effort, target date, status, the published dataset, the
//! reason not to publish), its demand and the data requests linked to it. Items not published
//! have a "request this data" button that opens the request form filled in for the item. The
//! organization's editors get "edit", its admins the delete form (CSRF, a confirmation box).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use dulieu_app::App;
use dulieu_app::inventory::ItemView;
use dulieu_core::{Error, Result};
use dulieu_i18n::message;
use dulieu_inventory::ItemStatus;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Organizations, Shown, item_path, label, national_database, organization_path};
use crate::error::PageError;
use crate::format;
use crate::lang::Lang;
use crate::pages::account::{checked, see_other, to_sign_in};
use crate::pages::requests::page_error;
use crate::render::render_page;
use crate::session::Visitor;

/// `?saved=1` after the item was saved.
#[derive(Debug, Default, Deserialize)]
pub struct ItemQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// One labelled value of the item's details.
#[derive(Debug, Serialize)]
struct Detail {
    label: String,
    text: String,
    lang: Option<&'static str>,
    /// A link, when the value is one.
    href: Option<String>,
    /// Kept as written (line breaks shown).
    long: bool,
}

impl Detail {
    fn new(label: String, text: impl Into<String>) -> Self {
        Self {
            label,
            text: text.into(),
            lang: None,
            href: None,
            long: false,
        }
    }
}

#[derive(Debug, Serialize)]
struct LinkedRow {
    href: String,
    title: String,
    state: String,
    votes: i64,
}

#[derive(Debug, Serialize)]
struct ItemPage {
    title_lang: Option<&'static str>,
    organization: String,
    organization_href: String,
    status: &'static str,
    status_label: String,
    overdue: bool,
    target_date: Option<String>,
    details: Vec<Detail>,
    requests_count: i64,
    votes: i64,
    requests: Vec<LinkedRow>,
    request_href: Option<String>,
    can_edit: bool,
    edit_href: String,
    can_delete: bool,
    delete_action: String,
    delete_error: Option<String>,
    csrf: String,
    saved: bool,
}

/// The item's details, in the page's language.
fn details(view: &ItemView, lang: &Lang) -> Vec<Detail> {
    let locale = lang.locale;
    let fields = &view.item.fields;
    let t = |key: &str| message(locale, &format!("portal.inventory.field.{key}"), &[]);
    let mut out = Vec::new();
    for (key, text, text_lang) in [
        ("title_vi", &fields.title.vi, "vi"),
        ("title_en", &fields.title.en, "en"),
    ] {
        if let Some(text) = text {
            out.push(Detail {
                lang: (text_lang != locale.as_str()).then_some(text_lang),
                ..Detail::new(t(key), text.clone())
            });
        }
    }
    for (key, text, text_lang) in [
        ("description_vi", &fields.description.vi, "vi"),
        ("description_en", &fields.description.en, "en"),
    ] {
        if let Some(text) = text {
            out.push(Detail {
                lang: (text_lang != locale.as_str()).then_some(text_lang),
                long: true,
                ..Detail::new(t(key), text.clone())
            });
        }
    }
    let optional = |text: &Option<String>| {
        text.clone()
            .unwrap_or_else(|| message(locale, "portal.inventory.not_stated", &[]))
    };
    out.push(Detail::new(
        t("sensitivity"),
        label(locale, "sensitivity", fields.sensitivity.as_str()),
    ));
    if fields.sensitivity.needs_legal_basis() || fields.legal_basis.is_some() {
        out.push(Detail {
            long: true,
            ..Detail::new(t("legal_basis"), optional(&fields.legal_basis))
        });
    }
    let system = fields
        .system_of_record
        .as_deref()
        .map(|code| match national_database(code) {
            Some(db) => format!(
                "{} ({code})",
                if locale.as_str() == "en" {
                    db.en
                } else {
                    db.vi
                }
            ),
            None => code.to_string(),
        });
    out.push(Detail::new(t("system_of_record"), optional(&system)));
    out.push(Detail::new(
        t("formats"),
        if fields.formats.is_empty() {
            message(locale, "portal.inventory.not_stated", &[])
        } else {
            fields.formats.join(", ")
        },
    ));
    out.push(Detail::new(t("volume"), optional(&fields.volume)));
    let frequency = fields.frequency.as_deref().map(|code| {
        let key = format!("ui.frequency.{code}");
        if dulieu_i18n::has_message(&key) {
            message(locale, &key, &[])
        } else {
            code.to_string()
        }
    });
    out.push(Detail::new(t("frequency"), optional(&frequency)));
    out.push(Detail::new(t("owning_unit"), optional(&fields.owning_unit)));
    out.push(Detail::new(t("responsible"), optional(&fields.responsible)));
    out.push(Detail::new(
        t("priority"),
        label(locale, "priority", fields.priority.as_str()),
    ));
    out.push(Detail::new(
        t("effort"),
        match fields.effort {
            Some(effort) => label(locale, "effort", effort.as_str()),
            None => message(locale, "portal.inventory.not_assessed", &[]),
        },
    ));
    if let Some(slug) = &fields.dataset {
        out.push(Detail {
            href: Some(format!("{}/dataset/{slug}", lang.prefix())),
            ..Detail::new(t("dataset"), slug.clone())
        });
    }
    if let Some(day) = view.item.published_on {
        out.push(Detail::new(t("published_on"), format::date(day, locale)));
    }
    if let Some(reason) = &fields.reason {
        out.push(Detail {
            long: true,
            ..Detail::new(t("reason"), reason.clone())
        });
    }
    out
}

/// The item's page; `delete_error` when the delete form was sent without its confirmation.
async fn show(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    id: Uuid,
    saved: bool,
    delete_error: Option<String>,
) -> Result<Response> {
    let locale = lang.locale;
    let actor = visitor.actor();
    let view = app.inventory_item(&actor, id).await?;
    let organizations = Organizations::read(app, locale).await?;
    let item = &view.item;
    let fields = &item.fields;
    let title = Shown::of(&fields.title, locale);
    let status = if delete_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ItemPage {
        title_lang: title.lang,
        organization: organizations.name(&item.organization, locale),
        organization_href: format!("{}{}", lang.prefix(), organization_path(&item.organization)),
        status: fields.status.as_str(),
        status_label: label(locale, "status", fields.status.as_str()),
        overdue: item.overdue,
        target_date: fields.target_date.map(|d| format::date(d, locale)),
        details: details(&view, lang),
        requests_count: item.demand.requests,
        votes: item.demand.votes,
        requests: view
            .requests
            .iter()
            .map(|r| LinkedRow {
                href: format!("{}/requests/{}", lang.prefix(), r.id),
                title: r.title.clone(),
                state: r.state.clone(),
                votes: r.votes,
            })
            .collect(),
        request_href: (fields.status != ItemStatus::Published)
            .then(|| format!("{}/requests/new?inventory_item={}", lang.prefix(), item.id)),
        can_edit: view.can_edit,
        edit_href: format!("{}{}/edit", lang.prefix(), item_path(item.id)),
        can_delete: actor.can_admin(item.organization_id),
        delete_action: format!("{}{}/delete", lang.prefix(), item_path(item.id)),
        delete_error,
        csrf: visitor.csrf_token(),
        saved,
    };
    render_page(
        "inventory_item.html",
        lang,
        visitor,
        &title.text,
        status,
        page,
    )
}

fn parse_id(raw: &str) -> Result<Uuid> {
    Uuid::parse_str(raw.trim()).map_err(|_| Error::not_found("inventory_item", raw))
}

/// `GET /inventory/{id}`.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(query): Query<ItemQuery>,
) -> std::result::Result<Response, PageError> {
    let shown = async {
        let id = parse_id(&id)?;
        show(&app, &lang, &visitor, id, query.saved.is_some(), None).await
    };
    shown.await.map_err(page_error(lang.clone()))
}

/// `POST /inventory/{id}/delete` (`csrf`, `confirm=1`): deletes the item (its organization's
/// admins) and goes to the organization's inventory; without the confirmation the item's page
/// comes back with the message at the box (422).
pub async fn delete(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(raw): Path<String>,
    body: Bytes,
) -> std::result::Result<Response, PageError> {
    let fields = checked(&lang, &visitor, &body)?;
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(&lang, &format!("/inventory/{raw}")));
    };
    let done = async {
        let id = parse_id(&raw)?;
        if fields.get("confirm") != "1" {
            let error = message(lang.locale, "portal.inventory.confirm_required", &[]);
            return show(&app, &lang, &visitor, id, false, Some(error)).await;
        }
        let organization = app
            .inventory_item(&signed_in.actor, id)
            .await?
            .item
            .organization;
        app.delete_inventory_item(&signed_in.actor, id).await?;
        Ok(see_other(
            &format!(
                "{}{}?deleted=1",
                lang.prefix(),
                organization_path(&organization)
            ),
            &[],
        ))
    };
    done.await.map_err(page_error(lang.clone()))
}
