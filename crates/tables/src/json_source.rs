//! JSON arrays of objects and GeoJSON FeatureCollections, streamed element by element (each
//! element is held alone, and an element larger than the record limit is an error).
//!
//! Columns are the object keys (a feature's `properties`) in the order they are first met; a
//! feature's `geometry` becomes a `geojson` column holding the geometry as GeoJSON text, its `id`
//! a `feature_id` column. Nested arrays and objects are kept as JSON text.

use std::cell::Cell as Shared;
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::convert::Cell;
use crate::encoding::{ByteCounter, CountingReader, DecodeReader, Detected};
use crate::error::{ErrorCode, IngestError, Location, Result};
use crate::options::Limits;
use crate::schema::FieldType;
use crate::source::{Pass, RowPos, TableFacts, TableSource, Visit};

/// Name of the column holding a feature's geometry.
pub(crate) const GEOMETRY_COLUMN: &str = "geometry";
/// Name of the column holding a feature's id.
const FEATURE_ID_COLUMN: &str = "feature_id";

/// Stops reading when one element grows past the limit.
struct GuardReader<R> {
    inner: R,
    position: Rc<Shared<u64>>,
    mark: Rc<Shared<u64>>,
    max: u64,
}

const TOO_LARGE: &str = "dulieu:record_too_large";

impl<R: Read> Read for GuardReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let position = self.position.get() + n as u64;
        self.position.set(position);
        if position - self.mark.get() > self.max {
            return Err(io::Error::other(TOO_LARGE));
        }
        Ok(n)
    }
}

/// A JSON value whose objects keep their keys in file order (serde_json's map sorts them, and
/// column order should be the file's).
enum Node {
    Object(Vec<(String, Node)>),
    Value(Value),
}

