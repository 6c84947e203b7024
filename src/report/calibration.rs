//! Does a confidence mean what it says? Calibration measures of one head
//! (expected calibration error, Brier score, log loss), its reliability
//! diagram and its risk-coverage table (accuracy on the most confident
//! share of postings), computed from scored predictions.
//!
//! A scored prediction is the head's probability of every label and the set
//! of labels that count as correct (one gold label, or the data's accept
//! set). The confidence is the top label's probability; the prediction is
//! correct when the top label is acceptable.

use serde::{Deserialize, Serialize};

/// Equal-width confidence bins of the expected calibration error and the
/// reliability diagram.
pub(crate) const CALIBRATION_BINS: usize = 10;
/// Shares of postings (most confident first) in the risk-coverage table.
pub(crate) const COVERAGES: [f64; 4] = [0.5, 0.8, 0.9, 1.0];
/// Steps of the risk-coverage curve kept in a report (5%, 10%, ... 100%).
const CURVE_STEPS: usize = 20;
/// Probabilities are clamped here before a logarithm.
const MIN_PROBABILITY: f64 = 1e-12;

/// One head's output on one scored example.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ScoredProbabilities {
    /// Probability of every label, in the head's label order.
    pub probabilities: Vec<f32>,
    /// Indices of the labels that count as correct (never empty).
    pub accept: Vec<usize>,
}

impl ScoredProbabilities {
    /// The probabilities scaled by a temperature: `softmax(ln p / t)`, the
    /// same as dividing the head's scores by `t` before its softmax.
    pub(crate) fn tempered(&self, temperature: f64) -> Vec<f64> {
        temper(&self.probabilities, temperature)
    }
}

/// `softmax(ln p / t)` in f64 (probabilities clamped away from 0).
pub(crate) fn temper(probabilities: &[f32], temperature: f64) -> Vec<f64> {
    let logs: Vec<f64> = probabilities
        .iter()
        .map(|&p| (p as f64).max(MIN_PROBABILITY).ln() / temperature)
        .collect();
    let max = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = logs.iter().map(|l| (l - max).exp()).collect();
    let sum: f64 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

/// Index of the largest probability (first on ties, like the model's
/// argmax).
fn top(probabilities: &[f64]) -> usize {
    probabilities
        .iter()
        .enumerate()
        .fold((0, f64::NEG_INFINITY), |best, (i, &p)| {
            if p > best.1 {
                (i, p)
            } else {
                best
            }
        })
        .0
}

/// Confidence and correctness of one prediction, and the probability it
/// gave to the acceptable labels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Outcome {
    /// Probability of the predicted (top) label.
    pub confidence: f64,
    /// True when the predicted label is acceptable.
    pub correct: bool,
    /// Total probability of the acceptable labels.
    pub p_accept: f64,
}

/// The outcome of one scored prediction at a temperature.
pub(crate) fn outcome(scored: &ScoredProbabilities, temperature: f64) -> Outcome {
    let p = scored.tempered(temperature);
    let best = top(&p);
    Outcome {
        confidence: p[best],
        correct: scored.accept.contains(&best),
        p_accept: scored
            .accept
            .iter()
            .filter_map(|&i| p.get(i))
            .sum::<f64>()
            .min(1.0),
    }
}

/// Expected calibration error, Brier score and log loss of a head.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationScores {
    /// Expected calibration error: the gap between confidence and accuracy
    /// in 10 equal-width confidence bins, weighted by the bins' shares.
    pub ece: f64,
    /// Brier score of the confidence: the mean of (confidence − correct)².
    pub brier: f64,
    /// Log loss: the mean of −ln(probability given to the acceptable
    /// labels).
    pub log_loss: f64,
}

/// One bar of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    /// Lower edge of the confidence bin (the upper edge is 0.1 higher; the
    /// last bin includes 1).
    pub lower: f64,
    /// Predictions in the bin.
    pub n: usize,
    /// Their mean confidence (0 when the bin is empty).
    pub confidence: f64,
    /// Their accuracy (0 when the bin is empty).
    pub accuracy: f64,
}

