//! The signed-in visitor's notification center (`/notifications`: the latest notices, newest
//! first, unread ones marked; mark one or all read) and notification settings
//! (`/notifications/settings`: e-mail on or off, the e-mails' language). Anonymous visitors are
//! sent to sign in.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use dulieu_app::App;
use dulieu_app::notification_center::NotificationSettings;
use dulieu_core::{Error, Result};
use dulieu_i18n::{Locale, message};
use dulieu_tickets::records::Notification;
use serde::Serialize;
use uuid::Uuid;

use super::account::{answer_form, errors_summary, form_status, signed_in_post, to_sign_in};
use super::requests::page_error;
use crate::error::PageError;
use crate::format;
use crate::lang::Lang;
use crate::notice::{NoticeQuery, redirect_with_notice};
use crate::render::{render, render_page};
use crate::session::Visitor;

/// Path of the notification center, without the language prefix.
const CENTER_PATH: &str = "/notifications";
/// Path of the settings, without the language prefix.
const SETTINGS_PATH: &str = "/notifications/settings";
/// The template of the settings form.
const SETTINGS_TEMPLATE: &str = "notification_settings.html";

/// What a handler answers: a page, a redirect, or an error page.
type Answer = std::result::Result<Response, PageError>;

/// One notice as the center lists it.
#[derive(Serialize)]
struct NoticeRow {
    id: String,
    text: String,
    href: Option<String>,
    at: String,
    unread: bool,
}

/// The words of a notice (`notify.{kind}` with its parameters) in `locale`; in English, a
/// dataset's English title (`title_en`) stands for its title when it has one.
fn notice_text(n: &Notification, locale: Locale) -> String {
    let mut params: Vec<(String, String)> = n
        .params
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(k, v)| {
                    let value = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                    (k.clone(), value)
                })
                .collect()
        })
        .unwrap_or_default();
    let english_title = params
        .iter()
        .find(|(k, v)| k == "title_en" && !v.trim().is_empty())
        .map(|(_, v)| v.clone());
    if let (Locale::En, Some(english)) = (locale, english_title) {
        params.retain(|(k, _)| k != "title");
        params.push(("title".into(), english));
    }
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    message(locale, &format!("notify.{}", n.kind), &pairs)
}

/// The page of what a notice is about.
fn subject_href(n: &Notification, lang: &Lang) -> Option<String> {
    let section = match n.subject_type.as_str() {
        "request" => "requests",
        "feedback" => "feedback",
        "dataset" => "dataset",
        _ => return None,
    };
    Some(format!("{}/{section}/{}", lang.prefix(), n.subject_id))
}

#[derive(Serialize)]
struct CenterPage {
    rows: Vec<NoticeRow>,
    unread: i64,
    csrf: String,
    read_action: String,
    settings_href: String,
    notice: Option<String>,
}

/// `GET /notifications`.
pub async fn center(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Query(query): Query<NoticeQuery>,
) -> Answer {
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(&lang, CENTER_PATH));
    };
    let built = async {
        let locale = lang.locale;
        let center = app.notification_center(&signed_in.actor).await?;
        let page = CenterPage {
            rows: center
                .notifications
                .iter()
                .map(|n| NoticeRow {
                    id: n.id.to_string(),
                    text: notice_text(n, locale),
                    href: subject_href(n, &lang),
                    at: format::moment(n.created_at, locale),
                    unread: n.read_at.is_none(),
                })
                .collect(),
            unread: center.unread,
            csrf: visitor.csrf_token(),
            read_action: format!("{}{CENTER_PATH}/read", lang.prefix()),
            settings_href: format!("{}{SETTINGS_PATH}", lang.prefix()),
            notice: query.notice(locale),
        };
        let title = message(locale, "portal.notifications.title", &[]);
        render("notifications.html", &lang, &visitor, &title, page)
    }
    .await;
    built
        .map(|html| Html(html).into_response())
        .map_err(page_error(lang))
}

/// `POST /notifications/read` (`id`, or none for all): marks them read and goes back to the
/// center.
pub async fn mark_read(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    body: Bytes,
) -> Answer {
    let Some((fields, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, CENTER_PATH));
    };
    let id = match fields.get("id").trim() {
        "" => None,
        raw => Some(
            Uuid::parse_str(raw)
                .map_err(|_| Error::not_found("notification", raw))
                .map_err(page_error(lang.clone()))?,
        ),
    };
    app.mark_notifications_read(&signed_in.actor, id)
        .await
        .map_err(page_error(lang.clone()))?;
    Ok(redirect_with_notice(
        &lang,
        CENTER_PATH,
        "notifications_read",
        "",
    ))
}

