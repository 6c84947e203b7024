//! `jobtag tally`: skill demand by group, from raw postings (labelled on the
//! fly) or from jobtag's own labelled output (no relabelling).

use super::outln;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use jobtag::io::{Fields, InputFormat, Record};
use jobtag::report::{
    bar_chart, period_of, trend_chart, Group, LabelSummary, Tally, TallyBuilder, TallyOptions,
    TallyRow,
};
use jobtag::{LabelOptions, Labeller, Labels, Requirement, Taxonomy};

use super::args::{InputArgs, LabellerArgs, MinConfidenceArgs};
use super::pipeline::{self, Sink};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TallyFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct TallyArgs {
    /// Postings, raw or as written by `jobtag label` (which are not
    /// relabelled), and how to read them.
    #[command(flatten)]
    input: InputArgs,
    /// Model and skill catalog for raw postings.
    #[command(flatten)]
    labeller: LabellerArgs,
    /// For raw postings: count a role or seniority below this confidence as
    /// `uncertain` (postings written by `jobtag label --min-confidence`
    /// say so already).
    #[command(flatten)]
    confidence: MinConfidenceArgs,
    /// Group by these fields: role, seniority, the role's occupation codes
    /// (role.isco: ISCO-08 unit group, role.esco: ESCO occupation,
    /// role.onet: O*NET-SOC codes), or any input column (comma-separated).
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
    /// Emerging skills: count only the skills the catalog does not know
    /// (category `uncatalogued`, found by the learned tagger), each with an
    /// example posting id; with --period alone, also list them by growth
    /// from the first period to the last.
    #[arg(long, conflicts_with = "catalog_only")]
    emerging: bool,
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
    /// Records labelled per parallel batch.
    #[arg(long, default_value_t = 1024, hide = true)]
    batch_size: usize,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Period {
    Month,
    Quarter,
}

/// Field `name` of a record as text.
fn field(fields: &Fields, headers: &[String], name: &str) -> Option<String> {
    fields.text(headers, name).map(|t| t.into_owned())
}

fn requirement(s: &str) -> Requirement {
    match s {
        "required" => Requirement::Required,
        "preferred" => Requirement::Preferred,
        _ => Requirement::Mentioned,
    }
}

/// The `--by` names of the role's occupation codes, and the output field
/// (`jobtag label --ids`) each is read from when a record has it.
const ROLE_CODES: &[(&str, &str)] = &[
    ("role.isco", "role_isco"),
    ("role.esco", "role_esco"),
    ("role.onet", "role_onet"),
];

/// The value of a `role.*` grouping field for `role`, from the taxonomy
/// (O*NET codes `;`-joined); `None` when `by` is not one or the role has
/// no such code.
fn role_code(taxonomy: &Taxonomy, role: &str, by: &str) -> Option<Option<String>> {
    if !is_role_code(by) {
        return None;
    }
    let label = taxonomy.roles.iter().find(|r| r.id == role);
    Some(label.and_then(|l| match by {
        "role.isco" => l.isco.clone(),
        "role.esco" => l.esco.clone(),
        _ => (!l.onet.is_empty()).then(|| l.onet.join(";")),
    }))
}

fn is_role_code(by: &str) -> bool {
    ROLE_CODES.iter().any(|(name, _)| *name == by)
}

/// A `role.*` code as the record itself carries it (`jobtag label --ids`).
fn recorded_role_code(fields: &Fields, headers: &[String], by: &str) -> Option<String> {
    let (_, out) = ROLE_CODES.iter().find(|(name, _)| *name == by)?;
    match fields {
        Fields::Json(o) => match o.get(*out)? {
            serde_json::Value::Array(a) => Some(
                a.iter()
                    .filter_map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
            ),
            serde_json::Value::String(s) => Some(s.clone()),
            _ => None,
        },
        Fields::Csv(_) => field(fields, headers, out),
    }
    .filter(|v| !v.is_empty())
}

/// A row of jobtag's own output, if the record is one.
fn labelled_row(
    fields: &Fields,
    headers: &[String],
    by: &[String],
    taxonomy: &Taxonomy,
    emerging: bool,
    id_col: &str,
) -> Option<TallyRow> {
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
            .filter(|s| {
                !emerging || s.get("category").and_then(|c| c.as_str()) == Some(UNCATALOGUED)
            })
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
            // Uncatalogued names are lower-case and have no category there,
            // so --emerging reads JSONL output or raw postings.
            all.split(';')
                .filter(|s| !s.is_empty() && !emerging)
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
            let value = match role_code(taxonomy, &role, b) {
                Some(code) => recorded_role_code(fields, headers, b).or(code),
                None => field(fields, headers, b),
            };
            value
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "(none)".into())
        })
        .collect();
    Some(TallyRow {
        group,
        skills,
        role: Some((role, conf("role_confidence"))),
        seniority: seniority.map(|s| (s, conf("seniority_confidence"))),
        id: field(fields, headers, id_col).filter(|v| !v.is_empty()),
    })
}

