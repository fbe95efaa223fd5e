//! The watchdog's pages through the real router, in both languages: a public dataset with a
//! PDF and no license shows its violations with how to fix them, its open tickets and its
//! history on its quality tab; the "check again" form is there for its editors (and works) and
//! not for visitors or other users (whose posts are refused); the organization's scorecard
//! shows its datasets per band; the league table lists the organization; the search page shows
//! the stars and quality facets with their labels.

use crate::common;

use chrono::Utc;
use common::{Browser, ORG, PASSWORD, csrf_of, text, world};
use dulieu_core::account::Actor;
use dulieu_i18n::{Locale, message};
use dulieu_testkit::TestApp;
use serde_json::json;

/// The public dataset with a PDF and no license.
const DATASET: &str = "bao-cao-pdf";
/// A real (tiny) PDF file.
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

/// `text` as the templates escape it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

/// The catalog text of `key` in `locale`, as a page shows it.
fn shown(locale: Locale, key: &str) -> String {
    escaped(&message(locale, key, &[]))
}

/// The portal tests' world (an editor of `ORG`, its draft dataset) plus a public dataset of
/// `ORG` without a license whose only file is a PDF, checked by the watchdog as the worker
/// does; returns the app and the editor's e-mail.
async fn quality_world() -> (TestApp, String) {
    let (t, editor) = world().await;
    let (_, admin) = t.user("quan-tri@example.vn", true).await;
    let created = t
        .post(
            "/api/1/datasets",
            Some(&admin),
            json!({"slug": DATASET, "title": {"vi": "Báo cáo mực nước", "en": "Water level report"},
                   "publisher": ORG, "status": "published", "access_rights": "public"}),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201, "{}", text(&created));
    let uploaded = t
        .upload(
            &format!("/api/1/datasets/{DATASET}/distributions"),
            Some(&admin),
            "bao-cao.pdf",
            PDF,
            &[],
        )
        .await;
    assert_eq!(uploaded.status.as_u16(), 201, "{}", text(&uploaded));
    t.run_jobs().await;
    t.app
        .follow_quality_events(Utc::now())
        .await
        .expect("the watchdog follows the event log");
    t.sync_search().await;
    (t, editor)
}

/// A browser signed in as `email`.
async fn signed_in(t: &TestApp, email: &str) -> Browser {
    let mut browser = Browser::default();
    let answer = browser.sign_in(t, email, PASSWORD).await;
    assert_eq!(answer.status.as_u16(), 303, "{}", text(&answer));
    browser
}

/// GETs `path` in both languages (`/…` and `/en/…`) as `browser`; both answer 200 in their
/// language.
async fn both(t: &TestApp, browser: &mut Browser, path: &str) -> (String, String) {
    let mut pages = Vec::new();
    for (prefix, lang) in [("", "vi"), ("/en", "en")] {
        let answer = browser.get(t, &format!("{prefix}{path}")).await;
        let html = text(&answer);
        assert_eq!(answer.status.as_u16(), 200, "{prefix}{path}: {html}");
        assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{html}");
        pages.push(html);
    }
    let en = pages.pop().unwrap_or_default();
    let vi = pages.pop().unwrap_or_default();
    (vi, en)
}

fn location(answer: &dulieu_testkit::TestResponse) -> String {
    answer
        .header("location")
        .unwrap_or_else(|| panic!("no location: {}", text(answer)))
}