#[derive(Serialize)]
struct SettingsPage {
    csrf: String,
    action: String,
    email: bool,
    email_lang: String,
    center_href: String,
    notice: Option<String>,
    errors: std::collections::BTreeMap<String, Vec<String>>,
    form_error: Option<String>,
}

fn show_settings(
    lang: &Lang,
    visitor: &Visitor,
    settings: NotificationSettings,
    notice: Option<String>,
    errors: std::collections::BTreeMap<String, Vec<String>>,
) -> Result<Response> {
    let status = form_status(&errors);
    let page = SettingsPage {
        csrf: visitor.csrf_token(),
        action: format!("{}{SETTINGS_PATH}", lang.prefix()),
        email: settings.email,
        email_lang: settings.lang,
        center_href: format!("{}{CENTER_PATH}", lang.prefix()),
        notice,
        form_error: errors_summary(&errors, lang.locale),
        errors,
    };
    let title = message(lang.locale, "portal.notifications.settings", &[]);
    render_page(SETTINGS_TEMPLATE, lang, visitor, &title, status, page)
}

/// `GET /notifications/settings`.
pub async fn settings_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Query(query): Query<NoticeQuery>,
) -> Answer {
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(&lang, SETTINGS_PATH));
    };
    let shown = match app.notification_settings(&signed_in.actor).await {
        Ok(settings) => show_settings(
            &lang,
            &visitor,
            settings,
            query.notice(lang.locale),
            Default::default(),
        ),
        Err(error) => Err(error),
    };
    shown.map_err(page_error(lang))
}

/// `POST /notifications/settings` (`email` = `1` when checked, `lang` = `vi` or `en`): saves
/// them and shows the form again with a notice; a language not offered is refused (422).
pub async fn save_settings(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    body: Bytes,
) -> Answer {
    let Some((fields, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, SETTINGS_PATH));
    };
    let input = NotificationSettings {
        email: fields.get("email") == "1",
        lang: fields.get("lang").to_string(),
    };
    let saved = app
        .save_notification_settings(&signed_in.actor, input.clone())
        .await;
    answer_form(
        &lang,
        saved,
        |_| redirect_with_notice(&lang, SETTINGS_PATH, "notifications_saved", ""),
        async |errors| show_settings(&lang, &visitor, input, None, errors),
    )
    .await
}

/// The notification pages under `prefix` (`""` or `"/en"`).
pub(crate) fn routes(prefix: &str) -> axum::Router<App> {
    use axum::routing::{get, post};
    let at = |path: &str| format!("{prefix}{path}");
    axum::Router::new()
        .route(&at(CENTER_PATH), get(center))
        .route(&at("/notifications/read"), post(mark_read))
        .route(&at(SETTINGS_PATH), get(settings_form).post(save_settings))
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;

    use super::*;

    fn notice(kind: &str, subject_type: &str, params: serde_json::Value) -> Notification {
        Notification {
            id: Uuid::now_v7(),
            user_id: Uuid::now_v7(),
            kind: kind.into(),
            subject_type: subject_type.into(),
            subject_id: Uuid::nil(),
            params,
            created_at: Utc::now(),
            read_at: None,
        }
    }

    #[test]
    fn a_notice_says_what_happened_and_links_its_ticket() {
        let n = notice(
            "request.assign",
            "request",
            json!({"title": "Giá đất", "organization": "Sở TN&MT"}),
        );
        assert_eq!(
            notice_text(&n, Locale::En),
            "The request “Giá đất” was assigned to Sở TN&MT"
        );
        let en = Lang::from_path("/en/notifications");
        assert_eq!(
            subject_href(&n, &en).as_deref(),
            Some("/en/requests/00000000-0000-0000-0000-000000000000")
        );
        let f = notice(
            "feedback.urgent",
            "feedback",
            json!({"title": "CCCD", "kind": 1}),
        );
        assert!(notice_text(&f, Locale::Vi).contains("CCCD"));
        assert_eq!(
            subject_href(&f, &Lang::from_path("/")).as_deref(),
            Some("/feedback/00000000-0000-0000-0000-000000000000")
        );
        assert_eq!(subject_href(&notice("x", "other", json!({})), &en), None);
        let d = notice(
            "dataset.updated",
            "dataset",
            json!({"title": "Giá đất", "title_en": "Land prices"}),
        );
        assert!(notice_text(&d, Locale::En).contains("Land prices"));
        assert!(notice_text(&d, Locale::Vi).contains("Giá đất"));
        assert_eq!(
            subject_href(&d, &en).as_deref(),
            Some("/en/dataset/00000000-0000-0000-0000-000000000000")
        );
    }
}
