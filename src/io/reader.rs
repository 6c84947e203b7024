//! The one input layer: CSV, TSV or JSON lines, plain or gzip, from files
//! or stdin, streamed as [`Record`]s. Every record carries its [`Position`]
//! (file, line, byte offset, record number) and is either a posting or a
//! typed [`FieldError`] saying which field is wrong and why: nothing is
//! dropped, and every message says where. `jobtag label`, `tally`, `train`
//! and `eval` read through it; a request body to the service is read by
//! the same rule (`posting_from_json`, through
//! [`postings_from_body`](super::postings_from_body)).

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use flate2::read::MultiGzDecoder;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::posting::Posting;

/// Input file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl InputFormat {
    /// The one rule for telling the format from a file name: `.csv` and
    /// `.tsv` are CSV, `.jsonl`, `.ndjson` and `.json` are JSON lines, each
    /// optionally followed by `.gz`; case does not matter.
    pub fn from_path(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        if name.ends_with(".csv") || name.ends_with(".tsv") {
            Some(InputFormat::Csv)
        } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json") {
            Some(InputFormat::Jsonl)
        } else {
            None
        }
    }

    /// The CSV delimiter a file name implies: a tab for `.tsv` (or
    /// `.tsv.gz`), else a comma.
    pub fn default_delimiter(path: &Path) -> u8 {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if name.strip_suffix(".gz").unwrap_or(&name).ends_with(".tsv") {
            b'\t'
        } else {
            b','
        }
    }
}

/// Which fields or columns hold the posting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// Identifier field.
    pub id: String,
    /// Title field.
    pub title: String,
    /// Description fields, concatenated with blank lines between them.
    pub text: Vec<String>,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            id: "id".into(),
            title: "title".into(),
            text: vec!["description".into()],
        }
    }
}

/// Where a record is: the csv crate's position (line, byte, record) plus
/// the file. Lines and records count from 1; a value that is not known is 0.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    /// The file (`-` for stdin).
    pub file: Arc<str>,
    /// Line where the record starts.
    pub line: u64,
    /// Byte offset where the record starts (in the decompressed stream).
    pub byte: u64,
    /// Record number: the first record after a CSV header is 1.
    pub record: u64,
}

impl Position {
    /// A position known by its line only.
    pub(crate) fn line(file: &str, line: u64) -> Self {
        Position {
            file: file.into(),
            line,
            ..Position::default()
        }
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, line {}", self.file, self.line)?;
        if self.record > 0 {
            write!(f, " (record {}, byte {})", self.record, self.byte)?;
        }
        Ok(())
    }
}

/// What is wrong with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldErrorKind {
    /// The record cannot be parsed: malformed CSV, invalid JSON, not an
    /// object, a wrong number of fields.
    Malformed,
    /// A field holds something other than text.
    WrongType,
    /// Neither a title nor a description.
    Empty,
}

/// Why a record holds no posting: the field at fault (`record` when the
/// whole record is malformed) and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field or column at fault.
    pub field: String,
    /// What is wrong with it.
    pub reason: String,
    /// The kind of problem.
    pub kind: FieldErrorKind,
}

impl FieldError {
    fn malformed(reason: impl Into<String>) -> Self {
        FieldError {
            field: "record".into(),
            reason: reason.into(),
            kind: FieldErrorKind::Malformed,
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// The original fields of an input record, kept so output can repeat them.
#[derive(Debug, Clone, PartialEq)]
pub enum Fields {
    /// CSV cells, in header order.
    Csv(Vec<String>),
    /// A JSON object.
    Json(Map<String, Value>),
}

impl Fields {
    /// The text of field or column `name` (`headers` are the CSV file's):
    /// a CSV cell, a JSON string, or another JSON value written as JSON;
    /// `None` when absent or JSON `null`.
    pub fn text<'a>(&'a self, headers: &[String], name: &str) -> Option<Cow<'a, str>> {
        match self {
            Fields::Csv(cells) => headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| cells.get(i))
                .map(|c| Cow::Borrowed(c.as_str())),
            Fields::Json(o) => match o.get(name)? {
                Value::Null => None,
                Value::String(s) => Some(Cow::Borrowed(s.as_str())),
                other => Some(Cow::Owned(other.to_string())),
            },
        }
    }
}

