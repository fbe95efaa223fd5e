//! `/requests/mine`: the data requests the signed-in visitor filed, voted for or follows, newest
//! first, with how they are tied to each. Anonymous visitors are sent to sign in.

use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use dulieu_app::App;
use dulieu_app::ticket_views::UserTies;
use dulieu_core::Result;
use dulieu_core::account::Actor;
use dulieu_i18n::message;
use serde::Serialize;

use super::account::to_sign_in;
use super::requests::{Row, page_error};
use crate::error::PageError;
use crate::lang::Lang;
use crate::render::render;
use crate::session::Visitor;

/// A request of the page, with how the visitor is tied to it (`filed`, `voted`, `following`).
#[derive(Serialize)]
struct MyRow {
    #[serde(flatten)]
    row: Row,
    ties: Vec<&'static str>,
}

/// The names of the ties that hold.
fn tie_names(ties: UserTies) -> Vec<&'static str> {
    [
        (ties.filed, "filed"),
        (ties.voted, "voted"),
        (ties.following, "following"),
    ]
    .into_iter()
    .filter_map(|(holds, name)| holds.then_some(name))
    .collect()
}

#[derive(Serialize)]
struct MinePage {
    rows: Vec<MyRow>,
}

/// `GET /requests/mine`.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
) -> std::result::Result<Response, PageError> {
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(&lang, "/requests/mine"));
    };
    build(&app, &lang, &visitor, &signed_in.actor)
        .await
        .map(|html| Html(html).into_response())
        .map_err(page_error(lang))
}

async fn build(app: &App, lang: &Lang, visitor: &Visitor, actor: &Actor) -> Result<String> {
    let now = Utc::now();
    let rows = app
        .my_requests(actor)
        .await?
        .iter()
        .map(|mine| MyRow {
            row: Row::new(app, lang, &mine.request, now),
            ties: tie_names(mine.ties),
        })
        .collect();
    let title = message(lang.locale, "portal.requests.mine", &[]);
    render("my_requests.html", lang, visitor, &title, MinePage { rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_are_named_in_order_and_have_words() {
        let all = UserTies {
            filed: true,
            voted: true,
            following: true,
        };
        assert_eq!(tie_names(all), ["filed", "voted", "following"]);
        assert!(tie_names(UserTies::default()).is_empty());
        for name in tie_names(all) {
            assert!(dulieu_i18n::has_message(&format!(
                "portal.my_requests.tie_{name}"
            )));
        }
    }
}
