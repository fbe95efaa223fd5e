//! Exports of any query result — rows of a table, an aggregate, a SQL query — as CSV, JSON,
//! Parquet or XLSX, streamed with bounded memory (see [`pipeline`]).

mod encoders;
mod pipeline;
mod xlsx;

use std::sync::Arc;

use datafusion::dataframe::DataFrame;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::Engine;
use crate::aggregate::AggregateRequest;
use crate::error::{ErrorCode, Origin, QueryError, Result, from_engine};
use crate::rows::{RowsRequest, Selection};
use crate::tables::TableResolver;

pub(crate) use encoders::csv_builder;
pub use pipeline::ByteStream;
pub(crate) use pipeline::{ChunkWriter, Encoder, EncoderFactory, Part, StreamLimits, stream};
pub use xlsx::XLSX_MAX_DATA_ROWS;

/// A file format of exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// Comma-separated values, UTF-8, with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
    /// Apache Parquet.
    Parquet,
    /// An Excel workbook with one sheet `data`.
    Xlsx,
}

impl ExportFormat {
    /// Every format.
    pub const ALL: [Self; 4] = [Self::Csv, Self::Json, Self::Parquet, Self::Xlsx];

    /// The format's name and file extension (`csv`, `json`, `parquet`, `xlsx`).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Parquet => "parquet",
            Self::Xlsx => "xlsx",
        }
    }

    /// The media type to serve it with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
            Self::Parquet => "application/vnd.apache.parquet",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The format named by an extension (any case).
    pub fn from_extension(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|format| format.extension().eq_ignore_ascii_case(name))
    }
}

/// The query whose result is exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportQuery {
    /// Rows of a table: filters, `q`, sort and fields apply; `limit` and `offset` apply when
    /// given (no `limit`: every row); a cursor is refused.
    Rows {
        /// The table.
        table: String,
        /// The rows.
        request: RowsRequest,
    },
    /// An aggregate of a table (`limit` applies when given).
    Aggregate {
        /// The table.
        table: String,
        /// The groups and metrics.
        request: AggregateRequest,
    },
    /// A SQL query, under the sandbox's rules and the export limits.
    Sql {
        /// The query.
        sql: String,
    },
}

/// A streamed export.
pub struct Export {
    /// The format.
    pub format: ExportFormat,
    /// The bytes. An `Err` item means the output is incomplete (abort the response).
    pub stream: ByteStream,
}

impl std::fmt::Debug for Export {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Export")
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Exports the result of `query` as `format`, within the engine's `export` limits. Errors
    /// found before the first byte (unknown fields, SQL refused, XLSX limits …) are returned
    /// here; later ones end the stream.
    pub async fn export(
        &self,
        tables: &dyn TableResolver,
        query: &ExportQuery,
        format: ExportFormat,
    ) -> Result<Export> {
        let limits = self.inner.config.export;
        let deadline = Instant::now() + limits.time_limit;
        let (frame, origin, schema_json) = match query {
            ExportQuery::Rows { table, request } => {
                if request.cursor.is_some() {
                    return Err(QueryError::param(ErrorCode::InvalidCursor, "cursor")
                        .with_detail("exports take offset and limit"));
                }
                let file = self
                    .inner
                    .footers
                    .open(tables, table, ErrorCode::UnknownTable, "table")
                    .await?;
                let selection = Selection::new(file.clone(), request)?;
                let mut schema = file.schema.for_export();
                schema
                    .fields
                    .retain(|field| selection.fields.contains(&field.name));
                schema
                    .fields
                    .sort_by_key(|field| selection.fields.iter().position(|f| f == &field.name));
                let frame = selection.frame(
                    self,
                    limits.memory_limit,
                    request.offset.unwrap_or(0),
                    request.limit,
                )?;
                (frame, Origin::Api, Some(schema.to_json().to_string()))
            }
            ExportQuery::Aggregate { table, request } => {
                let file = self
                    .inner
                    .footers
                    .open(tables, table, ErrorCode::UnknownTable, "table")
                    .await?;
                let frame = self.aggregate_frame(file, request, limits.memory_limit)?;
                let frame = match request.limit {
                    Some(limit) => frame.limit(0, Some(limit)).map_err(QueryError::internal)?,
                    None => frame,
                };
                (frame, Origin::Api, None)
            }
            ExportQuery::Sql { sql } => {
                let frame = tokio::time::timeout_at(
                    deadline,
                    self.sql_frame(tables, sql, limits.memory_limit),
                )
                .await
                .map_err(|_| Origin::Sql.timeout())??;
                (frame, Origin::Sql, None)
            }
        };
        let part = physical_part(frame, deadline, origin).await?;
        let encoder: EncoderFactory = Box::new(move |out: ChunkWriter| {
            Ok(match format {
                ExportFormat::Csv => Box::new(encoders::CsvEncoder::new(out)) as Box<dyn Encoder>,
                ExportFormat::Json => Box::new(encoders::JsonEncoder::new(out)),
                ExportFormat::Parquet => Box::new(encoders::ParquetEncoder::new(out, schema_json)),
                ExportFormat::Xlsx => Box::new(xlsx::XlsxEncoder::new(out)),
            })
        });
        let stream = stream(
            vec![part],
            encoder,
            StreamLimits {
                deadline,
                origin,
                max_rows: limits.max_rows,
            },
        )
        .await?;
        Ok(Export { format, stream })
    }
}

/// Plans `frame` physically (within the deadline) for streaming.
pub(crate) async fn physical_part(
    frame: DataFrame,
    deadline: Instant,
    origin: Origin,
) -> Result<Part> {
    let task = Arc::new(frame.task_ctx());
    let plan = tokio::time::timeout_at(deadline, frame.create_physical_plan())
        .await
        .map_err(|_| origin.timeout())?
        .map_err(|err| from_engine(err, origin))?;
    Ok(Part { plan, task })
}
