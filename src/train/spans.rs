//! Training and measuring the learned skill-span tagger on annotated
//! postings in SkillSpan's JSON-lines layout: one sentence per line,
//! `{"idx": posting, "source": "tech", "tokens": [...], "tags_knowledge":
//! ["B", "I", "O", ...]}`; the sentences of a posting share `idx` and
//! `source` and come in order.
//!
//! A posting's sentences are joined into one text (tokens by spaces,
//! sentences by newlines), normalized and read exactly as a posting's
//! description is when labelling, so the tagger learns from the features it
//! will see. Each word takes the gold tag of the token it came from.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::skills::spans::{self, SpanModel, TrainingLine, BEGIN, INSIDE, OUT};
use crate::skills::{SkillCatalog, SkillTagger};
use crate::text::normalize_keep_case;

/// Where the learned skill-span tagger's training data is, and how to train it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpanTraining {
    /// SkillSpan-layout JSON lines (see [`crate::train`]'s span module).
    pub path: PathBuf,
    /// Passes of the averaged perceptron over the data.
    #[serde(default = "default_epochs")]
    pub epochs: usize,
    /// Features seen fewer times than this in the data are dropped.
    #[serde(default = "default_min_count")]
    pub min_count: u32,
}

impl Default for SpanTraining {
    fn default() -> Self {
        SpanTraining {
            path: PathBuf::new(),
            epochs: default_epochs(),
            min_count: default_min_count(),
        }
    }
}

fn default_epochs() -> usize {
    10
}

fn default_min_count() -> u32 {
    2
}

/// One annotated posting: its text and each token's byte range and tag.
#[derive(Debug, Clone)]
pub(crate) struct AnnotatedPosting {
    pub(crate) text: String,
    tokens: Vec<(usize, usize, u8)>,
}

#[derive(Deserialize)]
struct Row {
    idx: serde_json::Value,
    #[serde(default)]
    source: String,
    tokens: Vec<String>,
    tags_knowledge: Vec<String>,
}

/// Read SkillSpan-layout JSON lines into postings.
pub(crate) fn read_annotated(path: &Path) -> Result<Vec<AnnotatedPosting>> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut postings: Vec<AnnotatedPosting> = Vec::new();
    let mut current_key: Option<(String, String)> = None;
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let bad =
            |reason: String| Error::Recipe(format!("{}: line {}: {reason}", path.display(), n + 1));
        let row: Row = serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
        if row.tokens.len() != row.tags_knowledge.len() {
            return Err(bad(format!(
                "{} tokens but {} tags_knowledge",
                row.tokens.len(),
                row.tags_knowledge.len()
            )));
        }
        let key = (row.source.clone(), row.idx.to_string());
        if current_key.as_ref() != Some(&key) {
            current_key = Some(key);
            postings.push(AnnotatedPosting {
                text: String::new(),
                tokens: Vec::new(),
            });
        }
        let Some(posting) = postings.last_mut() else {
            continue;
        };
        if !posting.text.is_empty() {
            posting.text.push('\n');
        }
        let mut first = true;
        for (token, tag) in row.tokens.iter().zip(&row.tags_knowledge) {
            let token = token.trim();
            if token.is_empty() {
                continue;
            }
            let tag = match tag.as_str() {
                "B" | "B-Knowledge" => BEGIN,
                "I" | "I-Knowledge" => INSIDE,
                "O" => OUT,
                other => return Err(bad(format!("unknown tag {other:?}"))),
            };
            if !first {
                posting.text.push(' ');
            }
            first = false;
            let start = posting.text.len();
            posting.text.push_str(token);
            posting.tokens.push((start, posting.text.len(), tag));
        }
    }
    Ok(postings)
}

/// The tagger's input lines of a posting with each word's gold tag.
fn gold_lines(tagger: &SkillTagger, posting: &AnnotatedPosting) -> Vec<TrainingLine> {
    let norm = normalize_keep_case(&posting.text);
    let mut out = Vec::new();
    for (words, features) in tagger.span_training_lines(&norm.text) {
        let mut tags = Vec::with_capacity(words.len());
        let mut last_token = usize::MAX;
        for w in &words {
            let (origin, _) = norm.original_span(w.start, w.end);
            let k = posting
                .tokens
                .partition_point(|t| t.0 <= origin)
                .saturating_sub(1);
            let tag = match posting.tokens.get(k) {
                Some(&(_, _, tag)) if tag != OUT && k == last_token => INSIDE,
                Some(&(_, _, tag)) => tag,
                None => OUT,
            };
            last_token = k;
            tags.push(tag);
        }
        out.push(TrainingLine { features, tags });
    }
    out
}

