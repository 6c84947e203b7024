//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`, off by
//! default and not part of the public API). Each one runs a boundary of the
//! library on arbitrary input and panics when an invariant breaks; the fuzzer
//! reports the panic with the input that caused it.

use crate::io::{posting_from_json, Columns, FieldErrorKind, InputFormat, RecordReader};
use crate::text::analyze::analyze;
use crate::text::normalize::{normalize, normalize_keep_case};
use crate::text::tokenize::tokenize;

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

/// A request body as `POST /v1/label` reads it: JSON, one posting object
/// or an array of them, each through [`posting_from_json`] (the function the
/// server calls). A posting is never empty; an error names its field.
pub fn request_body(bytes: &[u8]) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    let items = match &value {
        serde_json::Value::Array(list) => list.iter().collect(),
        other => vec![other],
    };
    for item in items {
        let serde_json::Value::Object(obj) = item else {
            continue;
        };
        match posting_from_json(obj, &Columns::default()) {
            Ok(p) => assert!(!p.is_empty()),
            Err(e) => match e.kind {
                FieldErrorKind::Empty => {
                    assert!(obj
                        .get("title")
                        .and_then(|t| t.as_str())
                        .unwrap_or("")
                        .trim()
                        .is_empty())
                }
                _ => assert!(obj.contains_key(&e.field), "{e}"),
            },
        }
    }
}
