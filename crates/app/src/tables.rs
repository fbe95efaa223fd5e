//! Reads over the tables of tabular distributions (rows, aggregates, the SQL sandbox, exports,
//! data packages) and the publisher's changes to them (an edited Table Schema, a new ingest).
//! A table is readable exactly when its distribution's dataset is visible to the caller.

use std::path::PathBuf;

use async_trait::async_trait;
use chrono::Utc;
use dulieu_config::Config;
use dulieu_core::account::Actor;
use dulieu_core::catalog::Dataset;
use dulieu_core::tables::{IngestStatus, TableIngest};
use dulieu_core::{Error, Result};
use dulieu_query::{
    AggregateRequest, AggregateResult, ByteStream, DataPackage, Engine, EngineConfig, Export,
    ExportFormat, ExportQuery, PackageLicense, PackageResource, QueryError, QueryLimits,
    ResolveError, ResultSet, RowsPage, RowsRequest, TableName, TableResolver,
};
use dulieu_store::{datasets, distributions, tables};
use dulieu_tables::TableSchema;
use uuid::Uuid;

use crate::ingest::{ingest_dir, table_file};
use crate::{App, Subject, snapshot};

/// The query engine and where its Parquet files are.
pub(crate) struct TableState {
    engine: Engine,
}

impl TableState {
    /// The engine configured by the `[tables]` settings.
    pub(crate) fn new(config: &Config) -> Result<Self> {
        let settings = &config.tables;
        let mut engine = EngineConfig::default();
        engine.api = QueryLimits {
            time_limit: std::time::Duration::from_secs(settings.query_time_limit_seconds.max(1)),
            memory_limit: settings.query_memory_mb.max(16) << 20,
            ..engine.api
        };
        engine.sql = QueryLimits {
            time_limit: std::time::Duration::from_secs(settings.sql_time_limit_seconds.max(1)),
            memory_limit: settings.sql_memory_mb.max(16) << 20,
            max_rows: Some(settings.sql_max_rows.max(1)),
        };
        engine.hot_column_bytes = settings.hot_column_mb << 20;
        if !settings.cursor_secret.is_empty() {
            use sha2::Digest;
            engine.cursor_secret = sha2::Sha256::digest(settings.cursor_secret.as_bytes()).into();
        }
        Ok(Self {
            engine: Engine::new(engine).map_err(query_error)?,
        })
    }
}

/// A query failure as a dulieu error: the caller's mistakes are 400 with the engine's stable
/// code and what and where in the detail; an unknown table is 404; the rest is internal.
pub fn query_error(err: QueryError) -> Error {
    use dulieu_query::ErrorCode;
    match err.code {
        ErrorCode::UnknownTable => Error::not_found("table", err.value.clone().unwrap_or_default()),
        code if code.is_client_error() => Error::BadRequest {
            code: code.as_str(),
            detail: query_error_detail(&err),
        },
        _ => Error::Internal(err.to_string()),
    }
}

/// Where a query went wrong, in a few words: the parameter, field, value, SQL position and the
/// engine's detail.
fn query_error_detail(err: &QueryError) -> String {
    let mut parts = Vec::new();
    if let Some(param) = err.param {
        parts.push(param.to_owned());
    }
    if let Some(field) = &err.field {
        parts.push(format!("«{field}»"));
    }
    if let Some(value) = &err.value {
        parts.push(format!("“{value}”"));
    }
    if let Some(position) = err.position {
        parts.push(format!("{}:{}", position.line, position.column));
    }
    if let Some(detail) = &err.detail {
        parts.push(detail.clone());
    }
    parts.join(" · ")
}

/// Resolves table names to Parquet files for one caller: only tables of done ingests of
/// datasets the caller may see.
struct VisibleTables<'a> {
    app: &'a App,
    actor: &'a Actor,
}

