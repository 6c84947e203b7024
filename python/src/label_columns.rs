//! Arrow text columns in, Arrow label columns out, every row accounted for.
//!
//! A row is a posting: its title and its description, the non-blank text
//! columns joined by a blank line (as `jobtag label --text-col a
//! --text-col b` joins them). A null counts as empty text. A row that
//! cannot be labelled (no text at all, or invalid UTF-8 in a binary column)
//! gets null labels and its reason in `label_error`; no row is dropped.
//!
//! The values are those of `jobtag label --format jsonl`: confidences are
//! rounded to four decimals as the JSON writer rounds them, and `skills`
//! holds the JSON's skill objects less their spans (an id the JSON leaves
//! out, `esco`, `esco_similarity`, `onet` or `onet_code`, is null). The
//! role's ISCO-08, ESCO and O*NET-SOC codes (`jobtag label --ids`) are
//! columns too: `role_isco`, `role_esco`, `role_onet` (null when the role
//! has none).

use std::sync::Arc;

use arrow_array::builder::{Float64Builder, Int32Builder, ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, ListArray, StructArray};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{DataType, Field, Fields};

use jobtag::{LabelOptions, Labeller, Labels, Posting, Requirement};

/// The label columns, in output order.
pub const LABEL_COLUMNS: &[&str] = &[
    "role",
    "role_confidence",
    "role_isco",
    "role_esco",
    "role_onet",
    "seniority",
    "seniority_confidence",
    "skills",
    "required_skills",
    "label_error",
];

/// The columns `explain` adds (before `label_error`).
pub const EXPLAIN_COLUMNS: &[&str] = &["role_terms", "seniority_terms"];

/// The columns `min_confidence` adds (after `required_skills`): the
/// model's best labels, while `role` / `seniority` say `uncertain` below
/// the threshold.
pub const GUESS_COLUMNS: &[&str] = &["role_guess", "seniority_guess"];

/// The reason for a row with no text, as the CLI words it.
pub const EMPTY_POSTING: &str = "empty posting: no title and no description";

/// One input column: its name (for messages) and its Arrow chunks.
pub struct TextColumn {
    pub name: String,
    pub chunks: Vec<ArrayRef>,
}

/// The text of each row of a column: a null is empty text, a value that is
/// not UTF-8 is the reason the row cannot be labelled.
fn cells<'a>(column: &'a TextColumn, out: &mut Vec<Result<&'a str, String>>) -> Result<(), String> {
    let name = &column.name;
    let utf8 = |bytes: Option<&'a [u8]>, row: usize| -> Result<&'a str, String> {
        std::str::from_utf8(bytes.unwrap_or_default()).map_err(|e| {
            format!(
                "column '{name}', row {row}: invalid UTF-8 at byte {}",
                e.valid_up_to()
            )
        })
    };
    for chunk in &column.chunks {
        let start = out.len();
        match chunk.data_type() {
            DataType::Utf8 => out.extend(chunk.as_string::<i32>().iter().map(|v| Ok(v.unwrap_or_default()))),
            DataType::LargeUtf8 => out.extend(chunk.as_string::<i64>().iter().map(|v| Ok(v.unwrap_or_default()))),
            DataType::Utf8View => out.extend(chunk.as_string_view().iter().map(|v| Ok(v.unwrap_or_default()))),
            DataType::Binary => out.extend(chunk.as_binary::<i32>().iter().enumerate().map(|(i, v)| utf8(v, start + i))),
            DataType::LargeBinary => out.extend(chunk.as_binary::<i64>().iter().enumerate().map(|(i, v)| utf8(v, start + i))),
            DataType::BinaryView => out.extend(chunk.as_binary_view().iter().enumerate().map(|(i, v)| utf8(v, start + i))),
            DataType::Null => out.extend(std::iter::repeat_n(Ok(""), chunk.len())),
            other => {
                return Err(format!(
                    "column '{name}' holds {other}, not text: expected string, large_string, string_view or binary"
                ))
            }
        }
    }
    Ok(())
}

/// The text columns of a record as one description: the non-blank ones,
/// separated by a blank line (the CLI's rule for several `--text-col`).
fn join_texts(texts: &[&str]) -> String {
    let mut out = String::new();
    for t in texts.iter().filter(|t| !t.trim().is_empty()) {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(t);
    }
    out
}