/// One input record.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Where it is.
    pub position: Position,
    /// Original fields (absent when the record could not be parsed at all).
    pub fields: Option<Fields>,
    /// The posting, or why there is none.
    pub posting: std::result::Result<Posting, FieldError>,
    /// True when invalid UTF-8 was replaced while decoding.
    pub lossy: bool,
}

impl Record {
    /// The record's problem as an error that says where, if it has one.
    pub fn error(&self) -> Option<Error> {
        self.posting.as_ref().err().map(|e| Error::Record {
            position: self.position.clone(),
            field: Some(e.field.clone()),
            reason: e.reason.clone(),
        })
    }
}

/// Reads records from one input stream.
pub struct RecordReader {
    inner: Inner,
    columns: Columns,
    file: Arc<str>,
    /// Records read so far.
    records: u64,
}

enum Inner {
    Csv {
        reader: csv::Reader<Box<dyn Read + Send>>,
        headers: Vec<String>,
        index: ColumnIndex,
        done: bool,
        /// Reused for every record: its buffers grow to the longest record
        /// once instead of from empty for each.
        record: csv::ByteRecord,
    },
    Jsonl {
        reader: Box<dyn BufRead + Send>,
        line: u64,
        /// Byte offset of the next line.
        offset: u64,
        buf: Vec<u8>,
    },
}

#[derive(Debug, Clone)]
struct ColumnIndex {
    id: Option<usize>,
    title: Option<usize>,
    text: Vec<usize>,
}

/// Open a file (or `-` for stdin), decompressing `.gz` transparently. Pass
/// it to [`RecordReader::new`].
pub fn open_input(path: &Path) -> Result<Box<dyn Read + Send>> {
    let raw: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(path).map_err(|e| Error::io(path, e))?)
    };
    let gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    Ok(if gz {
        Box::new(MultiGzDecoder::new(raw))
    } else {
        raw
    })
}