#[async_trait]
impl TableResolver for VisibleTables<'_> {
    async fn resolve(
        &self,
        name: &TableName,
    ) -> std::result::Result<Option<PathBuf>, ResolveError> {
        match self
            .app
            .readable_ingest(self.actor, name.distribution())
            .await
        {
            Ok(ingest) => Ok(self.app.parquet_of(&ingest, name.sheet_name())),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(Box::new(e)),
        }
    }
}

/// Query-string friendly view of one table's place: the distribution and the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRef {
    /// The distribution.
    pub distribution: Uuid,
    /// The sheet (a later table of a workbook); the first table when `None`.
    pub sheet: Option<String>,
}

impl TableRef {
    fn name(&self, ingest: &TableIngest) -> Result<String> {
        ingest
            .table(self.sheet.as_deref())
            .map(|t| t.table.clone())
            .ok_or_else(|| {
                Error::not_found(
                    "table",
                    match &self.sheet {
                        Some(sheet) => format!("{}/{sheet}", self.distribution),
                        None => self.distribution.to_string(),
                    },
                )
            })
    }
}

impl App {
    /// The query engine.
    pub fn query_engine(&self) -> &Engine {
        &self.inner.tables.engine
    }

    /// The ingest of a distribution whose dataset `actor` may see (404 otherwise, and when no
    /// ingest was ever asked for).
    pub async fn table_ingest(&self, actor: &Actor, id: Uuid) -> Result<TableIngest> {
        let mut conn = self.store().conn().await?;
        let (distribution, _) = distributions::get(&mut conn, id)
            .await?
            .ok_or_else(|| Error::not_found("table", id))?;
        datasets::get(&mut conn, &distribution.dataset_id.to_string())
            .await?
            .filter(|d| d.is_public() || actor.can_see_private_of(d.publisher_id))
            .ok_or_else(|| Error::not_found("table", id))?;
        tables::get(&mut conn, id)
            .await?
            .ok_or_else(|| Error::not_found("table", id))
    }

    /// The ingests of a dataset's distributions (for its page), if `actor` may see it.
    pub async fn dataset_tables(
        &self,
        actor: &Actor,
        dataset: &Dataset,
    ) -> Result<Vec<TableIngest>> {
        if !(dataset.is_public() || actor.can_see_private_of(dataset.publisher_id)) {
            return Err(Error::not_found("dataset", dataset.id));
        }
        let mut conn = self.store().conn().await?;
        tables::list_for_dataset(&mut conn, dataset.id).await
    }

    /// A done ingest `actor` may read (404 while none is done).
    async fn readable_ingest(&self, actor: &Actor, id: Uuid) -> Result<TableIngest> {
        let ingest = self.table_ingest(actor, id).await?;
        if ingest.status == IngestStatus::Done
            || (!ingest.tables.is_empty() && ingest.source_sha256.is_some())
        {
            Ok(ingest)
        } else {
            Err(Error::not_found("table", id))
        }
    }

    /// The Parquet file of a table of an ingest, when it is there.
    fn parquet_of(&self, ingest: &TableIngest, sheet: Option<&str>) -> Option<PathBuf> {
        let sha256 = ingest.source_sha256.as_deref()?;
        let index = match sheet {
            None => 0,
            Some(sheet) => ingest.tables.iter().position(|t| t.name == sheet)?,
        };
        (index < ingest.tables.len()).then(|| {
            table_file(
                &ingest_dir(
                    &self.config().effective_tables_dir(),
                    ingest.distribution_id,
                    sha256,
                ),
                index,
            )
        })
    }

    /// The query name of a table `actor` may read.
    async fn readable_table(&self, actor: &Actor, table: &TableRef) -> Result<String> {
        let ingest = self.readable_ingest(actor, table.distribution).await?;
        table.name(&ingest)
    }

    /// A page of rows of a table.
    pub async fn table_rows(
        &self,
        actor: &Actor,
        table: &TableRef,
        request: &RowsRequest,
    ) -> Result<RowsPage> {
        let name = self.readable_table(actor, table).await?;
        self.query_engine()
            .rows(&VisibleTables { app: self, actor }, &name, request)
            .await
            .map_err(query_error)
    }

