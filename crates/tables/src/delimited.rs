//! Delimited text: the dialect (delimiter and quote) sniffed from a sample, and a record reader
//! with bounded memory (a record longer than the limit, or with too many fields, is an error at
//! its line, so a 1 GB single-line file stops after the limit).

use std::io::Read;

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

use crate::error::{ErrorCode, IngestError, Location, Result};

/// Delimiters tried when sniffing, in order of preference on a tie.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// Records looked at when sniffing.
const SNIFF_RECORDS: usize = 50;

/// How a delimited file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dialect {
    pub delimiter: u8,
    pub quote: u8,
}

fn reader(dialect: Dialect) -> Reader {
    ReaderBuilder::new()
        .delimiter(dialect.delimiter)
        .quote(dialect.quote)
        .build()
}

/// Field counts of the first records of `sample` in a dialect.
fn field_counts(sample: &[u8], dialect: Dialect) -> Vec<usize> {
    let mut rdr = reader(dialect);
    let mut output = vec![0u8; sample.len().max(1)];
    let mut ends = vec![0usize; 4096];
    let mut input = sample;
    let mut counts = Vec::new();
    while counts.len() < SNIFF_RECORDS {
        let (result, nin, _, nend) = rdr.read_record(input, &mut output, &mut ends);
        input = &input[nin..];
        match result {
            ReadRecordResult::Record => counts.push(nend),
            // The sample's last record may be cut: leave it out.
            ReadRecordResult::InputEmpty | ReadRecordResult::End => break,
            ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => break,
        }
    }
    counts
}

/// Picks the delimiter whose records most often have the same number (two or more) of fields;
/// ties go to the first record agreeing with that number, then to more fields, then to the order
/// `,` `;` tab `|`. The quote is `"` unless the sample has none and uses `'` around fields.
pub(crate) fn sniff(sample: &str) -> Dialect {
    // Only whole lines.
    let cut = sample.rfind('\n').map_or(sample.len(), |at| at + 1);
    let sample = &sample.as_bytes()[..cut];
    let quote = if !sample.contains(&b'"') && single_quoted(sample) {
        b'\''
    } else {
        b'"'
    };
    let mut best: Option<((u64, bool, usize), Dialect)> = None;
    for delimiter in DELIMITERS {
        let dialect = Dialect { delimiter, quote };
        let counts = field_counts(sample, dialect);
        let Some(mode) = mode(&counts) else {
            continue;
        };
        if mode < 2 {
            continue;
        }
        let agreeing = counts.iter().filter(|&&c| c == mode).count();
        let consistency = (agreeing as u64 * 1000) / counts.len() as u64;
        let key = (consistency, counts.first() == Some(&mode), mode);
        if best.as_ref().is_none_or(|(k, _)| key > *k) {
            best = Some((key, dialect));
        }
    }
    best.map_or(
        Dialect {
            delimiter: b',',
            quote,
        },
        |(_, d)| d,
    )
}

/// How many times `byte` occurs in `bytes`.
fn count(bytes: &[u8], byte: u8) -> usize {
    bytes.iter().filter(|&&b| b == byte).count()
}

fn mode(counts: &[usize]) -> Option<usize> {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let mut best: Option<(usize, usize)> = None;
    for group in sorted.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(n, _)| group.len() > n) {
            best = Some((group.len(), group[0]));
        }
    }
    best.map(|(_, value)| value)
}

fn single_quoted(sample: &[u8]) -> bool {
    let openings = sample
        .windows(2)
        .filter(|w| matches!(w[0], b',' | b';' | b'\t' | b'\n') && w[1] == b'\'')
        .count()
        + usize::from(sample.first() == Some(&b'\''));
    openings >= 2
}

/// One record: its fields, the line it starts on and its index (0-based, all records counted).
pub(crate) struct Record<'a> {
    /// The fields' bytes, one after another (with one delimiter between them when `gap` is 1).
    bytes: &'a [u8],
    /// Where each field ends in `bytes`.
    ends: &'a [usize],
    /// Bytes between one field's end and the next field's start.
    gap: usize,
    pub line: u64,
    pub index: u64,
}

impl<'a> Record<'a> {
    /// The fields' bytes.
    pub fn fields(&self) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        let (bytes, gap) = (self.bytes, self.gap);
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let field = &bytes[start..end];
            start = end + gap;
            field
        })
    }

    /// The fields as text, or `None` when one is not valid UTF-8.
    pub fn texts(&self) -> Option<impl Iterator<Item = &'a str> + use<'a>> {
        let text = std::str::from_utf8(self.bytes).ok()?;
        let gap = self.gap;
        let boundaries = |end: usize| {
            text.is_char_boundary(end) && text.is_char_boundary((end + gap).min(text.len()))
        };
        if !self.ends.iter().all(|&end| boundaries(end)) {
            return None;
        }
        let mut start = 0;
        Some(self.ends.iter().map(move |&end| {
            let field = &text[start..end];
            start = end + gap;
            field
        }))
    }
}