impl Node {
    /// The plain JSON value (nested objects as JSON text lose their key order only).
    fn into_value(self) -> Value {
        match self {
            Self::Value(value) => value,
            Self::Object(members) => Value::Object(
                members
                    .into_iter()
                    .map(|(key, node)| (key, node.into_value()))
                    .collect(),
            ),
        }
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Value(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Value(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Value(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Value(
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
        ))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Value(Value::String(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Value(Value::String(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Value(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Value(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        Ok(Node::Value(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut members = Vec::new();
        while let Some((key, node)) = map.next_entry::<String, Node>()? {
            members.push((key, node));
        }
        Ok(Node::Object(members))
    }
}

impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

/// The file, read as a stream of elements.
struct JsonFile {
    path: PathBuf,
    detected: Detected,
    limits: Limits,
    counter: ByteCounter,
}

/// The columns met so far.
struct Columns {
    facts: TableFacts,
    index: HashMap<String, usize>,
    max: usize,
}

/// A JSON or GeoJSON file.
pub(crate) struct JsonSource {
    file: JsonFile,
    columns: Columns,
    /// The file is a FeatureCollection (known after the first pass).
    pub geojson: bool,
}

/// How elements are handed over while streaming.
struct Elements<'a> {
    on_element: &'a mut dyn FnMut(Node, u64) -> Result<()>,
    stopped: &'a mut Option<IngestError>,
    mark: Rc<Shared<u64>>,
    position: Rc<Shared<u64>>,
}

impl<'de> DeserializeSeed<'de> for Elements<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Elements<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut row = 0u64;
        loop {
            self.mark.set(self.position.get());
            let Some(element) = seq.next_element::<Node>()? else {
                return Ok(());
            };
            row += 1;
            if let Err(err) = (self.on_element)(element, row) {
                *self.stopped = Some(err);
                return Err(de::Error::custom("stopped"));
            }
        }
    }
}

/// The top level of a GeoJSON file: streams `features`, checks `type`.
struct Collection<'a> {
    elements: Elements<'a>,
    kind: &'a mut Option<String>,
}

impl<'de> Visitor<'de> for Collection<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut elements = Some(self.elements);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => *self.kind = Some(map.next_value::<String>()?),
                "features" => match elements.take() {
                    Some(elements) => map.next_value_seed(elements)?,
                    None => return Err(de::Error::duplicate_field("features")),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

impl JsonSource {
    pub fn new(path: &Path, detected: Detected, limits: &Limits) -> Self {
        Self {
            file: JsonFile {
                path: path.to_owned(),
                detected,
                limits: limits.clone(),
                counter: ByteCounter::default(),
            },
            columns: Columns {
                facts: TableFacts {
                    name: "data".into(),
                    ..TableFacts::default()
                },
                index: HashMap::new(),
                max: limits.max_columns,
            },
            geojson: false,
        }
    }
}

impl JsonFile {
    /// Streams the file's elements (array items or features) to `on_element`.
    fn stream(&mut self, on_element: &mut dyn FnMut(Node, u64) -> Result<()>) -> Result<bool> {
        let file = BufReader::with_capacity(256 * 1024, File::open(&self.path)?);
        let counting = CountingReader::new(file, &self.counter);
        let decoded = BufReader::new(DecodeReader::new(counting, self.detected));
        let (position, mark) = (Rc::new(Shared::new(0)), Rc::new(Shared::new(0)));
        let mut guard = GuardReader {
            inner: decoded,
            position: position.clone(),
            mark: mark.clone(),
            max: self.limits.max_record_bytes as u64,
        };
        // Is it an array or an object? Peek at the first significant byte.
        let first = first_significant_byte(&mut guard)?;
        let mut stopped = None;
        let mut kind = None;
        let mut row_seen = 0u64;
        let mut counting_rows = |value: Node, row: u64| {
            row_seen = row;
            on_element(value, row)
        };
        let elements = Elements {
            on_element: &mut counting_rows,
            stopped: &mut stopped,
            mark,
            position,
        };
        let chained = io::Cursor::new([first]).chain(guard);
        let mut de = serde_json::Deserializer::from_reader(chained);
        let geojson = first == b'{';
        let result = if geojson {
            de.deserialize_map(Collection {
                elements,
                kind: &mut kind,
            })
        } else if first == b'[' {
            elements.deserialize(&mut de)
        } else {
            return Err(IngestError::new(ErrorCode::UnsupportedJsonShape));
        };
        let result = result.and_then(|()| de.end());
        if let Some(err) = stopped {
            return Err(err);
        }
        if let Err(err) = result {
            return Err(json_error(&err, row_seen + 1, self.limits.max_record_bytes));
        }
        if geojson && kind.as_deref() != Some("FeatureCollection") {
            return Err(IngestError::new(ErrorCode::UnsupportedJsonShape)
                .with("type", kind.unwrap_or_default()));
        }
        Ok(geojson)
    }
}

impl Columns {
    /// The index of a column, added in the `Infer` pass when new (`None` when unknown later).
    fn index(
        &mut self,
        name: &str,
        row: u64,
        fixed: Option<FieldType>,
        pass: Pass,
    ) -> Result<Option<usize>> {
        if let Some(&index) = self.index.get(name) {
            return Ok(Some(index));
        }
        if pass == Pass::Write {
            return Ok(None);
        }
        if self.facts.columns.len() >= self.max {
            return Err(IngestError::new(ErrorCode::TooManyColumns)
                .at(Location {
                    row: Some(row),
                    ..Location::default()
                })
                .with("max", self.max));
        }
        let index = self.facts.columns.len();
        self.facts.columns.push(name.to_owned());
        self.facts.fixed_types.push(fixed);
        self.index.insert(name.to_owned(), index);
        Ok(Some(index))
    }
}

/// The first byte that is not blank (or a byte-order mark, already removed by decoding).
fn first_significant_byte(reader: &mut impl Read) -> Result<u8> {
    let mut byte = [0u8];
    loop {
        if reader.read(&mut byte)? == 0 {
            return Err(IngestError::new(ErrorCode::EmptyFile));
        }
        if !byte[0].is_ascii_whitespace() {
            return Ok(byte[0]);
        }
    }
}

fn json_error(err: &serde_json::Error, row: u64, max: usize) -> IngestError {
    let too_large = err.io_error_kind().is_some() && err.to_string().contains(TOO_LARGE);
    if too_large {
        return IngestError::new(ErrorCode::RecordTooLarge)
            .at(Location {
                row: Some(row),
                ..Location::default()
            })
            .with("max_bytes", max);
    }
    let code = if err.is_data() {
        ErrorCode::UnsupportedJsonShape
    } else {
        ErrorCode::MalformedJson
    };
    IngestError::new(code)
        .at(Location::line(err.line() as u64))
        .with("column", err.column())
        .with("detail", err.to_string())
}

/// One value of a JSON element as text or a typed cell.
enum Slot<'a> {
    Value(&'a Value),
    Text(String),
}

fn cell<'a>(slot: &'a Slot<'a>) -> Cell<'a> {
    match slot {
        Slot::Text(text) => Cell::Text(text),
        Slot::Value(value) => match value {
            Value::Null => Cell::Empty,
            Value::Bool(b) => Cell::Bool(*b),
            Value::Number(n) => n
                .as_i64()
                .map_or_else(|| Cell::Float(n.as_f64().unwrap_or(f64::NAN)), Cell::Int),
            Value::String(s) => Cell::Text(s),
            // Arrays and objects are text (see `slot`).
            Value::Array(_) | Value::Object(_) => Cell::Empty,
        },
    }
}

fn slot(node: &Node) -> Slot<'_> {
    match node {
        Node::Value(value @ (Value::Array(_) | Value::Object(_))) => Slot::Text(value.to_string()),
        Node::Value(value) => Slot::Value(value),
        Node::Object(_) => Slot::Text(node_value(node).to_string()),
    }
}

/// A copy of a node as a plain JSON value.
fn node_value(node: &Node) -> Value {
    match node {
        Node::Value(value) => value.clone(),
        Node::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), node_value(v)))
                .collect(),
        ),
    }
}

/// Takes a member out of an object.
fn take(members: &mut Vec<(String, Node)>, key: &str) -> Option<Node> {
    let at = members.iter().position(|(k, _)| k == key)?;
    Some(members.remove(at).1)
}

impl JsonSource {
    fn scan_pass(&mut self, pass: Pass, visit: &mut Visit<'_>) -> Result<()> {
        let columns = &mut self.columns;
        let mut features = self.geojson;
        let mut on_element = |element: Node, row: u64| -> Result<()> {
            let at = || Location {
                row: Some(row),
                ..Location::default()
            };
            let Node::Object(mut object) = element else {
                return Err(IngestError::new(ErrorCode::UnsupportedJsonShape).at(at()));
            };
            features |= object.iter().any(|(k, v)| {
                k == "type" && matches!(v, Node::Value(Value::String(t)) if t == "Feature")
            });
            let (properties, geometry, id) = if features {
                let properties = match take(&mut object, "properties") {
                    Some(Node::Object(members)) => members,
                    Some(Node::Value(Value::Null)) | None => Vec::new(),
                    Some(_) => {
                        return Err(IngestError::new(ErrorCode::UnsupportedJsonShape).at(at()));
                    }
                };
                let geometry = take(&mut object, "geometry")
                    .map(Node::into_value)
                    .filter(|g| !g.is_null());
                (properties, geometry, take(&mut object, "id"))
            } else {
                (object, None, None)
            };
            let mut entries: Vec<(usize, Slot<'_>)> = Vec::with_capacity(properties.len() + 2);
            for (key, value) in &properties {
                if let Some(index) = columns.index(key, row, None, pass)? {
                    entries.push((index, slot(value)));
                }
            }
            if features {
                let index = columns.index(GEOMETRY_COLUMN, row, Some(FieldType::Geojson), pass)?;
                if let (Some(index), Some(geometry)) = (index, &geometry) {
                    entries.push((index, Slot::Text(geometry.to_string())));
                }
            }
            if let Some(id) = &id
                && let Some(index) = columns.index(FEATURE_ID_COLUMN, row, None, pass)?
            {
                entries.push((index, slot(id)));
            }
            let mut slots: Vec<Option<Slot<'_>>> = Vec::new();
            slots.resize_with(columns.facts.columns.len(), || None);
            for (index, value) in entries {
                slots[index] = Some(value);
            }
            let cells: Vec<Cell<'_>> = slots
                .iter()
                .map(|s| s.as_ref().map_or(Cell::Empty, cell))
                .collect();
            visit(
                &cells,
                RowPos {
                    line: None,
                    row: Some(row),
                },
                &columns.facts,
            )
        };
        self.geojson = self.file.stream(&mut on_element)?;
        if pass == Pass::Infer && self.columns.facts.columns.is_empty() {
            return Err(IngestError::new(ErrorCode::NoTable));
        }
        Ok(())
    }
}

impl TableSource for JsonSource {
    fn scan(&mut self, pass: Pass, visit: &mut Visit<'_>) -> Result<()> {
        self.scan_pass(pass, visit)
    }

    fn facts(&mut self) -> &mut TableFacts {
        &mut self.columns.facts
    }

    fn byte_counter(&self) -> Option<ByteCounter> {
        Some(self.file.counter.clone())
    }
}