/// Accuracy on the most confident share of the predictions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CoveragePoint {
    /// Share of predictions kept, most confident first.
    pub coverage: f64,
    /// Predictions kept.
    pub n: usize,
    /// Their accuracy.
    pub accuracy: f64,
    /// The lowest confidence kept: `--min-confidence` at about this value
    /// keeps this share.
    pub min_confidence: f64,
}

/// Calibration of one head: the temperature, the scores before and after
/// it, the reliability diagram and the risk-coverage table (both after).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The temperature the head's scores are divided by (1: none).
    pub temperature: f64,
    /// Scores of the raw probabilities.
    pub before: CalibrationScores,
    /// Scores of the calibrated probabilities.
    pub after: CalibrationScores,
    /// Reliability diagram of the raw probabilities.
    pub reliability_before: Vec<ReliabilityBin>,
    /// Reliability diagram of the calibrated probabilities.
    pub reliability: Vec<ReliabilityBin>,
    /// Accuracy on the most confident 5, 10, ... 100% (calibrated).
    pub risk_coverage: Vec<CoveragePoint>,
    /// The expected calibration error a perfectly calibrated head would
    /// still show on this many predictions with these confidences
    /// (sampling noise): an `after` ECE near it is as good as the data can
    /// tell.
    pub ece_if_calibrated: f64,
}

/// The bin of a confidence (the last bin includes 1).
fn bin_of(confidence: f64) -> usize {
    ((confidence * CALIBRATION_BINS as f64) as usize).min(CALIBRATION_BINS - 1)
}

/// The reliability diagram of a set of outcomes.
pub(crate) fn reliability(outcomes: &[Outcome]) -> Vec<ReliabilityBin> {
    let mut n = [0usize; CALIBRATION_BINS];
    let mut conf = [0f64; CALIBRATION_BINS];
    let mut correct = [0usize; CALIBRATION_BINS];
    for o in outcomes {
        let b = bin_of(o.confidence);
        n[b] += 1;
        conf[b] += o.confidence;
        correct[b] += o.correct as usize;
    }
    (0..CALIBRATION_BINS)
        .map(|b| ReliabilityBin {
            lower: b as f64 / CALIBRATION_BINS as f64,
            n: n[b],
            confidence: if n[b] > 0 { conf[b] / n[b] as f64 } else { 0.0 },
            accuracy: if n[b] > 0 {
                correct[b] as f64 / n[b] as f64
            } else {
                0.0
            },
        })
        .collect()
}

/// Expected calibration error, Brier score and log loss of a set of
/// outcomes (all 0 when there is none).
pub(crate) fn calibration_scores(outcomes: &[Outcome]) -> CalibrationScores {
    let n = outcomes.len();
    if n == 0 {
        return CalibrationScores {
            ece: 0.0,
            brier: 0.0,
            log_loss: 0.0,
        };
    }
    let ece = reliability(outcomes)
        .iter()
        .map(|b| b.n as f64 / n as f64 * (b.accuracy - b.confidence).abs())
        .sum();
    let brier = outcomes
        .iter()
        .map(|o| (o.confidence - o.correct as u8 as f64).powi(2))
        .sum::<f64>()
        / n as f64;
    let log_loss = outcomes
        .iter()
        .map(|o| -o.p_accept.max(MIN_PROBABILITY).ln())
        .sum::<f64>()
        / n as f64;
    CalibrationScores {
        ece,
        brier,
        log_loss,
    }
}

/// Accuracy on the most confident `coverage` share of the outcomes, for
/// each share (rounded up to whole predictions; ties in confidence are
/// kept in input order).
pub(crate) fn risk_coverage(outcomes: &[Outcome], coverages: &[f64]) -> Vec<CoveragePoint> {
    let mut sorted: Vec<&Outcome> = outcomes.iter().collect();
    sorted.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    coverages
        .iter()
        .map(|&c| {
            let n = ((c * sorted.len() as f64).ceil() as usize).min(sorted.len());
            let kept = &sorted[..n];
            let correct = kept.iter().filter(|o| o.correct).count();
            CoveragePoint {
                coverage: c,
                n,
                accuracy: if n > 0 {
                    correct as f64 / n as f64
                } else {
                    0.0
                },
                min_confidence: kept.last().map_or(1.0, |o| o.confidence),
            }
        })
        .collect()
}