    /// Aggregates over a table.
    pub async fn table_aggregate(
        &self,
        actor: &Actor,
        table: &TableRef,
        request: &AggregateRequest,
    ) -> Result<AggregateResult> {
        let name = self.readable_table(actor, table).await?;
        self.query_engine()
            .aggregate(&VisibleTables { app: self, actor }, &name, request)
            .await
            .map_err(query_error)
    }

    /// Runs one read-only SQL query over the tables `actor` may read.
    pub async fn run_sql(&self, actor: &Actor, sql: &str) -> Result<ResultSet> {
        self.query_engine()
            .sql(&VisibleTables { app: self, actor }, sql)
            .await
            .map_err(query_error)
    }

    /// Streams the result of a rows query or an SQL query in `format`. A rows query names its
    /// table by [`TableRef`]; give `ExportQuery::Rows` with an empty table name.
    pub async fn export_query(
        &self,
        actor: &Actor,
        table: Option<&TableRef>,
        query: ExportQuery,
        format: ExportFormat,
    ) -> Result<Export> {
        let query = match (query, table) {
            (ExportQuery::Rows { request, .. }, Some(table)) => ExportQuery::Rows {
                table: self.readable_table(actor, table).await?,
                request,
            },
            (ExportQuery::Aggregate { request, .. }, Some(table)) => ExportQuery::Aggregate {
                table: self.readable_table(actor, table).await?,
                request,
            },
            (query, _) => query,
        };
        self.query_engine()
            .export(&VisibleTables { app: self, actor }, &query, format)
            .await
            .map_err(query_error)
    }

    /// Streams a dataset's tables as a Frictionless data package (a zip of `datapackage.json`
    /// and one CSV per table), with the dataset's title, description, page and license.
    pub async fn data_package(
        &self,
        actor: &Actor,
        dataset_key: &str,
    ) -> Result<(String, ByteStream)> {
        let dataset = self.get_dataset(actor, dataset_key).await?;
        let ingests = self.dataset_tables(actor, &dataset).await?;
        let mut conn = self.store().conn().await?;
        let distributions = distributions::list_for_dataset(&mut conn, dataset.id).await?;
        let license = dulieu_store::registers::licenses(&mut conn)
            .await?
            .into_iter()
            .find(|l| l.id == dataset.license);
        drop(conn);
        let mut resources = Vec::new();
        for ingest in ingests.iter().filter(|i| i.status == IngestStatus::Done) {
            let distribution = distributions
                .iter()
                .find(|d| d.id == ingest.distribution_id);
            let title = distribution.and_then(|d| d.title.get("vi").map(str::to_owned));
            for table in &ingest.tables {
                let sheet_title = match (&title, ingest.tables.len()) {
                    (Some(title), 1) => title.clone(),
                    (Some(title), _) => format!("{title} — {}", table.name),
                    (None, _) => table.name.clone(),
                };
                resources.push(PackageResource {
                    table: table.table.clone(),
                    name: sheet_title.clone(),
                    title: Some(sheet_title),
                    description: table.title.clone(),
                });
            }
        }
        if resources.is_empty() {
            return Err(Error::not_found("data_package", dataset_key));
        }
        let package = DataPackage {
            name: dataset.slug.clone(),
            title: dataset.title.get("vi").map(str::to_owned),
            description: dataset.description.get("vi").map(str::to_owned),
            homepage: Some(format!(
                "{}/dataset/{}",
                self.inner.public_url, dataset.slug
            )),
            licenses: license
                .map(|l| PackageLicense {
                    name: Some(l.id.clone()),
                    path: l.url.clone(),
                    title: l.title.get("vi").map(str::to_owned),
                })
                .into_iter()
                .collect(),
            resources,
        };
        let stream = self
            .query_engine()
            .data_package(&VisibleTables { app: self, actor }, &package)
            .await
            .map_err(query_error)?;
        Ok((dataset.slug, stream))
    }

