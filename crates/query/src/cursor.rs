//! Cursors for deep pages (keyset paging). A cursor holds the sort-key values and the row id of
//! the last row of a page, the table's version, a fingerprint of the query (filters, `q`, sort)
//! and the total; it is base64url JSON followed by an HMAC-SHA-256 tag (128 bits) under the
//! engine's secret, so an altered cursor, one made for another query or for a table since
//! ingested again is refused as `invalid_cursor`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use datafusion::common::ScalarValue;
use dulieu_tables::FieldType;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{ErrorCode, QueryError, Result};

/// The format of cursors this code writes.
const VERSION: u8 = 1;
const TAG_BYTES: usize = 16;

/// What a cursor says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Position {
    /// The table's version.
    pub table: u64,
    /// The query's fingerprint.
    pub query: String,
    /// The sort-key values of the last row (JSON: null, number, boolean, text; dates as days
    /// since 1970, date-times as microseconds).
    pub keys: Vec<Value>,
    /// The last row's id.
    pub row: u64,
    /// The total of matching rows, counted for the first page.
    pub total: u64,
}

#[derive(Serialize, Deserialize)]
struct Wire {
    v: u8,
    #[serde(flatten)]
    position: Position,
}

/// Signs and checks cursors with a secret.
#[derive(Clone)]
pub(crate) struct CursorKey([u8; 32]);

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(…)")
    }
}

impl CursorKey {
    pub fn new(secret: [u8; 32]) -> Self {
        Self(secret)
    }

    /// The opaque text of a position.
    pub fn encode(&self, position: Position) -> String {
        let payload = serde_json::to_vec(&Wire {
            v: VERSION,
            position,
        })
        .unwrap_or_default();
        let tag = hmac_sha256(&self.0, &payload);
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(&tag[..TAG_BYTES])
        )
    }

    /// The position of a cursor this key signed, for `table` and `query`.
    pub fn decode(&self, text: &str, table: u64, query: &str) -> Result<Position> {
        let invalid = |why: &str| {
            QueryError::param(ErrorCode::InvalidCursor, "cursor").with_detail(why.to_owned())
        };
        let (payload, tag) = text.split_once('.').ok_or_else(|| invalid("malformed"))?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| invalid("malformed"))?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| invalid("malformed"))?;
        let expected = hmac_sha256(&self.0, &payload);
        if !constant_time_eq(&tag, &expected[..TAG_BYTES]) {
            return Err(invalid("altered"));
        }
        let wire: Wire = serde_json::from_slice(&payload).map_err(|_| invalid("malformed"))?;
        if wire.v != VERSION {
            return Err(invalid("version"));
        }
        if wire.position.table != table {
            return Err(invalid("table changed"));
        }
        if wire.position.query != query {
            return Err(invalid("another query"));
        }
        Ok(wire.position)
    }
}

/// A fingerprint of what defines an ordering of rows (the serialised request parts).
pub(crate) fn fingerprint(parts: &impl Serialize) -> String {
    let digest = Sha256::digest(serde_json::to_vec(parts).unwrap_or_default());
    URL_SAFE_NO_PAD.encode(&digest[..12])
}

/// A sort-key value as stored in a cursor.
pub(crate) fn key_value(value: &ScalarValue) -> Value {
    match value {
        ScalarValue::Int64(Some(v)) => (*v).into(),
        ScalarValue::Float64(Some(v)) => {
            serde_json::Number::from_f64(*v).map_or(Value::Null, Value::Number)
        }
        ScalarValue::Boolean(Some(v)) => Value::Bool(*v),
        ScalarValue::Date32(Some(v)) => (*v).into(),
        ScalarValue::TimestampMicrosecond(Some(v), _) => (*v).into(),
        ScalarValue::Utf8(Some(v))
        | ScalarValue::Utf8View(Some(v))
        | ScalarValue::LargeUtf8(Some(v)) => Value::String(v.clone()),
        _ => Value::Null,
    }
}

