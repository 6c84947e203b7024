//! Training: recipes, labelled examples, fitting and cross-validation.
//!
//! `jobtag train --recipe training/default.toml` goes through
//! [`train_from_recipe`]; `jobtag eval` through [`cv::cross_validate`].
//! Training is deterministic: the same recipe and data give the same model
//! file, byte for byte (the training date comes from `SOURCE_DATE_EPOCH`
//! when set).

mod calibrate;
mod cv;
mod examples;
mod fit;
mod recipe;
mod spans;

pub use crate::features::{FeaturizerParams, VocabularyParams};
pub use crate::model::ClassWeight;
pub use cv::{cross_validate, evaluate_model, EvalReport, FoldTraining, PredictionRow};
pub use examples::{load_recipe_sources, read_table, Corpus, Example};
pub(crate) use fit::fit_model;
pub use recipe::{HeadParams, Recipe, Source, SourceFormat, TrainParams};
#[cfg(test)]
pub(crate) use spans::train_span_model_for_tests;
pub use spans::{score_skill_spans, SpanScores, SpanScoring, SpanTraining};

use crate::error::Result;
use crate::model::{Model, ModelMeta, TrainingReport};
use crate::taxonomy::Taxonomy;

impl ModelMeta {
    /// Metadata with nothing filled in (for models trained inside
    /// cross-validation folds).
    pub(crate) fn empty() -> Self {
        ModelMeta {
            name: String::new(),
            jobtag_version: env!("CARGO_PKG_VERSION").to_string(),
            trained_on: String::new(),
            data_files: Vec::new(),
            recipe: String::new(),
            examples: Default::default(),
            role_training: TrainingReport {
                iterations: 0,
                converged: false,
                stop_reason: String::new(),
                final_loss: 0.0,
            },
            seniority_training: None,
            metrics_json: None,
            skill_span_tagger: None,
        }
    }
}

/// The taxonomy a recipe names (or the default one).
pub fn recipe_taxonomy(recipe: &Recipe) -> Result<Taxonomy> {
    match &recipe.taxonomy {
        Some(p) => {
            let path = recipe.resolve(p);
            let text = std::fs::read_to_string(&path).map_err(|e| crate::Error::io(&path, e))?;
            Taxonomy::from_toml(&text)
        }
        None => Taxonomy::default_taxonomy(),
    }
}

/// Train the model a recipe describes on all of `corpus` (read with
/// [`load_recipe_sources`]), with the recipe's taxonomy ([`recipe_taxonomy`])
/// or another one; `trained_on` is the date recorded (`YYYY-MM-DD`; the
/// CLI records today's, or `SOURCE_DATE_EPOCH`'s for a reproducible build).
///
/// With `cv_folds` of 2 or more, a cross-validation runs first (see
/// [`cross_validate`]): its metrics are stored in the model and returned,
/// and each head's calibration temperature is fitted on its
/// cross-validated predictions. With 0 the model is uncalibrated
/// (temperature 1) and carries no metrics.
pub fn train_from_recipe(
    recipe: &Recipe,
    corpus: &Corpus,
    taxonomy: &Taxonomy,
    trained_on: &str,
    cv_folds: usize,
) -> Result<(Model, Option<EvalReport>)> {
    let report = match cv_folds {
        0 => None,
        k => Some(cross_validate(
            &corpus.examples,
            corpus.cv_source,
            k,
            taxonomy,
            &recipe.params,
            None,
        )?),
    };
    let meta = ModelMeta {
        name: recipe.name.clone(),
        trained_on: trained_on.to_string(),
        data_files: corpus.files.clone(),
        recipe: recipe.text.clone(),
        metrics_json: report.as_ref().map(stored_metrics),
        ..ModelMeta::empty()
    };
    let refs: Vec<&Example> = corpus.examples.iter().collect();
    let mut model = fit_model(&refs, taxonomy, &recipe.params, meta)?;
    if let Some(r) = &report {
        let temperature = |m: Option<&crate::report::Metrics>| {
            m.and_then(|m| m.calibration.as_ref())
                .map_or(1.0, |c| c.temperature as f32)
        };
        model.role.temperature = temperature(Some(&r.role));
        if let Some(h) = model.seniority.as_mut() {
            h.temperature = temperature(r.seniority.as_ref());
        }
    }
    if let Some(params) = &recipe.skill_spans {
        let catalog = crate::skills::SkillCatalog::default_catalog()?;
        model.set_skill_spans(Some(spans::train_span_model(
            &params.resolved(recipe),
            &catalog,
        )?));
    }
    Ok((model, report))
}

/// The cross-validation metrics a model file stores (JSON). Timings are
/// left out: the model file must not depend on how fast the machine was.
fn stored_metrics(report: &EvalReport) -> String {
    serde_json::json!({
        "folds": report.folds,
        "role": report.role,
        "seniority": report.seniority,
        "training": report.training,
    })
    .to_string()
}
