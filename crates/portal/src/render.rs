//! The template environment: templates embedded at compile time, auto-escaping on (`.html`), and
//! `t(key, **params)` to look texts up in the translation catalog in the page's language.

use std::sync::OnceLock;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use dulieu_core::{Error, Result};
use dulieu_i18n::{Locale, message};
use minijinja::value::Kwargs;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, Output, State, Value, context, escape_formatter};
use serde::Serialize;
use std::fmt::Write as _;

use crate::lang::Lang;
use crate::session::Visitor;

/// Every template, by name.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../templates/layout.html")),
    (
        "_readiness.html",
        include_str!("../templates/_readiness.html"),
    ),
    (
        "readiness_list.html",
        include_str!("../templates/readiness_list.html"),
    ),
    (
        "assessment.html",
        include_str!("../templates/assessment.html"),
    ),
    (
        "readiness_compare.html",
        include_str!("../templates/readiness_compare.html"),
    ),
    (
        "action_plan.html",
        include_str!("../templates/action_plan.html"),
    ),
    (
        "readiness_judge.html",
        include_str!("../templates/readiness_judge.html"),
    ),
    (
        "readiness_copy.html",
        include_str!("../templates/readiness_copy.html"),
    ),
    (
        "readiness_item.html",
        include_str!("../templates/readiness_item.html"),
    ),
    (
        "readiness_new_plan.html",
        include_str!("../templates/readiness_new_plan.html"),
    ),
    (
        "readiness_new_item.html",
        include_str!("../templates/readiness_new_item.html"),
    ),
    (
        "_search_form.html",
        include_str!("../templates/_search_form.html"),
    ),
    ("_hit.html", include_str!("../templates/_hit.html")),
    ("_badge.html", include_str!("../templates/_badge.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("dataset.html", include_str!("../templates/dataset.html")),
    (
        "organizations.html",
        include_str!("../templates/organizations.html"),
    ),
    (
        "organization.html",
        include_str!("../templates/organization.html"),
    ),
    ("error.html", include_str!("../templates/error.html")),
    ("_field.html", include_str!("../templates/_field.html")),
    ("sign_in.html", include_str!("../templates/sign_in.html")),
    ("sign_up.html", include_str!("../templates/sign_up.html")),
    ("password.html", include_str!("../templates/password.html")),
    (
        "workspace.html",
        include_str!("../templates/workspace.html"),
    ),
    (
        "dataset_form.html",
        include_str!("../templates/dataset_form.html"),
    ),
    ("_files.html", include_str!("../templates/_files.html")),
    ("members.html", include_str!("../templates/members.html")),
    ("tokens.html", include_str!("../templates/tokens.html")),
    ("requests.html", include_str!("../templates/requests.html")),
    (
        "request_form.html",
        include_str!("../templates/request_form.html"),
    ),
    ("request.html", include_str!("../templates/request.html")),
    (
        "request_stats.html",
        include_str!("../templates/request_stats.html"),
    ),
    (
        "request_sent.html",
        include_str!("../templates/request_sent.html"),
    ),
    (
        "_request_table.html",
        include_str!("../templates/_request_table.html"),
    ),
    (
        "my_requests.html",
        include_str!("../templates/my_requests.html"),
    ),
    (
        "_dataset_tabs.html",
        include_str!("../templates/_dataset_tabs.html"),
    ),
    (
        "_feedback_table.html",
        include_str!("../templates/_feedback_table.html"),
    ),
    (
        "_follow_form.html",
        include_str!("../templates/_follow_form.html"),
    ),
    ("_ticket.html", include_str!("../templates/_ticket.html")),
    (
        "dataset_feedback.html",
        include_str!("../templates/dataset_feedback.html"),
    ),
    ("feedback.html", include_str!("../templates/feedback.html")),
    ("inbox.html", include_str!("../templates/inbox.html")),
    (
        "notifications.html",
        include_str!("../templates/notifications.html"),
    ),
    (
        "notification_settings.html",
        include_str!("../templates/notification_settings.html"),
    ),
    ("table.html", include_str!("../templates/table.html")),
    (
        "_table_status.html",
        include_str!("../templates/_table_status.html"),
    ),
    (
        "_table_grid.html",
        include_str!("../templates/_table_grid.html"),
    ),
    (
        "dataset_quality.html",
        include_str!("../templates/dataset_quality.html"),
    ),
    (
        "dataset_review.html",
        include_str!("../templates/dataset_review.html"),
    ),
    (
        "quality_scorecard.html",
        include_str!("../templates/quality_scorecard.html"),
    ),
    (
        "quality_league.html",
        include_str!("../templates/quality_league.html"),
    ),
    (
        "_quality_band.html",
        include_str!("../templates/_quality_band.html"),
    ),
    (
        "_findings.html",
        include_str!("../templates/_findings.html"),
    ),
    (
        "_quality_legend.html",
        include_str!("../templates/_quality_legend.html"),
    ),
    (
        "_inventory_table.html",
        include_str!("../templates/_inventory_table.html"),
    ),
    (
        "_inventory_timeliness.html",
        include_str!("../templates/_inventory_timeliness.html"),
    ),
    (
        "inventory_list.html",
        include_str!("../templates/inventory_list.html"),
    ),
    (
        "inventory_item.html",
        include_str!("../templates/inventory_item.html"),
    ),
    (
        "inventory_plan.html",
        include_str!("../templates/inventory_plan.html"),
    ),
    (
        "inventory_priorities.html",
        include_str!("../templates/inventory_priorities.html"),
    ),
    (
        "inventory_form.html",
        include_str!("../templates/inventory_form.html"),
    ),
    (
        "inventory_import.html",
        include_str!("../templates/inventory_import.html"),
    ),
    (
        "_source_status.html",
        include_str!("../templates/_source_status.html"),
    ),
    (
        "dataset_sources.html",
        include_str!("../templates/dataset_sources.html"),
    ),
    (
        "dataset_source.html",
        include_str!("../templates/dataset_source.html"),
    ),
    (
        "_schedule_fields.html",
        include_str!("../templates/_schedule_fields.html"),
    ),
    (
        "_runs_pager.html",
        include_str!("../templates/_runs_pager.html"),
    ),
    (
        "_delete_zone.html",
        include_str!("../templates/_delete_zone.html"),
    ),
    (
        "_harvested_from.html",
        include_str!("../templates/_harvested_from.html"),
    ),
    (
        "harvest_sources.html",
        include_str!("../templates/harvest_sources.html"),
    ),
    (
        "harvest_form.html",
        include_str!("../templates/harvest_form.html"),
    ),
    (
        "harvest_source.html",
        include_str!("../templates/harvest_source.html"),
    ),
];

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            // The sources are constants; `tests::every_template_parses` keeps this from failing.
            if let Err(err) = env.add_template(name, source) {
                tracing::error!(template = name, error = %err, "portal template does not parse");
            }
        }
        env.set_formatter(formatter);
        env.add_function("t", translate);
        env.add_global("script_href", crate::assets::script_href());
        env
    })
}

