//! What a file really is, from its first bytes (never from its name or declared format).
//!
//! The caller reads the first bytes of a distribution's file (64 KiB is plenty) and passes them
//! to [`sniff`]. Office files are told apart by the entry names at the start of the zip archive
//! (`xl/…` for XLSX, `word/…` for DOCX, the `mimetype` entry of OpenDocument files) and by the
//! stream names of OLE2 files (`Workbook` for XLS, `WordDocument` for DOC); text by its shape.
//! For RDF content the hosts of the URIs seen are kept, which is what the fifth star needs.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

dulieu_core::string_enum! {
    /// The kind of content found in a file's first bytes.
    ContentKind {
        /// PDF document.
        Pdf = "pdf",
        /// Office Open XML workbook.
        Xlsx = "xlsx",
        /// Office Open XML word-processing document.
        Docx = "docx",
        /// Office Open XML presentation.
        Pptx = "pptx",
        /// An Office Open XML package whose kind the first bytes do not show.
        Ooxml = "ooxml",
        /// OpenDocument spreadsheet.
        Ods = "ods",
        /// OpenDocument text.
        Odt = "odt",
        /// Another zip archive.
        Zip = "zip",
        /// Excel 97–2003 workbook (OLE2).
        Xls = "xls",
        /// Word 97–2003 document (OLE2).
        Doc = "doc",
        /// An OLE2 compound file whose kind the first bytes do not show.
        Ole = "ole",
        /// JSON.
        Json = "json",
        /// GeoJSON.
        Geojson = "geojson",
        /// JSON-LD (linked data in JSON).
        Jsonld = "jsonld",
        /// XML other than RDF or HTML.
        Xml = "xml",
        /// RDF/XML.
        RdfXml = "rdf_xml",
        /// Turtle (RDF).
        Turtle = "turtle",
        /// N-Triples (RDF).
        Ntriples = "ntriples",
        /// An HTML page.
        Html = "html",
        /// Delimited text (CSV, TSV, semicolon- or pipe-separated).
        Csv = "csv",
        /// Plain text that is not delimited.
        Text = "text",
        /// A PNG, JPEG, GIF or TIFF image.
        Image = "image",
        /// Apache Parquet.
        Parquet = "parquet",
        /// An SQLite database (GeoPackage files are SQLite).
        Sqlite = "sqlite",
        /// An ESRI shapefile geometry file.
        Shapefile = "shapefile",
        /// A gzip, bzip2, 7z or RAR archive.
        Archive = "archive",
        /// Binary content of unknown kind.
        Binary = "binary",
        /// Nothing but white space.
        Empty = "empty",
    }
}

impl ContentKind {
    /// The catalog format token this content is (`CSV`, `PDF` …), when one token names it.
    pub fn format(self) -> Option<&'static str> {
        Some(match self {
            Self::Pdf => "PDF",
            Self::Xlsx => "XLSX",
            Self::Docx => "DOCX",
            Self::Pptx => "PPTX",
            Self::Ods => "ODS",
            Self::Odt => "ODT",
            Self::Zip => "ZIP",
            Self::Xls => "XLS",
            Self::Doc => "DOC",
            Self::Json => "JSON",
            Self::Geojson => "GEOJSON",
            Self::Jsonld => "JSONLD",
            Self::Xml => "XML",
            Self::RdfXml => "RDF",
            Self::Turtle => "TTL",
            Self::Ntriples => "NT",
            Self::Html => "HTML",
            Self::Csv => "CSV",
            Self::Text => "TXT",
            Self::Parquet => "PARQUET",
            Self::Shapefile => "SHP",
            Self::Ooxml
            | Self::Ole
            | Self::Image
            | Self::Sqlite
            | Self::Archive
            | Self::Binary
            | Self::Empty => return None,
        })
    }

    /// True for RDF serialisations (the content of four- and five-star data).
    pub fn is_rdf(self) -> bool {
        matches!(
            self,
            Self::RdfXml | Self::Turtle | Self::Ntriples | Self::Jsonld
        )
    }
}

/// What [`sniff`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sniffed {
    /// The kind of content.
    pub kind: ContentKind,
    /// For RDF content: the hosts of the `http(s)` URIs seen, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uri_hosts: Vec<String>,
}

impl Sniffed {
    /// A result without URI hosts.
    pub fn of(kind: ContentKind) -> Self {
        Self {
            kind,
            uri_hosts: Vec::new(),
        }
    }
}

