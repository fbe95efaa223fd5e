//! The read-only SQL sandbox. What is refused is decided by the parser and the planner, never by
//! looking at the text:
//! - the text must parse as exactly one statement, a query (`SELECT`, `WITH … SELECT`, set
//!   operations, `VALUES`) that is not `SELECT … INTO` (the parsed statement's kind);
//! - every table it reads must be a portal table the caller's resolver allows; the query's
//!   catalog holds only those, as bare (or `public.`) names;
//! - the plan is verified with DataFusion's `SQLOptions` refusing DDL, DML (`INSERT`, `COPY`)
//!   and statements (`SET`, transactions) anywhere in it;
//! - functions that read files are not registered (see [`crate::session`]);
//! - the run is bounded by a time limit (cancelled when it passes), a memory pool, and a row
//!   cap (the plan is limited to one row more than the cap, so a larger result stops early and
//!   is refused).

use std::sync::Arc;

use datafusion::common::TableReference;
use datafusion::dataframe::DataFrame;
use datafusion::execution::context::SQLOptions;
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::{DFParserBuilder, Statement as DfStatement};
use datafusion::sql::sqlparser::ast::{SetExpr, Statement};
use datafusion::sql::sqlparser::dialect::GenericDialect;
use tokio::time::Instant;

use crate::Engine;
use crate::error::{ErrorCode, Origin, QueryError, Result, from_engine};
use crate::provider::ParquetTable;
use crate::result::{ResultSet, append_rows, columns_of};
use crate::run;
use crate::session::{CATALOG, SCHEMA};
use crate::tables::{TableName, TableResolver};

/// Deepest nesting the parser accepts.
const RECURSION_LIMIT: usize = 50;

fn sql_error(code: ErrorCode) -> QueryError {
    QueryError::param(code, "sql")
}

