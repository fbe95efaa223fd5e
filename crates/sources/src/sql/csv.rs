//! The CSV file being written: RFC 4180 quoting, `\n` line ends, caps on rows and bytes, SHA-256
//! as it goes, a temporary file renamed into place only when complete.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use super::{Finished, SqlError};

/// Appends `value` to `out` as one CSV field: quoted when it holds `,` `"` CR or LF, starts or
/// ends with a space or tab, or is empty (so an empty string differs from `NULL`).
pub(super) fn push_field(out: &mut Vec<u8>, value: &str) {
    let needs_quotes = value.is_empty()
        || value.starts_with([' ', '\t'])
        || value.ends_with([' ', '\t'])
        || value.contains([',', '"', '\r', '\n']);
    if !needs_quotes {
        out.extend_from_slice(value.as_bytes());
        return;
    }
    out.push(b'"');
    for part in value.split_inclusive('"') {
        out.extend_from_slice(part.as_bytes());
        if part.ends_with('"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// The CSV output of one extraction.
pub(super) struct CsvSink {
    file: BufWriter<NamedTempFile>,
    dest: PathBuf,
    hasher: Sha256,
    rows: u64,
    bytes: u64,
    max_rows: u64,
    max_bytes: u64,
    columns: Vec<String>,
    record: Vec<u8>,
    fields_in_record: usize,
    scratch: String,
}

impl CsvSink {
    /// A temporary file next to `dest` (removed again if the sink is dropped unfinished).
    pub(super) fn create(dest: &Path, max_rows: u64, max_bytes: u64) -> Result<Self, SqlError> {
        let folder = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".dulieu-sql-")
            .suffix(".csv.tmp")
            .tempfile_in(folder)
            .map_err(|e| {
                SqlError::io(&format!("cannot create a file in {}", folder.display()), e)
            })?;
        Ok(CsvSink {
            file: BufWriter::with_capacity(64 * 1024, tmp),
            dest: dest.to_path_buf(),
            hasher: Sha256::new(),
            rows: 0,
            bytes: 0,
            max_rows,
            max_bytes,
            columns: Vec::new(),
            record: Vec::with_capacity(1024),
            fields_in_record: 0,
            scratch: String::new(),
        })
    }

    /// Writes the header row.
    pub(super) fn header(&mut self, columns: Vec<String>) -> Result<(), SqlError> {
        self.record.clear();
        self.fields_in_record = 0;
        for name in &columns {
            self.separator();
            push_field(&mut self.record, name);
        }
        self.columns = columns;
        self.flush_record()
    }

    /// Starts the next data row (1-based number returned), refusing one past `max_rows`.
    pub(super) fn start_row(&mut self) -> Result<u64, SqlError> {
        if self.rows >= self.max_rows {
            return Err(SqlError::new(
                "too_many_rows",
                format!(
                    "the query returns more than {} rows, the limit set by the administrator; \
                     nothing was published",
                    self.max_rows
                ),
            ));
        }
        self.rows += 1;
        self.record.clear();
        self.fields_in_record = 0;
        Ok(self.rows)
    }

    fn separator(&mut self) {
        if self.fields_in_record > 0 {
            self.record.push(b',');
        }
        self.fields_in_record += 1;
    }

    /// A `NULL`: an empty field.
    pub(super) fn null(&mut self) {
        self.separator();
    }

    /// A text field.
    pub(super) fn text(&mut self, value: &str) {
        self.separator();
        push_field(&mut self.record, value);
    }

    /// A field from anything `Display` (numbers), without a temporary allocation per field.
    pub(super) fn display(&mut self, value: impl std::fmt::Display) {
        self.scratch.clear();
        let _ = write!(self.scratch, "{value}");
        self.separator();
        push_field(&mut self.record, &self.scratch);
    }

    /// Ends the row and writes it, refusing a file past `max_bytes`.
    pub(super) fn end_row(&mut self) -> Result<(), SqlError> {
        self.flush_record()
    }

    fn flush_record(&mut self) -> Result<(), SqlError> {
        self.record.push(b'\n');
        let len = self.record.len() as u64;
        if self.bytes + len > self.max_bytes {
            return Err(SqlError::new(
                "too_large",
                format!(
                    "the CSV file would be larger than {} bytes, the limit set by the \
                     administrator (reached at row {}); nothing was published",
                    self.max_bytes, self.rows
                ),
            ));
        }
        self.file
            .write_all(&self.record)
            .map_err(|e| SqlError::io("cannot write the CSV file", e))?;
        self.hasher.update(&self.record);
        self.bytes += len;
        Ok(())
    }

    /// Flushes, syncs and renames the file into place. Blocking: call it off the async runtime.
    pub(super) fn finish(self) -> Result<Finished, SqlError> {
        let tmp = self
            .file
            .into_inner()
            .map_err(|e| SqlError::io("cannot write the CSV file", e.into_error()))?;
        tmp.as_file()
            .sync_all()
            .map_err(|e| SqlError::io("cannot write the CSV file", e))?;
        tmp.persist(&self.dest).map_err(|e| {
            SqlError::io(
                &format!(
                    "cannot move the CSV file into place at {}",
                    self.dest.display()
                ),
                e.error,
            )
        })?;
        // Make the rename itself durable.
        if let Some(folder) = self.dest.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(dir) = std::fs::File::open(folder)
        {
            let _ = dir.sync_all();
        }
        Ok(Finished {
            rows: self.rows,
            bytes: self.bytes,
            sha256: hex::encode(self.hasher.finalize()),
            columns: self.columns,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(value: &str) -> String {
        let mut out = Vec::new();
        push_field(&mut out, value);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn quoting() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("Hà Nội"), "Hà Nội");
        assert_eq!(field(""), "\"\"");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("\""), "\"\"\"\"");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(field("cr\r"), "\"cr\r\"");
        assert_eq!(field(" lead"), "\" lead\"");
        assert_eq!(field("trail "), "\"trail \"");
        assert_eq!(field("in side"), "in side");
        assert_eq!(field("tab\t"), "\"tab\t\"");
    }

    #[test]
    fn rows_and_caps() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.csv");
        let mut sink = CsvSink::create(&dest, 2, 1000).unwrap();
        sink.header(vec!["id".into(), "tên".into()]).unwrap();
        sink.start_row().unwrap();
        sink.display(1);
        sink.text("Đà Nẵng, Việt Nam");
        sink.end_row().unwrap();
        sink.start_row().unwrap();
        sink.display(2);
        sink.null();
        sink.end_row().unwrap();
        assert_eq!(sink.start_row().unwrap_err().code(), "too_many_rows");
        let done = sink.finish().unwrap();
        let bytes = std::fs::read(&dest).unwrap();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            "id,tên\n1,\"Đà Nẵng, Việt Nam\"\n2,\n"
        );
        assert_eq!(done.rows, 2);
        assert_eq!(done.bytes, bytes.len() as u64);
        assert_eq!(done.sha256, hex::encode(Sha256::digest(&bytes)));

        let dest2 = dir.path().join("big.csv");
        let mut sink = CsvSink::create(&dest2, 100, 10).unwrap();
        sink.header(vec!["a".into()]).unwrap();
        sink.start_row().unwrap();
        sink.text("0123456789");
        assert_eq!(sink.end_row().unwrap_err().code(), "too_large");
        drop(sink);
        assert!(!dest2.exists());
        // Only the finished file is left in the folder: no temporary files.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.csv")]);
    }
}