/// Counts every record the pipeline hands over: jobtag's own output as it
/// is, raw postings by their fresh labels.
struct Counter<'a> {
    args: &'a TallyArgs,
    builder: TallyBuilder,
    headers: Vec<String>,
    /// Shared with the labelling closure: does the current CSV file hold
    /// jobtag's output (a `role` column)? Set before its first batch.
    labelled_csv: &'a AtomicBool,
    /// For the `role.*` grouping fields.
    taxonomy: Taxonomy,
    skipped: u64,
    undated: u64,
    /// Each skill name's ESCO URI and O*NET name, as the labels gave them
    /// (the first seen with one), for the CSV and JSON output.
    ids: HashMap<String, SkillIds>,
}

/// A skill's ids in ESCO and O*NET.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
struct SkillIds {
    #[serde(skip_serializing_if = "Option::is_none")]
    esco: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    onet: Option<String>,
}

impl Counter<'_> {
    /// Remember a skill's ids, unless it has some already.
    fn note_ids(&mut self, name: &str, esco: Option<&str>, onet: Option<&str>) {
        if esco.is_none() && onet.is_none() {
            return;
        }
        let ids = self.ids.entry(name.to_string()).or_default();
        if ids.esco.is_none() && ids.onet.is_none() {
            ids.esco = esco.map(String::from);
            ids.onet = onet.map(String::from);
        }
    }

    fn period(&self, fields: &Fields) -> Option<String> {
        let (Some(p), Some(col)) = (self.args.period, self.args.date_col.as_deref()) else {
            return None;
        };
        let date = field(fields, &self.headers, col).unwrap_or_default();
        Some(period_of(&date, matches!(p, Period::Quarter)).unwrap_or_else(|| UNDATED.to_string()))
    }
}

