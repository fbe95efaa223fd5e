//! Hot columns: an in-memory copy of the columns that row filters read, so that the exact total
//! of a filtered page is counted without decoding the Parquet file again.
//!
//! A filtered page's rows come quickly from the file (the scan stops at the page), but its total
//! needs every row. When a count reads columns that are not in memory, the count runs on the
//! file as before and the columns are loaded in the background, when they fit the engine's
//! budget ([`crate::EngineConfig::hot_column_bytes`]); later counts on the same table read
//! memory. Least recently used columns leave when the budget is full. Columns are keyed by the
//! file's version, so a table ingested again is loaded again.
//!
//! A column with few distinct values (at most [`MAX_INDEXED_VALUES`], nulls included) is kept
//! as an index: its distinct values, each row's value number, and the rows of each value. A
//! filter that reads only that column is evaluated once per distinct value instead of once per
//! row, which gives the rows it keeps directly. The most selective such filter picks the
//! candidate rows; the other filters are evaluated on those rows only.
//!
//! For a page in file order, the same pass lists the page's rows, and [`read_rows`] reads only
//! them from the file (the page index locates their pages).
//!
//! Every filter is evaluated by DataFusion's own expressions (planned from the same logical
//! filters as the scan, on columns of the same types), so a count from memory is the count the
//! file gives.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs::File;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Int64Array, RecordBatch, RecordBatchReader, UInt32Array,
};
use datafusion::arrow::compute::{concat, concat_batches, take};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::row::{OwnedRow, RowConverter, SortField};
use datafusion::common::DFSchema;
use datafusion::execution::session_state::SessionState;
use datafusion::logical_expr::Expr;
use datafusion::logical_expr::utils::conjunction;
use datafusion::parquet::arrow::ProjectionMask;
use datafusion::parquet::arrow::arrow_reader::{
    ArrowReaderOptions, ParquetRecordBatchReaderBuilder, RowSelection, RowSelector,
};
use datafusion::parquet::file::metadata::PageIndexPolicy;
use datafusion::physical_expr::PhysicalExpr;

use crate::error::{QueryError, Result};
use crate::provider::read_schema;
use crate::tables::TableFile;

/// Most distinct values (nulls included) of a column kept as an index.
pub const MAX_INDEXED_VALUES: usize = 4096;

/// Rows evaluated at a time.
const CHUNK_ROWS: usize = 64 * 1024;

/// The candidate rows of an index are used when they are at most this share of the table;
/// otherwise every row is evaluated (gathering most rows costs more than reading them in order).
const CANDIDATE_SHARE: usize = 4;

/// One column in memory.
#[derive(Debug)]
enum HotColumn {
    /// Every value, in file order.
    Plain(ArrayRef),
    /// A column with few distinct values.
    Indexed(ValueIndex),
}

/// The distinct values of a column, each row's value number and each value's rows.
#[derive(Debug)]
struct ValueIndex {
    /// The distinct values (a null among them when the column has nulls).
    values: ArrayRef,
    /// The value number of each row.
    keys: Vec<u32>,
    /// The rows of each value, ascending.
    rows: Vec<Vec<u32>>,
}

impl HotColumn {
    fn bytes(&self) -> usize {
        match self {
            Self::Plain(array) => array.get_array_memory_size(),
            Self::Indexed(index) => {
                index.values.get_array_memory_size()
                    + index.keys.capacity() * 4
                    + index
                        .rows
                        .iter()
                        .map(|rows| rows.capacity() * 4 + 24)
                        .sum::<usize>()
            }
        }
    }

    /// The values of `rows` (positions in the file).
    fn gather(&self, rows: &UInt32Array) -> Result<ArrayRef> {
        match self {
            Self::Plain(array) => take(array, rows, None).map_err(QueryError::internal),
            Self::Indexed(index) => {
                let keys: UInt32Array = rows
                    .values()
                    .iter()
                    .map(|&row| index.keys[row as usize])
                    .collect();
                take(&index.values, &keys, None).map_err(QueryError::internal)
            }
        }
    }

