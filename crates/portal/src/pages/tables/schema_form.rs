//! The publisher's schema editor: one group of inputs per column (`name.N`, `type.N`,
//! `format.N`) and `missing_values` (comma-separated), shown filled with the table's schema and
//! read back into a Table Schema. The edited schema keeps what the form does not show
//! (decimal and group marks, true and false values, constraints); the app checks it as a whole.

use std::collections::{BTreeMap, HashSet};

use dulieu_core::{FieldErrors, Result};
use dulieu_i18n::Locale;
use serde::Serialize;
use serde_json::Value;

use super::grid::schema_fields;
use super::status::type_label;
use crate::form::Fields;

/// The types a column may be given.
pub(crate) const FIELD_TYPES: [&str; 7] = [
    "string", "integer", "number", "boolean", "date", "datetime", "geojson",
];

/// An option of a select.
#[derive(Debug, Serialize)]
pub(crate) struct Choice {
    pub(crate) value: String,
    pub(crate) label: String,
}

/// The type options in `locale`.
pub(crate) fn type_choices(locale: Locale) -> Vec<Choice> {
    FIELD_TYPES
        .iter()
        .map(|t| Choice {
            value: t.to_string(),
            label: type_label(t, locale),
        })
        .collect()
}

/// One column's inputs.
#[derive(Debug, Serialize)]
pub(crate) struct FieldInputs {
    /// 0-based position.
    index: usize,
    /// 1-based number, as people count.
    number: usize,
    name: String,
    field_type: String,
    format: String,
}

/// The schema editor as shown: the inputs and the errors next to them.
#[derive(Debug, Serialize)]
pub(crate) struct SchemaForm {
    pub(crate) fields: Vec<FieldInputs>,
    pub(crate) missing_values: String,
    pub(crate) types: Vec<Choice>,
    /// Errors by input name (`name.0`, `type.2`, `schema`).
    pub(crate) errors: BTreeMap<String, Vec<String>>,
}

impl SchemaForm {
    /// The form filled with a stored Table Schema.
    pub(crate) fn of_schema(schema: &Value, locale: Locale) -> Self {
        let fields = schema_fields(schema)
            .into_iter()
            .enumerate()
            .map(|(index, f)| FieldInputs {
                index,
                number: index + 1,
                name: f.name,
                field_type: f.field_type,
                format: f.format.unwrap_or_default(),
            })
            .collect();
        let missing = schema
            .get("missingValues")
            .and_then(Value::as_array)
            .map(|values| {
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        Self {
            fields,
            missing_values: missing,
            types: type_choices(locale),
            errors: BTreeMap::new(),
        }
    }

    /// The form as posted (to show it again with `errors`).
    pub(crate) fn as_posted(
        schema: &Value,
        posted: &Fields,
        errors: BTreeMap<String, Vec<String>>,
        locale: Locale,
    ) -> Self {
        let mut form = Self::of_schema(schema, locale);
        for field in &mut form.fields {
            let i = field.index;
            field.name = posted.get(&format!("name.{i}")).to_string();
            field.field_type = posted.get(&format!("type.{i}")).to_string();
            field.format = posted.get(&format!("format.{i}")).to_string();
        }
        form.missing_values = posted.get("missing_values").to_string();
        form.errors = errors;
        form
    }
}

/// The edited Table Schema: `schema` with each field's name, type and format from the form,
/// and its missing values. 422 with the inputs at fault for an empty or repeated name or an
/// unknown type.
pub(crate) fn edited_schema(schema: &Value, posted: &Fields) -> Result<Value> {
    let mut edited = schema.clone();
    let mut errors = FieldErrors::new();
    let mut seen = HashSet::new();
    if let Some(fields) = edited.get_mut("fields").and_then(Value::as_array_mut) {
        for (i, field) in fields.iter_mut().enumerate() {
            let Some(field) = field.as_object_mut() else {
                continue;
            };
            let name = posted.get(&format!("name.{i}")).trim().to_string();
            let field_type = posted.get(&format!("type.{i}")).trim().to_string();
            let format = posted.get(&format!("format.{i}")).trim().to_string();
            if name.is_empty() {
                errors.add(format!("name.{i}"), "required");
            } else if !seen.insert(name.clone()) {
                errors.add(format!("name.{i}"), "duplicate_column");
            }
            if !FIELD_TYPES.contains(&field_type.as_str()) {
                errors.add_with(
                    format!("type.{i}"),
                    "invalid_value",
                    "detail",
                    FIELD_TYPES.join(", "),
                );
            }
            if field.get("type").and_then(Value::as_str) != Some(field_type.as_str()) {
                // Marks and constraints read for the old type do not apply to the new one.
                for key in [
                    "decimalChar",
                    "groupChar",
                    "trueValues",
                    "falseValues",
                    "constraints",
                ] {
                    field.remove(key);
                }
            }
            field.insert("name".into(), Value::String(name));
            field.insert("type".into(), Value::String(field_type));
            if format.is_empty() {
                field.remove("format");
            } else {
                field.insert("format".into(), Value::String(format));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let missing: Vec<Value> = posted
        .get("missing_values")
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| Value::String(v.to_string()))
        .collect();
    if let Some(object) = edited.as_object_mut() {
        object.insert("missingValues".into(), Value::Array(missing));
    }
    Ok(edited)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dulieu_core::Error;
    use serde_json::json;

    fn posted(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_form_changes_names_types_and_formats_and_keeps_the_rest() {
        let schema = json!({"fields": [
            {"name": "nam", "type": "integer", "constraints": {"required": true}},
            {"name": "gia_tri", "type": "number", "decimalChar": ",", "groupChar": "."}
        ], "missingValues": ["", "-"]});
        let form = posted(&[
            ("name.0", "nam"),
            ("type.0", "string"),
            ("format.0", ""),
            ("name.1", "gia tri"),
            ("type.1", "number"),
            ("format.1", ""),
            ("missing_values", "-, …, n/a"),
        ]);
        let edited = edited_schema(&schema, &form).unwrap();
        assert_eq!(
            edited["fields"][0],
            json!({"name": "nam", "type": "string"})
        );
        assert_eq!(edited["fields"][1]["name"], "gia tri");
        assert_eq!(edited["fields"][1]["decimalChar"], ",");
        assert_eq!(edited["missingValues"], json!(["-", "…", "n/a"]));
        let shown = SchemaForm::of_schema(&edited, Locale::En);
        assert_eq!(shown.missing_values, "-, …, n/a");
        assert_eq!(shown.fields[1].name, "gia tri");
    }

    #[test]
    fn empty_repeated_names_and_unknown_types_are_refused_at_their_input() {
        let schema =
            json!({"fields": [{"name": "a", "type": "string"}, {"name": "b", "type": "string"}]});
        let form = posted(&[
            ("name.0", "a"),
            ("type.0", "text"),
            ("name.1", "a"),
            ("type.1", "string"),
        ]);
        let Err(Error::Invalid(errors)) = edited_schema(&schema, &form) else {
            panic!("refused");
        };
        let fields: Vec<&String> = errors.0.keys().collect();
        assert_eq!(fields, ["name.1", "type.0"]);
        let form = posted(&[
            ("name.0", " "),
            ("type.0", "string"),
            ("name.1", "b"),
            ("type.1", "string"),
        ]);
        assert!(edited_schema(&schema, &form).is_err());
    }
}
