//! Which tables exist and may be read: names, the caller's resolver, and what is read from each
//! Parquet file's footer (schema, Frictionless schema, row count), cached by file identity.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use async_trait::async_trait;
use datafusion::arrow::datatypes::{DataType, SchemaRef, TimeUnit};
use datafusion::parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use dulieu_tables::{Field, FieldType, SCHEMA_METADATA_KEY, TableSchema};
use uuid::Uuid;

use crate::error::{ErrorCode, QueryError, Result};

/// The name of a table in queries: the distribution id, and for the second and later sheets of a
/// workbook the sheet name after a slash. In SQL it is quoted: `SELECT * FROM "0190…"`,
/// `SELECT * FROM "0190…/Dân số"`. The first table of a distribution is always the bare id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableName {
    distribution: Uuid,
    sheet: Option<String>,
}

impl TableName {
    /// The first (or only) table of a distribution.
    pub fn new(distribution: Uuid) -> Self {
        Self {
            distribution,
            sheet: None,
        }
    }

    /// A later table of a distribution, by its sheet name.
    pub fn sheet(distribution: Uuid, sheet: impl Into<String>) -> Self {
        Self {
            distribution,
            sheet: Some(sheet.into()),
        }
    }

    /// The name of the table at `index` (0-based) of a distribution's ingest: the bare id for the
    /// first table, `<id>/<sheet>` for the others.
    pub fn of_ingested(distribution: Uuid, index: usize, table_name: &str) -> Self {
        if index == 0 {
            Self::new(distribution)
        } else {
            Self::sheet(distribution, table_name)
        }
    }

    /// Reads `<uuid>` or `<uuid>/<sheet>` (the id in any case, with or without hyphens).
    pub fn parse(text: &str) -> Option<Self> {
        let (id, sheet) = match text.split_once('/') {
            Some((id, sheet)) if !sheet.is_empty() => (id, Some(sheet.to_owned())),
            Some(_) => return None,
            None => (text, None),
        };
        let distribution = Uuid::try_parse(id).ok()?;
        Some(Self {
            distribution,
            sheet,
        })
    }

    /// The distribution the table belongs to.
    pub fn distribution(&self) -> Uuid {
        self.distribution
    }

    /// The sheet name, for a second or later table.
    pub fn sheet_name(&self) -> Option<&str> {
        self.sheet.as_deref()
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.distribution.hyphenated())?;
        if let Some(sheet) = &self.sheet {
            write!(f, "/{sheet}")?;
        }
        Ok(())
    }
}

/// A failure of the caller's resolver (a database that cannot be reached …).
pub type ResolveError = Box<dyn std::error::Error + Send + Sync>;

/// Says which tables the caller may read and where their Parquet files are. The caller decides
/// visibility: a table that does not exist and one the caller may not see both resolve to `None`.
#[async_trait]
pub trait TableResolver: Send + Sync {
    /// The Parquet file of `name`, when the table exists and the caller may read it.
    async fn resolve(&self, name: &TableName) -> Result<Option<PathBuf>, ResolveError>;
}

/// A fixed set of readable tables.
#[derive(Debug, Clone, Default)]
pub struct TableMap {
    tables: BTreeMap<TableName, PathBuf>,
}

impl TableMap {
    /// No tables.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a table.
    pub fn insert(&mut self, name: TableName, parquet: impl Into<PathBuf>) -> &mut Self {
        self.tables.insert(name, parquet.into());
        self
    }

    /// This map with one more table.
    pub fn with(mut self, name: TableName, parquet: impl Into<PathBuf>) -> Self {
        self.insert(name, parquet);
        self
    }
}

#[async_trait]
impl TableResolver for TableMap {
    async fn resolve(&self, name: &TableName) -> Result<Option<PathBuf>, ResolveError> {
        Ok(self.tables.get(name).cloned())
    }
}

/// What the engine knows of one table's Parquet file.
#[derive(Debug)]
pub(crate) struct TableFile {
    /// The absolute path.
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// A digest of path, size and modification time: changes when the table is ingested again.
    pub version: u64,
    /// The Arrow schema stored in the file.
    pub arrow: SchemaRef,
    /// The Frictionless schema (from the file's metadata, else derived from the Arrow types).
    pub schema: TableSchema,
    /// Rows in the file.
    pub row_count: u64,
}

impl TableFile {
    /// The Frictionless type of a column.
    pub fn field_type(&self, name: &str) -> Option<FieldType> {
        self.schema
            .fields
            .iter()
            .find(|field| field.name == name)
            .map(|field| field.field_type)
    }

    /// The field of a column, or `unknown_field` for `param`.
    pub fn field(&self, name: &str, param: &'static str) -> Result<&Field> {
        self.schema
            .fields
            .iter()
            .find(|field| field.name == name)
            .ok_or_else(|| QueryError::param(ErrorCode::UnknownField, param).with_field(name))
    }
}

/// Public description of a table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TableInfo {
    /// The table's name in queries.
    pub name: String,
    /// Rows in the table.
    pub row_count: u64,
    /// The schema of the data as exported (canonical formats).
    pub schema: TableSchema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    modified: Option<SystemTime>,
}

/// Footers read before, by path; an entry is used only while the file's size and modification
/// time are unchanged.
#[derive(Debug, Default)]
pub(crate) struct FooterCache {
    entries: Mutex<HashMap<PathBuf, (Stamp, Arc<TableFile>)>>,
}

