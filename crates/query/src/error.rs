//! Errors as stable codes with what and where (the request parameter, the field, the SQL
//! position), never English sentences alone: the web layer maps them to HTTP statuses and
//! translates them.

use std::fmt;

use datafusion::error::DataFusionError;
use serde::Serialize;

/// Why a query was refused or failed. Each code is stable (clients and translations use it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The table is not known, or not visible to the caller.
    UnknownTable,
    /// A request names a field the table (or the result) does not have.
    UnknownField,
    /// A filter uses an operator that does not exist.
    UnknownOperator,
    /// A filter is not written `field:op:value`.
    InvalidFilter,
    /// A value does not parse as the type of its field (`value`, `expected` in the detail).
    InvalidValue,
    /// A sort key is empty or malformed.
    InvalidSort,
    /// `limit` is beyond the maximum.
    InvalidLimit,
    /// A cursor that is malformed, altered, made for another query, or for an older version of
    /// the table.
    InvalidCursor,
    /// `cursor` and `offset` were both given.
    CursorWithOffset,
    /// A metric that is not `count`, `sum`, `avg`, `min` or `max`, or is malformed.
    UnknownMetric,
    /// A metric applied to a field of the wrong type (`sum`/`avg` need numbers).
    MetricType,
    /// The query ran longer than its time limit and was cancelled.
    QueryTimeout,
    /// The query needed more memory than its limit.
    QueryMemoryLimit,
    /// The SQL text does not parse (position when the parser gives one).
    SqlSyntax,
    /// The SQL is not a single `SELECT` (or `WITH … SELECT`): DDL, DML, `COPY`, `SET`,
    /// `EXPLAIN`, `SELECT … INTO` ….
    SqlNotSelect,
    /// More than one SQL statement.
    SqlMultipleStatements,
    /// The SQL names a table that is not a portal table visible to the caller.
    SqlUnknownTable,
    /// The SQL names a column that does not exist.
    SqlUnknownColumn,
    /// The SQL calls a function that does not exist (or is not allowed).
    SqlUnknownFunction,
    /// The SQL parses but cannot be planned (type errors, ambiguous names …; `detail`).
    SqlInvalid,
    /// The SQL query ran longer than its time limit and was cancelled.
    SqlTimeout,
    /// The SQL result has more rows than the cap.
    SqlTooManyRows,
    /// The SQL query needed more memory than its limit.
    SqlMemoryLimit,
    /// The SQL query failed while running (a cast or arithmetic error …; `detail`).
    SqlExecution,
    /// An export has more rows than the engine's cap.
    ExportTooManyRows,
    /// An XLSX export would have more rows than Excel's 1,048,576 (header included).
    XlsxTooManyRows,
    /// A text longer than Excel's 32,767 characters in a cell of an XLSX export.
    XlsxTextTooLong,
    /// A data package description that cannot be written (empty, duplicate or invalid names).
    InvalidPackage,
    /// A table's Parquet file cannot be read (missing, corrupt).
    TableUnreadable,
    /// Anything else (a bug or an I/O failure; `detail`).
    Internal,
}

