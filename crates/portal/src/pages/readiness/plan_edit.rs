//! The portal team's forms on action plans: start a plan, add an item (dimension, months,
//! responsible bodies, prerequisites among the plan's items, cost, references), update an item
//! (status, progress note), remove an item, publish or withdraw a plan. Every form carries the
//! CSRF token; the rules are the app's (`App::create_plan`, `App::add_action_item`, …) and their
//! field errors are shown next to the inputs.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use dulieu_app::App;
use dulieu_core::text::LangText;
use dulieu_core::{Error, FieldErrors, Result};
use dulieu_i18n::{Locale, message};
use dulieu_readiness::assessment::is_web_link;
use dulieu_readiness::plan::{ActionPlan, Cost, ItemUpdate, Reference};
use dulieu_readiness::plan_input::{NewItem, NewPlan};
use dulieu_readiness::{ContentLang, ItemStatus, PublicationStatus, Term};
use serde::Serialize;
use uuid::Uuid;

use super::plan::item_anchor;
use super::team::{
    Answer, Choice, InputErrors, Shown, Team, as_team, language_choices, optional, optional_date,
    page_error,
};
use super::{BASE, foreign, plan_path, status_label, title_in};
use crate::form::Fields;
use crate::lang::Lang;
use crate::pages::account::{checked, see_other};
use crate::session::Visitor;

// ------------------------------------------------------------------------------ new plan --

fn new_plan_path() -> String {
    format!("{BASE}/new-plan")
}

/// What the new plan form holds.
#[derive(Debug, Default, Serialize)]
struct PlanValues {
    title_vi: String,
    title_en: String,
    slug: String,
    framework: String,
    assessment: String,
    starts_on: String,
    source: String,
}

#[derive(Serialize)]
struct NewPlanPage {
    csrf: String,
    action: String,
    back_href: String,
    frameworks: Vec<Choice>,
    assessments: Vec<Choice>,
    values: PlanValues,
    form_error: Option<String>,
    errors: InputErrors,
}

async fn show_new_plan(team: &Team<'_>, shown: Shown<PlanValues>) -> Result<Response> {
    let (lang, locale) = (team.lang, team.lang.locale);
    let mut frameworks: Vec<Choice> = Vec::new();
    for framework in team.app.frameworks().all() {
        if !frameworks.iter().any(|c| c.value == framework.id) {
            frameworks.push(Choice {
                value: framework.id.clone(),
                label: title_in(&framework.name, locale),
            });
        }
    }
    let assessments = team
        .app
        .list_assessments(team.actor)
        .await?
        .into_iter()
        .map(|a| Choice {
            value: a.slug,
            label: title_in(&a.meta.title, locale),
        })
        .collect();
    let form_error = shown.summary(locale);
    let page = NewPlanPage {
        csrf: team.csrf(),
        action: format!("{}{}", lang.prefix(), new_plan_path()),
        back_href: format!("{}{BASE}", lang.prefix()),
        frameworks,
        assessments,
        values: shown.values.unwrap_or_else(|| PlanValues {
            framework: "odra".into(),
            starts_on: chrono::Utc::now().date_naive().to_string(),
            ..PlanValues::default()
        }),
        form_error,
        errors: shown.errors,
    };
    let title = message(locale, "portal.readiness.new_plan", &[]);
    team.show("readiness_new_plan.html", &title, shown.status, page)
}

/// `GET /readiness/new-plan`: the form that starts an action plan.
pub async fn new_plan_form(State(app): State<App>, lang: Lang, visitor: Visitor) -> Answer {
    as_team!(app, lang, visitor, new_plan_path(), |team| {
        show_new_plan(&team, Shown::blank())
            .await
            .map_err(|e| team.error(e))
    })
}

