//! Features: the second stage, `terms → sparse TF-IDF rows`. Vocabularies and
//! IDF are fitted once on a training corpus and frozen in the model.

pub(crate) mod cues;
pub(crate) mod featurizer;
pub(crate) mod sparse;
mod term_index;
pub(crate) mod tfidf;
pub(crate) mod vocabulary;

pub(crate) use featurizer::{Featurizer, PostingTerms};
pub use featurizer::{FeaturizerParams, Field};
pub(crate) use sparse::{CsrMatrix, SparseRow};
pub use vocabulary::VocabularyParams;