    /// The values of rows `start..end`.
    fn slice(&self, start: usize, end: usize) -> Result<ArrayRef> {
        match self {
            Self::Plain(array) => Ok(array.slice(start, end - start)),
            Self::Indexed(index) => {
                let keys = UInt32Array::from(index.keys[start..end].to_vec());
                take(&index.values, &keys, None).map_err(QueryError::internal)
            }
        }
    }
}

/// What is in memory, and what is being loaded.
#[derive(Debug, Default)]
struct State {
    columns: HashMap<ColumnKey, Entry>,
    loading: HashSet<ColumnKey>,
    used: usize,
    clock: u64,
    served: u64,
}

/// A column of one version of a table's file.
type ColumnKey = (u64, String);

#[derive(Debug)]
struct Entry {
    column: Arc<HotColumn>,
    bytes: usize,
    last_used: u64,
}

/// What the hot columns hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct HotColumnStats {
    /// Columns in memory.
    pub columns: usize,
    /// Their size in bytes.
    pub bytes: usize,
    /// Totals counted from memory since the engine started.
    pub counts_served: u64,
}

/// The in-memory columns of an engine, at most `budget` bytes.
#[derive(Debug)]
pub(crate) struct HotColumns {
    budget: usize,
    state: Arc<Mutex<State>>,
}

/// A count ready to run on columns in memory.
pub(crate) struct HotCount {
    rows: usize,
    columns: HashMap<String, Arc<HotColumn>>,
    /// Filters that read one indexed column, with the column's name.
    indexed: Vec<(String, Arc<dyn PhysicalExpr>, SchemaRef)>,
    /// The other filters, together, over `schema`.
    rest: Option<(Arc<dyn PhysicalExpr>, SchemaRef)>,
    threads: usize,
}

impl HotColumns {
    /// Hot columns of at most `budget` bytes (0: none).
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            state: Arc::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What is in memory now.
    pub fn stats(&self) -> HotColumnStats {
        let state = self.lock();
        HotColumnStats {
            columns: state.columns.len(),
            bytes: state.used,
            counts_served: state.served,
        }
    }

    /// A count of the rows of `file` meeting every one of `filters`, when the columns they read
    /// are in memory. Otherwise `None`, and the missing columns start loading when they fit.
    pub fn count(
        &self,
        file: &Arc<TableFile>,
        filters: &[Expr],
        session: &SessionState,
        threads: usize,
    ) -> Result<Option<HotCount>> {
        if self.budget == 0 || u32::try_from(file.row_count).is_err() {
            return Ok(None);
        }
        let names = referenced_columns(filters);
        if names.is_empty() {
            return Ok(None);
        }
        let found = {
            let mut state = self.lock();
            state.clock += 1;
            let clock = state.clock;
            let mut found = HashMap::new();
            for name in &names {
                if let Some(entry) = state.columns.get_mut(&(file.version, name.clone())) {
                    entry.last_used = clock;
                    found.insert(name.clone(), entry.column.clone());
                }
            }
            found
        };
        if found.len() < names.len() {
            let missing: Vec<String> = names
                .into_iter()
                .filter(|name| !found.contains_key(name))
                .collect();
            self.load_in_background(file.clone(), missing);
            return Ok(None);
        }
        let schema = read_schema(file);
        let mut indexed = Vec::new();
        let mut rest = Vec::new();
        for filter in filters {
            let columns = referenced_columns(std::slice::from_ref(filter));
            match columns.iter().next() {
                Some(name)
                    if columns.len() == 1
                        && matches!(found[name].as_ref(), HotColumn::Indexed(_)) =>
                {
                    let over = projected(&schema, &columns)?;
                    let planned = plan(session, filter.clone(), &over)?;
                    indexed.push((name.clone(), planned, over));
                }
                _ => rest.push(filter.clone()),
            }
        }
        let rest = match conjunction(rest.clone()) {
            Some(filter) => {
                let over = projected(&schema, &referenced_columns(&rest))?;
                Some((plan(session, filter, &over)?, over))
            }
            None => None,
        };
        self.lock().served += 1;
        Ok(Some(HotCount {
            rows: file.row_count as usize,
            columns: found,
            indexed,
            rest,
            threads: threads.max(1),
        }))
    }