impl RecordReader {
    /// A reader over `input` (from [`open_input`], or any byte stream);
    /// `name` is the file named in positions. For CSV the header is read
    /// now, and it is an error when neither the title column nor any text
    /// column exists.
    pub fn new(
        input: Box<dyn Read + Send>,
        format: InputFormat,
        columns: Columns,
        delimiter: u8,
        name: &str,
    ) -> Result<Self> {
        let inner = match format {
            InputFormat::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .flexible(true)
                    .from_reader(input);
                let headers: Vec<String> = reader
                    .byte_headers()
                    .map_err(|e| Error::Record {
                        position: Position::line(name, 1),
                        field: None,
                        reason: format!("cannot read the CSV header: {e}"),
                    })?
                    .iter()
                    .map(|h| {
                        String::from_utf8_lossy(h)
                            .trim_start_matches('\u{feff}')
                            .to_string()
                    })
                    .collect();
                let find = |c: &str| headers.iter().position(|h| h == c);
                let index = ColumnIndex {
                    id: find(&columns.id),
                    title: find(&columns.title),
                    text: columns.text.iter().filter_map(|c| find(c)).collect(),
                };
                if index.title.is_none() && index.text.is_empty() {
                    return Err(Error::Record {
                        position: Position::line(name, 1),
                        field: None,
                        reason: format!(
                            "no column {:?} or {:?} in the header (columns: {}); use --title-col/--text-col",
                            columns.title,
                            columns.text.join(","),
                            headers.join(", ")
                        ),
                    });
                }
                Inner::Csv {
                    reader,
                    headers,
                    index,
                    done: false,
                    record: csv::ByteRecord::new(),
                }
            }
            InputFormat::Jsonl => Inner::Jsonl {
                reader: Box::new(BufReader::with_capacity(1 << 16, input)),
                line: 0,
                offset: 0,
                buf: Vec::new(),
            },
        };
        Ok(RecordReader {
            inner,
            columns,
            file: name.into(),
            records: 0,
        })
    }

    /// CSV header (empty for JSON lines).
    pub fn headers(&self) -> Vec<String> {
        match &self.inner {
            Inner::Csv { headers, .. } => headers.clone(),
            Inner::Jsonl { .. } => Vec::new(),
        }
    }

    /// The next record; `Ok(None)` at the end. An `Err` is an I/O failure of
    /// the stream itself (nothing more can be read).
    pub fn next_record(&mut self) -> Result<Option<Record>> {
        let record = self.next_inner()?;
        if record.is_some() {
            self.records += 1;
        }
        Ok(record.map(|mut r| {
            r.position.record = self.records;
            r
        }))
    }

    fn next_inner(&mut self) -> Result<Option<Record>> {
        let file = self.file.clone();
        let at = |line: u64, byte: u64| Position {
            file: file.clone(),
            line,
            byte,
            record: 0,
        };
        match &mut self.inner {
            Inner::Csv {
                reader,
                headers,
                index,
                done,
                record: rec,
            } => {
                if *done {
                    return Ok(None);
                }
                match reader.read_byte_record(rec) {
                    Ok(false) => {
                        *done = true;
                        Ok(None)
                    }
                    Ok(true) => {
                        let position = rec
                            .position()
                            .map_or_else(|| at(0, 0), |p| at(p.line(), p.byte()));
                        let mut lossy = false;
                        let cells: Vec<String> = rec
                            .iter()
                            .map(|b| match std::str::from_utf8(b) {
                                Ok(s) => s.to_string(),
                                Err(_) => {
                                    lossy = true;
                                    String::from_utf8_lossy(b).into_owned()
                                }
                            })
                            .collect();
                        if cells.len() != headers.len() {
                            let reason =
                                format!("expected {} fields, found {}", headers.len(), cells.len());
                            return Ok(Some(Record {
                                position,
                                fields: None,
                                posting: Err(FieldError::malformed(reason)),
                                lossy,
                            }));
                        }
                        let get = |i: Option<usize>| {
                            i.and_then(|i| cells.get(i)).cloned().unwrap_or_default()
                        };
                        let text = join_texts(index.text.iter().map(|&i| cells[i].as_str()));
                        let posting = Posting {
                            id: Some(get(index.id)).filter(|s| !s.is_empty()),
                            title: get(index.title),
                            description: text,
                        };
                        let posting = check_posting(posting, &self.columns);
                        Ok(Some(Record {
                            position,
                            fields: Some(Fields::Csv(cells)),
                            posting,
                            lossy,
                        }))
                    }
                    Err(e) => {
                        let position = e
                            .position()
                            .map_or_else(|| at(0, 0), |p| at(p.line(), p.byte()));
                        if let csv::ErrorKind::Io(_) = e.kind() {
                            *done = true;
                            return Err(Error::io(
                                &*file,
                                std::io::Error::other(format!("{position}: {e}")),
                            ));
                        }
                        Ok(Some(Record {
                            position,
                            fields: None,
                            posting: Err(FieldError::malformed(e.to_string())),
                            lossy: false,
                        }))
                    }
                }
            }
            Inner::Jsonl {
                reader,
                line,
                offset,
                buf,
            } => loop {
                buf.clear();
                let n = reader
                    .read_until(b'\n', buf)
                    .map_err(|e| Error::io(&*file, e))?;
                if n == 0 {
                    return Ok(None);
                }
                *line += 1;
                let position = at(*line, *offset);
                *offset += n as u64;
                let (text, lossy) = match std::str::from_utf8(buf) {
                    Ok(s) => (s.to_string(), false),
                    Err(_) => (String::from_utf8_lossy(buf).into_owned(), true),
                };
                let trimmed = text.trim();
                if trimmed.is_empty() {
                    continue;
                }
                let obj = match serde_json::from_str::<Value>(trimmed) {
                    Ok(Value::Object(o)) => o,
                    Ok(_) => {
                        return Ok(Some(Record {
                            position,
                            fields: None,
                            posting: Err(FieldError::malformed("not a JSON object")),
                            lossy,
                        }))
                    }
                    Err(e) => {
                        return Ok(Some(Record {
                            position,
                            fields: None,
                            posting: Err(FieldError::malformed(format!("invalid JSON: {e}"))),
                            lossy,
                        }))
                    }
                };
                let posting = posting_from_json(&obj, &self.columns);
                return Ok(Some(Record {
                    position,
                    fields: Some(Fields::Json(obj)),
                    posting,
                    lossy,
                }));
            },
        }
    }
}

