//! schema.org `Dataset` JSON-LD, the markup dataset search engines read; the dataset page embeds
//! it (one builder for both).

use dulieu_core::catalog::{Dataset, License, Organization};
use dulieu_core::text::LangText;
use serde_json::{Value, json};

/// The schema.org `Dataset` of `dataset` in `lang`
/// (`vi` or `en`, falling back to the other language), as published on its page at
/// `{base}{prefix}/dataset/{slug}` (`prefix` is `""` or `"/en"`). `license` is the dataset's
/// license from the register, when found.
pub fn dataset(
    dataset: &Dataset,
    publisher: &Organization,
    license: Option<&License>,
    base: &str,
    lang: &str,
) -> Value {
    let prefix = if lang == "en" { "/en" } else { "" };
    let text = |t: &LangText| t.get(lang).unwrap_or_default().to_string();
    let distributions: Vec<Value> = dataset
        .distributions
        .iter()
        .map(|d| {
            json!({
                "@type": "DataDownload",
                "name": text(&d.title),
                "encodingFormat": d.media_type.as_ref().or(d.format.as_ref()),
                // Through the portal's download route, which counts the use.
                "contentUrl": crate::iri::download(base, d.id),
            })
        })
        .collect();
    let license = license.map(|l| l.url.clone().unwrap_or_else(|| text(&l.title)));
    json!({
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": crate::iri::dataset(base, dataset.id),
        "name": text(&dataset.title),
        "description": text(&dataset.description),
        "url": format!("{base}{prefix}/dataset/{}", dataset.slug),
        "identifier": dataset.id.to_string(),
        "inLanguage": lang,
        "keywords": dataset.keywords,
        "license": license.unwrap_or_else(|| dataset.license.clone()),
        "isAccessibleForFree": true,
        "publisher": {
            "@type": "Organization",
            "name": text(&publisher.name),
            "url": format!("{base}{prefix}/organization/{}", publisher.slug),
        },
        "dateModified": dataset.modified.map(|d| d.to_string()),
        "datePublished": dataset.issued.map(|d| d.to_string()),
        "distribution": distributions,
    })
}