/// Most footers kept; the cache is emptied when full (footers are small and quick to read).
const CACHE_ENTRIES: usize = 4096;

impl FooterCache {
    /// Resolves `name` through the caller's resolver and opens its file.
    pub async fn open(
        &self,
        resolver: &dyn TableResolver,
        name: &str,
        unknown: ErrorCode,
        param: &'static str,
    ) -> Result<Arc<TableFile>> {
        let unknown_table = || QueryError::param(unknown, param).with_field(name);
        let table = TableName::parse(name).ok_or_else(unknown_table)?;
        let path = resolver
            .resolve(&table)
            .await
            .map_err(QueryError::internal)?
            .ok_or_else(unknown_table)?;
        self.file(&path).await
    }

    /// The facts of the Parquet file at `path`.
    async fn file(&self, path: &Path) -> Result<Arc<TableFile>> {
        let path = path.to_owned();
        let stamp_path = path.clone();
        let stamp = tokio::task::spawn_blocking(move || stamp_of(&stamp_path))
            .await
            .map_err(QueryError::internal)??;
        if let Some((cached, file)) = self.lock().get(&path)
            && *cached == stamp
        {
            return Ok(file.clone());
        }
        let file = tokio::task::spawn_blocking({
            let path = path.clone();
            move || read_footer(&path, stamp)
        })
        .await
        .map_err(QueryError::internal)??;
        let file = Arc::new(file);
        let mut entries = self.lock();
        if entries.len() >= CACHE_ENTRIES {
            entries.clear();
        }
        entries.insert(path, (stamp, file.clone()));
        Ok(file)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, (Stamp, Arc<TableFile>)>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn unreadable(path: &Path, err: impl fmt::Display) -> QueryError {
    let file = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    QueryError::new(ErrorCode::TableUnreadable).with_detail(format!("{file}: {err}"))
}

fn stamp_of(path: &Path) -> Result<Stamp> {
    let metadata = std::fs::metadata(path).map_err(|err| unreadable(path, err))?;
    Ok(Stamp {
        size: metadata.len(),
        modified: metadata.modified().ok(),
    })
}

fn read_footer(path: &Path, stamp: Stamp) -> Result<TableFile> {
    let path = std::path::absolute(path).map_err(|err| unreadable(path, err))?;
    let file = File::open(&path).map_err(|err| unreadable(&path, err))?;
    let metadata = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
        .map_err(|err| unreadable(&path, err))?;
    let parquet = metadata.metadata().file_metadata();
    let stored = parquet.key_value_metadata().and_then(|entries| {
        entries
            .iter()
            .find(|entry| entry.key == SCHEMA_METADATA_KEY)
            .and_then(|entry| entry.value.as_deref())
            .and_then(|json| serde_json::from_str(json).ok())
            .and_then(|json| TableSchema::from_json(&json).ok())
    });
    let arrow = metadata.schema().clone();
    let schema = match stored {
        Some(schema) if schema.fields.len() == arrow.fields().len() => schema,
        _ => derived_schema(&arrow),
    };
    Ok(TableFile {
        version: version_of(&path, stamp),
        path,
        size: stamp.size,
        row_count: u64::try_from(parquet.num_rows()).unwrap_or_default(),
        arrow,
        schema,
    })
}

/// A digest of the file's identity, for cursors (FNV-1a, stable across runs).
fn version_of(path: &Path, stamp: Stamp) -> u64 {
    let modified = stamp
        .modified
        .and_then(|time| time.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos());
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let text = format!("{}\0{}\0{modified}", path.display(), stamp.size);
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A schema for a Parquet file written without one (not by the ingest).
fn derived_schema(arrow: &SchemaRef) -> TableSchema {
    TableSchema {
        fields: arrow
            .fields()
            .iter()
            .map(|field| Field::new(field.name(), field_type_of(field.data_type())))
            .collect(),
        missing_values: vec![String::new()],
    }
}

/// The Frictionless type closest to an Arrow type (`None` for types with no Frictionless
/// equivalent: lists, structs, binary …).
pub(crate) fn frictionless_type(data_type: &DataType) -> Option<FieldType> {
    Some(match data_type {
        DataType::Boolean => FieldType::Boolean,
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => FieldType::Integer,
        DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => FieldType::Number,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => FieldType::String,
        DataType::Date32 | DataType::Date64 => FieldType::Date,
        DataType::Timestamp(TimeUnit::Second | TimeUnit::Millisecond, _)
        | DataType::Timestamp(TimeUnit::Microsecond | TimeUnit::Nanosecond, _) => {
            FieldType::Datetime
        }
        _ => return None,
    })
}

fn field_type_of(data_type: &DataType) -> FieldType {
    frictionless_type(data_type).unwrap_or(FieldType::String)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_print() {
        let id = Uuid::parse_str("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").unwrap();
        assert_eq!(
            TableName::parse("0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B"),
            Some(TableName::new(id))
        );
        let sheet = TableName::parse("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/Dân số").unwrap();
        assert_eq!(sheet, TableName::sheet(id, "Dân số"));
        assert_eq!(
            sheet.to_string(),
            "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/Dân số"
        );
        assert_eq!(TableName::of_ingested(id, 0, "Sheet1"), TableName::new(id));
        assert_eq!(
            TableName::of_ingested(id, 1, "Sheet2"),
            TableName::sheet(id, "Sheet2")
        );
        assert_eq!(TableName::parse("people"), None);
        assert_eq!(
            TableName::parse("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/"),
            None
        );
    }
}
