//! `/workspace/datasets/new` and `/workspace/datasets/{slug}/edit`: the form that creates a
//! dataset for one of the visitor's organizations where they may edit, and changes one (the edit
//! page also lists its files and links, see [`super::files`]). The rules are the core's
//! (`DatasetInput::validate` and the register checks of `App::create_dataset` and
//! `App::update_dataset`); their field errors are shown next to the inputs.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use dulieu_app::{App, PageRequest};
use dulieu_core::account::Actor;
use dulieu_core::catalog::{Dataset, DatasetInput};
use dulieu_core::text::LangText;
use dulieu_core::vocab::{AccessRights, DatasetStatus, FREQUENCIES};
use dulieu_core::{Error, FieldErrors, Result};
use dulieu_i18n::{Locale, message};
use serde::Serialize;

use super::account::{errors_summary, field_messages, see_other, signed_in_post, to_sign_in};
use super::files::{FilesPanel, FilesState};
use super::text_in;
use crate::error::PageError;
use crate::form::Fields;
use crate::lang::Lang;
use crate::notice::NoticeQuery;
use crate::render::render;
use crate::session::Visitor;

/// Organizations read to offer as publishers (the whole register, for now).
const LIST_LIMIT: i64 = 1000;

/// What the form's inputs hold, as typed (kept when the form is shown again).
#[derive(Debug, Default, Serialize)]
struct Values {
    publisher: String,
    title_vi: String,
    title_en: String,
    description_vi: String,
    description_en: String,
    keywords: String,
    theme: String,
    license: String,
    access_rights: String,
    frequency: String,
    spatial: String,
    status: String,
}

impl Values {
    fn from_fields(fields: &Fields) -> Self {
        let get = |name: &str| fields.get(name).to_string();
        Self {
            publisher: get("publisher"),
            title_vi: get("title_vi"),
            title_en: get("title_en"),
            description_vi: get("description_vi"),
            description_en: get("description_en"),
            keywords: get("keywords"),
            theme: get("theme"),
            license: get("license"),
            access_rights: get("access_rights"),
            frequency: get("frequency"),
            spatial: get("spatial"),
            status: get("status"),
        }
    }

    fn from_dataset(dataset: &Dataset) -> Self {
        let text = |t: &Option<String>| t.clone().unwrap_or_default();
        Self {
            publisher: dataset.publisher.clone(),
            title_vi: text(&dataset.title.vi),
            title_en: text(&dataset.title.en),
            description_vi: text(&dataset.description.vi),
            description_en: text(&dataset.description.en),
            keywords: dataset.keywords.join(", "),
            theme: dataset.themes.first().cloned().unwrap_or_default(),
            license: dataset.license.clone(),
            access_rights: dataset.access_rights.as_str().to_string(),
            frequency: text(&dataset.frequency),
            spatial: text(&dataset.spatial),
            status: dataset.status.as_str().to_string(),
        }
    }

    /// The merge patch of the fields the form shows (the others are left as they are).
    fn to_patch(&self) -> Result<serde_json::Value> {
        let mut patch = serde_json::to_value(self.to_input()?).map_err(Error::internal)?;
        if let Some(object) = patch.as_object_mut() {
            for kept in [
                "slug",
                "contact_point",
                "temporal",
                "issued",
                "modified",
                "version",
            ] {
                object.remove(kept);
            }
            // An emptied language must be removed: `null` in a merge patch.
            let texts = |vi: &str, en: &str| {
                let value = |t: &str| Some(t.trim().to_string()).filter(|t| !t.is_empty());
                serde_json::json!({ "vi": value(vi), "en": value(en) })
            };
            object.insert("title".into(), texts(&self.title_vi, &self.title_en));
            object.insert(
                "description".into(),
                texts(&self.description_vi, &self.description_en),
            );
        }
        Ok(patch)
    }

