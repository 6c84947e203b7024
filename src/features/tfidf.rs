//! TF-IDF weighting with IDF frozen at fit time.
//!
//! Unlike `linfa-preprocessing`'s transformer, which recomputes IDF from the
//! batch it transforms, [`TfIdf`] keeps the IDF of the training corpus, so a
//! posting's features never depend on what else is in its batch.
//! Weighting: sublinear tf (`1 + ln tf`), smoothed idf
//! (`ln((1 + n) / (1 + df)) + 1`), rows L2-normalised.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use super::sparse::SparseRow;
use super::vocabulary::Vocabulary;

/// Term frequencies of one document, keyed by vocabulary id.
#[derive(Debug, Clone, Default)]
pub struct TermCounts(FxHashMap<u32, u32>);

/// A vocabulary with its frozen IDF weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TfIdf {
    vocabulary: Vocabulary,
    idf: Vec<f32>,
}

impl TfIdf {
    /// Freeze IDF from the vocabulary's document frequencies.
    pub fn new(vocabulary: Vocabulary) -> Self {
        let n = f64::from(vocabulary.n_docs());
        let idf = (0..vocabulary.len())
            .map(|i| (((1.0 + n) / (1.0 + f64::from(vocabulary.doc_freq(i)))).ln() + 1.0) as f32)
            .collect();
        TfIdf { vocabulary, idf }
    }

    /// The underlying vocabulary.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.idf.len()
    }

    /// IDF weight of feature `id`.
    #[cfg(test)]
    pub fn idf(&self, id: usize) -> f32 {
        self.idf[id]
    }

    /// TF-IDF row of a document given as feature keys; unknown keys are ignored.
    /// Indices are offset by `offset` and values scaled by `scale` after
    /// normalisation, so several fields can share one feature space.
    #[cfg(test)]
    pub fn transform<'a>(
        &self,
        keys: impl IntoIterator<Item = &'a str>,
        offset: u32,
        scale: f32,
    ) -> SparseRow {
        let mut counts = TermCounts::default();
        for k in keys {
            self.count(&mut counts, k);
        }
        self.weigh(counts, offset, scale)
    }

    /// Add one occurrence of `key` to `counts` (unknown keys are ignored).
    pub fn count(&self, counts: &mut TermCounts, key: &str) {
        if let Some(id) = self.vocabulary.id(key) {
            *counts.0.entry(id).or_insert(0) += 1;
        }
    }

    /// The TF-IDF row of counted terms, as [`TfIdf::transform`].
    pub fn weigh(&self, counts: TermCounts, offset: u32, scale: f32) -> SparseRow {
        let mut counts: Vec<(u32, u32)> = counts.0.into_iter().collect();
        // Sorted before summing: the norm must not depend on hash order.
        counts.sort_unstable_by_key(|p| p.0);
        let mut row = SparseRow::default();
        self.weigh_sorted_into(&counts, offset, scale, &mut row);
        row
    }

    /// Append the TF-IDF entries of `(id, count)` pairs, sorted by id with
    /// unique ids, to `row` (the one weighting both paths share).
    pub(crate) fn weigh_sorted_into(
        &self,
        counts: &[(u32, u32)],
        offset: u32,
        scale: f32,
        row: &mut SparseRow,
    ) {
        // Each weight is computed once, into the row, then normalized in
        // place: the same values, sums and quotients as weighing twice.
        let from = row.values.len();
        for &(id, c) in counts {
            row.values.push(sublinear_tf(c) * self.idf[id as usize]);
        }
        let norm = row.values[from..].iter().map(|w| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            row.indices.extend(counts.iter().map(|p| p.0 + offset));
            for v in &mut row.values[from..] {
                *v = *v / norm * scale;
            }
        } else {
            row.values.truncate(from);
        }
    }

    /// Drop features for which `keep(id)` is false.
    pub fn retain(&self, keep: impl Fn(usize) -> bool) -> Self {
        let ids: Vec<usize> = (0..self.len()).filter(|&i| keep(i)).collect();
        TfIdf {
            vocabulary: self.vocabulary.retain(&keep),
            idf: ids.iter().map(|&i| self.idf[i]).collect(),
        }
    }

    pub(crate) fn rebuild_index(&mut self) {
        self.vocabulary.rebuild_index();
    }

    pub(crate) fn check_consistent(&self) -> bool {
        self.vocabulary.check_consistent() && self.vocabulary.len() == self.idf.len()
    }
}

/// `1 + ln(count)`, from a table for the small counts that make up nearly all
/// of a posting's (the table holds the very values `ln` gives).
fn sublinear_tf(count: u32) -> f32 {
    static SMALL: LazyLock<[f32; 64]> =
        LazyLock::new(|| std::array::from_fn(|c| 1.0 + (c as f32).ln()));
    match SMALL.get(count as usize) {
        Some(&w) => w,
        None => 1.0 + (count as f32).ln(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::vocabulary::VocabularyParams;

    fn fitted() -> TfIdf {
        let docs: Vec<Vec<String>> = [["rust", "python"], ["rust", "sql"], ["go", "sql"]]
            .iter()
            .map(|d| d.iter().map(|s| s.to_string()).collect())
            .collect();
        let p = VocabularyParams {
            min_df: 1,
            max_df: 1.0,
            max_features: 100,
        };
        TfIdf::new(Vocabulary::fit(&docs, &p).unwrap())
    }

    #[test]
    fn rows_are_unit_length_and_sublinear() {
        let t = fitted();
        let row = t.transform(["rust", "rust", "rust", "go"], 0, 1.0);
        assert!((row.norm() - 1.0).abs() < 1e-6);
        let rust = row.values[row
            .indices
            .iter()
            .position(|&i| i as usize == t.vocabulary().id("rust").unwrap() as usize)
            .unwrap()];
        let go = row.values[row
            .indices
            .iter()
            .position(|&i| i == t.vocabulary().id("go").unwrap())
            .unwrap()];
        // tf 3 vs 1: sublinear (1 + ln 3 = 2.1), and "go" is rarer (higher idf).
        let expected = (1.0 + 3f32.ln()) * t.idf(t.vocabulary().id("rust").unwrap() as usize)
            / (t.idf(t.vocabulary().id("go").unwrap() as usize));
        assert!((rust / go - expected).abs() < 1e-5);
    }

    #[test]
    fn smoothed_idf_matches_formula() {
        let t = fitted();
        let id = t.vocabulary().id("python").unwrap() as usize;
        assert!((t.idf(id) - ((4.0f32 / 2.0).ln() + 1.0)).abs() < 1e-6);
    }

    #[test]
    fn unknown_terms_give_an_empty_row() {
        assert_eq!(fitted().transform(["cobol"], 0, 1.0).nnz(), 0);
    }

    #[test]
    fn offset_and_scale() {
        let row = fitted().transform(["go"], 10, 0.5);
        assert_eq!(row.indices[0], 10);
        assert!((row.values[0] - 0.5).abs() < 1e-6);
    }
}