/// Binary signatures and the kind they mean (zip and OLE2 are looked into separately).
const SIGNATURES: &[(&[u8], ContentKind)] = &[
    (b"%PDF", ContentKind::Pdf),
    (b"\x89PNG", ContentKind::Image),
    (b"\xFF\xD8\xFF", ContentKind::Image),
    (b"GIF8", ContentKind::Image),
    (b"II*\x00", ContentKind::Image),
    (b"MM\x00*", ContentKind::Image),
    (b"PAR1", ContentKind::Parquet),
    (b"SQLite format 3\x00", ContentKind::Sqlite),
    (b"\x00\x00\x27\x0A", ContentKind::Shapefile),
    (b"\x1F\x8B", ContentKind::Archive),
    (b"BZh", ContentKind::Archive),
    (b"7z\xBC\xAF\x27\x1C", ContentKind::Archive),
    (b"Rar!", ContentKind::Archive),
];

/// Detects the kind of content from a file's first bytes.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Sniffed::of(zip_kind(bytes));
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Sniffed::of(ole_kind(bytes));
    }
    if let Some((_, kind)) = SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
    {
        return Sniffed::of(*kind);
    }
    match decode_text(bytes) {
        Some(text) => text_kind(&text),
        None => Sniffed::of(ContentKind::Binary),
    }
}

/// The kind of a zip archive, from the names of its first entries (walking the local file
/// headers as far as their sizes are known) and the `mimetype` entry of OpenDocument files.
fn zip_kind(bytes: &[u8]) -> ContentKind {
    let mut at = 0usize;
    let mut ooxml = false;
    while let Some(header) = bytes.get(at..at + 30) {
        if &header[..4] != b"PK\x03\x04" {
            break;
        }
        let u16_at = |i: usize| u16::from_le_bytes([header[i], header[i + 1]]) as usize;
        let u32_at = |i: usize| {
            u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]) as usize
        };
        let (flags, method, size) = (u16_at(6), u16_at(8), u32_at(18));
        let (name_len, extra_len) = (u16_at(26), u16_at(28));
        let name_start = at + 30;
        let Some(name) = bytes.get(name_start..name_start + name_len) else {
            break;
        };
        let data_start = name_start + name_len + extra_len;
        if name == b"mimetype" && method == 0 {
            let data = bytes.get(data_start..data_start + size).unwrap_or_default();
            return match data {
                b"application/vnd.oasis.opendocument.spreadsheet" => ContentKind::Ods,
                b"application/vnd.oasis.opendocument.text" => ContentKind::Odt,
                _ => ContentKind::Zip,
            };
        }
        if name.starts_with(b"xl/") {
            return ContentKind::Xlsx;
        }
        if name.starts_with(b"word/") {
            return ContentKind::Docx;
        }
        if name.starts_with(b"ppt/") {
            return ContentKind::Pptx;
        }
        ooxml |= name == b"[Content_Types].xml";
        // With a data descriptor (flag bit 3) the size comes after the data: stop walking.
        if flags & 0x08 != 0 && size == 0 {
            break;
        }
        at = data_start + size;
    }
    if ooxml {
        ContentKind::Ooxml
    } else {
        ContentKind::Zip
    }
}

/// The kind of an OLE2 compound file, from the UTF-16 stream names in its directory when the
/// directory is within the bytes given.
fn ole_kind(bytes: &[u8]) -> ContentKind {
    let utf16 =
        |name: &str| -> Vec<u8> { name.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let has = |name: &str| {
        let needle = utf16(name);
        bytes.windows(needle.len()).any(|w| w == needle.as_slice())
    };
    if has("Workbook") || has("Book\u{0}") {
        ContentKind::Xls
    } else if has("WordDocument") {
        ContentKind::Doc
    } else {
        ContentKind::Ole
    }
}

/// The bytes as text, or `None` when they look binary: NUL bytes outside UTF-16, or more than
/// one control character in ten. Bytes that are not UTF-8 (legacy Vietnamese encodings) are
/// kept as replacement characters, which do not count as control characters.
fn decode_text(bytes: &[u8]) -> Option<String> {
    let text = if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(rest, u16::from_le_bytes)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(rest, u16::from_be_bytes)
    } else {
        if bytes.contains(&0) {
            return None;
        }
        String::from_utf8_lossy(bytes).into_owned()
    };
    let mut chars = 0usize;
    let mut controls = 0usize;
    for c in text.chars().take(64 * 1024) {
        chars += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            controls += 1;
        }
    }
    (controls * 10 <= chars).then_some(text)
}

