//! Posted forms: the urlencoded fields, the CSRF check every POST passes first, and the local
//! `next` path to go to afterwards (never another site).

use std::collections::HashMap;

use axum::body::Bytes;
use dulieu_core::Error;

use crate::session::Visitor;

/// Name of the hidden CSRF field of every form.
pub const CSRF_FIELD: &str = "csrf";

/// The fields of a posted `application/x-www-form-urlencoded` body (the last value of a name).
#[derive(Debug, Default)]
pub struct Fields(HashMap<String, String>);

impl Fields {
    /// Reads a urlencoded body.
    pub fn parse(body: &Bytes) -> Self {
        Self(url::form_urlencoded::parse(body).into_owned().collect())
    }

    /// The value of `name`, or empty.
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    /// Refuses the form (403) unless it carries the CSRF token of the visitor's session or
    /// pre-session cookie.
    pub fn check_csrf(&self, visitor: &Visitor) -> Result<(), Error> {
        let ok = visitor
            .csrf_binding()
            .is_some_and(|binding| dulieu_app::csrf_matches(binding, self.get(CSRF_FIELD)));
        if ok {
            Ok(())
        } else {
            Err(Error::Forbidden { action: "csrf" })
        }
    }
}

impl FromIterator<(String, String)> for Fields {
    /// Fields from name–value pairs (the last value of a name), e.g. the text parts of a
    /// multipart form.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        Self(pairs.into_iter().collect())
    }
}

/// `next` when it is a path of this site (`/…`, not `//host` or `/\host`), else `fallback`.
pub fn local_next(next: &str, fallback: &str) -> String {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if local {
        next.to_string()
    } else {
        fallback.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_next("/search?q=x", "/"), "/search?q=x");
        assert_eq!(local_next("/en/", "/"), "/en/");
        for hostile in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/\tevil",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(local_next(hostile, "/"), "/", "{hostile:?}");
        }
    }
}
