//! Typed decoding of JSON input, turning serde's complaints into per-field errors.

use serde::de::DeserializeOwned;

use crate::{Error, FieldErrors};

/// Decodes `value` into `T`; a mismatch becomes [`Error::Invalid`] naming the field path.
pub fn from_json<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let message = err.inner().to_string();
        let mut errors = FieldErrors::new();
        let parent = if path == "." {
            String::new()
        } else {
            path.clone()
        };
        let join = |name: &str| {
            if parent.is_empty() {
                name.to_string()
            } else {
                format!("{parent}.{name}")
            }
        };
        if let Some(rest) = message.strip_prefix("unknown field `") {
            // serde_path_to_error already ends the path with the unknown key
            let name = rest.split('`').next().unwrap_or("");
            let field = if path.ends_with(name) {
                path.clone()
            } else {
                join(name)
            };
            errors.add(field, "unknown_field");
        } else if let Some(rest) = message.strip_prefix("missing field `") {
            let name = rest.split('`').next().unwrap_or("");
            errors.add(join(name), "required");
        } else if message.starts_with("unknown variant") {
            errors.add_with(field_or_body(&path), "invalid_value", "detail", message);
        } else {
            errors.add_with(field_or_body(&path), "invalid_type", "detail", message);
        }
        Error::Invalid(errors)
    })
}

fn field_or_body(path: &str) -> String {
    if path == "." {
        "body".into()
    } else {
        path.into()
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        inner: Inner,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    fn fields(value: serde_json::Value) -> Vec<(String, &'static str)> {
        match from_json::<Outer>(value).unwrap_err() {
            Error::Invalid(errors) => errors.0.into_iter().map(|(k, v)| (k, v[0].code)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_the_field() {
        assert_eq!(
            fields(json!({"inner": {"count": 1}})),
            vec![("name".into(), "required")]
        );
        assert_eq!(
            fields(json!({"name": "a", "inner": {"count": "x"}})),
            vec![("inner.count".into(), "invalid_type")]
        );
        assert_eq!(
            fields(json!({"name": "a", "inner": {"count": 1, "extra": 2}})),
            vec![("inner.extra".into(), "unknown_field")]
        );
        assert_eq!(fields(json!("text")), vec![("body".into(), "invalid_type")]);
    }
}
