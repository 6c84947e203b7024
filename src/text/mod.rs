//! Text: the first stage of the pipeline, `raw posting → normalized text →
//! tokens → stemmed terms`. Everything here is a pure function of its input.

pub mod analyze;
pub mod ascii_run;
pub mod normalize;
pub mod tokenize;

pub use analyze::{analyze, feature_terms, Analyzed, Term};
pub use normalize::{normalize, normalize_keep_case, NormalizedText};
pub use tokenize::{tokenize, Token};
