//! Writing what a source said: each remote dataset is matched on (source, remote id) with its
//! local copy and created, updated in place or left alone (its content hash says whether the
//! source changed it); copies gone from the source are archived after the grace period.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use dulieu_core::FieldErrors;
use dulieu_core::account::Actor;
use dulieu_core::catalog::{Dataset, DatasetInput, DistributionInput, OrganizationInput};
use dulieu_core::harvest::{HarvestSource, RemoteDataset, RemoteDistribution, RemotePublisher};
use dulieu_core::text::slugify;
use dulieu_core::vocab::DatasetStatus;
use dulieu_core::{Error, Result};
use dulieu_store::harvest::{self as store, HarvestedLink, LinkRow};
use dulieu_store::{Tx, datasets, distributions, organizations};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::Tally;
use crate::{App, Subject};

/// Longest slug made for a harvested dataset or organization.
const SLUG_MAX: usize = 90;

/// The hash that tells whether a source changed a dataset since the last run.
pub(crate) fn content_hash(remote: &RemoteDataset) -> String {
    let bytes = serde_json::to_vec(remote).unwrap_or_default();
    hex::encode(Sha256::digest(bytes))
}

/// Where a source's datasets land, and what the run knows so far.
pub(crate) struct Target {
    source: HarvestSource,
    links: HashMap<String, HarvestedLink>,
    /// Local organization (id, slug) by the source's publisher key.
    publishers: HashMap<String, (Uuid, String)>,
    licenses: HashSet<String>,
    themes: HashSet<String>,
}

/// A remote dataset made ready to write.
struct Prepared {
    input: DatasetInput,
    publisher_id: Uuid,
    distributions: Vec<DistributionInput>,
}

impl Target {
    /// Loads the source's links and the registers remote values are checked against.
    pub(crate) async fn load(app: &App, source: &HarvestSource) -> Result<Self> {
        let mut conn = app.store().conn().await?;
        let links = store::links(&mut conn, source.id).await?;
        drop(conn);
        Ok(Self {
            source: source.clone(),
            links,
            publishers: HashMap::new(),
            licenses: app.licenses().await?.into_iter().map(|l| l.id).collect(),
            themes: app.themes().await?.into_iter().map(|t| t.code).collect(),
        })
    }

    /// Writes one page in one transaction, with one event per dataset (and organization) made or
    /// changed. When an item could not be taken: the earliest change time of such an item (the
    /// run's high-water mark must not pass it, so the next run tries it again).
    pub(crate) async fn apply_page(
        &mut self,
        app: &App,
        items: Vec<RemoteDataset>,
        tally: &mut Tally,
    ) -> Result<Option<DateTime<Utc>>> {
        let mut hold: Option<DateTime<Utc>> = None;
        let mut tx = app.store().begin().await?;
        let mut changes = Vec::new();
        let now = Utc::now();
        for remote in items {
            let hash = content_hash(&remote);
            let link = self.links.get(&remote.remote_id).cloned();
            if let Some(link) = &link
                && link.content_hash == hash
            {
                if link.gone_since.is_some() {
                    let status = remote.input.status;
                    self.restore(&mut tx, &remote.remote_id, link, status, &mut changes)
                        .await?;
                    tally.updated += 1;
                } else {
                    tally.unchanged += 1;
                }
                continue;
            }
            let existing = match &link {
                Some(link) => datasets::get(&mut tx, &link.dataset_id.to_string()).await?,
                None => None,
            };
            let prepared = match self
                .prepare(&mut tx, &remote, existing.as_ref(), &mut changes, tally)
                .await?
            {
                Ok(prepared) => prepared,
                Err(message) => {
                    tally.fail(&remote.remote_id, message);
                    let at = remote.remote_modified.unwrap_or(DateTime::<Utc>::MIN_UTC);
                    hold = Some(hold.map_or(at, |h| h.min(at)));
                    continue;
                }
            };
            let dataset_id = match existing {
                Some(dataset) => {
                    update_copy(&mut tx, &dataset, &prepared, now).await?;
                    changes.push((Subject::new("dataset", dataset.id, None), "updated"));
                    tally.updated += 1;
                    dataset.id
                }
                None => {
                    let id = Uuid::now_v7();
                    datasets::insert(&mut tx, id, &prepared.input, prepared.publisher_id, now)
                        .await?;
                    for distribution in &prepared.distributions {
                        distributions::insert(&mut tx, Uuid::now_v7(), id, distribution, now)
                            .await?;
                    }
                    changes.push((Subject::new("dataset", id, None), "created"));
                    tally.created += 1;
                    id
                }
            };
            store::save_link(
                &mut tx,
                &LinkRow {
                    source_id: self.source.id,
                    remote_id: &remote.remote_id,
                    dataset_id,
                    remote_url: remote.remote_url.as_deref(),
                    remote_modified: remote.remote_modified,
                    content_hash: &hash,
                },
                now,
            )
            .await?;
            self.links.insert(
                remote.remote_id.clone(),
                HarvestedLink {
                    dataset_id,
                    content_hash: hash,
                    gone_since: None,
                },
            );
        }
        app.commit_changes(tx, &Actor::system(), changes).await?;
        Ok(hold)
    }