impl Sink for Counter<'_> {
    fn start_file(&mut self, _name: String, headers: Vec<String>, _: InputFormat) -> Result<()> {
        self.labelled_csv
            .store(is_labelled_header(&headers), Ordering::SeqCst);
        self.headers = headers;
        Ok(())
    }

    fn batch(&mut self, batch: &[Record], labels: Vec<Option<Labels>>) -> Result<()> {
        for (record, labels) in batch.iter().zip(labels) {
            let Some(fields) = record.fields.as_ref() else {
                self.skipped += 1;
                continue;
            };
            let period = self.period(fields);
            if period.as_deref() == Some(UNDATED) {
                self.undated += 1;
            }
            if let Some(mut row) = labelled_row(
                fields,
                &self.headers,
                &self.args.by,
                &self.taxonomy,
                self.args.emerging,
                self.args.input.columns.id_col.as_deref().unwrap_or("id"),
            ) {
                match fields {
                    Fields::Json(o) => {
                        let skills = o.get("skills").and_then(|s| s.as_array());
                        for skill in skills.into_iter().flatten() {
                            let text = |k: &str| skill.get(k).and_then(|v| v.as_str());
                            if let Some(name) = text("name") {
                                self.note_ids(name, text("esco"), text("onet"));
                            }
                        }
                    }
                    // `jobtag label --ids` CSV: one id (or nothing) per skill,
                    // in the order of the `skills` cell.
                    Fields::Csv(_) => {
                        let cell = |name: &str| field(fields, &self.headers, name);
                        if let (Some(names), Some(esco), Some(onet)) =
                            (cell("skills"), cell("skills_esco"), cell("skills_onet"))
                        {
                            for ((name, esco), onet) in
                                names.split(';').zip(esco.split(';')).zip(onet.split(';'))
                            {
                                let some = |s: &str| (!s.is_empty()).then_some(s.to_string());
                                let (esco, onet) = (some(esco), some(onet));
                                self.note_ids(name, esco.as_deref(), onet.as_deref());
                            }
                        }
                    }
                }
                row.group.extend(period);
                self.builder.add(&row);
            } else if let Some(labels) = labels {
                let mut group: Vec<String> = self
                    .args
                    .by
                    .iter()
                    .map(|b| match b.as_str() {
                        "role" => labels.role.label_or_uncertain().to_string(),
                        code if is_role_code(code) => {
                            role_code(&self.taxonomy, labels.role.label_or_uncertain(), code)
                                .flatten()
                                .unwrap_or_else(|| "(none)".into())
                        }
                        "seniority" => labels
                            .seniority
                            .as_ref()
                            .map_or("(none)".into(), |s| s.label_or_uncertain().to_string()),
                        other => field(fields, &self.headers, other)
                            .filter(|v| !v.is_empty())
                            .unwrap_or_else(|| "(none)".into()),
                    })
                    .collect();
                group.extend(period);
                let id = record.posting.as_ref().ok().and_then(|p| p.id.clone());
                for skill in &labels.skills {
                    self.note_ids(&skill.name, skill.esco.as_deref(), skill.onet.as_deref());
                }
                self.builder
                    .add(&row_of(group, &labels, id, self.args.emerging));
            } else {
                self.skipped += 1;
            }
        }
        Ok(())
    }
}

/// A freshly labelled posting as a tally row (only its uncatalogued skills
/// with `emerging`).
fn row_of(group: Vec<String>, labels: &Labels, id: Option<String>, emerging: bool) -> TallyRow {
    TallyRow {
        group,
        skills: labels
            .skills
            .iter()
            .filter(|s| !emerging || s.category == UNCATALOGUED)
            .map(|s| (s.name.to_string(), s.requirement))
            .collect(),
        role: Some((
            labels.role.label_or_uncertain().to_string(),
            f64::from(labels.role.confidence),
        )),
        seniority: labels
            .seniority
            .as_ref()
            .map(|s| (s.label_or_uncertain().to_string(), f64::from(s.confidence))),
        id,
    }
}

/// Is this CSV header jobtag's output?
fn is_labelled_header(headers: &[String]) -> bool {
    headers.iter().any(|h| h == "role") && headers.iter().any(|h| h == "skills")
}

/// Is this record jobtag's own output (labelled already)? Output has both
/// a `role` and a `skills` field; raw postings may carry a board's `role`.
fn is_labelled(record: &Record, labelled_csv: bool) -> bool {
    match &record.fields {
        Some(Fields::Json(o)) => o.contains_key("role") && o.contains_key("skills"),
        Some(Fields::Csv(_)) => labelled_csv,
        None => false,
    }
}

