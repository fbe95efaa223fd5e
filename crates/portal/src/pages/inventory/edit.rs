//! The item form of an organization's editors and admins: `/organization/{slug}/inventory/new`
//! records an item, `/inventory/{id}/edit` changes one. Every field of the item (titles and
//! descriptions in both languages, owning unit, system of record with the national databases
//! offered, formats, volume, frequency, sensitivity and legal basis, priority, effort, target
//! date, status, published dataset, reason, who is responsible). The rules are the app's
//! (`ItemInput::normalized`, the dataset check); refused input comes back with each message
//! next to its field (422). Visitors are sent to sign in, others get the 403 page.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use dulieu_app::App;
use dulieu_core::account::Actor;
use dulieu_core::text::LangText;
use dulieu_core::vocab::FREQUENCIES;
use dulieu_core::{Error, FieldErrors, Result};
use dulieu_i18n::{Locale, message};
use dulieu_inventory::{Effort, ItemInput, ItemStatus, NATIONAL_DATABASES, Priority, Sensitivity};
use serde::Serialize;
use uuid::Uuid;

use super::{Choice, choices, item_path, organization_path};
use crate::error::PageError;
use crate::form::Fields;
use crate::lang::Lang;
use crate::pages::account::{checked, errors_summary, field_messages, see_other, to_sign_in};
use crate::pages::requests::page_error;
use crate::pages::text_in;
use crate::render::render_page;
use crate::session::Visitor;

/// What a form handler answers: a page, a redirect, or an error page.
type Answer = std::result::Result<Response, PageError>;

/// Error messages by input name.
type InputErrors = BTreeMap<String, Vec<String>>;

/// Fields of the rules shown at another input: a title or description in one language at its
/// input, "a title is required" at the Vietnamese title.
const RENAME: &[(&str, &str)] = &[
    ("title", "title_vi"),
    ("title.vi", "title_vi"),
    ("title.en", "title_en"),
    ("description.vi", "description_vi"),
    ("description.en", "description_en"),
];

/// What the form's inputs hold, as typed (kept when the form is shown again).
#[derive(Debug, Default, Serialize)]
struct Values {
    title_vi: String,
    title_en: String,
    description_vi: String,
    description_en: String,
    owning_unit: String,
    system_of_record: String,
    formats: String,
    volume: String,
    frequency: String,
    sensitivity: String,
    legal_basis: String,
    priority: String,
    effort: String,
    target_date: String,
    status: String,
    dataset: String,
    reason: String,
    responsible: String,
}

/// `value` of `field` read by `parse`, or an `invalid_value` error naming the accepted values.
fn vocabulary<T: Copy>(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    wire: fn(T) -> &'static str,
) -> Option<T> {
    let found = parse(value.trim());
    if found.is_none() && !value.trim().is_empty() {
        let accepted: Vec<&str> = all.iter().map(|v| wire(*v)).collect();
        errors.add_with(field, "invalid_value", "detail", accepted.join(", "));
    }
    found
}

impl Values {
    fn from_fields(fields: &Fields) -> Self {
        let get = |name: &str| fields.get(name).to_string();
        Self {
            title_vi: get("title_vi"),
            title_en: get("title_en"),
            description_vi: get("description_vi"),
            description_en: get("description_en"),
            owning_unit: get("owning_unit"),
            system_of_record: get("system_of_record"),
            formats: get("formats"),
            volume: get("volume"),
            frequency: get("frequency"),
            sensitivity: get("sensitivity"),
            legal_basis: get("legal_basis"),
            priority: get("priority"),
            effort: get("effort"),
            target_date: get("target_date"),
            status: get("status"),
            dataset: get("dataset"),
            reason: get("reason"),
            responsible: get("responsible"),
        }
    }

    fn from_input(input: &ItemInput) -> Self {
        let text = |t: &Option<String>| t.clone().unwrap_or_default();
        Self {
            title_vi: text(&input.title.vi),
            title_en: text(&input.title.en),
            description_vi: text(&input.description.vi),
            description_en: text(&input.description.en),
            owning_unit: text(&input.owning_unit),
            system_of_record: text(&input.system_of_record),
            formats: input.formats.join(", "),
            volume: text(&input.volume),
            frequency: text(&input.frequency),
            sensitivity: input.sensitivity.as_str().to_string(),
            legal_basis: text(&input.legal_basis),
            priority: input.priority.as_str().to_string(),
            effort: input
                .effort
                .map(|e| e.as_str().to_string())
                .unwrap_or_default(),
            target_date: input.target_date.map(|d| d.to_string()).unwrap_or_default(),
            status: input.status.as_str().to_string(),
            dataset: text(&input.dataset),
            reason: text(&input.reason),
            responsible: text(&input.responsible),
        }
    }

