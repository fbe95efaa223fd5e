//! The real format of a file, from its bytes (never from its name).

use std::io::{Read, Seek};

use serde::{Deserialize, Serialize};

use crate::encoding::{self, Detected};
use crate::error::{ErrorCode, IngestError, Location, Result};

/// Bytes read from the start of a file to detect its format and encoding.
pub(crate) const SAMPLE_BYTES: usize = 1 << 20;

/// A tabular format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    /// Delimited text: CSV, TSV, semicolon- or pipe-separated.
    Csv,
    /// Office Open XML workbook.
    Xlsx,
    /// Excel binary workbook (2007+).
    Xlsb,
    /// Excel 97–2003 workbook.
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
    /// A JSON array of objects.
    Json,
    /// A GeoJSON FeatureCollection.
    Geojson,
}

impl SourceFormat {
    /// The format's name as stored (`csv`, `xlsx`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Xlsb => "xlsb",
            Self::Xls => "xls",
            Self::Ods => "ods",
            Self::Json => "json",
            Self::Geojson => "geojson",
        }
    }
}

/// What the first bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniffed {
    /// A zip archive: XLSX, XLSB or ODS (told apart by its entries).
    Zip,
    /// An OLE compound file: XLS.
    Ole,
    /// Text in an encoding; JSON when it starts with `[` or `{`.
    Text { encoding: Detected, json: bool },
}

/// Signatures of formats that are not tabular, with the name reported.
const NOT_TABULAR: &[(&[u8], &str)] = &[
    (b"%PDF", "pdf"),
    (b"\x89PNG", "png"),
    (b"\xFF\xD8\xFF", "jpeg"),
    (b"GIF8", "gif"),
    (b"\x1F\x8B", "gzip"),
    (b"7z\xBC\xAF\x27\x1C", "7z"),
    (b"Rar!", "rar"),
    (b"BZh", "bzip2"),
    (b"\x7FELF", "executable"),
    (b"MZ", "executable"),
    (b"PAR1", "parquet"),
    (b"{\\rtf", "rtf"),
];

/// Reads the first bytes of `file` (then rewinds it).
pub(crate) fn read_sample(file: &mut (impl Read + Seek)) -> Result<Vec<u8>> {
    let mut sample = Vec::with_capacity(64 * 1024);
    file.by_ref()
        .take(SAMPLE_BYTES as u64)
        .read_to_end(&mut sample)?;
    file.rewind()?;
    Ok(sample)
}

/// Detects the kind of file from its first bytes.
pub(crate) fn sniff(sample: &[u8]) -> Result<Sniffed> {
    if sample.starts_with(b"PK\x03\x04") || sample.starts_with(b"PK\x05\x06") {
        return Ok(Sniffed::Zip);
    }
    if sample.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Ok(Sniffed::Ole);
    }
    if let Some((_, name)) = NOT_TABULAR
        .iter()
        .find(|(magic, _)| sample.starts_with(magic))
    {
        return Err(IngestError::new(ErrorCode::UnsupportedFormat).with("format", name));
    }
    let encoding = encoding::detect(sample);
    let text = decode_sample(sample, encoding);
    let trimmed = text.trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n']);
    if trimmed.is_empty() {
        return Err(IngestError::new(ErrorCode::EmptyFile));
    }
    if let Some(offset) = binary_offset(sample, &text, encoding) {
        return Err(IngestError::new(ErrorCode::BinaryFile).at(Location::offset(offset)));
    }
    let head: String = trimmed.chars().take(256).collect::<String>().to_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return Err(IngestError::new(ErrorCode::UnsupportedFormat).with("format", "html"));
    }
    if head.starts_with("<?xml") || head.starts_with('<') {
        return Err(IngestError::new(ErrorCode::UnsupportedFormat).with("format", "xml"));
    }
    let json = trimmed.starts_with('[') || trimmed.starts_with('{');
    Ok(Sniffed::Text { encoding, json })
}

/// The sample as text (lossy), for looking at its start.
pub(crate) fn decode_sample(sample: &[u8], detected: Detected) -> String {
    let mut reader = encoding::DecodeReader::new(sample, detected);
    let mut out = Vec::new();
    // Reading a byte slice cannot fail.
    let _ = reader.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Where the sample stops looking like text: a NUL byte (outside UTF-16), or many control
/// characters.
fn binary_offset(sample: &[u8], text: &str, detected: Detected) -> Option<u64> {
    let utf16 = matches!(
        detected.encoding,
        encoding::TextEncoding::Utf16Le | encoding::TextEncoding::Utf16Be
    );
    if !utf16 && let Some(at) = sample.iter().position(|&b| b == 0) {
        return Some(at as u64);
    }
    let mut controls = 0usize;
    let mut chars = 0usize;
    for ch in text.chars().take(64 * 1024) {
        chars += 1;
        if ch == '\u{FFFD}' || ch.is_control() && !matches!(ch, '\n' | '\r' | '\t' | '\u{c}') {
            controls += 1;
        }
    }
    (chars > 0 && controls * 10 > chars).then_some(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers_decide_before_the_name() {
        assert_eq!(sniff(b"PK\x03\x04rest").unwrap(), Sniffed::Zip);
        assert_eq!(
            sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest").unwrap(),
            Sniffed::Ole
        );
        let err = sniff(b"%PDF-1.7\n").unwrap_err();
        assert_eq!(err.code, ErrorCode::UnsupportedFormat);
        assert_eq!(err.params["format"], "pdf");
    }

    #[test]
    fn text_json_html_binary_and_empty() {
        assert!(matches!(
            sniff(b"a,b\n1,2\n").unwrap(),
            Sniffed::Text { json: false, .. }
        ));
        assert!(matches!(
            sniff(b"\xEF\xBB\xBF  [{\"a\":1}]").unwrap(),
            Sniffed::Text { json: true, .. }
        ));
        assert_eq!(
            sniff(b"<!DOCTYPE html><table>").unwrap_err().params["format"],
            "html"
        );
        let err = sniff(b"ab\x00\x01\x02").unwrap_err();
        assert_eq!(err.code, ErrorCode::BinaryFile);
        assert_eq!(err.location.offset, Some(2));
        assert_eq!(sniff(b"").unwrap_err().code, ErrorCode::EmptyFile);
        assert_eq!(
            sniff(b"\xEF\xBB\xBF \r\n").unwrap_err().code,
            ErrorCode::EmptyFile
        );
    }
}
