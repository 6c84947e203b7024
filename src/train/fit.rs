//! Fitting a whole model from labelled examples: analyze, fit the feature
//! space, train the role and seniority heads, prune unused features.

use linfa::dataset::DatasetBase;
use linfa::traits::Fit;
use ndarray::Array1;
use rayon::prelude::*;

use super::examples::Example;
use super::recipe::{HeadParams, TrainParams};
use crate::error::{Error, Result};
use crate::features::{CsrMatrix, Featurizer, PostingTerms, SparseRow};
use crate::model::{ExampleCounts, Head, Model, ModelMeta, SoftmaxParams, SoftmaxRegression};
use crate::taxonomy::Taxonomy;

/// Analyze examples on all cores (order preserved).
pub(crate) fn analyze_all(examples: &[&Example]) -> Vec<PostingTerms> {
    examples
        .par_iter()
        .map(|e| PostingTerms::new(&e.posting))
        .collect()
}

/// Train a model on `examples`. `meta` is completed with example counts and
/// training reports.
pub(crate) fn fit_model(
    examples: &[&Example],
    taxonomy: &Taxonomy,
    params: &TrainParams,
    mut meta: ModelMeta,
) -> Result<Model> {
    taxonomy.check()?;
    let terms = analyze_all(examples);
    let featurizer = Featurizer::fit(&params.features, &terms)?;
    let rows: Vec<SparseRow> = terms.par_iter().map(|t| featurizer.transform(t)).collect();
    let dim = featurizer.dim();

    let role_ids = taxonomy.role_ids();
    let role_targets = targets(examples, |e| e.role.as_deref(), &role_ids, "role")?;
    let role = fit_head(
        &rows,
        dim,
        &role_targets,
        examples,
        role_ids.len(),
        &params.role,
    )?
    .ok_or_else(|| Error::Training("no example has a role label".into()))?;

    let sen_ids = taxonomy.seniority_ids();
    let sen_targets = if sen_ids.is_empty() {
        Vec::new()
    } else {
        targets(examples, |e| e.seniority.as_deref(), &sen_ids, "seniority")?
    };
    let seniority = if sen_ids.len() >= 2 {
        fit_head(
            &rows,
            dim,
            &sen_targets,
            examples,
            sen_ids.len(),
            &params.seniority,
        )?
    } else {
        None
    };

    meta.examples = ExampleCounts {
        role: role_targets.len() as u64,
        seniority: sen_targets.len() as u64,
    };
    meta.role_training = role.report().clone();
    meta.seniority_training = seniority.as_ref().map(|s| s.report().clone());

    let (featurizer, role, seniority) = prune(featurizer, role, seniority, params.prune_below);
    // As a loaded model does: roles without occupation codes take the
    // default taxonomy's, so a model is the same before and after a save.
    let mut taxonomy = taxonomy.clone();
    taxonomy.attach_codes(&Taxonomy::default_taxonomy()?);
    Ok(Model::new(
        meta,
        taxonomy,
        featurizer,
        Head {
            labels: role_ids,
            regression: role,
            temperature: 1.0,
        },
        seniority.map(|regression| Head {
            labels: sen_ids,
            regression,
            temperature: 1.0,
        }),
    ))
}

/// `(row index, class)` of every example with a label for this head.
fn targets(
    examples: &[&Example],
    label: impl Fn(&Example) -> Option<&str>,
    ids: &[String],
    field: &'static str,
) -> Result<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    for (i, e) in examples.iter().enumerate() {
        if let Some(l) = label(e) {
            let class = ids
                .iter()
                .position(|id| id == l)
                .ok_or_else(|| Error::UnknownLabel {
                    field,
                    label: format!("{l} (source {}, line {})", e.source, e.line),
                })?;
            out.push((i, class));
        }
    }
    Ok(out)
}

fn fit_head(
    rows: &[SparseRow],
    dim: usize,
    targets: &[(usize, usize)],
    examples: &[&Example],
    n_classes: usize,
    p: &HeadParams,
) -> Result<Option<SoftmaxRegression>> {
    if targets.is_empty() {
        return Ok(None);
    }
    let x_rows: Vec<SparseRow> = targets.iter().map(|&(i, _)| rows[i].clone()).collect();
    let x = CsrMatrix::from_rows(&x_rows, dim);
    let y = Array1::from_iter(targets.iter().map(|&(_, c)| c));
    let w = Array1::from_iter(targets.iter().map(|&(i, _)| examples[i].weight));
    let data = DatasetBase::new(x, y).with_weights(w);
    let model = SoftmaxParams::new(n_classes)
        .alpha(p.alpha)
        .max_iterations(p.max_iterations)
        .tolerance(p.tolerance)
        .class_weight(p.class_weight)
        .fit(&data)?;
    Ok(Some(model))
}

fn prune(
    featurizer: Featurizer,
    role: SoftmaxRegression,
    seniority: Option<SoftmaxRegression>,
    below: f32,
) -> (Featurizer, SoftmaxRegression, Option<SoftmaxRegression>) {
    if below <= 0.0 {
        return (featurizer, role, seniority);
    }
    let keep = |f: usize| {
        role.max_abs_weight(f) >= below
            || seniority
                .as_ref()
                .is_some_and(|s| s.max_abs_weight(f) >= below)
    };
    let (pruned, old) = featurizer.prune(keep);
    let role = role.select_features(&old);
    let seniority = seniority.map(|s| s.select_features(&old));
    (pruned, role, seniority)
}
