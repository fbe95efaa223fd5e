//! The IRIs dulieu gives its catalog's resources. All are under the portal's public URL and
//! dereference to a page or an API document:
//!
//! | resource | IRI | why |
//! | --- | --- | --- |
//! | catalog | `{base}/catalog` | content-negotiated DCAT document |
//! | catalog's publisher | `{base}/catalog#publisher` | the portal's operator |
//! | dataset | `{base}/dataset/{id}` | the id never changes (a slug may); the page answers it |
//! | catalog record | `{base}/dataset/{id}#record` | one per dataset |
//! | distribution | `{base}/api/1/distributions/{id}` | its API document |
//! | publisher | `{base}/organization/{slug}` | its page (organization slugs are stable names) |
//! | local theme | `{base}/search?theme={code}` | the search filtered on it |
//!
//! The landing page of a dataset is `{base}/dataset/{slug}`.

use uuid::Uuid;

/// The catalog.
pub fn catalog(base: &str) -> String {
    format!("{base}/catalog")
}

/// The catalog's publisher (the portal's operator).
pub fn catalog_publisher(base: &str) -> String {
    format!("{base}/catalog#publisher")
}

/// A dataset.
pub fn dataset(base: &str, id: Uuid) -> String {
    format!("{base}/dataset/{id}")
}

/// The catalog record of a dataset.
pub fn record(base: &str, id: Uuid) -> String {
    format!("{base}/dataset/{id}#record")
}

/// The page of a dataset (its `dcat:landingPage`), in Vietnamese.
pub fn dataset_page(base: &str, slug: &str) -> String {
    format!("{base}/dataset/{slug}")
}

/// A distribution.
pub fn distribution(base: &str, id: Uuid) -> String {
    format!("{}{id}", distribution_namespace(base))
}

/// Where the distributions' IRIs start.
pub fn distribution_namespace(base: &str) -> String {
    format!("{base}/api/1/distributions/")
}

/// The portal's download route of a distribution (the file of an upload; a redirect to a link).
pub fn download(base: &str, id: Uuid) -> String {
    format!("{base}/api/1/distributions/{id}/download")
}

/// A publisher.
pub fn organization(base: &str, slug: &str) -> String {
    format!("{base}/organization/{slug}")
}

/// A theme of the register that is not an EU data theme.
pub fn local_theme(base: &str, code: &str) -> String {
    format!("{base}/search?theme={}", percent_encode(code))
}

/// Percent-encodes everything but unreserved characters (RFC 3986 §2.3).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
