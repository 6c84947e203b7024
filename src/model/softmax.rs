//! Sparse multinomial logistic regression (softmax regression), trained with
//! argmin's L-BFGS behind linfa's `Fit`/`Predict` traits.
//!
//! Objective (the same as `linfa-logistic`'s multinomial model, plus sample
//! weights): `sum_i w_i * CE(softmax(W^T x_i + b), y_i) + alpha/2 * ||W||^2`,
//! intercept `b` unpenalised. Written here rather than using `linfa-logistic`
//! because that crate needs dense arrays (10k docs x 20k features is GBs of
//! f64) and stops silently at its iteration cap; `tests/` checks that both give
//! the same probabilities on a small problem.
//!
//! The gradient is computed in two deterministic parallel passes: per-row
//! residuals over row chunks, then `X^T R` over feature chunks of a transposed
//! copy of `X`. No floating-point reduction depends on thread timing, so
//! training is reproducible bit for bit.

use std::sync::Mutex;

use argmin::core::{CostFunction, Executor, Gradient, State, TerminationReason, TerminationStatus};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use linfa::dataset::DatasetBase;
use linfa::traits::{Fit, Predict, PredictInplace};
use linfa::ParamGuard;
use ndarray::{Array1, Array2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::features::{CsrMatrix, SparseRow};

/// How classes are weighted in the loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ClassWeight {
    /// Every example counts by its sample weight only.
    None,
    /// Classes weighted inversely to their (sample-weighted) frequency, as
    /// scikit-learn's `class_weight="balanced"`.
    #[default]
    Balanced,
}

/// Validated hyperparameters of [`SoftmaxRegression`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SoftmaxValidParams {
    /// L2 penalty on the weights (1 / C in scikit-learn terms).
    pub alpha: f64,
    /// Number of classes (targets are `0..n_classes`).
    pub n_classes: usize,
    /// L-BFGS iteration cap.
    pub max_iterations: u64,
    /// Converged when the gradient norm, relative to the total sample
    /// weight, falls below this.
    pub tolerance: f64,
    /// Class weighting.
    pub class_weight: ClassWeight,
}

/// Unchecked hyperparameters; `fit` checks them first (linfa's `ParamGuard`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SoftmaxParams(SoftmaxValidParams);

impl SoftmaxParams {
    /// Defaults for `n_classes` classes.
    pub fn new(n_classes: usize) -> Self {
        SoftmaxParams(SoftmaxValidParams {
            alpha: 1.0,
            n_classes,
            max_iterations: 500,
            tolerance: 1e-5,
            class_weight: ClassWeight::Balanced,
        })
    }

    /// Set the L2 penalty.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.0.alpha = alpha;
        self
    }

    /// Set the iteration cap.
    pub fn max_iterations(mut self, n: u64) -> Self {
        self.0.max_iterations = n;
        self
    }

    /// Set the convergence tolerance.
    pub fn tolerance(mut self, t: f64) -> Self {
        self.0.tolerance = t;
        self
    }

    /// Set the class weighting.
    pub fn class_weight(mut self, w: ClassWeight) -> Self {
        self.0.class_weight = w;
        self
    }
}

impl ParamGuard for SoftmaxParams {
    type Checked = SoftmaxValidParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&SoftmaxValidParams> {
        let p = &self.0;
        if !(p.alpha.is_finite() && p.alpha > 0.0) {
            return Err(Error::Training(format!(
                "alpha must be positive and finite, got {}",
                p.alpha
            )));
        }
        if p.n_classes < 2 {
            return Err(Error::Training(format!(
                "need at least 2 classes, got {}",
                p.n_classes
            )));
        }
        if p.max_iterations == 0 || !(p.tolerance.is_finite() && p.tolerance > 0.0) {
            return Err(Error::Training(
                "max_iterations and tolerance must be positive".into(),
            ));
        }
        Ok(p)
    }

    fn check(self) -> Result<SoftmaxValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// How a training run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingReport {
    /// L-BFGS iterations run.
    pub iterations: u64,
    /// True when the tolerance was reached before the iteration cap.
    pub converged: bool,
    /// Why the solver stopped.
    pub stop_reason: String,
    /// Final objective value divided by the total sample weight.
    pub final_loss: f64,
}

/// A fitted softmax regression: weights `(n_features + 1) x n_classes`, the
/// last row being the intercept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SoftmaxRegression {
    weights: Array2<f32>,
    report: TrainingReport,
}