    /// Loads `names` of `file` on a blocking thread when they fit the budget and are not being
    /// loaded already.
    fn load_in_background(&self, file: Arc<TableFile>, names: Vec<String>) {
        if estimated_bytes(&file, &names) > self.budget {
            return;
        }
        let names: Vec<String> = {
            let mut state = self.lock();
            names
                .into_iter()
                .filter(|name| state.loading.insert((file.version, name.clone())))
                .collect()
        };
        if names.is_empty() {
            return;
        }
        let state = self.state.clone();
        let budget = self.budget;
        tokio::task::spawn_blocking(move || {
            let loaded = load(&file, &names, budget);
            let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
            for name in &names {
                state.loading.remove(&(file.version, name.clone()));
            }
            if let Ok(Some(columns)) = loaded {
                insert(&mut state, budget, file.version, columns);
            }
        });
    }

    /// Loads `names` of `file` now (when they fit and are not in memory yet); says whether
    /// they all are in memory afterwards.
    pub async fn preload(&self, file: Arc<TableFile>, names: Vec<String>) -> Result<bool> {
        let missing: Vec<String> = {
            let state = self.lock();
            names
                .iter()
                .filter(|name| !state.columns.contains_key(&(file.version, (*name).clone())))
                .cloned()
                .collect()
        };
        if missing.is_empty() {
            return Ok(true);
        }
        if self.budget == 0 || estimated_bytes(&file, &missing) > self.budget {
            return Ok(false);
        }
        let version = file.version;
        let budget = self.budget;
        let columns = tokio::task::spawn_blocking(move || load(&file, &missing, budget))
            .await
            .map_err(QueryError::internal)??;
        let Some(columns) = columns else {
            return Ok(false);
        };
        let mut state = self.lock();
        insert(&mut state, self.budget, version, columns);
        Ok(names
            .iter()
            .all(|name| state.columns.contains_key(&(version, name.clone()))))
    }
}

/// Adds loaded columns, evicting the least recently used others until they fit; columns that
/// cannot fit are dropped.
fn insert(state: &mut State, budget: usize, version: u64, columns: Loaded) {
    let incoming: usize = columns.iter().map(|(_, column)| column.bytes()).sum();
    if incoming > budget {
        return;
    }
    while state.used + incoming > budget {
        let Some(oldest) = state
            .columns
            .iter()
            .min_by_key(|(_, entry)| entry.last_used)
            .map(|(key, _)| key.clone())
        else {
            break;
        };
        if let Some(entry) = state.columns.remove(&oldest) {
            state.used -= entry.bytes;
        }
    }
    state.clock += 1;
    let clock = state.clock;
    for (name, column) in columns {
        let bytes = column.bytes();
        state.used += bytes;
        let entry = Entry {
            column: Arc::new(column),
            bytes,
            last_used: clock,
        };
        if let Some(old) = state.columns.insert((version, name), entry) {
            state.used -= old.bytes;
        }
    }
}

/// A lower bound of the memory `names` take: fixed-width values at their width, text at the
/// size of its values uncompressed.
fn estimated_bytes(file: &TableFile, names: &[String]) -> usize {
    let rows = file.row_count as usize;
    names
        .iter()
        .filter_map(|name| file.arrow.field_with_name(name).ok())
        .map(|field| {
            field
                .data_type()
                .primitive_width()
                .map_or(rows.saturating_mul(4), |width| rows.saturating_mul(width))
        })
        .fold(0usize, usize::saturating_add)
}

/// A reader of `names` of the file, as queries read them ([`read_schema`]), with the page
/// index when `pages`; the names in the order the reader gives the columns (the file's); and
/// the read schema.
fn reader_of(
    file: &TableFile,
    names: &[String],
    pages: bool,
) -> Result<(
    ParquetRecordBatchReaderBuilder<File>,
    Vec<String>,
    SchemaRef,
)> {
    let schema = read_schema(file);
    let reader = File::open(&file.path).map_err(QueryError::internal)?;
    let options = ArrowReaderOptions::new()
        .with_schema(schema.clone())
        .with_page_index_policy(match pages {
            true => PageIndexPolicy::Optional,
            false => PageIndexPolicy::Skip,
        });
    let builder = ParquetRecordBatchReaderBuilder::try_new_with_options(reader, options)
        .map_err(QueryError::internal)?;
    let mut names = names.to_vec();
    let mut indices: Vec<usize> = names
        .iter()
        .map(|name| schema.index_of(name).map_err(QueryError::internal))
        .collect::<Result<_>>()?;
    names.sort_by_key(|name| schema.index_of(name).unwrap_or_default());
    indices.sort_unstable();
    let mask = ProjectionMask::roots(builder.parquet_schema(), indices);
    Ok((builder.with_projection(mask), names, schema))
}

