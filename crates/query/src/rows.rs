//! Pages of rows: filters, full-text `q`, sort, projection, offset or cursor paging, totals.
//!
//! Rows are always ordered by the sort keys (nulls last in both directions) and then by the
//! row id (the row's position in the Parquet file), so pages are stable. Without sort keys the
//! order is the file's: the scan declares it, nothing is sorted, and a cursor page starts
//! reading at the row after the cursor's (earlier rows are skipped in the file, not filtered).
//! With sort keys, a cursor page keeps rows after the cursor's keys and id (a keyset
//! condition) and takes the first `limit` by a top-k sort: the cost does not grow with depth,
//! unlike `offset`.
//!
//! `q` is split into words; a row matches when every word occurs, after folding
//! ([`crate::fold`]: no case, no diacritics), in at least one text column.
//!
//! The total is the file's row count (from the Parquet footer) when nothing filters; otherwise
//! the rows matching are counted for the first page and carried by the cursor after it. When
//! the columns the filters read are in memory ([`crate::hot`]), the count runs there, and a
//! page in file order finds its rows there too: only those rows are read from the file.

use std::sync::Arc;

use datafusion::arrow::array::{AsArray, RecordBatch};
use datafusion::arrow::datatypes::{Int64Type, Schema};
use datafusion::common::ScalarValue;
use datafusion::dataframe::DataFrame;
use datafusion::functions::string::expr_fn::contains;
use datafusion::logical_expr::utils::{conjunction, disjunction};
use datafusion::logical_expr::{Expr, SortExpr, ident, lit};
use dulieu_tables::FieldType;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::Engine;
use crate::cursor::{self, Position};
use crate::error::{ErrorCode, Origin, QueryError, Result};
use crate::filter::{Filter, SortKey};
use crate::fold::{fold, vi_fold_udf};
use crate::hot::{self, Counted, HotCount, PageRows};
use crate::provider::ParquetTable;
use crate::result::{ResultColumn, ResultSet, append_rows, columns_of};
use crate::run;
use crate::tables::{TableFile, TableResolver};

/// Rows per page when the request gives no `limit`.
pub const DEFAULT_LIMIT: usize = 100;

/// Pages in file order whose last row is within this many matching rows take their rows from
/// the hot columns (when in memory); deeper offsets scan the file.
const MAX_HOT_PAGE_ROWS: usize = 1 << 20;

/// Which rows, in which order, and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RowsRequest {
    /// Conditions, all of which a row meets.
    pub filters: Vec<Filter>,
    /// Words every matching row contains in its text columns (case and diacritics ignored).
    pub q: Option<String>,
    /// The ordering (then by row id).
    pub sort: Vec<SortKey>,
    /// The columns to return, in this order (all when empty).
    pub fields: Vec<String>,
    /// Rows per page: [`DEFAULT_LIMIT`] when absent, at most the engine's `api.max_rows`. For
    /// exports, absent means every row.
    pub limit: Option<usize>,
    /// Rows to skip (not with `cursor`).
    pub offset: Option<u64>,
    /// Where the previous page ended (its `next_cursor`).
    pub cursor: Option<String>,
}

/// One page of rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowsPage {
    /// The columns and rows of the page.
    #[serde(flatten)]
    pub result: ResultSet,
    /// The stable id of each row (its 0-based position in the table).
    pub row_ids: Vec<u64>,
    /// The rows matching the filters and `q`, all pages together.
    pub total: u64,
    /// Gives the next page when there are more rows.
    pub next_cursor: Option<String>,
}

/// A sort key resolved against the table.
struct ResolvedKey {
    name: String,
    field_type: FieldType,
    descending: bool,
}

/// A rows request checked against its table, ready to plan.
pub(crate) struct Selection {
    pub file: Arc<TableFile>,
    predicates: Vec<Expr>,
    keys: Vec<ResolvedKey>,
    /// The columns returned.
    pub fields: Vec<String>,
    fingerprint: String,
}

