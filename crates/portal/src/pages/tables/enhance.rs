//! What the table page's script (`assets/tables.js`) needs: the chart builder's choices (chart
//! types, the columns to group by, the figures: the row count, or the sum or mean of a numeric
//! column) and, when the table has a position, the columns the map reads (latitude and
//! longitude, or a GeoJSON column). Both read the API with the page's current selection.

use dulieu_core::tables::IngestedTable;
use dulieu_i18n::{Locale, message};
use dulieu_query::fold;
use serde::Serialize;
use uuid::Uuid;

use super::grid::{SchemaField, schema_fields};
use super::schema_form::Choice;

/// Chart types the builder offers.
const CHART_TYPES: [&str; 3] = ["bar", "line", "pie"];

/// Names (folded: no case, no diacritics, letters and digits only) of latitude columns.
const LATITUDE_NAMES: [&str; 3] = ["lat", "latitude", "vido"];
/// Names (folded likewise) of longitude columns.
const LONGITUDE_NAMES: [&str; 5] = ["lon", "lng", "long", "longitude", "kinhdo"];

/// The chart builder's form.
#[derive(Debug, Serialize)]
pub(crate) struct ChartForm {
    /// The aggregate API of the table.
    api: String,
    /// The page's selection (`sheet`, `filters`, `q`) as a query string.
    selection: String,
    types: Vec<Choice>,
    categories: Vec<Choice>,
    metrics: Vec<Choice>,
}

fn is_numeric(field: &SchemaField) -> bool {
    matches!(field.field_type.as_str(), "integer" | "number")
}

impl ChartForm {
    /// The builder of `table` of distribution `id`, over the rows `selection` keeps.
    pub(crate) fn new(id: Uuid, selection: &str, table: &IngestedTable, locale: Locale) -> Self {
        let fields = schema_fields(&table.schema);
        let mut metrics = vec![Choice {
            value: "count".into(),
            label: message(locale, "portal.tables.metric.count", &[]),
        }];
        for field in fields.iter().filter(|f| is_numeric(f)) {
            for function in ["sum", "avg"] {
                metrics.push(Choice {
                    value: format!("{function}:{}", field.name),
                    label: message(
                        locale,
                        &format!("portal.tables.metric.{function}"),
                        &[("column", &field.name)],
                    ),
                });
            }
        }
        Self {
            api: format!("/api/1/tables/{id}/aggregate"),
            selection: selection.to_string(),
            types: CHART_TYPES
                .iter()
                .map(|t| Choice {
                    value: t.to_string(),
                    label: message(locale, &format!("portal.tables.chart.{t}"), &[]),
                })
                .collect(),
            categories: fields
                .iter()
                .filter(|f| f.field_type != "geojson")
                .map(|f| Choice {
                    value: f.name.clone(),
                    label: f.name.clone(),
                })
                .collect(),
            metrics,
        }
    }
}

/// The columns the map reads.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub(crate) struct MapConfig {
    /// The rows API of the table.
    api: String,
    /// The page's selection as a query string.
    selection: String,
    /// Latitude and longitude columns (numbers).
    latitude: Option<String>,
    longitude: Option<String>,
    /// A GeoJSON column.
    geometry: Option<String>,
    /// The column naming each row (the first text column).
    label: Option<String>,
    /// The position columns, for the words above the map.
    columns: String,
}

/// `name` folded to letters and digits, without case or diacritics (`Vĩ độ` → `vido`).
fn folded(name: &str) -> String {
    fold(name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

impl MapConfig {
    /// The map of `table`, when it has numeric latitude and longitude columns or a GeoJSON
    /// column; `None` otherwise.
    pub(crate) fn detect(id: Uuid, selection: &str, table: &IngestedTable) -> Option<Self> {
        let fields = schema_fields(&table.schema);
        let find = |names: &[&str]| {
            fields
                .iter()
                .find(|f| is_numeric(f) && names.contains(&folded(&f.name).as_str()))
                .map(|f| f.name.clone())
        };
        // Latitude and longitude when both are there, else a GeoJSON column.
        let (latitude, longitude, geometry, columns) =
            match (find(&LATITUDE_NAMES), find(&LONGITUDE_NAMES)) {
                (Some(lat), Some(lon)) => {
                    let columns = format!("{lat}, {lon}");
                    (Some(lat), Some(lon), None, columns)
                }
                _ => {
                    let geometry = fields
                        .iter()
                        .find(|f| f.field_type == "geojson")
                        .map(|f| f.name.clone())?;
                    (None, None, Some(geometry.clone()), geometry)
                }
            };
        Some(Self {
            api: format!("/api/1/tables/{id}/rows"),
            selection: selection.to_string(),
            label: fields
                .iter()
                .find(|f| f.field_type == "string")
                .map(|f| f.name.clone()),
            latitude,
            longitude,
            geometry,
            columns,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table(fields: serde_json::Value) -> IngestedTable {
        IngestedTable {
            table: "t".into(),
            name: "data".into(),
            title: None,
            notes: vec![],
            row_count: 1,
            schema: json!({ "fields": fields }),
            profile: json!({}),
            warnings: json!({}),
        }
    }

    #[test]
    fn positions_are_found_by_name_in_either_language() {
        let id = Uuid::nil();
        let vi = table(json!([
            {"name": "Tỉnh", "type": "string"},
            {"name": "Vĩ độ", "type": "number"},
            {"name": "Kinh độ", "type": "number"}
        ]));
        let map = MapConfig::detect(id, "", &vi).unwrap();
        assert_eq!(map.latitude.as_deref(), Some("Vĩ độ"));
        assert_eq!(map.longitude.as_deref(), Some("Kinh độ"));
        assert_eq!(map.label.as_deref(), Some("Tỉnh"));
        let en =
            table(json!([{"name": "LAT", "type": "number"}, {"name": "lng", "type": "integer"}]));
        assert!(MapConfig::detect(id, "", &en).is_some());
        let text =
            table(json!([{"name": "lat", "type": "string"}, {"name": "lon", "type": "string"}]));
        assert_eq!(
            MapConfig::detect(id, "", &text),
            None,
            "positions are numbers"
        );
        let geo = table(
            json!([{"name": "ten", "type": "string"}, {"name": "geometry", "type": "geojson"}]),
        );
        let map = MapConfig::detect(id, "", &geo).unwrap();
        assert_eq!(map.geometry.as_deref(), Some("geometry"));
        let none = table(json!([{"name": "nam", "type": "integer"}]));
        assert_eq!(MapConfig::detect(id, "", &none), None);
    }

    #[test]
    fn figures_are_counts_or_sums_and_means_of_numbers() {
        let t = table(json!([
            {"name": "tinh", "type": "string"},
            {"name": "dan_so", "type": "integer"},
            {"name": "geometry", "type": "geojson"}
        ]));
        let form = ChartForm::new(Uuid::nil(), "q=x", &t, Locale::En);
        let metrics: Vec<&str> = form.metrics.iter().map(|m| m.value.as_str()).collect();
        assert_eq!(metrics, ["count", "sum:dan_so", "avg:dan_so"]);
        let categories: Vec<&str> = form.categories.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(categories, ["tinh", "dan_so"]);
        assert_eq!(form.types.len(), 3);
    }
}
