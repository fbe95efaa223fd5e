//! Case- and diacritic-insensitive text matching for Vietnamese: text is *folded* (decomposed to
//! NFD, combining marks removed, `đ`/`Đ` made `d`, lower-cased), so `Hà Nội`, `HA NOI` and
//! `ha noi` all fold to `ha noi`. The SQL function `vi_fold(text)` does the same in queries.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringBuilder};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result as DfResult, ScalarValue, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, TypeSignature,
    Volatility,
};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `text` for matching: no case, no diacritics, `đ` as `d`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

fn fold_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        out.extend(text.chars().map(|c| c.to_ascii_lowercase()));
        return;
    }
    for c in text.nfd() {
        match c {
            'đ' | 'Đ' => out.push('d'),
            c if is_combining_mark(c) => {}
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// The `vi_fold(text)` function.
#[derive(Debug, PartialEq, Eq, Hash)]
struct ViFold {
    signature: Signature,
}

/// The name of the folding function in queries.
pub(crate) const VI_FOLD: &str = "vi_fold";

/// `vi_fold` as a DataFusion function.
pub(crate) fn vi_fold_udf() -> Arc<ScalarUDF> {
    Arc::new(ScalarUDF::new_from_impl(ViFold {
        signature: Signature::one_of(
            vec![
                TypeSignature::Exact(vec![DataType::Utf8]),
                TypeSignature::Exact(vec![DataType::Utf8View]),
                TypeSignature::Exact(vec![DataType::LargeUtf8]),
            ],
            Volatility::Immutable,
        ),
    }))
}

impl ScalarUDFImpl for ViFold {
    fn name(&self) -> &str {
        VI_FOLD
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _args: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let [arg] = args.args.as_slice() else {
            return exec_err!("vi_fold takes one argument");
        };
        match arg {
            ColumnarValue::Scalar(scalar) => {
                let text = match scalar {
                    ScalarValue::Utf8(text)
                    | ScalarValue::Utf8View(text)
                    | ScalarValue::LargeUtf8(text) => text.as_deref().map(fold),
                    ScalarValue::Null => None,
                    other => return exec_err!("vi_fold of {}", other.data_type()),
                };
                Ok(ColumnarValue::Scalar(ScalarValue::Utf8(text)))
            }
            ColumnarValue::Array(array) => Ok(ColumnarValue::Array(fold_array(array)?)),
        }
    }
}

fn fold_array(array: &ArrayRef) -> DfResult<ArrayRef> {
    let mut builder = StringBuilder::with_capacity(array.len(), 0);
    let mut buffer = String::new();
    let mut push = |value: Option<&str>| match value {
        Some(text) => {
            buffer.clear();
            fold_into(text, &mut buffer);
            builder.append_value(&buffer);
        }
        None => builder.append_null(),
    };
    match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().iter().for_each(&mut push),
        DataType::LargeUtf8 => array.as_string::<i64>().iter().for_each(&mut push),
        DataType::Utf8View => array.as_string_view().iter().for_each(&mut push),
        other => return exec_err!("vi_fold of {other}"),
    }
    Ok(Arc::new(builder.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_vietnamese_diacritics() {
        assert_eq!(fold("Hà Nội"), "ha noi");
        assert_eq!(fold("HÀ NỘI"), "ha noi");
        assert_eq!(fold("Đà Nẵng"), "da nang");
        assert_eq!(fold("Thừa Thiên Huế"), "thua thien hue");
        assert_eq!(fold("Bình Dương"), "binh duong");
        assert_eq!(fold("ABC xyz"), "abc xyz");
        // Precomposed and decomposed spellings fold alike.
        assert_eq!(fold("Nguye\u{302}\u{303}n"), fold("Nguyễn"));
    }
}