    /// The create body these values stand for; a value outside its vocabulary is a field error.
    fn to_input(&self) -> Result<DatasetInput> {
        let mut errors = FieldErrors::new();
        let access_rights = AccessRights::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == self.access_rights)
            .unwrap_or_else(|| {
                errors.add("access_rights", "invalid_value");
                AccessRights::Public
            });
        let status = DatasetStatus::ALL
            .iter()
            .copied()
            .find(|s| s.as_str() == self.status)
            .unwrap_or_else(|| {
                errors.add("status", "invalid_value");
                DatasetStatus::Draft
            });
        errors.into_result()?;
        let optional = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty());
        Ok(DatasetInput {
            slug: None,
            title: LangText {
                vi: optional(&self.title_vi),
                en: optional(&self.title_en),
            },
            description: LangText {
                vi: optional(&self.description_vi),
                en: optional(&self.description_en),
            },
            publisher: self.publisher.clone(),
            contact_point: None,
            keywords: self
                .keywords
                .split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_string)
                .collect(),
            themes: optional(&self.theme).into_iter().collect(),
            license: optional(&self.license).unwrap_or_else(|| "none".to_string()),
            access_rights,
            temporal: None,
            spatial: optional(&self.spatial),
            frequency: optional(&self.frequency),
            issued: None,
            modified: None,
            version: None,
            status,
        })
    }
}

/// One option of a select.
#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

/// The options of the form's selects, in the page's language.
#[derive(Serialize)]
struct Choices {
    publishers: Vec<Choice>,
    themes: Vec<Choice>,
    licenses: Vec<Choice>,
    access_rights: Vec<Choice>,
    frequencies: Vec<Choice>,
    statuses: Vec<Choice>,
}

impl Choices {
    async fn load(app: &App, actor: &Actor, locale: Locale) -> Result<Self> {
        let label = |key: String| message(locale, &key, &[]);
        let all = PageRequest {
            page: 1,
            page_size: LIST_LIMIT,
        };
        let mut publishers: Vec<Choice> = app
            .list_organizations(all)
            .await?
            .results
            .into_iter()
            .filter(|o| actor.can_edit_datasets_of(o.id))
            .map(|o| Choice {
                label: text_in(&o.name, locale),
                value: o.slug,
            })
            .collect();
        publishers.sort_by_key(|c| c.label.to_lowercase());
        Ok(Self {
            publishers,
            themes: app
                .themes()
                .await?
                .into_iter()
                .map(|t| Choice {
                    label: text_in(&t.label, locale),
                    value: t.code,
                })
                .collect(),
            licenses: app
                .licenses()
                .await?
                .into_iter()
                .map(|l| Choice {
                    label: text_in(&l.title, locale),
                    value: l.id,
                })
                .collect(),
            access_rights: AccessRights::ALL
                .iter()
                .map(|a| Choice {
                    value: a.as_str().to_string(),
                    label: label(format!("ui.access.{}", a.as_str())),
                })
                .collect(),
            frequencies: FREQUENCIES
                .iter()
                .map(|f| Choice {
                    value: (*f).to_string(),
                    label: label(format!("ui.frequency.{f}")),
                })
                .collect(),
            statuses: DatasetStatus::ALL
                .iter()
                .map(|s| Choice {
                    value: s.as_str().to_string(),
                    label: label(format!("ui.status.{}", s.as_str())),
                })
                .collect(),
        })
    }
}

/// Which form: a new dataset, or the change of a dataset (shown with its files and links).
enum Mode {
    New,
    Edit {
        dataset: Box<Dataset>,
        files: FilesState,
    },
}

impl Mode {
    /// The form's path without the language prefix.
    fn path(&self) -> String {
        match self {
            Mode::New => NEW_PATH.to_string(),
            Mode::Edit { dataset, .. } => edit_path(&dataset.slug),
        }
    }
}

/// Path of the new dataset form, without the language prefix.
const NEW_PATH: &str = "/workspace/datasets/new";

/// Path of the edit page of dataset `slug`, without the language prefix.
pub(crate) fn edit_path(slug: &str) -> String {
    format!("/workspace/datasets/{slug}/edit")
}