impl SoftmaxRegression {
    /// Number of features the model expects.
    pub fn n_features(&self) -> usize {
        self.weights.nrows() - 1
    }

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.weights.ncols()
    }

    /// How training ended.
    pub fn report(&self) -> &TrainingReport {
        &self.report
    }

    /// Weight of feature `f` for class `c`.
    pub fn weight(&self, f: usize, c: usize) -> f32 {
        self.weights[[f, c]]
    }

    /// Class probabilities for one row (a sparse dot product per class).
    pub fn predict_proba_row(&self, row: &SparseRow) -> Vec<f32> {
        self.predict_proba_row_tempered(row, 1.0)
    }

    /// Class probabilities for one row with the scores divided by
    /// `temperature` before the softmax (at 1 the scores are left as they
    /// are, bit for bit).
    pub fn predict_proba_row_tempered(&self, row: &SparseRow, temperature: f32) -> Vec<f32> {
        let nf = self.n_features();
        let mut scores: Vec<f32> = self.weights.row(nf).to_vec();
        if let Some(all) = self.weights.as_slice() {
            // Row-major: the weights of feature i are one contiguous slice
            // (the same sums in the same order as the view-based loop below).
            let k = scores.len();
            for (i, v) in row.iter() {
                if let Some(w) = all.get(i * k..(i + 1) * k).filter(|_| i < nf) {
                    add_scaled(&mut scores, w, v);
                }
            }
        } else {
            for (i, v) in row.iter() {
                if i < nf {
                    for (s, w) in scores.iter_mut().zip(self.weights.row(i)) {
                        *s += w * v;
                    }
                }
            }
        }
        probabilities(scores, temperature)
    }

    /// Class probabilities for every row of a matrix.
    pub fn predict_proba(&self, x: &CsrMatrix) -> Array2<f32> {
        let k = self.n_classes();
        let rows: Vec<Vec<f32>> = (0..x.nrows())
            .into_par_iter()
            .map(|r| {
                let (idx, val) = x.row(r);
                self.predict_proba_row(&SparseRow {
                    indices: idx.to_vec(),
                    values: val.to_vec(),
                })
            })
            .collect();
        let mut out = Array2::zeros((x.nrows(), k));
        for (r, p) in rows.into_iter().enumerate() {
            for (c, v) in p.into_iter().enumerate() {
                out[[r, c]] = v;
            }
        }
        out
    }

    /// Keep only the given feature rows (in order), plus the intercept.
    pub fn select_features(&self, keep: &[usize]) -> Self {
        let k = self.n_classes();
        let mut w = Array2::zeros((keep.len() + 1, k));
        for (new, &old) in keep.iter().enumerate() {
            w.row_mut(new).assign(&self.weights.row(old));
        }
        w.row_mut(keep.len())
            .assign(&self.weights.row(self.n_features()));
        SoftmaxRegression {
            weights: w,
            report: self.report.clone(),
        }
    }

    /// Largest absolute weight of feature `f` over classes.
    pub fn max_abs_weight(&self, f: usize) -> f32 {
        self.weights
            .row(f)
            .iter()
            .fold(0.0f32, |m, w| m.max(w.abs()))
    }

    pub(crate) fn check_consistent(&self) -> bool {
        self.weights.nrows() >= 1
            && self.weights.ncols() >= 2
            && self.weights.iter().all(|w| w.is_finite())
    }
}

/// Scores (a row's sums) to class probabilities: divided by `temperature`
/// (at 1 left as they are, bit for bit), then the softmax.
pub(crate) fn probabilities(mut scores: Vec<f32>, temperature: f32) -> Vec<f32> {
    if temperature != 1.0 {
        for s in &mut scores {
            *s /= temperature;
        }
    }
    softmax_in_place(&mut scores);
    scores
}

/// Classes a chunk of [`add_scaled`] takes at once.
const LANES: usize = 4;

