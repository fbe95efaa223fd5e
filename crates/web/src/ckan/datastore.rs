//! `datastore_search` and `datastore_search_sql` over dulieu's tables (the Parquet tables of a
//! distribution, queried with `dulieu-query`): `resource_id` is the distribution id, `_id` the
//! row's position from 1.

use dulieu_app::TableRef;
use dulieu_core::Error;
use dulieu_query::{Filter, FilterOp, ResultColumn, RowsRequest, SortKey};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::{Call, Failure, invalid};

/// Rows of one call at most (CKAN's `ckan.datastore.search.rows_max`).
const ROWS_MAX: u64 = 32_000;

/// A Frictionless type as the PostgreSQL type name CKAN's DataStore reports.
fn ckan_type(frictionless: &str) -> &'static str {
    match frictionless {
        "integer" => "int",
        "number" => "numeric",
        "boolean" => "bool",
        "date" => "date",
        "datetime" => "timestamp",
        "time" => "time",
        _ => "text",
    }
}

fn fields_of(columns: &[ResultColumn], with_id: bool) -> Value {
    let mut fields = Vec::new();
    if with_id {
        fields.push(json!({"id": "_id", "type": "int"}));
    }
    fields.extend(
        columns
            .iter()
            .map(|c| json!({"id": c.name, "type": ckan_type(&c.field_type)})),
    );
    Value::Array(fields)
}

pub(super) async fn datastore_search(call: Call) -> Result<Value, Failure> {
    let params = &call.params;
    let key = params.required_any(&["resource_id", "id"])?;
    let id = Uuid::parse_str(&key).map_err(|_| Error::not_found("table", &key))?;
    let limit = params.number("limit", 100)?;
    if limit > ROWS_MAX {
        return Err(invalid("limit", "invalid_value"));
    }
    let offset = params.number_at_most("offset", 0, i64::MAX as u64)?;
    if params.flag("distinct", false)? {
        return Err(invalid("distinct", "invalid_value"));
    }
    let q = match params.values.get("q") {
        Some(Value::Object(_)) => return Err(invalid("q", "invalid_type")),
        _ => params.text("q")?,
    };
    let mut filters = Vec::new();
    for (field, value) in params.json_object("filters")?.unwrap_or_default() {
        let text = |v: &Value| match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(_) | Value::Bool(_) => Ok(v.to_string()),
            _ => Err(invalid("filters", "invalid_value")),
        };
        filters.push(match &value {
            Value::Array(values) => Filter::one_of(
                field,
                values.iter().map(text).collect::<Result<Vec<_>, _>>()?,
            ),
            single => Filter::new(field, FilterOp::Eq, text(single)?),
        });
    }
    let sort = match params.text("sort")? {
        None => Vec::new(),
        Some(text) => text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|clause| {
                let mut parts = clause.split_whitespace();
                let field = parts
                    .next()
                    .unwrap_or_default()
                    .trim_matches('"')
                    .to_string();
                let descending = parts.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
                SortKey { field, descending }
            })
            .collect(),
    };
    let mut fields = params.list("fields", true)?;
    fields.retain(|f| f != "_id");
    let request = RowsRequest {
        filters,
        q: q.clone(),
        sort,
        fields,
        limit: Some(limit as usize),
        offset: Some(offset),
        cursor: None,
    };
    let table = TableRef {
        distribution: id,
        sheet: None,
    };
    let page = call.app.table_rows(&call.actor, &table, &request).await?;
    let format = params
        .text("records_format")?
        .unwrap_or_else(|| "objects".into());
    let columns = &page.result.columns;
    let records = match format.as_str() {
        "objects" => Value::Array(
            page.result
                .rows
                .iter()
                .zip(&page.row_ids)
                .map(|(row, row_id)| {
                    let mut record = Map::new();
                    record.insert("_id".into(), json!(row_id + 1));
                    for (column, value) in columns.iter().zip(row) {
                        record.insert(column.name.clone(), value.clone());
                    }
                    Value::Object(record)
                })
                .collect(),
        ),
        "lists" => Value::Array(
            page.result
                .rows
                .iter()
                .zip(&page.row_ids)
                .map(|(row, row_id)| {
                    let mut list = vec![json!(row_id + 1)];
                    list.extend(row.iter().cloned());
                    Value::Array(list)
                })
                .collect(),
        ),
        "csv" | "tsv" => {
            let separator = if format == "csv" { ',' } else { '\t' };
            let cell = |v: &Value| {
                let text = match v {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if text.contains([separator, '"', '\n', '\r']) {
                    format!("\"{}\"", text.replace('"', "\"\""))
                } else {
                    text
                }
            };
            let mut out = String::new();
            for (row, row_id) in page.result.rows.iter().zip(&page.row_ids) {
                let mut cells = vec![(row_id + 1).to_string()];
                cells.extend(row.iter().map(cell));
                out.push_str(&cells.join(&separator.to_string()));
                out.push('\n');
            }
            Value::String(out)
        }
        _ => return Err(invalid("records_format", "invalid_value")),
    };
    let base = format!("/api/3/action/datastore_search?resource_id={id}&limit={limit}");
    let mut links = Map::new();
    links.insert("start".into(), json!(base));
    links.insert(
        "next".into(),
        json!(format!("{base}&offset={}", offset.saturating_add(limit))),
    );
    if offset >= limit && offset > 0 {
        links.insert(
            "prev".into(),
            json!(format!("{base}&offset={}", offset - limit)),
        );
    }
    let mut result = Map::new();
    result.insert("resource_id".into(), json!(id));
    result.insert("fields".into(), fields_of(columns, true));
    result.insert("records".into(), records);
    result.insert("records_format".into(), json!(format));
    result.insert("limit".into(), json!(limit));
    result.insert("offset".into(), json!(offset));
    if params.flag("include_total", true)? {
        result.insert("total".into(), json!(page.total));
        result.insert("total_was_estimated".into(), json!(false));
    }
    if let Some(q) = q {
        result.insert("q".into(), json!(q));
    }
    if let Some(filters) = params.json_object("filters")? {
        result.insert("filters".into(), Value::Object(filters));
    }
    if let Some(sort) = params.text("sort")? {
        result.insert("sort".into(), json!(sort));
    }
    result.insert(
        "include_total".into(),
        json!(params.flag("include_total", true)?),
    );
    result.insert("_links".into(), Value::Object(links));
    Ok(Value::Object(result))
}

pub(super) async fn datastore_search_sql(call: Call) -> Result<Value, Failure> {
    let sql = call.params.required("sql")?;
    let result = call.app.run_sql(&call.actor, &sql).await?;
    Ok(json!({
        "sql": sql,
        "fields": fields_of(&result.columns, false),
        "records": result.records(),
    }))
}
