//! `jobtag tally`: skill demand by group, from raw postings (labelled on the
//! fly) or from jobtag's own labelled output (no relabelling).

use super::outln;
use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use jobtag::io::reader::{open_input, Fields};
use jobtag::io::{Columns, InputFormat, RecordReader};
use jobtag::report::{label_summary, period_of, shorten, tally, Tally, TallyRow};
use jobtag::skills::Requirement;
use jobtag::Model;
use rayon::prelude::*;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TallyFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct TallyArgs {
    /// Postings (CSV or JSONL, optionally .gz), raw or as written by `jobtag label`.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Group by these fields: role, seniority, or any input column (comma-separated).
    #[arg(long, value_delimiter = ',')]
    by: Vec<String>,
    /// Skills shown per group.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Leave out groups with fewer postings than this.
    #[arg(long, default_value_t = 1)]
    min_postings: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TallyFormat::Table)]
    format: TallyFormat,
    /// Only the role and seniority distribution, with mean confidence.
    #[arg(long)]
    labels_only: bool,
    /// Also count skill pairs named together (count, share, lift).
    #[arg(long)]
    pairs: bool,
    /// Split every group by period of --date-col.
    #[arg(long, value_enum, requires = "date_col")]
    period: Option<Period>,
    /// Column or field with the posting date (YYYY-MM-DD and similar).
    #[arg(long)]
    date_col: Option<String>,
    /// Also draw a chart (.svg or .png): top skills per group, or one line
    /// per skill over periods with --period.
    #[arg(long)]
    chart: Option<PathBuf>,
    /// Input format (default: from the file extension).
    #[arg(long, value_enum)]
    input_format: Option<InFormat>,
    /// Model for raw postings (default: the embedded model).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Column or field with the title (raw postings).
    #[arg(long, default_value = "title")]
    title_col: String,
    /// Column or field with the description (raw postings); repeatable.
    #[arg(long, default_value = "description")]
    text_col: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Period {
    Month,
    Quarter,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum InFormat {
    Csv,
    Jsonl,
}

/// Field `name` of a record as text.
fn field(fields: &Fields, headers: &[String], name: &str) -> Option<String> {
    match fields {
        Fields::Csv(cells) => headers
            .iter()
            .position(|h| h == name)
            .and_then(|i| cells.get(i))
            .cloned(),
        Fields::Json(o) => o.get(name).map(|v| {
            v.as_str()
                .map(String::from)
                .unwrap_or_else(|| v.to_string())
        }),
    }
}

fn requirement(s: &str) -> Requirement {
    match s {
        "required" => Requirement::Required,
        "preferred" => Requirement::Preferred,
        _ => Requirement::Mentioned,
    }
}

/// A row of jobtag's own output, if the record is one.
fn labelled_row(fields: &Fields, headers: &[String], by: &[String]) -> Option<TallyRow> {
    let role = field(fields, headers, "role")?;
    let conf = |name: &str| {
        field(fields, headers, name)
            .and_then(|c| c.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let skills = match fields {
        Fields::Json(o) => o
            .get("skills")?
            .as_array()?
            .iter()
            .filter_map(|s| {
                Some((
                    s.get("name")?.as_str()?.to_string(),
                    requirement(s.get("requirement")?.as_str()?),
                ))
            })
            .collect(),
        Fields::Csv(_) => {
            let all = field(fields, headers, "skills")?;
            let required: HashSet<String> = field(fields, headers, "required_skills")
                .unwrap_or_default()
                .split(';')
                .map(String::from)
                .collect();
            // CSV output keeps only required vs not: the rest count as mentioned.
            all.split(';')
                .filter(|s| !s.is_empty())
                .map(|s| {
                    (
                        s.to_string(),
                        if required.contains(s) {
                            Requirement::Required
                        } else {
                            Requirement::Mentioned
                        },
                    )
                })
                .collect()
        }
    };
    let seniority = field(fields, headers, "seniority").filter(|s| !s.is_empty());
    let group = by
        .iter()
        .map(|b| {
            field(fields, headers, b)
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "(none)".into())
        })
        .collect();
    Some(TallyRow {
        group,
        skills,
        role: Some((role, conf("role_confidence"))),
        seniority: seniority.map(|s| (s, conf("seniority_confidence"))),
    })
}

pub fn run(args: TallyArgs) -> Result<()> {
    let period_key = |fields: Option<&Fields>, headers: &[String]| -> Option<String> {
        let (Some(p), Some(col)) = (args.period, args.date_col.as_deref()) else {
            return None;
        };
        let date = fields
            .and_then(|f| field(f, headers, col))
            .unwrap_or_default();
        Some(period_of(&date, matches!(p, Period::Quarter)).unwrap_or_else(|| UNDATED.to_string()))
    };
    let columns = Columns {
        id: "id".into(),
        title: args.title_col.clone(),
        text: args.text_col.clone(),
    };
    let mut model: Option<Model> = None;
    let mut rows: Vec<TallyRow> = Vec::new();
    let mut skipped = 0u64;
    for path in &args.files {
        let format = match args.input_format {
            Some(InFormat::Csv) => InputFormat::Csv,
            Some(InFormat::Jsonl) => InputFormat::Jsonl,
            None => InputFormat::from_path(path)
                .with_context(|| format!("{}: use --input-format", path.display()))?,
        };
        let name = path.display().to_string();
        let mut reader =
            RecordReader::new(open_input(path)?, format, columns.clone(), b',', &name)?;
        let headers = reader.headers();
        let mut raw = Vec::new();
        while let Some(record) = reader.next_record()? {
            let Some(fields) = record.fields.as_ref() else {
                skipped += 1;
                continue;
            };
            if let Some(mut row) = labelled_row(fields, &headers, &args.by) {
                row.group.extend(period_key(Some(fields), &headers));
                rows.push(row);
            } else if let Ok(p) = record.posting {
                raw.push((p, record.fields));
            } else {
                skipped += 1;
            }
        }
        if !raw.is_empty() {
            if model.is_none() {
                model = Some(match &args.model {
                    Some(p) => Model::load(p)?,
                    None => Model::embedded()?,
                });
            }
            let Some(m) = model.as_ref() else { continue };
            let labelled: Vec<TallyRow> = raw
                .par_iter()
                .map(|(posting, fields)| {
                    let labels = m.label(posting);
                    let group = args
                        .by
                        .iter()
                        .map(|b| match b.as_str() {
                            "role" => labels.role.label.to_string(),
                            "seniority" => labels
                                .seniority
                                .as_ref()
                                .map_or("(none)".into(), |s| s.label.to_string()),
                            other => fields
                                .as_ref()
                                .and_then(|f| field(f, &headers, other))
                                .filter(|v| !v.is_empty())
                                .unwrap_or_else(|| "(none)".into()),
                        })
                        .collect();
                    let mut group: Vec<String> = group;
                    group.extend(period_key(fields.as_ref(), &headers));
                    TallyRow {
                        group,
                        skills: labels
                            .skills
                            .iter()
                            .map(|s| (s.name.to_string(), s.requirement))
                            .collect(),
                        role: Some((
                            labels.role.label.to_string(),
                            f64::from(labels.role.confidence),
                        )),
                        seniority: labels
                            .seniority
                            .as_ref()
                            .map(|s| (s.label.to_string(), f64::from(s.confidence))),
                    }
                })
                .collect();
            rows.extend(labelled);
        }
    }
    if skipped > 0 {
        eprintln!("jobtag: {skipped} records could not be read and are not counted");
    }
    if args.labels_only {
        return print_labels(&rows, args.format);
    }
    let mut by = args.by.clone();
    if args.period.is_some() {
        by.push("period".into());
        let undated = rows
            .iter()
            .filter(|r| r.group.last().is_some_and(|p| p == UNDATED))
            .count();
        if undated > 0 {
            eprintln!("jobtag: {undated} postings have no usable date; they are counted in period {UNDATED:?}");
        }
    }
    let t = tally(&rows, &by, args.top, args.min_postings, args.pairs);
    if let Some(path) = &args.chart {
        if args.period.is_some() {
            jobtag::report::chart::trend_chart(&t, path, args.top)?;
        } else {
            jobtag::report::chart::bar_chart(&t, path, args.top)?;
        }
        eprintln!("jobtag: wrote {}", path.display());
    }
    match args.format {
        TallyFormat::Json => outln!("{}", serde_json::to_string_pretty(&t)?)?,
        TallyFormat::Csv if args.pairs => print_pairs_csv(&t)?,
        TallyFormat::Csv => print_csv(&t)?,
        TallyFormat::Table => print_table(&t)?,
    }
    Ok(())
}

/// Group of postings whose date is missing or unreadable.
const UNDATED: &str = "(no date)";

/// The grouping columns (or `group`), then `columns`.
fn csv_header(t: &Tally, columns: &[&str]) -> Vec<String> {
    let mut header: Vec<String> = if t.by.is_empty() {
        vec!["group".into()]
    } else {
        t.by.clone()
    };
    header.extend(columns.iter().map(|c| c.to_string()));
    header
}

fn print_pairs_csv(t: &Tally) -> Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    let header = csv_header(
        t,
        &[
            "group_postings",
            "skill_a",
            "skill_b",
            "postings",
            "share",
            "lift",
        ],
    );
    w.write_record(&header)?;
    for g in &t.groups {
        for p in &g.pairs {
            let mut row = g.key.clone();
            row.extend([
                g.postings.to_string(),
                p.a.clone(),
                p.b.clone(),
                p.postings.to_string(),
                format!("{:.4}", p.share),
                format!("{:.3}", p.lift),
            ]);
            w.write_record(&row)?;
        }
    }
    w.flush()?;
    Ok(())
}

fn print_csv(t: &Tally) -> Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    let header = csv_header(
        t,
        &[
            "group_postings",
            "skill",
            "postings",
            "share",
            "required",
            "required_share",
            "preferred",
            "preferred_share",
            "mentioned",
            "mentioned_share",
        ],
    );
    w.write_record(&header)?;
    for g in &t.groups {
        for s in &g.skills {
            let mut row = g.key.clone();
            row.extend([
                g.postings.to_string(),
                s.skill.clone(),
                s.postings.to_string(),
                format!("{:.4}", s.share),
                s.required.to_string(),
                format!("{:.4}", s.required_share),
                s.preferred.to_string(),
                format!("{:.4}", s.preferred_share),
                s.mentioned.to_string(),
                format!("{:.4}", s.mentioned_share),
            ]);
            w.write_record(&row)?;
        }
    }
    w.flush()?;
    Ok(())
}