    /// A dataset back at the source unchanged: no longer gone, and out of the archive (as
    /// `status`) when the harvest put it there.
    async fn restore(
        &mut self,
        tx: &mut Tx,
        remote_id: &str,
        link: &HarvestedLink,
        status: DatasetStatus,
        changes: &mut Vec<(Subject, &'static str)>,
    ) -> Result<()> {
        store::set_gone(tx, self.source.id, remote_id, None).await?;
        if let Some(dataset) = datasets::get(tx, &link.dataset_id.to_string()).await?
            && dataset.status == DatasetStatus::Archived
        {
            set_status(tx, &dataset, status, Utc::now()).await?;
            changes.push((Subject::new("dataset", dataset.id, None), "updated"));
        }
        if let Some(link) = self.links.get_mut(remote_id) {
            link.gone_since = None;
        }
        Ok(())
    }

    /// Archives the copies of datasets absent from `present` for longer than the grace period
    /// (marking newly absent ones as gone), in pages of one transaction each. Copies marked gone
    /// that are present again (an incremental run does not read what did not change) are no
    /// longer gone, and back out of the archive as published.
    pub(crate) async fn archive_gone(
        &mut self,
        app: &App,
        present: &HashSet<String>,
        tally: &mut Tally,
    ) -> Result<()> {
        let back: Vec<(String, HarvestedLink)> = self
            .links
            .iter()
            .filter(|(remote_id, link)| link.gone_since.is_some() && present.contains(*remote_id))
            .map(|(id, link)| (id.clone(), link.clone()))
            .collect();
        for chunk in back.chunks(500) {
            let mut tx = app.store().begin().await?;
            let mut changes = Vec::new();
            for (remote_id, link) in chunk {
                let status = DatasetStatus::Published;
                self.restore(&mut tx, remote_id, link, status, &mut changes)
                    .await?;
                tally.updated += 1;
            }
            app.commit_changes(tx, &Actor::system(), changes).await?;
        }
        let now = Utc::now();
        let grace = chrono::Duration::days(self.source.grace_days);
        let gone: Vec<(String, HarvestedLink)> = self
            .links
            .iter()
            .filter(|(remote_id, _)| !present.contains(*remote_id))
            .map(|(id, link)| (id.clone(), link.clone()))
            .collect();
        for chunk in gone.chunks(500) {
            let mut tx = app.store().begin().await?;
            let mut changes = Vec::new();
            for (remote_id, link) in chunk {
                let since = match link.gone_since {
                    Some(since) => since,
                    None => {
                        store::set_gone(&mut tx, self.source.id, remote_id, Some(now)).await?;
                        now
                    }
                };
                if now - since < grace {
                    continue;
                }
                if let Some(dataset) = datasets::get(&mut tx, &link.dataset_id.to_string()).await?
                    && dataset.status != DatasetStatus::Archived
                {
                    set_status(&mut tx, &dataset, DatasetStatus::Archived, now).await?;
                    changes.push((Subject::new("dataset", dataset.id, None), "updated"));
                    tally.archived += 1;
                }
            }
            app.commit_changes(tx, &Actor::system(), changes).await?;
        }
        for (remote_id, _) in gone {
            if let Some(link) = self.links.get_mut(&remote_id) {
                link.gone_since.get_or_insert(now);
            }
        }
        Ok(())
    }

    /// Maps a remote dataset onto local fields: its publisher (made when missing), a free slug,
    /// licenses and themes the registers know, links that pass validation. `Err` says why the
    /// item cannot be taken.
    async fn prepare(
        &mut self,
        tx: &mut Tx,
        remote: &RemoteDataset,
        existing: Option<&Dataset>,
        changes: &mut Vec<(Subject, &'static str)>,
        tally: &mut Tally,
    ) -> Result<std::result::Result<Prepared, String>> {
        let (publisher_id, publisher_slug) =
            match self.publisher(tx, &remote.publisher, changes).await? {
                Ok(publisher) => publisher,
                Err(message) => return Ok(Err(message)),
            };
        let mut input = remote.input.clone();
        input.publisher = publisher_slug;
        if !self.licenses.contains(&input.license) {
            tally.note(
                &remote.remote_id,
                format!(
                    "license `{}` is not in the register: recorded as none",
                    input.license
                ),
            );
            input.license = "none".into();
        }
        input.themes.retain(|t| self.themes.contains(t));
        if !input.status.is_out() {
            input.status = DatasetStatus::Published;
        }
        input.slug = existing.map(|dataset| dataset.slug.clone());
        if existing.is_none() {
            let wanted = remote
                .input
                .slug
                .clone()
                .map(|s| slugify(&s))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| {
                    slugify(
                        remote
                            .input
                            .title
                            .get("vi")
                            .or(remote.input.title.get("en"))
                            .unwrap_or(""),
                    )
                });
            input.slug = Some(self.free_slug(tx, &wanted).await?);
        }
        if input.status == DatasetStatus::Published && input.issued.is_none() {
            input.issued = existing
                .and_then(|d| d.issued)
                .or_else(|| Some(Utc::now().date_naive()));
        }
        let input = match input.validate() {
            Ok(input) => input,
            Err(errors) => return Ok(Err(describe(&errors))),
        };
        let mut links = Vec::new();
        for (i, distribution) in remote.distributions.iter().enumerate() {
            match self.distribution_input(distribution).validate(false) {
                Ok(valid) => links.push(valid),
                Err(errors) => tally.note(
                    &remote.remote_id,
                    format!(
                        "distribution {} ({}) left out: {}",
                        i + 1,
                        distribution.url,
                        describe(&errors)
                    ),
                ),
            }
        }
        Ok(Ok(Prepared {
            input,
            publisher_id,
            distributions: links,
        }))
    }

    fn distribution_input(&self, remote: &RemoteDistribution) -> DistributionInput {
        DistributionInput {
            title: remote.title.clone(),
            description: remote.description.clone(),
            format: remote.format.clone(),
            media_type: remote.media_type.clone(),
            url: Some(remote.url.clone()),
            license: remote.license.clone().filter(|l| self.licenses.contains(l)),
            issued: remote.issued,
            modified: remote.modified,
        }
    }

    /// The local organization of a remote publisher: the source's fixed one, else the one made
    /// for it (found by slug, made on first sight with the source's publisher kind).
    async fn publisher(
        &mut self,
        tx: &mut Tx,
        remote: &RemotePublisher,
        changes: &mut Vec<(Subject, &'static str)>,
    ) -> Result<std::result::Result<(Uuid, String), String>> {
        if let Some(slug) = &self.source.organization {
            if let Some(known) = self.publishers.get("") {
                return Ok(Ok(known.clone()));
            }
            let org = organizations::get_by_slug(tx, slug)
                .await?
                .ok_or_else(|| Error::not_found("organization", slug))?;
            let found = (org.id, org.slug);
            self.publishers.insert(String::new(), found.clone());
            return Ok(Ok(found));
        }
        let name = remote
            .name
            .get("vi")
            .or(remote.name.get("en"))
            .unwrap_or("");
        let slug = remote
            .slug_hint
            .as_deref()
            .map(slugify)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| slugify(name));
        let slug: String = slug.chars().take(SLUG_MAX).collect();
        if slug.is_empty() {
            return Ok(Err("the dataset has no publisher name".into()));
        }
        if let Some(known) = self.publishers.get(&slug) {
            return Ok(Ok(known.clone()));
        }
        // The source's own organization of that name: the slug, or `slug-{source}`, `-2`…
        // past organizations the source did not make (a remote portal never publishes under a
        // local agency; a source set up with an organization does, on purpose).
        let mut candidate = slug.clone();
        let mut n = 1;
        let existing = loop {
            match organizations::get_by_slug(tx, &candidate).await? {
                Some(org) if store::publishes_for(tx, self.source.id, org.id).await? => {
                    break Some(org);
                }
                Some(_) => {
                    let base: String = slug
                        .chars()
                        .take(SLUG_MAX.saturating_sub(self.source.slug.len() + 4))
                        .collect();
                    let base = base.trim_end_matches('-');
                    n += 1;
                    candidate = if n == 2 {
                        format!("{base}-{}", self.source.slug)
                    } else {
                        format!("{base}-{}-{n}", self.source.slug)
                    };
                }
                None => break None,
            }
        };
        let found = match existing {
            Some(org) => (org.id, org.slug),
            None => {
                let mut input = OrganizationInput {
                    slug: candidate,
                    name: remote.name.clone(),
                    description: remote.description.clone(),
                    kind: self.source.publisher_kind,
                    parent: None,
                    contact_email: remote.contact_email.clone(),
                    website: remote.website.clone(),
                };
                // What the source says about its publisher is not ours to refuse: fields that do
                // not pass are left out, not the publisher.
                let input = match input.clone().validate() {
                    Ok(valid) => valid,
                    Err(_) => {
                        input.contact_email = None;
                        input.website = None;
                        input.description = Default::default();
                        match input.validate() {
                            Ok(valid) => valid,
                            Err(errors) => {
                                return Ok(Err(format!("publisher: {}", describe(&errors))));
                            }
                        }
                    }
                };
                let id = Uuid::now_v7();
                organizations::insert(tx, id, &input, None, Utc::now()).await?;
                changes.push((Subject::new("organization", id, None), "created"));
                (id, input.slug)
            }
        };
        self.publishers.insert(slug, found.clone());
        Ok(Ok(found))
    }

    /// `wanted`, or `wanted-{source}`, or `wanted-{source}-2`… whichever no dataset has.
    async fn free_slug(&self, tx: &mut Tx, wanted: &str) -> Result<String> {
        let base: String = wanted.chars().take(SLUG_MAX).collect();
        let base = base.trim_end_matches('-').to_string();
        let mut candidate = base.clone();
        let mut n = 1;
        while datasets::slug_taken(tx, &candidate).await? {
            candidate = if n == 1 {
                format!("{base}-{}", self.source.slug)
            } else {
                format!("{base}-{}-{n}", self.source.slug)
            };
            n += 1;
        }
        Ok(candidate)
    }
}

/// Updates a copy in place: its fields, and its links matched on URL (changed, added, removed).
async fn update_copy(
    tx: &mut Tx,
    dataset: &Dataset,
    prepared: &Prepared,
    now: DateTime<Utc>,
) -> Result<()> {
    datasets::update(tx, dataset.id, &prepared.input, prepared.publisher_id, now).await?;
    let mut kept = HashSet::new();
    for input in &prepared.distributions {
        let same = dataset
            .distributions
            .iter()
            .find(|d| !kept.contains(&d.id) && d.remote_url.as_deref() == input.url.as_deref());
        match same {
            Some(current) => {
                kept.insert(current.id);
                distributions::update(tx, current.id, input, now).await?;
            }
            None => {
                distributions::insert(tx, Uuid::now_v7(), dataset.id, input, now).await?;
            }
        }
    }
    for gone in dataset
        .distributions
        .iter()
        .filter(|d| d.remote_url.is_some() && !kept.contains(&d.id))
    {
        distributions::delete(tx, gone.id).await?;
    }
    Ok(())
}

async fn set_status(
    tx: &mut Tx,
    dataset: &Dataset,
    status: DatasetStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut input = dataset.to_input();
    input.status = status;
    datasets::update(tx, dataset.id, &input, dataset.publisher_id, now).await
}

/// Field problems in one line: `title: required; keywords[3]: too_long`.
fn describe(errors: &FieldErrors) -> String {
    errors
        .0
        .iter()
        .map(|(field, violations)| {
            let codes: Vec<_> = violations.iter().map(|v| v.code).collect();
            format!("{field}: {}", codes.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use dulieu_core::harvest::RemotePublisher;

    fn remote() -> RemoteDataset {
        RemoteDataset {
            remote_id: "pkg-1".into(),
            remote_url: None,
            remote_modified: None,
            publisher: RemotePublisher::default(),
            input: serde_json::from_value(serde_json::json!({
                "title": {"vi": "Dân số"}, "publisher": "gso"
            }))
            .unwrap(),
            distributions: Vec::new(),
        }
    }

    #[test]
    fn the_hash_changes_with_what_the_source_says_and_only_then() {
        let a = remote();
        assert_eq!(content_hash(&a), content_hash(&a.clone()));
        let mut b = remote();
        b.input.title.en = Some("Population".into());
        assert_ne!(content_hash(&a), content_hash(&b));
    }

    #[test]
    fn field_problems_read_in_one_line() {
        let mut errors = FieldErrors::new();
        errors.add("title", "required");
        errors.add("keywords[3]", "too_long");
        errors.add("keywords[3]", "invalid");
        assert_eq!(
            describe(&errors),
            "keywords[3]: too_long, invalid; title: required"
        );
    }
}
