//! The public web portal: server-rendered HTML pages that work without JavaScript, in Vietnamese
//! (the default, at `/…`) and English (at `/en/…`). Templates (minijinja, auto-escaped) and the
//! stylesheet are embedded in the binary. Pages read only through [`dulieu_app::App`].

mod assets;
mod error;
mod format;
mod lang;
mod markdown;
mod pages;
mod query;
mod render;

use axum::Router;
use axum::routing::get;
use dulieu_app::App;

pub use error::{PageError, not_found_page};
pub use lang::Lang;

/// The portal's routes: each page at its path and under `/en`, and the stylesheet.
pub fn router() -> Router<App> {
    let pages: Router<App> = Router::new()
        .route("/", get(pages::home::page))
        .route("/search", get(pages::search::page))
        .route("/dataset/{slug}", get(pages::dataset::page))
        .route("/organizations", get(pages::organizations::list))
        .route("/organization/{slug}", get(pages::organizations::page));
    let english = Router::new()
        .route("/en", get(pages::home::page))
        .route("/en/", get(pages::home::page))
        .route("/en/search", get(pages::search::page))
        .route("/en/dataset/{slug}", get(pages::dataset::page))
        .route("/en/organizations", get(pages::organizations::list))
        .route("/en/organization/{slug}", get(pages::organizations::page));
    pages
        .merge(english)
        .route(assets::STYLESHEET_PATH, get(assets::stylesheet))
}