impl ErrorCode {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownTable => "unknown_table",
            Self::UnknownField => "unknown_field",
            Self::UnknownOperator => "unknown_operator",
            Self::InvalidFilter => "invalid_filter",
            Self::InvalidValue => "invalid_value",
            Self::InvalidSort => "invalid_sort",
            Self::InvalidLimit => "invalid_limit",
            Self::InvalidCursor => "invalid_cursor",
            Self::CursorWithOffset => "cursor_with_offset",
            Self::UnknownMetric => "unknown_metric",
            Self::MetricType => "metric_type",
            Self::QueryTimeout => "query_timeout",
            Self::QueryMemoryLimit => "query_memory_limit",
            Self::SqlSyntax => "sql_syntax",
            Self::SqlNotSelect => "sql_not_select",
            Self::SqlMultipleStatements => "sql_multiple_statements",
            Self::SqlUnknownTable => "sql_unknown_table",
            Self::SqlUnknownColumn => "sql_unknown_column",
            Self::SqlUnknownFunction => "sql_unknown_function",
            Self::SqlInvalid => "sql_invalid",
            Self::SqlTimeout => "sql_timeout",
            Self::SqlTooManyRows => "sql_too_many_rows",
            Self::SqlMemoryLimit => "sql_memory_limit",
            Self::SqlExecution => "sql_execution",
            Self::ExportTooManyRows => "export_too_many_rows",
            Self::XlsxTooManyRows => "xlsx_too_many_rows",
            Self::XlsxTextTooLong => "xlsx_text_too_long",
            Self::InvalidPackage => "invalid_package",
            Self::TableUnreadable => "table_unreadable",
            Self::Internal => "internal",
        }
    }

    /// Whether the caller's request is at fault (HTTP 4xx) rather than the server (5xx).
    pub fn is_client_error(self) -> bool {
        !matches!(self, Self::TableUnreadable | Self::Internal)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in the SQL text (1-based line and column, as the parser counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SqlPosition {
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

/// A refused or failed query: a code and what is known of where.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryError {
    /// What went wrong.
    pub code: ErrorCode,
    /// The request parameter at fault (`filters`, `sort`, `fields`, `q`, `limit`, `offset`,
    /// `cursor`, `group_by`, `metrics`, `sql`, `table`, `resources`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<&'static str>,
    /// The field (column) or table name concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The offending value, as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Where in the SQL text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<SqlPosition>,
    /// A technical detail (the engine's message, an expected type, a maximum).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Results of this crate.
pub type Result<T, E = QueryError> = std::result::Result<T, E>;

impl QueryError {
    /// An error with only a code.
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            param: None,
            field: None,
            value: None,
            position: None,
            detail: None,
        }
    }

    /// An error about a request parameter.
    pub fn param(code: ErrorCode, param: &'static str) -> Self {
        Self::new(code).with_param(param)
    }

    /// Names the request parameter at fault.
    pub fn with_param(mut self, param: &'static str) -> Self {
        self.param = Some(param);
        self
    }

    /// Names the field (or table) concerned.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Gives the offending value.
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Adds a technical detail.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Places the error in the SQL text.
    pub fn at(mut self, position: Option<SqlPosition>) -> Self {
        self.position = position;
        self
    }

    /// An internal failure with its detail.
    pub fn internal(detail: impl fmt::Display) -> Self {
        Self::new(ErrorCode::Internal).with_detail(detail.to_string())
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.as_str())?;
        if let Some(param) = self.param {
            write!(f, " in {param}")?;
        }
        if let Some(field) = &self.field {
            write!(f, " ({field:?})")?;
        }
        if let Some(value) = &self.value {
            write!(f, " value {value:?}")?;
        }
        if let Some(position) = self.position {
            write!(f, " at line {}, column {}", position.line, position.column)?;
        }
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for QueryError {}

/// Which kind of query an engine error came from: the codes for time and memory differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Rows, aggregates and their exports.
    Api,
    /// The SQL sandbox.
    Sql,
}

impl Origin {
    pub(crate) fn timeout(self) -> QueryError {
        QueryError::new(match self {
            Self::Api => ErrorCode::QueryTimeout,
            Self::Sql => ErrorCode::SqlTimeout,
        })
    }

    fn memory(self) -> ErrorCode {
        match self {
            Self::Api => ErrorCode::QueryMemoryLimit,
            Self::Sql => ErrorCode::SqlMemoryLimit,
        }
    }
}

/// Maps an engine error met while planning or running a query.
pub(crate) fn from_engine(err: DataFusionError, origin: Origin) -> QueryError {
    let root = root_error(&err);
    if let DataFusionError::External(inner) = root
        && let Some(ours) = inner.downcast_ref::<QueryError>()
    {
        return ours.clone();
    }
    let position = engine_position(&err);
    match root {
        DataFusionError::ResourcesExhausted(_) => QueryError::new(origin.memory()),
        DataFusionError::SQL(parser, _) => {
            let message = parser.to_string();
            QueryError::param(ErrorCode::SqlSyntax, "sql")
                .at(position.or_else(|| position_in_message(&message)))
                .with_detail(message)
        }
        DataFusionError::SchemaError(schema_error, _) if origin == Origin::Sql => {
            let code = match **schema_error {
                datafusion::common::SchemaError::FieldNotFound { .. } => {
                    ErrorCode::SqlUnknownColumn
                }
                _ => ErrorCode::SqlInvalid,
            };
            QueryError::param(code, "sql")
                .at(position)
                .with_detail(schema_error.to_string())
        }
        DataFusionError::Plan(message) | DataFusionError::NotImplemented(message)
            if origin == Origin::Sql =>
        {
            let code = if message.starts_with("Invalid function")
                || message.contains("function") && message.contains("not found")
            {
                ErrorCode::SqlUnknownFunction
            } else {
                ErrorCode::SqlInvalid
            };
            QueryError::param(code, "sql")
                .at(position)
                .with_detail(first_line(message))
        }
        DataFusionError::Execution(message) | DataFusionError::ArrowError(_, Some(message))
            if origin == Origin::Sql =>
        {
            QueryError::param(ErrorCode::SqlExecution, "sql").with_detail(first_line(message))
        }
        DataFusionError::ArrowError(arrow, _) if origin == Origin::Sql => {
            QueryError::param(ErrorCode::SqlExecution, "sql").with_detail(arrow.to_string())
        }
        DataFusionError::IoError(_)
        | DataFusionError::ParquetError(_)
        | DataFusionError::ObjectStore(_) => QueryError::new(ErrorCode::TableUnreadable),
        _ => QueryError::internal(root),
    }
}

/// The innermost error under contexts, shared wrappers and collections.
fn root_error(err: &DataFusionError) -> &DataFusionError {
    match err {
        DataFusionError::Context(_, inner) => root_error(inner),
        DataFusionError::Shared(inner) => root_error(inner),
        DataFusionError::Diagnostic(_, inner) => root_error(inner),
        DataFusionError::Collection(errors) => errors.first().map_or(err, root_error),
        DataFusionError::External(inner) => match inner.downcast_ref::<DataFusionError>() {
            Some(inner) => root_error(inner),
            None => err,
        },
        _ => err,
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().to_owned()
}

/// The position the engine's diagnostic gives, if any.
fn engine_position(err: &DataFusionError) -> Option<SqlPosition> {
    let span = err.diagnostic()?.span?;
    Some(SqlPosition {
        line: span.start.line,
        column: span.start.column,
    })
}

/// The SQL parser puts the position in its message (`… at Line: 1, Column: 8`).
fn position_in_message(message: &str) -> Option<SqlPosition> {
    let after_line = &message[message.rfind("Line: ")? + "Line: ".len()..];
    let (line, rest) = after_line.split_once(", Column: ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(SqlPosition {
        line: line.trim().parse().ok()?,
        column: column.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parser_position() {
        assert_eq!(
            position_in_message(
                "sql parser error: Expected: end of statement, found: x at Line: 2, Column: 17"
            ),
            Some(SqlPosition {
                line: 2,
                column: 17
            })
        );
        assert_eq!(position_in_message("no position"), None);
    }

    #[test]
    fn displays_code_and_place() {
        let err = QueryError::param(ErrorCode::InvalidValue, "filters")
            .with_field("Năm")
            .with_value("abc")
            .with_detail("integer");
        assert_eq!(
            err.to_string(),
            "invalid_value in filters (\"Năm\") value \"abc\": integer"
        );
        assert_eq!(ErrorCode::SqlTooManyRows.as_str(), "sql_too_many_rows");
        assert_eq!(
            serde_json::to_value(ErrorCode::SqlTooManyRows).unwrap(),
            "sql_too_many_rows"
        );
    }
}