/// Label `num_rows` rows of these columns on all cores; the label columns
/// as one struct array. An `Err` is a column that is not text or not
/// `num_rows` long.
pub fn label_columns(
    labeller: &Labeller,
    num_rows: usize,
    title: Option<&TextColumn>,
    texts: &[TextColumn],
    options: &LabelOptions,
) -> Result<StructArray, String> {
    let mut columns: Vec<Vec<Result<&str, String>>> = Vec::new();
    for column in title.into_iter().chain(texts) {
        let mut out = Vec::with_capacity(num_rows);
        cells(column, &mut out)?;
        if out.len() != num_rows {
            return Err(format!(
                "column '{}' has {} rows, the table {num_rows}",
                column.name,
                out.len()
            ));
        }
        columns.push(out);
    }
    let title_at = usize::from(title.is_none());

    // Each row: a posting to label, or why there is none.
    let mut postings = Vec::with_capacity(num_rows);
    let mut errors: Vec<Option<String>> = Vec::with_capacity(num_rows);
    let mut row_texts: Vec<&str> = Vec::with_capacity(texts.len());
    for row in 0..num_rows {
        let mut error = None;
        let mut title_text = "";
        row_texts.clear();
        for (k, column) in columns.iter().enumerate() {
            match &column[row] {
                Ok(text) if k + title_at == 0 => title_text = text,
                Ok(text) => row_texts.push(text),
                Err(reason) => {
                    error.get_or_insert_with(|| reason.clone());
                }
            }
        }
        if error.is_none() {
            let posting = Posting::new(title_text, join_texts(&row_texts));
            if posting.is_empty() {
                error = Some(EMPTY_POSTING.to_string());
            } else {
                postings.push(posting);
            }
        }
        errors.push(error);
    }
    drop(columns);

    let labels = labeller.label_batch(&postings, options);
    drop(postings);
    let mut out =
        LabelColumnsBuilder::new(num_rows, options.explain, options.min_confidence.is_some());
    let mut labels = labels.iter();
    for error in &errors {
        match error {
            Some(reason) => out.append_error(reason),
            None => out.append(labels.next().expect("one label per posting")),
        }
    }
    Ok(out.finish())
}

/// JSON's rounding of a confidence (four decimals), so the table and the
/// JSONL line hold the same number.
fn round(v: f32) -> f64 {
    (f64::from(v) * 1e4).round() / 1e4
}

/// `list<struct<...>>` built from flat child columns and offsets.
struct StructListBuilder {
    fields: Fields,
    offsets: Vec<i32>,
    valid: Vec<bool>,
}

impl StructListBuilder {
    fn new(fields: Fields, rows: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        StructListBuilder {
            fields,
            offsets,
            valid: Vec::with_capacity(rows),
        }
    }

    fn end_row(&mut self, items: usize, valid: bool) {
        let last = *self.offsets.last().expect("offsets start at 0");
        let len = i32::try_from(items).expect("fewer than 2^31 items in a row");
        self.offsets.push(last + len);
        self.valid.push(valid);
    }

    fn finish(self, children: Vec<ArrayRef>) -> ArrayRef {
        let values = StructArray::new(self.fields.clone(), children, None);
        let item = Arc::new(Field::new("item", DataType::Struct(self.fields), false));
        Arc::new(ListArray::new(
            item,
            OffsetBuffer::new(self.offsets.into()),
            Arc::new(values),
            Some(NullBuffer::from(self.valid)),
        ))
    }
}

fn skill_fields() -> Fields {
    Fields::from(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("name", DataType::Utf8, false),
        Field::new("category", DataType::Utf8, false),
        Field::new("requirement", DataType::Utf8, false),
        Field::new("years", DataType::Int32, true),
        Field::new("esco", DataType::Utf8, true),
        Field::new("esco_similarity", DataType::Float64, true),
        Field::new("onet", DataType::Utf8, true),
        Field::new("onet_code", DataType::Utf8, true),
    ])
}

fn term_fields() -> Fields {
    Fields::from(vec![
        Field::new("field", DataType::Utf8, false),
        Field::new("term", DataType::Utf8, false),
        Field::new("score", DataType::Float64, false),
    ])
}

