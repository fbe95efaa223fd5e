//! The parameters of an action, read leniently as CKAN's validators do: numbers and booleans
//! also as strings, lists as JSON arrays, JSON text, repeated query keys or comma lists.

use serde_json::{Map, Value};

use super::{Failure, invalid};

/// The parameters of one call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params {
    /// Name → value (a repeated query key becomes a list).
    pub values: Map<String, Value>,
}

impl Params {
    /// From a JSON object.
    pub fn from_map(values: Map<String, Value>) -> Self {
        Self { values }
    }

    /// From a query string (`a=1&a=2` → `{"a": ["1", "2"]}`).
    pub fn from_query(query: &str) -> Self {
        let mut values = Map::new();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let value = Value::String(value.into_owned());
            match values.get_mut(key.as_ref()) {
                Some(Value::Array(list)) => list.push(value),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, value]);
                }
                None => {
                    values.insert(key.into_owned(), value);
                }
            }
        }
        Self { values }
    }

    /// Adds or replaces one parameter.
    pub fn insert(&mut self, key: String, value: Value) {
        self.values.insert(key, value);
    }

    /// Adds the parameters of `other` (they win).
    pub fn extend(&mut self, other: Params) {
        self.values.extend(other.values);
    }

    /// The parameters as a JSON object (for the mappings of `dulieu-ckan`).
    pub fn object(&self) -> Value {
        Value::Object(self.values.clone())
    }

    /// A text parameter (numbers as their text); blank is absent.
    pub fn text(&self, key: &str) -> Result<Option<String>, Failure> {
        match self.values.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(_) => Err(invalid(key, "invalid_type")),
        }
    }

    /// A text parameter that must be there.
    pub fn required(&self, key: &str) -> Result<String, Failure> {
        self.text(key)?.ok_or_else(|| invalid(key, "required"))
    }

    /// The first of several keys that is there (`id`, `name_or_id`).
    pub fn required_any(&self, keys: &[&str]) -> Result<String, Failure> {
        for key in keys {
            if let Some(value) = self.text(key)? {
                return Ok(value);
            }
        }
        Err(invalid(keys[0], "required"))
    }

    /// A natural number, `default` when absent.
    pub fn number(&self, key: &str, default: u64) -> Result<u64, Failure> {
        match self.text(key)? {
            None => Ok(default),
            Some(text) => text.parse().map_err(|_| invalid(key, "invalid_value")),
        }
    }

    /// A natural number of at most `max` (`default` when absent); a larger one is a validation
    /// error rather than a value the database cannot take (offsets are signed 64-bit there).
    pub fn number_at_most(&self, key: &str, default: u64, max: u64) -> Result<u64, Failure> {
        match self.number(key, default)? {
            n if n > max => Err(invalid(key, "invalid_value")),
            n => Ok(n),
        }
    }

    /// A whole number that may be negative.
    pub fn integer(&self, key: &str, default: i64) -> Result<i64, Failure> {
        match self.text(key)? {
            None => Ok(default),
            Some(text) => text.parse().map_err(|_| invalid(key, "invalid_value")),
        }
    }

    /// A boolean (`true`/`false`, `True`/`False`, `1`/`0`, `yes`/`no`).
    pub fn flag(&self, key: &str, default: bool) -> Result<bool, Failure> {
        match self.text(key)? {
            None => Ok(default),
            Some(text) => match text.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" => Ok(false),
                _ => Err(invalid(key, "invalid_value")),
            },
        }
    }

    /// A list of texts: a JSON array, JSON text of an array, repeated keys, or one value
    /// (split at commas when `commas`).
    pub fn list(&self, key: &str, commas: bool) -> Result<Vec<String>, Failure> {
        let item = |v: &Value| match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            _ => Err(invalid(key, "invalid_type")),
        };
        match self.values.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items.iter().map(item).collect(),
            Some(Value::String(s)) => {
                let s = s.trim();
                if s.starts_with('[') {
                    let parsed: Vec<Value> =
                        serde_json::from_str(s).map_err(|_| invalid(key, "invalid_value"))?;
                    return parsed.iter().map(item).collect();
                }
                if s.is_empty() {
                    return Ok(Vec::new());
                }
                Ok(if commas {
                    s.split(',')
                        .map(|p| p.trim().to_string())
                        .filter(|p| !p.is_empty())
                        .collect()
                } else {
                    vec![s.to_string()]
                })
            }
            Some(_) => Err(invalid(key, "invalid_type")),
        }
    }

    /// A JSON object parameter (or JSON text of one).
    pub fn json_object(&self, key: &str) -> Result<Option<Map<String, Value>>, Failure> {
        match self.values.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map.clone())),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => match serde_json::from_str(s) {
                Ok(Value::Object(map)) => Ok(Some(map)),
                _ => Err(invalid(key, "invalid_value")),
            },
            Some(_) => Err(invalid(key, "invalid_type")),
        }
    }
}
