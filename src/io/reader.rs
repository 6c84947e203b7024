//! Streaming readers for postings in CSV or JSON lines.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

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

/// The original fields of an input record, kept so output can repeat them.
#[derive(Debug, Clone, PartialEq)]
pub enum Fields {
    /// CSV cells, in header order.
    Csv(Vec<String>),
    /// A JSON object.
    Json(Map<String, Value>),
}

/// One input record.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// 1-based line where the record starts.
    pub line: u64,
    /// Original fields (absent when the record could not be parsed at all).
    pub fields: Option<Fields>,
    /// The posting, or why there is none: `(field, reason)`.
    pub posting: std::result::Result<Posting, (String, String)>,
    /// True when invalid UTF-8 was replaced while decoding.
    pub lossy: bool,
}

/// Reads records from one input stream.
pub struct RecordReader {
    inner: Inner,
    columns: Columns,
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
        buf: Vec<u8>,
    },
}

#[derive(Debug, Clone)]
struct ColumnIndex {
    id: Option<usize>,
    title: Option<usize>,
    text: Vec<usize>,
}

/// Open a file (or `-` for stdin), decompressing `.gz` transparently.
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
    /// A reader over `input`. For CSV the header is read now, and it is an
    /// error when neither the title column nor any text column exists.
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
                        file: name.into(),
                        line: 1,
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
                        file: name.into(),
                        line: 1,
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
                buf: Vec::new(),
            },
        };
        Ok(RecordReader { inner, columns })
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
                        let line = rec.position().map_or(0, |p| p.line());
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
                                line,
                                fields: None,
                                posting: Err(("record".into(), reason)),
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
                            line,
                            fields: Some(Fields::Csv(cells)),
                            posting,
                            lossy,
                        }))
                    }
                    Err(e) => {
                        if let csv::ErrorKind::Io(_) = e.kind() {
                            *done = true;
                            return Err(Error::Stream(std::io::Error::other(e.to_string())));
                        }
                        let line = e.position().map_or(0, |p| p.line());
                        Ok(Some(Record {
                            line,
                            fields: None,
                            posting: Err(("record".into(), e.to_string())),
                            lossy: false,
                        }))
                    }
                }
            }
            Inner::Jsonl { reader, line, buf } => loop {
                buf.clear();
                let n = reader.read_until(b'\n', buf)?;
                if n == 0 {
                    return Ok(None);
                }
                *line += 1;
                let (text, lossy) = match std::str::from_utf8(buf) {
                    Ok(s) => (s.to_string(), false),
                    Err(_) => (String::from_utf8_lossy(buf).into_owned(), true),
                };
                let trimmed = text.trim();
                if trimmed.is_empty() {
                    continue;
                }
                let line = *line;
                let obj = match serde_json::from_str::<Value>(trimmed) {
                    Ok(Value::Object(o)) => o,
                    Ok(_) => {
                        return Ok(Some(Record {
                            line,
                            fields: None,
                            posting: Err(("record".into(), "not a JSON object".into())),
                            lossy,
                        }))
                    }
                    Err(e) => {
                        return Ok(Some(Record {
                            line,
                            fields: None,
                            posting: Err(("record".into(), format!("invalid JSON: {e}"))),
                            lossy,
                        }))
                    }
                };
                let posting = json_posting(&obj, &self.columns);
                return Ok(Some(Record {
                    line,
                    fields: Some(Fields::Json(obj)),
                    posting,
                    lossy,
                }));
            },
        }
    }
}

fn json_posting(
    obj: &Map<String, Value>,
    columns: &Columns,
) -> std::result::Result<Posting, (String, String)> {
    let field = |name: &str| -> std::result::Result<String, (String, String)> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Number(n)) if name == columns.id => Ok(n.to_string()),
            Some(other) => Err((
                name.to_string(),
                format!("expected a string, found {}", json_type(other)),
            )),
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

fn check_posting(p: Posting, columns: &Columns) -> std::result::Result<Posting, (String, String)> {
    if p.is_empty() {
        Err((
            format!("{}/{}", columns.title, columns.text.join("+")),
            "empty posting: no title and no description".into(),
        ))
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
        assert_eq!(recs[1].line, 4);
        assert!(recs[1].posting.is_err());
        assert!(recs[2].posting.as_ref().unwrap_err().1.contains("empty"));
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
        assert_eq!(recs[1].line, 3);
        assert_eq!(recs[2].posting.as_ref().unwrap_err().0, "title");
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
