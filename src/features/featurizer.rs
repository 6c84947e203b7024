//! The feature space of a model: title TF-IDF, description TF-IDF and cue
//! features side by side.
//!
//! The title carries most of the signal, so it is a field of its own with its
//! own vocabulary and weight. A posting's features are a pure function of the
//! posting and the fitted featurizer (invariant: never of its batch).

use serde::{Deserialize, Serialize};

use super::cues::{self, YearsMention, CUE_FEATURES};
use super::sparse::SparseRow;
use super::term_index::{count_sorted, sort_ids, Block, TermIndex};
use super::tfidf::{TermCounts, TfIdf};
use super::vocabulary::{Vocabulary, VocabularyParams};
use crate::derived::Derived;
use crate::error::Result;
use crate::posting::Posting;
use crate::text::{analyze, tokenize::token_spans, Analyzed};

/// Hyperparameters of the feature space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeaturizerParams {
    /// Vocabulary of the title field.
    pub title: VocabularyParams,
    /// Vocabulary of the description field.
    pub text: VocabularyParams,
    /// Scale of the (unit-length) title block.
    pub title_weight: f32,
    /// Scale of the (unit-length) description block.
    pub text_weight: f32,
    /// Value of an active cue feature.
    pub cue_weight: f32,
}

impl Default for FeaturizerParams {
    fn default() -> Self {
        FeaturizerParams {
            title: VocabularyParams {
                min_df: 1,
                max_df: 0.5,
                max_features: 40_000,
            },
            text: VocabularyParams {
                min_df: 2,
                max_df: 0.5,
                max_features: 40_000,
            },
            title_weight: 1.0,
            text_weight: 0.7,
            cue_weight: 1.0,
        }
    }
}

/// Which part of a posting a feature or span comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    /// The posting title.
    Title,
    /// The posting description.
    Description,
    /// A derived cue (title level word, years of experience).
    Cue,
}

/// What a feature index stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FeatureName {
    /// Where it comes from.
    pub field: Field,
    /// The term or cue name.
    pub name: String,
}

/// The analysis of one posting: everything features are computed from.
#[derive(Debug, Clone)]
pub(crate) struct PostingTerms {
    /// Analysis of the title.
    pub title: Analyzed,
    /// Analysis of the description.
    pub text: Analyzed,
    /// Active cue features (indices into [`CUE_FEATURES`]).
    pub cues: Vec<usize>,
}

impl PostingTerms {
    /// Analyze a posting.
    pub fn new(posting: &Posting) -> Self {
        let title = analyze(&posting.title);
        let text = analyze(&posting.description);
        let cues = active_cues(&title.normalized.text, &text.normalized.text);
        PostingTerms { title, text, cues }
    }

    fn title_keys(&self) -> Vec<String> {
        self.title.ngrams().map(|k| k.0).collect()
    }

    fn text_keys(&self) -> Vec<String> {
        self.text.ngrams().map(|k| k.0).collect()
    }
}

/// The cue features of a posting from its normalized title and description.
fn active_cues(title: &str, description: &str) -> Vec<usize> {
    active_cues_with(title, cues::overall_years(description))
}

/// [`active_cues`] given the description's overall years.
fn active_cues_with(title: &str, overall_years: Option<u32>) -> Vec<usize> {
    let mut cues = cues::title_cues(title);
    if let Some(y) = overall_years {
        cues.push(cues::years_bucket(y));
    }
    cues
}

/// A fitted feature space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Featurizer {
    params: FeaturizerParams,
    title: TfIdf,
    text: TfIdf,
    /// Derived from the vocabularies on first use (see `term_index`).
    #[serde(skip)]
    index: Derived<TermIndex>,
}

impl Featurizer {
    /// Fit vocabularies and IDF on a training corpus.
    pub fn fit(params: &FeaturizerParams, corpus: &[PostingTerms]) -> Result<Self> {
        let title_docs: Vec<Vec<String>> = corpus.iter().map(PostingTerms::title_keys).collect();
        // Title-only examples have no description; they must not count as
        // documents for description IDF.
        let text_docs: Vec<Vec<String>> = corpus
            .iter()
            .filter(|p| !p.text.terms.is_empty())
            .map(PostingTerms::text_keys)
            .collect();
        Ok(Featurizer {
            params: params.clone(),
            title: TfIdf::new(Vocabulary::fit(&title_docs, &params.title)?),
            text: TfIdf::new(Vocabulary::fit(&text_docs, &params.text)?),
            index: Derived::default(),
        })
    }

