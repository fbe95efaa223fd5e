//! What the pages of tickets — data requests and feedback on datasets — share: the id of a
//! ticket in a path, a form posted on a ticket's page by a signed-in visitor, and the handlers of
//! a ticket's page and of its action forms (an action of the ticket's state machine with what
//! comes with it), written once for both kinds through [`TicketPages`].

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use dulieu_app::{App, SignedIn};
use dulieu_core::account::Actor;
use dulieu_core::{Error, Result};
use uuid::Uuid;

use super::account::{answer_form, see_other, signed_in_post, to_sign_in};
use super::requests::{invalid_value, page_error};
use crate::error::PageError;
use crate::form::Fields;
use crate::lang::Lang;
use crate::session::Visitor;

/// What a handler answers: a page, a redirect, or an error page.
pub(crate) type Answer = std::result::Result<Response, PageError>;

/// Field errors by input, as the templates show them.
pub(crate) type Errors = BTreeMap<String, Vec<String>>;

/// A page being answered: the app, the page's language and the visitor.
pub(crate) struct PageContext<'a> {
    pub(crate) app: &'a App,
    pub(crate) lang: &'a Lang,
    pub(crate) visitor: &'a Visitor,
}

/// A form of a ticket's page that was refused, or none (`Refused::default()`, the page as first
/// shown).
#[derive(Default)]
pub(crate) struct Refused {
    /// Which form: the action's name, or `message`.
    pub(crate) form: String,
    /// The errors to show next to its inputs.
    pub(crate) errors: Errors,
}

/// A kind of ticket as its pages handle it.
pub(crate) trait TicketPages {
    /// The entity that the 404 of an id that is not one names (`request`, `feedback`).
    const KIND: &'static str;
    /// Where the tickets' pages are, without the language prefix (`/requests`, `/feedback`).
    const BASE: &'static str;
    /// The actions, as the 422 of an unknown one names them.
    const ACTIONS: &'static str;
    /// An action of the ticket's state machine.
    type Action: Send;
    /// What comes with an action.
    type Input: Send;

    /// The action named `name`, if it is one.
    fn parse_action(name: &str) -> Option<Self::Action>;

    /// What comes with the action, from its form's fields.
    fn action_input(fields: &Fields) -> Result<Self::Input>;

    /// Takes the action on ticket `id`.
    fn act(
        app: &App,
        actor: &Actor,
        id: Uuid,
        action: Self::Action,
        input: Self::Input,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Renders ticket `id`'s page, with the errors of the `refused` form next to its inputs.
    fn show(
        page: &PageContext<'_>,
        id: Uuid,
        refused: Refused,
    ) -> impl Future<Output = Result<Response>> + Send;
}

/// The text under `key` in the details of a ticket's event, if any.
pub(crate) fn event_text(details: &serde_json::Value, key: &str) -> Option<String> {
    details
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// The id of a ticket in a path (404 when it is not one).
pub(crate) fn ticket_id<T: TicketPages>(raw: &str) -> Result<Uuid> {
    Uuid::parse_str(raw).map_err(|_| Error::not_found(T::KIND, raw))
}

/// A form posted on a ticket's page by a signed-in visitor.
pub(crate) struct TicketPost<'v> {
    /// Its fields, the CSRF token checked.
    pub(crate) fields: Fields,
    /// Who sent it.
    pub(crate) signed_in: &'v SignedIn,
    /// The ticket.
    pub(crate) id: Uuid,
    /// The ticket's page, in the page's language.
    pub(crate) back: String,
}

impl TicketPost<'_> {
    /// Back to the ticket's page once the form's use case is `done`, else its error page.
    pub(crate) fn back_after<T>(&self, lang: Lang, done: Result<T>) -> Answer {
        done.map_err(page_error(lang))?;
        Ok(see_other(&self.back, &[]))
    }
}

/// Reads a form posted on the page of ticket `raw_id`, or the answer instead: the 403 page on a
/// bad CSRF token, sign-in (back to the ticket) for a visitor who is not signed in, the 404 page
/// for an id that is not one.
pub(crate) fn ticket_post<'v, T: TicketPages>(
    lang: &Lang,
    visitor: &'v Visitor,
    body: &Bytes,
    raw_id: &str,
) -> std::result::Result<TicketPost<'v>, Box<Response>> {
    let path = format!("{}/{raw_id}", T::BASE);
    let posted = signed_in_post(lang, visitor, body).map_err(|e| Box::new(e.into_response()))?;
    let Some((fields, signed_in)) = posted else {
        return Err(Box::new(to_sign_in(lang, &path)));
    };
    let id = ticket_id::<T>(raw_id)
        .map_err(|e| Box::new(page_error(lang.clone())(e).into_response()))?;
    Ok(TicketPost {
        fields,
        signed_in,
        id,
        back: format!("{}{path}", lang.prefix()),
    })
}

/// `GET {base}/{id}`: a ticket's page.
pub(crate) async fn page<T: TicketPages>(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Answer {
    let page = PageContext {
        app: &app,
        lang: &lang,
        visitor: &visitor,
    };
    let shown = match ticket_id::<T>(&id) {
        Ok(id) => T::show(&page, id, Refused::default()).await,
        Err(error) => Err(error),
    };
    shown.map_err(page_error(lang))
}

/// `POST {base}/{id}/act` (`action` and its inputs): takes the action and goes back to the
/// ticket; refused inputs are shown next to the action's form (422); a role or state that does
/// not allow it answers the 403 or 409 page.
pub(crate) async fn act<T: TicketPages>(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let post = match ticket_post::<T>(&lang, &visitor, &body, &id) {
        Ok(post) => post,
        Err(answer) => return Ok(*answer),
    };
    let action_name = post.fields.get("action").to_string();
    let done = match (T::parse_action(&action_name), T::action_input(&post.fields)) {
        (None, _) => Err(invalid_value("action", T::ACTIONS)),
        (_, Err(error)) => Err(error),
        (Some(action), Ok(input)) => {
            T::act(&app, &post.signed_in.actor, post.id, action, input).await
        }
    };
    let page = PageContext {
        app: &app,
        lang: &lang,
        visitor: &visitor,
    };
    answer_form(
        &lang,
        done,
        |()| see_other(&post.back, &[]),
        async |errors| {
            let refused = Refused {
                form: action_name,
                errors,
            };
            T::show(&page, post.id, refused).await
        },
    )
    .await
}
