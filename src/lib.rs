//! # jobtag
//!
//! Job-posting classification: the role, seniority and skills of a posting,
//! with a confidence for each label and the terms that drove it.
//!
//! ## Label postings
//!
//! A [`Labeller`] composes the classifier (a [`Model`]) with a compiled skill
//! catalog. [`Labeller::embedded`] gives the default model built into this
//! crate and the default catalog:
//!
//! ```
//! use jobtag::{Labeller, LabelOptions, Posting};
//!
//! let labeller = Labeller::embedded()?;
//! let posting = Posting::new("Senior ML Engineer", "<p>PyTorch and Kubernetes; 5+ years of Python</p>");
//! let labels = labeller.label(&posting);
//! assert_eq!(labels.role.label, "ml-engineer");
//! assert_eq!(labels.seniority.as_ref().map(|s| s.label.as_str()), Some("senior"));
//! assert!(labels.skills.iter().any(|s| s.name == "PyTorch"));
//!
//! // Many postings on all cores, in input order, with the terms behind each label:
//! let postings = vec![posting.clone(), Posting::new("QA Intern", "Selenium, manual testing")];
//! let explained = labeller.label_batch(&postings, &LabelOptions::default().with_explain(true));
//! assert!(!explained[0].role_terms.is_empty());
//! # Ok::<(), jobtag::Error>(())
//! ```
//!
//! [`Labeller::builder`] takes another model file, another skill catalog
//! (replacing or extending the default one) or no skills at all.
//!
//! ## Read and write files
//!
//! [`io::RecordReader`] turns CSV, TSV or JSON lines, plain or gzip, into
//! postings, each with its position or a positioned error;
//! [`io::LabelWriter`] writes them back with their labels:
//!
//! ```
//! use jobtag::io::{Columns, InputFormat, RecordReader};
//!
//! let csv = "id,title,description\n1,Backend Developer,Go and PostgreSQL\n2,,\n";
//! let mut reader = RecordReader::new(Box::new(csv.as_bytes()), InputFormat::Csv, Columns::default(), b',', "postings.csv")?;
//! let first = reader.next_record()?.expect("a record");
//! assert_eq!(first.posting.as_ref().map(|p| p.title.as_str()).ok(), Some("Backend Developer"));
//! let second = reader.next_record()?.expect("a record");
//! assert_eq!((second.position.line, second.position.record), (3, 2));
//! assert!(second.posting.is_err()); // an empty posting: an error that says where
//! assert_eq!(second.error().map(|e| e.to_string()).as_deref(),
//!     Some("postings.csv, line 3 (record 2, byte 59): title/description: empty posting: no title and no description"));
//! # Ok::<(), jobtag::Error>(())
//! ```
//!
//! ## Train and evaluate
//!
//! [`train::train_from_recipe`] fits a model from a recipe (TOML) and its
//! labelled files; [`train::cross_validate`] gives honest k-fold metrics;
//! [`Model::save`] writes the versioned, checksummed model file:
//!
//! ```no_run
//! use jobtag::train::{load_recipe_sources, recipe_taxonomy, train_from_recipe, Recipe};
//!
//! let recipe = Recipe::load("training/default.toml")?;
//! let corpus = load_recipe_sources(&recipe)?;
//! // 5-fold cross-validation first: metrics and calibrated confidences.
//! let taxonomy = recipe_taxonomy(&recipe)?;
//! let (model, report) = train_from_recipe(&recipe, &corpus, &taxonomy, "2026-12-02", 5)?;
//! if let Some(cv) = report {
//!     println!("role accuracy {:.3}", cv.role.accuracy);
//! }
//! model.save("mine.jtm")?;
//! let labeller = jobtag::Labeller::builder().model_file("mine.jtm").build()?;
//! # Ok::<(), jobtag::Error>(())
//! ```
//!
//! ## Tally skill demand
//!
//! [`report::Tally`] counts skills per group (role, seniority, any column)
//! from labelled postings, and [`report::bar_chart`] draws them:
//!
//! ```
//! use jobtag::report::{TallyBuilder, TallyOptions};
//! use jobtag::{Labeller, Posting};
//!
//! let labeller = Labeller::embedded()?;
//! let mut tally = TallyBuilder::new(&["role"], false);
//! for p in [Posting::new("Data Engineer", "Must know SQL and Spark (Scala)"), Posting::new("Data Engineer", "SQL, dbt")] {
//!     let labels = labeller.label(&p);
//!     tally.add_labels(&[labels.role.label.as_str()], &labels);
//! }
//! let t = tally.finish(&TallyOptions::default());
//! let sql = t.groups[0].skills.iter().find(|s| s.skill == "SQL").expect("SQL");
//! assert_eq!(sql.postings, 2);
//! # Ok::<(), jobtag::Error>(())
//! ```
//!
//! The pipeline is: text (normalize, tokenize, stem) → features (vocabulary,
//! TF-IDF, cues) → [`model`] (softmax heads, model file) → [`skills`]
//! (catalog matching, sections, years) → [`report`] (metrics, tallies,
//! charts), with [`io`] at the edge. `ARCHITECTURE.md` is the map.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod derived;
mod error;
mod features;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod io;
mod labeller;
pub mod model;
#[cfg(test)]
mod pipeline_tests;
mod posting;
pub mod report;
pub mod skills;
mod taxonomy;
#[cfg(test)]
mod testing;
mod text;
pub mod train;

pub use error::{Error, ModelFileError, Result};
pub use labeller::{LabelOptions, LabelStream, Labeller, LabellerBuilder};
pub use model::{Labels, Model, Prediction};
pub use posting::{Posting, TextField};
pub use skills::{Requirement, SkillCatalog, SkillTag};
pub use taxonomy::{Label, Taxonomy};
