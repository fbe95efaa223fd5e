//! `/dataset/{slug}`: a dataset with its publisher, license, distributions (and their earlier
//! file versions, and for tabular files where reading them as tables stands, with a link to
//! the table page), a preview of its first ready table, its download count, its latest changes,
//! a citation, the API URL and schema.org `Dataset` JSON-LD; its tabs lead to its feedback
//! (`pages::feedback`).

use axum::extract::{Path, State};
use chrono::Datelike;
use dulieu_app::App;
use dulieu_core::Result;
use dulieu_core::account::Actor;
use dulieu_core::catalog::{Distribution, License};
use dulieu_i18n::{Locale, message};
use serde::Serialize;

use uuid::Uuid;

use super::feedback::DatasetTabs;
use super::harvest::HarvestedFrom;
use super::history::HistoryView;
use super::home::filtered_href;
use super::tables::{DistributionTable, Preview};
use super::text_in;
use crate::error::{PageResult, respond};
use crate::format;
use crate::lang::Lang;
use crate::markdown;
use crate::render::render;
use crate::session::Visitor;

#[derive(Serialize)]
struct DatasetPage {
    description_html: Option<String>,
    publisher: PublisherView,
    license: LicenseView,
    frequency: Option<String>,
    modified: Option<String>,
    themes: Vec<Link>,
    keywords: Vec<Link>,
    distributions: Vec<DistributionView>,
    preview: Option<Preview>,
    downloads: String,
    history: HistoryView,
    citation: String,
    api_url: String,
    json_ld: String,
    /// The dataset's DCAT-AP documents (`<link rel="alternate">`).
    alternates: Vec<Alternate>,
    tabs: DatasetTabs,
    /// Where it was harvested from, when it was.
    harvested: Option<HarvestedFrom>,
}

/// A machine-readable version of the page.
#[derive(Serialize)]
struct Alternate {
    media_type: &'static str,
    href: String,
}

#[derive(Serialize)]
struct PublisherView {
    slug: String,
    name: String,
    provenance: &'static str,
}

#[derive(Serialize)]
struct LicenseView {
    title: String,
    url: Option<String>,
    open: bool,
}

#[derive(Serialize)]
struct Link {
    label: String,
    href: String,
}

#[derive(Serialize)]
struct DistributionView {
    title: String,
    format: Option<String>,
    size: Option<String>,
    href: String,
    earlier: Vec<VersionView>,
    /// Where reading it as tables stands (tabular files).
    table: Option<DistributionTable>,
}

/// An earlier file version of a distribution, still downloadable.
#[derive(Serialize)]
struct VersionView {
    version: i64,
    date: String,
    size: String,
    href: String,
}

/// The earlier file versions of an uploaded distribution, newest first (none for a link or a
/// file never replaced, without asking the store).
async fn earlier_versions(
    app: &App,
    actor: &Actor,
    distribution: &Distribution,
    locale: Locale,
) -> Result<Vec<VersionView>> {
    if distribution.remote_url.is_some() || distribution.version <= 1 {
        return Ok(Vec::new());
    }
    let versions = app.distribution_versions(actor, distribution.id).await?;
    Ok(versions
        .into_iter()
        .filter(|v| v.version != distribution.version)
        .map(|v| VersionView {
            href: version_download_path(distribution.id, v.version),
            version: v.version,
            date: format::date(v.created_at.date_naive(), locale),
            size: format::size(v.byte_size, locale),
        })
        .collect())
}

/// `GET /dataset/{slug}` and `GET /en/dataset/{slug}`.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> PageResult {
    let page = build(&app, &lang, &visitor, &slug).await;
    respond(lang, page)
}

/// The API download URL of a distribution (`/api/1/distributions/{id}/download`).
pub(crate) fn download_path(distribution: &Distribution) -> String {
    format!("/api/1/distributions/{}/download", distribution.id)
}

/// The API download URL of a distribution's file version `version`
/// (`/api/1/distributions/{id}/versions/{version}/download`).
pub(crate) fn version_download_path(distribution_id: Uuid, version: i64) -> String {
    format!("/api/1/distributions/{distribution_id}/versions/{version}/download")
}

/// What a distribution is called on pages: its title in `locale`, else its file name, else its id.
pub(crate) fn distribution_title(distribution: &Distribution, locale: Locale) -> String {
    Some(text_in(&distribution.title, locale))
        .filter(|t| !t.is_empty())
        .or_else(|| distribution.filename.clone())
        .unwrap_or_else(|| distribution.id.to_string())
}