/// HTML auto-escaping of `& < > " '` (minijinja's default also writes `/` as `&#x2f;`: valid,
/// but it makes every link unreadable in the source); other values and other modes as default.
fn formatter(
    out: &mut Output,
    state: &mut State,
    value: &Value,
) -> std::result::Result<(), minijinja::Error> {
    if matches!(state.auto_escape(), AutoEscape::Html)
        && !value.is_safe()
        && let Some(text) = value.as_str()
    {
        for c in text.chars() {
            match c {
                '&' => out.write_str("&amp;")?,
                '<' => out.write_str("&lt;")?,
                '>' => out.write_str("&gt;")?,
                '"' => out.write_str("&quot;")?,
                '\'' => out.write_str("&#x27;")?,
                c => out.write_char(c)?,
            }
        }
        return Ok(());
    }
    escape_formatter(out, state, value)
}

/// `t("portal.key", name=value, …)`: the text of `key` in the page's language.
fn translate(
    state: &State,
    key: &str,
    params: Kwargs,
) -> std::result::Result<String, minijinja::Error> {
    let locale = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Locale::parse))
        .unwrap_or_default();
    let mut values = Vec::new();
    for name in params.args() {
        let value: Value = params.get(name)?;
        values.push((name, value.to_string()));
    }
    let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Ok(message(locale, key, &pairs))
}

/// The signed-in user as the header shows them, with the sign-out form's CSRF token and their
/// unread notification count.
#[derive(Serialize)]
struct HeaderUser {
    name: String,
    csrf: String,
    /// Unread notifications.
    unread: i64,
}

/// Renders `template` with `data`, the page's `title`, its language fields and the visitor (the
/// header shows who is signed in).
pub fn render(
    template: &str,
    lang: &Lang,
    visitor: &Visitor,
    title: &str,
    data: impl Serialize,
) -> Result<String> {
    let viewer = visitor
        .signed_in
        .as_ref()
        .zip(visitor.session_token.as_deref())
        .map(|(signed_in, token)| HeaderUser {
            name: if signed_in.user.display_name.trim().is_empty() {
                signed_in.user.email.clone()
            } else {
                signed_in.user.display_name.clone()
            },
            csrf: dulieu_app::csrf_token(token),
            unread: visitor.unread,
        });
    let template = environment()
        .get_template(template)
        .map_err(Error::internal)?;
    template
        .render(context! {
            lang => lang.locale.as_str(),
            page => Value::from(Serde(lang.meta())),
            title => title,
            viewer => Value::from(Serde(&viewer)),
            ..Value::from(Serde(&data))
        })
        .map_err(Error::internal)
}

/// A page answered with `status`: `template` rendered as by [`render`] (a form shown again
/// after a refusal is a 422 page).
pub fn render_page(
    template: &str,
    lang: &Lang,
    visitor: &Visitor,
    title: &str,
    status: StatusCode,
    data: impl Serialize,
) -> Result<Response> {
    let html = render(template, lang, visitor, title, data)?;
    Ok((status, Html(html)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn every_text_key_is_in_the_catalog() {
        for (name, source) in TEMPLATES {
            for piece in source.split("t(\"").skip(1) {
                let (key, rest) = piece.split_once('"').unwrap_or_default();
                if !(rest.starts_with(')') || rest.starts_with(',')) {
                    continue; // a key built from a value (`"ui.kind." ~ kind`)
                }
                assert!(dulieu_i18n::has_message(key), "{name}: missing key {key}");
            }
        }
    }

    #[test]
    fn user_text_is_escaped() {
        let lang = Lang::from_path("/");
        let html = render(
            "error.html",
            &lang,
            &Visitor::default(),
            "<script>x</script>",
            context! { status => 404 },
        )
        .unwrap();
        assert!(!html.contains("<script>x"), "{html}");
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"), "{html}");
        let quoted = render(
            "error.html",
            &lang,
            &Visitor::default(),
            "\"'&",
            context! { status => 404 },
        )
        .unwrap();
        assert!(quoted.contains("&quot;&#x27;&amp;"), "{quoted}");
    }
}
