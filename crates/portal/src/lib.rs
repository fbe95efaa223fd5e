//! The public web portal: server-rendered HTML pages that work without JavaScript, in Vietnamese
//! (the default, at `/…`) and English (at `/en/…`). Templates (minijinja, auto-escaped) and the
//! stylesheet are embedded in the binary. Pages read only through [`dulieu_app::App`].

mod assets;
mod error;
mod form;
mod format;
mod lang;
mod markdown;
mod notice;
mod pages;
mod query;
mod render;
mod session;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, get, post};
use dulieu_app::App;

pub use error::{PageError, not_found_page};
pub use lang::Lang;
pub use session::{PRESESSION_COOKIE, SESSION_COOKIE, session_actor};

/// The portal's routes: each page at its path and under `/en` (behind the session middleware,
/// which needs `app`), the stylesheet and the script.
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
        )
        .route("/workspace/datasets/{slug}/files", upload_route())
        .route(
            "/workspace/datasets/{slug}/files/{id}/remove",
            post(pages::files::remove),
        )
        .route(
            "/workspace/datasets/{slug}/links",
            post(pages::files::add_link),
        )
        .route(
            "/workspace/organization/{slug}/members",
            get(pages::members::page).post(pages::members::save),
        )
        .route(
            "/workspace/organization/{slug}/members/{user_id}/remove",
            post(pages::members::remove),
        )
        .route(
            "/account/tokens",
            get(pages::tokens::page).post(pages::tokens::create),
        )
        .route("/account/tokens/{id}/revoke", post(pages::tokens::revoke));
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
        )
        .route("/en/workspace/datasets/{slug}/files", upload_route())
        .route(
            "/en/workspace/datasets/{slug}/files/{id}/remove",
            post(pages::files::remove),
        )
        .route(
            "/en/workspace/datasets/{slug}/links",
            post(pages::files::add_link),
        )
        .route(
            "/en/workspace/organization/{slug}/members",
            get(pages::members::page).post(pages::members::save),
        )
        .route(
            "/en/workspace/organization/{slug}/members/{user_id}/remove",
            post(pages::members::remove),
        )
        .route(
            "/en/account/tokens",
            get(pages::tokens::page).post(pages::tokens::create),
        )
        .route(
            "/en/account/tokens/{id}/revoke",
            post(pages::tokens::revoke),
        );
    pages
        .merge(english)
        .merge(pages::readiness::routes(""))
        .merge(pages::readiness::routes("/en"))
        .merge(pages::requests::routes(""))
        .merge(pages::requests::routes("/en"))
        .merge(ticket_routes(""))
        .merge(ticket_routes("/en"))
        .merge(pages::tables::routes(""))
        .merge(pages::tables::routes("/en"))
        .merge(pages::quality::routes(""))
        .merge(pages::quality::routes("/en"))
        .merge(pages::inventory::routes(""))
        .merge(pages::inventory::routes("/en"))
        .merge(pages::review::routes(""))
        .merge(pages::review::routes("/en"))
        .merge(pages::sources::routes(""))
        .merge(pages::sources::routes("/en"))
        .merge(pages::harvest::routes(""))
        .merge(pages::harvest::routes("/en"))
        .route_layer(axum::middleware::from_fn_with_state(
            app.clone(),
            session::resolve,
        ))
        .route(assets::STYLESHEET_PATH, get(assets::stylesheet))
        .route(assets::SCRIPT_PATH, get(assets::script))
        .route(assets::TABLES_SCRIPT_PATH, get(assets::tables_script))
        .route(assets::VENDOR_PATH, get(assets::vendor))
}

/// The pages of the ticket module beside the request pages' own, under `prefix` (`""` or
/// `"/en"`): dataset feedback, my requests, an organization's inbox, notifications.
fn ticket_routes(prefix: &str) -> Router<App> {
    Router::new()
        .merge(pages::feedback::routes(prefix))
        .merge(pages::notifications::routes(prefix))
        .route(
            &format!("{prefix}/requests/mine"),
            get(pages::my_requests::page),
        )
        .route(
            &format!("{prefix}/workspace/organization/{{slug}}/inbox"),
            get(pages::inbox::page),
        )
}

/// The upload form's route: uploads stream to the blob store, which enforces the upload limit
/// itself, so the body limit of other forms does not apply.
fn upload_route() -> MethodRouter<App> {
    post(pages::files::upload).layer(DefaultBodyLimit::disable())
}
