//! Reports: the last stage, turning labels into numbers people read
//! (evaluation metrics now; tallies and charts later).

pub mod metrics;

pub use metrics::{score, ClassScore, Gold, Metrics};