/// Reads `names` of the rows at `rows` (ascending positions in the file), decoding only the
/// pages that hold them; the positions follow as a last column, `row_id`.
pub(crate) fn read_rows(
    file: &TableFile,
    names: &[String],
    row_id: &str,
    rows: &[u32],
) -> Result<RecordBatch> {
    let (builder, _, _) = reader_of(file, names, true)?;
    // The row groups holding the rows, and the selection within them.
    let mut groups = Vec::new();
    let mut selectors = Vec::new();
    let mut remaining = rows;
    let mut group_start = 0usize;
    for (group, metadata) in builder.metadata().row_groups().iter().enumerate() {
        let group_rows = usize::try_from(metadata.num_rows()).unwrap_or_default();
        let group_end = group_start + group_rows;
        let inside = remaining.partition_point(|&row| (row as usize) < group_end);
        if inside > 0 {
            groups.push(group);
            let mut next = group_start;
            for &row in &remaining[..inside] {
                let row = row as usize;
                if row > next {
                    selectors.push(RowSelector::skip(row - next));
                }
                selectors.push(RowSelector::select(1));
                next = row + 1;
            }
            if group_end > next {
                selectors.push(RowSelector::skip(group_end - next));
            }
            remaining = &remaining[inside..];
        }
        group_start = group_end;
    }
    let reader = builder
        .with_row_groups(groups)
        .with_row_selection(RowSelection::from(selectors))
        .with_batch_size(rows.len().max(1))
        .build()
        .map_err(QueryError::internal)?;
    let schema = RecordBatchReader::schema(&reader);
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(QueryError::internal)?;
    let read = concat_batches(&schema, &batches).map_err(QueryError::internal)?;
    let mut fields = Vec::with_capacity(names.len() + 1);
    let mut columns = Vec::with_capacity(names.len() + 1);
    for name in names {
        let index = schema.index_of(name).map_err(QueryError::internal)?;
        fields.push(schema.field(index).clone());
        columns.push(read.column(index).clone());
    }
    fields.push(Field::new(row_id, DataType::Int64, false));
    columns.push(Arc::new(Int64Array::from_iter_values(
        rows.iter().map(|&row| i64::from(row)),
    )));
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(QueryError::internal)
}

/// The columns of a table loaded into memory.
type Loaded = Vec<(String, HotColumn)>;

/// Reads `names` from the file, as queries read them ([`read_schema`]); `None` when they take
/// more than `budget` bytes (found while reading, so no more is ever held).
fn load(file: &TableFile, names: &[String], budget: usize) -> Result<Option<Loaded>> {
    let (builder, names, schema) = reader_of(file, names, false)?;
    let batches = builder
        .with_batch_size(CHUNK_ROWS)
        .build()
        .map_err(QueryError::internal)?;
    let mut builders: Vec<ColumnBuilder> = names
        .iter()
        .map(|name| {
            schema
                .field_with_name(name)
                .and_then(|field| ColumnBuilder::new(field.data_type()))
                .map_err(QueryError::internal)
        })
        .collect::<Result<_>>()?;
    for batch in batches {
        let batch = batch.map_err(QueryError::internal)?;
        for (builder, column) in builders.iter_mut().zip(batch.columns()) {
            builder.push(column)?;
        }
        if builders.iter().map(ColumnBuilder::bytes).sum::<usize>() > budget {
            return Ok(None);
        }
    }
    names
        .into_iter()
        .zip(builders)
        .map(|(name, builder)| Ok((name, builder.finish()?)))
        .collect::<Result<_>>()
        .map(Some)
}