    /// Total number of features.
    pub fn dim(&self) -> usize {
        self.title.len() + self.text.len() + CUE_FEATURES.len()
    }

    fn text_offset(&self) -> u32 {
        self.title.len() as u32
    }

    fn cue_offset(&self) -> u32 {
        (self.title.len() + self.text.len()) as u32
    }

    /// Feature row of an analyzed posting.
    pub fn transform(&self, terms: &PostingTerms) -> SparseRow {
        let mut title_counts = TermCounts::default();
        terms
            .title
            .for_each_ngram(|k| self.title.count(&mut title_counts, k));
        let mut text_counts = TermCounts::default();
        terms
            .text
            .for_each_ngram(|k| self.text.count(&mut text_counts, k));
        let mut row = self.title.weigh(title_counts, 0, self.params.title_weight);
        let text = self
            .text
            .weigh(text_counts, self.text_offset(), self.params.text_weight);
        row.indices.extend(text.indices);
        row.values.extend(text.values);
        self.push_cues(&mut row, terms.cues.clone());
        row
    }

    fn push_cues(&self, row: &mut SparseRow, mut cue_ids: Vec<usize>) {
        cue_ids.sort_unstable();
        cue_ids.dedup();
        for c in cue_ids {
            row.indices.push(self.cue_offset() + c as u32);
            row.values.push(self.params.cue_weight);
        }
    }

    /// Feature row of a posting: the row of
    /// `transform(&PostingTerms::new(posting))`, bit for bit, without
    /// spelling out its terms (the labelling hot path; see `term_index`).
    #[cfg(test)]
    pub fn posting_row(&self, posting: &Posting) -> SparseRow {
        let title = crate::text::normalize::normalize(&posting.title);
        let text = crate::text::normalize::normalize(&posting.description);
        self.normalized_row(&title.text, &text.text)
    }

    /// [`Featurizer::posting_row`] from the already normalized (lower-case)
    /// title and description.
    #[cfg(test)]
    pub fn normalized_row(&self, title: &str, description: &str) -> SparseRow {
        self.normalized_row_with_years(title, description, None)
    }

    /// [`Featurizer::normalized_row`], given the "N years" phrases of the
    /// description when they are already known (found in a text that differs
    /// from `description` in ASCII case only, which they do not depend on).
    pub(crate) fn normalized_row_with_years(
        &self,
        title: &str,
        description: &str,
        description_years: Option<&[YearsMention]>,
    ) -> SparseRow {
        let index = self
            .index
            .get_or_init(|| TermIndex::new(&self.title, &self.text));
        // Capacities from the text length (about a token per 6 bytes), so
        // that the buffers seldom grow.
        let tokens = (title.len() + description.len()) / 6 + 8;
        let mut row = SparseRow {
            indices: Vec::with_capacity(tokens),
            values: Vec::with_capacity(tokens),
        };
        let (mut spans, mut seq, mut ids, mut scratch, mut counts) = (
            Vec::with_capacity(tokens),
            Vec::with_capacity(tokens),
            Vec::with_capacity(2 * tokens),
            Vec::new(),
            Vec::with_capacity(tokens),
        );
        for (block, normalized, tfidf, offset, scale) in [
            (
                Block::Title,
                title,
                &self.title,
                0,
                self.params.title_weight,
            ),
            (
                Block::Text,
                description,
                &self.text,
                self.text_offset(),
                self.params.text_weight,
            ),
        ] {
            spans.clear();
            token_spans(normalized, &mut spans);
            seq.clear();
            index.stem_ids(normalized, &spans, &mut seq);
            ids.clear();
            index.feature_ids(block, &seq, &mut ids);
            sort_ids(&mut ids, &mut scratch);
            counts.clear();
            count_sorted(&ids, &mut counts);
            tfidf.weigh_sorted_into(&counts, offset, scale, &mut row);
        }
        let overall_years = match description_years {
            Some(phrases) => cues::overall_years_of(phrases),
            None => cues::overall_years(description),
        };
        self.push_cues(&mut row, active_cues_with(title, overall_years));
        row
    }