/// Regressions over the same features with their weights side by side: the
/// weights of one feature for every class of every regression are one
/// contiguous run, each regression's classes padded to whole chunks of
/// [`LANES`]. Labelling scores both heads of a posting in one pass over its
/// row, where scoring each head alone reads the row once per head and ends
/// each feature's classes with a remainder loop (21 role classes, 6
/// seniorities). Each class still adds the same terms in the same order, so
/// its score is the same bits as [`SoftmaxRegression::predict_proba_row_tempered`]
/// sums (the tests check it).
#[derive(Debug)]
pub(crate) struct StackedRegressions {
    n_features: usize,
    /// Floats per feature: every regression's padded classes.
    width: usize,
    /// Each regression's columns.
    heads: Vec<std::ops::Range<usize>>,
    /// `(n_features + 1) x width`, row-major, the intercepts last.
    weights: Vec<f32>,
}

impl StackedRegressions {
    /// `None` if the regressions do not share one feature space (or there
    /// are none).
    pub(crate) fn new(regressions: &[&SoftmaxRegression]) -> Option<Self> {
        let n_features = regressions.first()?.n_features();
        if regressions.iter().any(|r| r.n_features() != n_features) {
            return None;
        }
        let mut heads = Vec::with_capacity(regressions.len());
        let mut width = 0;
        for r in regressions {
            let k = r.n_classes();
            heads.push(width..width + k);
            width += k.div_ceil(LANES) * LANES;
        }
        let mut weights = vec![0f32; (n_features + 1) * width];
        for (r, columns) in regressions.iter().zip(&heads) {
            let k = columns.len();
            let rows = weights.chunks_exact_mut(width);
            match r.weights.as_slice() {
                // Row-major (as trained and as loaded): a copy per feature.
                Some(all) => {
                    for (to, from) in rows.zip(all.chunks_exact(k)) {
                        to[columns.clone()].copy_from_slice(from);
                    }
                }
                None => {
                    for (to, from) in rows.zip(r.weights.rows()) {
                        for (slot, &w) in to[columns.clone()].iter_mut().zip(from) {
                            *slot = w;
                        }
                    }
                }
            }
        }
        Some(StackedRegressions {
            n_features,
            width,
            heads,
            weights,
        })
    }

    /// Every regression's scores for `row` (before any temperature and the
    /// softmax), side by side in `scores`: regression `h`'s are at
    /// [`StackedRegressions::columns`]`(h)`.
    pub(crate) fn scores_into(&self, row: &SparseRow, scores: &mut Vec<f32>) {
        let (nf, width) = (self.n_features, self.width);
        scores.clear();
        scores.extend_from_slice(&self.weights[nf * width..]);
        // The default model's width (21 roles and 6 seniorities, padded),
        // as arrays of a known size: the compiler unrolls the adds.
        if width == 32 {
            self.scores_of_width::<32>(row, scores);
            return;
        }
        for (i, v) in row.iter() {
            if i >= nf {
                continue;
            }
            if let Some(w) = self.weights.get(i * width..(i + 1) * width) {
                add_scaled(scores, w, v);
            }
        }
    }

    /// [`StackedRegressions::scores_into`] for a width of `W` (after the
    /// intercepts).
    fn scores_of_width<const W: usize>(&self, row: &SparseRow, scores: &mut [f32]) {
        let Ok(sums) = <&mut [f32; W]>::try_from(scores) else {
            return;
        };
        let (rows, _) = self.weights.as_chunks::<W>();
        for (i, v) in row.iter() {
            if let Some(w) = rows.get(i).filter(|_| i < self.n_features) {
                for j in 0..W {
                    sums[j] += w[j] * v;
                }
            }
        }
    }

    /// Regression `h`'s columns of the scores.
    pub(crate) fn columns(&self, h: usize) -> std::ops::Range<usize> {
        self.heads.get(h).cloned().unwrap_or(0..0)
    }
}

/// `scores[j] += w[j] * v` for every class `j`, four classes at a time so
/// that the compiler emits vector instructions (each class's sum still adds
/// the features in the same order, so the results are the same bits).
fn add_scaled(scores: &mut [f32], w: &[f32], v: f32) {
    let mut s4 = scores.chunks_exact_mut(LANES);
    let mut w4 = w.chunks_exact(LANES);
    for (s, w) in (&mut s4).zip(&mut w4) {
        for j in 0..LANES {
            s[j] += w[j] * v;
        }
    }
    for (s, w) in s4.into_remainder().iter_mut().zip(w4.remainder()) {
        *s += w * v;
    }
}

fn softmax_in_place(scores: &mut [f32]) {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for s in scores.iter_mut() {
        *s = (*s - max).exp();
        sum += *s;
    }
    for s in scores.iter_mut() {
        *s /= sum;
    }
}