    /// The blank form: a public item just identified.
    fn blank() -> Self {
        Self {
            sensitivity: Sensitivity::Public.as_str().to_string(),
            status: ItemStatus::Identified.as_str().to_string(),
            ..Self::default()
        }
    }

    /// The item these values stand for; values outside their vocabularies, a date that is not
    /// one and a missing priority are field errors (the app checks the rest).
    fn to_input(&self) -> Result<ItemInput> {
        let mut errors = FieldErrors::new();
        let priority = vocabulary(
            &mut errors,
            "priority",
            &self.priority,
            Priority::parse,
            Priority::ALL,
            Priority::as_str,
        );
        if self.priority.trim().is_empty() {
            errors.add("priority", "required");
        }
        let sensitivity = vocabulary(
            &mut errors,
            "sensitivity",
            &self.sensitivity,
            Sensitivity::parse,
            Sensitivity::ALL,
            Sensitivity::as_str,
        );
        let status = vocabulary(
            &mut errors,
            "status",
            &self.status,
            ItemStatus::parse,
            ItemStatus::ALL,
            ItemStatus::as_str,
        );
        let effort = vocabulary(
            &mut errors,
            "effort",
            &self.effort,
            Effort::parse,
            Effort::ALL,
            Effort::as_str,
        );
        let target_date = match self.target_date.trim() {
            "" => None,
            day => {
                let parsed = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok();
                if parsed.is_none() {
                    errors.add("target_date", "invalid_date");
                }
                parsed
            }
        };
        errors.into_result()?;
        let optional = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty());
        let mut input = ItemInput::new(
            LangText {
                vi: optional(&self.title_vi),
                en: optional(&self.title_en),
            },
            priority.unwrap_or(Priority::LowValue),
        );
        input.description = LangText {
            vi: optional(&self.description_vi),
            en: optional(&self.description_en),
        };
        input.owning_unit = optional(&self.owning_unit);
        input.system_of_record = optional(&self.system_of_record);
        input.formats = self
            .formats
            .split([',', ';'])
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .collect();
        input.volume = optional(&self.volume);
        input.frequency = optional(&self.frequency);
        input.sensitivity = sensitivity.unwrap_or(Sensitivity::Public);
        input.legal_basis = optional(&self.legal_basis);
        input.effort = effort;
        input.target_date = target_date;
        input.status = status.unwrap_or(ItemStatus::Identified);
        input.dataset = optional(&self.dataset);
        input.reason = optional(&self.reason);
        input.responsible = optional(&self.responsible);
        Ok(input)
    }
}

/// Field errors by input name, translated: a field of the rules at its input ([`RENAME`]),
/// else at the input of its first part.
fn errors_by_input(errors: &FieldErrors, locale: Locale) -> InputErrors {
    let mut by_input = InputErrors::new();
    for (field, texts) in field_messages(errors, locale) {
        let top = field.split(['.', '[']).next().unwrap_or(&field).to_string();
        let input = RENAME
            .iter()
            .find(|(from, _)| *from == field)
            .map_or(top, |(_, to)| (*to).to_string());
        by_input.entry(input).or_default().extend(texts);
    }
    by_input
}

/// The options of the form's selects.
#[derive(Debug, Serialize)]
struct FormChoices {
    frequencies: Vec<Choice>,
    sensitivities: Vec<Choice>,
    priorities: Vec<Choice>,
    efforts: Vec<Choice>,
    statuses: Vec<Choice>,
    databases: Vec<Choice>,
}