/// The calibration report of a head from raw scored predictions, with the
/// temperature used for each prediction (cross-fitted in cross-validation)
/// and the temperature reported.
pub(crate) fn calibration_report(
    scored: &[ScoredProbabilities],
    temperatures: &[f64],
    temperature: f64,
) -> Calibration {
    let raw: Vec<Outcome> = scored.iter().map(|s| outcome(s, 1.0)).collect();
    let calibrated: Vec<Outcome> = scored
        .iter()
        .zip(temperatures)
        .map(|(s, &t)| outcome(s, t))
        .collect();
    Calibration {
        temperature,
        before: calibration_scores(&raw),
        after: calibration_scores(&calibrated),
        reliability_before: reliability(&raw),
        reliability: reliability(&calibrated),
        risk_coverage: risk_coverage(&calibrated, &curve_coverages()),
        ece_if_calibrated: ece_if_calibrated(&calibrated),
    }
}

/// 5%, 10%, ... 100%.
fn curve_coverages() -> Vec<f64> {
    (1..=CURVE_STEPS)
        .map(|i| i as f64 / CURVE_STEPS as f64)
        .collect()
}

/// The expected ECE of a perfectly calibrated head with these confidences:
/// in each bin, correctness is then a sum of independent Bernoulli(c)
/// draws, and the gap |accuracy − mean confidence| has (by the normal
/// approximation) mean σ·√(2/π) with σ² = Σ c(1−c) / n_bin².
pub(crate) fn ece_if_calibrated(outcomes: &[Outcome]) -> f64 {
    let n = outcomes.len();
    if n == 0 {
        return 0.0;
    }
    let mut variance = [0f64; CALIBRATION_BINS];
    let mut count = [0usize; CALIBRATION_BINS];
    for o in outcomes {
        let b = bin_of(o.confidence);
        variance[b] += o.confidence * (1.0 - o.confidence);
        count[b] += 1;
    }
    (0..CALIBRATION_BINS)
        .filter(|&b| count[b] > 0)
        .map(|b| {
            let sigma = variance[b].sqrt() / count[b] as f64;
            count[b] as f64 / n as f64 * sigma * (2.0 / std::f64::consts::PI).sqrt()
        })
        .sum()
}

