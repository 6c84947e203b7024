//! `jobtag label`: stream postings through the model, in parallel, keeping
//! input order; every input row becomes one output row or one error record.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use jobtag::io::{Columns, ErrorRecord, InputFormat, LabelWriter, OutputFormat, Record};
use jobtag::{LabelOptions, Labels};

use super::args::{FormatArg, InputArgs, LabellerArgs, MinConfidenceArgs};
use super::exit;
use super::pipeline::{self, Sink};

#[derive(Debug, Args)]
pub struct LabelArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    labeller: LabellerArgs,
    /// Output file (default: stdout).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Output format (default: the format of the output file's extension,
    /// else of the input).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Add the terms behind each decision (role_terms, seniority_terms).
    #[arg(long)]
    explain: bool,
    #[command(flatten)]
    confidence: MinConfidenceArgs,
    /// Add the role's occupation codes (role_isco, role_esco, role_onet)
    /// and, in CSV, the skills' ESCO URIs and O*NET names and codes as
    /// extra columns (JSONL skills carry theirs without it).
    #[arg(long)]
    ids: bool,
    /// Write rows that could not be labelled here (JSONL: file, line, id,
    /// field, reason); by default they are reported on stderr.
    #[arg(long)]
    errors: Option<PathBuf>,
    /// Carry only these input columns (CSV) or fields (JSONL) into the
    /// output, comma-separated (default: all of them), e.g. `--keep-columns
    /// id` to write ids and labels without the posting text.
    #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
    keep_columns: Vec<String>,
    /// Records labelled per parallel batch.
    #[arg(long, default_value_t = 1024, hide = true)]
    batch_size: usize,
}

#[derive(Default)]
struct Summary {
    read: u64,
    labelled: u64,
    errors: u64,
    lossy: u64,
    duplicate_ids: u64,
}

/// Everything on the writing side of `label`: the output, the error
/// records, and the tallies for the summary line.
struct Output {
    /// The output stream until the first file's columns are known.
    out: Option<Box<dyn Write + Send>>,
    writer: Option<LabelWriter<Box<dyn Write + Send>>>,
    errors_out: Option<BufWriter<File>>,
    /// Ids are remembered as 64-bit hashes, so a million-row run stays
    /// small; a collision could only under-count duplicates, never drop a row.
    seen_ids: HashSet<u64>,
    summary: Summary,
    progress: Option<ProgressBar>,
    /// Name and header of the file being read.
    name: String,
    headers: Vec<String>,
    columns: Columns,
    format: OutputFormat,
    options: LabelOptions,
    /// `--keep-columns`, if given.
    keep: Option<Vec<String>>,
}

impl Sink for Output {
    fn start_file(
        &mut self,
        name: String,
        headers: Vec<String>,
        format: InputFormat,
    ) -> Result<()> {
        if let (Some(keep), InputFormat::Csv) = (&self.keep, format) {
            if let Some(missing) = keep.iter().find(|k| !headers.contains(k)) {
                bail!(
                    "--keep-columns: {name} has no column {missing:?} (its columns: {})",
                    headers.join(", ")
                );
            }
        }
        self.name = name;
        self.headers = headers;
        if self.writer.is_none() {
            let input_columns = match (&self.keep, format) {
                (Some(keep), _) => keep.clone(),
                (None, InputFormat::Csv) => self.headers.clone(),
                (None, InputFormat::Jsonl) => {
                    // CSV output of JSON input: the posting's own fields.
                    let c = &self.columns;
                    std::iter::once(c.id.clone())
                        .chain(std::iter::once(c.title.clone()))
                        .chain(c.text.iter().cloned())
                        .collect()
                }
            };
            if let Some(o) = self.out.take() {
                self.writer = Some(LabelWriter::new(
                    o,
                    self.format,
                    input_columns,
                    self.keep.clone(),
                    &self.options,
                ));
            }
        }
        Ok(())
    }

    /// Write one labelled batch: a row per labelled record, an error record
    /// for every other one.
    fn batch(&mut self, batch: &[Record], labels: Vec<Option<Labels>>) -> Result<()> {
        let Some(w) = self.writer.as_mut() else {
            bail!("internal: no output writer")
        };
        for (record, label) in batch.iter().zip(labels) {
            self.summary.read += 1;
            if record.lossy {
                self.summary.lossy += 1;
            }
            match (&record.posting, &record.fields, label) {
                (Ok(posting), Some(fields), Some(l)) => {
                    if let Some(id) = &posting.id {
                        if !self.seen_ids.insert(id_hash(id)) {
                            self.summary.duplicate_ids += 1;
                        }
                    }
                    w.write(fields, &self.headers, &l)?;
                    self.summary.labelled += 1;
                }
                (posting, fields, _) => {
                    let (field, reason) = match posting {
                        Err(e) => (e.field.clone(), e.reason.clone()),
                        Ok(_) => ("record".to_string(), "unreadable record".to_string()),
                    };
                    let id = posting
                        .as_ref()
                        .ok()
                        .and_then(|p| p.id.clone())
                        .or_else(|| {
                            fields
                                .as_ref()
                                .and_then(|f| f.text(&self.headers, &self.columns.id))
                                .map(|id| id.into_owned())
                                .filter(|id| !id.is_empty())
                        });
                    report_error(
                        &mut self.errors_out,
                        ErrorRecord {
                            file: self.name.clone(),
                            line: record.position.line,
                            record: record.position.record,
                            byte: record.position.byte,
                            id,
                            field,
                            reason,
                        },
                    )?;
                    self.summary.errors += 1;
                }
            }
        }
        if let Some(bar) = &self.progress {
            bar.set_position(self.summary.labelled);
        }
        Ok(())
    }
}

