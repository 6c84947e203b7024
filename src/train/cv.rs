//! Honest evaluation: k-fold cross-validation over the folded source (every
//! other source is added to each training fold), or a held-out test file.
//! Vocabulary and IDF are refitted inside every fold, so no test text leaks
//! into the features it is scored with.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::calibrate::{cross_fitted_temperatures, fit_temperature};
use super::examples::Example;
use super::fit::fit_model;
use super::recipe::TrainParams;
use crate::error::{Error, Result};
use crate::model::Labels;
use crate::model::{Model, ModelMeta, TrainingReport};
use crate::report::calibration::{calibration_report, outcome, ScoredProbabilities};
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
    /// Its confidence (calibrated: in cross-validation, by a temperature
    /// fitted on the other folds).
    pub role_confidence: f64,
    /// Gold seniority.
    pub seniority: Option<String>,
    /// Acceptable seniorities.
    pub seniority_accept: Vec<String>,
    /// Predicted seniority.
    pub predicted_seniority: String,
    /// Its confidence (calibrated like `role_confidence`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seniority_confidence: Option<f64>,
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
    let mut labels = Vec::new();
    let mut test_folds = Vec::new();
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
        labels.extend(predict(&model, &test));
        test_folds.extend(std::iter::repeat_n(f, test.len()));
        tested.extend(test);
    }
    let cross_fitted = Temperature::CrossFitted(&test_folds);
    let mut report = score_all(&tested, &labels, taxonomy, cross_fitted, cross_fitted);
    report.folds = k;
    report.train_seconds = start.elapsed().as_secs_f64();
    report.training = training;
    Ok(report)
}

/// Score a trained model on held-out examples.
pub fn evaluate_model(model: &Model, test: &[Example]) -> EvalReport {
    let start = Instant::now();
    let refs: Vec<&Example> = test.iter().collect();
    let labels = predict(model, &refs);
    let role = Temperature::Model(model.role.temperature as f64);
    let seniority = Temperature::Model(
        model
            .seniority
            .as_ref()
            .map_or(1.0, |h| h.temperature as f64),
    );
    let mut report = score_all(&refs, &labels, model.taxonomy(), role, seniority);
    report.train_seconds = start.elapsed().as_secs_f64();
    report
}

fn predict(model: &Model, test: &[&Example]) -> Vec<Labels> {
    use rayon::prelude::*;
    test.par_iter()
        .map(|e| model.classify(&e.posting, &Default::default()))
        .collect()
}

/// Which temperature calibrates a head's scored predictions.
#[derive(Clone, Copy)]
enum Temperature<'a> {
    /// Cross-validation: fold models are uncalibrated; each prediction is
    /// calibrated by a temperature fitted on the other folds (fold of each
    /// scored example given), and the reported temperature is fitted on
    /// all of them (the one a model trained with `--cv-folds` gets).
    CrossFitted(&'a [usize]),
    /// A trained model's own temperature: its probabilities are calibrated
    /// already, and "before" undoes it.
    Model(f64),
}

/// Probabilities and acceptable label indices of the scored rows of one
/// head, with the row index of each.
fn scored_rows<'a>(
    gold: &[Gold],
    predictions: impl Iterator<Item = Option<&'a crate::model::Prediction>>,
    labels: &[String],
) -> (Vec<usize>, Vec<ScoredProbabilities>) {
    let mut rows = Vec::new();
    let mut scored = Vec::new();
    for (i, (g, p)) in gold.iter().zip(predictions).enumerate() {
        let Some(p) = p else { continue };
        let accept: Vec<usize> = match &g.label {
            Some(l) => labels.iter().position(|x| x == l).into_iter().collect(),
            None => g
                .accept
                .iter()
                .filter_map(|a| labels.iter().position(|x| x == a))
                .collect(),
        };
        if accept.is_empty() {
            continue;
        }
        rows.push(i);
        scored.push(ScoredProbabilities {
            probabilities: p.probabilities.iter().map(|lp| lp.probability).collect(),
            accept,
        });
    }
    (rows, scored)
}