impl Selection {
    /// Checks `request` against `file`: every named field exists, values parse by type.
    pub fn new(file: Arc<TableFile>, request: &RowsRequest) -> Result<Self> {
        let mut predicates = request
            .filters
            .iter()
            .map(|filter| filter.to_expr(&file))
            .collect::<Result<Vec<_>>>()?;
        if let Some(q) = request.q.as_deref().filter(|q| !q.trim().is_empty()) {
            predicates.push(text_predicate(&file, q));
        }
        let keys = request
            .sort
            .iter()
            .map(|key| {
                let field = file.field(&key.field, "sort")?;
                Ok(ResolvedKey {
                    name: field.name.clone(),
                    field_type: field.field_type,
                    descending: key.descending,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut fields: Vec<String> = Vec::new();
        for name in &request.fields {
            let field = file.field(name, "fields")?;
            if !fields.contains(&field.name) {
                fields.push(field.name.clone());
            }
        }
        if fields.is_empty() {
            fields = file.schema.fields.iter().map(|f| f.name.clone()).collect();
        }
        let fingerprint = cursor::fingerprint(&(&request.filters, &request.q, &request.sort));
        Ok(Self {
            file,
            predicates,
            keys,
            fields,
            fingerprint,
        })
    }

    /// The names of the columns the filters and `q` read.
    pub fn filter_columns(&self) -> Vec<String> {
        hot::referenced_columns(&self.predicates)
            .into_iter()
            .collect()
    }

    fn filtered(&self, frame: DataFrame) -> Result<DataFrame> {
        match conjunction(self.predicates.clone()) {
            Some(predicate) => frame.filter(predicate).map_err(QueryError::internal),
            None => Ok(frame),
        }
    }

    fn order(&self, row_id: &str) -> Vec<SortExpr> {
        self.keys
            .iter()
            .map(|key| ident(&key.name).sort(!key.descending, false))
            .chain([ident(row_id).sort(true, false)])
            .collect()
    }

    /// Rows after `position` in the ordering (nulls sort last in both directions).
    fn after(&self, position: &Position, row_id: &str) -> Result<Expr> {
        if position.keys.len() != self.keys.len() {
            return Err(QueryError::param(ErrorCode::InvalidCursor, "cursor"));
        }
        let mut ties: Vec<Expr> = Vec::new();
        let mut alternatives: Vec<Expr> = Vec::new();
        for (key, value) in self.keys.iter().zip(&position.keys) {
            let column = ident(&key.name);
            match cursor::key_scalar(key.field_type, value)? {
                Some(value) => {
                    let beyond = if key.descending {
                        column.clone().lt(lit(value.clone()))
                    } else {
                        column.clone().gt(lit(value.clone()))
                    };
                    let beyond = beyond.or(column.clone().is_null());
                    alternatives.push(and_all(ties.iter().cloned().chain([beyond])));
                    ties.push(column.eq(lit(value)));
                }
                None => ties.push(column.is_null()),
            }
        }
        let row = i64::try_from(position.row).unwrap_or(i64::MAX);
        alternatives.push(and_all(
            ties.into_iter().chain([ident(row_id).gt(lit(row))]),
        ));
        Ok(disjunction(alternatives).unwrap_or_else(|| lit(true)))
    }

    /// The columns selected from a page: the returned fields, the sort keys not among them,
    /// then the row id.
    fn page_columns(&self, row_id: &str) -> Vec<String> {
        let mut columns = self.fields.clone();
        for key in &self.keys {
            if !columns.contains(&key.name) {
                columns.push(key.name.clone());
            }
        }
        columns.push(row_id.to_owned());
        columns
    }

    /// The returned columns with their types.
    pub fn columns(&self) -> Vec<ResultColumn> {
        let fields = self
            .fields
            .iter()
            .filter_map(|name| self.file.arrow.field_with_name(name).ok().cloned())
            .collect::<Vec<_>>();
        columns_of(&Arc::new(Schema::new(fields)), |name| {
            self.file.field_type(name)
        })
    }

    /// The table filtered by this selection, in no particular order and without row ids.
    pub fn filtered_table(&self, engine: &Engine, memory_limit: usize) -> Result<DataFrame> {
        let context = engine.inner.sessions.context(memory_limit);
        let frame = context
            .read_table(Arc::new(ParquetTable::new(self.file.clone())))
            .map_err(QueryError::internal)?;
        self.filtered(frame)
    }

    /// The filtered table with its row ids, reading only rows after `skip_to` (in file
    /// order); and the name of the row id column.
    fn scan(
        &self,
        engine: &Engine,
        memory_limit: usize,
        skip_to: Option<u64>,
    ) -> Result<(DataFrame, String)> {
        let table = ParquetTable::with_row_id(self.file.clone(), skip_to);
        let row_id = table.row_id_name().unwrap_or_default().to_owned();
        let context = engine.inner.sessions.context(memory_limit);
        let frame = context
            .read_table(Arc::new(table))
            .map_err(QueryError::internal)?;
        Ok((self.filtered(frame)?, row_id))
    }

    /// The ordered, filtered rows of this selection, every one or a window (for exports).
    pub fn frame(
        &self,
        engine: &Engine,
        memory_limit: usize,
        offset: u64,
        limit: Option<usize>,
    ) -> Result<DataFrame> {
        let (frame, row_id) = self.scan(engine, memory_limit, None)?;
        frame
            .sort(self.order(&row_id))
            .and_then(|frame| frame.limit(to_usize(offset), limit))
            .and_then(|frame| frame.select(self.fields.iter().map(ident).collect::<Vec<_>>()))
            .map_err(QueryError::internal)
    }
}

/// `limit`, unless it is beyond `max` (`invalid_limit`).
pub(crate) fn checked_limit(limit: usize, max: Option<u64>) -> Result<usize> {
    match max {
        Some(max) if limit as u64 > max => Err(QueryError::param(ErrorCode::InvalidLimit, "limit")
            .with_value(limit.to_string())
            .with_detail(format!("at most {max}"))),
        _ => Ok(limit),
    }
}

fn and_all(exprs: impl IntoIterator<Item = Expr>) -> Expr {
    conjunction(exprs).unwrap_or_else(|| lit(true))
}

/// A row offset as the engine takes it (it plans offsets as `i64`): past `i64::MAX` rows no
/// table reaches, so larger offsets are that one, an empty page.
fn to_usize(value: u64) -> usize {
    usize::try_from(value.min(i64::MAX as u64)).unwrap_or(usize::MAX)
}

/// Every word of `q` in at least one text column (folded); nothing matches a table without
/// text columns.
fn text_predicate(file: &TableFile, q: &str) -> Expr {
    let columns: Vec<&str> = file
        .schema
        .fields
        .iter()
        .filter(|field| field.field_type == FieldType::String)
        .map(|field| field.name.as_str())
        .collect();
    let folded = fold(q);
    let words = folded.split_whitespace().map(|word| {
        let in_some_column = columns
            .iter()
            .map(|column| contains(vi_fold_udf().call(vec![ident(*column)]), lit(word)));
        disjunction(in_some_column).unwrap_or_else(|| lit(false))
    });
    and_all(words)
}

/// Where a page scanned from the file starts and ends.
struct FilePage {
    position: Option<Position>,
    offset: u64,
    limit: usize,
    deadline: Instant,
}

/// Counts (and finds a page's rows) on hot columns, on a blocking thread, before `deadline`.
async fn hot_run(count: HotCount, page: Option<PageRows>, deadline: Instant) -> Result<Counted> {
    let counting = tokio::task::spawn_blocking(move || count.run(page));
    tokio::time::timeout_at(deadline, counting)
        .await
        .map_err(|_| Origin::Api.timeout())?
        .map_err(QueryError::internal)?
}

impl Engine {
    /// A page of rows of `table`.
    pub async fn rows(
        &self,
        tables: &dyn TableResolver,
        table: &str,
        request: &RowsRequest,
    ) -> Result<RowsPage> {
        let limits = self.inner.config.api;
        let deadline = Instant::now() + limits.time_limit;
        let limit = checked_limit(request.limit.unwrap_or(DEFAULT_LIMIT), limits.max_rows)?;
        if request.cursor.is_some() && request.offset.is_some() {
            return Err(QueryError::param(ErrorCode::CursorWithOffset, "cursor"));
        }
        let file = self
            .inner
            .footers
            .open(tables, table, ErrorCode::UnknownTable, "table")
            .await?;
        let selection = Selection::new(file.clone(), request)?;
        let position = request
            .cursor
            .as_deref()
            .map(|text| {
                self.inner
                    .cursors
                    .decode(text, file.version, &selection.fingerprint)
            })
            .transpose()?;
        // Memory helps when a total is counted, or when the page is in file order.
        let hot_helps =
            !selection.predicates.is_empty() && (position.is_none() || selection.keys.is_empty());
        let hot = match hot_helps {
            false => None,
            true => self.inner.hot.count(
                &file,
                &selection.predicates,
                self.inner.sessions.base(),
                self.inner.config.target_partitions,
            )?,
        };
        let offset = request.offset.unwrap_or(0);
        match hot {
            // In file order, the page's rows are found in memory too; only they are read.
            Some(hot)
                if selection.keys.is_empty()
                    && to_usize(offset).saturating_add(limit) < MAX_HOT_PAGE_ROWS =>
            {
                let page = PageRows {
                    after: position.as_ref().map(|position| position.row),
                    skip: to_usize(offset),
                    take: limit + 1,
                };
                let counted = hot_run(hot, Some(page), deadline).await?;
                let total = position
                    .as_ref()
                    .map_or(counted.total, |position| position.total);
                let batches = self.rows_at(&selection, counted.rows, deadline).await?;
                self.page(&selection, &file, batches, limit, total)
            }
            hot => {
                let page = FilePage {
                    position,
                    offset,
                    limit,
                    deadline,
                };
                self.rows_from_file(&selection, page, hot).await
            }
        }
    }

    /// A page scanned from the file; its total counted from `hot` when the columns are in
    /// memory.
    async fn rows_from_file(
        &self,
        selection: &Selection,
        request: FilePage,
        hot: Option<HotCount>,
    ) -> Result<RowsPage> {
        let FilePage {
            position,
            offset,
            limit,
            deadline,
        } = request;
        let file = &selection.file;
        // In file order a cursor page starts reading after the cursor's row.
        let skip_to = match (&position, selection.keys.is_empty()) {
            (Some(position), true) => Some(position.row),
            _ => None,
        };
        let memory_limit = self.inner.config.api.memory_limit;
        let (filtered, row_id) = selection.scan(self, memory_limit, skip_to)?;

        let total = async {
            match (&position, hot) {
                (Some(position), _) => Ok(position.total),
                (None, _) if selection.predicates.is_empty() => Ok(file.row_count),
                (None, Some(hot)) => Ok(hot_run(hot, None, deadline).await?.total),
                (None, None) => run::count(filtered.clone(), deadline, Origin::Api).await,
            }
        };
        let mut page = filtered.clone();
        if let Some(position) = &position {
            page = page
                .filter(selection.after(position, &row_id)?)
                .map_err(QueryError::internal)?;
        }
        let columns = selection.page_columns(&row_id);
        let page = page
            .sort(selection.order(&row_id))
            .and_then(|frame| frame.limit(to_usize(offset), Some(limit + 1)))
            .and_then(|frame| frame.select(columns.iter().map(ident).collect::<Vec<_>>()))
            .map_err(QueryError::internal)?;
        let (total, batches) = tokio::try_join!(total, run::collect(page, deadline, Origin::Api))?;
        self.page(selection, file, batches, limit, total)
    }

    /// The page's columns of `rows` (positions in the file, ascending), with their row ids.
    async fn rows_at(
        &self,
        selection: &Selection,
        rows: Vec<u32>,
        deadline: Instant,
    ) -> Result<Vec<RecordBatch>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let file = selection.file.clone();
        let columns = selection.fields.clone();
        let reading =
            tokio::task::spawn_blocking(move || hot::read_rows(&file, &columns, "row_id", &rows));
        let batch = tokio::time::timeout_at(deadline, reading)
            .await
            .map_err(|_| Origin::Api.timeout())?
            .map_err(QueryError::internal)??;
        Ok(vec![batch])
    }

    fn page(
        &self,
        selection: &Selection,
        file: &TableFile,
        batches: Vec<RecordBatch>,
        limit: usize,
        total: u64,
    ) -> Result<RowsPage> {
        let shown: Vec<usize> = (0..selection.fields.len()).collect();
        let mut result = ResultSet {
            columns: selection.columns(),
            rows: Vec::new(),
        };
        let mut row_ids = Vec::new();
        let mut last: Option<(RecordBatch, usize)> = None;
        let mut more = false;
        for batch in batches {
            let wanted = limit - row_ids.len();
            more |= batch.num_rows() > wanted;
            let batch = batch.slice(0, batch.num_rows().min(wanted));
            if batch.num_rows() == 0 {
                continue;
            }
            let ids = batch
                .column(batch.num_columns() - 1)
                .as_primitive::<Int64Type>();
            row_ids.extend(ids.values().iter().map(|&id| id as u64));
            let values = batch.project(&shown).map_err(QueryError::internal)?;
            append_rows(&values, &mut result.rows)?;
            last = Some((batch.clone(), batch.num_rows() - 1));
        }
        let next_cursor = match last {
            Some((batch, row)) if more => {
                Some(self.cursor_after(selection, file, &batch, row, total)?)
            }
            _ => None,
        };
        Ok(RowsPage {
            result,
            row_ids,
            total,
            next_cursor,
        })
    }

    fn cursor_after(
        &self,
        selection: &Selection,
        file: &TableFile,
        batch: &RecordBatch,
        row: usize,
        total: u64,
    ) -> Result<String> {
        let schema = batch.schema();
        let keys = selection
            .keys
            .iter()
            .map(|key| {
                let index = schema.index_of(&key.name).map_err(QueryError::internal)?;
                let value = ScalarValue::try_from_array(batch.column(index), row)
                    .map_err(QueryError::internal)?;
                Ok(cursor::key_value(&value))
            })
            .collect::<Result<Vec<_>>>()?;
        let id = batch
            .column(batch.num_columns() - 1)
            .as_primitive::<Int64Type>()
            .value(row);
        Ok(self.inner.cursors.encode(Position {
            table: file.version,
            query: selection.fingerprint.clone(),
            keys,
            row: id as u64,
            total,
        }))
    }
}
