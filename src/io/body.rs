//! A labelling request's body (`POST /v1/label`) as postings: JSON, one
//! posting object or an array of at most `max_batch`, each read by the same
//! rule as a JSON-lines record (`id`, `title`, `description`). The service
//! calls [`postings_from_body`] and maps its error to the HTTP answer; the
//! `request_body` fuzz target calls it too.

use serde_json::{Map, Value};

use super::reader::{posting_from_json, Columns, FieldError, FieldErrorKind};
use crate::error::{Error, Result};
use crate::posting::Posting;

/// A posting as sent (its JSON object) and as the model reads it.
type Item = (Map<String, Value>, Posting);

/// The postings of a request body, each with its JSON object (answered
/// back with the labels added), and whether the body was an array.
///
/// # Errors
///
/// [`Error::InvalidJson`] when the body is not JSON;
/// [`Error::BatchTooLarge`] for an array longer than `max_batch` (before
/// any posting is read); else [`Error::BadPosting`] for the first posting
/// at fault, with its index in the array. The message (`Display`) is the
/// one the service answers with.
pub fn postings_from_body(body: &[u8], max_batch: usize) -> Result<(Vec<Item>, bool)> {
    let value: Value = serde_json::from_slice(body).map_err(Error::InvalidJson)?;
    match value {
        Value::Array(list) => {
            if list.len() > max_batch {
                return Err(Error::BatchTooLarge {
                    found: list.len(),
                    max: max_batch,
                });
            }
            let items = list
                .into_iter()
                .enumerate()
                .map(|(i, v)| item(v, Some(i)))
                .collect::<Result<Vec<_>>>()?;
            Ok((items, true))
        }
        other => Ok((vec![item(other, None)?], false)),
    }
}

/// One JSON value as a posting, or which field is wrong.
fn item(value: Value, index: Option<usize>) -> Result<Item> {
    let at = |error: FieldError| Error::BadPosting { index, error };
    let Value::Object(obj) = value else {
        return Err(at(FieldError {
            field: "$".into(),
            reason: "expected a posting object".into(),
            kind: FieldErrorKind::WrongType,
        }));
    };
    let posting = posting_from_json(&obj, &Columns::default()).map_err(at)?;
    Ok((obj, posting))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(body: &str, max_batch: usize) -> Error {
        match postings_from_body(body.as_bytes(), max_batch) {
            Ok(_) => panic!("{body} was accepted"),
            Err(e) => e,
        }
    }

    #[test]
    fn one_object_or_an_array() {
        let (items, batch) =
            postings_from_body(br#"{"id": 7, "title": "Dev", "x": [1]}"#, 1).expect("one");
        assert!(!batch);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].1.id.as_deref(), Some("7"));
        assert_eq!(items[0].1.title, "Dev");
        assert_eq!(items[0].0["x"], serde_json::json!([1]));

        let (items, batch) =
            postings_from_body(br#"[{"title": "A"}, {"description": "b"}]"#, 2).expect("two");
        assert!(batch);
        let titles: Vec<&str> = items.iter().map(|(_, p)| p.title.as_str()).collect();
        assert_eq!(titles, ["A", ""]);
        assert_eq!(items[1].1.description, "b");

        let (items, batch) = postings_from_body(b"[]", 0).expect("empty array");
        assert!(batch && items.is_empty());
    }

    #[test]
    fn invalid_json() {
        let e = err("{not json", 10);
        assert!(matches!(e, Error::InvalidJson(_)), "{e:?}");
        assert_eq!(
            e.to_string(),
            "invalid JSON: key must be a string at line 1 column 2"
        );
        assert!(matches!(err("", 10), Error::InvalidJson(_)));
        assert!(matches!(err("{} {}", 10), Error::InvalidJson(_)));
    }

    #[test]
    fn batch_too_large_before_any_posting_is_read() {
        // The third element is not a posting, but the length is checked first.
        let e = err(r#"[{"title": "A"}, {"title": "B"}, 3]"#, 2);
        assert!(
            matches!(e, Error::BatchTooLarge { found: 3, max: 2 }),
            "{e:?}"
        );
        assert_eq!(e.to_string(), "3 postings; at most 2 per request");
    }

    #[test]
    fn a_bad_posting_says_which_and_why() {
        let cases = [
            // (body, index, field, kind, message)
            (
                "5",
                None,
                "$",
                FieldErrorKind::WrongType,
                "$: expected a posting object",
            ),
            (
                r#"[{"title": "A"}, "B"]"#,
                Some(1),
                "$",
                FieldErrorKind::WrongType,
                "[1].$: expected a posting object",
            ),
            (
                r#"{"title": 5}"#,
                None,
                "title",
                FieldErrorKind::WrongType,
                "title: expected a string, found a number",
            ),
            (
                r#"[{"title": "A"}, {"title": "B"}, {"title": "C", "description": ["x"]}]"#,
                Some(2),
                "description",
                FieldErrorKind::WrongType,
                "[2].description: expected a string, found an array",
            ),
            (
                r#"{"id": "1", "title": " "}"#,
                None,
                "title/description",
                FieldErrorKind::Empty,
                "title/description: empty posting: no title and no description",
            ),
            (
                // The first posting at fault is the one reported.
                r#"[{"title": "A"}, {}, {"title": 1}]"#,
                Some(1),
                "title/description",
                FieldErrorKind::Empty,
                "[1].title/description: empty posting: no title and no description",
            ),
        ];
        for (body, index, field, kind, message) in cases {
            let e = err(body, 10);
            assert_eq!(e.to_string(), message, "{body}");
            match e {
                Error::BadPosting { index: i, error } => {
                    assert_eq!((i, error.field.as_str(), error.kind), (index, field, kind));
                }
                other => panic!("{body}: {other:?}"),
            }
        }
    }
}