impl FormChoices {
    fn new(locale: Locale) -> Self {
        Self {
            frequencies: FREQUENCIES
                .iter()
                .map(|f| Choice {
                    value: f.to_string(),
                    label: message(locale, &format!("ui.frequency.{f}"), &[]),
                })
                .collect(),
            sensitivities: choices(Sensitivity::ALL, Sensitivity::as_str, "sensitivity", locale),
            priorities: choices(Priority::ALL, Priority::as_str, "priority", locale),
            efforts: choices(Effort::ALL, Effort::as_str, "effort", locale),
            statuses: choices(ItemStatus::ALL, ItemStatus::as_str, "status", locale),
            databases: NATIONAL_DATABASES
                .iter()
                .map(|d| Choice {
                    value: d.code.to_string(),
                    label: if locale == Locale::En { d.en } else { d.vi }.to_string(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
struct FormPage {
    csrf: String,
    action: String,
    back_href: String,
    organization_name: String,
    editing: bool,
    values: Values,
    errors: InputErrors,
    form_error: Option<String>,
    choices: FormChoices,
}

/// Where the form is and what it is about.
struct FormContext<'a> {
    lang: &'a Lang,
    visitor: &'a Visitor,
    action: String,
    back_href: String,
    organization_name: String,
    editing: bool,
}

impl FormContext<'_> {
    fn show(&self, values: Values, errors: InputErrors) -> Result<Response> {
        let locale = self.lang.locale;
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let title_key = if self.editing {
            "portal.inventory.edit_title"
        } else {
            "portal.inventory.new_title"
        };
        let title = message(
            locale,
            title_key,
            &[("organization", &self.organization_name)],
        );
        let page = FormPage {
            csrf: self.visitor.csrf_token(),
            action: self.action.clone(),
            back_href: self.back_href.clone(),
            organization_name: self.organization_name.clone(),
            editing: self.editing,
            values,
            form_error: errors_summary(&errors, locale),
            errors,
            choices: FormChoices::new(locale),
        };
        render_page(
            "inventory_form.html",
            self.lang,
            self.visitor,
            &title,
            status,
            page,
        )
    }

    /// The answer to a submitted form: to the item's page when saved, the form again with the
    /// errors when refused, the error page otherwise.
    fn answer(&self, done: Result<Uuid>, values: Values) -> Answer {
        let lang = self.lang;
        let page_error = page_error(lang.clone());
        match done {
            Ok(id) => Ok(see_other(
                &format!("{}{}?saved=1", lang.prefix(), item_path(id)),
                &[],
            )),
            Err(Error::Invalid(errors)) => self
                .show(values, errors_by_input(&errors, lang.locale))
                .map_err(page_error),
            Err(error) => Err(page_error(error)),
        }
    }
}

/// The signed-in actor, or the answer for a visitor: the sign-in form, back to `path`.
fn signed_in(
    lang: &Lang,
    visitor: &Visitor,
    path: &str,
) -> std::result::Result<Actor, Box<Response>> {
    match &visitor.signed_in {
        Some(signed_in) => Ok(signed_in.actor.clone()),
        None => Err(Box::new(to_sign_in(lang, path))),
    }
}

fn forbidden(lang: &Lang, action: &'static str) -> Response {
    PageError {
        lang: lang.clone(),
        error: Error::Forbidden { action },
    }
    .into_response()
}

fn new_context<'a>(
    lang: &'a Lang,
    visitor: &'a Visitor,
    slug: &str,
    organization_name: String,
) -> FormContext<'a> {
    FormContext {
        lang,
        visitor,
        action: format!("{}{}/new", lang.prefix(), organization_path(slug)),
        back_href: format!("{}{}", lang.prefix(), organization_path(slug)),
        organization_name,
        editing: false,
    }
}

/// `GET /organization/{slug}/inventory/new`.
pub async fn new_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Answer {
    let actor = match signed_in(
        &lang,
        &visitor,
        &format!("{}/new", organization_path(&slug)),
    ) {
        Ok(actor) => actor,
        Err(answer) => return Ok(*answer),
    };
    let organization = app
        .get_organization(&slug)
        .await
        .map_err(page_error(lang.clone()))?;
    if !actor.can_edit_datasets_of(organization.id) {
        return Ok(forbidden(&lang, "inventory.create"));
    }
    let name = text_in(&organization.name, lang.locale);
    new_context(&lang, &visitor, &organization.slug, name)
        .show(Values::blank(), InputErrors::new())
        .map_err(page_error(lang.clone()))
}

/// `POST /organization/{slug}/inventory/new`: records the item and opens it.
pub async fn create(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> Answer {
    let fields = checked(&lang, &visitor, &body)?;
    let actor = match signed_in(
        &lang,
        &visitor,
        &format!("{}/new", organization_path(&slug)),
    ) {
        Ok(actor) => actor,
        Err(answer) => return Ok(*answer),
    };
    let organization = app
        .get_organization(&slug)
        .await
        .map_err(page_error(lang.clone()))?;
    let values = Values::from_fields(&fields);
    let done = match values.to_input() {
        Ok(input) => app
            .create_inventory_item(&actor, &organization.slug, input)
            .await
            .map(|item| item.id),
        Err(error) => Err(error),
    };
    let name = text_in(&organization.name, lang.locale);
    new_context(&lang, &visitor, &organization.slug, name).answer(done, values)
}

fn edit_context<'a>(
    lang: &'a Lang,
    visitor: &'a Visitor,
    id: Uuid,
    organization_name: String,
) -> FormContext<'a> {
    FormContext {
        lang,
        visitor,
        action: format!("{}{}/edit", lang.prefix(), item_path(id)),
        back_href: format!("{}{}", lang.prefix(), item_path(id)),
        organization_name,
        editing: true,
    }
}

fn parse_id(lang: &Lang, raw: &str) -> std::result::Result<Uuid, PageError> {
    Uuid::parse_str(raw.trim()).map_err(|_| PageError {
        lang: lang.clone(),
        error: Error::not_found("inventory_item", raw),
    })
}

/// The name of the organization `slug` in the page's language.
async fn organization_name(app: &App, lang: &Lang, slug: &str) -> Result<String> {
    Ok(text_in(
        &app.get_organization(slug).await?.name,
        lang.locale,
    ))
}

/// `GET /inventory/{id}/edit`.
pub async fn edit_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(raw): Path<String>,
) -> Answer {
    let actor = match signed_in(&lang, &visitor, &format!("/inventory/{raw}/edit")) {
        Ok(actor) => actor,
        Err(answer) => return Ok(*answer),
    };
    let id = parse_id(&lang, &raw)?;
    let shown = async {
        let view = app.inventory_item(&actor, id).await?;
        if !view.can_edit {
            return Err(Error::Forbidden {
                action: "inventory.update",
            });
        }
        let name = organization_name(&app, &lang, &view.item.organization).await?;
        edit_context(&lang, &visitor, id, name)
            .show(Values::from_input(&view.item.fields), InputErrors::new())
    };
    shown.await.map_err(page_error(lang.clone()))
}

