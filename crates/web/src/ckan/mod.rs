//! The CKAN Action API v3 at `/api/3/action/{name}` and `/api/action/{name}`: GET with query
//! parameters for reads, POST with a JSON object (or a form, or `multipart/form-data` with an
//! `upload` file part) for everything, answered in CKAN's envelope
//! `{"help", "success", "result"}` or `{"help", "success": false, "error": {"__type", …}}`.
//!
//! The token comes raw in `Authorization` (a `Bearer ` prefix is tolerated) or in
//! `X-CKAN-API-Key`. The mappings and the query language are `dulieu-ckan`'s; every write goes
//! through the use cases of `dulieu-app`. Differences from CKAN: `docs/ckan-compat.md`.

mod datastore;
mod error;
mod params;
mod read;
mod search;
mod write;

use axum::Router;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dulieu_app::App;
use dulieu_ckan::package;
use dulieu_core::account::Actor;
use dulieu_core::{Error, FieldErrors};
use serde_json::{Value, json};

pub use error::CkanError;
use params::Params;

/// One action: its name, whether GET may call it, and its help text.
struct Action {
    name: &'static str,
    read: bool,
    help: &'static str,
}

/// Every action served.
const ACTIONS: &[Action] = &[
    Action {
        name: "status_show",
        read: true,
        help: "The site's title, URL, default language, extensions and CKAN version.",
    },
    Action {
        name: "site_read",
        read: true,
        help: "Always true (kept for health checks; removed in CKAN 2.11).",
    },
    Action {
        name: "help_show",
        read: true,
        help: "The help text of the action `name`.",
    },
    Action {
        name: "package_list",
        read: true,
        help: "Names of public datasets, A to Z (`limit`, `offset`).",
    },
    Action {
        name: "package_search",
        read: true,
        help: "Searches datasets: `q`, `fq`, `fq_list`, `sort`, `rows` (≤ 1000), `start`, `facet.field`, `facet.limit`, `include_private`, `include_drafts`.",
    },
    Action {
        name: "package_show",
        read: true,
        help: "A dataset by `id` (id or name).",
    },
    Action {
        name: "package_create",
        read: false,
        help: "Creates a dataset (with `resources` given by URL).",
    },
    Action {
        name: "package_update",
        read: false,
        help: "Replaces a dataset's fields; `resources`, when given, replaces its resources.",
    },
    Action {
        name: "package_patch",
        read: false,
        help: "Changes the top-level fields given, keeps the others.",
    },
    Action {
        name: "package_delete",
        read: false,
        help: "Deletes a dataset (`id`).",
    },
    Action {
        name: "resource_show",
        read: true,
        help: "A resource by `id`.",
    },
    Action {
        name: "resource_create",
        read: false,
        help: "Adds a resource to `package_id`: a `url`, or a file in the multipart field `upload`.",
    },
    Action {
        name: "resource_update",
        read: false,
        help: "Replaces a resource's fields (and its file, with `upload`).",
    },
    Action {
        name: "resource_patch",
        read: false,
        help: "Changes the resource fields given (and its file, with `upload`).",
    },
    Action {
        name: "resource_delete",
        read: false,
        help: "Deletes a resource (`id`).",
    },
    Action {
        name: "organization_list",
        read: true,
        help: "Organizations: names, or dicts with `all_fields`.",
    },
    Action {
        name: "organization_show",
        read: true,
        help: "An organization by `id` (id or name); `include_datasets`.",
    },
    Action {
        name: "organization_create",
        read: false,
        help: "Creates an organization (`name`, `title`, `description`, dulieu's `kind`).",
    },
    Action {
        name: "group_list",
        read: true,
        help: "Themes as groups: names, or dicts with `all_fields`.",
    },
    Action {
        name: "group_show",
        read: true,
        help: "A theme as a group by `id`.",
    },
    Action {
        name: "tag_list",
        read: true,
        help: "Keywords of public datasets (`query`, `all_fields`).",
    },
    Action {
        name: "license_list",
        read: true,
        help: "The license register with CKAN's license ids.",
    },
    Action {
        name: "datastore_search",
        read: true,
        help: "Rows of a resource's table: `resource_id`, `q`, `filters`, `fields`, `sort`, `limit`, `offset`, `records_format`.",
    },
    Action {
        name: "datastore_search_sql",
        read: true,
        help: "One read-only SELECT over the tables (`sql`).",
    },
];