/// The form as it is shown: which form, its inputs as typed, their errors, and the answer's
/// status.
struct FormState {
    mode: Mode,
    values: Values,
    errors: BTreeMap<String, Vec<String>>,
    status: StatusCode,
}

#[derive(Serialize)]
struct FormPage {
    csrf: String,
    action: String,
    editing: bool,
    values: Values,
    choices: Choices,
    form_error: Option<String>,
    errors: BTreeMap<String, Vec<String>>,
    files: Option<FilesPanel>,
}

/// The input that shows the error of core field path `field` (`title.vi` → `title_vi`; the
/// title's and the derived slug's errors go next to the Vietnamese title).
fn input_of(field: &str) -> String {
    let top = field.split(['.', '[']).next().unwrap_or(field);
    match (top, field) {
        ("title" | "slug", "title.en") => "title_en".to_string(),
        ("title" | "slug", _) => "title_vi".to_string(),
        ("description", "description.en") => "description_en".to_string(),
        ("description", _) => "description_vi".to_string(),
        ("themes", _) => "theme".to_string(),
        (top, _) => top.to_string(),
    }
}

/// Field errors by input name, translated. The slug made from a missing title is not reported
/// beside the title's own error.
fn errors_by_input(errors: &FieldErrors, locale: Locale) -> BTreeMap<String, Vec<String>> {
    let mut by_input: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let title_missing = errors.0.contains_key("title");
    for (field, texts) in field_messages(errors, locale) {
        if title_missing && field == "slug" {
            continue;
        }
        by_input.entry(input_of(&field)).or_default().extend(texts);
    }
    by_input
}

/// Renders the form.
async fn show(app: &App, lang: &Lang, visitor: &Visitor, form: FormState) -> Result<Response> {
    let locale = lang.locale;
    let form_error = errors_summary(&form.errors, locale);
    let action = format!("{}{}", lang.prefix(), form.mode.path());
    let (title_key, files) = match form.mode {
        Mode::New => ("portal.workspace.new_dataset", None),
        Mode::Edit { dataset, files } => (
            "portal.workspace.edit_dataset",
            Some(FilesPanel::new(app, lang, &dataset, files)),
        ),
    };
    let page = FormPage {
        csrf: visitor.csrf_token(),
        action,
        editing: files.is_some(),
        values: form.values,
        choices: Choices::load(app, &visitor.actor(), locale).await?,
        form_error,
        errors: form.errors,
        files,
    };
    let title = message(locale, title_key, &[]);
    let html = render("dataset_form.html", lang, visitor, &title, page)?;
    Ok((form.status, Html(html)).into_response())
}

/// The edit page of `dataset`, its form filled with the dataset, with the files panel in `files`
/// (422 when the link form has errors).
pub(crate) async fn edit_page(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    dataset: Dataset,
    files: FilesState,
) -> Result<Response> {
    let status = if files.link_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let form = FormState {
        values: Values::from_dataset(&dataset),
        mode: Mode::Edit {
            dataset: Box::new(dataset),
            files,
        },
        errors: BTreeMap::new(),
        status,
    };
    show(app, lang, visitor, form).await
}

/// `GET /workspace/datasets/new`.
pub async fn new_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
) -> std::result::Result<Response, PageError> {
    if visitor.signed_in.is_none() {
        return Ok(to_sign_in(&lang, NEW_PATH));
    }
    let form = FormState {
        mode: Mode::New,
        values: Values {
            access_rights: AccessRights::Public.as_str().to_string(),
            status: DatasetStatus::Draft.as_str().to_string(),
            ..Values::default()
        },
        errors: BTreeMap::new(),
        status: StatusCode::OK,
    };
    show(&app, &lang, &visitor, form)
        .await
        .map_err(|error| PageError { lang, error })
}