/// The plan the form asks for.
fn new_plan(fields: &Fields) -> std::result::Result<NewPlan, Error> {
    let starts_on = optional_date(fields, "starts_on")?.ok_or_else(|| {
        let mut errors = FieldErrors::new();
        errors.add("starts_on", "required");
        Error::Invalid(errors)
    })?;
    Ok(NewPlan {
        slug: optional(fields, "slug"),
        title: LangText {
            vi: optional(fields, "title_vi"),
            en: optional(fields, "title_en"),
        },
        framework: fields.get("framework").trim().to_string(),
        assessment: optional(fields, "assessment"),
        starts_on,
        source: optional(fields, "source"),
    })
}

/// `POST /readiness/new-plan`: starts the plan (a draft) and opens it.
pub async fn create_plan(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    body: Bytes,
) -> Answer {
    let fields = checked(&lang, &visitor, &body)?;
    as_team!(app, lang, visitor, new_plan_path(), |team| {
        let result = match new_plan(&fields) {
            Ok(input) => app.create_plan(team.actor, input).await,
            Err(error) => Err(error),
        };
        team.answer_submitted(
            result,
            |plan| format!("{}?saved=1", plan_path(&plan.slug)),
            &[("title", "title_vi")],
            async |e| {
                let get = |name: &str| fields.get(name).to_string();
                let values = PlanValues {
                    title_vi: get("title_vi"),
                    title_en: get("title_en"),
                    slug: get("slug"),
                    framework: get("framework"),
                    assessment: get("assessment"),
                    starts_on: get("starts_on"),
                    source: get("source"),
                };
                show_new_plan(&team, Shown::refused(values, e)).await
            },
        )
        .await
    })
}

// ------------------------------------------------------------------------------ new item --

fn new_item_path(slug: &str) -> String {
    format!("{}/new-item", plan_path(slug))
}

/// What the new item form holds.
#[derive(Debug, Default, Serialize)]
struct ItemValues {
    dimension: String,
    term: String,
    title: String,
    description: String,
    lang: String,
    responsible: String,
    start_month: String,
    end_month: String,
    cost_min: String,
    cost_max: String,
    cost_currency: String,
    cost_note: String,
    references: String,
    prerequisites: Vec<String>,
}

/// An item of the plan offered as a prerequisite.
#[derive(Serialize)]
struct Candidate {
    id: String,
    title: String,
    lang: Option<&'static str>,
    checked: bool,
}

/// The items of `plan` offered as prerequisites (all but `except`), those in `checked` ticked.
fn candidates(
    plan: &ActionPlan,
    except: Option<Uuid>,
    checked: &[String],
    locale: Locale,
) -> Vec<Candidate> {
    plan.items
        .iter()
        .filter(|i| Some(i.id) != except)
        .map(|i| Candidate {
            id: i.id.to_string(),
            title: i.title.clone(),
            lang: foreign(i.lang, locale),
            checked: checked.contains(&i.id.to_string()),
        })
        .collect()
}

/// The items of `plan` ticked in the form: one checkbox per item, named after it.
fn ticked_prerequisites(fields: &Fields, plan: &ActionPlan) -> Vec<String> {
    plan.items
        .iter()
        .map(|i| i.id.to_string())
        .filter(|id| !fields.get(&format!("prerequisite-{id}")).is_empty())
        .collect()
}

/// The ids among `ticked` (each came from [`ticked_prerequisites`], so each parses).
fn prerequisite_ids(ticked: &[String]) -> Vec<Uuid> {
    ticked
        .iter()
        .filter_map(|id| Uuid::parse_str(id).ok())
        .collect()
}

#[derive(Serialize)]
struct NewItemPage {
    csrf: String,
    action: String,
    back_href: String,
    plan: String,
    dimensions: Vec<Choice>,
    terms: Vec<Choice>,
    langs: Vec<Choice>,
    candidates: Vec<Candidate>,
    values: ItemValues,
    form_error: Option<String>,
    errors: InputErrors,
}

/// The input name of each field of the rules that has its own.
const ITEM_INPUTS: &[(&str, &str)] = &[
    ("cost.min", "cost_min"),
    ("cost.max", "cost_max"),
    ("cost.currency", "cost_currency"),
    ("cost.note", "cost_note"),
    ("cost.per", "cost_note"),
];

