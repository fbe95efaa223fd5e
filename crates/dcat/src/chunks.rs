//! A [`Write`] whose bytes are taken out while the writing goes on, so a document written by a
//! synchronous serializer can be streamed a batch at a time.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};

/// Bytes gathered before they are handed over (one lock per chunk, not per write).
const CHUNK: usize = 64 * 1024;

/// The writing end: give it to a serializer.
#[derive(Debug)]
pub struct ChunkWriter {
    local: Vec<u8>,
    shared: Arc<Mutex<Vec<u8>>>,
}

/// The reading end: [`Chunks::take`] what has been written so far.
#[derive(Debug, Clone)]
pub struct Chunks(Arc<Mutex<Vec<u8>>>);

/// A connected writer and reader.
pub fn chunked() -> (ChunkWriter, Chunks) {
    let shared = Arc::new(Mutex::new(Vec::new()));
    (
        ChunkWriter {
            local: Vec::with_capacity(CHUNK),
            shared: shared.clone(),
        },
        Chunks(shared),
    )
}

impl Chunks {
    /// The bytes handed over since the last call (the writer keeps up to 64 KiB until it has
    /// more, or until [`ChunkWriter::into_rest`]).
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl ChunkWriter {
    /// Ends the writing: every byte not yet taken.
    pub fn into_rest(self, chunks: &Chunks) -> Vec<u8> {
        let mut rest = chunks.take();
        rest.extend_from_slice(&self.local);
        rest
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.local.extend_from_slice(buf);
        if self.local.len() >= CHUNK {
            self.flush()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .append(&mut self.local);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_comes_out_once_in_order() {
        let (mut writer, chunks) = chunked();
        let mut seen = Vec::new();
        let mut expected = Vec::new();
        for i in 0..50_000u32 {
            let line = format!("{i}\n");
            writer.write_all(line.as_bytes()).unwrap();
            expected.extend_from_slice(line.as_bytes());
            if i % 7_000 == 0 {
                seen.extend(chunks.take());
            }
        }
        seen.extend(writer.into_rest(&chunks));
        assert_eq!(seen, expected);
    }
}
