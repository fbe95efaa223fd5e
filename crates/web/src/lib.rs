//! The HTTP face of dulieu (axum): the native JSON API under `/api/1/`, its OpenAPI document,
//! health probes, and the public portal's pages (`dulieu-portal`) everywhere else. The only crate that knows HTTP; [`error`] maps every error to a status in one place.

pub mod api;
pub mod ckan;
pub mod error;
pub mod exports;
pub mod extract;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use dulieu_app::App;
use tower_http::trace::TraceLayer;

/// Largest JSON body accepted, in bytes.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

/// The complete router of the portal.
pub fn router(app: App) -> Router {
    let (api, openapi) = api::router().split_for_parts();
    let openapi = std::sync::Arc::new(openapi);
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(api::health::readyz))
        .route(
            "/api/1/openapi.json",
            get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .merge(api)
        .merge(ckan::router())
        .merge(exports::router())
        .merge(dulieu_portal::router(&app))
        .fallback(error::not_found_fallback)
        .method_not_allowed_fallback(error::method_not_allowed_fallback)
        .layer(DefaultBodyLimit::max(MAX_JSON_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            exports::dataset_documents,
        ))
        .layer(axum::middleware::from_fn(extract::locale_scope))
        .layer(TraceLayer::new_for_http())
        .with_state(app)
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets open requests finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer address reaches handlers as `ConnectInfo` (the portal counts sign-in failures
    // per client address).
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
