//! The change history of a dataset as its page shows it: the latest changes (the event log's,
//! through `App::latest_dataset_changes`), newest first, each said in words: when, who (their
//! display name, never their e-mail) and what changed, read from the before and after states.

use dulieu_app::App;
use dulieu_core::Result;
use dulieu_core::account::Actor;
use dulieu_core::event::Event;
use dulieu_i18n::{Locale, message};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::format;

/// Changes shown on the dataset page.
const SHOWN: i64 = 10;

/// Dataset fields whose change is worth saying, with the catalog key of their label. `status` is
/// said apart; `modified` and `issued` follow from the other changes.
const FIELDS: &[(&str, &str)] = &[
    ("title", "portal.history.field.title"),
    ("description", "portal.dataset.description"),
    ("slug", "portal.history.field.slug"),
    ("publisher", "portal.publisher"),
    ("contact_point", "portal.history.field.contact"),
    ("keywords", "portal.dataset.keywords"),
    ("themes", "portal.dataset.themes"),
    ("license", "portal.dataset.license"),
    ("access_rights", "portal.workspace.access_rights"),
    ("temporal", "portal.history.field.temporal"),
    ("spatial", "portal.workspace.spatial"),
    ("frequency", "portal.dataset.frequency"),
    ("version", "portal.history.field.version"),
];

/// The label of dataset field `field` in `locale`, if it is one of those said.
pub(crate) fn field_label(field: &str, locale: Locale) -> Option<String> {
    FIELDS
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, label)| message(locale, label, &[]))
}

/// The history section of the dataset page.
#[derive(Debug, Serialize)]
pub(crate) struct HistoryView {
    changes: Vec<ChangeView>,
    total: i64,
    api_href: String,
}

/// One change, in words.
#[derive(Debug, Serialize)]
struct ChangeView {
    when: String,
    datetime: String,
    who: String,
    what: String,
}

impl HistoryView {
    /// The latest changes of the dataset `slug`, as `actor` may see them.
    pub(crate) async fn load(app: &App, actor: &Actor, slug: &str, locale: Locale) -> Result<Self> {
        let (events, total) = app.latest_dataset_changes(actor, slug, SHOWN).await?;
        let ids: Vec<Uuid> = events.iter().filter_map(|e| e.actor_id).collect();
        let names = app.display_names(&ids).await?;
        let changes = events
            .iter()
            .map(|event| ChangeView {
                when: format::moment(event.at, locale),
                datetime: format::datetime_attr(event.at),
                who: match event.actor_id {
                    None => message(locale, "portal.history.system", &[]),
                    Some(id) => names
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| message(locale, "portal.history.someone", &[])),
                },
                what: describe(event, locale),
            })
            .collect();
        Ok(Self {
            changes,
            total,
            api_href: format!("/api/1/datasets/{slug}/history"),
        })
    }
}

/// What `event` changed, in a sentence.
fn describe(event: &Event, locale: Locale) -> String {
    let say = |key: &str, params: &[(&str, &str)]| message(locale, key, params);
    let after = event.after.as_ref().unwrap_or(&Value::Null);
    let before = event.before.as_ref().unwrap_or(&Value::Null);
    match (event.entity_type.as_str(), event.action.as_str()) {
        ("dataset", "created") if after["status"] == "published" => {
            say("portal.history.created_published", &[])
        }
        ("dataset", "created") => say("portal.history.created", &[]),
        ("dataset", "updated") => describe_update(before, after, locale),
        (
            "dataset",
            step @ ("review_submitted" | "review_withdrawn" | "review_approved"
            | "review_sent_back" | "review_published"),
        ) => {
            let said = say(&format!("portal.history.{step}"), &[]);
            match after["comment"].as_str().filter(|c| !c.trim().is_empty()) {
                Some(comment) => format!(
                    "{said} {}",
                    say("portal.history.review_comment", &[("comment", comment)])
                ),
                None => said,
            }
        }
        ("distribution", action) => {
            let shown = if after.is_null() { before } else { after };
            let title = distribution_title(shown, locale);
            let title = [("title", title.as_str())];
            match action {
                "created" if !shown["remote_url"].is_null() => {
                    say("portal.history.link_added", &title)
                }
                "created" => say("portal.history.file_added", &title),
                "file_replaced" => say("portal.history.file_replaced", &title),
                "deleted" => say("portal.history.file_removed", &title),
                _ => say("portal.history.file_updated", &title),
            }
        }
        _ => say("portal.history.updated", &[]),
    }
}

