//! Writers for labelled postings (CSV or JSON lines) and error records.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;
use serde_json::{Map, Value};

use super::reader::Fields;
use crate::error::Result;
use crate::labeller::LabelOptions;
use crate::model::{Contribution, LabelProbability, Labels};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// CSV: the input columns, then the label columns.
    Csv,
    /// JSON lines: the input object with label fields added at the top level.
    Jsonl,
}

/// Label columns added to every output row.
pub const LABEL_COLUMNS: &[&str] = &[
    "role",
    "role_confidence",
    "seniority",
    "seniority_confidence",
    "skills",
    "required_skills",
];
const EXPLAIN_COLUMNS: &[&str] = &["role_terms", "seniority_terms"];
/// Columns added with a confidence threshold.
const GUESS_COLUMNS: &[&str] = &["role_guess", "seniority_guess"];
/// Columns added with [`LabelOptions::ids`], after all others. The
/// `skills_*` cells list one entry per skill of the `skills` cell, in its
/// order, `;`-separated and empty where the skill has no such id.
const ID_COLUMNS: &[&str] = &[
    "skills_esco",
    "skills_onet",
    "skills_onet_code",
    "role_isco",
    "role_esco",
    "role_onet",
];

/// A row that could not be labelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorRecord {
    /// Input file (`-` for stdin).
    pub file: String,
    /// 1-based line where the record starts.
    pub line: u64,
    /// Record number (the first record after a CSV header is 1).
    pub record: u64,
    /// Byte offset where the record starts (decompressed).
    pub byte: u64,
    /// Its id, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The field at fault (`record` when the whole record is malformed).
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

/// Writes labelled rows in one format with a fixed set of columns.
pub struct LabelWriter<W: Write> {
    format: OutputFormat,
    csv: Option<csv::Writer<W>>,
    raw: Option<W>,
    /// Input columns repeated in CSV output.
    input_columns: Vec<String>,
    /// The only input fields kept in JSON lines output (all when `None`).
    kept_fields: Option<Vec<String>>,
    options: LabelOptions,
    header_written: bool,
}

impl<W: Write> LabelWriter<W> {
    /// A writer; `input_columns` are the CSV columns to repeat (the input CSV
    /// header, or the id/title/description fields for JSON input).
    /// JSON lines output keeps only the input fields in `kept_fields`
    /// (all when `None`; CSV output keeps its `input_columns`). `options`
    /// are those the rows were labelled with: explanations add their
    /// columns, a confidence threshold its guess columns.
    /// With `options.ids`, the skills' and the role's ids (columns
    /// `skills_esco`, `skills_onet`, `skills_onet_code`, `role_isco`,
    /// `role_esco`, `role_onet`, last).
    pub fn new(
        out: W,
        format: OutputFormat,
        input_columns: Vec<String>,
        kept_fields: Option<Vec<String>>,
        options: &LabelOptions,
    ) -> Self {
        let (csv, raw) = match format {
            OutputFormat::Csv => (Some(csv::Writer::from_writer(out)), None),
            OutputFormat::Jsonl => (None, Some(out)),
        };
        LabelWriter {
            format,
            csv,
            raw,
            input_columns,
            kept_fields,
            options: options.clone(),
            header_written: false,
        }
    }

