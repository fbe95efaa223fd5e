//! The DataFusion sessions queries run in. One base state is built per engine: the built-in
//! scalar, aggregate and window functions minus those that read files (`input_file_name`), plus
//! `vi_fold`; no table functions (`generate_series`, `range`, and no `read_parquet`/`read_csv`,
//! which DataFusion does not register by default either); no file formats or table factories
//! (no `CREATE EXTERNAL TABLE` target); no URL tables; no information schema. Each query gets
//! its own catalog holding only the tables it may read, and its own memory pool; spilling to
//! disk is disabled, so a query that needs more memory than its pool fails.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::catalog::{CatalogProvider, MemoryCatalogProvider, MemorySchemaProvider};
use datafusion::catalog::{CatalogProviderList, MemoryCatalogProviderList};
use datafusion::execution::SessionStateDefaults;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::memory_pool::GreedyMemoryPool;
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::execution::session_state::{SessionState, SessionStateBuilder};
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::error::{QueryError, Result};
use crate::fold::vi_fold_udf;

/// Built-in scalar functions not offered: they expose files of the server.
const DENIED_FUNCTIONS: &[&str] = &["input_file_name"];

/// The catalog and schema queries resolve bare table names in.
pub(crate) const CATALOG: &str = "datafusion";
pub(crate) const SCHEMA: &str = "public";

/// Builds the per-query sessions.
#[derive(Debug)]
pub(crate) struct Sessions {
    base: SessionState,
    shared: Arc<RuntimeEnv>,
}

impl Sessions {
    /// The base state, with `target_partitions` threads per query.
    pub fn new(target_partitions: usize) -> Result<Self> {
        let shared = RuntimeEnvBuilder::new()
            .with_disk_manager_builder(
                DiskManagerBuilder::default().with_mode(DiskManagerMode::Disabled),
            )
            .build_arc()
            .map_err(QueryError::internal)?;
        let mut config = SessionConfig::new()
            .with_target_partitions(target_partitions.max(1))
            .with_information_schema(false)
            .with_create_default_catalog_and_schema(false)
            .with_default_catalog_and_schema(CATALOG, SCHEMA);
        let options = config.options_mut();
        options.sql_parser.collect_spans = true;
        // Filters run on whole decoded batches after the scan (row groups and pages are still
        // pruned by their statistics): on typical tables this beats evaluating them inside the
        // Parquet reader, which builds a row selection of the whole row group before the first
        // row comes out (slow first pages) and then decodes scattered rows.
        options.execution.parquet.pushdown_filters = false;
        let functions = SessionStateDefaults::default_scalar_functions()
            .into_iter()
            .filter(|function| !DENIED_FUNCTIONS.contains(&function.name()))
            .chain([vi_fold_udf()])
            .collect();
        let base = SessionStateBuilder::new()
            .with_config(config)
            .with_runtime_env(shared.clone())
            .with_default_features()
            .with_scalar_functions(functions)
            .with_table_functions(HashMap::new())
            .with_table_factories(HashMap::new())
            .with_file_formats(Vec::new())
            .build();
        Ok(Self { base, shared })
    }

    /// The state every query's session starts from (for planning expressions outside a query).
    pub fn base(&self) -> &SessionState {
        &self.base
    }

    /// A context for one query: an empty catalog and a memory pool of `memory_limit` bytes.
    pub fn context(&self, memory_limit: usize) -> SessionContext {
        let runtime = Arc::new(RuntimeEnv {
            memory_pool: Arc::new(GreedyMemoryPool::new(memory_limit)),
            disk_manager: self.shared.disk_manager.clone(),
            cache_manager: self.shared.cache_manager.clone(),
            object_store_registry: self.shared.object_store_registry.clone(),
        });
        let catalog = MemoryCatalogProvider::new();
        // Registering a schema in a fresh memory catalog cannot fail.
        let _ = catalog.register_schema(SCHEMA, Arc::new(MemorySchemaProvider::new()));
        let catalogs = MemoryCatalogProviderList::new();
        catalogs.register_catalog(CATALOG.to_owned(), Arc::new(catalog));
        let state = SessionStateBuilder::new_from_existing(self.base.clone())
            .with_catalog_list(Arc::new(catalogs))
            .with_runtime_env(runtime)
            .build();
        SessionContext::new_with_state(state)
    }
}

#[cfg(test)]
mod tests {
    use datafusion::execution::FunctionRegistry;

    use super::*;

    #[test]
    fn offers_no_function_that_reads_files() {
        let sessions = Sessions::new(1).unwrap();
        let state = sessions.context(1 << 20).state();
        let names = state.udfs();
        assert!(names.contains("vi_fold"));
        assert!(names.contains("upper"));
        for name in &names {
            let reads = ["file", "read", "url", "http", "path", "env"]
                .iter()
                .any(|word| name.contains(word));
            // `file_row_index` gives a row's position, not the file.
            assert!(!reads || name == "file_row_index", "{name}");
        }
        assert!(state.table_functions().is_empty());
        assert!(state.table_factories().is_empty());
        assert!(!state.config().information_schema());
    }
}