/// Reads records from UTF-8 text with bounded buffers.
pub(crate) struct RecordReader<R> {
    input: R,
    rdr: Reader,
    delimiter: u8,
    quote: u8,
    /// Whether plain lines are split without csv-core (off only to compare the two in tests).
    plain_lines: bool,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    output: Vec<u8>,
    ends: Vec<usize>,
    max_record_bytes: usize,
    max_fields: usize,
    /// Index of the next record.
    index: u64,
    /// Line at the current input position (1-based).
    line: u64,
}

impl<R: Read> RecordReader<R> {
    pub fn new(input: R, dialect: Dialect, max_record_bytes: usize, max_fields: usize) -> Self {
        Self {
            input,
            rdr: reader(dialect),
            delimiter: dialect.delimiter,
            quote: dialect.quote,
            plain_lines: true,
            buf: vec![0; 256 * 1024],
            pos: 0,
            len: 0,
            eof: false,
            output: vec![0; 64 * 1024],
            ends: vec![0; 256],
            max_record_bytes,
            max_fields,
            index: 0,
            line: 1,
        }
    }

    /// The reader records are read from.
    pub fn input(&self) -> &R {
        &self.input
    }

    /// Refills the input buffer when it is used up; false at the end.
    fn fill(&mut self) -> Result<bool> {
        if self.pos == self.len && !self.eof {
            self.len = self.input.read(&mut self.buf)?;
            self.pos = 0;
            self.eof = self.len == 0;
        }
        Ok(self.pos < self.len)
    }