/// The terms behind one decision, as flat columns.
struct TermColumns {
    list: StructListBuilder,
    field: StringBuilder,
    term: StringBuilder,
    score: Float64Builder,
}

impl TermColumns {
    fn new(rows: usize) -> Self {
        TermColumns {
            list: StructListBuilder::new(term_fields(), rows),
            field: StringBuilder::new(),
            term: StringBuilder::new(),
            score: Float64Builder::new(),
        }
    }

    fn append(&mut self, terms: Option<&[jobtag::model::Contribution]>) {
        let Some(terms) = terms else {
            self.list.end_row(0, false);
            return;
        };
        for t in terms {
            // The field's name as the JSON writer spells it: its type is
            // not public, its serialization is.
            let field = serde_json::to_value(t.field).unwrap_or_default();
            self.field.append_value(field.as_str().unwrap_or_default());
            self.term.append_value(&t.term);
            self.score.append_value(f64::from(t.score));
        }
        self.list.end_row(terms.len(), true);
    }

    fn finish(mut self) -> ArrayRef {
        let children: Vec<ArrayRef> = vec![
            Arc::new(self.field.finish()),
            Arc::new(self.term.finish()),
            Arc::new(self.score.finish()),
        ];
        self.list.finish(children)
    }
}

/// The label columns of a table, one row at a time.
struct LabelColumnsBuilder {
    role: StringBuilder,
    role_confidence: Float64Builder,
    role_isco: StringBuilder,
    role_esco: StringBuilder,
    role_onet: ListBuilder<StringBuilder>,
    seniority: StringBuilder,
    seniority_confidence: Float64Builder,
    skills: StructListBuilder,
    skill_id: StringBuilder,
    skill_name: StringBuilder,
    skill_category: StringBuilder,
    skill_requirement: StringBuilder,
    skill_years: Int32Builder,
    skill_esco: StringBuilder,
    skill_esco_similarity: Float64Builder,
    skill_onet: StringBuilder,
    skill_onet_code: StringBuilder,
    required_skills: ListBuilder<StringBuilder>,
    guesses: Option<(StringBuilder, StringBuilder)>,
    terms: Option<(TermColumns, TermColumns)>,
    label_error: StringBuilder,
}

impl LabelColumnsBuilder {
    fn new(rows: usize, explain: bool, guesses: bool) -> Self {
        LabelColumnsBuilder {
            role: StringBuilder::with_capacity(rows, rows * 16),
            role_confidence: Float64Builder::with_capacity(rows),
            role_isco: StringBuilder::with_capacity(rows, rows * 4),
            role_esco: StringBuilder::new(),
            role_onet: ListBuilder::new(StringBuilder::new()),
            seniority: StringBuilder::with_capacity(rows, rows * 8),
            seniority_confidence: Float64Builder::with_capacity(rows),
            skills: StructListBuilder::new(skill_fields(), rows),
            skill_id: StringBuilder::new(),
            skill_name: StringBuilder::new(),
            skill_category: StringBuilder::new(),
            skill_requirement: StringBuilder::new(),
            skill_years: Int32Builder::new(),
            skill_esco: StringBuilder::new(),
            skill_esco_similarity: Float64Builder::new(),
            skill_onet: StringBuilder::new(),
            skill_onet_code: StringBuilder::new(),
            required_skills: ListBuilder::new(StringBuilder::new()),
            guesses: guesses.then(|| {
                (
                    StringBuilder::with_capacity(rows, rows * 16),
                    StringBuilder::with_capacity(rows, rows * 8),
                )
            }),
            terms: explain.then(|| (TermColumns::new(rows), TermColumns::new(rows))),
            label_error: StringBuilder::with_capacity(rows, 0),
        }
    }