/// `json` for a `<script>` element: `</` cannot close it.
fn script_safe(json: &serde_json::Value) -> String {
    json.to_string()
        .replace("</", "<\\/")
        .replace("<!--", "\\u003c!--")
}

fn license_view(licenses: &[License], id: &str, open: bool, locale: Locale) -> LicenseView {
    match licenses.iter().find(|l| l.id == id) {
        Some(license) => LicenseView {
            title: text_in(&license.title, locale),
            url: license.url.clone(),
            open: license.is_open,
        },
        None => LicenseView {
            title: id.to_string(),
            url: None,
            open,
        },
    }
}

async fn build(app: &App, lang: &Lang, visitor: &Visitor, slug: &str) -> Result<String> {
    let locale = lang.locale;
    let prefix = lang.prefix();
    let base = app.public_url();
    let dataset = app.get_dataset(&visitor.actor(), slug).await?;
    let publisher = app.get_organization(&dataset.publisher).await?;
    let licenses = app.licenses().await?;
    let license = license_view(&licenses, &dataset.license, dataset.license_open, locale);
    let all_themes = app.themes().await?;
    let themes = dataset
        .themes
        .iter()
        .map(|code| Link {
            label: all_themes
                .iter()
                .find(|t| &t.code == code)
                .map_or_else(|| code.clone(), |t| text_in(&t.label, locale)),
            href: filtered_href("theme", code, prefix),
        })
        .collect();
    let keywords = dataset
        .keywords
        .iter()
        .map(|k| Link {
            label: k.clone(),
            href: filtered_href("keyword", k, prefix),
        })
        .collect();
    let actor = visitor.actor();
    let ingests = app.dataset_tables(&actor, &dataset).await?;
    let mut distributions = Vec::with_capacity(dataset.distributions.len());
    for d in &dataset.distributions {
        distributions.push(DistributionView {
            title: distribution_title(d, locale),
            format: d.format.clone(),
            size: d.byte_size.map(|b| format::size(b, locale)),
            href: download_path(d),
            earlier: earlier_versions(app, &actor, d, locale).await?,
            table: ingests
                .iter()
                .find(|i| i.distribution_id == d.id)
                .map(|i| DistributionTable::new(i, lang, &dataset.slug)),
        });
    }
    let preview = Preview::load(app, &actor, lang, &dataset, &ingests).await;
    let title = text_in(&dataset.title, locale);
    let publisher_name = text_in(&publisher.name, locale);
    let page_url = format!("{base}{prefix}/dataset/{}", dataset.slug);
    let year = dataset
        .modified
        .or(dataset.issued)
        .map(|d| format!(" ({})", d.year()))
        .unwrap_or_default();
    let citation = format!(
        "{publisher_name}{year}. {title}. {}. {page_url}",
        message(locale, "ui.site_name", &[])
    );
    let description = text_in(&dataset.description, locale);
    let page = DatasetPage {
        description_html: (!description.trim().is_empty()).then(|| markdown::to_html(&description)),
        json_ld: script_safe(&dulieu_dcat::schema_org::dataset(
            &dataset,
            &publisher,
            licenses.iter().find(|l| l.id == dataset.license),
            base,
            locale.as_str(),
        )),
        alternates: dulieu_dcat::RdfSyntax::ALL
            .iter()
            .map(|syntax| Alternate {
                media_type: syntax.media_type(),
                href: format!("/dataset/{}.{}", dataset.slug, syntax.extension()),
            })
            .collect(),
        publisher: PublisherView {
            slug: publisher.slug.clone(),
            name: publisher_name,
            provenance: publisher.provenance.as_str(),
        },
        license,
        frequency: dataset.frequency.clone(),
        modified: dataset.modified.map(|d| format::date(d, locale)),
        themes,
        keywords,
        distributions,
        preview,
        downloads: format::count(app.total_downloads(dataset.id).await?, locale),
        history: HistoryView::load(app, &actor, &dataset.slug, locale).await?,
        citation,
        api_url: format!("{base}/api/1/datasets/{}", dataset.slug),
        tabs: DatasetTabs::for_overview(app, &actor, lang, &dataset.slug).await?,
        harvested: HarvestedFrom::load(app, dataset.id, locale).await?,
    };
    render("dataset.html", lang, visitor, &title, page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn script_text_cannot_close_the_script() {
        let out = script_safe(&json!({"name": "</script><script>alert(1)</script>"}));
        assert!(!out.contains("</"), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