async fn show_new_item(team: &Team<'_>, slug: &str, shown: Shown<ItemValues>) -> Result<Response> {
    let (lang, locale) = (team.lang, team.lang.locale);
    let (plan, framework) = team.app.get_plan(team.actor, slug).await?;
    let form_error = shown.summary(locale);
    let values = shown.values.unwrap_or_else(|| ItemValues {
        lang: locale.as_str().to_string(),
        start_month: "1".into(),
        end_month: "3".into(),
        cost_currency: "USD".into(),
        ..ItemValues::default()
    });
    let page = NewItemPage {
        csrf: team.csrf(),
        action: format!("{}{}", lang.prefix(), new_item_path(&plan.slug)),
        back_href: format!("{}{}", lang.prefix(), plan_path(&plan.slug)),
        plan: title_in(&plan.title, locale),
        dimensions: framework
            .dimensions
            .iter()
            .map(|d| Choice {
                value: d.id.clone(),
                label: format!("{}. {}", d.id, title_in(&d.name, locale)),
            })
            .collect(),
        terms: Term::ALL
            .iter()
            .map(|t| Choice {
                value: t.as_str().to_string(),
                label: message(locale, &format!("readiness.term.{}", t.as_str()), &[]),
            })
            .collect(),
        langs: language_choices(locale),
        candidates: candidates(&plan, None, &values.prerequisites, locale),
        values,
        form_error,
        errors: shown.errors,
    };
    let title = message(locale, "portal.readiness.add_item", &[]);
    team.show("readiness_new_item.html", &title, shown.status, page)
}

/// `GET /readiness/plans/{slug}/new-item`: the form that adds an item to a plan.
pub async fn new_item_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Answer {
    as_team!(app, lang, visitor, new_item_path(&slug), |team| {
        show_new_item(&team, &slug, Shown::blank())
            .await
            .map_err(|e| team.error(e))
    })
}

/// A whole number of the form (`50.000`, `50,000` and `50 000` read as 50000); `None` when
/// empty, an `invalid_value` of `input` when not a number.
fn amount(value: &str, input: &str, errors: &mut FieldErrors) -> Option<u64> {
    let digits: String = value
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '_'))
        .collect();
    if digits.is_empty() {
        return None;
    }
    match digits.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.add_with(input, "invalid_value", "detail", value.trim());
            None
        }
    }
}

/// References written one per line, a link at the end of a line being its URL.
fn references(text: &str) -> Vec<Reference> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| match line.rsplit_once(char::is_whitespace) {
            Some((title, url)) if is_web_link(url) => Reference {
                title: title.trim().to_string(),
                url: Some(url.to_string()),
            },
            _ if is_web_link(line) => Reference {
                title: line.to_string(),
                url: Some(line.to_string()),
            },
            _ => Reference {
                title: line.to_string(),
                url: None,
            },
        })
        .collect()
}

/// The item the form asks for; numbers that are not numbers are refused before the rules run.
fn new_item(values: &ItemValues) -> std::result::Result<NewItem, FieldErrors> {
    let mut errors = FieldErrors::new();
    // A month that is not a number reads as 0, which the rules refuse next to its input.
    let month = |text: &str| text.trim().parse::<u32>().unwrap_or(0);
    let cost = Cost {
        min: amount(&values.cost_min, "cost_min", &mut errors),
        max: amount(&values.cost_max, "cost_max", &mut errors),
        currency: Some(values.cost_currency.clone()),
        per: None,
        note: Some(values.cost_note.clone()),
    };
    let prerequisites = prerequisite_ids(&values.prerequisites);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewItem {
        dimension: values.dimension.clone(),
        term: Term::parse(values.term.trim()),
        title: values.title.clone(),
        description: Some(values.description.clone()),
        lang: ContentLang::parse(&values.lang),
        responsible: values
            .responsible
            .split([',', '\n'])
            .map(str::to_string)
            .collect(),
        prerequisites,
        start_month: month(&values.start_month),
        end_month: month(&values.end_month),
        // With no amount, a currency alone says nothing.
        cost: if cost.min.is_none() && cost.max.is_none() {
            Cost {
                currency: None,
                ..cost
            }
        } else {
            cost
        },
        references: references(&values.references),
        status: None,
    })
}

