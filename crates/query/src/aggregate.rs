//! Aggregates: rows grouped by zero or more columns, with `count`, `sum`, `avg`, `min` and `max`
//! over named columns, after the same filters and `q` as rows.

use std::sync::Arc;

use datafusion::functions_aggregate::count::count_all;
use datafusion::functions_aggregate::expr_fn::{avg, count, max, min, sum};
use datafusion::logical_expr::{Expr, ident};
use dulieu_tables::FieldType;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::Engine;
use crate::error::{ErrorCode, Origin, QueryError, Result};
use crate::filter::{Filter, SortKey};
use crate::result::{ResultSet, append_rows, columns_of};
use crate::rows::{RowsRequest, Selection, checked_limit};
use crate::run;
use crate::tables::{TableFile, TableResolver};

/// Groups per result when the request gives no `limit`.
pub const DEFAULT_GROUPS: usize = 1_000;

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricFunction {
    /// Rows (without a field) or values that are not null (with one).
    Count,
    /// Sum of numbers.
    Sum,
    /// Mean of numbers.
    Avg,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
}

impl MetricFunction {
    const ALL: [Self; 5] = [Self::Count, Self::Sum, Self::Avg, Self::Min, Self::Max];

    /// The function's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Sum => "sum",
            Self::Avg => "avg",
            Self::Min => "min",
            Self::Max => "max",
        }
    }
}

/// One aggregate column: a function and the field it reads (`count` alone counts rows).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Metric {
    /// The function.
    pub function: MetricFunction,
    /// The field, required except for `count`.
    pub field: Option<String>,
}

impl Metric {
    /// `count` of rows.
    pub fn count() -> Self {
        Self {
            function: MetricFunction::Count,
            field: None,
        }
    }

    /// A function of a field.
    pub fn of(function: MetricFunction, field: impl Into<String>) -> Self {
        Self {
            function,
            field: Some(field.into()),
        }
    }

    /// Reads `count`, `function:field` or `function(field)`.
    pub fn parse(text: &str) -> Result<Self> {
        let unknown = || QueryError::param(ErrorCode::UnknownMetric, "metrics").with_value(text);
        let (name, field) = if let Some((name, field)) = text.split_once(':') {
            (name, Some(field))
        } else if let Some(open) = text.find('(')
            && let Some(field) = text[open + 1..].strip_suffix(')')
        {
            (&text[..open], Some(field))
        } else {
            (text, None)
        };
        let function = MetricFunction::ALL
            .into_iter()
            .find(|function| function.name() == name.trim())
            .ok_or_else(unknown)?;
        let field = field.filter(|field| !field.is_empty()).map(str::to_owned);
        if field.is_none() && function != MetricFunction::Count {
            return Err(unknown());
        }
        Ok(Self { function, field })
    }

    /// The result column's name: `count`, or `function(field)`.
    pub fn name(&self) -> String {
        match &self.field {
            Some(field) => format!("{}({field})", self.function.name()),
            None => self.function.name().to_owned(),
        }
    }

    fn to_expr(&self, file: &TableFile) -> Result<Expr> {
        let Some(name) = &self.field else {
            return Ok(count_all().alias(self.name()));
        };
        let field = file.field(name, "metrics")?;
        let numeric = matches!(field.field_type, FieldType::Integer | FieldType::Number);
        let allowed = match self.function {
            MetricFunction::Count => true,
            MetricFunction::Sum | MetricFunction::Avg => numeric,
            MetricFunction::Min | MetricFunction::Max => field.field_type != FieldType::Geojson,
        };
        if !allowed {
            return Err(QueryError::param(ErrorCode::MetricType, "metrics")
                .with_field(name)
                .with_value(self.function.name())
                .with_detail(field.field_type.name()));
        }
        let column = ident(&field.name);
        let expr = match self.function {
            MetricFunction::Count => count(column),
            MetricFunction::Sum => sum(column),
            MetricFunction::Avg => avg(column),
            MetricFunction::Min => min(column),
            MetricFunction::Max => max(column),
        };
        Ok(expr.alias(self.name()))
    }
}

/// Groups, metrics, and which rows they are computed over.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AggregateRequest {
    /// Conditions, all of which a row meets.
    pub filters: Vec<Filter>,
    /// Words every counted row contains in its text columns (as for rows).
    pub q: Option<String>,
    /// The grouping columns (none: one row over all rows).
    pub group_by: Vec<String>,
    /// The metrics (none: `count`).
    pub metrics: Vec<Metric>,
    /// Ordering by result columns (group columns or metric names such as `sum(x)`); by
    /// default the group columns ascending. Nulls last.
    pub sort: Vec<SortKey>,
    /// Most groups returned (default 1,000, at most the engine's `api.max_rows`).
    pub limit: Option<usize>,
}

