//! Demo catalog: the ministries and agencies named in the World Bank's 2019 readiness assessment of
//! Vietnam, one dataset per row of its Annex C ("datasets available"), with the original links,
//! and the assessment itself (its DGRA and ODRA with both action plans, and its OD4B, from
//! `dulieu-readiness`); then demo accounts (a citizen, a portal team member and an editor of the
//! General Statistics Office, see [`accounts`]) with data requests and feedback tickets in
//! varied states ([`tickets`]), and a few tabular files read as tables by the worker
//! ([`tables`]); and the inventory of the organizations Annex C names, with the six priority
//! national databases ([`inventory`]).
//! Loading is idempotent: what already exists is left as it is.

pub mod accounts;
mod inventory;
pub mod tables;
mod tickets;

use dulieu_app::App;
use dulieu_core::account::Actor;
use dulieu_core::catalog::{DatasetInput, DistributionInput, OrganizationInput};
use dulieu_core::text::LangText;
use dulieu_core::vocab::{AccessRights, DatasetStatus, OrgKind};
use dulieu_core::{Error, Result};
use serde::Deserialize;

const ORGANIZATIONS: &str = include_str!("../data/organizations.json");
const DATASETS: &str = include_str!("../data/datasets.json");

#[derive(Deserialize)]
struct DemoOrganization {
    slug: String,
    name: LangText,
    kind: OrgKind,
    parent: Option<String>,
    website: Option<String>,
    description: LangText,
}

#[derive(Deserialize)]
struct DemoKeywords {
    vi: Vec<String>,
    en: Vec<String>,
}

#[derive(Deserialize)]
struct DemoDataset {
    slug: String,
    publisher: String,
    title: LangText,
    description: LangText,
    formats: Vec<String>,
    recommendation: Vec<String>,
    link: Option<String>,
    keywords: DemoKeywords,
    themes: Vec<String>,
    frequency: String,
}

/// What a load created.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LoadReport {
    /// Organizations created now.
    pub organizations: usize,
    /// Datasets created now.
    pub datasets: usize,
    /// Link distributions created now.
    pub distributions: usize,
    /// Readiness assessments created now.
    pub assessments: usize,
    /// Action plans created now.
    pub action_plans: usize,
    /// Demo accounts created now.
    pub accounts: usize,
    /// Data requests filed now.
    pub requests: usize,
    /// Feedback tickets reported now.
    pub feedback: usize,
    /// Tabular files uploaded now (read as tables by the worker).
    pub tables: usize,
    /// Inventory items recorded now.
    pub inventory: usize,
}

pub(crate) fn bad_data(err: serde_json::Error) -> Error {
    Error::Internal(format!("demo data is malformed: {err}"))
}

/// Loads the demo catalog as the system actor.
pub async fn load(app: &App) -> Result<LoadReport> {
    let actor = Actor::system();
    let mut report = LoadReport::default();
    let organizations: Vec<DemoOrganization> =
        serde_json::from_str(ORGANIZATIONS).map_err(bad_data)?;
    for org in organizations {
        if app.get_organization(&org.slug).await.is_ok() {
            continue;
        }
        let input = OrganizationInput {
            slug: org.slug,
            name: org.name,
            description: org.description,
            kind: org.kind,
            parent: org.parent,
            contact_email: None,
            website: org.website,
        };
        app.create_organization(&actor, input).await?;
        report.organizations += 1;
    }
    let datasets: Vec<DemoDataset> = serde_json::from_str(DATASETS).map_err(bad_data)?;
    for demo in datasets {
        if app.get_dataset(&actor, &demo.slug).await.is_ok() {
            continue;
        }
        let mut keywords = demo.keywords.vi;
        keywords.extend(demo.keywords.en);
        let input = DatasetInput {
            slug: Some(demo.slug.clone()),
            title: demo.title,
            description: demo.description,
            publisher: demo.publisher,
            contact_point: None,
            keywords,
            themes: demo.themes,
            license: "none".into(),
            access_rights: AccessRights::Public,
            temporal: None,
            spatial: Some("Việt Nam".into()),
            frequency: Some(demo.frequency),
            issued: None,
            modified: None,
            version: None,
            status: DatasetStatus::Published,
        };
        app.create_dataset(&actor, input).await?;
        report.datasets += 1;
        if let Some(link) = demo.link {
            let url = if link.starts_with("http://") || link.starts_with("https://") {
                link
            } else {
                format!("http://{link}")
            };
            let format = demo
                .formats
                .iter()
                .find(|f| f.as_str() != "HTML")
                .or(demo.formats.first());
            let input = DistributionInput {
                title: LangText::new(
                    "Nguồn gốc (theo Phụ lục C)",
                    "Original source (per Annex C)",
                ),
                url: Some(url),
                format: format.cloned(),
                ..Default::default()
            };
            app.add_link(&actor, &demo.slug, input).await?;
            report.distributions += 1;
        }
    }
    let readiness = app.import_vietnam_2019(&actor).await?;
    report.assessments = readiness.assessments;
    report.action_plans = readiness.plans;
    let (accounts, cast) = accounts::ensure(app).await?;
    report.accounts = accounts;
    report.requests = tickets::load_requests(app, &cast).await?;
    report.feedback = tickets::load_feedback(app, &cast).await?;
    report.tables = tables::load_tables(app, &actor).await?;
    report.inventory = inventory::load_inventory(app, &actor).await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_files_parse_and_refer_to_known_publishers() {
        let organizations: Vec<DemoOrganization> = serde_json::from_str(ORGANIZATIONS).unwrap();
        let datasets: Vec<DemoDataset> = serde_json::from_str(DATASETS).unwrap();
        assert!(organizations.len() >= 20);
        assert_eq!(datasets.len(), 49, "38 datasets + 11 databases of Annex C");
        for dataset in &datasets {
            assert!(
                organizations.iter().any(|o| o.slug == dataset.publisher),
                "{} has unknown publisher {}",
                dataset.slug,
                dataset.publisher
            );
        }
    }
}