impl PredictInplace<CsrMatrix, Array1<usize>> for SoftmaxRegression {
    fn predict_inplace(&self, x: &CsrMatrix, y: &mut Array1<usize>) {
        let p = self.predict_proba(x);
        for (r, row) in p.rows().into_iter().enumerate() {
            if let Some(slot) = y.get_mut(r) {
                *slot = argmax(row.iter().copied());
            }
        }
    }

    fn default_target(&self, x: &CsrMatrix) -> Array1<usize> {
        Array1::zeros(x.nrows())
    }
}

impl Predict<&CsrMatrix, Array1<usize>> for SoftmaxRegression {
    fn predict(&self, x: &CsrMatrix) -> Array1<usize> {
        let mut y = self.default_target(x);
        self.predict_inplace(x, &mut y);
        y
    }
}

/// Index of the largest value (first on ties).
pub fn argmax(values: impl Iterator<Item = f32>) -> usize {
    values
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |best, (i, v)| {
            if v > best.1 {
                (i, v)
            } else {
                best
            }
        })
        .0
}

impl Fit<CsrMatrix, Array1<usize>, Error> for SoftmaxValidParams {
    type Object = SoftmaxRegression;

    fn fit(&self, dataset: &DatasetBase<CsrMatrix, Array1<usize>>) -> Result<SoftmaxRegression> {
        let x = &dataset.records;
        let y = &dataset.targets;
        if x.nrows() != y.len() {
            return Err(Error::Training(format!(
                "{} rows but {} targets",
                x.nrows(),
                y.len()
            )));
        }
        if x.nrows() == 0 {
            return Err(Error::Training("no training examples".into()));
        }
        if let Some(bad) = y.iter().find(|&&c| c >= self.n_classes) {
            return Err(Error::Training(format!(
                "target {bad} out of range for {} classes",
                self.n_classes
            )));
        }
        let sample_weights: Vec<f64> = match dataset.weights() {
            Some(w) if w.len() == y.len() => w.iter().map(|&v| f64::from(v)).collect(),
            Some(w) => {
                return Err(Error::Training(format!(
                    "{} weights for {} rows",
                    w.len(),
                    y.len()
                )));
            }
            None => vec![1.0; y.len()],
        };
        let weights = effective_weights(y.as_slice().unwrap_or(&y.to_vec()), &sample_weights, self);
        let problem = Objective::new(
            x,
            y.iter().copied().collect(),
            weights,
            self.alpha,
            self.n_classes,
        );
        let total_weight = problem.total_weight;
        let n_params = (x.ncols() + 1) * self.n_classes;
        let init = Array1::<f64>::zeros(n_params);
        let linesearch = MoreThuenteLineSearch::new();
        let solver = LBFGS::new(linesearch, 10)
            .with_tolerance_grad(self.tolerance * total_weight)
            .and_then(|s| s.with_tolerance_cost(1e-9))
            .map_err(|e| Error::Training(e.to_string()))?;
        let result = Executor::new(problem, solver)
            .configure(|state| state.param(init).max_iters(self.max_iterations))
            .run()
            .map_err(|e| Error::Training(format!("L-BFGS failed: {e}")))?;
        let state = result.state();
        let (converged, stop_reason) = match state.get_termination_status() {
            TerminationStatus::Terminated(TerminationReason::SolverConverged) => {
                (true, "converged".to_string())
            }
            TerminationStatus::Terminated(TerminationReason::MaxItersReached) => {
                (false, "iteration cap reached".to_string())
            }
            TerminationStatus::Terminated(other) => (false, other.text().to_string()),
            TerminationStatus::NotTerminated => (false, "not terminated".to_string()),
        };
        let best = state
            .get_best_param()
            .ok_or_else(|| Error::Training("solver returned no parameters".into()))?;
        let nf = x.ncols();
        let w = Array2::from_shape_vec(
            (nf + 1, self.n_classes),
            best.iter().map(|&v| v as f32).collect(),
        )
        .map_err(|e| Error::Training(e.to_string()))?;
        Ok(SoftmaxRegression {
            weights: w,
            report: TrainingReport {
                iterations: state.get_iter(),
                converged,
                stop_reason,
                final_loss: state.get_best_cost() / total_weight,
            },
        })
    }
}

