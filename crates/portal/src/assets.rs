//! Static assets embedded in the binary: the stylesheet, the enhancement scripts and the
//! vendored libraries of the table page (Chart.js and Leaflet, with their licenses; see
//! `assets/vendor/README.md`). Nothing is loaded from another site.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Where the stylesheet is served.
pub const STYLESHEET_PATH: &str = "/assets/portal.css";
/// Where the script is served.
pub const SCRIPT_PATH: &str = "/assets/portal.js";

/// The portal's stylesheet.
const STYLESHEET: &str = include_str!("../assets/portal.css");
/// The portal's script: progressive enhancement of forms (the upload progress bar).
const SCRIPT: &str = include_str!("../assets/portal.js");
/// Where the table page's script is served.
pub const TABLES_SCRIPT_PATH: &str = "/assets/tables.js";
/// The table page's script: the chart builder and the map.
const TABLES_SCRIPT: &str = include_str!("../assets/tables.js");
/// Where the vendored files are served (`/assets/vendor/<path>`).
pub const VENDOR_PATH: &str = "/assets/vendor/{*path}";

/// The vendored files: path under `/assets/vendor/`, content type, bytes.
const VENDOR: &[(&str, &str, &[u8])] = &[
    (
        "chartjs/chart.umd.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/vendor/chartjs/chart.umd.min.js"),
    ),
    (
        "chartjs/LICENSE.md",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/vendor/chartjs/LICENSE.md"),
    ),
    (
        "leaflet/leaflet.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/vendor/leaflet/leaflet.js"),
    ),
    (
        "leaflet/leaflet.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/vendor/leaflet/leaflet.css"),
    ),
    (
        "leaflet/LICENSE",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/vendor/leaflet/LICENSE"),
    ),
    (
        "leaflet/images/layers.png",
        "image/png",
        include_bytes!("../assets/vendor/leaflet/images/layers.png"),
    ),
    (
        "leaflet/images/layers-2x.png",
        "image/png",
        include_bytes!("../assets/vendor/leaflet/images/layers-2x.png"),
    ),
    (
        "leaflet/images/marker-icon.png",
        "image/png",
        include_bytes!("../assets/vendor/leaflet/images/marker-icon.png"),
    ),
    (
        "leaflet/images/marker-icon-2x.png",
        "image/png",
        include_bytes!("../assets/vendor/leaflet/images/marker-icon-2x.png"),
    ),
    (
        "leaflet/images/marker-shadow.png",
        "image/png",
        include_bytes!("../assets/vendor/leaflet/images/marker-shadow.png"),
    ),
];

/// FNV-1a 64 of `bytes`: stable and enough to tell releases apart.
fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The script's link, with a digest of its content (`?v=…`) so that a release's script is never
/// taken from a cache of an older one.
pub fn script_href() -> &'static str {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| format!("{SCRIPT_PATH}?v={:016x}", digest(SCRIPT.as_bytes())))
}

/// The links of the table page's scripts and stylesheet, each with the digest of its content.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TableAssets {
    /// Chart.js.
    pub chart_js: String,
    /// Leaflet's script.
    pub leaflet_js: String,
    /// Leaflet's stylesheet.
    pub leaflet_css: String,
    /// Our enhancement script.
    pub tables_js: String,
}

/// The links of the table page's assets.
pub fn table_assets() -> &'static TableAssets {
    static ASSETS: std::sync::OnceLock<TableAssets> = std::sync::OnceLock::new();
    ASSETS.get_or_init(|| {
        let vendored = |path: &str| {
            let bytes = VENDOR
                .iter()
                .find(|(p, _, _)| *p == path)
                .map_or(&[][..], |(_, _, b)| *b);
            format!("/assets/vendor/{path}?v={:016x}", digest(bytes))
        };
        TableAssets {
            chart_js: vendored("chartjs/chart.umd.min.js"),
            leaflet_js: vendored("leaflet/leaflet.js"),
            leaflet_css: vendored("leaflet/leaflet.css"),
            tables_js: format!(
                "{TABLES_SCRIPT_PATH}?v={:016x}",
                digest(TABLES_SCRIPT.as_bytes())
            ),
        }
    })
}

/// An embedded asset of `content_type`, cacheable for a year (its content changes only with a
/// release).
fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000"),
        ],
        body,
    )
}

/// `GET /assets/portal.css`.
pub async fn stylesheet() -> impl IntoResponse {
    asset("text/css; charset=utf-8", STYLESHEET)
}

/// `GET /assets/portal.js`.
pub async fn script() -> impl IntoResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// `GET /assets/tables.js`.
pub async fn tables_script() -> impl IntoResponse {
    asset("text/javascript; charset=utf-8", TABLES_SCRIPT)
}

/// `GET /assets/vendor/{path}`: a vendored file, or 404.
pub async fn vendor(Path(path): Path<String>) -> Response {
    match VENDOR.iter().find(|(p, _, _)| *p == path) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vendored_file_is_there_with_its_license() {
        for (path, _, bytes) in VENDOR {
            assert!(!bytes.is_empty(), "{path}");
        }
        for library in ["chartjs/", "leaflet/"] {
            assert!(
                VENDOR
                    .iter()
                    .any(|(p, _, _)| p.starts_with(library) && p.contains("LICENSE")),
                "{library} has no license"
            );
        }
        let assets = table_assets();
        assert!(
            assets
                .chart_js
                .starts_with("/assets/vendor/chartjs/chart.umd.min.js?v=")
        );
        assert!(assets.tables_js.starts_with("/assets/tables.js?v="));
    }
}