/// Parses `sql` as exactly one query.
fn parse_query(sql: &str) -> Result<DfStatement> {
    let dialect = GenericDialect {};
    let mut statements = DFParserBuilder::new(sql)
        .with_dialect(&dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .build()
        .and_then(|mut parser| parser.parse_statements())
        .map_err(|err| from_engine(err, Origin::Sql))?;
    let statement = match (statements.pop_front(), statements.is_empty()) {
        (Some(statement), true) => statement,
        (Some(_), false) => return Err(sql_error(ErrorCode::SqlMultipleStatements)),
        (None, _) => return Err(sql_error(ErrorCode::SqlSyntax).with_detail("empty")),
    };
    let is_query = match &statement {
        DfStatement::Statement(inner) => match inner.as_ref() {
            Statement::Query(query) => match query.body.as_ref() {
                SetExpr::Select(select) => select.into.is_none(),
                SetExpr::Insert(_)
                | SetExpr::Update(_)
                | SetExpr::Delete(_)
                | SetExpr::Merge(_) => false,
                _ => true,
            },
            _ => false,
        },
        _ => false,
    };
    if !is_query {
        return Err(sql_error(ErrorCode::SqlNotSelect));
    }
    Ok(statement)
}

/// The portal table a reference names, if it can name one (bare, or in the default schema).
fn portal_name(reference: &TableReference) -> Option<&str> {
    let in_default_schema = match reference {
        TableReference::Bare { .. } => true,
        TableReference::Partial { schema, .. } => schema.as_ref() == SCHEMA,
        TableReference::Full {
            catalog, schema, ..
        } => catalog.as_ref() == CATALOG && schema.as_ref() == SCHEMA,
    };
    in_default_schema.then(|| reference.table())
}

impl Engine {
    /// Runs a read-only SQL query over the tables `tables` allows, within the engine's `sql`
    /// limits.
    pub async fn sql(&self, tables: &dyn TableResolver, sql: &str) -> Result<ResultSet> {
        let limits = self.inner.config.sql;
        let deadline = Instant::now() + limits.time_limit;
        let frame =
            tokio::time::timeout_at(deadline, self.sql_frame(tables, sql, limits.memory_limit))
                .await
                .map_err(|_| Origin::Sql.timeout())??;
        let frame = match limits.max_rows {
            Some(max) => frame
                .limit(0, Some(usize::try_from(max).unwrap_or(usize::MAX - 1) + 1))
                .map_err(QueryError::internal)?,
            None => frame,
        };
        let schema = Arc::new(frame.schema().as_arrow().clone());
        let batches = run::collect(frame, deadline, Origin::Sql).await?;
        let mut result = ResultSet {
            columns: columns_of(&schema, |_| None),
            rows: Vec::new(),
        };
        for batch in &batches {
            append_rows(batch, &mut result.rows)?;
        }
        if let Some(max) = limits.max_rows
            && result.rows.len() as u64 > max
        {
            return Err(sql_error(ErrorCode::SqlTooManyRows).with_detail(format!("at most {max}")));
        }
        Ok(result)
    }

    /// The portal tables a query reads (to resolve them in one look-up before running it).
    pub fn sql_tables(&self, sql: &str) -> Result<Vec<TableName>> {
        let statement = parse_query(sql)?;
        let context = self.inner.sessions.context(0);
        let references = context
            .state()
            .resolve_table_references(&statement)
            .map_err(|err| from_engine(err, Origin::Sql))?;
        references
            .iter()
            .map(|reference| {
                portal_name(reference)
                    .and_then(TableName::parse)
                    .ok_or_else(|| {
                        sql_error(ErrorCode::SqlUnknownTable).with_field(reference.to_string())
                    })
            })
            .collect()
    }

    /// Plans a sandboxed query (no row cap) in a context with a memory pool of `memory_limit`.
    pub(crate) async fn sql_frame(
        &self,
        tables: &dyn TableResolver,
        sql: &str,
        memory_limit: usize,
    ) -> Result<DataFrame> {
        let statement = parse_query(sql)?;
        let context = self.inner.sessions.context(memory_limit);
        self.register_tables(&context, tables, &statement).await?;
        let state = context.state();
        let plan = state
            .statement_to_plan(statement)
            .await
            .map_err(|err| from_engine(err, Origin::Sql))?;
        SQLOptions::new()
            .with_allow_ddl(false)
            .with_allow_dml(false)
            .with_allow_statements(false)
            .verify_plan(&plan)
            .map_err(|err| sql_error(ErrorCode::SqlNotSelect).with_detail(err.to_string()))?;
        Ok(DataFrame::new(state, plan))
    }

    /// Puts in the query's catalog the tables it reads, each resolved through `tables`.
    async fn register_tables(
        &self,
        context: &SessionContext,
        tables: &dyn TableResolver,
        statement: &DfStatement,
    ) -> Result<()> {
        let references = context
            .state()
            .resolve_table_references(statement)
            .map_err(|err| from_engine(err, Origin::Sql))?;
        for reference in references {
            let unknown =
                || sql_error(ErrorCode::SqlUnknownTable).with_field(reference.to_string());
            let name = portal_name(&reference).ok_or_else(unknown)?;
            let file = self
                .inner
                .footers
                .open(tables, name, ErrorCode::SqlUnknownTable, "sql")
                .await?;
            context
                .register_table(reference.clone(), Arc::new(ParquetTable::new(file)))
                .map_err(QueryError::internal)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(sql: &str) -> ErrorCode {
        parse_query(sql).unwrap_err().code
    }

    #[test]
    fn only_one_query_parses() {
        assert!(parse_query("SELECT 1").is_ok());
        assert!(parse_query("WITH t AS (SELECT 1 AS x) SELECT x FROM t").is_ok());
        assert!(parse_query("SELECT 1 UNION ALL SELECT 2;").is_ok());
        assert_eq!(code("SELECT 1; SELECT 2"), ErrorCode::SqlMultipleStatements);
        assert_eq!(code("SELEC 1"), ErrorCode::SqlSyntax);
        assert_eq!(code(""), ErrorCode::SqlSyntax);
        for refused in [
            "CREATE TABLE t (x INT)",
            "CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '/etc'",
            "CREATE VIEW v AS SELECT 1",
            "DROP TABLE t",
            "INSERT INTO t VALUES (1)",
            "UPDATE t SET x = 1",
            "DELETE FROM t",
            "COPY (SELECT 1) TO '/tmp/x.csv'",
            "SET datafusion.execution.batch_size = 1",
            "SHOW TABLES",
            "EXPLAIN SELECT 1",
            "SELECT 1 INTO t",
            "BEGIN",
        ] {
            assert_eq!(code(refused), ErrorCode::SqlNotSelect, "{refused}");
        }
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = parse_query("SELECT *\nFROM t WHERE )").unwrap_err();
        assert_eq!(err.code, ErrorCode::SqlSyntax);
        assert_eq!(err.position.map(|p| p.line), Some(2));
    }
}
