//! Argument groups shared by the subcommands, flattened into each one that
//! takes them, so a flag means the same thing everywhere (ripgrep keeps its
//! flags in one place for the same reason).

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use jobtag::io::{Columns, InputFormat};
use jobtag::{Labeller, Model, SkillCatalog};

use super::pipeline::Source;

/// `--model`: which classifier.
#[derive(Debug, Clone, Args)]
pub struct ModelArgs {
    /// Model file (default: the model built into jobtag).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

impl ModelArgs {
    /// The model file named, or the embedded model.
    pub fn load(&self) -> Result<Model> {
        Ok(match &self.model {
            Some(p) => Model::load(p)?,
            None => Model::embedded().context("loading the embedded model")?,
        })
    }
}

/// `--skills`, `--add-skills`: which skill catalog.
#[derive(Debug, Clone, Args)]
pub struct CatalogArgs {
    /// Use this skill catalog instead of the built-in one (CSV with the
    /// columns of training/skills/catalog.csv).
    #[arg(long, value_name = "FILE")]
    pub skills: Option<PathBuf>,
    /// Add the skills of this catalog file to the catalog (a repeated id
    /// replaces the skill); repeatable.
    #[arg(long, value_name = "FILE")]
    pub add_skills: Vec<PathBuf>,
}

impl CatalogArgs {
    /// The catalog asked for: the built-in one or `--skills`, plus every
    /// `--add-skills` file.
    pub fn catalog(&self) -> Result<SkillCatalog> {
        let mut catalog = match &self.skills {
            Some(p) => SkillCatalog::load(p)?,
            None => SkillCatalog::default_catalog()?,
        };
        for p in &self.add_skills {
            catalog.extend(SkillCatalog::load(p)?);
        }
        Ok(catalog)
    }
}

/// Model and catalog: everything a [`Labeller`] is built from.
#[derive(Debug, Clone, Args)]
pub struct LabellerArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub catalog: CatalogArgs,
    /// Do not tag skills (role and seniority only; faster).
    #[arg(long, conflicts_with_all = ["skills", "add_skills"])]
    pub no_skills: bool,
    /// Tag skills with the catalog alone, without the model's learned span
    /// tagger: no `uncatalogued` skills, each tag's requirement from the
    /// section rules only; about 1.4 times as fast.
    #[arg(long, conflicts_with = "no_skills")]
    pub catalog_only: bool,
}

impl LabellerArgs {
    /// Load the model and compile the catalog.
    pub fn build(&self) -> Result<Labeller> {
        let mut builder = Labeller::builder().model(self.model.load()?);
        if self.no_skills {
            builder = builder.skills(false);
        } else if self.catalog.skills.is_some() || !self.catalog.add_skills.is_empty() {
            builder = builder.catalog(self.catalog.catalog()?);
        }
        Ok(builder.build()?)
    }
}

/// `--min-confidence`: selective labelling.
#[derive(Debug, Clone, Args)]
pub struct MinConfidenceArgs {
    /// Write `uncertain` for a role or seniority whose (calibrated)
    /// confidence is below P, and the model's best label in `role_guess` /
    /// `seniority_guess` on every row (`jobtag eval` shows how much each P
    /// keeps and how accurate that is).
    #[arg(long, value_name = "P", value_parser = parse_probability)]
    pub min_confidence: Option<f32>,
}

/// A probability between 0 and 1.
fn parse_probability(s: &str) -> std::result::Result<f32, String> {
    let p: f32 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number between 0 and 1"))?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(format!("{s} is not between 0 and 1"))
    }
}

/// CSV or JSON lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Csv,
    Jsonl,
}

impl From<FormatArg> for InputFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Csv => InputFormat::Csv,
            FormatArg::Jsonl => InputFormat::Jsonl,
        }
    }
}