/// `POST /readiness/plans/{slug}/new-item`: adds the item, then back to the plan at it.
pub async fn add_item(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> Answer {
    let fields = checked(&lang, &visitor, &body)?;
    as_team!(app, lang, visitor, new_item_path(&slug), |team| {
        let (plan, _) = app
            .get_plan(team.actor, &slug)
            .await
            .map_err(|e| team.error(e))?;
        let get = |name: &str| fields.get(name).to_string();
        let values = ItemValues {
            dimension: get("dimension"),
            term: get("term"),
            title: get("title"),
            description: get("description"),
            lang: get("lang"),
            responsible: get("responsible"),
            start_month: get("start_month"),
            end_month: get("end_month"),
            cost_min: get("cost_min"),
            cost_max: get("cost_max"),
            cost_currency: get("cost_currency"),
            cost_note: get("cost_note"),
            references: get("references"),
            prerequisites: ticked_prerequisites(&fields, &plan),
        };
        let result = match new_item(&values) {
            Ok(input) => app.add_action_item(team.actor, &slug, input).await,
            Err(errors) => Err(Error::Invalid(errors)),
        };
        team.answer_submitted(
            result,
            |item| format!("{}?saved=1#{}", plan_path(&plan.slug), item_anchor(&item)),
            ITEM_INPUTS,
            async |e| show_new_item(&team, &slug, Shown::refused(values, e)).await,
        )
        .await
    })
}

// --------------------------------------------------------------------------- update item --

/// What the item update form holds.
#[derive(Debug, Default, Serialize)]
struct UpdateValues {
    status: String,
    note: String,
    prerequisites: Vec<String>,
}

#[derive(Serialize)]
struct NoteView {
    at: String,
    author: Option<String>,
    status_label: String,
    text: Option<String>,
}

#[derive(Serialize)]
struct ItemPage {
    csrf: String,
    action: String,
    remove_action: String,
    back_href: String,
    plan: String,
    item_title: String,
    lang: Option<&'static str>,
    months: String,
    current: String,
    statuses: Vec<Choice>,
    candidates: Vec<Candidate>,
    values: UpdateValues,
    notes: Vec<NoteView>,
    form_error: Option<String>,
    errors: InputErrors,
}

fn item_path(slug: &str, item: &str) -> String {
    format!("{}/items/{item}", plan_path(slug))
}

async fn show_item(
    team: &Team<'_>,
    slug: &str,
    item: Uuid,
    shown: Shown<UpdateValues>,
) -> Result<Response> {
    let (lang, locale) = (team.lang, team.lang.locale);
    let (plan, _) = team.app.get_plan(team.actor, slug).await?;
    let found = plan
        .item(item)
        .ok_or_else(|| Error::not_found("action_item", item))?;
    let path = item_path(&plan.slug, &item.to_string());
    let form_error = shown.summary(locale);
    let values = shown.values.unwrap_or_else(|| UpdateValues {
        status: found.status.as_str().to_string(),
        note: String::new(),
        prerequisites: found.prerequisites.iter().map(Uuid::to_string).collect(),
    });
    let page = ItemPage {
        csrf: team.csrf(),
        action: format!("{}{path}", lang.prefix()),
        remove_action: format!("{}{path}/delete", lang.prefix()),
        back_href: format!(
            "{}{}#{}",
            lang.prefix(),
            plan_path(&plan.slug),
            item_anchor(found)
        ),
        plan: title_in(&plan.title, locale),
        item_title: found.title.clone(),
        lang: foreign(found.lang, locale),
        months: message(
            locale,
            "portal.readiness.month_range",
            &[
                ("start", &found.start_month.to_string()),
                ("end", &found.end_month.to_string()),
            ],
        ),
        current: status_label(found.status, locale),
        statuses: ItemStatus::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().to_string(),
                label: status_label(*s, locale),
            })
            .collect(),
        candidates: candidates(&plan, Some(item), &values.prerequisites, locale),
        values,
        notes: found
            .notes
            .iter()
            .map(|n| NoteView {
                at: crate::format::date(n.at.date_naive(), locale),
                author: n.author.clone(),
                status_label: status_label(n.status, locale),
                text: n.text.clone(),
            })
            .collect(),
        form_error,
        errors: shown.errors,
    };
    let title = message(locale, "portal.readiness.update_item", &[]);
    team.show("readiness_item.html", &title, shown.status, page)
}

