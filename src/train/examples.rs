//! Labelled examples: reading the sources of a recipe (or a user's own files)
//! into one list, with provenance for every row.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::recipe::{Recipe, Source, SourceFormat};
use crate::error::{Error, Result};
use crate::io::{Columns, Fields, InputFormat, RecordReader};
use crate::model::sha256_hex;
use crate::model::DataFile;
use crate::posting::Posting;

/// One labelled training or evaluation example.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The posting text.
    pub posting: Posting,
    /// Role label, if the row has exactly one.
    pub role: Option<String>,
    /// Acceptable roles when there is no single one.
    pub role_accept: Vec<String>,
    /// Seniority label.
    pub seniority: Option<String>,
    /// Acceptable seniorities.
    pub seniority_accept: Vec<String>,
    /// Sample weight.
    pub weight: f32,
    /// Index of the source in the recipe.
    pub source: usize,
    /// 1-based line (record) number in its file.
    pub line: u64,
}

/// Examples and the files they came from.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// All examples, sources in recipe order, rows in file order.
    pub examples: Vec<Example>,
    /// Digest and row count of every file read.
    pub files: Vec<DataFile>,
    /// Index of the source folded by cross-validation, if any.
    pub cv_source: Option<usize>,
}

/// Read every source of a recipe.
pub fn load_recipe_sources(recipe: &Recipe) -> Result<Corpus> {
    let mut corpus = Corpus {
        examples: Vec::new(),
        files: Vec::new(),
        cv_source: None,
    };
    for (i, source) in recipe.sources.iter().enumerate() {
        if source.cv {
            corpus.cv_source = Some(i);
        }
        let path = recipe.resolve(&source.path);
        let before = corpus.examples.len();
        let digests = match source.format {
            SourceFormat::TextFiles => {
                let labels = source
                    .labels
                    .as_ref()
                    .map(|l| recipe.resolve(l))
                    .ok_or_else(|| {
                        Error::Recipe(format!(
                            "{}: text-files needs `labels`",
                            source.path.display()
                        ))
                    })?;
                read_text_files(&path, &labels, source, i, &mut corpus.examples)?
            }
            _ => vec![(
                path.clone(),
                read_table(&path, source, i, &mut corpus.examples)?,
            )],
        };
        // A table counts its rows; each file of a text-files folder is one row.
        let rows = if digests.len() == 1 {
            (corpus.examples.len() - before) as u64
        } else {
            1
        };
        for (p, sha) in digests {
            corpus.files.push(DataFile {
                path: display_path(&source.path, &p),
                sha256: sha,
                rows,
            });
        }
    }
    Ok(corpus)
}

fn display_path(declared: &Path, actual: &Path) -> String {
    if actual.is_file() && declared.extension().is_none() {
        // A file inside a declared folder.
        format!(
            "{}/{}",
            declared.display(),
            actual
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        )
    } else {
        declared.display().to_string()
    }
}

/// Read a CSV or JSONL file of labelled rows through the input layer
/// ([`RecordReader`]); returns the file's SHA-256. Training data must be
/// clean: the first record that is not a posting stops the reading with an
/// error that says where.
pub fn read_table(
    path: &Path,
    source: &Source,
    index: usize,
    out: &mut Vec<Example>,
) -> Result<String> {
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let sha = sha256_hex(&bytes);
    let format = match source.format {
        SourceFormat::Csv => InputFormat::Csv,
        SourceFormat::Jsonl => InputFormat::Jsonl,
        SourceFormat::Auto | SourceFormat::TextFiles => {
            InputFormat::from_path(path).ok_or_else(|| {
                Error::Recipe(format!(
                    "{}: cannot tell the format from the name; set format = \"csv\" or \"jsonl\"",
                    path.display()
                ))
            })?
        }
    };
    let file = path.display().to_string();
    let columns = Columns {
        id: source.id.clone(),
        title: source.title.clone(),
        text: source.text.clone(),
    };
    let input: Box<dyn std::io::Read + Send> = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
    {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::Cursor::new(
            bytes,
        )))
    } else {
        Box::new(std::io::Cursor::new(bytes))
    };
    let mut reader = RecordReader::new(
        input,
        format,
        columns,
        InputFormat::default_delimiter(path),
        &file,
    )?;
    let headers = reader.headers();
    if format == InputFormat::Csv {
        for name in [&source.title, &source.role] {
            if !name.is_empty() && !headers.contains(name) {
                return Err(Error::Record {
                    position: crate::io::Position::line(&file, 1),
                    field: Some(name.clone()),
                    reason: format!("no column named {name:?} (columns: {})", headers.join(", ")),
                });
            }
        }
    }
    let mut kept_of_subsampled = 0usize;
    while let Some(record) = reader.next_record()? {
        if let Some(e) = record.error() {
            return Err(e);
        }
        let (Ok(posting), Some(fields)) = (record.posting, record.fields) else {
            continue;
        };
        let get = |name: &str| -> Option<String> {
            if name.is_empty() {
                return None;
            }
            fields
                .text(&headers, name)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let list = |name: &Option<String>| -> Vec<String> {
            let Some(name) = name.as_deref() else {
                return Vec::new();
            };
            match &fields {
                Fields::Json(o) => match o.get(name) {
                    Some(Value::Array(a)) => a
                        .iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect(),
                    Some(Value::String(s)) => split_list(s),
                    _ => Vec::new(),
                },
                Fields::Csv(_) => fields
                    .text(&headers, name)
                    .map(|s| split_list(&s))
                    .unwrap_or_default(),
            }
        };
        let role = get(&source.role);
        if let (Some(target), Some(n)) = (&source.subsample_role, source.keep_every) {
            if role.as_ref() == Some(target) {
                kept_of_subsampled += 1;
                if !(kept_of_subsampled - 1).is_multiple_of(n) {
                    continue;
                }
            }
        }
        out.push(Example {
            posting,
            role,
            role_accept: list(&source.role_accept),
            seniority: get(&source.seniority),
            seniority_accept: list(&source.seniority_accept),
            weight: source.weight,
            source: index,
            line: record.position.line,
        });
    }
    Ok(sha)
}

/// A list label written as one cell: `a|b` or `a, b`.
fn split_list(s: &str) -> Vec<String> {
    s.split(['|', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Read a folder of plain-text files labelled by a CSV (`file,title,role,seniority`).
fn read_text_files(
    dir: &Path,
    labels: &Path,
    source: &Source,
    index: usize,
    out: &mut Vec<Example>,
) -> Result<Vec<(PathBuf, String)>> {
    let mut reader = csv::Reader::from_path(labels)
        .map_err(|e| Error::Recipe(format!("{}: {e}", labels.display())))?;
    let mut digests = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n as u64 + 2;
        let record = record.map_err(|e| Error::Record {
            position: crate::io::Position::line(&labels.display().to_string(), line),
            field: None,
            reason: e.to_string(),
        })?;
        let field = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        let path = dir.join(field(0));
        let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
        digests.push((path.clone(), sha256_hex(&bytes)));
        let opt = |s: String| Some(s).filter(|s| !s.is_empty());
        out.push(Example {
            posting: Posting {
                id: Some(field(0)),
                title: field(1),
                description: String::from_utf8_lossy(&bytes).into_owned(),
            },
            role: opt(field(2)),
            role_accept: Vec::new(),
            seniority: opt(field(3)),
            seniority_accept: Vec::new(),
            weight: source.weight,
            source: index,
            line: 1,
        });
    }
    Ok(digests)
}