fn utf16(bytes: &[u8], read: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| read([pair[0], pair[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// The kind of text content.
fn text_kind(text: &str) -> Sniffed {
    let trimmed = text.trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n']);
    if trimmed.is_empty() {
        return Sniffed::of(ContentKind::Empty);
    }
    let head: String = trimmed
        .chars()
        .take(2048)
        .collect::<String>()
        .to_lowercase();
    if head.starts_with("<!doctype html") || (head.starts_with('<') && head.contains("<html")) {
        return Sniffed::of(ContentKind::Html);
    }
    if head.starts_with('<') && !head.starts_with("<http") {
        if text.contains("rdf:RDF") || text.contains("22-rdf-syntax-ns#") {
            return rdf(ContentKind::RdfXml, text);
        }
        return Sniffed::of(ContentKind::Xml);
    }
    if head.starts_with("@prefix") || head.starts_with("@base") || head.starts_with("prefix ") {
        return rdf(ContentKind::Turtle, text);
    }
    if head.starts_with("<http") || head.starts_with("_:") {
        return rdf(ContentKind::Ntriples, text);
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if text.contains("\"@context\"") {
            return rdf(ContentKind::Jsonld, text);
        }
        if text.contains("\"FeatureCollection\"")
            || (text.contains("\"Feature\"") && text.contains("\"geometry\""))
        {
            return Sniffed::of(ContentKind::Geojson);
        }
        return Sniffed::of(ContentKind::Json);
    }
    if is_delimited(trimmed) {
        Sniffed::of(ContentKind::Csv)
    } else {
        Sniffed::of(ContentKind::Text)
    }
}

/// True when the first lines have the same, non-zero number of one delimiter (`,` `;` tab
/// `|`) outside double quotes. The last line is left out: the sample may cut it.
fn is_delimited(text: &str) -> bool {
    let mut lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(21)
        .collect();
    if lines.len() > 2 {
        lines.pop();
    }
    if lines.len() < 2 {
        return false;
    }
    [',', ';', '\t', '|'].iter().any(|&delimiter| {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| count_outside_quotes(l, delimiter))
            .collect();
        counts[0] > 0 && counts.iter().all(|&c| c == counts[0])
    })
}

fn count_outside_quotes(line: &str, delimiter: char) -> usize {
    let mut quoted = false;
    let mut count = 0;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == delimiter && !quoted {
            count += 1;
        }
    }
    count
}

/// An RDF result with the hosts of the `http(s)` URIs in `text`.
fn rdf(kind: ContentKind, text: &str) -> Sniffed {
    let mut hosts = BTreeSet::new();
    for (start, _) in text.match_indices("http") {
        let rest = &text[start..];
        let Some(after) = rest
            .strip_prefix("https://")
            .or_else(|| rest.strip_prefix("http://"))
        else {
            continue;
        };
        let host: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
            .collect::<String>()
            .to_ascii_lowercase();
        if host.contains('.') {
            hosts.insert(host);
        }
    }
    Sniffed {
        kind,
        uri_hosts: hosts.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zip local file header for an entry `name` holding `data` (stored, sizes known).
    fn zip_entry(name: &str, data: &[u8]) -> Vec<u8> {
        let mut out = b"PK\x03\x04".to_vec();
        out.extend_from_slice(&20u16.to_le_bytes()); // version
        out.extend_from_slice(&0u16.to_le_bytes()); // flags
        out.extend_from_slice(&0u16.to_le_bytes()); // method: stored
        out.extend_from_slice(&[0; 8]); // time, date, crc
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        out
    }

    fn kind(bytes: &[u8]) -> ContentKind {
        sniff(bytes).kind
    }

    #[test]
    fn office_zips_by_their_entries() {
        let mut xlsx = zip_entry("[Content_Types].xml", b"<Types/>");
        xlsx.extend(zip_entry("_rels/.rels", b"<Relationships/>"));
        xlsx.extend(zip_entry("xl/workbook.xml", b"<workbook/>"));
        assert_eq!(kind(&xlsx), ContentKind::Xlsx);
        let mut docx = zip_entry("[Content_Types].xml", b"<Types/>");
        docx.extend(zip_entry("word/document.xml", b"<w:document/>"));
        assert_eq!(kind(&docx), ContentKind::Docx);
        let ods = zip_entry(
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        );
        assert_eq!(kind(&ods), ContentKind::Ods);
        let odt = zip_entry("mimetype", b"application/vnd.oasis.opendocument.text");
        assert_eq!(kind(&odt), ContentKind::Odt);
        // Cut after the first entry: an Office package, kind unknown.
        assert_eq!(
            kind(&zip_entry("[Content_Types].xml", b"<Types/>")),
            ContentKind::Ooxml
        );
        assert_eq!(kind(&zip_entry("data/a.csv", b"a,b\n")), ContentKind::Zip);
        assert_eq!(kind(b"PK\x03\x04"), ContentKind::Zip);
    }

    #[test]
    fn ole_files_by_their_stream_names() {
        let mut xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        xls.extend(vec![0u8; 500]);
        let mut doc = xls.clone();
        let name = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
        xls.extend(name("Workbook"));
        doc.extend(name("WordDocument"));
        assert_eq!(kind(&xls), ContentKind::Xls);
        assert_eq!(kind(&doc), ContentKind::Doc);
        assert_eq!(kind(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), ContentKind::Ole);
    }

    #[test]
    fn binary_signatures() {
        assert_eq!(kind(b"%PDF-1.7\n%\xE2\xE3"), ContentKind::Pdf);
        assert_eq!(kind(b"\x89PNG\r\n\x1A\n"), ContentKind::Image);
        assert_eq!(kind(b"PAR1\x15\x04"), ContentKind::Parquet);
        assert_eq!(kind(b"SQLite format 3\x00rest"), ContentKind::Sqlite);
        assert_eq!(kind(b"\x1F\x8B\x08\x00"), ContentKind::Archive);
        assert_eq!(kind(b"\x01\x02\x03\x00\x05"), ContentKind::Binary);
        assert_eq!(kind(b"\x01\x02\x03\x04\x05\x06abc"), ContentKind::Binary);
    }

    #[test]
    fn text_kinds() {
        assert_eq!(
            kind(b"ma_tinh,ten_tinh\n01,H\xC3\xA0 N\xE1\xBB\x99i\n79,TP HCM\n"),
            ContentKind::Csv
        );
        assert_eq!(kind(b"a;b;c\n1;2;3\n4;5;6"), ContentKind::Csv);
        assert_eq!(kind(b"\"x, y\",z\n\"1, 2\",3\n"), ContentKind::Csv);
        // Windows-1258 bytes are not UTF-8 but still text.
        assert_eq!(
            kind(b"t\xEAn,s\xF4\nH\xE0 N\xF4i,1\nHu\xEA,2\n"),
            ContentKind::Csv
        );
        assert_eq!(
            kind(b"Just a note.\nNothing tabular here"),
            ContentKind::Text
        );
        assert_eq!(kind(b"  \r\n\t"), ContentKind::Empty);
        assert_eq!(kind(b""), ContentKind::Empty);
        assert_eq!(kind(b"\xEF\xBB\xBF[{\"a\":1}]"), ContentKind::Json);
        assert_eq!(
            kind(b"{\"type\":\"FeatureCollection\",\"features\":[]}"),
            ContentKind::Geojson
        );
        assert_eq!(kind(b"<!DOCTYPE html><html><body>"), ContentKind::Html);
        assert_eq!(
            kind(b"<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"),
            ContentKind::Html
        );
        assert_eq!(kind(b"<?xml version=\"1.0\"?><root/>"), ContentKind::Xml);
        let utf16: Vec<u8> = b"\xFF\xFE"
            .iter()
            .copied()
            .chain("a\tb\n1\t2\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(kind(&utf16), ContentKind::Csv);
    }

    #[test]
    fn rdf_kinds_keep_the_uri_hosts() {
        let ttl = b"@prefix dct: <http://purl.org/dc/terms/> .\n<https://data.gov.vn/id/1> dct:relation <http://dbpedia.org/resource/Hanoi> .";
        let found = sniff(ttl);
        assert_eq!(found.kind, ContentKind::Turtle);
        assert_eq!(
            found.uri_hosts,
            vec!["data.gov.vn", "dbpedia.org", "purl.org"]
        );
        let rdf_xml = b"<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>";
        assert_eq!(kind(rdf_xml), ContentKind::RdfXml);
        assert_eq!(
            kind(b"<http://a.vn/1> <http://a.vn/p> \"x\" ."),
            ContentKind::Ntriples
        );
        assert_eq!(
            kind(b"{\"@context\": \"https://schema.org/\", \"name\": \"x\"}"),
            ContentKind::Jsonld
        );
        assert!(
            sniff(b"<?xml version=\"1.0\"?><root/>")
                .uri_hosts
                .is_empty()
        );
    }

    #[test]
    fn kinds_name_their_format() {
        assert_eq!(ContentKind::Csv.format(), Some("CSV"));
        assert_eq!(ContentKind::RdfXml.format(), Some("RDF"));
        assert_eq!(ContentKind::Binary.format(), None);
        assert!(ContentKind::Turtle.is_rdf() && !ContentKind::Xml.is_rdf());
    }
}
