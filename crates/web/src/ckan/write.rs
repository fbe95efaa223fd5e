//! Write actions, each through dulieu's use cases (permissions, validation, events, the search
//! index): packages, resources (links, and files in the multipart field `upload`),
//! organizations.

use dulieu_app::{App, UploadMeta};
use dulieu_ckan::input::{
    apply_patch, full_patch, package_input, resource_input, resource_patch, sends_extra,
};
use dulieu_ckan::package::extra;
use dulieu_ckan::{ResourceInput, package};
use dulieu_core::account::Actor;
use dulieu_core::catalog::{Dataset, DistributionInput, OrganizationInput};
use dulieu_core::text::LangText;
use dulieu_core::vocab::OrgKind;
use dulieu_core::{Error, Result};
use serde_json::{Value, json};
use uuid::Uuid;

use super::params::Params;
use super::read::one_package;
use super::{Call, Failure, MAX_TEXT_BYTES, invalid, multipart_failure, text_part};

/// `owner_org` (an organization id or name) as the slug dulieu's inputs name publishers by.
async fn publisher_slug(app: &App, owner_org: &str) -> Result<String> {
    app.organization_by_key(owner_org)
        .await
        .map(|o| o.slug)
        .map_err(|_| Error::invalid("owner_org", "unknown_organization"))
}

/// The distributions of a package: links only (files come by `resource_create`).
fn link_inputs(resources: &[ResourceInput]) -> Result<Vec<DistributionInput>> {
    let mut inputs = Vec::with_capacity(resources.len());
    let mut errors = dulieu_core::FieldErrors::new();
    for (i, resource) in resources.iter().enumerate() {
        match resource.distribution.clone().validate(false) {
            Ok(input) => inputs.push(input),
            Err(found) => {
                for (field, violations) in found.0 {
                    for v in violations {
                        errors.add(format!("resources[{i}].{field}"), v.code);
                    }
                }
            }
        }
    }
    errors.into_result()?;
    Ok(inputs)
}

pub(super) async fn package_create(call: Call) -> std::result::Result<Value, Failure> {
    let mut input = package_input(&call.params.object()).map_err(Error::from)?;
    input.dataset.publisher = publisher_slug(&call.app, &input.dataset.publisher).await?;
    let links = link_inputs(input.resources.as_deref().unwrap_or_default())?;
    let dataset = call.app.create_dataset(&call.actor, input.dataset).await?;
    let key = dataset.id.to_string();
    for link in links {
        if let Err(err) = call.app.add_link(&call.actor, &key, link).await {
            // Nothing half-written: the dataset goes with its resources or not at all.
            if let Err(undo) = call.app.delete_dataset(&Actor::system(), &key).await {
                tracing::error!(error = %undo, dataset = %key, "cannot undo a failed package_create");
            }
            return Err(err.into());
        }
    }
    let dataset = call.app.get_dataset(&call.actor, &key).await?;
    Ok(one_package(&call.app, &dataset).await?)
}

/// `package_update` (the whole dict; omitted fields are cleared) and `package_patch` (the
/// package as shown, with the top-level keys given replaced).
pub(super) async fn package_update(call: Call, patch: bool) -> std::result::Result<Value, Failure> {
    let key = call.params.required_any(&["id", "name"])?;
    let current = call.app.get_dataset(&call.actor, &key).await?;
    // What the client sent: the package (update) or the changes (patch).
    let sent = call.params.object();
    let mut body = sent.clone();
    if patch {
        let mut shown = one_package(&call.app, &current).await?;
        if let Value::Object(changes) = &sent {
            apply_patch(&mut shown, changes);
            // A patch of the `access_rights` extra alone: the extra decides, not the `private`
            // of the package as shown.
            if !changes.contains_key("private")
                && sends_extra(&sent, extra::ACCESS_RIGHTS)
                && let Value::Object(shown) = &mut shown
            {
                shown.remove("private");
            }
        }
        body = shown;
    } else if body.get("owner_org").is_none_or(Value::is_null) {
        body["owner_org"] = json!(current.publisher_id);
    }
    let mut input = package_input(&body).map_err(Error::from)?;
    input.dataset.publisher = publisher_slug(&call.app, &input.dataset.publisher).await?;
    if let Some(resources) = &input.resources {
        link_inputs(
            &resources
                .iter()
                .filter(|r| existing(&current, r).is_none())
                .cloned()
                .collect::<Vec<_>>(),
        )?;
    }
    let id = current.id.to_string();
    let updated = call
        .app
        .update_dataset(&call.actor, &id, &full_patch(&input.dataset, &sent))
        .await?;
    if let Some(resources) = input.resources {
        sync_resources(&call.app, &call.actor, &updated, resources).await?;
    }
    let dataset = call.app.get_dataset(&call.actor, &id).await?;
    Ok(one_package(&call.app, &dataset).await?)
}

