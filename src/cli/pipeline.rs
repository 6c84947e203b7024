//! The streaming pipeline `label` and `tally` share: a reader thread parses
//! the next batch of records while the current one is labelled on every core
//! and the previous one is handed to a [`Sink`] (written, or counted). Batches
//! go through a bounded channel, so memory stays flat whatever the input
//! size, and they reach the sink in input order.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use jobtag::io::{open_input, Columns, InputFormat, Record, RecordReader};
use jobtag::Labels;
use rayon::prelude::*;

/// Where labelled batches go.
pub trait Sink: Send {
    /// A new input file starts (its CSV header, empty for JSONL).
    fn start_file(&mut self, name: String, headers: Vec<String>, format: InputFormat)
        -> Result<()>;
    /// One batch of records with the labels of those that were labelled.
    fn batch(&mut self, batch: &[Record], labels: Vec<Option<Labels>>) -> Result<()>;
}

/// What to read.
pub struct Source {
    pub files: Vec<PathBuf>,
    pub formats: Vec<InputFormat>,
    pub delimiters: Vec<u8>,
    pub columns: Columns,
    /// Columns named on the command line (`--id-col`, `--title-col`,
    /// `--text-col`), with their flags: a CSV file must have them. (The
    /// default columns may be missing: a file of descriptions has no title.)
    pub named: Vec<(&'static str, String)>,
    pub batch_size: usize,
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

/// Read every record of `source`, label those `label` labels (on all
/// cores), and hand every record to `sink` in input order.
pub fn run(
    source: Source,
    label: impl Fn(&Record) -> Option<Labels> + Sync,
    sink: &mut impl Sink,
) -> Result<()> {
    // A reader thread parses the next batch while this one is labelled; the
    // bounded channel keeps memory flat whatever the input size.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Result<Message>>(2);
    let reader_thread = std::thread::spawn(move || read_batches(&source, &sender));
    // Batch n goes to the sink while batch n + 1 is labelled (`rayon::join`),
    // so no core waits for the output; order is kept because batches are
    // handed over one after another.
    let mut pending: Option<(Vec<Record>, Vec<Option<Labels>>)> = None;
    for message in receiver {
        match message? {
            Message::File {
                name,
                headers,
                format,
            } => {
                if let Some((batch, labels)) = pending.take() {
                    sink.batch(&batch, labels)?;
                }
                sink.start_file(name, headers, format)?;
            }
            Message::Batch(batch) => {
                let previous = pending.take();
                let labelled = || -> Vec<Option<Labels>> { batch.par_iter().map(&label).collect() };
                let (labels, handed) = rayon::join(labelled, || match previous {
                    Some((b, l)) => sink.batch(&b, l),
                    None => Ok(()),
                });
                handed?;
                pending = Some((batch, labels));
            }
        }
    }
    if let Some((batch, labels)) = pending.take() {
        sink.batch(&batch, labels)?;
    }
    // The channel closed: the reader is done (its errors came through it).
    let _ = reader_thread.join();
    Ok(())
}

fn read_batches(source: &Source, sender: &std::sync::mpsc::SyncSender<Result<Message>>) {
    let run = || -> Result<()> {
        let files = source.files.iter().zip(&source.formats);
        for ((path, format), &delimiter) in files.zip(&source.delimiters) {
            let name = path.display().to_string();
            let input = open_input(path)?;
            let mut reader =
                RecordReader::new(input, *format, source.columns.clone(), delimiter, &name)?;
            let headers = reader.headers();
            if *format == InputFormat::Csv {
                if let Some((flag, missing)) =
                    source.named.iter().find(|(_, c)| !headers.contains(c))
                {
                    bail!(
                        "{flag}: {name} has no column {missing:?} (its columns: {})",
                        headers.join(", ")
                    );
                }
            }
            let file = Message::File {
                name: name.clone(),
                headers,
                format: *format,
            };
            if sender.send(Ok(file)).is_err() {
                return Ok(());
            }
            loop {
                let mut batch = Vec::with_capacity(source.batch_size);
                while batch.len() < source.batch_size {
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
