//! Frictionless data packages (Data Package v1, <https://specs.frictionlessdata.io/>): a zip
//! holding `datapackage.json` first, then `data/<resource>.csv` per table. The package is a
//! `tabular-data-package`; each resource a `tabular-data-resource` with `path`, `format` `csv`,
//! `mediatype` `text/csv`, `encoding` `utf-8` and the table's export schema
//! ([`dulieu_tables::TableSchema::for_export`]). The CSV files use the default CSV dialect
//! (comma, `"` quotes doubled, a header row, CRLF line ends), so no `dialect` is declared.
//! Names follow `^[a-z0-9._-]+$` ([`resource_name`] makes one from any text).

use std::io::Write;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::time::Instant;
use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, ZipWriter};

use crate::Engine;
use crate::error::{ErrorCode, Origin, QueryError, Result};
use crate::export::{
    ByteStream, ChunkWriter, Encoder, EncoderFactory, StreamLimits, csv_builder, physical_part,
    stream,
};
use crate::fold::fold;
use crate::rows::{RowsRequest, Selection};
use crate::tables::TableResolver;

/// A license of a package: an Open Definition id (`CC-BY-4.0`), a URL, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageLicense {
    /// The license id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A URL of its text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A human title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// One table of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageResource {
    /// The table (as named in queries).
    pub table: String,
    /// A name for the resource (made a valid resource name by [`resource_name`]; made unique
    /// by a `-2`, `-3` … suffix).
    pub name: String,
    /// A human title.
    pub title: Option<String>,
    /// A description.
    pub description: Option<String>,
}

/// What a data package holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataPackage {
    /// The package's name (made valid by [`resource_name`]), e.g. the dataset's slug.
    pub name: String,
    /// A human title.
    pub title: Option<String>,
    /// A description.
    pub description: Option<String>,
    /// A web page about the data (the dataset's page).
    pub homepage: Option<String>,
    /// The licenses.
    pub licenses: Vec<PackageLicense>,
    /// The tables; at least one.
    pub resources: Vec<PackageResource>,
}

/// A valid Data Package name from any text: folded (no case, no diacritics), runs of other
/// characters than `a-z`, `0-9`, `.`, `_`, `-` made one `-`, trimmed; `data` when nothing is
/// left.
pub fn resource_name(text: &str) -> String {
    let mut name = String::new();
    for c in fold(text).chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-') {
            name.push(c);
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_matches('-');
    if name.is_empty() || name.chars().all(|c| c == '.') {
        "data".to_owned()
    } else {
        name.to_owned()
    }
}

