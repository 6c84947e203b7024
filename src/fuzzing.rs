//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`, off by
//! default and not part of the public API). Each one runs a boundary of the
//! library on arbitrary input and panics when an invariant breaks; the fuzzer
//! reports the panic with the input that caused it.

use serde_json::{Map, Value};

use crate::io::{
    posting_from_json, postings_from_body, Columns, FieldErrorKind, InputFormat, RecordReader,
};
use crate::text::analyze::analyze;
use crate::text::normalize::{normalize, normalize_keep_case};
use crate::text::tokenize::tokenize;
use crate::Error;

/// Read `text` as a training recipe: a recipe or an error, never a panic.
pub fn recipe(text: &str) {
    let _ = crate::train::Recipe::from_toml(text, std::path::Path::new("."));
}

/// Normalize, tokenize and analyze `raw`: every token slices the normalized
/// text and is not empty, every span maps back inside the raw text on
/// character boundaries, and lower-casing the case-kept normalization gives
/// the lower-cased one.
pub fn text(raw: &str) {
    let n = normalize(raw);
    for t in tokenize(&n.text) {
        assert!(!t.text.is_empty(), "an empty token at {}", t.start);
        assert!(t.start < t.end && t.end <= n.text.len());
        assert_eq!(&n.text[t.start..t.end], t.text.as_str());
        let (os, oe) = n.original_span(t.start, t.end);
        assert!(
            os <= oe && oe <= raw.len(),
            "{os}..{oe} outside {}",
            raw.len()
        );
        assert!(raw.is_char_boundary(os) && raw.is_char_boundary(oe));
    }
    let a = analyze(raw);
    for (term, s, e) in a.ngrams() {
        assert!(!term.is_empty());
        let (os, oe) = a.original_span(s, e);
        assert!(os <= oe && oe <= raw.len());
        assert!(raw.is_char_boundary(os) && raw.is_char_boundary(oe));
    }
    assert_eq!(normalize_keep_case(raw).lowercase_text(), n.text);
}

/// Read `bytes` as CSV (first byte even) or JSON lines: every record is a
/// posting or a positioned error, records are numbered 1, 2, 3, ... and
/// their lines never go back.
pub fn reader(bytes: &[u8]) {
    let (format, data) = match bytes.split_first() {
        Some((b, rest)) if b % 2 == 0 => (InputFormat::Csv, rest),
        Some((_, rest)) => (InputFormat::Jsonl, rest),
        None => return,
    };
    let Ok(mut reader) = RecordReader::new(
        Box::new(std::io::Cursor::new(data.to_vec())),
        format,
        Columns::default(),
        b',',
        "fuzz",
    ) else {
        return;
    };
    let (mut count, mut line) = (0u64, 0u64);
    while let Ok(Some(record)) = reader.next_record() {
        count += 1;
        assert_eq!(record.position.record, count);
        assert!(record.position.line >= line, "lines went back");
        line = record.position.line;
        assert!(record.position.byte <= data.len() as u64);
        match &record.posting {
            Ok(p) => assert!(!p.is_empty()),
            Err(e) => {
                assert!(!e.field.is_empty() && !e.reason.is_empty());
                let message = record.error().map(|e| e.to_string()).unwrap_or_default();
                assert!(message.starts_with("fuzz, line "), "{message}");
            }
        }
    }
}

/// A request body as `POST /v1/label` reads it, through
/// [`postings_from_body`] (the function the server calls). The batch limit
/// is 100 (the server's default), or 0 to 4 when the body's length is a
/// multiple of 4, so that both sides of it are reached.
///
/// Accepted: the body is JSON, an array (of at most the limit) exactly when
/// the answer says so, one item per posting sent, each with its own object,
/// not empty, with the object's title and description. Rejected: invalid
/// JSON only when it is not JSON, a batch too large only for an array over
/// the limit, else the first posting at fault by its index (only in an
/// array, after postings that are good) with a message that starts with it:
/// not an object (`$`), a field it has that is of the wrong type, or no
/// title and no description.
pub fn request_body(bytes: &[u8]) {
    let max_batch = if bytes.len().is_multiple_of(4) {
        bytes.len() % 5
    } else {
        100
    };
    let parsed = serde_json::from_slice::<Value>(bytes);
    let error = match postings_from_body(bytes, max_batch) {
        Ok((items, batch)) => {
            let Ok(value) = parsed else {
                panic!("accepted a body that is not JSON");
            };
            let sent: Vec<&Value> = match &value {
                Value::Array(list) => {
                    assert!(batch && list.len() <= max_batch);
                    list.iter().collect()
                }
                other => {
                    assert!(!batch);
                    vec![other]
                }
            };
            assert_eq!(items.len(), sent.len());
            for ((obj, posting), sent) in items.iter().zip(sent) {
                assert_eq!(sent.as_object(), Some(obj));
                assert!(!posting.is_empty());
                assert_eq!(posting.title, text_of(obj, "title"));
                let description = text_of(obj, "description");
                if description.trim().is_empty() {
                    assert!(posting.description.is_empty());
                } else {
                    assert_eq!(posting.description, description);
                }
            }
            return;
        }
        Err(error) => error,
    };
    let message = error.to_string();
    match (error, parsed) {
        (Error::InvalidJson(_), parsed) => assert!(parsed.is_err(), "{message}"),
        (Error::BatchTooLarge { found, max }, Ok(Value::Array(list))) => {
            assert!(max == max_batch && found == list.len() && found > max);
        }
        (Error::BadPosting { index, error }, Ok(value)) => {
            let sent = match (&value, index) {
                (Value::Array(list), Some(i)) => {
                    assert!(list.len() <= max_batch && i < list.len());
                    assert!(message.starts_with(&format!("[{i}].{}: ", error.field)));
                    for good in &list[..i] {
                        let obj = good.as_object();
                        assert!(
                            obj.is_some_and(|o| posting_from_json(o, &Columns::default()).is_ok())
                        );
                    }
                    &list[i]
                }
                (Value::Array(_), None) | (_, Some(_)) => panic!("{message}: index {index:?}"),
                (other, None) => {
                    assert!(message.starts_with(&format!("{}: ", error.field)));
                    other
                }
            };
            match (sent, error.kind) {
                (Value::Object(obj), FieldErrorKind::WrongType) => {
                    let value = obj.get(&error.field);
                    assert!(
                        value.is_some_and(|v| !v.is_string() && !v.is_null()),
                        "{message}"
                    );
                }
                (Value::Object(obj), FieldErrorKind::Empty) => {
                    assert!(text_of(obj, "title").trim().is_empty());
                    assert!(text_of(obj, "description").trim().is_empty());
                }
                (Value::Object(_), kind) => panic!("{message}: {kind:?}"),
                (_, kind) => assert!(error.field == "$" && kind == FieldErrorKind::WrongType),
            }
        }
        (error, parsed) => panic!("{error:?} for {parsed:?}"),
    }
}

/// A field's text, as a posting reads it: absent and `null` are empty.
fn text_of<'a>(obj: &'a Map<String, Value>, field: &str) -> &'a str {
    obj.get(field).and_then(Value::as_str).unwrap_or("")
}