/// The routes of the CKAN API. Bodies are limited to [`crate::MAX_JSON_BYTES`] (the router's
/// default) except for the actions that take a file ([`UPLOADS`]), whose routes lift the limit:
/// their files are streamed to the blob store, and their text parts are capped together at
/// [`MAX_TEXT_BYTES`].
pub fn router() -> Router<App> {
    let version = || async { axum::Json(json!({"version": 3})) };
    let mut router = Router::new()
        .route("/api/3", get(version))
        .route("/api/3/", get(version));
    for base in ["/api/3/action", "/api/action"] {
        router = router.route(&format!("{base}/{{name}}"), get(action).post(action));
        for name in UPLOADS {
            let handler = move |State(app): State<App>, request: Request| {
                run(app, (*name).to_string(), request)
            };
            router = router.route(
                &format!("{base}/{name}"),
                get(handler)
                    .post(handler)
                    .layer(DefaultBodyLimit::disable()),
            );
        }
    }
    router
}

/// What a handler gets: the application, the caller, the parameters, and for multipart
/// requests the remaining parts (the file, after the text fields).
pub(crate) struct Call {
    pub app: App,
    pub actor: Actor,
    pub params: Params,
    pub upload: Option<Multipart>,
}

async fn action(State(app): State<App>, Path(name): Path<String>, request: Request) -> Response {
    run(app, name, request).await
}

async fn run(app: App, name: String, request: Request) -> Response {
    let help = format!("{}/api/3/action/help_show?name={name}", app.public_url());
    let Some(spec) = ACTIONS.iter().find(|a| a.name == name) else {
        return bare_bad_request("unknown_action", &name);
    };
    if request.method() == Method::GET && !spec.read {
        return bare_bad_request("post_required", &name);
    }
    let outcome = async {
        let actor = caller(&app, request.headers()).await?;
        let (mut params, mut upload) = read_params(&app, request).await?;
        if !UPLOADS.contains(&spec.name)
            && let Some(multipart) = upload.as_mut()
        {
            let mut budget = MAX_TEXT_BYTES;
            while text_parts(multipart, &mut params, &mut budget)
                .await?
                .is_some()
            {}
            upload = None;
        }
        let call = Call {
            app,
            actor,
            params,
            upload,
        };
        dispatch(spec, call).await
    }
    .await;
    match outcome {
        Ok(result) => {
            let answer = json!({"help": help, "success": true});
            axum::Json(package::with(answer, [("result", result)])).into_response()
        }
        Err(Failure::Ckan(err)) => err.into_response(&help),
        Err(Failure::Bare(response)) => *response,
    }
}

/// Why an action did not answer with a result.
pub(crate) enum Failure {
    /// An error in CKAN's envelope.
    Ckan(CkanError),
    /// A bare JSON string with 400, as CKAN answers requests it cannot read.
    Bare(Box<Response>),
}

impl From<CkanError> for Failure {
    fn from(err: CkanError) -> Self {
        Failure::Ckan(err)
    }
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        Failure::Ckan(CkanError::from(err))
    }
}

/// CKAN's answer to a request it cannot read: 400 with a bare JSON string (not the envelope).
fn bare_bad_request(code: &str, detail: &str) -> Response {
    let text = dulieu_i18n::message(
        crate::extract::current_locale(),
        &format!("error.{code}"),
        &[("detail", detail)],
    );
    (StatusCode::BAD_REQUEST, axum::Json(Value::String(text))).into_response()
}

async fn dispatch(spec: &Action, call: Call) -> Result<Value, Failure> {
    match spec.name {
        "status_show" => read::status_show(call),
        "site_read" => Ok(Value::Bool(true)),
        "help_show" => help_show(&call.params),
        "package_list" => read::package_list(call).await,
        "package_search" => search::package_search(call).await,
        "package_show" => read::package_show(call).await,
        "resource_show" => read::resource_show(call).await,
        "organization_list" => read::organization_list(call).await,
        "organization_show" => read::organization_show(call).await,
        "group_list" => read::group_list(call).await,
        "group_show" => read::group_show(call).await,
        "tag_list" => read::tag_list(call).await,
        "license_list" => read::license_list(call).await,
        "package_create" => write::package_create(call).await,
        "package_update" => write::package_update(call, false).await,
        "package_patch" => write::package_update(call, true).await,
        "package_delete" => write::package_delete(call).await,
        "resource_create" => write::resource_create(call).await,
        "resource_update" => write::resource_update(call, false).await,
        "resource_patch" => write::resource_update(call, true).await,
        "resource_delete" => write::resource_delete(call).await,
        "organization_create" => write::organization_create(call).await,
        "datastore_search" => datastore::datastore_search(call).await,
        "datastore_search_sql" => datastore::datastore_search_sql(call).await,
        _ => Err(Failure::Ckan(CkanError::from(Error::not_found(
            "path", spec.name,
        )))),
    }
}

