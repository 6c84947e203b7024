//! Models: the third stage, `features → labels`. Sparse softmax regression
//! heads for role and seniority, the fitted [`Model`] that applies them, and
//! its versioned file format.

pub mod classifier;
pub mod persist;
pub mod softmax;

pub use classifier::{
    Contribution, DataFile, ExampleCounts, Head, LabelProbability, Labels, Model, ModelMeta,
    Prediction,
};
pub use softmax::{
    ClassWeight, SoftmaxParams, SoftmaxRegression, SoftmaxValidParams, TrainingReport,
};
