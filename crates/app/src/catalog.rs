//! Catalog use cases: organizations and datasets.

use chrono::Utc;
use dulieu_core::account::Actor;
use dulieu_core::catalog::{
    DATASET_READ_ONLY_FIELDS, Dataset, DatasetInput, License, ORGANIZATION_READ_ONLY_FIELDS,
    Organization, OrganizationInput, Theme,
};
use dulieu_core::decode::from_json;
use dulieu_core::event::Event;
use dulieu_core::patch::merge_patch;
use dulieu_core::vocab::{DatasetStatus, Role};
use dulieu_core::{Error, FieldErrors, Result};
use dulieu_store::datasets::{DatasetFilter, Viewer};
use dulieu_store::{Conn, accounts, datasets, events, organizations, registers};
use uuid::Uuid;

use crate::followers::DatasetChange;
use crate::paging::{Page, PageRequest};
use crate::{App, Subject, deny, require_signed_in, snapshot};

/// Applies a JSON merge patch to the writable fields of a resource, refusing read-only fields.
pub(crate) fn patched<T: serde::Serialize + serde::de::DeserializeOwned>(
    current: &T,
    patch: &serde_json::Value,
    read_only: &[&str],
) -> Result<T> {
    let Some(changes) = patch.as_object() else {
        return Err(Error::invalid("body", "expected_object"));
    };
    let mut errors = FieldErrors::new();
    for field in read_only {
        if changes.contains_key(*field) {
            errors.add(*field, "read_only");
        }
    }
    errors.into_result()?;
    let mut value = serde_json::to_value(current).map_err(Error::internal)?;
    merge_patch(&mut value, patch);
    from_json(value)
}

impl App {
    /// The public base URL of the portal (no trailing slash), as links to it are written.
    pub fn public_url(&self) -> &str {
        &self.inner.public_url
    }

    /// Adds the download URL of uploaded distributions.
    pub(crate) fn present(&self, mut dataset: Dataset) -> Dataset {
        for distribution in &mut dataset.distributions {
            if distribution.remote_url.is_none() {
                distribution.url = format!(
                    "{}/api/1/distributions/{}/download",
                    self.inner.public_url, distribution.id
                );
            }
        }
        dataset
    }

    /// The license register.
    pub async fn licenses(&self) -> Result<Vec<License>> {
        let mut conn = self.store().conn().await?;
        registers::licenses(&mut conn).await
    }

    /// The theme register.
    pub async fn themes(&self) -> Result<Vec<Theme>> {
        let mut conn = self.store().conn().await?;
        registers::themes(&mut conn).await
    }