    /// Saves a Table Schema edited by the publisher for one table and reads the file again
    /// with it. The schema must read as a Table Schema with one field per column of the table.
    pub async fn edit_table_schema(
        &self,
        actor: &Actor,
        id: Uuid,
        sheet: Option<&str>,
        schema: &serde_json::Value,
    ) -> Result<TableIngest> {
        let mut tx = self.store().begin().await?;
        let (distribution, _) = self
            .distribution_for_change(&mut tx, actor, id, Actor::can_edit_datasets_of)
            .await?;
        let before = tables::get(&mut tx, id)
            .await?
            .ok_or_else(|| Error::not_found("table", id))?;
        let table = before
            .table(sheet)
            .ok_or_else(|| Error::not_found("table", sheet.unwrap_or_default()))?
            .clone();
        let edited = TableSchema::from_json(schema).map_err(|e| Error::BadRequest {
            code: "invalid_table_schema",
            detail: e.to_string(),
        })?;
        let columns = table
            .schema
            .get("fields")
            .and_then(|f| f.as_array())
            .map_or(0, Vec::len);
        if edited.fields.len() != columns {
            let mut errors = dulieu_core::FieldErrors::new();
            let violation = errors.add("schema.fields", "field_count_mismatch");
            violation.params.insert("expected", columns.to_string());
            violation
                .params
                .insert("found", edited.fields.len().to_string());
            return Err(errors.into());
        }
        let now = Utc::now();
        tables::save_schema_edit(
            &mut tx,
            id,
            &table.name,
            &edited.to_json(),
            actor.user_id,
            now,
        )
        .await?;
        self.requeue_ingest(&mut tx, id).await?;
        let after = tables::get(&mut tx, id)
            .await?
            .ok_or_else(|| Error::Internal("ingest vanished".into()))?;
        self.commit_change(
            tx,
            actor,
            Subject::new("distribution", id, Some(distribution.dataset_id)),
            "table_schema_edited",
            snapshot(&table.schema),
            snapshot(&edited.to_json()),
        )
        .await?;
        Ok(after)
    }

    /// Drops the publisher's schema of one table, so the next ingest (queued now) infers it
    /// again.
    pub async fn reset_table_schema(
        &self,
        actor: &Actor,
        id: Uuid,
        sheet: Option<&str>,
    ) -> Result<TableIngest> {
        let mut tx = self.store().begin().await?;
        let (distribution, _) = self
            .distribution_for_change(&mut tx, actor, id, Actor::can_edit_datasets_of)
            .await?;
        let before = tables::get(&mut tx, id)
            .await?
            .ok_or_else(|| Error::not_found("table", id))?;
        let name = before
            .table(sheet)
            .map(|t| t.name.clone())
            .ok_or_else(|| Error::not_found("table", sheet.unwrap_or_default()))?;
        if !tables::delete_schema_edit(&mut tx, id, &name).await? {
            return Ok(before);
        }
        self.requeue_ingest(&mut tx, id).await?;
        let after = tables::get(&mut tx, id)
            .await?
            .ok_or_else(|| Error::Internal("ingest vanished".into()))?;
        self.commit_change(
            tx,
            actor,
            Subject::new("distribution", id, Some(distribution.dataset_id)),
            "table_schema_reset",
            None,
            None,
        )
        .await?;
        Ok(after)
    }

    /// Reads a distribution's file as tables again (queued for the worker).
    pub async fn reingest(&self, actor: &Actor, id: Uuid) -> Result<TableIngest> {
        let mut tx = self.store().begin().await?;
        let (distribution, _) = self
            .distribution_for_change(&mut tx, actor, id, Actor::can_edit_datasets_of)
            .await?;
        if distribution.sha256.is_none() && distribution.remote_url.is_none() {
            return Err(Error::invalid("distribution", "no_file"));
        }
        self.requeue_ingest(&mut tx, id).await?;
        let after = tables::get(&mut tx, id)
            .await?
            .ok_or_else(|| Error::Internal("ingest vanished".into()))?;
        tx.commit().await.map_err(Error::internal)?;
        Ok(after)
    }
}