/// Builds one column: an index while it has few distinct values, else every value.
struct ColumnBuilder {
    converter: RowConverter,
    distinct: Option<HashMap<Box<[u8]>, u32>>,
    representatives: Vec<OwnedRow>,
    keys: Vec<u32>,
    rows: Vec<Vec<u32>>,
    chunks: Vec<ArrayRef>,
}

impl ColumnBuilder {
    fn new(data_type: &DataType) -> Result<Self, datafusion::arrow::error::ArrowError> {
        Ok(Self {
            converter: RowConverter::new(vec![SortField::new(data_type.clone())])?,
            distinct: Some(HashMap::new()),
            representatives: Vec::new(),
            keys: Vec::new(),
            rows: Vec::new(),
            chunks: Vec::new(),
        })
    }

    /// Memory held so far.
    fn bytes(&self) -> usize {
        let chunks: usize = self
            .chunks
            .iter()
            .map(|chunk| chunk.get_array_memory_size())
            .sum();
        chunks + (self.keys.len() * 2 + self.representatives.len()) * 4
    }

    fn push(&mut self, column: &ArrayRef) -> Result<()> {
        self.chunks.push(column.clone());
        let Some(distinct) = self.distinct.as_mut() else {
            return Ok(());
        };
        let converted = self
            .converter
            .convert_columns(std::slice::from_ref(column))
            .map_err(QueryError::internal)?;
        for row in converted.iter() {
            let position = self.keys.len() as u32;
            let key = match distinct.get(row.as_ref()) {
                Some(&key) => key,
                None => {
                    if distinct.len() == MAX_INDEXED_VALUES {
                        self.distinct = None;
                        self.keys = Vec::new();
                        self.rows = Vec::new();
                        self.representatives = Vec::new();
                        return Ok(());
                    }
                    let key = distinct.len() as u32;
                    distinct.insert(row.as_ref().into(), key);
                    self.representatives.push(row.owned());
                    self.rows.push(Vec::new());
                    key
                }
            };
            self.keys.push(key);
            self.rows[key as usize].push(position);
        }
        Ok(())
    }

    fn finish(self) -> Result<HotColumn> {
        if self.distinct.is_some() {
            let values = self
                .converter
                .convert_rows(self.representatives.iter().map(OwnedRow::row))
                .map_err(QueryError::internal)?
                .pop()
                .ok_or_else(|| QueryError::internal("no column converted"))?;
            let mut rows = self.rows;
            rows.iter_mut().for_each(|rows| rows.shrink_to_fit());
            let mut keys = self.keys;
            keys.shrink_to_fit();
            return Ok(HotColumn::Indexed(ValueIndex { values, keys, rows }));
        }
        let chunks: Vec<&dyn Array> = self.chunks.iter().map(AsRef::as_ref).collect();
        let array = if chunks.is_empty() {
            return Err(QueryError::internal("no rows"));
        } else {
            concat(&chunks).map_err(QueryError::internal)?
        };
        let array = match array.data_type() {
            DataType::Utf8View => Arc::new(array.as_string_view().gc()) as ArrayRef,
            _ => array,
        };
        Ok(HotColumn::Plain(array))
    }
}

/// The names of the columns `filters` read, sorted.
pub(crate) fn referenced_columns(filters: &[Expr]) -> BTreeSet<String> {
    filters
        .iter()
        .flat_map(|filter| filter.column_refs())
        .map(|column| column.name.clone())
        .collect()
}

/// The fields of `schema` named in `names`, in the order of `names`.
fn projected(schema: &Schema, names: &BTreeSet<String>) -> Result<SchemaRef> {
    let fields = names
        .iter()
        .map(|name| schema.field_with_name(name).cloned())
        .collect::<Result<Vec<_>, _>>()
        .map_err(QueryError::internal)?;
    Ok(Arc::new(Schema::new(fields)))
}

/// `filter` planned over `schema` (types coerced as the query planner does).
fn plan(session: &SessionState, filter: Expr, schema: &SchemaRef) -> Result<Arc<dyn PhysicalExpr>> {
    let dfschema = DFSchema::try_from(schema.as_ref().clone()).map_err(QueryError::internal)?;
    session
        .create_physical_expr(filter, &dfschema)
        .map_err(QueryError::internal)
}