    /// Moves past empty lines (so a record's line is where its first field starts).
    fn skip_blank_lines(&mut self) -> Result<()> {
        while self.fill()? {
            match self.buf[self.pos] {
                b'\n' => self.line += 1,
                b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
        Ok(())
    }

    /// A record on one line of the buffer, without quotes or carriage returns, and within the
    /// limits: csv-core would split it at its delimiters and nothing else, so it is split at
    /// their positions (found with SIMD) and copied whole. Returns the bytes and fields copied;
    /// `None` leaves the record to csv-core.
    fn plain_record(&mut self) -> Option<(usize, usize)> {
        let input = &self.buf[self.pos..self.len];
        let length = memchr::memchr(b'\n', input)?;
        let line = &input[..length];
        if length > self.output.len() || memchr::memchr2(self.quote, b'\r', line).is_some() {
            return None;
        }
        let most = self.ends.len().min(self.max_fields);
        let mut fields = 0;
        for at in memchr::memchr_iter(self.delimiter, line) {
            if fields + 1 >= most {
                return None;
            }
            self.ends[fields] = at;
            fields += 1;
        }
        self.ends[fields] = length;
        self.output[..length].copy_from_slice(line);
        self.pos += length + 1;
        Some((length, fields + 1))
    }

    /// The record just read into the output (`out_len` bytes, `end_len` fields), counted.
    fn next(&mut self, out_len: usize, end_len: usize, gap: usize, line: u64) -> Record<'_> {
        self.index += 1;
        Record {
            bytes: &self.output[..out_len],
            ends: &self.ends[..end_len],
            gap,
            line,
            index: self.index - 1,
        }
    }

    /// The next record, or `None` at the end.
    pub fn next_record(&mut self) -> Result<Option<Record<'_>>> {
        self.skip_blank_lines()?;
        let line = self.line;
        if self.plain_lines
            && let Some((out_len, end_len)) = self.plain_record()
        {
            self.line += 1;
            return Ok(Some(self.next(out_len, end_len, 1, line)));
        }
        let (mut out_len, mut end_len) = (0usize, 0usize);
        // Quotes in the record's input already dropped from the buffer, and where the rest starts.
        let mut quotes = 0;
        let mut start = self.pos;
        loop {
            if self.pos == self.len {
                quotes += count(&self.buf[start..self.len], self.quote);
                self.fill()?;
                start = self.pos;
            }
            let input = &self.buf[self.pos..self.len];
            let lines = self.rdr.line();
            let (result, nin, nout, nend) = self.rdr.read_record(
                input,
                &mut self.output[out_len..],
                &mut self.ends[end_len..],
            );
            self.line += self.rdr.line() - lines;
            self.pos += nin;
            out_len += nout;
            end_len += nend;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    if self.output.len() >= self.max_record_bytes {
                        return Err(IngestError::new(ErrorCode::RecordTooLarge)
                            .at(Location::line(line))
                            .with("max_bytes", self.max_record_bytes));
                    }
                    let grown = (self.output.len() * 2).min(self.max_record_bytes);
                    self.output.resize(grown, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() > self.max_fields {
                        return Err(IngestError::new(ErrorCode::TooManyColumns)
                            .at(Location::line(line))
                            .with("max", self.max_fields));
                    }
                    let grown = (self.ends.len() * 2).min(self.max_fields + 1);
                    self.ends.resize(grown, 0);
                }
                ReadRecordResult::Record => {
                    if self.eof && (quotes + count(&self.buf[start..self.pos], self.quote)) % 2 == 1
                    {
                        return Err(
                            IngestError::new(ErrorCode::UnterminatedQuote).at(Location::line(line))
                        );
                    }
                    if end_len > self.max_fields {
                        return Err(IngestError::new(ErrorCode::TooManyColumns)
                            .at(Location::line(line))
                            .with("columns", end_len)
                            .with("max", self.max_fields));
                    }
                    return Ok(Some(self.next(out_len, end_len, 0, line)));
                }
                ReadRecordResult::End => return Ok(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dialect(sample: &str) -> (char, char) {
        let d = sniff(sample);
        (d.delimiter as char, d.quote as char)
    }

    #[test]
    fn sniffs_the_delimiter() {
        assert_eq!(dialect("a,b,c\n1,2,3\n4,5,6\n").0, ',');
        assert_eq!(dialect("Tỉnh;Dân số\nHà Nội;8.435,7\nHuế;1.160,2\n").0, ';');
        assert_eq!(dialect("a\tb\n1,5\t2\n").0, '\t');
        assert_eq!(dialect("a|b|c\n1|2|3\n").0, '|');
        assert_eq!(dialect("\"x,y\";b\n\"1,2\";3\n").0, ';');
        assert_eq!(dialect("only\none\ncolumn\n").0, ',');
        assert_eq!(dialect("'a b',c\n'd, e',f\n"), (',', '\''));
    }

    fn records(text: &str, max_record: usize) -> Result<Vec<(u64, Vec<String>)>> {
        let d = Dialect {
            delimiter: b',',
            quote: b'"',
        };
        let mut reader = RecordReader::new(text.as_bytes(), d, max_record, 10);
        let mut out = Vec::new();
        while let Some(record) = reader.next_record()? {
            let fields = record
                .fields()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            out.push((record.line, fields));
        }
        Ok(out)
    }

    /// A record read back: its line, its index and its fields' bytes.
    type ReadRecord = (u64, u64, Vec<Vec<u8>>);

    /// Every record of `text` or the first error, split with or without the plain-line path.
    fn all_records(text: &[u8], plain_lines: bool) -> Result<Vec<ReadRecord>> {
        let d = Dialect {
            delimiter: b',',
            quote: b'"',
        };
        let mut reader = RecordReader::new(text, d, 64, 6);
        reader.plain_lines = plain_lines;
        let mut out = Vec::new();
        while let Some(record) = reader.next_record()? {
            let texts = record
                .texts()
                .map(|t| t.map(str::to_owned).collect::<Vec<_>>());
            let fields: Vec<Vec<u8>> = record.fields().map(<[u8]>::to_vec).collect();
            if let Some(texts) = texts {
                let bytes: Vec<Vec<u8>> = texts.into_iter().map(String::into_bytes).collect();
                assert_eq!(bytes, fields);
            }
            out.push((record.line, record.index, fields));
        }
        Ok(out)
    }

    #[test]
    fn plain_lines_split_as_csv_core_splits_them() {
        // Random texts over an alphabet rich in delimiters, quotes, line ends and UTF-8.
        let alphabet: [&[u8]; 10] = [
            b"a",
            b"7",
            b",",
            b",",
            b"\"",
            b"\n",
            b"\n",
            b"\r",
            "đ".as_bytes(),
            b" ",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut plain = 0;
        for _ in 0..3_000 {
            let mut text = Vec::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for _ in 0..(state % 120) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.extend_from_slice(alphabet[(state % 10) as usize]);
            }
            let fast = all_records(&text, true);
            let reference = all_records(&text, false);
            match (&fast, &reference) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{:?}", String::from_utf8_lossy(&text)),
                (Err(a), Err(b)) => assert_eq!(
                    (a.code, a.location.line),
                    (b.code, b.location.line),
                    "{:?}",
                    String::from_utf8_lossy(&text)
                ),
                _ => panic!(
                    "{:?}: {fast:?} / {reference:?}",
                    String::from_utf8_lossy(&text)
                ),
            }
            plain += usize::from(!text.contains(&b'"') && !text.contains(&b'\r'));
        }
        assert!(plain > 100, "plain texts were tried ({plain})");
    }

    #[test]
    fn reads_records_with_their_lines() {
        let got = records("a,b\n\"x\ny\",2\n\n3,4", 1 << 20).unwrap();
        assert_eq!(
            got,
            vec![
                (1, vec!["a".into(), "b".into()]),
                (2, vec!["x\ny".into(), "2".into()]),
                (5, vec!["3".into(), "4".into()]),
            ]
        );
    }

    #[test]
    fn long_records_many_fields_and_open_quotes_are_errors() {
        let long = format!("a,b\n{}\n", "x".repeat(100_000));
        let err = records(&long, 64 * 1024).unwrap_err();
        assert_eq!(err.code, ErrorCode::RecordTooLarge);
        assert_eq!(err.location.line, Some(2));
        let wide = format!("{}\n", vec!["1"; 50].join(","));
        assert_eq!(
            records(&wide, 1 << 20).unwrap_err().code,
            ErrorCode::TooManyColumns
        );
        let open = "a,b\n1,\"never closed\n2,3\n";
        let err = records(open, 1 << 20).unwrap_err();
        assert_eq!(err.code, ErrorCode::UnterminatedQuote);
        assert_eq!(err.location.line, Some(2));
    }
}
