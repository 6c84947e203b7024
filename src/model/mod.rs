//! Models: the third stage, `features → labels`. Sparse softmax regression
//! heads for role and seniority, the fitted [`Model`] that applies them, and
//! its versioned file format.

mod classifier;
#[cfg(test)]
mod linfa_reference_tests;
mod persist;
pub(crate) mod softmax;

pub use crate::features::Field;
pub use classifier::{
    Contribution, DataFile, ExampleCounts, LabelProbability, Labels, Model, ModelMeta, Prediction,
};
pub(crate) use classifier::{Head, UNCERTAIN};
pub(crate) use persist::sha256_hex;
pub use persist::FORMAT_VERSION;
pub use softmax::{ClassWeight, TrainingReport};
pub(crate) use softmax::{SoftmaxParams, SoftmaxRegression};
