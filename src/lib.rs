//! # jobtag
//!
//! Job-posting classification: the role, seniority (and, in later stages,
//! skills) of a posting, with a confidence for each label and the terms that
//! drove it.
//!
//! ```no_run
//! use jobtag::{Model, Posting};
//!
//! let model = Model::embedded()?;
//! let labels = model.label(&Posting::new("Senior ML Engineer", "<p>PyTorch, Kubernetes</p>"));
//! println!("{} ({:.2})", labels.role.label, labels.role.confidence);
//! # Ok::<(), jobtag::Error>(())
//! ```
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
pub mod text;
pub mod train;

pub use error::{Error, ModelFileError, Result};
pub use model::{Labels, Model, Prediction};
pub use posting::Posting;
pub use taxonomy::Taxonomy;