    fn append(&mut self, labels: &Labels) {
        self.role.append_value(labels.role.label_or_uncertain());
        self.role_confidence
            .append_value(round(labels.role.confidence));
        let codes = labels.role_codes.as_ref();
        self.role_isco
            .append_option(codes.and_then(|c| c.isco.as_deref()));
        self.role_esco
            .append_option(codes.and_then(|c| c.esco.as_deref()));
        match codes.filter(|c| !c.onet.is_empty()) {
            Some(c) => {
                for code in &c.onet {
                    self.role_onet.values().append_value(code);
                }
                self.role_onet.append(true);
            }
            None => self.role_onet.append(false),
        }
        match &labels.seniority {
            Some(s) => {
                self.seniority.append_value(s.label_or_uncertain());
                self.seniority_confidence.append_value(round(s.confidence));
            }
            None => {
                self.seniority.append_null();
                self.seniority_confidence.append_null();
            }
        }
        for skill in &labels.skills {
            self.skill_id.append_value(&skill.id);
            self.skill_name.append_value(&skill.name);
            self.skill_category.append_value(&skill.category);
            self.skill_requirement
                .append_value(skill.requirement.as_str());
            self.skill_years
                .append_option(skill.years.map(|y| i32::try_from(y).unwrap_or(i32::MAX)));
            self.skill_esco.append_option(skill.esco.as_deref());
            self.skill_esco_similarity
                .append_option(skill.esco_similarity);
            self.skill_onet.append_option(skill.onet.as_deref());
            self.skill_onet_code
                .append_option(skill.onet_code.as_deref());
            if skill.requirement == Requirement::Required {
                self.required_skills.values().append_value(&skill.name);
            }
        }
        self.skills.end_row(labels.skills.len(), true);
        self.required_skills.append(true);
        if let Some((role, seniority)) = &mut self.guesses {
            role.append_value(&labels.role.label);
            seniority.append_option(labels.seniority.as_ref().map(|s| s.label.as_str()));
        }
        if let Some((role, seniority)) = &mut self.terms {
            role.append(Some(&labels.role_terms));
            seniority.append(Some(&labels.seniority_terms));
        }
        self.label_error.append_null();
    }

    fn append_error(&mut self, reason: &str) {
        self.role.append_null();
        self.role_confidence.append_null();
        self.role_isco.append_null();
        self.role_esco.append_null();
        self.role_onet.append(false);
        self.seniority.append_null();
        self.seniority_confidence.append_null();
        self.skills.end_row(0, false);
        self.required_skills.append(false);
        if let Some((role, seniority)) = &mut self.guesses {
            role.append_null();
            seniority.append_null();
        }
        if let Some((role, seniority)) = &mut self.terms {
            role.append(None);
            seniority.append(None);
        }
        self.label_error.append_value(reason);
    }

    fn finish(mut self) -> StructArray {
        let skills = self.skills.finish(vec![
            Arc::new(self.skill_id.finish()),
            Arc::new(self.skill_name.finish()),
            Arc::new(self.skill_category.finish()),
            Arc::new(self.skill_requirement.finish()),
            Arc::new(self.skill_years.finish()),
            Arc::new(self.skill_esco.finish()),
            Arc::new(self.skill_esco_similarity.finish()),
            Arc::new(self.skill_onet.finish()),
            Arc::new(self.skill_onet_code.finish()),
        ]);
        let required_skills: ArrayRef = Arc::new(self.required_skills.finish());
        let mut columns: Vec<(&str, ArrayRef)> = vec![
            ("role", Arc::new(self.role.finish())),
            ("role_confidence", Arc::new(self.role_confidence.finish())),
            ("role_isco", Arc::new(self.role_isco.finish())),
            ("role_esco", Arc::new(self.role_esco.finish())),
            ("role_onet", Arc::new(self.role_onet.finish())),
            ("seniority", Arc::new(self.seniority.finish())),
            (
                "seniority_confidence",
                Arc::new(self.seniority_confidence.finish()),
            ),
            ("skills", skills),
            ("required_skills", required_skills),
        ];
        if let Some((mut role, mut seniority)) = self.guesses {
            columns.push(("role_guess", Arc::new(role.finish())));
            columns.push(("seniority_guess", Arc::new(seniority.finish())));
        }
        if let Some((role, seniority)) = self.terms {
            columns.push(("role_terms", role.finish()));
            columns.push(("seniority_terms", seniority.finish()));
        }
        columns.push(("label_error", Arc::new(self.label_error.finish())));
        let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = columns
            .into_iter()
            .map(|(name, array)| (Field::new(name, array.data_type().clone(), true), array))
            .unzip();
        StructArray::new(Fields::from(fields), arrays, None)
    }
}