pub fn run(args: TallyArgs) -> Result<()> {
    let source = args.input.source(args.batch_size)?;
    // The model is loaded when the first raw posting needs it: a tally of
    // jobtag's own output needs none.
    let labeller: OnceLock<std::result::Result<Labeller, String>> = OnceLock::new();
    let labelled_csv = AtomicBool::new(false);
    let mut by = args.by.clone();
    if args.period.is_some() {
        by.push("period".into());
    }
    let builder = TallyBuilder::new(&by, args.pairs);
    let mut counter = Counter {
        args: &args,
        builder,
        headers: Vec::new(),
        labelled_csv: &labelled_csv,
        // Codes of the default taxonomy: a loaded model takes its codes
        // from there too.
        taxonomy: Taxonomy::default_taxonomy()?,
        skipped: 0,
        undated: 0,
        ids: HashMap::new(),
    };
    let mut options = LabelOptions::default().with_min_confidence(args.confidence.min_confidence);
    options.catalog_only = args.labeller.catalog_only;
    pipeline::run(
        source,
        |record: &Record| {
            if is_labelled(record, labelled_csv.load(Ordering::SeqCst)) {
                return None;
            }
            let posting = record.posting.as_ref().ok()?;
            let labeller =
                labeller.get_or_init(|| args.labeller.build().map_err(|e| format!("{e:#}")));
            labeller
                .as_ref()
                .ok()
                .map(|l| l.label_with(posting, &options))
        },
        &mut counter,
    )?;
    if let Some(Err(e)) = labeller.get() {
        bail!("{e}");
    }
    let Counter {
        builder,
        skipped,
        undated,
        ids,
        ..
    } = counter;
    if skipped > 0 {
        eprintln!("jobtag: {skipped} records could not be read and are not counted");
    }
    if args.labels_only {
        return print_labels(&builder.label_summary(), args.format);
    }
    if args.period.is_some() && undated > 0 {
        eprintln!("jobtag: {undated} postings have no usable date; they are counted in period {UNDATED:?}");
    }
    let options = TallyOptions {
        top: args.top,
        min_postings: args.min_postings,
        pairs: args.pairs,
    };
    let t = builder.finish(&options);
    // Growth needs every skill of every period, not each period's top.
    let growth = if args.emerging {
        growth(&builder.finish(&TallyOptions {
            top: usize::MAX,
            ..options.clone()
        }))
    } else {
        Vec::new()
    };
    if let Some(path) = &args.chart {
        if args.period.is_some() {
            trend_chart(&t, path, args.top)?;
        } else {
            bar_chart(&t, path, args.top)?;
        }
        eprintln!("jobtag: wrote {}", path.display());
    }
    match args.format {
        TallyFormat::Json => {
            let mut value = serde_json::to_value(&t)?;
            add_json_ids(&mut value, &ids)?;
            if !growth.is_empty() {
                value["growth"] = serde_json::to_value(&growth)?;
            }
            outln!("{}", serde_json::to_string_pretty(&value)?)?
        }
        TallyFormat::Csv if args.pairs => print_pairs_csv(&t)?,
        TallyFormat::Csv => print_csv(&t, &ids)?,
        TallyFormat::Table if args.emerging && args.by.is_empty() => {
            print_emerging(&t, &growth, args.top)?
        }
        TallyFormat::Table => {
            use std::io::Write as _;
            write!(std::io::stdout().lock(), "{}", t.to_table())?
        }
    }
    Ok(())
}

/// How a skill's share of postings changed from the first period to the
/// last (see [`growth`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
struct SkillGrowth {
    /// Skill name.
    skill: String,
    /// Postings naming it, all periods together.
    postings: usize,
    /// Share of the first period's postings.
    first_share: f64,
    /// Share of the last period's postings.
    last_share: f64,
    /// `last_share - first_share`.
    growth: f64,
    /// A posting that names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    example: Option<String>,
}

