//! Static assets embedded in the binary: the stylesheet and the enhancement script.

use axum::http::header;
use axum::response::IntoResponse;

/// Where the stylesheet is served.
pub const STYLESHEET_PATH: &str = "/assets/portal.css";
/// Where the script is served.
pub const SCRIPT_PATH: &str = "/assets/portal.js";

/// The portal's stylesheet.
const STYLESHEET: &str = include_str!("../assets/portal.css");
/// The portal's script: progressive enhancement of forms (the upload progress bar).
const SCRIPT: &str = include_str!("../assets/portal.js");

/// The script's link, with a digest of its content (`?v=…`) so that a release's script is never
/// taken from a cache of an older one.
pub fn script_href() -> &'static str {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| {
        // FNV-1a 64: stable and enough to tell releases apart.
        let digest = SCRIPT
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
            });
        format!("{SCRIPT_PATH}?v={digest:016x}")
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
