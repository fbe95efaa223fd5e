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
        "description": described(
            &text(&dataset.description),
            &[&text(&dataset.title), &text(&publisher.name)],
        ),
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

/// The shortest and longest description dataset search engines take, in characters.
const DESCRIPTION_CHARS: std::ops::RangeInclusive<usize> = 50..=5000;

/// `description` as search engines take it: one shorter than 50 characters is followed by the
/// `context` texts (title, publisher) until it is long enough; one longer than 5,000 is cut at a
/// word with "…".
fn described(description: &str, context: &[&str]) -> String {
    let mut text = description.trim().to_string();
    for extra in context {
        if text.chars().count() >= *DESCRIPTION_CHARS.start() {
            break;
        }
        let extra = extra.trim();
        if extra.is_empty() || text.contains(extra) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(if text.ends_with(['.', '!', '?']) {
                " "
            } else {
                ". "
            });
        }
        text.push_str(extra);
    }
    let max = *DESCRIPTION_CHARS.end();
    if text.chars().count() > max {
        let cut: String = text.chars().take(max - 1).collect();
        let cut = match cut.rfind(char::is_whitespace) {
            Some(at) if at > cut.len() / 2 => cut[..at].to_string(),
            _ => cut,
        };
        text = format!("{}…", cut.trim_end());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::described;

    #[test]
    fn a_short_description_gets_the_title_and_publisher_and_a_long_one_is_cut() {
        assert_eq!(
            described("Budget.", &["State budget 2024", "Ministry of Finance"]),
            "Budget. State budget 2024. Ministry of Finance"
        );
        let enough = "A description that is already long enough for the search engines.";
        assert_eq!(described(enough, &["Title"]), enough);
        // The title already said is not repeated.
        assert_eq!(described("", &["Ngân sách", "Ngân sách"]), "Ngân sách");
        let long = "dân số ".repeat(1000);
        let cut = described(&long, &[]);
        assert!(cut.chars().count() <= 5000, "{}", cut.chars().count());
        assert!(cut.ends_with("số…"), "{}", &cut[cut.len() - 20..]);
    }
}