/// For a tally grouped by period alone (`by == ["period"]`, groups in period
/// order, every skill kept): each skill's share in the first and the last
/// period, fastest growing first (ties by postings, then name). Empty for
/// any other grouping, or fewer than two periods.
fn growth(t: &Tally) -> Vec<SkillGrowth> {
    let periods: Vec<&Group> = t.groups.iter().skip(1).collect();
    if t.by != ["period"] || periods.len() < 2 {
        return Vec::new();
    }
    let (first, last) = (periods[0], periods[periods.len() - 1]);
    let share = |g: &Group, skill: &str| {
        g.skills
            .iter()
            .find(|s| s.skill == skill)
            .map_or(0.0, |s| s.share)
    };
    let mut out: Vec<SkillGrowth> = t.groups[0]
        .skills
        .iter()
        .map(|s| {
            let (first_share, last_share) = (share(first, &s.skill), share(last, &s.skill));
            SkillGrowth {
                skill: s.skill.clone(),
                postings: s.postings,
                first_share,
                last_share,
                growth: last_share - first_share,
                example: s.example.clone(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.growth
            .total_cmp(&a.growth)
            .then(b.postings.cmp(&a.postings))
            .then(a.skill.cmp(&b.skill))
    });
    out
}

/// The category jobtag's output gives a skill the catalog lacks.
const UNCATALOGUED: &str = "uncatalogued";

/// The emerging-skills table: uncatalogued skills by postings with an
/// example posting id, then (over periods) by growth.
fn print_emerging(t: &Tally, growth: &[SkillGrowth], top: usize) -> Result<()> {
    let overall = &t.groups[0];
    outln!(
        "uncatalogued skills — {} postings, {} name at least one",
        overall.postings,
        overall.postings - overall.without_skills
    )?;
    outln!(
        "  {:<40} {:>8} {:>7} {:>9}  example",
        "skill",
        "postings",
        "share",
        "required"
    )?;
    for s in &overall.skills {
        outln!(
            "  {:<40} {:>8} {:>6.1}% {:>9}  {}",
            shorten(&s.skill, 40),
            s.postings,
            s.share * 100.0,
            s.required,
            s.example.as_deref().unwrap_or("")
        )?;
    }
    if let (Some(first), Some(last)) = (t.groups.get(1), t.groups.last()) {
        if !growth.is_empty() {
            outln!()?;
            outln!(
                "fastest growing, {} → {} (share of each period's postings)",
                first.key.join(", "),
                last.key.join(", ")
            )?;
            outln!(
                "  {:<40} {:>7} {:>7} {:>8}  example",
                "skill",
                "first",
                "last",
                "growth"
            )?;
            for g in growth.iter().take(top) {
                outln!(
                    "  {:<40} {:>6.1}% {:>6.1}% {:>+7.1}pt  {}",
                    shorten(&g.skill, 40),
                    g.first_share * 100.0,
                    g.last_share * 100.0,
                    g.growth * 100.0,
                    g.example.as_deref().unwrap_or("")
                )?;
            }
        }
    }
    Ok(())
}

/// `s` cut to `width` characters with an ellipsis.
fn shorten(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
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

/// Each skill of each group of a tally's JSON gets the `esco` and `onet`
/// of its name, when the labels gave them.
fn add_json_ids(value: &mut serde_json::Value, ids: &HashMap<String, SkillIds>) -> Result<()> {
    let groups = value.get_mut("groups").and_then(|g| g.as_array_mut());
    for group in groups.into_iter().flatten() {
        let skills = group.get_mut("skills").and_then(|s| s.as_array_mut());
        for skill in skills.into_iter().flatten() {
            let name = skill
                .get("skill")
                .and_then(|n| n.as_str())
                .map(String::from);
            let (Some(name), Some(obj)) = (name, skill.as_object_mut()) else {
                continue;
            };
            if let Some(found) = ids.get(&name) {
                if let serde_json::Value::Object(extra) = serde_json::to_value(found)? {
                    obj.extend(extra);
                }
            }
        }
    }
    Ok(())
}

fn print_csv(t: &Tally, ids: &HashMap<String, SkillIds>) -> Result<()> {
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
            "example",
            "esco",
            "onet",
        ],
    );
    w.write_record(&header)?;
    for g in &t.groups {
        for s in &g.skills {
            let found = ids.get(&s.skill);
            let id = |f: fn(&SkillIds) -> &Option<String>| {
                found.and_then(|i| f(i).clone()).unwrap_or_default()
            };
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
                s.example.clone().unwrap_or_default(),
                id(|i| &i.esco),
                id(|i| &i.onet),
            ]);
            w.write_record(&row)?;
        }
    }
    w.flush()?;
    Ok(())
}

fn print_labels(summary: &LabelSummary, format: TallyFormat) -> Result<()> {
    match format {
        // Through a JSON value: keys in alphabetical order, as before.
        TallyFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::to_value(summary)?)?
        )?,
        TallyFormat::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout().lock());
            w.write_record(["field", "label", "postings", "share", "mean_confidence"])?;
            for (f, list) in [("role", &summary.role), ("seniority", &summary.seniority)] {
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
            use std::io::Write as _;
            write!(std::io::stdout().lock(), "{}", summary.to_table())?
        }
    }
    Ok(())
}