/// The groups, and whether there were more than `limit`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AggregateResult {
    /// One row per group: the group columns, then the metrics.
    #[serde(flatten)]
    pub result: ResultSet,
    /// More groups exist than were returned.
    pub truncated: bool,
}

impl Engine {
    /// Aggregates over `table`.
    pub async fn aggregate(
        &self,
        tables: &dyn TableResolver,
        table: &str,
        request: &AggregateRequest,
    ) -> Result<AggregateResult> {
        let limits = self.inner.config.api;
        let deadline = Instant::now() + limits.time_limit;
        let limit = checked_limit(request.limit.unwrap_or(DEFAULT_GROUPS), limits.max_rows)?;
        let file = self
            .inner
            .footers
            .open(tables, table, ErrorCode::UnknownTable, "table")
            .await?;
        let frame = self.aggregate_frame(file.clone(), request, limits.memory_limit)?;
        let frame = frame
            .limit(0, Some(limit + 1))
            .map_err(QueryError::internal)?;
        let batches = run::collect(frame, deadline, Origin::Api).await?;
        let mut result = ResultSet::default();
        for batch in &batches {
            if result.columns.is_empty() {
                result.columns = columns_of(&batch.schema(), |name| {
                    request
                        .group_by
                        .iter()
                        .any(|group| group == name)
                        .then(|| file.field_type(name))
                        .flatten()
                });
            }
            append_rows(batch, &mut result.rows)?;
        }
        let truncated = result.rows.len() > limit;
        result.rows.truncate(limit);
        Ok(AggregateResult { result, truncated })
    }

    /// The grouped, sorted frame of an aggregate request (without a row limit).
    pub(crate) fn aggregate_frame(
        &self,
        file: Arc<TableFile>,
        request: &AggregateRequest,
        memory_limit: usize,
    ) -> Result<datafusion::dataframe::DataFrame> {
        let rows = RowsRequest {
            filters: request.filters.clone(),
            q: request.q.clone(),
            ..RowsRequest::default()
        };
        let selection = Selection::new(file.clone(), &rows)?;
        let mut groups: Vec<String> = Vec::new();
        for name in &request.group_by {
            let field = file.field(name, "group_by")?;
            if !groups.contains(&field.name) {
                groups.push(field.name.clone());
            }
        }
        let metrics = if request.metrics.is_empty() {
            vec![Metric::count()]
        } else {
            request.metrics.clone()
        };
        let aggregates = metrics
            .iter()
            .map(|metric| metric.to_expr(&file))
            .collect::<Result<Vec<_>>>()?;
        let outputs: Vec<String> = groups
            .iter()
            .cloned()
            .chain(metrics.iter().map(Metric::name))
            .collect();
        let order = if request.sort.is_empty() {
            groups
                .iter()
                .map(|name| ident(name).sort(true, false))
                .collect()
        } else {
            request
                .sort
                .iter()
                .map(|key| {
                    if !outputs.contains(&key.field) {
                        return Err(QueryError::param(ErrorCode::UnknownField, "sort")
                            .with_field(&key.field));
                    }
                    Ok(ident(&key.field).sort(!key.descending, false))
                })
                .collect::<Result<Vec<_>>>()?
        };
        let frame = selection.filtered_table(self, memory_limit)?;
        frame
            .aggregate(groups.iter().map(ident).collect(), aggregates)
            .and_then(|frame| {
                if order.is_empty() {
                    Ok(frame)
                } else {
                    frame.sort(order)
                }
            })
            .map_err(QueryError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_metrics() {
        assert_eq!(Metric::parse("count").unwrap(), Metric::count());
        assert_eq!(
            Metric::parse("sum:Dân số").unwrap(),
            Metric::of(MetricFunction::Sum, "Dân số")
        );
        assert_eq!(
            Metric::parse("avg(ty_le)").unwrap(),
            Metric::of(MetricFunction::Avg, "ty_le")
        );
        assert_eq!(Metric::of(MetricFunction::Max, "x").name(), "max(x)");
        assert_eq!(
            Metric::parse("median:x").unwrap_err().code,
            ErrorCode::UnknownMetric
        );
        assert_eq!(
            Metric::parse("sum").unwrap_err().code,
            ErrorCode::UnknownMetric
        );
    }
}
