//! Streaming a query result through an encoder with bounded memory.
//!
//! A driver task pulls record batches from the plan (one plan per part: a data package has
//! several) and hands them over a small channel to an encoder on a blocking thread, which
//! writes bytes into a [`ChunkWriter`]; 64 KiB chunks go over another small channel to the
//! consumer's stream. Both channels are bounded, so a slow consumer slows the query down instead
//! of filling memory; a consumer that goes away closes the channels, which stops the encoder
//! and the driver and drops the plan's stream, cancelling the query. The time limit covers the
//! whole run. An error is sent as the stream's last item and nothing is finished after it (no
//! closing bracket or zip directory that would make a truncated file look complete).

use std::io::{self, Write};
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::execution::TaskContext;
use datafusion::physical_plan::{ExecutionPlan, execute_stream};
use futures::{Stream, StreamExt};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::error::{ErrorCode, Origin, QueryError, Result, from_engine};

/// Bytes of an export, in chunks; an `Err` item ends it (the output is incomplete).
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>>;

/// Size of the chunks sent.
const CHUNK_BYTES: usize = 64 << 10;

/// Writes into the export's stream, in chunks. Used on a blocking thread only.
pub(crate) struct ChunkWriter {
    buffer: Vec<u8>,
    sender: mpsc::Sender<Result<Bytes>>,
}

impl ChunkWriter {
    pub(crate) fn new(sender: mpsc::Sender<Result<Bytes>>) -> Self {
        Self {
            buffer: Vec::with_capacity(CHUNK_BYTES),
            sender,
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK_BYTES),
        ));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "export consumer gone"))
    }

    /// Sends what is buffered: the end of the output.
    pub fn close(&mut self) -> io::Result<()> {
        self.send()
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(data.len())
    }

    /// Chunks are sent when full and at [`ChunkWriter::close`]; flushing sends nothing early.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Turns record batches into the bytes of a format.
pub(crate) trait Encoder: Send {
    /// Starts part `index` (the only one of an export, a resource of a package).
    fn begin(&mut self, index: usize, schema: &SchemaRef) -> Result<()>;
    /// Encodes rows of the current part.
    fn batch(&mut self, batch: &RecordBatch) -> Result<()>;
    /// Ends the current part.
    fn end(&mut self) -> Result<()>;
    /// Ends the output, sending what is left.
    fn finish(self: Box<Self>) -> Result<()>;
}

/// Builds an encoder writing into a chunk writer.
pub(crate) type EncoderFactory = Box<dyn FnOnce(ChunkWriter) -> Result<Box<dyn Encoder>> + Send>;

/// One plan whose result is a part of the output.
pub(crate) struct Part {
    pub plan: Arc<dyn ExecutionPlan>,
    pub task: Arc<TaskContext>,
}

/// Bounds of a streamed run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StreamLimits {
    pub deadline: Instant,
    pub origin: Origin,
    /// Most rows of each part.
    pub max_rows: Option<u64>,
}

enum Message {
    Begin(usize, SchemaRef),
    Batch(RecordBatch),
    End,
    Done,
    Failed(QueryError),
}

/// Starts streaming `parts` through an encoder. Waits for the first chunk, so that an error
/// found before any byte is produced (a bad plan, a time-out, an XLSX limit) is returned here
/// rather than in the stream.
pub(crate) async fn stream(
    parts: Vec<Part>,
    encoder: EncoderFactory,
    limits: StreamLimits,
) -> Result<ByteStream> {
    let (out_sender, mut out) = mpsc::channel::<Result<Bytes>>(4);
    let (batch_sender, batches) = mpsc::channel::<Message>(2);
    let encoder_out = out_sender.clone();
    tokio::task::spawn_blocking(move || {
        let errors = encoder_out.clone();
        let result = encoder(ChunkWriter::new(encoder_out)).and_then(|e| encode(e, batches));
        if let Err(err) = result {
            let _ = errors.blocking_send(Err(err));
        }
    });
    drop(out_sender);
    tokio::spawn(drive(parts, batch_sender, limits));
    let first = out.recv().await;
    let rest = futures::stream::unfold(out, |mut out| async move {
        out.recv().await.map(|item| (item, out))
    });
    match first {
        None => Ok(Box::pin(futures::stream::empty())),
        Some(Err(err)) => Err(err),
        Some(Ok(chunk)) => Ok(Box::pin(
            futures::stream::once(async { Ok(chunk) }).chain(rest),
        )),
    }
}

fn encode(mut encoder: Box<dyn Encoder>, mut batches: mpsc::Receiver<Message>) -> Result<()> {
    while let Some(message) = batches.blocking_recv() {
        match message {
            Message::Begin(index, schema) => encoder.begin(index, &schema)?,
            Message::Batch(batch) => encoder.batch(&batch)?,
            Message::End => encoder.end()?,
            Message::Done => return encoder.finish(),
            Message::Failed(err) => return Err(err),
        }
    }
    Err(QueryError::internal("export interrupted"))
}

async fn drive(parts: Vec<Part>, sender: mpsc::Sender<Message>, limits: StreamLimits) {
    let send = |message| {
        let sender = &sender;
        async move {
            tokio::time::timeout_at(limits.deadline, sender.send(message))
                .await
                .map_err(|_| Some(limits.origin.timeout()))?
                .map_err(|_| None)
        }
    };
    let result: Result<(), Option<QueryError>> = async {
        for (index, part) in parts.into_iter().enumerate() {
            let mut stream = execute_stream(part.plan, part.task)
                .map_err(|err| Some(from_engine(err, limits.origin)))?;
            send(Message::Begin(index, stream.schema())).await?;
            let mut rows: u64 = 0;
            loop {
                let next = tokio::time::timeout_at(limits.deadline, stream.next())
                    .await
                    .map_err(|_| Some(limits.origin.timeout()))?;
                let Some(batch) = next else { break };
                let batch = batch.map_err(|err| Some(from_engine(err, limits.origin)))?;
                rows += batch.num_rows() as u64;
                if let Some(max) = limits.max_rows
                    && rows > max
                {
                    return Err(Some(too_many_rows(limits.origin, max)));
                }
                send(Message::Batch(batch)).await?;
            }
            send(Message::End).await?;
        }
        send(Message::Done).await
    }
    .await;
    if let Err(Some(err)) = result {
        let _ = sender.send(Message::Failed(err)).await;
    }
}

fn too_many_rows(origin: Origin, max: u64) -> QueryError {
    let code = match origin {
        Origin::Sql => ErrorCode::SqlTooManyRows,
        Origin::Api => ErrorCode::ExportTooManyRows,
    };
    QueryError::new(code).with_detail(format!("at most {max}"))
}

/// An I/O failure of an encoder (the consumer went away, a temporary file failed).
pub(crate) fn io_error(err: impl std::fmt::Display) -> QueryError {
    QueryError::internal(err)
}
