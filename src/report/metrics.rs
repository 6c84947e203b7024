//! Classification metrics with the scoring rules of the development data:
//! a row may have one gold label, or a set of acceptable labels, or none.
//!
//! * correct: the prediction equals the gold label, or is in the accept set;
//! * for macro-F1, per-class scores and the confusion matrix, a row's gold
//!   label is its label, else the prediction when it is acceptable, else the
//!   first acceptable label;
//! * rows with neither are not scored;
//! * for ordered labels (seniority), "within one" counts predictions at most
//!   one level from the gold label.

use serde::{Deserialize, Serialize};

/// Gold standard of one row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Gold {
    /// The single gold label, if any.
    pub label: Option<String>,
    /// Acceptable labels when there is no single one.
    pub accept: Vec<String>,
}

impl Gold {
    /// True when the row can be scored.
    pub(crate) fn is_scored(&self) -> bool {
        self.label.is_some() || !self.accept.is_empty()
    }

    /// Is `pred` correct for this row?
    pub(crate) fn accepts(&self, pred: &str) -> bool {
        match &self.label {
            Some(l) => l == pred,
            None => self.accept.iter().any(|a| a == pred),
        }
    }

    /// The label this row counts as for per-class metrics.
    pub(crate) fn resolve(&self, pred: &str) -> Option<String> {
        match &self.label {
            Some(l) => Some(l.clone()),
            None if self.accepts(pred) => Some(pred.to_string()),
            None => self.accept.first().cloned(),
        }
    }
}

/// Precision, recall and F1 of one class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassScore {
    /// Label id.
    pub label: String,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// Gold rows of this class.
    pub support: usize,
}

/// All metrics of one label kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Scored rows.
    pub n: usize,
    /// Share of correct predictions.
    pub accuracy: f64,
    /// Unweighted mean F1 over classes present in gold or predictions.
    pub macro_f1: f64,
    /// For ordered labels: share within one level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within_one: Option<f64>,
    /// Per-class scores, in label order.
    pub per_class: Vec<ClassScore>,
    /// Labels of the confusion matrix rows and columns.
    pub labels: Vec<String>,
    /// `confusion[gold][pred]` counts.
    pub confusion: Vec<Vec<usize>>,
    /// Calibration and risk-coverage, when the predictions' probabilities
    /// were scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<super::calibration::Calibration>,
}

/// Score predictions against gold rows. `labels` fixes the class order
/// (for seniority, the order of levels). `ordered` enables within-one.
pub(crate) fn score(golds: &[Gold], preds: &[String], labels: &[String], ordered: bool) -> Metrics {
    let k = labels.len();
    let index = |l: &str| labels.iter().position(|x| x == l);
    let mut confusion = vec![vec![0usize; k]; k];
    let mut n = 0;
    let mut correct = 0;
    let mut within = 0;
    for (g, p) in golds.iter().zip(preds) {
        if !g.is_scored() {
            continue;
        }
        n += 1;
        if g.accepts(p) {
            correct += 1;
        }
        let (Some(gi), Some(pi)) = (g.resolve(p).and_then(|l| index(&l)), index(p)) else {
            continue;
        };
        confusion[gi][pi] += 1;
        if gi.abs_diff(pi) <= 1 {
            within += 1;
        }
    }
    let mut per_class = Vec::with_capacity(k);
    let mut f1_sum = 0.0;
    let mut present = 0;
    for c in 0..k {
        let tp = confusion[c][c] as f64;
        let gold: usize = confusion[c].iter().sum();
        let pred: usize = confusion.iter().map(|r| r[c]).sum();
        let precision = if pred > 0 { tp / pred as f64 } else { 0.0 };
        let recall = if gold > 0 { tp / gold as f64 } else { 0.0 };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        if gold + pred > 0 {
            f1_sum += f1;
            present += 1;
        }
        per_class.push(ClassScore {
            label: labels[c].clone(),
            precision,
            recall,
            f1,
            support: gold,
        });
    }
    let ratio = |a: usize| if n > 0 { a as f64 / n as f64 } else { 0.0 };
    Metrics {
        n,
        accuracy: ratio(correct),
        macro_f1: if present > 0 {
            f1_sum / present as f64
        } else {
            0.0
        },
        within_one: ordered.then(|| ratio(within)),
        per_class,
        labels: labels.to_vec(),
        confusion,
        calibration: None,
    }
}

impl Metrics {
    /// A plain-text report: headline numbers, per-class table, confusion
    /// matrix, and calibration and risk-coverage when measured.
    pub fn to_table(&self, title: &str) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{title}: n={}  accuracy={:.3}  macro-F1={:.3}",
            self.n, self.accuracy, self.macro_f1
        );
        if let Some(w) = self.within_one {
            let _ = writeln!(s, "  within one level: {w:.3}");
        }
        let width = self
            .labels
            .iter()
            .map(String::len)
            .max()
            .unwrap_or(5)
            .max(5);
        let _ = writeln!(
            s,
            "  {:<width$}  precision  recall     f1  support",
            "label"
        );
        for c in &self.per_class {
            if c.support == 0 && c.precision == 0.0 {
                continue;
            }
            let _ = writeln!(
                s,
                "  {:<width$}  {:>9.3}  {:>6.3}  {:>5.3}  {:>7}",
                c.label, c.precision, c.recall, c.f1, c.support
            );
        }
        let _ = writeln!(
            s,
            "  confusion (rows: gold, columns: predicted, in label order above)"
        );
        for (label, row) in self.labels.iter().zip(&self.confusion) {
            if row.iter().sum::<usize>() == 0
                && self
                    .confusion
                    .iter()
                    .all(|r| r[self.labels.iter().position(|l| l == label).unwrap_or(0)] == 0)
            {
                continue;
            }
            let cells: Vec<String> = row.iter().map(|c| format!("{c:>4}")).collect();
            let _ = writeln!(s, "  {:<width$} {}", label, cells.join(""));
        }
        if let Some(c) = &self.calibration {
            s.push('\n');
            s.push_str(&c.to_table(title));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(label: Option<&str>, accept: &[&str]) -> Gold {
        Gold {
            label: label.map(String::from),
            accept: accept.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn labels(l: &[&str]) -> Vec<String> {
        l.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn accuracy_macro_f1_and_accept_sets() {
        let golds = [
            gold(Some("a"), &[]),
            gold(Some("b"), &[]),
            gold(None, &["a", "b"]),
            gold(None, &[]),
            gold(Some("b"), &[]),
        ];
        let preds = labels(&["a", "a", "b", "c", "b"]);
        let m = score(&golds, &preds, &labels(&["a", "b", "c"]), false);
        assert_eq!(m.n, 4);
        assert!((m.accuracy - 0.75).abs() < 1e-12);
        // a: tp 1, pred 2, gold 1 -> p .5 r 1 f .667; b: tp 2, pred 2, gold 3 -> p 1 r .667 f .8
        assert!((m.macro_f1 - (2.0 / 3.0 + 0.8) / 2.0).abs() < 1e-9);
        assert_eq!(m.confusion[1][0], 1);
        assert!(m.within_one.is_none());
    }

    #[test]
    fn within_one_level() {
        let order = labels(&["junior", "mid", "senior", "lead"]);
        let golds = [
            gold(Some("junior"), &[]),
            gold(Some("mid"), &[]),
            gold(Some("lead"), &[]),
        ];
        let preds = labels(&["mid", "mid", "junior"]);
        let m = score(&golds, &preds, &order, true);
        assert!((m.within_one.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.accuracy - 1.0 / 3.0).abs() < 1e-12);
    }
}