fn item_id(lang: &Lang, raw: &str) -> std::result::Result<Uuid, crate::error::PageError> {
    Uuid::parse_str(raw).map_err(|_| page_error(lang, Error::not_found("action_item", raw)))
}

/// `GET /readiness/plans/{slug}/items/{item}`: the form that updates an action item.
pub async fn item_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, item)): Path<(String, String)>,
) -> Answer {
    as_team!(app, lang, visitor, item_path(&slug, &item), |team| {
        let id = item_id(&lang, &item)?;
        show_item(&team, &slug, id, Shown::blank())
            .await
            .map_err(|e| team.error(e))
    })
}

/// `POST /readiness/plans/{slug}/items/{item}`: sets the item's status and adds the note, then
/// back to the plan at the item.
pub async fn save_item(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, item)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    let fields = checked(&lang, &visitor, &body)?;
    as_team!(app, lang, visitor, item_path(&slug, &item), |team| {
        let id = item_id(&lang, &item)?;
        let (plan, _) = app
            .get_plan(team.actor, &slug)
            .await
            .map_err(|e| team.error(e))?;
        let values = UpdateValues {
            status: fields.get("status").to_string(),
            note: fields.get("note").to_string(),
            prerequisites: ticked_prerequisites(&fields, &plan),
        };
        let result = match ItemStatus::parse(&values.status) {
            Some(status) => {
                let update = ItemUpdate {
                    status: Some(status),
                    note: optional(&fields, "note"),
                    prerequisites: Some(prerequisite_ids(&values.prerequisites)),
                    ..ItemUpdate::default()
                };
                app.update_action_item(team.actor, &slug, id, update).await
            }
            None => {
                let mut errors = FieldErrors::new();
                errors.add_with("status", "invalid_value", "detail", &values.status);
                Err(Error::Invalid(errors))
            }
        };
        team.answer_submitted(
            result,
            |updated| format!("{}?saved=1#{}", plan_path(&slug), item_anchor(&updated)),
            &[],
            async |e| show_item(&team, &slug, id, Shown::refused(values, e)).await,
        )
        .await
    })
}

/// `POST /readiness/plans/{slug}/items/{item}/delete`: removes the item with its notes, then
/// back to the plan.
pub async fn remove_item(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, item)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    checked(&lang, &visitor, &body)?;
    as_team!(app, lang, visitor, item_path(&slug, &item), |team| {
        let id = item_id(&lang, &item)?;
        app.remove_action_item(team.actor, &slug, id)
            .await
            .map_err(|e| team.error(e))?;
        Ok(see_other(
            &format!("{}{}?removed=1", lang.prefix(), plan_path(&slug)),
            &[],
        ))
    })
}

/// `POST /readiness/plans/{slug}/status`: publishes a plan (`status=published`) or takes it
/// back to a draft.
pub async fn publish_plan(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> Answer {
    let fields = checked(&lang, &visitor, &body)?;
    as_team!(app, lang, visitor, plan_path(&slug), |team| {
        let status = PublicationStatus::parse(fields.get("status"))
            .ok_or_else(|| team.error(Error::invalid("status", "invalid_value")))?;
        let plan = app
            .update_plan(team.actor, &slug, &serde_json::json!({"status": status}))
            .await
            .map_err(|e| team.error(e))?;
        Ok(see_other(
            &format!("{}{}?saved=1", lang.prefix(), plan_path(&plan.slug)),
            &[],
        ))
    })
}