/// After a save: the dataset's page (303), the problems to show next to the inputs, or an error
/// page.
fn after_save(
    lang: &Lang,
    result: Result<Dataset>,
) -> std::result::Result<std::result::Result<Response, FieldErrors>, PageError> {
    match result {
        Ok(dataset) => Ok(Ok(see_other(
            &format!("{}/dataset/{}", lang.prefix(), dataset.slug),
            &[],
        ))),
        Err(Error::Invalid(errors)) => Ok(Err(errors)),
        Err(error) => Err(PageError {
            lang: lang.clone(),
            error,
        }),
    }
}

/// `POST /workspace/datasets/new`: creates the dataset and goes to its page, or shows the form
/// again (422) with the errors next to their inputs.
pub async fn create(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    body: Bytes,
) -> std::result::Result<Response, PageError> {
    let Some((fields, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, NEW_PATH));
    };
    let values = Values::from_fields(&fields);
    let result = match values.to_input() {
        Ok(input) => app.create_dataset(&signed_in.actor, input).await,
        Err(error) => Err(error),
    };
    // A taken slug comes from the title: say so next to it.
    let result = result.map_err(|error| match error {
        Error::Conflict { code, .. } => {
            let mut errors = FieldErrors::new();
            errors.add("title.vi", code);
            Error::Invalid(errors)
        }
        error => error,
    });
    let errors = match after_save(&lang, result)? {
        Ok(answer) => return Ok(answer),
        Err(errors) => errors,
    };
    let form = FormState {
        mode: Mode::New,
        values,
        errors: errors_by_input(&errors, lang.locale),
        status: StatusCode::UNPROCESSABLE_ENTITY,
    };
    show(&app, &lang, &visitor, form)
        .await
        .map_err(|error| PageError { lang, error })
}

/// The dataset `slug` if the visitor may change it: 404 when they may not see it, 403 when they
/// may see but not edit it (the API's rule).
pub(crate) async fn editable(app: &App, actor: &Actor, slug: &str) -> Result<Dataset> {
    let dataset = app.get_dataset(actor, slug).await?;
    if actor.can_edit_datasets_of(dataset.publisher_id) {
        Ok(dataset)
    } else {
        Err(Error::Forbidden {
            action: "dataset.update",
        })
    }
}

/// `GET /workspace/datasets/{slug}/edit`: the form, filled with the dataset, and the dataset's
/// files and links (with the message of `?notice=`/`?problem=` after a redirect).
pub async fn edit_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(notice): Query<NoticeQuery>,
) -> std::result::Result<Response, PageError> {
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(&lang, &edit_path(&slug)));
    };
    let answer = async {
        let dataset = editable(&app, &signed_in.actor, &slug).await?;
        let files = FilesState {
            notice,
            ..FilesState::default()
        };
        edit_page(&app, &lang, &visitor, dataset, files).await
    };
    answer.await.map_err(|error| PageError { lang, error })
}

/// `POST /workspace/datasets/{slug}/edit`: applies the form through `App::update_dataset` and
/// goes to the dataset's page, or shows the form again (422) with the errors.
pub async fn update(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> std::result::Result<Response, PageError> {
    let Some((fields, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &edit_path(&slug)));
    };
    let actor = &signed_in.actor;
    let values = Values::from_fields(&fields);
    let result = match values.to_patch() {
        Ok(patch) => app.update_dataset(actor, &slug, &patch).await,
        Err(error) => Err(error),
    };
    let errors = match after_save(&lang, result)? {
        Ok(answer) => return Ok(answer),
        Err(errors) => errors,
    };
    let answer = async {
        let dataset = editable(&app, actor, &slug).await?;
        let form = FormState {
            mode: Mode::Edit {
                dataset: Box::new(dataset),
                files: FilesState::default(),
            },
            values,
            errors: errors_by_input(&errors, lang.locale),
            status: StatusCode::UNPROCESSABLE_ENTITY,
        };
        show(&app, &lang, &visitor, form).await
    };
    answer.await.map_err(|error| PageError { lang, error })
}