    /// Write one labelled row. `headers` are the CSV header of the file the
    /// row came from (empty for JSON input).
    pub fn write(&mut self, fields: &Fields, headers: &[String], labels: &Labels) -> Result<()> {
        match self.format {
            OutputFormat::Jsonl => {
                let keep = |name: &String| {
                    self.kept_fields
                        .as_ref()
                        .is_none_or(|k| k.iter().any(|f| f == name))
                };
                let mut obj: Map<String, Value> = match fields {
                    Fields::Json(o) if self.kept_fields.is_none() => o.clone(),
                    Fields::Json(o) => o
                        .iter()
                        .filter(|(k, _)| keep(k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    Fields::Csv(cells) => headers
                        .iter()
                        .zip(cells)
                        .filter(|(h, _)| keep(h))
                        .map(|(h, c)| (h.clone(), Value::String(c.clone())))
                        .collect(),
                };
                add_json_labels(&mut obj, labels, &self.options);
                if let Some(w) = self.raw.as_mut() {
                    serde_json::to_writer(&mut *w, &obj).map_err(std::io::Error::from)?;
                    w.write_all(b"\n")?;
                }
            }
            OutputFormat::Csv => {
                self.write_header()?;
                // Input cells are borrowed, not copied: a description is
                // most of a row.
                let mut row: Vec<Cow<'_, str>> = self
                    .input_columns
                    .iter()
                    .map(|name| match fields {
                        Fields::Csv(cells) => headers
                            .iter()
                            .position(|h| h == name)
                            .and_then(|i| cells.get(i))
                            .map_or(Cow::Borrowed(""), |c| Cow::Borrowed(c.as_str())),
                        Fields::Json(o) => match o.get(name) {
                            Some(Value::String(s)) => Cow::Borrowed(s.as_str()),
                            None | Some(Value::Null) => Cow::Borrowed(""),
                            Some(v) => Cow::Owned(v.to_string()),
                        },
                    })
                    .collect();
                row.push(Cow::Borrowed(labels.role.label_or_uncertain()));
                row.push(Cow::Owned(format!("{:.4}", labels.role.confidence)));
                row.push(
                    labels
                        .seniority
                        .as_ref()
                        .map_or(Cow::Borrowed(""), |s| Cow::Borrowed(s.label_or_uncertain())),
                );
                row.push(labels.seniority.as_ref().map_or(Cow::Borrowed(""), |s| {
                    Cow::Owned(format!("{:.4}", s.confidence))
                }));
                row.push(Cow::Owned(skills_cell(labels, false)));
                row.push(Cow::Owned(skills_cell(labels, true)));
                if self.options.min_confidence.is_some() {
                    row.push(Cow::Borrowed(labels.role.label.as_str()));
                    row.push(
                        labels
                            .seniority
                            .as_ref()
                            .map_or(Cow::Borrowed(""), |s| Cow::Borrowed(s.label.as_str())),
                    );
                }
                if self.options.explain {
                    row.push(Cow::Owned(terms_cell(&labels.role_terms)));
                    row.push(Cow::Owned(terms_cell(&labels.seniority_terms)));
                }
                if self.options.ids {
                    row.push(Cow::Owned(skill_ids_cell(labels, |s| s.esco.as_deref())));
                    row.push(Cow::Owned(skill_ids_cell(labels, |s| s.onet.as_deref())));
                    row.push(Cow::Owned(skill_ids_cell(labels, |s| {
                        s.onet_code.as_deref()
                    })));
                    let role = labels.role_codes.as_ref();
                    row.push(Cow::Borrowed(
                        role.and_then(|r| r.isco.as_deref()).unwrap_or(""),
                    ));
                    row.push(Cow::Borrowed(
                        role.and_then(|r| r.esco.as_deref()).unwrap_or(""),
                    ));
                    row.push(Cow::Owned(role.map_or(String::new(), |r| r.onet.join(";"))));
                }
                if let Some(w) = self.csv.as_mut() {
                    w.write_record(row.iter().map(|c| c.as_bytes()))
                        .map_err(csv_io)?;
                }
            }
        }
        Ok(())
    }

    fn write_header(&mut self) -> Result<()> {
        if self.header_written {
            return Ok(());
        }
        self.header_written = true;
        let mut header = self.input_columns.clone();
        header.extend(LABEL_COLUMNS.iter().map(|s| s.to_string()));
        if self.options.min_confidence.is_some() {
            header.extend(GUESS_COLUMNS.iter().map(|s| s.to_string()));
        }
        if self.options.explain {
            header.extend(EXPLAIN_COLUMNS.iter().map(|s| s.to_string()));
        }
        if self.options.ids {
            header.extend(ID_COLUMNS.iter().map(|s| s.to_string()));
        }
        if let Some(w) = self.csv.as_mut() {
            w.write_record(&header).map_err(csv_io)?;
        }
        Ok(())
    }

    /// Flush buffered output (also writes a CSV header when no row was written).
    pub fn flush(&mut self) -> Result<()> {
        if self.format == OutputFormat::Csv {
            self.write_header()?;
        }
        if let Some(w) = self.csv.as_mut() {
            w.flush()?;
        }
        if let Some(w) = self.raw.as_mut() {
            w.flush()?;
        }
        Ok(())
    }
}

fn csv_io(e: csv::Error) -> crate::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => crate::Error::Stream(io),
        other => crate::Error::Stream(std::io::Error::other(format!("{other:?}"))),
    }
}

