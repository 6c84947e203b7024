//! Honest evaluation: k-fold cross-validation over the folded source (every
//! other source is added to each training fold), or a held-out test file.
//! Vocabulary and IDF are refitted inside every fold, so no test text leaks
//! into the features it is scored with.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::examples::Example;
use super::fit::fit_model;
use super::recipe::TrainParams;
use crate::error::{Error, Result};
use crate::model::{Model, ModelMeta, TrainingReport};
use crate::report::{score, Gold, Metrics};
use crate::taxonomy::Taxonomy;

/// Metrics of an evaluation run.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// Number of folds (0 for a held-out test file).
    pub folds: usize,
    /// Role metrics.
    pub role: Metrics,
    /// Seniority metrics, when the model has a seniority head.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seniority: Option<Metrics>,
    /// Seconds spent training and predicting.
    pub train_seconds: f64,
    /// How each fold's training ended.
    pub training: Vec<FoldTraining>,
    /// Every scored row with its prediction, for error analysis.
    #[serde(skip)]
    pub predictions: Vec<PredictionRow>,
}

/// One evaluated example and what the model said.
#[derive(Debug, Clone, Serialize)]
pub struct PredictionRow {
    /// Source index in the recipe.
    pub source: usize,
    /// Line in its file.
    pub line: u64,
    /// Posting id, when known.
    pub id: Option<String>,
    /// Title.
    pub title: String,
    /// Gold role (or accept set).
    pub role: Option<String>,
    /// Acceptable roles.
    pub role_accept: Vec<String>,
    /// Predicted role.
    pub predicted_role: String,
    /// Gold seniority.
    pub seniority: Option<String>,
    /// Acceptable seniorities.
    pub seniority_accept: Vec<String>,
    /// Predicted seniority.
    pub predicted_seniority: String,
}

/// Training outcome of one fold.
#[derive(Debug, Clone, Serialize)]
pub struct FoldTraining {
    /// Fold index.
    pub fold: usize,
    /// Role head.
    pub role: TrainingReport,
    /// Seniority head.
    pub seniority: Option<TrainingReport>,
}

/// Fold of the `i`-th example of the folded source.
pub(crate) fn fold_of(i: usize, k: usize) -> usize {
    i % k
}

/// Cross-validate: the examples of `cv_source` (all examples when `None`) are
/// split into `k` folds by position; each fold is scored by a model trained on
/// everything else. With `export`, writes `fold{f}_train.jsonl` and
/// `fold{f}_test.jsonl` there so other tools can be run on the same folds.
pub fn cross_validate(
    examples: &[Example],
    cv_source: Option<usize>,
    k: usize,
    taxonomy: &Taxonomy,
    params: &TrainParams,
    export: Option<&Path>,
) -> Result<EvalReport> {
    if k < 2 {
        return Err(Error::Training(
            "cross-validation needs at least 2 folds".into(),
        ));
    }
    let in_cv = |e: &Example| cv_source.is_none_or(|s| e.source == s);
    let cv_count = examples.iter().filter(|e| in_cv(e)).count();
    if cv_count < k {
        return Err(Error::Training(format!(
            "{cv_count} examples cannot be split into {k} folds"
        )));
    }
    let start = Instant::now();
    let mut fold = vec![None; examples.len()];
    let mut n = 0;
    for (i, e) in examples.iter().enumerate() {
        if in_cv(e) {
            fold[i] = Some(fold_of(n, k));
            n += 1;
        }
    }
    let mut tested: Vec<&Example> = Vec::new();
    let mut role_preds = Vec::new();
    let mut sen_preds = Vec::new();
    let mut training = Vec::new();
    for f in 0..k {
        let train: Vec<&Example> = examples
            .iter()
            .zip(&fold)
            .filter(|(_, g)| **g != Some(f))
            .map(|(e, _)| e)
            .collect();
        let test: Vec<&Example> = examples
            .iter()
            .zip(&fold)
            .filter(|(_, g)| **g == Some(f))
            .map(|(e, _)| e)
            .collect();
        if let Some(dir) = export {
            export_fold(dir, f, &train, &test)?;
        }
        let model = fit_model(&train, taxonomy, params, ModelMeta::empty())?;
        training.push(FoldTraining {
            fold: f,
            role: model.meta().role_training.clone(),
            seniority: model.meta().seniority_training.clone(),
        });
        let (r, s) = predict(&model, &test);
        role_preds.extend(r);
        sen_preds.extend(s);
        tested.extend(test);
    }
    let mut report = score_all(&tested, &role_preds, &sen_preds, taxonomy);
    report.folds = k;
    report.train_seconds = start.elapsed().as_secs_f64();
    report.training = training;
    Ok(report)
}

