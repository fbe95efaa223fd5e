//! The three RDF syntaxes of the exports, their media types and file extensions, and content
//! negotiation on `Accept`.

use oxrdfio::RdfFormat;

/// An RDF syntax dulieu writes and reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RdfSyntax {
    /// Turtle (`text/turtle`, `.ttl`).
    Turtle,
    /// RDF/XML (`application/rdf+xml`, `.rdf`).
    RdfXml,
    /// JSON-LD (`application/ld+json`, `.jsonld`).
    JsonLd,
}

impl RdfSyntax {
    /// Every syntax, in the order of preference when `Accept` allows several equally.
    pub const ALL: [RdfSyntax; 3] = [RdfSyntax::Turtle, RdfSyntax::RdfXml, RdfSyntax::JsonLd];

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            RdfSyntax::Turtle => "text/turtle",
            RdfSyntax::RdfXml => "application/rdf+xml",
            RdfSyntax::JsonLd => "application/ld+json",
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            RdfSyntax::Turtle => "ttl",
            RdfSyntax::RdfXml => "rdf",
            RdfSyntax::JsonLd => "jsonld",
        }
    }

    /// The syntax of a file extension (`ttl`, `rdf`, `jsonld`).
    pub fn from_extension(extension: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.extension() == extension)
    }

    /// The syntax of a media type (parameters and case ignored; `application/xml` and
    /// `application/json` are taken as RDF/XML and JSON-LD, as harvest sources send them).
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        let essence = media_type.split(';').next()?.trim().to_ascii_lowercase();
        match essence.as_str() {
            "text/turtle" | "application/x-turtle" => Some(RdfSyntax::Turtle),
            "application/rdf+xml" | "application/xml" | "text/xml" => Some(RdfSyntax::RdfXml),
            "application/ld+json" | "application/json" => Some(RdfSyntax::JsonLd),
            _ => None,
        }
    }

    /// The best syntax for an `Accept` header (RFC 9110 §12.5.1: highest `q` wins, a missing
    /// header or `*/*` gives Turtle); `None` when it accepts none of the three.
    pub fn negotiate(accept: Option<&str>) -> Option<Self> {
        let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
            return Some(RdfSyntax::Turtle);
        };
        let mut best: Option<(f32, usize, RdfSyntax)> = None;
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            let matches: Vec<(usize, RdfSyntax)> = match media.as_str() {
                "*/*" => vec![(0, RdfSyntax::Turtle)],
                "text/*" => vec![(1, RdfSyntax::Turtle)],
                "application/*" => vec![(1, RdfSyntax::RdfXml)],
                exact => Self::ALL
                    .into_iter()
                    .filter(|s| s.media_type() == exact)
                    .map(|s| (2, s))
                    .collect(),
            };
            for (specificity, syntax) in matches {
                let better = match best {
                    None => true,
                    Some((bq, bs, _)) => q > bq || (q == bq && specificity > bs),
                };
                if better {
                    best = Some((q, specificity, syntax));
                }
            }
        }
        best.map(|(_, _, syntax)| syntax)
    }

    /// The `oxrdfio` format.
    pub(crate) fn format(self) -> RdfFormat {
        match self {
            RdfSyntax::Turtle => RdfFormat::Turtle,
            RdfSyntax::RdfXml => RdfFormat::RdfXml,
            RdfSyntax::JsonLd => RdfFormat::JsonLd {
                profile: oxrdfio::JsonLdProfileSet::empty(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RdfSyntax::{self, *};

    #[test]
    fn negotiates_accept() {
        assert_eq!(RdfSyntax::negotiate(None), Some(Turtle));
        assert_eq!(RdfSyntax::negotiate(Some("*/*")), Some(Turtle));
        assert_eq!(
            RdfSyntax::negotiate(Some("application/rdf+xml")),
            Some(RdfXml)
        );
        assert_eq!(
            RdfSyntax::negotiate(Some("text/turtle;q=0.5, application/ld+json")),
            Some(JsonLd)
        );
        assert_eq!(
            RdfSyntax::negotiate(Some("text/html, */*;q=0.1")),
            Some(Turtle)
        );
        assert_eq!(
            RdfSyntax::negotiate(Some("application/ld+json, */*;q=0.8")),
            Some(JsonLd)
        );
        assert_eq!(RdfSyntax::negotiate(Some("text/html")), None);
        assert_eq!(RdfSyntax::negotiate(Some("text/turtle;q=0")), None);
        assert_eq!(RdfSyntax::from_extension("jsonld"), Some(JsonLd));
        assert_eq!(
            RdfSyntax::from_media_type("Application/RDF+XML; charset=utf-8"),
            Some(RdfXml)
        );
    }
}