fn help_show(params: &Params) -> Result<Value, Failure> {
    let name = params.required("name")?;
    ACTIONS
        .iter()
        .find(|a| a.name == name)
        .map(|a| Value::String(a.help.to_string()))
        .ok_or_else(|| Failure::Ckan(CkanError::from(Error::not_found("path", name))))
}

/// The caller: the raw token of `X-CKAN-API-Key` or `Authorization` (with or without
/// `Bearer `); anonymous without either. A token that is not valid is refused (403).
async fn caller(app: &App, headers: &HeaderMap) -> Result<Actor, Failure> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let token = header("x-ckan-api-key").or_else(|| {
        header(AUTHORIZATION.as_str()).map(|v| match v.split_once(' ') {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
            _ => v,
        })
    });
    Ok(app.authenticate(token).await?)
}

fn content_type(request: &Request) -> String {
    request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The parameters of a request: the query string of a GET; the JSON object or form of a POST.
/// A multipart body is left unread for the handler ([`text_parts`], or an upload).
async fn read_params(app: &App, request: Request) -> Result<(Params, Option<Multipart>), Failure> {
    let mut params = Params::from_query(request.uri().query().unwrap_or_default());
    if request.method() != Method::POST {
        return Ok((params, None));
    }
    let kind = content_type(&request);
    if kind.starts_with("multipart/form-data") {
        let multipart = Multipart::from_request(request, app)
            .await
            .map_err(|e| bare(&format!("multipart: {e}")))?;
        return Ok((params, Some(multipart)));
    }
    let bytes = crate::extract::read_body(request, crate::MAX_JSON_BYTES)
        .await
        .map_err(|e| match e.0 {
            Error::TooLarge { .. } => CkanError::too_large("body", crate::MAX_JSON_BYTES),
            other => CkanError::from(other),
        })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok((params, None));
    }
    if kind.starts_with("application/x-www-form-urlencoded") {
        let form = std::str::from_utf8(&bytes).map_err(|e| bare(&e.to_string()))?;
        params.extend(Params::from_query(form));
        return Ok((params, None));
    }
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        bare(&format!(
            "JSON Error: line {}, column {}: {e}",
            e.line(),
            e.column()
        ))
    })?;
    match value {
        Value::Object(map) => {
            params.extend(Params::from_map(map));
            Ok((params, None))
        }
        _ => Err(bare("JSON Error: the request body is not a JSON object")),
    }
}

/// The actions that take a file in the multipart field `upload`.
const UPLOADS: &[&str] = &["resource_create", "resource_update", "resource_patch"];

/// The text parts of one multipart request together, in bytes: as much as a JSON body.
pub(crate) const MAX_TEXT_BYTES: usize = crate::MAX_JSON_BYTES;

/// Reads the next part into `params` when it is text (a file part is skipped: actions that take
/// files read their parts themselves); `None` once no part is left.
async fn text_parts(
    multipart: &mut Multipart,
    params: &mut Params,
    budget: &mut usize,
) -> Result<Option<()>, Failure> {
    let Some(mut field) = multipart.next_field().await.map_err(multipart_failure)? else {
        return Ok(None);
    };
    if field.file_name().is_none() {
        let (name, text) = text_part(&mut field, budget).await?;
        params.insert(name, Value::String(text));
    }
    Ok(Some(()))
}

/// A text part as `(name, text)`, read chunk by chunk against `budget` (what is left of
/// [`MAX_TEXT_BYTES`] for the request): past it, a 413 naming the part, before it is all held in
/// memory.
pub(crate) async fn text_part(
    field: &mut Field<'_>,
    budget: &mut usize,
) -> Result<(String, String), Failure> {
    let name = field.name().unwrap_or_default().to_string();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_failure)? {
        if chunk.len() > *budget {
            return Err(CkanError::too_large(&name, MAX_TEXT_BYTES).into());
        }
        *budget -= chunk.len();
        bytes.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| bare(&format!("multipart: the part '{name}' is not UTF-8 text")))?;
    Ok((name, text))
}

/// A multipart body that cannot be read: over the body limit (413 in the envelope), else a bare
/// 400 as CKAN answers requests it cannot read.
pub(crate) fn multipart_failure(err: MultipartError) -> Failure {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        CkanError::too_large("body", crate::MAX_JSON_BYTES).into()
    } else {
        bare(&format!("multipart: {err}"))
    }
}

pub(crate) fn bare(detail: &str) -> Failure {
    Failure::Bare(Box::new(bare_bad_request("bad_request", detail)))
}

/// A validation error on one field (CKAN's `{field: [message]}`).
pub(crate) fn invalid(field: &str, code: &'static str) -> Failure {
    let mut errors = FieldErrors::new();
    errors.add(field, code);
    Failure::Ckan(CkanError::from(Error::Invalid(errors)))
}