/// The rows of `batch` for which `filter` is true.
fn evaluate(filter: &Arc<dyn PhysicalExpr>, batch: &RecordBatch) -> Result<BooleanArray> {
    let result = filter
        .evaluate(batch)
        .and_then(|value| value.into_array(batch.num_rows()))
        .map_err(QueryError::internal)?;
    Ok(result.as_boolean().clone())
}

/// Which of the values of an index `filter` keeps.
fn kept_values(
    filter: &Arc<dyn PhysicalExpr>,
    schema: &SchemaRef,
    index: &ValueIndex,
) -> Result<Vec<bool>> {
    let batch = RecordBatch::try_new(schema.clone(), vec![index.values.clone()])
        .map_err(QueryError::internal)?;
    let kept = evaluate(filter, &batch)?;
    Ok((0..kept.len())
        .map(|i| kept.is_valid(i) && kept.value(i))
        .collect())
}

/// The matching rows a page wants, in file order: after row `after`, skipping `skip` of them,
/// at most `take`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageRows {
    pub after: Option<u64>,
    pub skip: usize,
    pub take: usize,
}

/// What a [`HotCount`] found.
#[derive(Debug, Default)]
pub(crate) struct Counted {
    /// Rows meeting every filter.
    pub total: u64,
    /// The page's rows (positions in the file), ascending.
    pub rows: Vec<u32>,
}

/// Collects the first matching rows a page wants.
struct Collector {
    after: Option<u64>,
    wanted: usize,
    rows: Vec<u32>,
}

impl Collector {
    fn new(page: Option<PageRows>) -> Self {
        Self {
            after: page.and_then(|page| page.after),
            wanted: page.map_or(0, |page| page.skip.saturating_add(page.take)),
            rows: Vec::new(),
        }
    }

    fn full(&self) -> bool {
        self.rows.len() >= self.wanted
    }

    fn offer(&mut self, row: u32) {
        if !self.full() && self.after.is_none_or(|after| u64::from(row) > after) {
            self.rows.push(row);
        }
    }
}

impl HotCount {
    fn index(&self, name: &str) -> &ValueIndex {
        match self.columns[name].as_ref() {
            HotColumn::Indexed(index) => index,
            HotColumn::Plain(_) => unreachable!("indexed filters read indexed columns"),
        }
    }

    /// Counts the rows meeting every filter and, for a `page`, lists the rows it shows.
    pub fn run(&self, page: Option<PageRows>) -> Result<Counted> {
        // Each indexed filter as the values it keeps, most selective first.
        let mut kept: Vec<(&str, Vec<bool>, usize)> = Vec::new();
        for (name, filter, schema) in &self.indexed {
            let index = self.index(name);
            let values = kept_values(filter, schema, index)?;
            let rows = values
                .iter()
                .zip(&index.rows)
                .filter(|(keep, _)| **keep)
                .map(|(_, rows)| rows.len())
                .sum();
            kept.push((name, values, rows));
        }
        kept.sort_by_key(|(_, _, rows)| *rows);
        let (total, mut rows) = match kept.first() {
            Some((_, _, 0)) => (0, Vec::new()),
            Some((name, values, rows)) if rows * CANDIDATE_SHARE <= self.rows => {
                let index = self.index(name);
                let mut lists = values
                    .iter()
                    .zip(&index.rows)
                    .filter(|(keep, _)| **keep)
                    .map(|(_, rows)| rows.as_slice());
                let mut candidates = match (lists.next(), lists.next()) {
                    (Some(only), None) => Cow::Borrowed(only),
                    (first, second) => {
                        let mut rows: Vec<u32> = Vec::with_capacity(*rows);
                        for list in first.into_iter().chain(second).chain(lists) {
                            rows.extend_from_slice(list);
                        }
                        rows.sort_unstable();
                        Cow::Owned(rows)
                    }
                };
                for (name, values, _) in &kept[1..] {
                    let keys = &self.index(name).keys;
                    candidates
                        .to_mut()
                        .retain(|&row| values[keys[row as usize] as usize]);
                }
                self.count_candidates(&candidates, Collector::new(page))?
            }
            _ => self.count_all(&kept, page)?,
        };
        let skip = page.map_or(0, |page| page.skip).min(rows.len());
        rows.drain(..skip);
        Ok(Counted { total, rows })
    }