/// Score one head: metrics, calibration, and the calibrated confidence of
/// every row (the raw one for rows that are not scored).
fn score_head(
    gold: &[Gold],
    predictions: Vec<Option<&crate::model::Prediction>>,
    labels: &[String],
    ordered: bool,
    temperature: Temperature,
) -> (Metrics, Vec<Option<f64>>) {
    let predicted: Vec<String> = predictions
        .iter()
        .map(|p| p.map(|p| p.label.to_string()).unwrap_or_default())
        .collect();
    let mut metrics = score(gold, &predicted, labels, ordered);
    let (rows, mut scored) = scored_rows(gold, predictions.iter().copied(), labels);
    let mut confidences: Vec<Option<f64>> = predictions
        .iter()
        .map(|p| p.map(|p| p.confidence as f64))
        .collect();
    let (per_row, reported) = match temperature {
        Temperature::CrossFitted(folds) => {
            let row_folds: Vec<usize> = rows.iter().map(|&i| folds[i]).collect();
            (
                cross_fitted_temperatures(&scored, &row_folds),
                fit_temperature(&scored),
            )
        }
        Temperature::Model(model_temperature) => {
            // Undo the model's temperature to get the raw probabilities;
            // they are then calibrated by the same temperature again.
            for s in &mut scored {
                s.probabilities = s
                    .tempered(1.0 / model_temperature)
                    .into_iter()
                    .map(|p| p as f32)
                    .collect();
            }
            (vec![model_temperature; scored.len()], model_temperature)
        }
    };
    for ((&i, s), &t) in rows.iter().zip(&scored).zip(&per_row) {
        confidences[i] = Some(outcome(s, t).confidence);
    }
    if !scored.is_empty() {
        metrics.calibration = Some(calibration_report(&scored, &per_row, reported));
    }
    (metrics, confidences)
}

fn score_all(
    tested: &[&Example],
    labels: &[Labels],
    taxonomy: &Taxonomy,
    role_temperature: Temperature,
    seniority_temperature: Temperature,
) -> EvalReport {
    let role_gold: Vec<Gold> = tested
        .iter()
        .map(|e| Gold {
            label: e.role.clone(),
            accept: e.role_accept.clone(),
        })
        .collect();
    let (role, role_confidence) = score_head(
        &role_gold,
        labels.iter().map(|l| Some(&l.role)).collect(),
        &taxonomy.role_ids(),
        false,
        role_temperature,
    );
    let seniority = (!taxonomy.seniorities.is_empty()).then(|| {
        let gold: Vec<Gold> = tested
            .iter()
            .map(|e| Gold {
                label: e.seniority.clone(),
                accept: e.seniority_accept.clone(),
            })
            .collect();
        score_head(
            &gold,
            labels.iter().map(|l| l.seniority.as_ref()).collect(),
            &taxonomy.seniority_ids(),
            true,
            seniority_temperature,
        )
    });
    let predictions = tested
        .iter()
        .zip(labels)
        .enumerate()
        .map(|(i, (e, l))| PredictionRow {
            source: e.source,
            line: e.line,
            id: e.posting.id.clone(),
            title: e.posting.title.clone(),
            role: e.role.clone(),
            role_accept: e.role_accept.clone(),
            predicted_role: l.role.label.to_string(),
            role_confidence: role_confidence[i].unwrap_or_default(),
            seniority: e.seniority.clone(),
            seniority_accept: e.seniority_accept.clone(),
            predicted_seniority: l
                .seniority
                .as_ref()
                .map(|p| p.label.to_string())
                .unwrap_or_default(),
            seniority_confidence: seniority.as_ref().and_then(|(_, c)| c[i]),
        })
        .collect();
    EvalReport {
        folds: 0,
        role,
        seniority: seniority.map(|(m, _)| m),
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