/// Per-example weights: sample weight times class weight.
fn effective_weights(y: &[usize], sample: &[f64], p: &SoftmaxValidParams) -> Vec<f64> {
    match p.class_weight {
        ClassWeight::None => sample.to_vec(),
        ClassWeight::Balanced => {
            let mut per_class = vec![0.0f64; p.n_classes];
            for (&c, &w) in y.iter().zip(sample) {
                per_class[c] += w;
            }
            let total: f64 = per_class.iter().sum();
            let present = per_class.iter().filter(|&&w| w > 0.0).count().max(1) as f64;
            y.iter()
                .zip(sample)
                .map(|(&c, &w)| w * total / (present * per_class[c]))
                .collect()
        }
    }
}

const ROW_CHUNK: usize = 1024;

/// Parameters with their loss and gradient.
type Evaluation = (Array1<f64>, f64, Array1<f64>);
const FEATURE_CHUNK: usize = 512;

/// The objective over a sparse design matrix, with its transpose kept for
/// the gradient pass.
struct Objective<'a> {
    x: &'a CsrMatrix,
    /// Column-major copy of `x`: for each feature, (row, value) pairs.
    xt_indptr: Vec<usize>,
    xt_rows: Vec<u32>,
    xt_values: Vec<f32>,
    y: Vec<usize>,
    weights: Vec<f64>,
    total_weight: f64,
    alpha: f64,
    k: usize,
    /// Last (params, loss, gradient): argmin asks for cost and gradient at
    /// the same point in turn.
    cache: Mutex<Option<Evaluation>>,
}

impl<'a> Objective<'a> {
    fn new(x: &'a CsrMatrix, y: Vec<usize>, weights: Vec<f64>, alpha: f64, k: usize) -> Self {
        let nf = x.ncols();
        let mut counts = vec![0usize; nf + 1];
        for r in 0..x.nrows() {
            for &i in x.row(r).0 {
                counts[i as usize + 1] += 1;
            }
        }
        for i in 0..nf {
            counts[i + 1] += counts[i];
        }
        let nnz = counts[nf];
        let mut next = counts.clone();
        let mut xt_rows = vec![0u32; nnz];
        let mut xt_values = vec![0f32; nnz];
        for r in 0..x.nrows() {
            let (idx, val) = x.row(r);
            for (&i, &v) in idx.iter().zip(val) {
                let slot = next[i as usize];
                xt_rows[slot] = r as u32;
                xt_values[slot] = v;
                next[i as usize] += 1;
            }
        }
        let total_weight = weights.iter().sum::<f64>().max(f64::MIN_POSITIVE);
        Objective {
            x,
            xt_indptr: counts,
            xt_rows,
            xt_values,
            y,
            weights,
            total_weight,
            alpha,
            k,
            cache: Mutex::new(None),
        }
    }

    fn evaluate(&self, w: &Array1<f64>) -> (f64, Array1<f64>) {
        if let Ok(cache) = self.cache.lock() {
            if let Some((p, loss, grad)) = cache.as_ref() {
                if p == w {
                    return (*loss, grad.clone());
                }
            }
        }
        let (loss, grad) = self.compute(w);
        if let Ok(mut cache) = self.cache.lock() {
            *cache = Some((w.clone(), loss, grad.clone()));
        }
        (loss, grad)
    }