/// Score a trained model on held-out examples.
pub fn evaluate_model(model: &Model, test: &[Example]) -> EvalReport {
    let start = Instant::now();
    let refs: Vec<&Example> = test.iter().collect();
    let (r, s) = predict(model, &refs);
    let mut report = score_all(&refs, &r, &s, model.taxonomy());
    report.train_seconds = start.elapsed().as_secs_f64();
    report
}

fn predict(model: &Model, test: &[&Example]) -> (Vec<String>, Vec<String>) {
    use rayon::prelude::*;
    let labels: Vec<_> = test
        .par_iter()
        .map(|e| model.classify(&e.posting, &Default::default()))
        .collect();
    let roles = labels.iter().map(|l| l.role.label.to_string()).collect();
    let sens = labels
        .iter()
        .map(|l| {
            l.seniority
                .as_ref()
                .map(|p| p.label.to_string())
                .unwrap_or_default()
        })
        .collect();
    (roles, sens)
}

fn score_all(
    tested: &[&Example],
    role_preds: &[String],
    sen_preds: &[String],
    taxonomy: &Taxonomy,
) -> EvalReport {
    let role_gold: Vec<Gold> = tested
        .iter()
        .map(|e| Gold {
            label: e.role.clone(),
            accept: e.role_accept.clone(),
        })
        .collect();
    let role = score(&role_gold, role_preds, &taxonomy.role_ids(), false);
    let seniority = (!taxonomy.seniorities.is_empty()).then(|| {
        let gold: Vec<Gold> = tested
            .iter()
            .map(|e| Gold {
                label: e.seniority.clone(),
                accept: e.seniority_accept.clone(),
            })
            .collect();
        score(&gold, sen_preds, &taxonomy.seniority_ids(), true)
    });
    let predictions = tested
        .iter()
        .zip(role_preds.iter().zip(sen_preds))
        .map(|(e, (r, s))| PredictionRow {
            source: e.source,
            line: e.line,
            id: e.posting.id.clone(),
            title: e.posting.title.clone(),
            role: e.role.clone(),
            role_accept: e.role_accept.clone(),
            predicted_role: r.clone(),
            seniority: e.seniority.clone(),
            seniority_accept: e.seniority_accept.clone(),
            predicted_seniority: s.clone(),
        })
        .collect();
    EvalReport {
        folds: 0,
        role,
        seniority,
        train_seconds: 0.0,
        training: Vec::new(),
        predictions,
    }
}

#[derive(Serialize)]
struct ExportRow<'a> {
    title: &'a str,
    text: &'a str,
    role: Option<&'a str>,
    role_accept: Option<&'a [String]>,
    seniority: Option<&'a str>,
    seniority_accept: Option<&'a [String]>,
    weight: f32,
}

fn export_fold(dir: &Path, f: usize, train: &[&Example], test: &[&Example]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for (name, rows) in [("train", train), ("test", test)] {
        let path = dir.join(format!("fold{f}_{name}.jsonl"));
        let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut w = std::io::BufWriter::new(file);
        for e in rows {
            let row = ExportRow {
                title: &e.posting.title,
                text: &e.posting.description,
                role: e.role.as_deref(),
                role_accept: (!e.role_accept.is_empty()).then_some(e.role_accept.as_slice()),
                seniority: e.seniority.as_deref(),
                seniority_accept: (!e.seniority_accept.is_empty())
                    .then_some(e.seniority_accept.as_slice()),
                weight: e.weight,
            };
            serde_json::to_writer(&mut w, &row).map_err(|e| Error::Training(e.to_string()))?;
            w.write_all(b"\n").map_err(|e| Error::io(&path, e))?;
        }
        w.flush().map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}
