//! What the CKAN Action API (`dulieu_web::ckan`) reads beyond the use cases: selections over the
//! search index with read-your-writes, datasets by id in batches, the registers a package is
//! written with, and the translation of CKAN's query language onto the index's conditions.
//! Writes go through the catalog and file use cases, like every other face.

use std::collections::HashSet;

use dulieu_ckan::query::{Field, Limit, TimeField};
use dulieu_ckan::{Query, Site, license};
use dulieu_core::account::Actor;
use dulieu_core::catalog::{Dataset, Organization};
use dulieu_core::tables::IngestStatus;
use dulieu_core::{Error, Result};
use dulieu_search::{Attribute, Condition, Selected, Selection};
use dulieu_store::{ckan, organizations, registers, tables};
use uuid::Uuid;

use crate::App;

impl App {
    /// The organizations, registers and base URL packages are written with.
    pub async fn ckan_site(&self) -> Result<Site> {
        let mut conn = self.store().conn().await?;
        Ok(Site {
            public_url: self.public_url().to_string(),
            organizations: organizations::all(&mut conn)
                .await?
                .into_iter()
                .map(|o| (o.id, o))
                .collect(),
            licenses: registers::licenses(&mut conn)
                .await?
                .into_iter()
                .map(|l| (l.id.clone(), l))
                .collect(),
            themes: registers::themes(&mut conn)
                .await?
                .into_iter()
                .map(|t| (t.code.clone(), t))
                .collect(),
        })
    }

    /// Runs a selection with `actor`'s visibility, once the index has caught up with every
    /// committed change (CKAN indexes on write, and its clients search right after writing).
    pub async fn ckan_select(&self, actor: &Actor, mut selection: Selection) -> Result<Selected> {
        self.sync_search().await?;
        let index = self.search_index()?;
        selection.viewer = crate::search::viewer_of(actor);
        tokio::task::spawn_blocking(move || index.select(&selection))
            .await
            .map_err(|e| Error::Internal(format!("search task failed: {e}")))?
    }

    /// The datasets with these ids that `actor` may see, in the order of `ids`, with their
    /// download URLs: a few queries whatever the number.
    pub async fn datasets_by_ids(&self, actor: &Actor, ids: &[Uuid]) -> Result<Vec<Dataset>> {
        let mut conn = self.store().conn().await?;
        Ok(ckan::datasets_by_ids(&mut conn, ids)
            .await?
            .into_iter()
            .filter(|d| d.is_public() || actor.can_see_private_of(d.publisher_id))
            .map(|d| self.present(d))
            .collect())
    }

    /// The distributions of `datasets` whose tables can be queried (CKAN's `datastore_active`).
    pub async fn queryable_distributions(&self, datasets: &[Dataset]) -> Result<HashSet<Uuid>> {
        let ids: Vec<Uuid> = datasets
            .iter()
            .filter(|d| !d.distributions.is_empty())
            .map(|d| d.id)
            .collect();
        if ids.is_empty() {
            return Ok(HashSet::new());
        }
        let mut conn = self.store().conn().await?;
        Ok(tables::list_for_datasets(&mut conn, &ids)
            .await?
            .into_iter()
            .filter(|t| t.status == IngestStatus::Done && !t.tables.is_empty())
            .map(|t| t.distribution_id)
            .collect())
    }

    /// The slugs of public datasets, A to Z (`package_list`).
    pub async fn public_dataset_names(&self, offset: i64, limit: i64) -> Result<Vec<String>> {
        let mut conn = self.store().conn().await?;
        ckan::public_slugs(&mut conn, offset, limit).await
    }

    /// The keywords of public datasets (`tag_list`).
    pub async fn public_keywords(&self) -> Result<Vec<String>> {
        let mut conn = self.store().conn().await?;
        ckan::public_keywords(&mut conn).await
    }

    /// Checks, without writing anything, that [`App::update_distribution`] would accept `patch`
    /// on distribution `id` from `actor`: the same permission, merge, validation and license
    /// checks. `resource_update` with a file runs it before the file is stored, so a field in
    /// error leaves no new version behind.
    pub async fn check_distribution_patch(
        &self,
        actor: &Actor,
        id: Uuid,
        patch: &serde_json::Value,
    ) -> Result<()> {
        let mut conn = self.store().conn().await?;
        self.checked_distribution_patch(&mut conn, actor, id, patch)
            .await
            .map(|_| ())
    }

    /// An organization by id or slug.
    pub async fn organization_by_key(&self, key: &str) -> Result<Organization> {
        let mut conn = self.store().conn().await?;
        let found = match Uuid::parse_str(key) {
            Ok(id) => organizations::get(&mut conn, id).await?,
            Err(_) => organizations::get_by_slug(&mut conn, key).await?,
        };
        found.ok_or_else(|| Error::not_found("organization", key))
    }
}

/// A CKAN query as a condition of the search index. `owner_org` ids become slugs through
/// `site`; CKAN license ids become register ids.
pub fn condition_of(query: &Query, site: &Site) -> Condition {
    let none = || Condition::Not(Box::new(Condition::All));
    match query {
        Query::All => Condition::All,
        Query::Text(text) => Condition::Text(text.clone()),
        Query::And(parts) => Condition::And(parts.iter().map(|p| condition_of(p, site)).collect()),
        Query::Or(parts) => Condition::Or(parts.iter().map(|p| condition_of(p, site)).collect()),
        Query::Not(inner) => Condition::Not(Box::new(condition_of(inner, site))),
        Query::Range { field, from, to } => Condition::Range {
            field: match field {
                TimeField::MetadataModified => dulieu_search::TimeField::Updated,
                TimeField::MetadataCreated => dulieu_search::TimeField::Created,
            },
            from: from.map(|Limit { at, inclusive }| (at, inclusive)),
            to: to.map(|Limit { at, inclusive }| (at, inclusive)),
        },
        Query::Match { field, value } => {
            let facet = |facet: &str, value: String| Condition::Facet {
                facet: facet.to_string(),
                value,
            };
            let yes = |v: &str| matches!(v.to_ascii_lowercase().as_str(), "true" | "private");
            let no = |v: &str| matches!(v.to_ascii_lowercase().as_str(), "false" | "public");
            match field {
                Field::Organization => {
                    let slug = Uuid::parse_str(value)
                        .ok()
                        .and_then(|id| site.organizations.get(&id))
                        .map_or_else(|| value.clone(), |o| o.slug.clone());
                    facet("organization", slug)
                }
                Field::Tags => facet("keyword", value.clone()),
                Field::ResFormat => facet("format", value.clone()),
                Field::LicenseId => facet("license", license::from_ckan(value)),
                Field::Groups => facet("theme", value.clone()),
                Field::Name => Condition::Attribute(Attribute::Name(value.clone())),
                Field::Id => Uuid::parse_str(value).map_or_else(|_| none(), Condition::Id),
                Field::State => match value.as_str() {
                    "active" => Condition::Attribute(Attribute::Active(true)),
                    "draft" => Condition::Attribute(Attribute::Active(false)),
                    _ => none(),
                },
                Field::Private if yes(value) => Condition::Attribute(Attribute::Private(true)),
                Field::Private if no(value) => Condition::Attribute(Attribute::Private(false)),
                Field::Private => none(),
                Field::DatasetType if value == "dataset" => Condition::All,
                Field::DatasetType => none(),
            }
        }
    }
}