    fn compute(&self, w: &Array1<f64>) -> (f64, Array1<f64>) {
        let k = self.k;
        let nf = self.x.ncols();
        let w = w.as_slice().unwrap_or(&[]);
        let intercept = &w[nf * k..];
        let n = self.x.nrows();
        // Pass 1: residuals R[i] = w_i (p_i - y_i) and the data loss, by row chunks.
        let mut residuals = vec![0f64; n * k];
        let chunk_losses: Vec<f64> = residuals
            .par_chunks_mut(ROW_CHUNK * k)
            .enumerate()
            .map(|(chunk, out)| {
                let mut loss = 0.0;
                let mut scores = vec![0f64; k];
                for (j, res) in out.chunks_mut(k).enumerate() {
                    let r = chunk * ROW_CHUNK + j;
                    scores.copy_from_slice(intercept);
                    let (idx, val) = self.x.row(r);
                    for (&i, &v) in idx.iter().zip(val) {
                        let wi = &w[i as usize * k..(i as usize + 1) * k];
                        for (s, &wc) in scores.iter_mut().zip(wi) {
                            *s += wc * f64::from(v);
                        }
                    }
                    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let lse = max + scores.iter().map(|s| (s - max).exp()).sum::<f64>().ln();
                    let yi = self.y[r];
                    let sw = self.weights[r];
                    loss += sw * (lse - scores[yi]);
                    for (c, out) in res.iter_mut().enumerate() {
                        let p = (scores[c] - lse).exp();
                        *out = sw * (p - if c == yi { 1.0 } else { 0.0 });
                    }
                }
                loss
            })
            .collect();
        let data_loss: f64 = chunk_losses.iter().sum();
        // Pass 2: gradient rows by feature chunks, X^T R + alpha W.
        let mut grad = vec![0f64; (nf + 1) * k];
        grad[..nf * k]
            .par_chunks_mut(FEATURE_CHUNK * k)
            .enumerate()
            .for_each(|(chunk, out)| {
                for (j, g) in out.chunks_mut(k).enumerate() {
                    let f = chunk * FEATURE_CHUNK + j;
                    let (a, b) = (self.xt_indptr[f], self.xt_indptr[f + 1]);
                    for (&r, &v) in self.xt_rows[a..b].iter().zip(&self.xt_values[a..b]) {
                        let res = &residuals[r as usize * k..(r as usize + 1) * k];
                        for (gc, &rc) in g.iter_mut().zip(res) {
                            *gc += f64::from(v) * rc;
                        }
                    }
                    for (gc, &wc) in g.iter_mut().zip(&w[f * k..(f + 1) * k]) {
                        *gc += self.alpha * wc;
                    }
                }
            });
        for res in residuals.chunks(k) {
            for (g, &rc) in grad[nf * k..].iter_mut().zip(res) {
                *g += rc;
            }
        }
        let penalty = 0.5 * self.alpha * w[..nf * k].iter().map(|v| v * v).sum::<f64>();
        (data_loss + penalty, Array1::from(grad))
    }
}

impl CostFunction for Objective<'_> {
    type Param = Array1<f64>;
    type Output = f64;

    fn cost(&self, p: &Self::Param) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.evaluate(p).0)
    }
}