/// Which columns or fields hold a posting: the same flags in label, tally,
/// train and eval.
#[derive(Debug, Clone, Args)]
pub struct ColumnArgs {
    /// Column or field with the posting id (default: id).
    #[arg(long, value_name = "COLUMN")]
    pub id_col: Option<String>,
    /// Column or field with the title (default: title).
    #[arg(long, value_name = "COLUMN")]
    pub title_col: Option<String>,
    /// Column or field with the description; repeat to join several
    /// (default: description; `--text-col ''` for none).
    #[arg(long, value_name = "COLUMN")]
    pub text_col: Vec<String>,
}

impl ColumnArgs {
    /// The columns to read, the defaults filled in.
    pub fn columns(&self) -> Columns {
        let defaults = Columns::default();
        Columns {
            id: self.id_col.clone().unwrap_or(defaults.id),
            title: self.title_col.clone().unwrap_or(defaults.title),
            text: if self.text_col.is_empty() {
                defaults.text
            } else {
                self.text_col
                    .iter()
                    .filter(|c| !c.is_empty())
                    .cloned()
                    .collect()
            },
        }
    }

    /// Columns named on the command line, with their flags: a CSV file
    /// must have them (the default columns may be missing: a file of
    /// descriptions has no title).
    pub fn named_columns(&self) -> Vec<(&'static str, String)> {
        (self.id_col.iter().map(|c| ("--id-col", c.clone())))
            .chain(self.title_col.iter().map(|c| ("--title-col", c.clone())))
            .chain(
                self.text_col
                    .iter()
                    .filter(|c| !c.is_empty())
                    .map(|c| ("--text-col", c.clone())),
            )
            .collect()
    }
}

/// Input files and how to read a posting from them.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Input files (CSV, TSV or JSONL, optionally .gz); `-` or nothing reads stdin.
    pub files: Vec<PathBuf>,
    /// Input format (default: from the file name; stdin is read as CSV).
    #[arg(long, value_enum)]
    pub input_format: Option<FormatArg>,
    #[command(flatten)]
    pub columns: ColumnArgs,
    /// CSV field delimiter (one byte, e.g. ';', or `tab`; default: `,`, or
    /// a tab for .tsv files).
    #[arg(long)]
    pub delimiter: Option<String>,
}

impl InputArgs {
    /// The files to read (`-` for stdin when none is named).
    pub fn files(&self) -> Vec<PathBuf> {
        if self.files.is_empty() {
            vec![PathBuf::from("-")]
        } else {
            self.files.clone()
        }
    }

    /// The format of each file: `--input-format`, else the one rule of
    /// [`InputFormat::from_path`]; stdin is CSV unless told.
    pub fn formats(&self, files: &[PathBuf]) -> Result<Vec<InputFormat>> {
        files
            .iter()
            .map(|f| match self.input_format {
                Some(x) => Ok(x.into()),
                None if f.as_os_str() == "-" => Ok(InputFormat::Csv),
                None => InputFormat::from_path(f).with_context(|| {
                    format!(
                        "{}: cannot tell CSV from JSONL by the name; use --input-format",
                        f.display()
                    )
                }),
            })
            .collect()
    }

    /// Everything the streaming pipeline reads: the files, each one's
    /// format and delimiter, the columns and the columns named on the
    /// command line.
    pub fn source(&self, batch_size: usize) -> Result<Source> {
        let files = self.files();
        let formats = self.formats(&files)?;
        let delimiters = files
            .iter()
            .map(|f| self.delimiter(f))
            .collect::<Result<_>>()?;
        Ok(Source {
            files,
            formats,
            delimiters,
            columns: self.columns.columns(),
            named: self.columns.named_columns(),
            batch_size: batch_size.max(1),
        })
    }

    /// The CSV delimiter for a file: `--delimiter`, else a tab for `.tsv`
    /// names and a comma for the rest.
    pub fn delimiter(&self, file: &std::path::Path) -> Result<u8> {
        match self.delimiter.as_deref() {
            Some("\\t" | "tab") => Ok(b'\t'),
            Some(d) if d.len() == 1 => Ok(d.as_bytes()[0]),
            Some(d) => bail!("--delimiter must be a single byte, got {d:?}"),
            None => Ok(InputFormat::default_delimiter(file)),
        }
    }
}
