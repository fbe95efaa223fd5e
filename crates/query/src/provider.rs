//! A table backed by one Parquet file, optionally with a stable row id: the row's position in the
//! file (a virtual column the Parquet reader fills in), declared as the scan's output order so
//! that ordering by it costs nothing and keyset pages can start at a row without reading the
//! rows before it.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::compute::SortOptions;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef};
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::stats::Precision;
use datafusion::common::{Result as DfResult, Statistics};
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{ListingTableUrl, PartitionedFile};
use datafusion::datasource::object_store::ObjectStoreUrl;
use datafusion::datasource::physical_plan::parquet::ParquetRowSelection;
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfigBuilder, ParquetSource};
use datafusion::datasource::table_schema::TableSchema as ScanSchema;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown, TableType};
use datafusion::parquet::arrow::RowNumber;
use datafusion::parquet::arrow::arrow_reader::{RowSelection, RowSelector};
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_expr::{LexOrdering, PhysicalSortExpr};
use datafusion::physical_plan::ExecutionPlan;

use crate::tables::TableFile;

/// The preferred name of the row id column (another is chosen if a table has this one).
const ROW_ID: &str = "__dulieu_row_id";

/// A Parquet table for DataFusion.
#[derive(Debug)]
pub(crate) struct ParquetTable {
    file: Arc<TableFile>,
    /// The file's columns as they are read ([`read_schema`]).
    columns: SchemaRef,
    /// The schema shown to queries: those columns, then the row id when there is one.
    schema: SchemaRef,
    row_id: Option<FieldRef>,
    /// Rows up to and including this id are not read (keyset paging in file order).
    after_row: Option<u64>,
}

impl ParquetTable {
    /// The table with the file's columns only (the SQL sandbox).
    pub fn new(file: Arc<TableFile>) -> Self {
        let columns = read_schema(&file);
        Self {
            schema: columns.clone(),
            columns,
            file,
            row_id: None,
            after_row: None,
        }
    }

    /// The table with a row id column after the file's columns; rows with an id up to
    /// `after_row` are skipped.
    pub fn with_row_id(file: Arc<TableFile>, after_row: Option<u64>) -> Self {
        let mut name = ROW_ID.to_owned();
        while file.arrow.field_with_name(&name).is_ok() {
            name.push('_');
        }
        let row_id: FieldRef =
            Arc::new(Field::new(name, DataType::Int64, true).with_extension_type(RowNumber));
        let columns = read_schema(&file);
        let mut fields: Vec<FieldRef> = columns.fields().iter().cloned().collect();
        fields.push(row_id.clone());
        Self {
            schema: Arc::new(Schema::new_with_metadata(
                fields,
                columns.metadata().clone(),
            )),
            columns,
            file,
            row_id: Some(row_id),
            after_row,
        }
    }

    /// The name of the row id column, when the table has one.
    pub fn row_id_name(&self) -> Option<&str> {
        self.row_id.as_ref().map(|field| field.name().as_str())
    }

    fn partitioned_file(&self) -> DfResult<PartitionedFile> {
        let url = ListingTableUrl::parse(self.file.path.to_string_lossy())?;
        let mut file = PartitionedFile::new(String::new(), self.file.size);
        file.object_meta.location = url.prefix().clone();
        if let Some(after) = self.after_row {
            let skip = usize::try_from(after.saturating_add(1)).unwrap_or(usize::MAX);
            let total = usize::try_from(self.file.row_count).unwrap_or(usize::MAX);
            let skip = skip.min(total);
            file = file.with_extension(ParquetRowSelection::new(RowSelection::from(vec![
                RowSelector::skip(skip),
                RowSelector::select(total - skip),
            ])));
        }
        Ok(file)
    }

    fn statistics_for_scan(&self) -> Statistics {
        let statistics = Statistics::new_unknown(&self.schema);
        if self.after_row.is_some() {
            return statistics;
        }
        let rows = usize::try_from(self.file.row_count).unwrap_or(usize::MAX);
        statistics.with_num_rows(Precision::Exact(rows))
    }
}

/// The file's columns as queries read them: text as string views, which the Parquet reader
/// fills without copying each value and comparisons reject by their inline prefix.
pub(crate) fn read_schema(file: &TableFile) -> SchemaRef {
    let fields: Vec<FieldRef> = file
        .arrow
        .fields()
        .iter()
        .map(|field| match field.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 => {
                Arc::new(field.as_ref().clone().with_data_type(DataType::Utf8View))
            }
            _ => field.clone(),
        })
        .collect();
    Arc::new(Schema::new_with_metadata(
        fields,
        file.arrow.metadata().clone(),
    ))
}

#[async_trait]
impl TableProvider for ParquetTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> DfResult<Vec<TableProviderFilterPushDown>> {
        // The filters stay above the scan; the physical optimizer pushes what it can into the
        // Parquet reader (row group and page pruning, late materialisation).
        Ok(vec![TableProviderFilterPushDown::Inexact; filters.len()])
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        limit: Option<usize>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let mut scan_schema = ScanSchema::builder(self.columns.clone());
        if let Some(row_id) = &self.row_id {
            scan_schema = scan_schema.with_virtual_columns(vec![row_id.clone()]);
        }
        let source = ParquetSource::new(scan_schema.build());
        let mut config =
            FileScanConfigBuilder::new(ObjectStoreUrl::local_filesystem(), Arc::new(source))
                .with_file_groups(vec![FileGroup::new(vec![self.partitioned_file()?])])
                .with_statistics(self.statistics_for_scan())
                .with_limit(limit);
        if let Some(row_id) = &self.row_id {
            let index = self.file.arrow.fields().len();
            // Ascending, nulls last: the order rows are asked in (ids are never null).
            let ordering = LexOrdering::new(vec![PhysicalSortExpr::new(
                Arc::new(Column::new(row_id.name(), index)),
                SortOptions {
                    descending: false,
                    nulls_first: false,
                },
            )]);
            config = config.with_output_ordering(ordering.into_iter().collect());
        }
        let config = config.with_projection_indices(projection.cloned())?.build();
        ParquetFormat::default()
            .with_options(state.table_options().parquet.clone())
            .create_physical_plan(state, config)
            .await
    }
}
