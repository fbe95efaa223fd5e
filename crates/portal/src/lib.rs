//! The public web portal: server-rendered HTML pages that work without JavaScript, in Vietnamese
//! (the default, at `/…`) and English (at `/en/…`). Templates (minijinja, auto-escaped) and the
//! stylesheet are embedded in the binary. Pages read only through [`dulieu_app::App`].

mod assets;
mod error;
mod form;
mod format;
mod lang;
mod markdown;
mod pages;
mod query;
mod render;
mod session;

use axum::Router;
use axum::routing::{get, post};
use dulieu_app::App;

pub use error::{PageError, not_found_page};
pub use lang::Lang;
pub use session::{PRESESSION_COOKIE, SESSION_COOKIE};

/// The portal's routes: each page at its path and under `/en` (behind the session middleware,
/// which needs `app`), and the stylesheet.
pub fn router(app: &App) -> Router<App> {
    let pages: Router<App> = Router::new()
        .route("/", get(pages::home::page))
        .route("/search", get(pages::search::page))
        .route("/dataset/{slug}", get(pages::dataset::page))
        .route("/organizations", get(pages::organizations::list))
        .route("/organization/{slug}", get(pages::organizations::page))
        .route(
            "/sign-in",
            get(pages::account::sign_in_form).post(pages::account::sign_in),
        )
        .route("/sign-out", post(pages::account::sign_out))
        .route(
            "/sign-up",
            get(pages::account::sign_up_form).post(pages::account::sign_up),
        )
        .route(
            "/account/password",
            get(pages::account::password_form).post(pages::account::change_password),
        )
        .route("/workspace", get(pages::workspace::page))
        .route(
            "/workspace/datasets/new",
            get(pages::dataset_form::new_form).post(pages::dataset_form::create),
        )
        .route(
            "/workspace/datasets/{slug}/edit",
            get(pages::dataset_form::edit_form).post(pages::dataset_form::update),
        );
    let english = Router::new()
        .route("/en", get(pages::home::page))
        .route("/en/", get(pages::home::page))
        .route("/en/search", get(pages::search::page))
        .route("/en/dataset/{slug}", get(pages::dataset::page))
        .route("/en/organizations", get(pages::organizations::list))
        .route("/en/organization/{slug}", get(pages::organizations::page))
        .route(
            "/en/sign-in",
            get(pages::account::sign_in_form).post(pages::account::sign_in),
        )
        .route("/en/sign-out", post(pages::account::sign_out))
        .route(
            "/en/sign-up",
            get(pages::account::sign_up_form).post(pages::account::sign_up),
        )
        .route(
            "/en/account/password",
            get(pages::account::password_form).post(pages::account::change_password),
        )
        .route("/en/workspace", get(pages::workspace::page))
        .route(
            "/en/workspace/datasets/new",
            get(pages::dataset_form::new_form).post(pages::dataset_form::create),
        )
        .route(
            "/en/workspace/datasets/{slug}/edit",
            get(pages::dataset_form::edit_form).post(pages::dataset_form::update),
        );
    pages
        .merge(english)
        .route_layer(axum::middleware::from_fn_with_state(
            app.clone(),
            session::resolve,
        ))
        .route(assets::STYLESHEET_PATH, get(assets::stylesheet))
}
