//! The publication review of a dataset: where it stands and the steps the caller may take
//! (`GET`), and a step (`POST {"action", "comment"}`): submit, withdraw, approve, send back,
//! publish. Texts of findings are in the caller's language.

use axum::Json;
use axum::extract::{Path, State};
use dulieu_app::App;
use dulieu_app::review::{ReviewInput, ReviewView};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Caller, JsonObject, current_locale};

/// A dataset's review: status, whether its publisher publishes through review, the steps the
/// caller may take, the findings that block approval, what changed since it was last published,
/// and the steps so far with their comments. 404 when the caller may not see the dataset.
#[utoipa::path(get, path = "/api/1/datasets/{id_or_slug}/review", tag = "datasets",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug")),
    responses((status = 200, body = ReviewView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<Json<ReviewView>> {
    Ok(Json(
        app.dataset_review(&actor, &key, current_locale()).await?,
    ))
}

/// Takes a review step. `submit` and `withdraw`: the publisher's editors and admins; `approve`
/// and `send_back` (with a `comment`): its approvers; `publish`: either, once approved. 409
/// `invalid_transition` from the wrong status, `blocking_findings` when the watchdog's findings
/// of a blocking severity remain, `review_not_required` for publishers without review.
#[utoipa::path(post, path = "/api/1/datasets/{id_or_slug}/review", tag = "datasets",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug")),
    request_body = ReviewInput, security(("bearer" = [])),
    responses((status = 200, body = ReviewView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn step(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
    body: JsonObject,
) -> ApiResult<Json<ReviewView>> {
    body.check_create(&["action"], &[])?;
    let input: ReviewInput = body.decode()?;
    Ok(Json(
        app.review_dataset(&actor, &key, input, current_locale())
            .await?,
    ))
}
