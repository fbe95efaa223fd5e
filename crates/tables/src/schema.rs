//! The Frictionless Table Schema of a table (<https://specs.frictionlessdata.io/table-schema/>).
//!
//! The schema made by an ingest describes the *source*: formats say how the original file
//! writes values (`%d/%m/%Y`, a decimal comma, `-` for missing), so that a publisher can edit
//! it and re-ingest with [`crate::apply_schema`]. Data exported from the Parquet files is
//! written canonically; [`TableSchema::for_export`] gives the schema that describes it.

use serde::{Deserialize, Serialize};

/// A Frictionless field type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Text.
    String,
    /// A whole number (64-bit).
    Integer,
    /// A decimal number (64-bit floating point).
    Number,
    /// `true` or `false`.
    Boolean,
    /// A calendar date.
    Date,
    /// A date and time of day (UTC when the source gave an offset).
    Datetime,
    /// A GeoJSON geometry, as JSON text.
    Geojson,
}

impl FieldType {
    /// The Frictionless name (`string`, `integer`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Date => "date",
            Self::Datetime => "datetime",
            Self::Geojson => "geojson",
        }
    }
}

/// Constraints known from the data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraints {
    /// Every row has a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// No two rows share a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
}

impl Constraints {
    fn is_empty(&self) -> bool {
        self.required.is_none() && self.unique.is_none()
    }
}

/// One field (column) of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// The column name, unique in the table.
    pub name: String,
    /// The type of its values.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// How values are written in the source: `default`, or a pattern such as `%d/%m/%Y`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The decimal mark of numbers in the source, when not `.`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal_char: Option<String>,
    /// The thousands mark of numbers in the source, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_char: Option<String>,
    /// Spellings of `true` in the source (booleans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub true_values: Option<Vec<String>>,
    /// Spellings of `false` in the source (booleans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub false_values: Option<Vec<String>>,
    /// What the data is known to satisfy.
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
}

impl Field {
    /// A field with a name and type and nothing else.
    pub fn new(name: impl Into<String>, field_type: FieldType) -> Self {
        Self {
            name: name.into(),
            field_type,
            format: None,
            decimal_char: None,
            group_char: None,
            true_values: None,
            false_values: None,
            constraints: Constraints::default(),
        }
    }
}

/// The Table Schema of one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableSchema {
    /// The fields, in column order.
    pub fields: Vec<Field>,
    /// Texts that mean "no value" (always includes the empty text).
    #[serde(default = "default_missing_values")]
    pub missing_values: Vec<String>,
}

fn default_missing_values() -> Vec<String> {
    vec![String::new()]
}

impl TableSchema {
    /// The schema as Frictionless JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// Reads a schema from Frictionless JSON; unknown properties are ignored.
    pub fn from_json(json: &serde_json::Value) -> Result<Self, serde_json::Error> {
        Self::deserialize(json)
    }

    /// The schema of data written canonically from the Parquet files (CSV/JSON exports): the
    /// same names, types and constraints, default formats, and only the empty text as missing.
    pub fn for_export(&self) -> Self {
        Self {
            fields: self
                .fields
                .iter()
                .map(|field| Field {
                    constraints: field.constraints.clone(),
                    ..Field::new(field.name.clone(), field.field_type)
                })
                .collect(),
            missing_values: default_missing_values(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_to_frictionless_json() {
        let mut population = Field::new("Dân số / Nam", FieldType::Number);
        population.decimal_char = Some(",".into());
        population.group_char = Some(".".into());
        population.constraints.required = Some(true);
        let schema = TableSchema {
            fields: vec![Field::new("Tỉnh", FieldType::String), population],
            missing_values: vec![String::new(), "-".into()],
        };
        let json = schema.to_json();
        assert_eq!(
            json,
            serde_json::json!({
                "fields": [
                    {"name": "Tỉnh", "type": "string"},
                    {"name": "Dân số / Nam", "type": "number", "decimalChar": ",",
                     "groupChar": ".", "constraints": {"required": true}}
                ],
                "missingValues": ["", "-"]
            })
        );
        assert_eq!(TableSchema::from_json(&json).unwrap(), schema);
        let export = schema.for_export().to_json();
        assert_eq!(export["fields"][1]["decimalChar"], serde_json::Value::Null);
        assert_eq!(export["missingValues"], serde_json::json!([""]));
    }

    #[test]
    fn reads_an_edited_schema_with_unknown_properties() {
        let json = serde_json::json!({
            "fields": [{"name": "Năm", "type": "integer", "title": "Year"}],
            "primaryKey": ["Năm"]
        });
        let schema = TableSchema::from_json(&json).unwrap();
        assert_eq!(schema.fields[0].field_type, FieldType::Integer);
        assert_eq!(schema.missing_values, vec![String::new()]);
    }
}