/// The text of the bar labelled `label` (`count (share)`) in a scorecard.
fn bar_value(html: &str, label: &str) -> String {
    let start = html
        .find(&format!("<span class=\"bar-label\">{label}</span>"))
        .unwrap_or_else(|| panic!("no bar {label}: {html}"));
    let rest = &html[start..];
    let marker = "<span class=\"bar-value\">";
    let value = &rest[rest.find(marker).expect("bar value") + marker.len()..];
    value.split('<').next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn the_quality_tab_shows_violations_how_to_fix_them_tickets_and_history() {
    let (t, _) = quality_world().await;
    let violations = t
        .app
        .dataset_quality(&Actor::anonymous(), DATASET, Locale::En)
        .await
        .expect("report")
        .counts
        .violations;
    assert!(violations >= 2, "{violations}");
    let mut visitor = Browser::default();
    let (vi, en) = both(&t, &mut visitor, &format!("/dataset/{DATASET}/quality")).await;
    for (html, locale) in [(&vi, Locale::Vi), (&en, Locale::En)] {
        // Both violations, with their rule, message and how to fix them.
        for rule in ["license.present", "format.machine_readable"] {
            let title = shown(locale, &format!("check.{rule}.title"));
            let fix = shown(locale, &format!("check.{rule}.fix"));
            assert!(html.contains(&title), "{rule} title in {locale}: {html}");
            assert!(html.contains(&fix), "{rule} fix in {locale}: {html}");
            assert!(html.contains(&format!("<code>{rule}</code>")), "{html}");
        }
        assert!(
            html.contains(&shown(locale, "check.license.present.missing")),
            "{html}"
        );
        assert!(
            html.contains(&shown(locale, "portal.quality.how_to_fix")),
            "{html}"
        );
        // The severity badge, in words.
        let badge = format!(
            "<span class=\"badge severity-badge severity-violation\">{}</span>",
            shown(locale, "check.severity.violation")
        );
        assert!(html.contains(&badge), "{html}");
        // The counts, the scores and the tab.
        assert!(
            html.contains(&escaped(&message(
                locale,
                "portal.quality.count_violations",
                &[("count", &violations.to_string())]
            ))),
            "{html}"
        );
        assert!(html.contains("☆☆☆☆☆"), "no star: {html}");
        assert!(html.contains("/405"), "{html}");
        assert!(
            html.contains("class=\"active\" aria-current=\"page\">"),
            "{html}"
        );
        // The history: an SVG image with its name and description, and the table.
        assert!(
            html.contains("<svg") && html.contains("role=\"img\""),
            "{html}"
        );
        assert!(html.contains("aria-labelledby=\"history-chart-title history-chart-desc\""));
        assert!(
            html.contains(&shown(locale, "portal.quality.history_table")),
            "{html}"
        );
    }
    assert!(vi.contains("Chất lượng: Báo cáo mực nước"), "{vi}");
    assert!(en.contains("Quality: Water level report"), "{en}");
    // The watchdog's open tickets, linking to their pages in the page's language.
    assert!(vi.contains("href=\"/feedback/"), "{vi}");
    assert!(en.contains("href=\"/en/feedback/"), "{en}");
    let ticket_link = en
        .split("href=\"/en/feedback/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a ticket link")
        .to_string();
    let ticket = visitor
        .get(&t, &format!("/en/feedback/{ticket_link}"))
        .await;
    assert_eq!(ticket.status.as_u16(), 200, "{}", text(&ticket));
    // The tab is among the dataset's tabs.
    let overview = text(&visitor.get(&t, &format!("/en/dataset/{DATASET}")).await);
    assert!(
        overview.contains(&format!("href=\"/en/dataset/{DATASET}/quality\"")),
        "{overview}"
    );
}

#[tokio::test]
async fn a_private_or_unknown_dataset_has_no_quality_tab_for_visitors() {
    let (t, editor) = quality_world().await;
    let mut visitor = Browser::default();
    for path in [
        "/dataset/muc-nuoc-nhap/quality",
        "/en/dataset/khong-co/quality",
        "/organization/khong-co/quality",
    ] {
        let answer = visitor.get(&t, path).await;
        assert_eq!(answer.status.as_u16(), 404, "{path}: {}", text(&answer));
    }
    // Its editor sees the draft's tab.
    let mut browser = signed_in(&t, &editor).await;
    let answer = browser.get(&t, "/en/dataset/muc-nuoc-nhap/quality").await;
    assert_eq!(answer.status.as_u16(), 200, "{}", text(&answer));
}

#[tokio::test]
async fn only_editors_may_check_again() {
    let (t, editor) = quality_world().await;
    let tab = format!("/dataset/{DATASET}/quality");
    let action = format!("{tab}/recheck");
    let form = format!("action=\"{action}\"");

    // A visitor sees no form, and a post of theirs checks nothing.
    let mut visitor = Browser::default();
    let page = text(&visitor.get(&t, &tab).await);
    assert!(!page.contains(&form), "{page}");
    assert!(
        !page.contains(&shown(Locale::Vi, "portal.quality.recheck")),
        "{page}"
    );
    let without_token = visitor.post(&t, &action, &[]).await;
    assert_eq!(without_token.status.as_u16(), 403);
    let csrf = visitor.csrf(&t, "/sign-in").await;
    let anonymous = visitor.post(&t, &action, &[("csrf", &csrf)]).await;
    assert_eq!(anonymous.status.as_u16(), 303);
    assert!(
        location(&anonymous).starts_with("/sign-in?next="),
        "{}",
        location(&anonymous)
    );

    // Neither does a user who is not of the publisher: the post is refused.
    let (_, _) = t.user("khach@example.vn", false).await;
    let mut other = signed_in(&t, "khach@example.vn").await;
    let page = text(&other.get(&t, &tab).await);
    assert!(!page.contains(&form), "{page}");
    let refused = other.post(&t, &action, &[("csrf", &csrf_of(&page))]).await;
    assert_eq!(refused.status.as_u16(), 403, "{}", text(&refused));

    // Its editor has the form; posting it checks again and comes back with a notice.
    let before = t
        .app
        .dataset_quality(&Actor::system(), DATASET, Locale::En)
        .await
        .expect("report")
        .checked_at;
    let mut browser = signed_in(&t, &editor).await;
    let page = text(&browser.get(&t, &tab).await);
    assert!(page.contains(&form), "{page}");
    let done = browser.submit(&t, &tab, &action, &[]).await;
    assert_eq!(done.status.as_u16(), 303, "{}", text(&done));
    assert_eq!(location(&done), format!("{tab}?notice=quality_rechecked"));
    let after = t
        .app
        .dataset_quality(&Actor::system(), DATASET, Locale::En)
        .await
        .expect("report")
        .checked_at;
    assert!(after > before, "checked again: {before} → {after}");
    let shown_page = text(&browser.get(&t, &location(&done)).await);
    assert!(
        shown_page.contains(&shown(Locale::Vi, "portal.notice.quality_rechecked")),
        "{shown_page}"
    );
    // In English, back to the English tab.
    let en_tab = format!("/en{tab}");
    let done = browser
        .submit(&t, &en_tab, &format!("/en{action}"), &[])
        .await;
    assert_eq!(
        location(&done),
        format!("{en_tab}?notice=quality_rechecked")
    );
    let shown_page = text(&browser.get(&t, &location(&done)).await);
    assert!(
        shown_page.contains(&shown(Locale::En, "portal.notice.quality_rechecked")),
        "{shown_page}"
    );
}

#[tokio::test]
async fn the_league_table_lists_the_organization() {
    let (t, _) = quality_world().await;
    let mut visitor = Browser::default();
    let (vi, en) = both(&t, &mut visitor, "/quality").await;
    assert!(
        vi.contains(&format!(
            "<a href=\"/organization/{ORG}/quality\">Tổ chức {ORG}</a>"
        )),
        "{vi}"
    );
    assert!(
        en.contains(&format!(
            "<a href=\"/en/organization/{ORG}/quality\">Organization {ORG}</a>"
        )),
        "{en}"
    );
    let entry = t
        .app
        .quality_league()
        .await
        .expect("league")
        .into_iter()
        .find(|e| e.organization == ORG)
        .expect("the organization is ranked");
    assert_eq!(entry.datasets, 1, "only the public dataset counts");
    let band = shown(Locale::En, &format!("check.mqa.band.{}", entry.mqa_band));
    assert!(en.contains(&band), "{en}");
    for html in [&vi, &en] {
        assert!(
            html.contains("href=\"/api/1/quality/findings.csv\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"/api/1/quality/findings.json\""),
            "{html}"
        );
    }
    // Every page's navigation leads to it.
    assert!(vi.contains("<a href=\"/quality\">"), "{vi}");
    let home = text(&visitor.get(&t, "/en/").await);
    assert!(home.contains("<a href=\"/en/quality\">"), "{home}");
}

#[tokio::test]
async fn the_scorecard_shows_the_datasets_per_band() {
    let (t, editor) = quality_world().await;
    let scorecard = t
        .app
        .organization_quality(&Actor::anonymous(), ORG, Locale::En)
        .await
        .expect("scorecard");
    assert_eq!(scorecard.datasets, 1);
    let mut visitor = Browser::default();
    let path = format!("/organization/{ORG}/quality");
    let (vi, en) = both(&t, &mut visitor, &path).await;
    for (band, count) in &scorecard.bands {
        let expected = if *count == 1 { "1 (100%)" } else { "0 (0%)" };
        let label = shown(Locale::En, &format!("check.mqa.band.{band}"));
        assert_eq!(bar_value(&en, &label), expected, "{band}");
        let label = shown(Locale::Vi, &format!("check.mqa.band.{band}"));
        assert_eq!(bar_value(&vi, &label), expected, "{band}");
    }
    assert_eq!(scorecard.bands.values().sum::<i64>(), 1);
    // The star levels, the rules violated and the dataset, linking to its tab.
    let level = |stars: &str| {
        escaped(&message(
            Locale::En,
            "portal.quality.stars_of",
            &[("stars", stars)],
        ))
    };
    assert_eq!(bar_value(&en, &level("0")), "1 (100%)", "{en}");
    assert_eq!(bar_value(&en, &level("3")), "0 (0%)", "{en}");
    assert!(
        en.contains(&shown(Locale::En, "check.license.present.title")),
        "{en}"
    );
    assert!(
        en.contains(&format!(
            "<a href=\"/en/dataset/{DATASET}/quality\">Water level report</a>"
        )),
        "{en}"
    );
    assert!(en.contains(&shown(Locale::En, "portal.quality.scorecard_public_only")));
    assert!(
        !en.contains("muc-nuoc-nhap"),
        "the draft is not public: {en}"
    );
    // A member sees the draft too.
    let mut member = signed_in(&t, &editor).await;
    let all = text(&member.get(&t, &format!("/en{path}")).await);
    assert!(
        all.contains(&shown(Locale::En, "portal.quality.scorecard_all")),
        "{all}"
    );
    assert!(all.contains("/en/dataset/muc-nuoc-nhap/quality"), "{all}");
    // The organization's page links to it.
    let (vi, en) = both(&t, &mut visitor, &format!("/organization/{ORG}")).await;
    assert!(vi.contains(&format!("href=\"{path}\"")), "{vi}");
    assert!(en.contains(&format!("href=\"/en{path}\"")), "{en}");
}

#[tokio::test]
async fn search_shows_the_stars_and_quality_facets() {
    let (t, _) = quality_world().await;
    let report = t
        .app
        .dataset_quality(&Actor::anonymous(), DATASET, Locale::En)
        .await
        .expect("report");
    let band = report.report.scores.mqa.band.as_str();
    let mut visitor = Browser::default();
    let (vi, en) = both(&t, &mut visitor, "/search").await;
    for (html, locale) in [(&vi, Locale::Vi), (&en, Locale::En)] {
        assert!(
            html.contains(&shown(locale, "portal.facet.stars")),
            "{html}"
        );
        assert!(
            html.contains(&shown(locale, "portal.facet.quality")),
            "{html}"
        );
        let zero = escaped(&message(
            locale,
            "portal.quality.stars_of",
            &[("stars", "0")],
        ));
        assert!(html.contains(&format!(">{zero}</a>")), "{html}");
        let label = shown(locale, &format!("check.mqa.band.{band}"));
        assert!(html.contains(&format!(">{label}</a>")), "{html}");
    }
    assert!(en.contains("href=\"/en/search?f=stars%3A0\""), "{en}");
    // A chip names the filter with the same label.
    let filtered = text(
        &visitor
            .get(&t, &format!("/en/search?f=quality%3A{band}"))
            .await,
    );
    let label = shown(Locale::En, &format!("check.mqa.band.{band}"));
    assert!(
        filtered.contains(&format!("Quality (EU MQA): {label}")),
        "{filtered}"
    );
    assert!(filtered.contains("Water level report"), "{filtered}");
}
