//! `jobtag label`: stream postings through the model, in parallel, keeping
//! input order; every input row becomes one output row or one error record.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use jobtag::io::reader::{open_input, Fields};
use jobtag::io::{
    Columns, ErrorRecord, InputFormat, LabelWriter, OutputFormat, Record, RecordReader,
};
use jobtag::{Labels, Model};
use rayon::prelude::*;

use super::exit;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    Jsonl,
}

#[derive(Debug, Args)]
pub struct LabelArgs {
    /// Input files (CSV or JSONL, optionally .gz); `-` or nothing reads stdin.
    files: Vec<PathBuf>,
    /// Output file (default: stdout).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Output format (default: the format of the output file's extension,
    /// else of the input).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Input format (default: from the file extension; stdin needs it or is
    /// read as CSV).
    #[arg(long, value_enum)]
    input_format: Option<FormatArg>,
    /// Model file (default: the embedded model).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Column or field with the posting id (default: id).
    #[arg(long)]
    id_col: Option<String>,
    /// Column or field with the title (default: title).
    #[arg(long)]
    title_col: Option<String>,
    /// Column or field with the description; repeat to concatenate several
    /// (default: description).
    #[arg(long)]
    text_col: Vec<String>,
    /// CSV field delimiter (one byte, e.g. ';' or '\t').
    #[arg(long, default_value = ",")]
    delimiter: String,
    /// Add the terms behind each decision (role_terms, seniority_terms).
    #[arg(long)]
    explain: bool,
    /// Write rows that could not be labelled here (JSONL: file, line, id,
    /// field, reason); by default they are reported on stderr.
    #[arg(long)]
    errors: Option<PathBuf>,
    /// Use this skill catalog instead of the built-in one (CSV with the
    /// columns of training/skills/catalog.csv).
    #[arg(long)]
    skills: Option<PathBuf>,
    /// Add the skills of this catalog file to the built-in one.
    #[arg(long)]
    add_skills: Vec<PathBuf>,
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
    explain: bool,
    /// `--keep-columns`, if given.
    keep: Option<Vec<String>>,
    /// Columns named on the command line (`--id-col`, `--title-col`,
    /// `--text-col`), with their flags: a CSV file must have them. (The
    /// default columns may be missing: a file of descriptions has no title.)
    named: Vec<(&'static str, String)>,
}

impl Output {
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
        if format == InputFormat::Csv {
            if let Some((flag, missing)) = self.named.iter().find(|(_, c)| !headers.contains(c)) {
                bail!(
                    "{flag}: {name} has no column {missing:?} (its columns: {})",
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
                    LabelWriter::<Box<dyn Write + Send>>::json_input_columns(&self.columns)
                }
            };
            if let Some(o) = self.out.take() {
                self.writer = Some(
                    LabelWriter::new(o, self.format, input_columns, self.explain)
                        .keeping_fields(self.keep.clone()),
                );
            }
        }
        Ok(())
    }

