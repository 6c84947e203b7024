//! A fitted vocabulary: term → feature id, with the document frequencies it
//! was fitted on. Ids are deterministic: terms are kept by document frequency
//! (ties broken by the term) and then numbered in lexical order, so the same
//! corpus always gives the same ids.

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How to choose the terms of a vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VocabularyParams {
    /// Keep terms seen in at least this many documents.
    pub min_df: usize,
    /// Drop terms seen in more than this fraction of documents.
    pub max_df: f64,
    /// Keep at most this many terms (the most frequent).
    pub max_features: usize,
}

impl Default for VocabularyParams {
    fn default() -> Self {
        VocabularyParams {
            min_df: 2,
            max_df: 0.5,
            max_features: 50_000,
        }
    }
}

impl VocabularyParams {
    /// Reject parameters that cannot produce a vocabulary.
    pub(crate) fn check(&self) -> Result<()> {
        if self.min_df == 0 || !(self.max_df > 0.0 && self.max_df <= 1.0) || self.max_features == 0
        {
            return Err(Error::Training(format!(
                "vocabulary needs min_df >= 1, 0 < max_df <= 1 and max_features >= 1, got {self:?}"
            )));
        }
        Ok(())
    }
}

/// Terms with ids and document frequencies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vocabulary {
    terms: Vec<String>,
    doc_freq: Vec<u32>,
    n_docs: u32,
    #[serde(skip)]
    index: FxHashMap<String, u32>,
}

impl Vocabulary {
    /// Fit on documents given as lists of feature keys.
    pub fn fit<'a, I, D>(docs: I, params: &VocabularyParams) -> Result<Self>
    where
        I: IntoIterator<Item = D>,
        D: IntoIterator<Item = &'a String>,
    {
        params.check()?;
        let mut df: FxHashMap<&'a str, u32> = FxHashMap::default();
        let mut n_docs = 0u32;
        let mut seen: Vec<&'a str> = Vec::new();
        for doc in docs {
            n_docs += 1;
            seen.clear();
            seen.extend(doc.into_iter().map(String::as_str));
            seen.sort_unstable();
            seen.dedup();
            for &t in &seen {
                *df.entry(t).or_insert(0) += 1;
            }
        }
        let max_count = (params.max_df * f64::from(n_docs)).floor().max(1.0) as u32;
        let mut kept: Vec<(&str, u32)> = df
            .into_iter()
            .filter(|&(_, c)| c as usize >= params.min_df && c <= max_count)
            .collect();
        kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        kept.truncate(params.max_features);
        kept.sort_unstable_by(|a, b| a.0.cmp(b.0));
        Ok(Self::from_parts(
            kept.iter().map(|(t, _)| t.to_string()).collect(),
            kept.iter().map(|&(_, c)| c).collect(),
            n_docs,
        ))
    }

    fn from_parts(terms: Vec<String>, doc_freq: Vec<u32>, n_docs: u32) -> Self {
        let mut v = Vocabulary {
            terms,
            doc_freq,
            n_docs,
            index: FxHashMap::default(),
        };
        v.rebuild_index();
        v
    }

    /// Restore the lookup table after deserialization.
    pub(crate) fn rebuild_index(&mut self) {
        self.index = self
            .terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
    }

    /// Keep only the terms for which `keep(id)` holds, renumbering densely.
    pub fn retain(&self, keep: impl Fn(usize) -> bool) -> Self {
        let ids: Vec<usize> = (0..self.len()).filter(|&i| keep(i)).collect();
        Self::from_parts(
            ids.iter().map(|&i| self.terms[i].clone()).collect(),
            ids.iter().map(|&i| self.doc_freq[i]).collect(),
            self.n_docs,
        )
    }

    /// Id of a term, if known.
    pub fn id(&self, term: &str) -> Option<u32> {
        self.index.get(term).copied()
    }

    /// Term with id `id`.
    pub fn term(&self, id: usize) -> Option<&str> {
        self.terms.get(id).map(String::as_str)
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Document frequency of term `id` in the fitting corpus.
    pub fn doc_freq(&self, id: usize) -> u32 {
        self.doc_freq[id]
    }

    /// Number of documents the vocabulary was fitted on.
    pub fn n_docs(&self) -> u32 {
        self.n_docs
    }

    pub(crate) fn check_consistent(&self) -> bool {
        self.terms.len() == self.doc_freq.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(d: &[&[&str]]) -> Vec<Vec<String>> {
        d.iter()
            .map(|x| x.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn min_df_max_df_and_deterministic_ids() {
        let d = docs(&[&["a", "b", "c"], &["a", "b"], &["a", "d", "d"], &["e", "b"]]);
        let p = VocabularyParams {
            min_df: 2,
            max_df: 0.75,
            max_features: 10,
        };
        let v = Vocabulary::fit(&d, &p).unwrap();
        // "a" and "b" are in 3 of 4 docs (= 0.75, kept); c, d, e below min_df.
        assert_eq!(v.len(), 2);
        assert_eq!(v.id("a"), Some(0));
        assert_eq!(v.id("b"), Some(1));
        assert_eq!(v.doc_freq(0), 3);
    }

    #[test]
    fn max_features_keeps_most_frequent() {
        let d = docs(&[&["x", "y"], &["x", "z"], &["x", "y"]]);
        let p = VocabularyParams {
            min_df: 1,
            max_df: 1.0,
            max_features: 2,
        };
        let v = Vocabulary::fit(&d, &p).unwrap();
        assert_eq!(v.id("x"), Some(0));
        assert_eq!(v.id("y"), Some(1));
        assert_eq!(v.id("z"), None);
    }

    #[test]
    fn rejects_bad_params() {
        let p = VocabularyParams {
            min_df: 0,
            max_df: 0.5,
            max_features: 1,
        };
        assert!(Vocabulary::fit(&docs(&[&["a"]]), &p).is_err());
    }
}
