//! Labelled examples: reading the sources of a recipe (or a user's own files)
//! into one list, with provenance for every row.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::recipe::{Recipe, Source, SourceFormat};
use crate::error::{Error, Result};
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

/// Read a CSV or JSONL file of labelled rows; returns the file's SHA-256.
pub fn read_table(
    path: &Path,
    source: &Source,
    index: usize,
    out: &mut Vec<Example>,
) -> Result<String> {
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let sha = sha256_hex(&bytes);
    let format = match source.format {
        SourceFormat::Auto => match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => SourceFormat::Csv,
            Some("jsonl" | "json" | "ndjson") => SourceFormat::Jsonl,
            _ => {
                return Err(Error::Recipe(format!(
                    "{}: cannot tell the format; set format = \"csv\" or \"jsonl\"",
                    path.display()
                )))
            }
        },
        f => f,
    };
    let text = String::from_utf8_lossy(&bytes);
    let file = path.display().to_string();
    let mut kept_of_subsampled = 0usize;
    let mut push = |fields: &dyn Fn(&str) -> Option<Value>, line: u64| -> Result<()> {
        let get = |name: &str| -> String {
            if name.is_empty() {
                return String::new();
            }
            match fields(name) {
                Some(Value::String(s)) => s,
                Some(Value::Null) | None => String::new(),
                Some(v) => v.to_string(),
            }
        };
        let list = |name: &Option<String>| -> Vec<String> {
            match name.as_deref().and_then(fields) {
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect(),
                Some(Value::String(s)) => s
                    .split(['|', ','])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
                _ => Vec::new(),
            }
        };
        let role = Some(get(&source.role))
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_string());
        if let (Some(target), Some(n)) = (&source.subsample_role, source.keep_every) {
            if role.as_ref() == Some(target) {
                kept_of_subsampled += 1;
                if !(kept_of_subsampled - 1).is_multiple_of(n) {
                    return Ok(());
                }
            }
        }
        let seniority = Some(get(&source.seniority))
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_string());
        let posting = Posting {
            id: Some(get("id")).filter(|s| !s.is_empty()),
            title: get(&source.title),
            description: get(&source.text),
        };
        if posting.is_empty() {
            return Err(Error::Record {
                file: file.clone(),
                line,
                reason: "no title and no description".into(),
            });
        }
        out.push(Example {
            posting,
            role,
            role_accept: list(&source.role_accept),
            seniority,
            seniority_accept: list(&source.seniority_accept),
            weight: source.weight,
            source: index,
            line,
        });
        Ok(())
    };
    match format {
        SourceFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(false)
                .from_reader(text.as_bytes());
            let headers = reader
                .headers()
                .map_err(|e| Error::Record {
                    file: file.clone(),
                    line: 1,
                    reason: e.to_string(),
                })?
                .clone();
            let column: HashMap<&str, usize> =
                headers.iter().enumerate().map(|(i, h)| (h, i)).collect();
            for name in [&source.title, &source.role] {
                if !name.is_empty() && !column.contains_key(name.as_str()) {
                    return Err(Error::Record {
                        file: file.clone(),
                        line: 1,
                        reason: format!(
                            "no column named {name:?} (columns: {})",
                            headers.iter().collect::<Vec<_>>().join(", ")
                        ),
                    });
                }
            }
            for record in reader.records() {
                let record = record.map_err(|e| Error::Record {
                    file: file.clone(),
                    line: e.position().map_or(0, |p| p.line()),
                    reason: e.to_string(),
                })?;
                let line = record.position().map_or(0, |p| p.line());
                let fields = |name: &str| {
                    column
                        .get(name)
                        .and_then(|&i| record.get(i))
                        .map(|s| Value::String(s.to_string()))
                };
                push(&fields, line)?;
            }
        }
        _ => {
            for (n, raw) in text.lines().enumerate() {
                if raw.trim().is_empty() {
                    continue;
                }
                let line = n as u64 + 1;
                let obj: serde_json::Map<String, Value> =
                    serde_json::from_str(raw).map_err(|e| Error::Record {
                        file: file.clone(),
                        line,
                        reason: format!("invalid JSON object: {e}"),
                    })?;
                let fields = |name: &str| obj.get(name).cloned();
                push(&fields, line)?;
            }
        }
    }
    Ok(sha)
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
            file: labels.display().to_string(),
            line,
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
