//! Handler pieces shared by the ticket APIs (data requests and feedback on datasets): a ticket
//! body sent as JSON or as a form with attachments, and the body of a transition.

use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::response::{IntoResponse, Response};
use dulieu_app::App;
use dulieu_app::attachments::ReceivedFiles;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::attachments::{TicketForm, read_ticket_form};
use super::distributions::is_multipart;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonObject, parse_id};

/// Reads a ticket body sent either as JSON (then with no files) or as a `multipart/form-data`
/// form ([`read_ticket_form`], its text checked by `check`). For a form, `authorise` (a future,
/// awaited only then) settles who may post before a byte of a file is stored; a JSON body is
/// authorised by the use case it is given to.
pub(crate) async fn read_ticket_body<T: DeserializeOwned>(
    app: &App,
    request: Request,
    authorise: impl Future<Output = dulieu_core::Result<()>>,
    check: impl Fn(&T) -> dulieu_core::Result<()>,
) -> ApiResult<TicketForm<T>> {
    if !is_multipart(&request) {
        let input = JsonObject::from_request(request, app).await?.decode()?;
        return Ok(TicketForm {
            input,
            files: ReceivedFiles::default(),
        });
    }
    authorise.await?;
    read_ticket_form(app, request, check).await
}

/// The JSON body of a ticket's transition: the action it names and what comes with it.
pub trait TransitionBody: DeserializeOwned {
    /// The kind of ticket, as the 404 of an id that is not one names it.
    const TICKET: &'static str;
    /// An action of the ticket's state machine.
    type Action;
    /// What comes with the action.
    type Change;
    /// Splits the body into its action and the rest (422 when it names no action).
    fn split(self) -> Result<(Self::Action, Self::Change), ApiError>;
}

/// A transition of the ticket that the route's `{id}` names: its id (404 when it is not one),
/// then the action of the JSON body and what comes with it (422 per field).
pub struct Transition<B: TransitionBody> {
    /// The ticket.
    pub id: Uuid,
    /// The action to take.
    pub action: B::Action,
    /// What comes with it.
    pub change: B::Change,
}

impl<S: Send + Sync, B: TransitionBody> FromRequest<S> for Transition<B> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let Path(raw_id) = Path::<String>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let body = JsonObject::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let read = || -> Result<Self, ApiError> {
            let id = parse_id(B::TICKET, &raw_id)?;
            let (action, change) = body.decode::<B>()?.split()?;
            Ok(Transition { id, action, change })
        };
        read().map_err(IntoResponse::into_response)
    }
}