    /// Write one labelled batch: a row per labelled record, an error record
    /// for every other one.
    fn write_batch(&mut self, batch: &[Record], labels: Vec<Option<Labels>>) -> Result<()> {
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
                        Err((f, r)) => (f.clone(), r.clone()),
                        Ok(_) => ("record".to_string(), "unreadable record".to_string()),
                    };
                    let id = posting
                        .as_ref()
                        .ok()
                        .and_then(|p| p.id.clone())
                        .or_else(|| {
                            fields
                                .as_ref()
                                .and_then(|f| field_id(f, &self.headers, &self.columns.id))
                        });
                    report_error(
                        &mut self.errors_out,
                        ErrorRecord {
                            file: self.name.clone(),
                            line: record.line,
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

fn to_input(f: FormatArg) -> InputFormat {
    match f {
        FormatArg::Csv => InputFormat::Csv,
        FormatArg::Jsonl => InputFormat::Jsonl,
    }
}

fn to_output(f: FormatArg) -> OutputFormat {
    match f {
        FormatArg::Csv => OutputFormat::Csv,
        FormatArg::Jsonl => OutputFormat::Jsonl,
    }
}

fn parse_delimiter(d: &str) -> Result<u8> {
    match d {
        "\\t" | "tab" => Ok(b'\t'),
        _ if d.len() == 1 => Ok(d.as_bytes()[0]),
        _ => bail!("--delimiter must be a single byte, got {d:?}"),
    }
}

pub fn run(args: LabelArgs) -> Result<i32> {
    let start = Instant::now();
    let mut model = match &args.model {
        Some(p) => Model::load(p)?,
        None => Model::embedded().context("loading the embedded model")?,
    };
    if args.skills.is_some() || !args.add_skills.is_empty() {
        let catalog = super::skills::load_catalog(args.skills.as_ref(), &args.add_skills)?;
        model.set_skill_tagger(jobtag::skills::SkillTagger::new(catalog)?);
    }
    let files: Vec<PathBuf> = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    let formats: Vec<InputFormat> = files
        .iter()
        .map(|f| match args.input_format {
            Some(x) => Ok(to_input(x)),
            None if f.as_os_str() == "-" => Ok(InputFormat::Csv),
            None => InputFormat::from_path(f).with_context(|| {
                format!(
                    "{}: cannot tell CSV from JSONL by the name; use --input-format",
                    f.display()
                )
            }),
        })
        .collect::<Result<_>>()?;
    let out_format = match (args.format, &args.output) {
        (Some(f), _) => to_output(f),
        (None, Some(o)) if InputFormat::from_path(o) == Some(InputFormat::Jsonl) => {
            OutputFormat::Jsonl
        }
        (None, Some(o)) if InputFormat::from_path(o) == Some(InputFormat::Csv) => OutputFormat::Csv,
        _ => match formats[0] {
            InputFormat::Csv => OutputFormat::Csv,
            InputFormat::Jsonl => OutputFormat::Jsonl,
        },
    };
    let defaults = Columns::default();
    let columns = Columns {
        id: args.id_col.clone().unwrap_or(defaults.id),
        title: args.title_col.clone().unwrap_or(defaults.title),
        text: if args.text_col.is_empty() {
            defaults.text
        } else {
            args.text_col.clone()
        },
    };
    let named: Vec<(&'static str, String)> = (args.id_col.iter().map(|c| ("--id-col", c.clone())))
        .chain(args.title_col.iter().map(|c| ("--title-col", c.clone())))
        .chain(args.text_col.iter().map(|c| ("--text-col", c.clone())))
        .collect();
    let delimiter = parse_delimiter(&args.delimiter)?;

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
        explain: args.explain,
        keep: (!args.keep_columns.is_empty()).then(|| args.keep_columns.clone()),
        named,
    };
    // A reader thread parses the next batch while this one is labelled; the
    // bounded channel keeps memory flat whatever the input size.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Result<Message>>(2);
    let reader_thread = {
        let (files, formats, columns) = (files.clone(), formats.clone(), columns.clone());
        let batch_size = args.batch_size.max(1);
        std::thread::spawn(move || {
            read_batches(&files, &formats, &columns, delimiter, batch_size, &sender)
        })
    };
    // Batch n is written while batch n + 1 is labelled (`rayon::join`), so no
    // core waits for the output; order is kept because batches are written
    // one after another.
    let mut pending: Option<(Vec<Record>, Vec<Option<Labels>>)> = None;
    for message in receiver {
        match message? {
            Message::File {
                name,
                headers,
                format,
            } => {
                if let Some((batch, labels)) = pending.take() {
                    output.write_batch(&batch, labels)?;
                }
                output.start_file(name, headers, format)?;
            }
            Message::Batch(batch) => {
                let previous = pending.take();
                let label = || -> Vec<Option<Labels>> {
                    batch
                        .par_iter()
                        .map(|r| {
                            r.posting
                                .as_ref()
                                .ok()
                                .map(|p| model.label_with(p, args.explain))
                        })
                        .collect()
                };
                let (labels, written) = rayon::join(label, || match previous {
                    Some((b, l)) => output.write_batch(&b, l),
                    None => Ok(()),
                });
                written?;
                pending = Some((batch, labels));
            }
        }
    }
    if let Some((batch, labels)) = pending.take() {
        output.write_batch(&batch, labels)?;
    }
    // The channel closed: the reader is done (its errors came through it).
    let _ = reader_thread.join();
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

/// What the reader thread sends: the start of a file, or a batch of records.
enum Message {
    File {
        name: String,
        headers: Vec<String>,
        format: InputFormat,
    },
    Batch(Vec<Record>),
}

fn read_batches(
    files: &[PathBuf],
    formats: &[InputFormat],
    columns: &Columns,
    delimiter: u8,
    batch_size: usize,
    sender: &std::sync::mpsc::SyncSender<Result<Message>>,
) {
    let run = || -> Result<()> {
        for (path, format) in files.iter().zip(formats) {
            let name = path.display().to_string();
            let input = open_input(path)?;
            let mut reader = RecordReader::new(input, *format, columns.clone(), delimiter, &name)?;
            let file = Message::File {
                name: name.clone(),
                headers: reader.headers(),
                format: *format,
            };
            if sender.send(Ok(file)).is_err() {
                return Ok(());
            }
            loop {
                let mut batch = Vec::with_capacity(batch_size);
                while batch.len() < batch_size {
                    match reader
                        .next_record()
                        .with_context(|| format!("reading {name}"))?
                    {
                        Some(r) => batch.push(r),
                        None => break,
                    }
                }
                if batch.is_empty() {
                    break;
                }
                if sender.send(Ok(Message::Batch(batch))).is_err() {
                    // The labelling side stopped (e.g. a closed pipe).
                    return Ok(());
                }
            }
        }
        Ok(())
    };
    if let Err(e) = run() {
        let _ = sender.send(Err(e));
    }
}

fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

fn field_id(fields: &Fields, headers: &[String], id_col: &str) -> Option<String> {
    match fields {
        Fields::Csv(cells) => headers
            .iter()
            .position(|h| h == id_col)
            .and_then(|i| cells.get(i))
            .cloned()
            .filter(|s| !s.is_empty()),
        Fields::Json(o) => o.get(id_col).map(|v| {
            v.as_str()
                .map(String::from)
                .unwrap_or_else(|| v.to_string())
        }),
    }
}

fn report_error(out: &mut Option<BufWriter<File>>, e: ErrorRecord) -> Result<()> {
    match out {
        Some(w) => {
            serde_json::to_writer(&mut *w, &e)?;
            w.write_all(b"\n")?;
        }
        None => eprintln!(
            "jobtag: {}, line {}{}: {}: {}",
            e.file,
            e.line,
            e.id.as_ref()
                .map(|i| format!(" (id {i})"))
                .unwrap_or_default(),
            e.field,
            e.reason
        ),
    }
    Ok(())
}
