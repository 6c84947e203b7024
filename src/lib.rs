//! # jobtag
//!
//! Job-posting classification: the role, seniority and skills of a posting, with a confidence for each label and the terms that
//! drove it.
//!
//! ```
//! use jobtag::{Model, Posting};
//!
//! let model = Model::embedded()?;
//! let posting = Posting::new("Senior ML Engineer", "<p>PyTorch and Kubernetes; 5+ years of Python</p>");
//! let labels = model.label(&posting);
//! assert_eq!(labels.role.label, "ml-engineer");
//! assert_eq!(labels.seniority.as_ref().map(|s| s.label.as_str()), Some("senior"));
//! assert!(labels.skills.iter().any(|s| s.name == "PyTorch"));
//! println!("{} ({:.2})", labels.role.label, labels.role.confidence);
//! # Ok::<(), jobtag::Error>(())
//! ```
//!
//! Load a model you trained with `Model::load("mine.jtm")?`; label many postings on
//! all cores with [`Model::label_batch`]; ask for the terms behind each decision
//! with [`Model::label_with`]. `examples/label_postings.rs` is a runnable tour.
//!
//! The pipeline is visible in the modules: [`text`] (normalize, tokenize,
//! stem) → [`features`] (vocabulary, TF-IDF, cues) → [`model`] (softmax heads,
//! model file) → [`report`] (metrics); [`train`] fits models from recipes and
//! [`io`] reads and writes postings.
#![deny(missing_docs)]

pub mod error;
pub mod features;
pub mod io;
pub mod model;
pub mod posting;
pub mod report;
pub mod skills;
pub mod taxonomy;
#[cfg(test)]
mod testing;
pub mod text;
pub mod train;

pub use error::{Error, ModelFileError, Result};
pub use model::{Labels, Model, Prediction};
pub use posting::Posting;
pub use taxonomy::Taxonomy;