impl Output {
    /// Flush everything and hand back the tallies.
    fn finish(mut self) -> Result<Summary> {
        if let Some(w) = self.writer.as_mut() {
            w.flush()?;
        }
        if let Some(e) = self.errors_out.as_mut() {
            e.flush()?;
        }
        if let Some(bar) = self.progress.take() {
            bar.finish_and_clear();
        }
        Ok(self.summary)
    }
}

fn to_output(f: FormatArg) -> OutputFormat {
    match f {
        FormatArg::Csv => OutputFormat::Csv,
        FormatArg::Jsonl => OutputFormat::Jsonl,
    }
}

pub fn run(args: LabelArgs) -> Result<i32> {
    let start = Instant::now();
    let labeller = args.labeller.build()?;
    let mut options = LabelOptions::default()
        .with_explain(args.explain)
        .with_min_confidence(args.confidence.min_confidence);
    options.ids = args.ids;
    options.catalog_only = args.labeller.catalog_only;
    let source = args.input.source(args.batch_size)?;
    let out_format = match (args.format, &args.output) {
        (Some(f), _) => to_output(f),
        (None, Some(o)) if InputFormat::from_path(o) == Some(InputFormat::Jsonl) => {
            OutputFormat::Jsonl
        }
        (None, Some(o)) if InputFormat::from_path(o) == Some(InputFormat::Csv) => OutputFormat::Csv,
        _ => match source.formats[0] {
            InputFormat::Csv => OutputFormat::Csv,
            InputFormat::Jsonl => OutputFormat::Jsonl,
        },
    };
    let columns = source.columns.clone();

    let out: Box<dyn Write + Send> = match &args.output {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(BufWriter::with_capacity(1 << 16, std::io::stdout())),
    };
    let errors_out: Option<BufWriter<File>> = match &args.errors {
        Some(p) => Some(BufWriter::new(
            File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => None,
    };

    let progress = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos} postings labelled ({per_sec}) {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Some(bar)
    } else {
        None
    };

    let mut output = Output {
        out: Some(out),
        writer: None,
        errors_out,
        seen_ids: HashSet::new(),
        summary: Summary::default(),
        progress,
        name: String::new(),
        headers: Vec::new(),
        columns: columns.clone(),
        format: out_format,
        options: options.clone(),
        keep: (!args.keep_columns.is_empty()).then(|| args.keep_columns.clone()),
    };
    pipeline::run(
        source,
        |r: &Record| {
            r.posting
                .as_ref()
                .ok()
                .map(|p| labeller.label_with(p, &options))
        },
        &mut output,
    )?;
    let summary = output.finish()?;
    let secs = start.elapsed().as_secs_f64();
    let mut line = format!(
        "jobtag: {} rows read, {} labelled, {} errors, {:.0} postings/s",
        summary.read,
        summary.labelled,
        summary.errors,
        summary.labelled as f64 / secs.max(1e-9)
    );
    if summary.lossy > 0 {
        line.push_str(&format!(
            ", {} with invalid UTF-8 (replaced)",
            summary.lossy
        ));
    }
    if summary.duplicate_ids > 0 {
        line.push_str(&format!(
            ", {} duplicate ids (labelled)",
            summary.duplicate_ids
        ));
    }
    eprintln!("{line}");
    Ok(if summary.errors > 0 {
        exit::ROW_ERRORS
    } else {
        exit::OK
    })
}

fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

fn report_error(out: &mut Option<BufWriter<File>>, e: ErrorRecord) -> Result<()> {
    match out {
        Some(w) => {
            serde_json::to_writer(&mut *w, &e)?;
            w.write_all(b"\n")?;
        }
        None => eprintln!(
            "jobtag: {}, line {} (record {}){}: {}: {}",
            e.file,
            e.line,
            e.record,
            e.id.as_ref()
                .map(|i| format!(" (id {i})"))
                .unwrap_or_default(),
            e.field,
            e.reason
        ),
    }
    Ok(())
}