impl Gradient for Objective<'_> {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;

    fn gradient(&self, p: &Self::Param) -> std::result::Result<Array1<f64>, argmin::core::Error> {
        Ok(self.evaluate(p).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> (CsrMatrix, Array1<usize>) {
        // Three separable classes on features 0, 1, 2 with a noise feature 3.
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for i in 0..30 {
            let c = i % 3;
            rows.push(SparseRow::from_pairs(vec![
                (c as u32, 1.0),
                (3, (i % 5) as f32 * 0.1),
            ]));
            y.push(c);
        }
        (CsrMatrix::from_rows(&rows, 4), Array1::from(y))
    }

    #[test]
    fn learns_a_separable_problem_and_reports_convergence() {
        let (x, y) = toy();
        let data = DatasetBase::new(x.clone(), y.clone());
        let model = SoftmaxParams::new(3).alpha(0.1).fit(&data).unwrap();
        assert!(model.report().converged, "{:?}", model.report());
        assert!(model.report().iterations > 0);
        let pred: Array1<usize> = model.predict(&x);
        assert_eq!(pred, y);
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let (x, y) = toy();
        let obj = Objective::new(&x, y.to_vec(), vec![1.0; 30], 0.5, 3);
        let w = Array1::from_iter((0..15).map(|i| (i as f64 * 0.37).sin() * 0.3));
        let (_, g) = obj.compute(&w);
        for i in 0..15 {
            let mut a = w.clone();
            let mut b = w.clone();
            a[i] += 1e-6;
            b[i] -= 1e-6;
            let num = (obj.compute(&a).0 - obj.compute(&b).0) / 2e-6;
            assert!((num - g[i]).abs() < 1e-4, "param {i}: {num} vs {}", g[i]);
        }
    }

    #[test]
    fn rejects_bad_params() {
        let (x, y) = toy();
        let data = DatasetBase::new(x, y);
        assert!(SoftmaxParams::new(3).alpha(-1.0).fit(&data).is_err());
        assert!(SoftmaxParams::new(1).fit(&data).is_err());
        assert!(
            SoftmaxParams::new(2).fit(&data).is_err(),
            "target 2 is out of range"
        );
    }

    #[test]
    fn balanced_weights_equalise_classes() {
        let p = SoftmaxParams::new(2).check().unwrap();
        let w = effective_weights(&[0, 0, 0, 1], &[1.0; 4], &p);
        assert!((w[0] * 3.0 - w[3]).abs() < 1e-12);
        assert!((w.iter().sum::<f64>() - 4.0).abs() < 1e-12);
    }

    fn regression_with(weights: Array2<f32>) -> SoftmaxRegression {
        SoftmaxRegression {
            weights,
            report: TrainingReport {
                iterations: 0,
                converged: true,
                stop_reason: String::new(),
                final_loss: 0.0,
            },
        }
    }

    /// Scores two random regressions side by side and checks that each
    /// gets the same probabilities, bit for bit, as scored alone.
    fn check_stacked(
        (k1, k2, n_features): (usize, usize, usize),
        seed: u64,
        row: Vec<(u32, f32)>,
        temperature: f32,
    ) -> std::result::Result<(), proptest::test_runner::TestCaseError> {
        let mut state = seed | 1;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32 * 4.0 - 2.0
        };
        let a = regression_with(Array2::from_shape_fn((n_features + 1, k1), |_| next()));
        let b = regression_with(Array2::from_shape_fn((n_features + 1, k2), |_| next()));
        let row = SparseRow::from_pairs(row);
        let stacked = StackedRegressions::new(&[&a, &b]).unwrap();
        let mut scores = Vec::new();
        stacked.scores_into(&row, &mut scores);
        for (h, r) in [&a, &b].into_iter().enumerate() {
            let side_by_side = probabilities(scores[stacked.columns(h)].to_vec(), temperature);
            let alone = r.predict_proba_row_tempered(&row, temperature);
            let bits = |p: &[f32]| p.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            proptest::prop_assert_eq!(bits(&side_by_side), bits(&alone));
        }
        Ok(())
    }

    proptest::proptest! {
        /// Class counts that fill whole chunks of four and ones that do
        /// not, tempered and not, and feature ids past the regressions'
        /// features.
        #[test]
        fn stacked_regressions_score_each_as_it_scores_alone(
            k1 in 2usize..23,
            k2 in 2usize..9,
            n_features in 1usize..40,
            seed in proptest::prelude::any::<u64>(),
            row in proptest::collection::vec((0u32..48, -3.0f32..3.0), 0..30),
            temperature in proptest::sample::select(vec![1.0f32, 0.854, 1.631]),
        ) {
            check_stacked((k1, k2, n_features), seed, row, temperature)?;
        }
    }

    #[test]
    fn stacked_default_shaped_heads_score_as_alone() {
        // 21 roles and 6 seniorities: the width-32 path.
        for seed in 0..50u64 {
            let row = (0..40u32)
                .map(|i| ((i * 7 + seed as u32) % 90, (i as f32 - 20.0) / 7.0))
                .collect();
            check_stacked((21, 6, 80), seed, row, 0.854).unwrap();
        }
    }

    #[test]
    fn stacked_weights_are_read_whatever_the_memory_layout() {
        let standard = Array2::from_shape_fn((6, 5), |(f, c)| (f * 5 + c) as f32 * 0.25 - 3.0);
        let mut column_major = Array2::zeros((5, 6)).reversed_axes();
        column_major.assign(&standard);
        assert!(column_major.as_slice().is_none());
        let a = regression_with(standard);
        let b = regression_with(column_major);
        let row = SparseRow::from_pairs(vec![(0, 1.0), (2, -0.5), (4, 2.0)]);
        let scores = |r: &SoftmaxRegression| {
            let stacked = StackedRegressions::new(&[r]).unwrap();
            let mut scores = Vec::new();
            stacked.scores_into(&row, &mut scores);
            scores[stacked.columns(0)].to_vec()
        };
        assert_eq!(scores(&a), scores(&b));
        assert_eq!(
            probabilities(scores(&b), 1.0),
            b.predict_proba_row_tempered(&row, 1.0)
        );
    }

    #[test]
    fn regressions_over_different_features_are_not_stacked() {
        let a = regression_with(Array2::zeros((4, 3)));
        let b = regression_with(Array2::zeros((5, 3)));
        assert!(StackedRegressions::new(&[&a, &b]).is_none());
        assert!(StackedRegressions::new(&[]).is_none());
        assert!(StackedRegressions::new(&[&a, &a]).is_some());
    }
}