/// A dataset update: its new status, if it changed, then the fields that changed.
fn describe_update(before: &Value, after: &Value, locale: Locale) -> String {
    let mut parts = Vec::new();
    if before["status"] != after["status"]
        && let Some(status) = after["status"].as_str()
    {
        parts.push(message(
            locale,
            &format!("portal.history.now_{status}"),
            &[],
        ));
    }
    let changed: Vec<String> = FIELDS
        .iter()
        .filter(|(field, _)| before[*field] != after[*field])
        .map(|(_, label)| message(locale, label, &[]))
        .collect();
    if !changed.is_empty() {
        parts.push(message(
            locale,
            "portal.history.changed",
            &[("fields", &changed.join(", "))],
        ));
    }
    if parts.is_empty() {
        parts.push(message(locale, "portal.history.updated", &[]));
    }
    parts.join(" ")
}

/// The title of a distribution's snapshot in `locale` (else the other language, else its file
/// name or URL).
fn distribution_title(snapshot: &Value, locale: Locale) -> String {
    let other = match locale {
        Locale::Vi => Locale::En,
        Locale::En => Locale::Vi,
    };
    [
        &snapshot["title"][locale.as_str()],
        &snapshot["title"][other.as_str()],
        &snapshot["filename"],
        &snapshot["remote_url"],
    ]
    .into_iter()
    .find_map(|v| v.as_str().filter(|t| !t.trim().is_empty()))
    .unwrap_or_default()
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(
        entity_type: &str,
        action: &str,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Event {
        Event {
            seq: 1,
            at: chrono::Utc::now(),
            actor_id: None,
            entity_type: entity_type.into(),
            entity_id: Uuid::nil(),
            parent_id: None,
            action: action.into(),
            before,
            after,
        }
    }

    #[test]
    fn changes_are_said_in_words() {
        let before = json!({"status": "draft", "title": {"vi": "A"}, "keywords": [], "modified": "2025-01-01"});
        let after = json!({"status": "published", "title": {"vi": "B"}, "keywords": ["x"], "modified": "2025-02-01"});
        let update = event("dataset", "updated", Some(before.clone()), Some(after));
        assert_eq!(
            describe(&update, Locale::En),
            "Published the dataset. Changed: Title, Keywords."
        );
        let touched = event("dataset", "updated", Some(before.clone()), Some(before));
        assert_eq!(describe(&touched, Locale::En), "Updated the dataset.");

        let file = json!({"title": {"vi": "Dân số"}, "filename": "dan-so.csv", "remote_url": null});
        let added = event("distribution", "created", None, Some(file.clone()));
        assert_eq!(describe(&added, Locale::En), "Added the file “Dân số”.");
        let removed = event("distribution", "deleted", Some(file), None);
        assert_eq!(describe(&removed, Locale::Vi), "Gỡ “Dân số”.");
        let link = json!({"title": {}, "remote_url": "https://example.vn/a.xlsx"});
        let linked = event("distribution", "created", None, Some(link));
        assert_eq!(
            describe(&linked, Locale::En),
            "Added the link “https://example.vn/a.xlsx”."
        );
    }

    #[test]
    fn review_steps_are_said_with_their_comment() {
        let step = |action: &str, comment: Option<&str>| {
            event(
                "dataset",
                action,
                Some(json!({"status": "in_review"})),
                Some(json!({"status": "draft", "comment": comment})),
            )
        };
        assert_eq!(
            describe(&step("review_submitted", None), Locale::En),
            "Submitted the dataset for review."
        );
        assert_eq!(
            describe(
                &step("review_sent_back", Some("Chưa có giấy phép.")),
                Locale::En
            ),
            "Sent the dataset back for changes. Comment: “Chưa có giấy phép.”"
        );
        assert_eq!(
            describe(
                &step("review_sent_back", Some("Thiếu giấy phép.")),
                Locale::Vi
            ),
            "Trả lại bộ dữ liệu để sửa. Nhận xét: “Thiếu giấy phép.”"
        );
        assert_eq!(
            describe(&step("review_approved", Some("  ")), Locale::En),
            "Approved the dataset for publication."
        );
        assert_eq!(
            describe(&step("review_withdrawn", None), Locale::Vi),
            "Rút lại yêu cầu duyệt."
        );
        assert_eq!(
            describe(&step("review_published", None), Locale::En),
            "Published the approved dataset."
        );
        assert_eq!(
            field_label("license", Locale::En).as_deref(),
            Some("License")
        );
        assert_eq!(field_label("modified", Locale::En), None);
    }
}