/// The distribution of `dataset` a resource names by id.
fn existing<'a>(
    dataset: &'a Dataset,
    resource: &ResourceInput,
) -> Option<&'a dulieu_core::catalog::Distribution> {
    let id = resource.id.as_deref()?;
    dataset
        .distributions
        .iter()
        .find(|d| d.id.to_string() == id)
}

/// Makes the dataset's distributions those of the package: listed ones updated (when changed),
/// new ones added as links, unlisted ones deleted.
async fn sync_resources(
    app: &App,
    actor: &Actor,
    dataset: &Dataset,
    resources: Vec<ResourceInput>,
) -> Result<()> {
    let key = dataset.id.to_string();
    let mut kept = Vec::new();
    for resource in resources {
        match existing(dataset, &resource) {
            Some(current) => {
                kept.push(current.id);
                let is_upload = current.remote_url.is_none();
                let mut wanted = resource.distribution;
                if is_upload {
                    wanted.url = None;
                }
                let mut now = current.to_input(Some(current.license.clone()));
                now.format = now.format.or_else(|| wanted.format.clone());
                if wanted != now {
                    app.update_distribution(actor, current.id, &resource_patch(&wanted, is_upload))
                        .await?;
                }
            }
            None => {
                let added = app.add_link(actor, &key, resource.distribution).await?;
                kept.push(added.id);
            }
        }
    }
    for distribution in &dataset.distributions {
        if !kept.contains(&distribution.id) {
            app.delete_distribution(actor, distribution.id).await?;
        }
    }
    Ok(())
}

pub(super) async fn package_delete(call: Call) -> std::result::Result<Value, Failure> {
    let key = call.params.required_any(&["id", "name"])?;
    call.app.delete_dataset(&call.actor, &key).await?;
    Ok(Value::Null)
}

fn resource_id(params: &Params) -> std::result::Result<Uuid, Failure> {
    let key = params.required("id")?;
    Uuid::parse_str(&key).map_err(|_| Error::not_found("distribution", key).into())
}

/// The resource dict of a distribution after a change.
async fn resource_of(app: &App, actor: &Actor, id: Uuid) -> std::result::Result<Value, Failure> {
    let distribution = app.get_distribution(actor, id).await?;
    let dataset = app
        .get_dataset(actor, &distribution.dataset_id.to_string())
        .await?;
    let package = one_package(app, &dataset).await?;
    Ok(package["resources"]
        .as_array()
        .and_then(|list| list.iter().find(|r| r["id"] == json!(id)))
        .cloned()
        .unwrap_or(Value::Null))
}

/// Reads multipart text parts into `params` until the `upload` file part, and hands that part
/// to `with_file`; `Ok(None)` when the body has no file. The text parts together are capped at
/// [`MAX_TEXT_BYTES`] (413 naming the part past it).
macro_rules! with_upload {
    ($call:expr, $params:ident, |$field:ident| $body:expr) => {{
        match $call.upload.as_mut() {
            None => None,
            Some(multipart) => {
                let mut found = None;
                let mut budget = MAX_TEXT_BYTES;
                while let Some(mut $field) =
                    multipart.next_field().await.map_err(multipart_failure)?
                {
                    if $field.file_name().is_some() || $field.name() == Some("upload") {
                        found = Some($body);
                        break;
                    }
                    let (name, text) = text_part(&mut $field, &mut budget).await?;
                    $params.insert(name, Value::String(text));
                }
                found
            }
        }
    }};
}

pub(super) async fn resource_create(mut call: Call) -> std::result::Result<Value, Failure> {
    let mut params = std::mem::take(&mut call.params);
    let (app, actor) = (call.app.clone(), call.actor.clone());
    let uploaded = with_upload!(call, params, |field| {
        let package_id = params.required("package_id")?;
        let mut input = resource_input(&params.object(), "").map_err(Error::from)?;
        input.distribution.url = None;
        let meta = UploadMeta::from_part(field.file_name(), field.content_type());
        app.add_upload(&actor, &package_id, input.distribution, meta, field)
            .await?
    });
    let created = match uploaded {
        Some(created) => created,
        None => {
            let package_id = params.required("package_id")?;
            let mut input = resource_input(&params.object(), "").map_err(Error::from)?;
            if input.distribution.url.is_none() {
                return Err(invalid("url", "required"));
            }
            input.distribution.license = input.distribution.license.take();
            app.add_link(&actor, &package_id, input.distribution)
                .await?
        }
    };
    resource_of(&app, &actor, created.id).await
}

