//! Readiness probe.

use axum::extract::State;
use axum::http::StatusCode;
use dulieu_app::App;

/// 200 when the database answers, 503 otherwise.
pub async fn readyz(State(app): State<App>) -> (StatusCode, &'static str) {
    if app.is_ready().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