    /// Adds a license to the register (sysadmins). Both titles are required.
    pub async fn create_license(&self, actor: &Actor, license: License) -> Result<License> {
        if !actor.is_sysadmin {
            return Err(deny(actor, "license.create"));
        }
        let mut errors = FieldErrors::new();
        let license = License {
            title: license.title.normalized(),
            url: license
                .url
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty()),
            ..license
        };
        // SPDX-style ids: lower-case letters, digits, '-' and '.' (`cc-by-4.0`).
        let id_ok = (2..=64).contains(&license.id.len())
            && license
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && license.id.starts_with(|c: char| c.is_ascii_alphanumeric());
        if !id_ok {
            errors.add("id", "invalid_license_id");
        }
        check_both_languages("title", &license.title, &mut errors);
        if let Some(url) = &license.url
            && !dulieu_core::text::is_http_url(url)
        {
            errors.add("url", "invalid_url");
        }
        errors.into_result()?;
        let mut tx = self.store().begin().await?;
        registers::insert_license(&mut tx, &license)
            .await
            .map_err(|e| taken(e, "id", &license.id))?;
        self.commit_change(
            tx,
            actor,
            Subject::new(
                "license",
                Uuid::new_v5(&Uuid::NAMESPACE_OID, license.id.as_bytes()),
                None,
            ),
            "created",
            None,
            snapshot(&license),
        )
        .await?;
        Ok(license)
    }

    /// Adds a local theme to the register (sysadmins): an upper-case code not in the EU vocabulary.
    pub async fn create_theme(&self, actor: &Actor, theme: Theme) -> Result<Theme> {
        if !actor.is_sysadmin {
            return Err(deny(actor, "theme.create"));
        }
        let theme = Theme {
            label: theme.label.normalized(),
            is_eu: false,
            ..theme
        };
        let mut errors = FieldErrors::new();
        let code_ok = (2..=30).contains(&theme.code.len())
            && theme
                .code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        if !code_ok {
            errors.add("code", "invalid_theme_code");
        }
        check_both_languages("label", &theme.label, &mut errors);
        errors.into_result()?;
        let mut tx = self.store().begin().await?;
        registers::insert_theme(&mut tx, &theme)
            .await
            .map_err(|e| taken(e, "code", &theme.code))?;
        self.commit_change(
            tx,
            actor,
            Subject::new(
                "theme",
                Uuid::new_v5(&Uuid::NAMESPACE_OID, theme.code.as_bytes()),
                None,
            ),
            "created",
            None,
            snapshot(&theme),
        )
        .await?;
        Ok(theme)
    }

    // ----------------------------------------------------------------- organizations

    /// Creates an organization. Government kinds need a sysadmin; the creator becomes its admin.
    pub async fn create_organization(
        &self,
        actor: &Actor,
        input: OrganizationInput,
    ) -> Result<Organization> {
        require_signed_in(actor)?;
        if input.kind.is_government() && !actor.is_sysadmin {
            return Err(Error::Forbidden {
                action: "organization.create_government",
            });
        }
        let input = input.validate()?;
        let mut tx = self.store().begin().await?;
        let parent_id = self
            .resolve_parent(&mut tx, actor, input.parent.as_deref())
            .await?;
        let id = Uuid::now_v7();
        organizations::insert(&mut tx, id, &input, parent_id, Utc::now()).await?;
        if let Some(user_id) = actor.user_id {
            accounts::upsert_membership(&mut tx, id, user_id, Role::Admin, Utc::now()).await?;
        }
        let org = organizations::get(&mut tx, id)
            .await?
            .ok_or_else(|| Error::Internal("organization vanished".into()))?;
        self.commit_change(
            tx,
            actor,
            Subject::new("organization", id, None),
            "created",
            None,
            snapshot(&org),
        )
        .await?;
        Ok(org)
    }

    async fn resolve_parent(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        parent: Option<&str>,
    ) -> Result<Option<Uuid>> {
        let Some(slug) = parent else { return Ok(None) };
        let parent = organizations::get_by_slug(conn, slug)
            .await?
            .ok_or_else(|| Error::invalid("parent", "unknown_organization"))?;
        if !actor.can_admin(parent.id) {
            return Err(deny(actor, "organization.attach_to_parent"));
        }
        Ok(Some(parent.id))
    }

    /// Loads an organization for a change or a members' view: 404 when unknown, then `allowed`
    /// (403, or 401 when anonymous).
    pub(crate) async fn organization_for_change(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        slug: &str,
        action: &'static str,
        allowed: impl Fn(&Actor, Uuid) -> bool,
    ) -> Result<Organization> {
        let org = organizations::get_by_slug(conn, slug)
            .await?
            .ok_or_else(|| Error::not_found("organization", slug))?;
        if !allowed(actor, org.id) {
            return Err(deny(actor, action));
        }
        Ok(org)
    }

    /// An organization by slug.
    pub async fn get_organization(&self, slug: &str) -> Result<Organization> {
        let mut conn = self.store().conn().await?;
        organizations::get_by_slug(&mut conn, slug)
            .await?
            .ok_or_else(|| Error::not_found("organization", slug))
    }

    /// A page of organizations.
    pub async fn list_organizations(&self, page: PageRequest) -> Result<Page<Organization>> {
        let mut conn = self.store().conn().await?;
        let (items, total) = organizations::list(&mut conn, page.offset(), page.page_size).await?;
        Ok(Page::new(items, total, page))
    }

    /// Changes an organization by JSON merge patch (its admins and sysadmins).
    pub async fn update_organization(
        &self,
        actor: &Actor,
        slug: &str,
        patch: &serde_json::Value,
    ) -> Result<Organization> {
        let mut tx = self.store().begin().await?;
        let before = self
            .organization_for_change(
                &mut tx,
                actor,
                slug,
                "organization.update",
                Actor::can_admin,
            )
            .await?;
        let input =
            patched(&before.to_input(), patch, ORGANIZATION_READ_ONLY_FIELDS)?.validate()?;
        if input.kind.is_government() != before.kind.is_government() && !actor.is_sysadmin {
            return Err(Error::Forbidden {
                action: "organization.change_government_kind",
            });
        }
        let parent_id = if input.parent == before.parent {
            match &before.parent {
                Some(slug) => organizations::get_by_slug(&mut tx, slug)
                    .await?
                    .map(|p| p.id),
                None => None,
            }
        } else {
            let parent_id = self
                .resolve_parent(&mut tx, actor, input.parent.as_deref())
                .await?;
            if let Some(parent_id) = parent_id
                && organizations::is_ancestor_or_self(&mut tx, before.id, parent_id).await?
            {
                return Err(Error::invalid("parent", "parent_cycle"));
            }
            parent_id
        };
        organizations::update(&mut tx, before.id, &input, parent_id, Utc::now()).await?;
        let after = organizations::get(&mut tx, before.id)
            .await?
            .ok_or_else(|| Error::Internal("organization vanished".into()))?;
        self.commit_change(
            tx,
            actor,
            Subject::new("organization", before.id, None),
            "updated",
            snapshot(&before),
            snapshot(&after),
        )
        .await?;
        Ok(after)
    }

    /// Deletes an organization that has no datasets or sub-organizations (its admins and sysadmins).
    pub async fn delete_organization(&self, actor: &Actor, slug: &str) -> Result<()> {
        let mut tx = self.store().begin().await?;
        let org = self
            .organization_for_change(
                &mut tx,
                actor,
                slug,
                "organization.delete",
                Actor::can_admin,
            )
            .await?;
        if organizations::dependents(&mut tx, org.id).await? > 0 {
            return Err(Error::Conflict {
                code: "organization_not_empty",
                field: "slug",
                value: slug.to_string(),
            });
        }
        organizations::delete(&mut tx, org.id).await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("organization", org.id, None),
            "deleted",
            snapshot(&org),
            None,
        )
        .await?;
        Ok(())
    }

    // ----------------------------------------------------------------- datasets

    /// Checks register references (publisher, license, themes) and returns the publisher id.
    async fn check_references(&self, conn: &mut Conn, input: &DatasetInput) -> Result<Uuid> {
        let mut errors = FieldErrors::new();
        let publisher = organizations::get_by_slug(conn, &input.publisher).await?;
        if publisher.is_none() {
            errors.add("publisher", "unknown_organization");
        }
        if !registers::license_exists(conn, &input.license).await? {
            errors.add("license", "unknown_license");
        }
        for (i, theme) in input.themes.iter().enumerate() {
            if !registers::theme_exists(conn, theme).await? {
                errors.add(format!("themes[{i}]"), "unknown_theme");
            }
        }
        errors.into_result()?;
        publisher
            .map(|p| p.id)
            .ok_or_else(|| Error::Internal("publisher vanished".into()))
    }

    /// Creates a dataset (editors and admins of the publisher, sysadmins).
    pub async fn create_dataset(&self, actor: &Actor, input: DatasetInput) -> Result<Dataset> {
        require_signed_in(actor)?;
        let mut input = input.validate()?;
        let mut tx = self.store().begin().await?;
        let publisher_id = self.check_references(&mut tx, &input).await?;
        if !actor.can_edit_datasets_of(publisher_id) {
            return Err(deny(actor, "dataset.create"));
        }
        self.check_status_change(&mut tx, actor, publisher_id, None, input.status)
            .await?;
        let now = Utc::now();
        if input.status == DatasetStatus::Published && input.issued.is_none() {
            input.issued = Some(now.date_naive());
        }
        let id = Uuid::now_v7();
        datasets::insert(&mut tx, id, &input, publisher_id, now).await?;
        let dataset = self.present(
            datasets::get(&mut tx, &id.to_string())
                .await?
                .ok_or_else(|| Error::Internal("dataset vanished".into()))?,
        );
        self.commit_change(
            tx,
            actor,
            Subject::new("dataset", id, None),
            "created",
            None,
            snapshot(&dataset),
        )
        .await?;
        Ok(dataset)
    }

    /// A dataset by id or slug, if `actor` may see it (404 otherwise, so existence is not revealed).
    pub async fn get_dataset(&self, actor: &Actor, key: &str) -> Result<Dataset> {
        let dataset = self
            .store()
            .read_dataset(key)
            .await?
            .filter(|d| d.is_public() || actor.can_see_private_of(d.publisher_id))
            .ok_or_else(|| Error::not_found("dataset", key))?;
        Ok(self.present(dataset))
    }

    /// The JSON of a dataset by id or slug, if `actor` may see it; public datasets are served
    /// from the read cache.
    pub async fn get_dataset_json(&self, actor: &Actor, key: &str) -> Result<bytes::Bytes> {
        if let Some(json) = self.cache().get(key) {
            return Ok(json);
        }
        let generation = self.cache().generation();
        let dataset = self.get_dataset(actor, key).await?;
        let json = bytes::Bytes::from(serde_json::to_vec(&dataset).map_err(Error::internal)?);
        if dataset.is_public() {
            self.cache()
                .insert(generation, dataset.id, &dataset.slug, json.clone());
        }
        Ok(json)
    }

    /// A page of the datasets `actor` may see, newest first, optionally of one publisher or status.
    pub async fn list_datasets(
        &self,
        actor: &Actor,
        publisher: Option<&str>,
        status: Option<DatasetStatus>,
        page: PageRequest,
    ) -> Result<Page<Dataset>> {
        let mut conn = self.store().conn().await?;
        let publisher_id = match publisher {
            Some(slug) => Some(
                organizations::get_by_slug(&mut conn, slug)
                    .await?
                    .ok_or_else(|| Error::invalid("organization", "unknown_organization"))?
                    .id,
            ),
            None => None,
        };
        let viewer = Viewer {
            sees_all: actor.is_sysadmin,
            user_id: actor.user_id,
        };
        let filter = DatasetFilter {
            publisher_id,
            status,
        };
        let (items, total) =
            datasets::list(&mut conn, &viewer, &filter, page.offset(), page.page_size).await?;
        Ok(Page::new(
            items.into_iter().map(|d| self.present(d)).collect(),
            total,
            page,
        ))
    }

    /// Loads a dataset for a change, enforcing visibility (404) and then `allowed` (403/401).
    pub(crate) async fn dataset_for_change(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        key: &str,
        action: &'static str,
        allowed: impl Fn(&Actor, Uuid) -> bool,
    ) -> Result<Dataset> {
        let dataset = datasets::get(conn, key)
            .await?
            .ok_or_else(|| Error::not_found("dataset", key))?;
        // Anonymous callers are told to sign in whatever the dataset; that reveals nothing.
        if !actor.is_authenticated() && !allowed(actor, dataset.publisher_id) {
            return Err(Error::Unauthenticated);
        }
        if !(dataset.is_public() || actor.can_see_private_of(dataset.publisher_id)) {
            return Err(Error::not_found("dataset", key));
        }
        if !allowed(actor, dataset.publisher_id) {
            return Err(deny(actor, action));
        }
        Ok(dataset)
    }

    /// Changes a dataset by JSON merge patch (editors and admins of the publisher, sysadmins).
    pub async fn update_dataset(
        &self,
        actor: &Actor,
        key: &str,
        patch: &serde_json::Value,
    ) -> Result<Dataset> {
        let mut tx = self.store().begin().await?;
        let before = self
            .dataset_for_change(
                &mut tx,
                actor,
                key,
                "dataset.update",
                Actor::can_edit_datasets_of,
            )
            .await?;
        let before = self.present(before);
        let explicit_modified = patch.get("modified").is_some();
        let mut input = patched(&before.to_input(), patch, DATASET_READ_ONLY_FIELDS)?.validate()?;
        let publisher_id = self.check_references(&mut tx, &input).await?;
        if publisher_id != before.publisher_id && !actor.can_edit_datasets_of(publisher_id) {
            return Err(deny(actor, "dataset.move"));
        }
        self.check_status_change(
            &mut tx,
            actor,
            publisher_id,
            Some(before.status),
            input.status,
        )
        .await?;
        let now = Utc::now();
        if input.status == DatasetStatus::Published && input.issued.is_none() {
            input.issued = Some(now.date_naive());
        }
        if !explicit_modified {
            input.modified = Some(now.date_naive());
        }
        datasets::update(&mut tx, before.id, &input, publisher_id, now).await?;
        let after = self.present(
            datasets::get(&mut tx, &before.id.to_string())
                .await?
                .ok_or_else(|| Error::Internal("dataset vanished".into()))?,
        );
        self.notify_dataset_followers(&mut tx, actor, before.id, DatasetChange::Updated)
            .await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("dataset", before.id, None),
            "updated",
            snapshot(&before),
            snapshot(&after),
        )
        .await?;
        Ok(after)
    }

    /// Deletes a dataset (admins of the publisher, sysadmins). Stored files are kept.
    pub async fn delete_dataset(&self, actor: &Actor, key: &str) -> Result<()> {
        let mut tx = self.store().begin().await?;
        let dataset = self
            .dataset_for_change(&mut tx, actor, key, "dataset.delete", Actor::can_admin)
            .await?;
        datasets::delete(&mut tx, dataset.id).await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("dataset", dataset.id, None),
            "deleted",
            snapshot(&self.present(dataset.clone())),
            None,
        )
        .await?;
        Ok(())
    }

    /// The change history of a dataset and its distributions, oldest first.
    pub async fn dataset_history(
        &self,
        actor: &Actor,
        key: &str,
        page: PageRequest,
    ) -> Result<Page<Event>> {
        let dataset = self.get_dataset(actor, key).await?;
        let mut conn = self.store().conn().await?;
        let (items, total) =
            events::history(&mut conn, dataset.id, page.offset(), page.page_size).await?;
        Ok(Page::new(items, total, page))
    }

    /// The latest `limit` changes of a dataset and its distributions, newest first, and how many
    /// there are in all (what the dataset's page shows of its history).
    pub async fn latest_dataset_changes(
        &self,
        actor: &Actor,
        key: &str,
        limit: i64,
    ) -> Result<(Vec<Event>, i64)> {
        let dataset = self.get_dataset(actor, key).await?;
        let mut conn = self.store().conn().await?;
        events::latest(&mut conn, dataset.id, limit).await
    }
}

/// Register entries are shown in both languages: both texts are required.
fn check_both_languages(field: &str, text: &dulieu_core::text::LangText, errors: &mut FieldErrors) {
    for (lang, value) in [("vi", &text.vi), ("en", &text.en)] {
        if value.is_none() {
            errors.add(format!("{field}.{lang}"), "required");
        }
    }
    text.check(field, false, 300, errors);
}

/// Maps a unique violation on a register key to `already_exists` naming that key.
fn taken(err: Error, field: &'static str, value: &str) -> Error {
    match err {
        Error::Conflict { .. } => Error::Conflict {
            code: "already_exists",
            field,
            value: value.to_string(),
        },
        other => other,
    }
}