/// The merge patch of a `resource_update` (the fields given; omitted ones cleared) or a
/// `resource_patch` (the resource as shown with the fields given replaced) of distribution `id`.
async fn resource_changes(
    app: &App,
    actor: &Actor,
    id: Uuid,
    params: &Params,
    patch: bool,
) -> std::result::Result<Value, Failure> {
    let current = app.get_distribution(actor, id).await?;
    let is_upload = current.remote_url.is_none();
    let changes = if patch {
        let mut shown = resource_of(app, actor, id).await?;
        apply_patch(&mut shown, &params.values);
        shown
    } else {
        params.object()
    };
    let input = resource_input(&changes, "").map_err(Error::from)?;
    let mut wanted = input.distribution;
    if is_upload {
        wanted.url = None;
    }
    Ok(resource_patch(&wanted, is_upload))
}

/// `resource_update` (every field; omitted ones are cleared) and `resource_patch` (only the
/// fields given); a file in `upload` becomes the resource's new version. The fields are checked
/// before the file is stored: a field in error leaves the resource as it was.
pub(super) async fn resource_update(
    mut call: Call,
    patch: bool,
) -> std::result::Result<Value, Failure> {
    let mut params = std::mem::take(&mut call.params);
    let (app, actor) = (call.app.clone(), call.actor.clone());
    let replaced = with_upload!(call, params, |field| {
        let id = resource_id(&params)?;
        let changes = resource_changes(&app, &actor, id, &params, patch).await?;
        app.check_distribution_patch(&actor, id, &changes).await?;
        let meta = UploadMeta::from_part(field.file_name(), field.content_type());
        app.replace_file(&actor, id, meta, field).await?;
        id
    });
    let id = match replaced {
        Some(id) => id,
        None => resource_id(&params)?,
    };
    // After a new file, read again: a patch keeps what the file changed (its media type).
    let changes = resource_changes(&app, &actor, id, &params, patch).await?;
    app.update_distribution(&actor, id, &changes).await?;
    resource_of(&app, &actor, id).await
}

pub(super) async fn resource_delete(call: Call) -> std::result::Result<Value, Failure> {
    let id = resource_id(&call.params)?;
    call.app.delete_distribution(&call.actor, id).await?;
    Ok(Value::Null)
}

pub(super) async fn organization_create(call: Call) -> std::result::Result<Value, Failure> {
    let body = call.params.object();
    let extras = body
        .as_object()
        .map(dulieu_ckan::input::extras)
        .transpose()
        .map_err(Error::from)?
        .unwrap_or_default();
    let extra = |key: &str| {
        extras
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let kind = match call.params.text("kind")?.or_else(|| extra("kind")) {
        Some(kind) => OrgKind::parse(&kind).ok_or_else(|| invalid("kind", "invalid_value"))?,
        None => OrgKind::CivilSociety,
    };
    let title = |plain: &str, translated: &str| -> std::result::Result<LangText, Failure> {
        if let Some(map) = call.params.json_object(translated)? {
            let text = |lang: &str| {
                map.get(lang)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .filter(|s| !s.trim().is_empty())
            };
            return Ok(LangText {
                vi: text("vi"),
                en: text("en"),
            });
        }
        Ok(LangText {
            vi: call.params.text(plain)?,
            en: None,
        })
    };
    let slug = call.params.required("name")?;
    let mut name = title("title", "title_translated")?;
    if name.is_empty() {
        name.vi = Some(slug.clone());
    }
    let input = OrganizationInput {
        slug,
        name,
        description: title("description", "description_translated")?,
        kind,
        parent: extra("parent"),
        contact_email: call
            .params
            .text("email")?
            .or_else(|| extra("contact_email")),
        website: extra("website"),
    };
    let org = call.app.create_organization(&call.actor, input).await?;
    let mut dict = package::organization(&org);
    dict["package_count"] = json!(0);
    dict["extras"] = package::organization_extras(&org);
    Ok(dict)
}