fn terms_cell(terms: &[Contribution]) -> String {
    terms
        .iter()
        .map(|t| format!("{}:{} {:.2}", field_name(t), t.term, t.score))
        .collect::<Vec<_>>()
        .join("; ")
}

fn field_name(t: &Contribution) -> &'static str {
    match t.field {
        crate::features::Field::Title => "title",
        crate::features::Field::Description => "description",
        crate::features::Field::Cue => "cue",
    }
}

/// Skill names joined by `;` (only the required ones with `required_only`).
fn skills_cell(labels: &Labels, required_only: bool) -> String {
    let mut cell = String::new();
    let skills = labels
        .skills
        .iter()
        .filter(|s| !required_only || s.requirement == crate::skills::Requirement::Required);
    for (k, s) in skills.enumerate() {
        if k > 0 {
            cell.push(';');
        }
        cell.push_str(&s.name);
    }
    cell
}

/// One id per skill of the `skills` cell, `;`-separated, empty where the
/// skill has none (so the n-th entry belongs to the n-th skill).
fn skill_ids_cell(labels: &Labels, id: impl Fn(&crate::SkillTag) -> Option<&str>) -> String {
    let mut cell = String::new();
    for (k, s) in labels.skills.iter().enumerate() {
        if k > 0 {
            cell.push(';');
        }
        cell.push_str(id(s).unwrap_or(""));
    }
    cell
}

/// How many classes `role_alternatives` and `seniority_alternatives` list.
const ALTERNATIVES: usize = 5;

/// Add the label fields to a JSON object (the JSONL and HTTP shape).
///
/// With [`LabelOptions::min_confidence`](crate::LabelOptions::min_confidence),
/// a label below it is written `"uncertain"` and `role_guess` /
/// `seniority_guess` carry the model's best label on every row.
///
/// With `explain`, also the terms behind each label and the five most
/// probable classes of each head
/// (`role_alternatives`, `seniority_alternatives`: `[{label, probability}]`,
/// most probable first, rounded like the confidences). Without it the output
/// is unchanged, so plain labelling stays byte for byte what it was.
///
/// Each skill object has `esco` (ESCO skill URI), `onet` (O*NET Technology
/// Skills example name) and `onet_code` (its UNSPSC commodity code) when its
/// catalog entry has them; they are left out, not `null`, when it has not.
/// With [`Labels::role_codes`] set (`LabelOptions::ids`), also `role_isco`,
/// `role_esco` and `role_onet` (a list), each only when the role has it.
pub fn add_json_labels(obj: &mut Map<String, Value>, labels: &Labels, options: &LabelOptions) {
    let guesses = options.min_confidence.is_some();
    let explain = options.explain;
    obj.insert(
        "role".into(),
        Value::String(labels.role.label_or_uncertain().to_string()),
    );
    obj.insert("role_confidence".into(), round(labels.role.confidence));
    if guesses {
        obj.insert(
            "role_guess".into(),
            Value::String(labels.role.label.to_string()),
        );
    }
    if let Some(s) = &labels.seniority {
        obj.insert(
            "seniority".into(),
            Value::String(s.label_or_uncertain().to_string()),
        );
        obj.insert("seniority_confidence".into(), round(s.confidence));
        if guesses {
            obj.insert("seniority_guess".into(), Value::String(s.label.to_string()));
        }
    }
    obj.insert(
        "skills".into(),
        serde_json::to_value(&labels.skills).unwrap_or(Value::Array(Vec::new())),
    );
    if let Some(role) = &labels.role_codes {
        if let Some(isco) = &role.isco {
            obj.insert("role_isco".into(), Value::String(isco.clone()));
        }
        if let Some(esco) = &role.esco {
            obj.insert("role_esco".into(), Value::String(esco.clone()));
        }
        if !role.onet.is_empty() {
            obj.insert(
                "role_onet".into(),
                Value::Array(role.onet.iter().cloned().map(Value::String).collect()),
            );
        }
    }
    if explain {
        obj.insert(
            "role_terms".into(),
            serde_json::to_value(&labels.role_terms).unwrap_or(Value::Null),
        );
        obj.insert(
            "seniority_terms".into(),
            serde_json::to_value(&labels.seniority_terms).unwrap_or(Value::Null),
        );
        obj.insert(
            "role_alternatives".into(),
            alternatives(&labels.role.probabilities),
        );
        if let Some(s) = &labels.seniority {
            obj.insert(
                "seniority_alternatives".into(),
                alternatives(&s.probabilities),
            );
        }
    }
}