impl Calibration {
    /// A plain-text table: the scores before and after, then the
    /// risk-coverage table (part of [`Metrics::to_table`](super::Metrics::to_table)).
    pub(crate) fn to_table(&self, title: &str) -> String {
        let mut s = format!(
            "{title} calibration (temperature {:.3})\n  {:<8} {:>7} {:>7} {:>8}\n",
            self.temperature, "", "ECE", "Brier", "log loss"
        );
        for (name, c) in [("before", &self.before), ("after", &self.after)] {
            s.push_str(&format!(
                "  {name:<8} {:>7.4} {:>7.4} {:>8.4}\n",
                c.ece, c.brier, c.log_loss
            ));
        }
        s.push_str(&format!(
            "  (a perfectly calibrated head would show ECE {:.4} here by chance)\n",
            self.ece_if_calibrated
        ));
        s.push_str(&format!(
            "{title} risk-coverage\n  {:>8} {:>6} {:>8} {:>14}\n",
            "coverage", "n", "accuracy", "min confidence"
        ));
        let shown = self
            .risk_coverage
            .iter()
            .filter(|p| COVERAGES.iter().any(|c| (c - p.coverage).abs() < 1e-9));
        for p in shown {
            s.push_str(&format!(
                "  {:>7.0}% {:>6} {:>8.3} {:>14.3}\n",
                p.coverage * 100.0,
                p.n,
                p.accuracy,
                p.min_confidence
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(confidence: f64, correct: bool) -> Outcome {
        Outcome {
            confidence,
            correct,
            p_accept: if correct {
                confidence
            } else {
                1.0 - confidence
            },
        }
    }

    #[test]
    fn a_calibrated_set_has_no_gap_and_an_overconfident_one_has() {
        // Confidence 0.75, right 3 times out of 4: ECE 0.
        let calibrated = [o(0.75, true), o(0.75, true), o(0.75, true), o(0.75, false)];
        assert!(calibration_scores(&calibrated).ece.abs() < 1e-12);
        // Confidence 0.95, right half the time: ECE 0.45.
        let over = [o(0.95, true), o(0.95, false)];
        assert!((calibration_scores(&over).ece - 0.45).abs() < 1e-12);
    }

    #[test]
    fn brier_and_log_loss_by_hand() {
        let set = [o(0.8, true), o(0.6, false)];
        let s = calibration_scores(&set);
        assert!((s.brier - (0.04 + 0.36) / 2.0).abs() < 1e-12);
        assert!((s.log_loss - (-(0.8f64).ln() - (0.4f64).ln()) / 2.0).abs() < 1e-12);
    }

    #[test]
    fn bins_cover_zero_to_one_inclusive() {
        let bins = reliability(&[o(0.0, false), o(0.05, false), o(0.95, true), o(1.0, true)]);
        assert_eq!(bins.len(), CALIBRATION_BINS);
        assert_eq!(bins[0].n, 2);
        assert_eq!(bins[9].n, 2);
        assert_eq!(bins.iter().map(|b| b.n).sum::<usize>(), 4);
    }

    #[test]
    fn risk_coverage_keeps_the_most_confident_first() {
        let set = [
            o(0.9, true),
            o(0.5, false),
            o(0.8, true),
            o(0.6, false),
            o(0.7, true),
        ];
        let points = risk_coverage(&set, &[0.5, 0.6, 1.0]);
        // 50% of 5 rounds up to 3: 0.9, 0.8, 0.7, all right.
        assert_eq!(points[0].n, 3);
        assert_eq!(points[0].accuracy, 1.0);
        assert_eq!(points[0].min_confidence, 0.7);
        assert_eq!(points[1].n, 3);
        assert_eq!(points[2].n, 5);
        assert!((points[2].accuracy - 0.6).abs() < 1e-12);
    }

    #[test]
    fn temperature_one_changes_nothing_and_keeps_the_top_label() {
        let p = [0.7f32, 0.2, 0.1];
        let same = temper(&p, 1.0);
        for (a, b) in same.iter().zip(p) {
            assert!((a - b as f64).abs() < 1e-6);
        }
        let soft = temper(&p, 2.0);
        let sharp = temper(&p, 0.5);
        assert!(soft[0] < 0.7 && sharp[0] > 0.7);
        assert_eq!(top(&soft), 0);
        assert_eq!(top(&sharp), 0);
        assert!((soft.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_calibrated_noise_floor_matches_a_simulation() {
        // 600 predictions at confidences 0.55..0.95, correct exactly as
        // often as they say: the formula against the mean ECE of seeded
        // simulated draws (a small xorshift generator keeps the test free
        // of a random-number crate).
        let confidences: Vec<f64> = (0..600)
            .map(|i| 0.55 + 0.4 * (i % 41) as f64 / 40.0)
            .collect();
        let base: Vec<Outcome> = confidences.iter().map(|&c| o(c, true)).collect();
        let formula = ece_if_calibrated(&base);
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut uniform = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let runs = 400;
        let simulated: f64 = (0..runs)
            .map(|_| {
                let draw: Vec<Outcome> = confidences.iter().map(|&c| o(c, uniform() < c)).collect();
                calibration_scores(&draw).ece
            })
            .sum::<f64>()
            / runs as f64;
        assert!(
            (formula - simulated).abs() < 0.15 * simulated,
            "formula {formula} vs simulated {simulated}"
        );
    }

    #[test]
    fn accept_sets_count_every_acceptable_label() {
        let s = ScoredProbabilities {
            probabilities: vec![0.5, 0.3, 0.2],
            accept: vec![1, 0],
        };
        let out = outcome(&s, 1.0);
        assert!(out.correct);
        assert!((out.p_accept - 0.8).abs() < 1e-6);
    }
}
