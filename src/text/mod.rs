//! Text: the first stage of the pipeline, `raw posting → normalized text →
//! tokens → stemmed terms`. Everything here is a pure function of its input.

pub(crate) mod analyze;
pub(crate) mod ascii_run;
pub(crate) mod normalize;
pub(crate) mod tokenize;

pub(crate) use analyze::{analyze, Analyzed};
pub(crate) use normalize::{normalize_keep_case, NormalizedText};
