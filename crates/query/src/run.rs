//! Running a planned query within its time limit. The deadline covers planning and execution;
//! when it passes, the future that drives the query is dropped, which drops the record-batch
//! stream and with it every task the plan spawned — the query is cancelled, not abandoned.
//! DataFusion's operators yield cooperatively, so the deadline is noticed even in CPU-bound
//! work.

use datafusion::arrow::array::RecordBatch;
use datafusion::dataframe::DataFrame;
use futures::TryStreamExt;
use tokio::time::Instant;

use crate::error::{Origin, Result, from_engine};

/// Runs `frame` to completion before `deadline`.
pub(crate) async fn collect(
    frame: DataFrame,
    deadline: Instant,
    origin: Origin,
) -> Result<Vec<RecordBatch>> {
    let run = async {
        let stream = frame.execute_stream().await?;
        stream.try_collect::<Vec<_>>().await
    };
    tokio::time::timeout_at(deadline, run)
        .await
        .map_err(|_| origin.timeout())?
        .map_err(|err| from_engine(err, origin))
}

/// Counts the rows of `frame` before `deadline`.
pub(crate) async fn count(frame: DataFrame, deadline: Instant, origin: Origin) -> Result<u64> {
    tokio::time::timeout_at(deadline, frame.count())
        .await
        .map_err(|_| origin.timeout())?
        .map(|n| n as u64)
        .map_err(|err| from_engine(err, origin))
}