    /// Counts the `candidates` (rows every indexed filter keeps) the other filters keep.
    fn count_candidates(
        &self,
        candidates: &[u32],
        mut collector: Collector,
    ) -> Result<(u64, Vec<u32>)> {
        let Some((filter, schema)) = &self.rest else {
            for &row in candidates {
                if collector.full() {
                    break;
                }
                collector.offer(row);
            }
            return Ok((candidates.len() as u64, collector.rows));
        };
        let mut total = 0;
        for chunk in candidates.chunks(CHUNK_ROWS) {
            let rows = UInt32Array::from(chunk.to_vec());
            let columns = schema
                .fields()
                .iter()
                .map(|field| self.columns[field.name()].gather(&rows))
                .collect::<Result<Vec<_>>>()?;
            let batch =
                RecordBatch::try_new(schema.clone(), columns).map_err(QueryError::internal)?;
            let result = evaluate(filter, &batch)?;
            total += result.true_count() as u64;
            if !collector.full() {
                for (i, &row) in chunk.iter().enumerate() {
                    if result.is_valid(i) && result.value(i) {
                        collector.offer(row);
                    }
                }
            }
        }
        Ok((total, collector.rows))
    }

    /// Counts every row the filters keep, `threads` ranges of rows at once, and collects each
    /// range's first rows for the page.
    fn count_all(
        &self,
        kept: &[(&str, Vec<bool>, usize)],
        page: Option<PageRows>,
    ) -> Result<(u64, Vec<u32>)> {
        let chunks: Vec<usize> = (0..self.rows).step_by(CHUNK_ROWS).collect();
        let per_thread = chunks.len().div_ceil(self.threads).max(1);
        std::thread::scope(|scope| {
            let workers: Vec<_> = chunks
                .chunks(per_thread)
                .map(|starts| {
                    scope.spawn(move || {
                        let mut collector = Collector::new(page);
                        let mut total = 0;
                        for &start in starts {
                            let end = (start + CHUNK_ROWS).min(self.rows);
                            total += self.count_range(kept, start, end, &mut collector)?;
                        }
                        Ok::<_, QueryError>((total, collector.rows))
                    })
                })
                .collect();
            let mut total = 0;
            let mut rows = Vec::new();
            let wanted = Collector::new(page).wanted;
            for worker in workers {
                let (counted, found) = worker
                    .join()
                    .map_err(|_| QueryError::internal("a count thread panicked"))??;
                total += counted;
                rows.extend(found.into_iter().take(wanted.saturating_sub(rows.len())));
            }
            Ok((total, rows))
        })
    }

    fn count_range(
        &self,
        kept: &[(&str, Vec<bool>, usize)],
        start: usize,
        end: usize,
        collector: &mut Collector,
    ) -> Result<u64> {
        let mut keep: Vec<bool> = vec![true; end - start];
        for (name, values, _) in kept {
            let keys = &self.index(name).keys[start..end];
            for (keep, &key) in keep.iter_mut().zip(keys) {
                *keep &= values[key as usize];
            }
        }
        if let Some((filter, schema)) = &self.rest {
            let columns = schema
                .fields()
                .iter()
                .map(|field| self.columns[field.name()].slice(start, end))
                .collect::<Result<Vec<_>>>()?;
            let batch =
                RecordBatch::try_new(schema.clone(), columns).map_err(QueryError::internal)?;
            let result = evaluate(filter, &batch)?;
            for (i, keep) in keep.iter_mut().enumerate() {
                *keep &= result.is_valid(i) && result.value(i);
            }
        }
        let mut total = 0;
        for (i, keep) in keep.iter().enumerate() {
            if *keep {
                total += 1;
                collector.offer((start + i) as u32);
            }
        }
        Ok(total)
    }
}