/// Train the span tagger on the postings of `params.path` (resolved
/// already), with the catalog matcher's output among its features.
pub(crate) fn train_span_model(params: &SpanTraining, catalog: &SkillCatalog) -> Result<SpanModel> {
    let path = params.path.as_path();
    let postings = read_annotated(path)?;
    let tagger = SkillTagger::new(catalog.clone())?;
    let lines: Vec<TrainingLine> = postings
        .iter()
        .flat_map(|p| gold_lines(&tagger, p))
        .collect();
    if lines.is_empty() {
        return Err(Error::Training(format!(
            "{}: no annotated sentences",
            path.display()
        )));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let about = format!(
        "{} ({} postings, {} lines); averaged perceptron, {} epochs, minimum feature count {}",
        name,
        postings.len(),
        lines.len(),
        params.epochs,
        params.min_count
    );
    Ok(spans::train(&lines, params.epochs, params.min_count, about))
}

/// [`train_span_model`] for the skill tagger's tests.
#[cfg(test)]
pub(crate) fn train_span_model_for_tests(
    params: &SpanTraining,
    catalog: &SkillCatalog,
) -> SpanModel {
    train_span_model(params, catalog).expect("fixture trains")
}

/// Span precision, recall and F1, strict (same first and last word) and
/// relaxed (sharing a word), of a span tagger on annotated postings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpanScores {
    /// Gold spans.
    pub gold: usize,
    /// Predicted spans.
    pub predicted: usize,
    /// Strict precision.
    pub strict_precision: f64,
    /// Strict recall.
    pub strict_recall: f64,
    /// Strict F1.
    pub strict_f1: f64,
    /// Relaxed precision: predicted spans sharing a word with a gold span.
    pub relaxed_precision: f64,
    /// Relaxed recall: gold spans sharing a word with a predicted span.
    pub relaxed_recall: f64,
    /// Relaxed F1.
    pub relaxed_f1: f64,
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Score span lists (word index ranges `[first, last]`) line by line.
pub(crate) fn span_scores(lines: &[(spans::Ranges, spans::Ranges)]) -> SpanScores {
    let (mut gold, mut predicted, mut exact, mut p_touch, mut g_touch) = (0, 0, 0, 0, 0);
    let overlaps = |a: &(usize, usize), b: &(usize, usize)| a.0 <= b.1 && b.0 <= a.1;
    for (g, p) in lines {
        gold += g.len();
        predicted += p.len();
        exact += p.iter().filter(|s| g.contains(s)).count();
        p_touch += p
            .iter()
            .filter(|s| g.iter().any(|t| overlaps(s, t)))
            .count();
        g_touch += g
            .iter()
            .filter(|t| p.iter().any(|s| overlaps(s, t)))
            .count();
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let (sp, sr) = (ratio(exact, predicted), ratio(exact, gold));
    let (rp, rr) = (ratio(p_touch, predicted), ratio(g_touch, gold));
    SpanScores {
        gold,
        predicted,
        strict_precision: sp,
        strict_recall: sr,
        strict_f1: f1(sp, sr),
        relaxed_precision: rp,
        relaxed_recall: rr,
        relaxed_f1: f1(rp, rr),
    }
}

/// Which tagger [`score_skill_spans`] scores, and on what.
#[derive(Debug, Clone, Copy)]
pub enum SpanScoring<'a> {
    /// One trained as the recipe's `[skill_spans]` section says, scored on
    /// the annotated postings (which should be others than it trained on).
    Recipe,
    /// This model's tagger, scored on the annotated postings.
    Model(&'a crate::model::Model),
    /// Cross-validated on the annotated postings themselves: they are dealt
    /// into `folds` parts in file order (posting `i` to part `i % folds`, so
    /// a posting's sentences stay together), each part is tagged by a tagger
    /// trained on the others with the recipe's `[skill_spans]` settings
    /// (epochs, minimum count; the defaults without that section), and every
    /// part's spans are scored together: a figure for postings no tagger saw
    /// in training.
    CrossValidated {
        /// Parts (at least 2, at most the number of postings).
        folds: usize,
    },
}

/// Measure the learned skill-span tagger alone on annotated postings
/// (SkillSpan's JSON-lines layout), as `scoring` says. Spans are scored on
/// jobtag's words (tokens with surrounding punctuation trimmed), line by
/// line.
pub fn score_skill_spans(
    recipe: &super::Recipe,
    scoring: SpanScoring<'_>,
    annotated: &Path,
) -> Result<SpanScores> {
    let catalog = SkillCatalog::default_catalog()?;
    let trained;
    let span_model =
        match scoring {
            SpanScoring::Model(m) => m.skill_spans.as_ref().ok_or_else(|| {
                Error::Training("the model has no learned skill-span tagger".into())
            })?,
            SpanScoring::Recipe => {
                let params = recipe.skill_spans.as_ref().ok_or_else(|| {
                    Error::Recipe("the recipe has no [skill_spans] section".into())
                })?;
                trained = train_span_model(&params.resolved(recipe), &catalog)?;
                &trained
            }
            SpanScoring::CrossValidated { folds } => {
                return cross_validate(recipe, catalog, annotated, folds)
            }
        };
    evaluate_span_model(span_model, annotated, &catalog)
}

/// [`SpanScoring::CrossValidated`].
fn cross_validate(
    recipe: &super::Recipe,
    catalog: SkillCatalog,
    annotated: &Path,
    folds: usize,
) -> Result<SpanScores> {
    if folds < 2 {
        return Err(Error::Training(format!(
            "cross-validating the skill-span tagger needs at least 2 folds, not {folds}"
        )));
    }
    let postings = read_annotated(annotated)?;
    if postings.len() < folds {
        return Err(Error::Training(format!(
            "{}: {} annotated postings cannot fill {folds} folds",
            annotated.display(),
            postings.len()
        )));
    }
    let params = recipe
        .skill_spans
        .as_ref()
        .map(|p| p.resolved(recipe))
        .unwrap_or_default();
    let tagger = SkillTagger::new(catalog)?;
    let name = annotated
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut scored = Vec::new();
    for fold in 0..folds {
        let in_fold = |i: &usize| i % folds == fold;
        let training: Vec<TrainingLine> = (0..postings.len())
            .filter(|i| !in_fold(i))
            .flat_map(|i| gold_lines(&tagger, &postings[i]))
            .collect();
        let about = format!("{name}, all but part {} of {folds}", fold + 1);
        let model = spans::train(&training, params.epochs, params.min_count, about);
        for i in (0..postings.len()).filter(in_fold) {
            for line in gold_lines(&tagger, &postings[i]) {
                let guess = model.tag(&line.features);
                scored.push((spans::tag_runs(&line.tags), spans::tag_runs(&guess)));
            }
        }
    }
    Ok(span_scores(&scored))
}

/// Measure a span tagger alone on annotated postings (SkillSpan layout).
pub(crate) fn evaluate_span_model(
    model: &SpanModel,
    path: &Path,
    catalog: &SkillCatalog,
) -> Result<SpanScores> {
    let postings = read_annotated(path)?;
    let tagger = SkillTagger::new(catalog.clone())?;
    let mut lines = Vec::new();
    for p in &postings {
        for line in gold_lines(&tagger, p) {
            let guess = model.tag(&line.features);
            lines.push((spans::tag_runs(&line.tags), spans::tag_runs(&guess)));
        }
    }
    Ok(span_scores(&lines))
}

impl SpanTraining {
    /// These settings with their paths resolved against the recipe's folder.
    pub(crate) fn resolved(&self, recipe: &super::Recipe) -> SpanTraining {
        SpanTraining {
            path: recipe.resolve(&self.path),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_by_hand() {
        // Gold: [0,1] and [4,4]; predicted: [0,1] exact, [3,4] touching.
        let s = span_scores(&[(vec![(0, 1), (4, 4)], vec![(0, 1), (3, 4), (7, 7)])]);
        assert_eq!((s.gold, s.predicted), (2, 3));
        assert!((s.strict_precision - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.strict_recall - 0.5).abs() < 1e-12);
        assert!((s.relaxed_precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.relaxed_recall - 1.0).abs() < 1e-12);
    }
}