/// The most probable classes first (ties in the model's label order), at
/// most `ALTERNATIVES` of them.
fn alternatives(probabilities: &[LabelProbability]) -> Value {
    let mut ranked: Vec<&LabelProbability> = probabilities.iter().collect();
    ranked.sort_by(|a, b| b.probability.total_cmp(&a.probability));
    ranked
        .into_iter()
        .take(ALTERNATIVES)
        .map(|p| {
            let mut class = Map::new();
            class.insert("label".into(), Value::String(p.label.to_string()));
            class.insert("probability".into(), round(p.probability));
            Value::Object(class)
        })
        .collect()
}

fn round(v: f32) -> Value {
    serde_json::Number::from_f64((f64::from(v) * 1e4).round() / 1e4)
        .map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Prediction;

    fn prediction(probabilities: &[(&str, f32)]) -> Prediction {
        let best = probabilities
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        Prediction {
            label: best.0.into(),
            confidence: best.1,
            probabilities: probabilities
                .iter()
                .map(|&(label, probability)| LabelProbability {
                    label: label.into(),
                    probability,
                })
                .collect(),
            uncertain: false,
        }
    }

    fn labels() -> Labels {
        Labels {
            role: prediction(&[
                ("a", 0.05),
                ("b", 0.6),
                ("c", 0.1),
                ("d", 0.02),
                ("e", 0.123456),
                ("f", 0.1),
                ("g", 0.004),
            ]),
            seniority: Some(prediction(&[("junior", 0.3), ("senior", 0.7)])),
            role_terms: Vec::new(),
            seniority_terms: Vec::new(),
            skills: Vec::new(),
            role_codes: None,
        }
    }

    #[test]
    fn explain_adds_the_most_probable_classes_first() {
        let mut obj = Map::new();
        add_json_labels(
            &mut obj,
            &labels(),
            &LabelOptions::default().with_explain(true),
        );
        let role: Vec<(&str, f64)> = obj["role_alternatives"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["label"].as_str().unwrap(),
                    c["probability"].as_f64().unwrap(),
                )
            })
            .collect();
        // Five, most probable first, ties in label order, rounded to 4 decimals.
        assert_eq!(
            role,
            [
                ("b", 0.6),
                ("e", 0.1235),
                ("c", 0.1),
                ("f", 0.1),
                ("a", 0.05)
            ]
        );
        assert_eq!(
            obj["role_alternatives"][0]["probability"],
            obj["role_confidence"]
        );
        let seniority = obj["seniority_alternatives"].as_array().unwrap();
        assert_eq!(seniority.len(), 2);
        assert_eq!(seniority[0]["label"], "senior");
    }

    #[test]
    fn without_explain_there_are_no_alternatives() {
        let mut obj = Map::new();
        add_json_labels(&mut obj, &labels(), &LabelOptions::default());
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "role",
                "role_confidence",
                "seniority",
                "seniority_confidence",
                "skills"
            ]
        );
    }

    /// The CSV a writer with `options` makes of one row (id 7) labelled `l`.
    fn csv_row(l: &Labels, options: &LabelOptions) -> String {
        let mut out = Vec::new();
        let mut w = LabelWriter::new(
            &mut out,
            OutputFormat::Csv,
            vec!["id".into()],
            None,
            options,
        );
        w.write(&Fields::Csv(vec!["7".into()]), &["id".into()], l)
            .unwrap();
        w.flush().unwrap();
        drop(w);
        String::from_utf8(out).unwrap()
    }

    /// Labels as the model marks them under a threshold of 0.65: the role
    /// (0.6) is uncertain, the seniority (0.7) is not.
    fn thresholded() -> (Labels, LabelOptions) {
        let mut l = labels();
        l.role.uncertain = true;
        (l, LabelOptions::default().with_min_confidence(Some(0.65)))
    }

    #[test]
    fn below_the_threshold_json_says_uncertain_and_keeps_the_guess() {
        let (l, options) = thresholded();
        let mut obj = Map::new();
        add_json_labels(&mut obj, &l, &options);
        assert_eq!(obj["role"], "uncertain");
        assert_eq!(obj["role_guess"], "b");
        assert_eq!(obj["role_confidence"], 0.6);
        assert_eq!(obj["seniority"], "senior");
        assert_eq!(obj["seniority_guess"], "senior");
    }

    #[test]
    fn below_the_threshold_csv_says_uncertain_and_adds_guess_columns() {
        let (l, options) = thresholded();
        let text = csv_row(&l, &options);
        assert_eq!(
            text,
            "id,role,role_confidence,seniority,seniority_confidence,skills,required_skills,role_guess,seniority_guess\n\
             7,uncertain,0.6000,senior,0.7000,,,b,senior\n"
        );
    }

    #[test]
    fn without_a_threshold_csv_has_no_guess_columns() {
        let text = csv_row(&labels(), &LabelOptions::default());
        assert!(text.starts_with(
            "id,role,role_confidence,seniority,seniority_confidence,skills,required_skills\n7,b,"
        ));
    }

    #[test]
    fn role_codes_are_added_only_when_set_and_only_those_that_exist() {
        let mut with_codes = labels();
        with_codes.role_codes = Some(crate::Label {
            id: "b".into(),
            name: "B".into(),
            isco: Some("2512".into()),
            esco: None,
            onet: vec!["15-1252.00".into(), "15-1254.00".into()],
        });
        let mut obj = Map::new();
        add_json_labels(&mut obj, &with_codes, &LabelOptions::default());
        assert_eq!(obj["role_isco"], "2512");
        assert!(obj.get("role_esco").is_none());
        assert_eq!(
            obj["role_onet"],
            serde_json::json!(["15-1252.00", "15-1254.00"])
        );
        let mut plain = Map::new();
        add_json_labels(&mut plain, &labels(), &LabelOptions::default());
        for k in ["role_isco", "role_esco", "role_onet"] {
            assert!(plain.get(k).is_none(), "{k}");
        }
    }

    #[test]
    fn csv_id_columns_follow_the_guess_and_explain_columns() {
        let mut options = LabelOptions::default()
            .with_explain(true)
            .with_min_confidence(Some(0.5));
        options.ids = true;
        let text = csv_row(&labels(), &options);
        let header = text.lines().next().unwrap();
        assert_eq!(
            header,
            "id,role,role_confidence,seniority,seniority_confidence,skills,required_skills,\
             role_guess,seniority_guess,role_terms,seniority_terms,skills_esco,skills_onet,\
             skills_onet_code,role_isco,role_esco,role_onet"
        );
        // No skills, no role codes: empty id cells.
        assert!(text.lines().nth(1).unwrap().ends_with(",,,,,,"), "{text}");
    }
}