/// `POST /inventory/{id}/edit`: saves the item and opens it.
pub async fn update(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(raw): Path<String>,
    body: Bytes,
) -> Answer {
    let fields = checked(&lang, &visitor, &body)?;
    let actor = match signed_in(&lang, &visitor, &format!("/inventory/{raw}/edit")) {
        Ok(actor) => actor,
        Err(answer) => return Ok(*answer),
    };
    let id = parse_id(&lang, &raw)?;
    let view = app
        .inventory_item(&actor, id)
        .await
        .map_err(page_error(lang.clone()))?;
    let values = Values::from_fields(&fields);
    let done = match values.to_input() {
        Ok(input) => app
            .update_inventory_item(&actor, id, input)
            .await
            .map(|item| item.id),
        Err(error) => Err(error),
    };
    let name = organization_name(&app, &lang, &view.item.organization)
        .await
        .map_err(page_error(lang.clone()))?;
    edit_context(&lang, &visitor, id, name).answer(done, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_form_reads_every_field() {
        let values = Values::from_fields(&fields(&[
            ("title_vi", " Dân số "),
            ("formats", "xlsx, PDF; oracle"),
            ("priority", "quick_win"),
            ("sensitivity", "restricted"),
            ("legal_basis", "Luật Thống kê"),
            ("effort", ""),
            ("target_date", "2026-12-31"),
            ("status", "assessed"),
            ("system_of_record", "csdlqg-dan-cu"),
        ]));
        let input = values.to_input().unwrap();
        assert_eq!(input.title.vi.as_deref(), Some("Dân số"));
        assert_eq!(input.formats, vec!["xlsx", "PDF", "oracle"]);
        assert_eq!(input.priority, Priority::QuickWin);
        assert_eq!(input.sensitivity, Sensitivity::Restricted);
        assert_eq!(input.effort, None);
        assert_eq!(input.target_date, NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(input.status, ItemStatus::Assessed);
        // And back: what the edit form shows.
        let again = Values::from_input(&input);
        assert_eq!(again.target_date, "2026-12-31");
        assert_eq!(again.formats, "xlsx, PDF, oracle");
    }

    #[test]
    fn bad_values_are_field_errors_shown_at_their_inputs() {
        let values = Values::from_fields(&fields(&[
            ("priority", ""),
            ("status", "done"),
            ("target_date", "31/12/2026"),
        ]));
        let Err(Error::Invalid(errors)) = values.to_input() else {
            panic!("refused");
        };
        let by_input = errors_by_input(&errors, Locale::En);
        let inputs: Vec<&str> = by_input.keys().map(String::as_str).collect();
        assert_eq!(inputs, vec!["priority", "status", "target_date"]);
        let mut title = FieldErrors::new();
        title.add("title", "required");
        title.add("description.en", "too_long");
        let by_input = errors_by_input(&title, Locale::En);
        assert!(by_input.contains_key("title_vi") && by_input.contains_key("description_en"));
    }
}