    /// What feature `index` stands for.
    pub fn feature_name(&self, index: usize) -> Option<FeatureName> {
        let nt = self.title.len();
        let nx = self.text.len();
        let (field, name) = if index < nt {
            (Field::Title, self.title.vocabulary().term(index)?)
        } else if index < nt + nx {
            (Field::Description, self.text.vocabulary().term(index - nt)?)
        } else {
            (Field::Cue, *CUE_FEATURES.get(index - nt - nx)?)
        };
        Some(FeatureName {
            field,
            name: name.to_string(),
        })
    }

    /// Byte spans in the original title or description where feature `index`
    /// occurs in this posting.
    pub fn feature_spans(&self, terms: &PostingTerms, index: usize) -> Vec<(usize, usize)> {
        let Some(name) = self.feature_name(index) else {
            return Vec::new();
        };
        let analyzed = match name.field {
            Field::Title => &terms.title,
            Field::Description => &terms.text,
            Field::Cue => return Vec::new(),
        };
        analyzed
            .ngrams()
            .filter(|(k, _, _)| *k == name.name)
            .map(|(_, s, e)| analyzed.original_span(s, e))
            .collect()
    }

    /// Keep only the features for which `keep(index)` holds (cue features are
    /// always kept); returns the new featurizer and the old index of each new
    /// feature.
    pub fn prune(&self, keep: impl Fn(usize) -> bool) -> (Self, Vec<usize>) {
        let nt = self.title.len();
        let nx = self.text.len();
        let title = self.title.retain(&keep);
        let text = self.text.retain(|i| keep(nt + i));
        let mut old: Vec<usize> = (0..nt).filter(|&i| keep(i)).collect();
        old.extend((nt..nt + nx).filter(|&i| keep(i)));
        old.extend(nt + nx..nt + nx + CUE_FEATURES.len());
        (
            Featurizer {
                params: self.params.clone(),
                title,
                text,
                index: Derived::default(),
            },
            old,
        )
    }

    pub(crate) fn rebuild_index(&mut self) {
        self.title.rebuild_index();
        self.text.rebuild_index();
    }

    pub(crate) fn check_consistent(&self) -> bool {
        self.title.check_consistent() && self.text.check_consistent()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posting(title: &str, description: &str) -> Posting {
        Posting {
            id: None,
            title: title.into(),
            description: description.into(),
        }
    }

    fn fitted() -> Featurizer {
        let corpus: Vec<PostingTerms> = [
            posting(
                "Senior Data Scientist",
                "Python, statistics and 5+ years of experience",
            ),
            posting("Frontend Developer", "React and TypeScript"),
            posting("Data Engineer", "Python, Spark and SQL pipelines"),
        ]
        .iter()
        .map(PostingTerms::new)
        .collect();
        let mut p = FeaturizerParams::default();
        p.text.min_df = 1;
        p.text.max_df = 1.0;
        p.title.max_df = 1.0;
        Featurizer::fit(&p, &corpus).unwrap()
    }

    #[test]
    fn features_do_not_depend_on_the_batch() {
        let f = fitted();
        let a = PostingTerms::new(&posting(
            "Senior Data Engineer",
            "Spark, SQL, 6 years of experience",
        ));
        let alone = f.transform(&a);
        let batch: Vec<SparseRow> = [
            posting("Intern", ""),
            posting("Senior Data Engineer", "Spark, SQL, 6 years of experience"),
        ]
        .iter()
        .map(|p| f.transform(&PostingTerms::new(p)))
        .collect();
        assert_eq!(alone, batch[1]);
    }

    #[test]
    fn cues_and_names() {
        let f = fitted();
        let row = f.transform(&PostingTerms::new(&posting(
            "Sr. Data Engineer",
            "at least 8 years of experience",
        )));
        let names: Vec<String> = row
            .indices
            .iter()
            .filter_map(|&i| f.feature_name(i as usize))
            .filter(|n| n.field == Field::Cue)
            .map(|n| n.name)
            .collect();
        assert_eq!(names, ["title:senior", "years:8+"]);
    }

    #[test]
    fn spans_point_at_the_original_title() {
        let f = fitted();
        let p = posting("<b>Data Engineer</b>", "");
        let t = PostingTerms::new(&p);
        let id = (0..f.dim())
            .find(|&i| {
                f.feature_name(i)
                    .is_some_and(|n| n.field == Field::Title && n.name == "data engin")
            })
            .unwrap();
        let spans = f.feature_spans(&t, id);
        assert_eq!(spans.len(), 1);
        assert_eq!(&p.title[spans[0].0..spans[0].1], "Data Engineer");
    }
}