/// The posting in a JSON object (a JSONL record or a posting of a request
/// body): its id, title and text fields by `columns`. Absent and `null` fields are
/// empty; the id may be a number; any other non-string is a
/// [`FieldErrorKind::WrongType`] error naming the field, and an object with
/// neither title nor description is [`FieldErrorKind::Empty`].
pub(crate) fn posting_from_json(
    obj: &Map<String, Value>,
    columns: &Columns,
) -> std::result::Result<Posting, FieldError> {
    let field = |name: &str| -> std::result::Result<String, FieldError> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Number(n)) if name == columns.id => Ok(n.to_string()),
            Some(other) => Err(FieldError {
                field: name.to_string(),
                reason: format!("expected a string, found {}", json_type(other)),
                kind: FieldErrorKind::WrongType,
            }),
        }
    };
    let id = field(&columns.id)?;
    let title = field(&columns.title)?;
    let mut texts = Vec::new();
    for c in &columns.text {
        texts.push(field(c)?);
    }
    check_posting(
        Posting {
            id: Some(id).filter(|s| !s.is_empty()),
            title,
            description: join_texts(texts.iter().map(String::as_str)),
        },
        columns,
    )
}

/// The text columns of a record as one description: the non-blank ones,
/// separated by a blank line.
fn join_texts<'a>(texts: impl Iterator<Item = &'a str> + Clone) -> String {
    let kept = texts.filter(|t| !t.trim().is_empty());
    let len = kept.clone().map(|t| t.len() + 2).sum::<usize>();
    let mut out = String::with_capacity(len.saturating_sub(2));
    for t in kept {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(t);
    }
    out
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn check_posting(p: Posting, columns: &Columns) -> std::result::Result<Posting, FieldError> {
    if p.is_empty() {
        Err(FieldError {
            field: format!("{}/{}", columns.title, columns.text.join("+")),
            reason: "empty posting: no title and no description".into(),
            kind: FieldErrorKind::Empty,
        })
    } else {
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(data: &'static [u8], format: InputFormat) -> Vec<Record> {
        let mut r =
            RecordReader::new(Box::new(data), format, Columns::default(), b',', "test").unwrap();
        let mut out = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            out.push(rec);
        }
        out
    }

    #[test]
    fn csv_with_bad_rows_keeps_line_numbers() {
        let recs = read_all(
            b"id,title,description\n1,Dev,\"multi\nline\"\n2,only two\n3,,\n4,Q\xffA,ok\n",
            InputFormat::Csv,
        );
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[0].posting.as_ref().unwrap().description, "multi\nline");
        assert_eq!(recs[1].position.line, 4);
        assert!(recs[1].posting.is_err());
        assert!(recs[2]
            .posting
            .as_ref()
            .unwrap_err()
            .reason
            .contains("empty"));
        assert!(recs[3].lossy);
        assert_eq!(recs[3].posting.as_ref().unwrap().title, "Q\u{fffd}A");
    }

    #[test]
    fn a_reused_record_buffer_carries_nothing_over() {
        // A long record, then shorter ones: each gets only its own fields.
        let recs = read_all(
            b"id,title,description\n1,A long title,a long description here\n2,B,\n3,,c\n",
            InputFormat::Csv,
        );
        let posting = |i: usize| recs[i].posting.as_ref().map_err(|e| e.clone());
        assert_eq!(posting(0).unwrap().description, "a long description here");
        assert_eq!(posting(1).unwrap().title, "B");
        assert_eq!(posting(1).unwrap().description, "");
        assert_eq!(posting(2).unwrap().title, "");
        assert_eq!(posting(2).unwrap().description, "c");
    }

    #[test]
    fn text_columns_join_without_the_blank_ones() {
        assert_eq!(
            join_texts(["a", " ", "b", "", "c d"].into_iter()),
            "a\n\nb\n\nc d"
        );
        assert_eq!(join_texts(["", "only"].into_iter()), "only");
        assert_eq!(join_texts(["\t", ""].into_iter()), "");
    }

    #[test]
    fn jsonl_errors_name_the_field() {
        let recs = read_all(
            b"{\"id\":1,\"title\":\"Dev\"}\n\nnot json\n{\"title\":5}\n",
            InputFormat::Jsonl,
        );
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[0].posting.as_ref().unwrap().id.as_deref(), Some("1"));
        assert_eq!(recs[1].position.line, 3);
        assert_eq!(recs[2].posting.as_ref().unwrap_err().field, "title");
    }

    /// (line, byte, record, field, kind) of every record that is an error.
    fn errors(recs: &[Record]) -> Vec<(u64, u64, u64, String, FieldErrorKind)> {
        recs.iter()
            .filter_map(|r| {
                let e = r.posting.as_ref().err()?;
                let p = &r.position;
                Some((p.line, p.byte, p.record, e.field.clone(), e.kind))
            })
            .collect()
    }

    #[test]
    fn every_kind_of_record_error_says_where_it_is() {
        use FieldErrorKind::*;
        // CSV: a short record, an empty posting, then a good one after a
        // quoted cell that spans two lines.
        let csv =
            b"id,title,description\n1,Dev,ok\n2,only two\n3,,\n4,\"Data\nEngineer\",x\n5,QA,fine\n";
        let recs = read_all(csv, InputFormat::Csv);
        assert_eq!(recs.len(), 5);
        assert_eq!(
            errors(&recs),
            [
                (3, 30, 2, "record".to_string(), Malformed),
                (4, 41, 3, "title/description".to_string(), Empty),
            ]
        );
        // Byte offsets point at the record's first byte; the multi-line
        // record starts on line 5 and the next one on line 7.
        assert_eq!(&csv[30..40], b"2,only two");
        let lines: Vec<u64> = recs.iter().map(|r| r.position.line).collect();
        assert_eq!(lines, [2, 3, 4, 5, 7]);
        let records: Vec<u64> = recs.iter().map(|r| r.position.record).collect();
        assert_eq!(records, [1, 2, 3, 4, 5]);

        // JSONL: invalid JSON, not an object, a field of the wrong type, an
        // empty posting; blank lines are skipped but counted as lines.
        let jsonl = b"{\"title\":\"Dev\"}\n\n{oops\n[1,2]\n{\"title\":[\"x\"]}\n{\"id\":\"e\"}\n{\"description\":\"ok\"}\n";
        let recs = read_all(jsonl, InputFormat::Jsonl);
        assert_eq!(recs.len(), 6);
        assert_eq!(
            errors(&recs),
            [
                (3, 17, 2, "record".to_string(), Malformed),
                (4, 23, 3, "record".to_string(), Malformed),
                (5, 29, 4, "title".to_string(), WrongType),
                (6, 45, 5, "title/description".to_string(), Empty),
            ]
        );
        assert_eq!(&jsonl[17..22], b"{oops");
        // The error carries the position into its message.
        let e = recs[3].error().expect("an error");
        let msg = e.to_string();
        assert!(
            msg.starts_with("test, line 5 (record 4, byte 29): title: expected a string"),
            "{msg}"
        );
        assert!(recs[5].error().is_none());
    }

    #[test]
    fn tsv_and_gzip_are_read_by_the_one_rule() {
        use std::io::Write as _;
        for (name, format, tab) in [
            ("a.csv", Some(InputFormat::Csv), false),
            ("a.TSV", Some(InputFormat::Csv), true),
            ("a.tsv.gz", Some(InputFormat::Csv), true),
            ("a.jsonl.gz", Some(InputFormat::Jsonl), false),
            ("a.ndjson", Some(InputFormat::Jsonl), false),
            ("a.txt", None, false),
        ] {
            let path = Path::new(name);
            assert_eq!(InputFormat::from_path(path), format, "{name}");
            assert_eq!(InputFormat::default_delimiter(path) == b'\t', tab, "{name}");
        }
        let dir = std::env::temp_dir().join(format!("jobtag-reader-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("postings.tsv.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"id\ttitle\tdescription\n7\tRust Developer\tTokio, axum\n")
            .expect("gzip");
        std::fs::write(&path, gz.finish().expect("gzip")).expect("write");
        let input = open_input(&path).expect("open");
        let mut reader = RecordReader::new(
            input,
            InputFormat::Csv,
            Columns::default(),
            InputFormat::default_delimiter(&path),
            "postings.tsv.gz",
        )
        .expect("reader");
        let rec = reader.next_record().expect("read").expect("a record");
        let posting = rec.posting.expect("a posting");
        assert_eq!(
            (
                posting.id.as_deref(),
                posting.title.as_str(),
                posting.description.as_str()
            ),
            (Some("7"), "Rust Developer", "Tokio, axum")
        );
        assert_eq!(rec.position.byte, 21);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn missing_columns_are_a_clear_error() {
        let r = RecordReader::new(
            Box::new(&b"a,b\n1,2\n"[..]),
            InputFormat::Csv,
            Columns::default(),
            b',',
            "x.csv",
        );
        assert!(r.is_err());
    }
}