/// Unique resource names, in order.
fn unique_names(resources: &[PackageResource]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for resource in resources {
        let base = resource_name(&resource.name);
        let mut name = base.clone();
        let mut n = 1;
        while names.contains(&name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        names.push(name);
    }
    names
}

impl Engine {
    /// Streams a zip with `datapackage.json` and the CSV data of `package`'s tables (every
    /// row, in table order), within the engine's `export` limits.
    pub async fn data_package(
        &self,
        tables: &dyn TableResolver,
        package: &DataPackage,
    ) -> Result<ByteStream> {
        if package.resources.is_empty() {
            return Err(QueryError::param(ErrorCode::InvalidPackage, "resources")
                .with_detail("no resources"));
        }
        let limits = self.inner.config.export;
        let deadline = Instant::now() + limits.time_limit;
        let names = unique_names(&package.resources);
        let mut resources = Vec::new();
        let mut parts = Vec::new();
        for (resource, name) in package.resources.iter().zip(&names) {
            let file = self
                .inner
                .footers
                .open(
                    tables,
                    &resource.table,
                    ErrorCode::UnknownTable,
                    "resources",
                )
                .await?;
            let mut descriptor = json!({
                "name": name,
                "path": format!("data/{name}.csv"),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
            });
            insert_text(&mut descriptor, "title", resource.title.as_deref());
            insert_text(
                &mut descriptor,
                "description",
                resource.description.as_deref(),
            );
            descriptor["schema"] = file.schema.for_export().to_json();
            resources.push(descriptor);
            let selection = Selection::new(file, &RowsRequest::default())?;
            let frame = selection.frame(self, limits.memory_limit, 0, None)?;
            parts.push(physical_part(frame, deadline, Origin::Api).await?);
        }
        let mut descriptor = json!({
            "profile": "tabular-data-package",
            "name": resource_name(&package.name),
            "created": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        });
        insert_text(&mut descriptor, "title", package.title.as_deref());
        insert_text(
            &mut descriptor,
            "description",
            package.description.as_deref(),
        );
        insert_text(&mut descriptor, "homepage", package.homepage.as_deref());
        let licenses: Vec<&PackageLicense> = package
            .licenses
            .iter()
            .filter(|license| license.name.is_some() || license.path.is_some())
            .collect();
        if !licenses.is_empty() {
            descriptor["licenses"] = json!(licenses);
        }
        descriptor["resources"] = Value::Array(resources);
        let descriptor = serde_json::to_vec_pretty(&descriptor).map_err(QueryError::internal)?;
        let paths: Vec<String> = names
            .iter()
            .map(|name| format!("data/{name}.csv"))
            .collect();
        let encoder: EncoderFactory = Box::new(move |out: ChunkWriter| {
            Ok(Box::new(PackageEncoder::new(out, &descriptor, paths)?) as Box<dyn Encoder>)
        });
        stream(
            parts,
            encoder,
            StreamLimits {
                deadline,
                origin: Origin::Api,
                max_rows: limits.max_rows,
            },
        )
        .await
    }
}

fn insert_text(object: &mut Value, key: &str, text: Option<&str>) {
    if let Some(text) = text.filter(|text| !text.trim().is_empty()) {
        object[key] = Value::String(text.to_owned());
    }
}

/// Writes the package zip: the descriptor, then one CSV entry per part.
struct PackageEncoder {
    zip: ZipWriter<StreamWriter<ChunkWriter>>,
    paths: Vec<String>,
    buffer: Vec<u8>,
}

fn zip_error(err: impl std::fmt::Display) -> QueryError {
    QueryError::internal(err)
}

impl PackageEncoder {
    fn new(out: ChunkWriter, descriptor: &[u8], paths: Vec<String>) -> Result<Self> {
        let mut zip = ZipWriter::new_stream(out);
        zip.start_file("datapackage.json", entry_options())
            .map_err(zip_error)?;
        zip.write_all(descriptor).map_err(zip_error)?;
        Ok(Self {
            zip,
            paths,
            buffer: Vec::new(),
        })
    }

    fn write_csv(&mut self, batch: &RecordBatch, header: bool) -> Result<()> {
        self.buffer.clear();
        csv_builder()
            .with_header(header)
            .build(&mut self.buffer)
            .write(batch)
            .map_err(QueryError::internal)?;
        self.zip.write_all(&self.buffer).map_err(zip_error)
    }
}

fn entry_options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(true)
}

impl Encoder for PackageEncoder {
    fn begin(&mut self, index: usize, schema: &SchemaRef) -> Result<()> {
        let path = self
            .paths
            .get(index)
            .ok_or_else(|| QueryError::internal("package part without a path"))?;
        self.zip
            .start_file(path.as_str(), entry_options())
            .map_err(zip_error)?;
        self.write_csv(&RecordBatch::new_empty(schema.clone()), true)
    }

    fn batch(&mut self, batch: &RecordBatch) -> Result<()> {
        self.write_csv(batch, false)
    }

    fn end(&mut self) -> Result<()> {
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let mut out = self.zip.finish().map_err(zip_error)?.into_inner();
        out.close().map_err(QueryError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_and_unique() {
        assert_eq!(resource_name("Dân số / Nam 2024"), "dan-so-nam-2024");
        assert_eq!(resource_name("GDP_2020.v2"), "gdp_2020.v2");
        assert_eq!(resource_name("—"), "data");
        let resource = |name: &str| PackageResource {
            table: String::new(),
            name: name.to_owned(),
            title: None,
            description: None,
        };
        assert_eq!(
            unique_names(&[resource("Hà Nội"), resource("ha noi"), resource("HA NOI")]),
            ["ha-noi", "ha-noi-2", "ha-noi-3"]
        );
    }
}
