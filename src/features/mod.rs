//! Features: the second stage, `terms → sparse TF-IDF rows`. Vocabularies and
//! IDF are fitted once on a training corpus and frozen in the model.

pub mod cues;
pub mod featurizer;
pub mod sparse;
mod term_index;
pub mod tfidf;
pub mod vocabulary;

pub use featurizer::{FeatureName, Featurizer, FeaturizerParams, Field, PostingTerms};
pub use sparse::{CsrMatrix, SparseRow};
pub use tfidf::TfIdf;
pub use vocabulary::{Vocabulary, VocabularyParams};
