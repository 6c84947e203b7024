//! Temperature scaling: one number per head, fitted on cross-validated
//! predictions, that divides the head's scores before the softmax so its
//! confidences match how often it is right.
//!
//! Why a temperature and not a per-bin or isotonic map: it is monotone and
//! keeps the top label (accuracy does not move), it has one parameter, so
//! the few hundred cross-validated postings a recipe has are enough to fit
//! it without overfitting, and it rescales every class's probability
//! consistently, so the alternatives the review page shows stay a
//! distribution. The fit minimises the log loss of the acceptable labels
//! with Brent's method (argmin) over ln t.

use argmin::core::{CostFunction, Executor};
use argmin::solver::brent::BrentOpt;

use crate::report::calibration::{outcome, ScoredProbabilities};

/// Temperatures are searched between these (a head this far off is a
/// broken head, not a calibration problem).
const MIN_TEMPERATURE: f64 = 0.05;
const MAX_TEMPERATURE: f64 = 20.0;

/// Mean log loss of the acceptable labels at temperature `exp(ln_t)`.
struct TemperatureLoss<'a> {
    scored: Vec<&'a ScoredProbabilities>,
}

impl CostFunction for TemperatureLoss<'_> {
    type Param = f64;
    type Output = f64;

    fn cost(&self, ln_t: &f64) -> Result<f64, argmin::core::Error> {
        let t = ln_t.exp();
        let total: f64 = self
            .scored
            .iter()
            .map(|s| -outcome(s, t).p_accept.max(1e-12).ln())
            .sum();
        Ok(total / self.scored.len().max(1) as f64)
    }
}

/// The temperature that minimises the log loss of `scored` (1 when there
/// is nothing to fit on or the solver fails).
pub(crate) fn fit_temperature(scored: &[ScoredProbabilities]) -> f64 {
    fit_temperature_of(scored.iter().collect())
}

/// [`fit_temperature`] of borrowed predictions.
fn fit_temperature_of(scored: Vec<&ScoredProbabilities>) -> f64 {
    if scored.is_empty() {
        return 1.0;
    }
    let solver =
        BrentOpt::new(MIN_TEMPERATURE.ln(), MAX_TEMPERATURE.ln()).set_tolerance(1e-8, 1e-6);
    let run = Executor::new(TemperatureLoss { scored }, solver)
        .configure(|state| state.max_iters(200))
        .run();
    match run {
        Ok(result) => result
            .state
            .best_param
            .map(f64::exp)
            .filter(|t| t.is_finite())
            .unwrap_or(1.0),
        Err(_) => 1.0,
    }
}

/// Cross-fitted temperatures: the temperature applied to each prediction
/// is fitted on the predictions of the other folds only, so the calibrated
/// scores of a cross-validation are measured on predictions their
/// temperature never saw.
pub(crate) fn cross_fitted_temperatures(
    scored: &[ScoredProbabilities],
    folds: &[usize],
) -> Vec<f64> {
    let k = folds.iter().copied().max().map_or(0, |m| m + 1);
    let per_fold: Vec<f64> = (0..k)
        .map(|f| {
            let others = scored
                .iter()
                .zip(folds)
                .filter(|(_, &g)| g != f)
                .map(|(s, _)| s)
                .collect();
            fit_temperature_of(others)
        })
        .collect();
    folds.iter().map(|&f| per_fold[f]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::calibration::{calibration_scores, outcome};

    /// A deliberately overconfident two-class head: it says 0.95 for its
    /// top label but is right 70% of the time.
    fn overconfident() -> Vec<ScoredProbabilities> {
        (0..1000)
            .map(|i| ScoredProbabilities {
                probabilities: vec![0.95, 0.05],
                accept: vec![if i % 10 < 7 { 0 } else { 1 }],
            })
            .collect()
    }

    #[test]
    fn temperature_fixes_an_overconfident_head() {
        let scored = overconfident();
        let before: Vec<_> = scored.iter().map(|s| outcome(s, 1.0)).collect();
        assert!(calibration_scores(&before).ece > 0.2);
        let t = fit_temperature(&scored);
        assert!(t > 1.0, "an overconfident head needs t > 1, got {t}");
        let after: Vec<_> = scored.iter().map(|s| outcome(s, t)).collect();
        let scores = calibration_scores(&after);
        assert!(scores.ece < 0.01, "ECE after {}", scores.ece);
        // The top label never changes.
        assert!(after
            .iter()
            .zip(&before)
            .all(|(a, b)| a.correct == b.correct));
        // 0.95 -> 0.70 exactly solves ln(0.7/0.3) = ln(0.95/0.05) / t.
        let exact = (0.95f64 / 0.05).ln() / (0.7f64 / 0.3).ln();
        assert!((t - exact).abs() < 1e-3, "{t} vs {exact}");
    }

    #[test]
    fn an_underconfident_head_is_sharpened() {
        let scored: Vec<_> = (0..100)
            .map(|i| ScoredProbabilities {
                probabilities: vec![0.6, 0.4],
                accept: vec![if i % 100 < 95 { 0 } else { 1 }],
            })
            .collect();
        assert!(fit_temperature(&scored) < 1.0);
    }

    #[test]
    fn cross_fitting_leaves_each_fold_out() {
        let mut scored = overconfident();
        // Fold 0 is always right, the others 70%.
        for s in scored.iter_mut().step_by(2) {
            s.accept = vec![0];
        }
        let folds: Vec<usize> = (0..scored.len()).map(|i| i % 2).collect();
        let t = cross_fitted_temperatures(&scored, &folds);
        let fold1_only: Vec<_> = scored
            .iter()
            .zip(&folds)
            .filter(|(_, &f)| f == 1)
            .map(|(s, _)| s.clone())
            .collect();
        // Fold 0's temperature was fitted on fold 1 alone.
        assert!((t[0] - fit_temperature(&fold1_only)).abs() < 1e-9);
        assert!(t[1] < t[0]);
    }

    #[test]
    fn nothing_to_fit_is_no_temperature() {
        assert_eq!(fit_temperature(&[]), 1.0);
    }
}
