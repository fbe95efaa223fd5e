//! Markdown descriptions to HTML. Raw HTML in the Markdown is escaped, never passed through.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

/// Renders `text` (CommonMark with tables and strikethrough) as HTML; raw HTML becomes text and
/// links or images to anything but http(s), mailto or a relative address lead nowhere.
pub fn to_html(text: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(text, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// `url` when its scheme is harmless, else `#`.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim_start().to_ascii_lowercase();
    let scheme_end = lower.find([':', '/', '?', '#']);
    let has_scheme = scheme_end.is_some_and(|i| lower[i..].starts_with(':'));
    let allowed = ["http:", "https:", "mailto:"];
    if !has_scheme || allowed.iter().any(|s| lower.starts_with(s)) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped() {
        let out = to_html("Hello <script>alert(1)</script>\n\n<div onclick=\"x\">block</div>");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<div"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{out}"
        );
    }

    #[test]
    fn script_links_lead_nowhere() {
        let out = to_html("[a](javascript:alert(1)) [b](JavaScript:x) [c](/dataset/x)");
        assert!(!out.to_lowercase().contains("javascript"), "{out}");
        assert!(out.contains("href=\"/dataset/x\""), "{out}");
    }

    #[test]
    fn markdown_is_rendered() {
        let out = to_html("**Ngân sách** [link](https://example.org)");
        assert!(out.contains("<strong>Ngân sách</strong>"), "{out}");
        assert!(
            out.contains("<a href=\"https://example.org\">link</a>"),
            "{out}"
        );
    }
}