/// A sort-key value read back from a cursor, by the column's type (`None` for null).
pub(crate) fn key_scalar(field_type: FieldType, value: &Value) -> Result<Option<ScalarValue>> {
    let invalid =
        || QueryError::param(ErrorCode::InvalidCursor, "cursor").with_detail("key".to_owned());
    if value.is_null() {
        return Ok(None);
    }
    Ok(Some(match field_type {
        FieldType::Integer => ScalarValue::Int64(Some(value.as_i64().ok_or_else(invalid)?)),
        FieldType::Number => ScalarValue::Float64(Some(value.as_f64().ok_or_else(invalid)?)),
        FieldType::Boolean => ScalarValue::Boolean(Some(value.as_bool().ok_or_else(invalid)?)),
        FieldType::Date => ScalarValue::Date32(Some(
            value
                .as_i64()
                .and_then(|days| i32::try_from(days).ok())
                .ok_or_else(invalid)?,
        )),
        FieldType::Datetime => {
            ScalarValue::TimestampMicrosecond(Some(value.as_i64().ok_or_else(invalid)?), None)
        }
        FieldType::String | FieldType::Geojson => {
            ScalarValue::Utf8(Some(value.as_str().ok_or_else(invalid)?.to_owned()))
        }
    }))
}

/// HMAC-SHA-256 (RFC 2104).
fn hmac_sha256(key: &[u8; 32], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut inner_pad = [0x36u8; BLOCK];
    let mut outer_pad = [0x5cu8; BLOCK];
    for (i, byte) in key.iter().enumerate() {
        inner_pad[i] ^= byte;
        outer_pad[i] ^= byte;
    }
    let inner = Sha256::new()
        .chain_update(inner_pad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(outer_pad)
        .chain_update(inner)
        .finalize()
        .into()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position() -> Position {
        Position {
            table: 7,
            query: "abc".into(),
            keys: vec![Value::from("Hà Nội"), Value::Null, Value::from(2.5)],
            row: 41,
            total: 100,
        }
    }

    #[test]
    fn round_trips_and_refuses_tampering() {
        let key = CursorKey::new([9; 32]);
        let text = key.encode(position());
        assert_eq!(key.decode(&text, 7, "abc").unwrap(), position());
        assert_eq!(
            key.decode(&text, 8, "abc").unwrap_err().code,
            ErrorCode::InvalidCursor
        );
        assert!(key.decode(&text, 7, "abd").is_err());
        assert!(CursorKey::new([8; 32]).decode(&text, 7, "abc").is_err());
        let (payload, tag) = text.split_once('.').unwrap();
        let mut json = URL_SAFE_NO_PAD.decode(payload).unwrap();
        let at = json.iter().position(|b| *b == b'4').unwrap();
        json[at] = b'9';
        let forged = format!("{}.{tag}", URL_SAFE_NO_PAD.encode(json));
        assert!(key.decode(&forged, 7, "abc").is_err());
        assert!(key.decode("garbage", 7, "abc").is_err());
    }

    #[test]
    fn hmac_matches_rfc_4231_shape() {
        // RFC 4231 test case 2 uses a short key; with a 32-byte key padded by zeros the HMAC
        // equals HMAC with the short key, so the vector applies.
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        let tag = hmac_sha256(&key, b"what do ya want for nothing?");
        assert_eq!(
            hex(&tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn keys_read_back_by_type() {
        assert_eq!(
            key_scalar(FieldType::Date, &Value::from(10)).unwrap(),
            Some(ScalarValue::Date32(Some(10)))
        );
        assert_eq!(key_scalar(FieldType::Integer, &Value::Null).unwrap(), None);
        assert!(key_scalar(FieldType::Integer, &Value::from("x")).is_err());
        assert_eq!(
            key_value(&ScalarValue::Utf8(Some("a".into()))),
            Value::from("a")
        );
    }
}
