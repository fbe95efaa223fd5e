//! Static assets embedded in the binary.

use axum::http::header;
use axum::response::IntoResponse;

/// Where the stylesheet is served.
pub const STYLESHEET_PATH: &str = "/assets/portal.css";

/// The portal's stylesheet.
const STYLESHEET: &str = include_str!("../assets/portal.css");

/// `GET /assets/portal.css`, cacheable for a year (its content changes only with a release).
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000"),
        ],
        STYLESHEET,
    )
}