fn print_table(t: &Tally) -> std::io::Result<()> {
    for g in &t.groups {
        let name = if t.by.is_empty() {
            "all postings".to_string()
        } else {
            t.by.iter()
                .zip(&g.key)
                .map(|(b, k)| format!("{b}={k}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        outln!(
            "{} — {} postings, {} without skills",
            shorten(&name, 70),
            g.postings,
            g.without_skills
        )?;
        outln!(
            "  {:<32} {:>8} {:>7} {:>9} {:>9} {:>9}",
            "skill",
            "postings",
            "share",
            "required",
            "preferred",
            "mentioned"
        )?;
        for s in &g.skills {
            outln!(
                "  {:<32} {:>8} {:>6.1}% {:>9} {:>9} {:>9}",
                shorten(&s.skill, 32),
                s.postings,
                s.share * 100.0,
                s.required,
                s.preferred,
                s.mentioned
            )?;
        }
        if !g.pairs.is_empty() {
            outln!(
                "  {:<44} {:>8} {:>7} {:>7}",
                "skills named together",
                "postings",
                "share",
                "lift"
            )?;
            for p in &g.pairs {
                let both = format!("{} + {}", p.a, p.b);
                outln!(
                    "  {:<44} {:>8} {:>6.1}% {:>7.2}",
                    shorten(&both, 44),
                    p.postings,
                    p.share * 100.0,
                    p.lift
                )?;
            }
        }
        outln!()?;
    }
    Ok(())
}

fn print_labels(rows: &[TallyRow], format: TallyFormat) -> Result<()> {
    let roles = label_summary(rows, false);
    let levels = label_summary(rows, true);
    match format {
        TallyFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"postings": rows.len(), "role": roles, "seniority": levels})
            )?
        )?,
        TallyFormat::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout().lock());
            w.write_record(["field", "label", "postings", "share", "mean_confidence"])?;
            for (f, list) in [("role", &roles), ("seniority", &levels)] {
                for l in list {
                    w.write_record([
                        f,
                        &l.label,
                        &l.postings.to_string(),
                        &format!("{:.4}", l.share),
                        &format!("{:.4}", l.mean_confidence),
                    ])?;
                }
            }
            w.flush()?;
        }
        TallyFormat::Table => {
            outln!("{} postings", rows.len())?;
            for (f, list) in [("role", &roles), ("seniority", &levels)] {
                outln!(
                    "  {:<24} {:>8} {:>7} {:>15}",
                    f,
                    "postings",
                    "share",
                    "mean confidence"
                )?;
                for l in list {
                    outln!(
                        "  {:<24} {:>8} {:>6.1}% {:>15.2}",
                        shorten(&l.label, 24),
                        l.postings,
                        l.share * 100.0,
                        l.mean_confidence
                    )?;
                }
            }
        }
    }
    Ok(())
}
