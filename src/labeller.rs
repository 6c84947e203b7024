//! The labelling entry point: a [`Labeller`] composes a classifier (a
//! [`Model`]: featurizer, role and seniority heads, taxonomy, training
//! metadata — what a model file holds) with a skill tagger compiled from a
//! [`SkillCatalog`].
//!
//! The two are separate because they change separately: a model file says
//! nothing about skills, and the 2,100-skill catalog is compiled once per
//! labeller (about 20 ms), never per model load or cross-validation fold.
//! A labeller is cheap to clone (both halves are shared) and `Send + Sync`,
//! so one serves every thread.
//!
//! Labelling a posting normalizes its text once, case kept: the skill
//! matcher reads that text, the features read its lower-cased copy, and the
//! description's "N years" phrases are found once for both.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::Result;
use crate::model::{Labels, Model};
use crate::posting::Posting;
use crate::skills::{SkillCatalog, SkillTag, SkillTagger};
use crate::text::normalize_keep_case;

/// What to compute for each posting, beyond the labels themselves.
///
/// ```
/// let options = jobtag::LabelOptions::default().with_explain(true);
/// assert!(options.explain);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct LabelOptions {
    /// List the terms behind the role and seniority decisions
    /// ([`Labels::role_terms`], [`Labels::seniority_terms`]), with their
    /// byte spans in the original text. Slower: the terms are spelled out.
    pub explain: bool,
    /// Mark a role or seniority whose confidence is below this as
    /// uncertain ([`Prediction::uncertain`](crate::Prediction::uncertain));
    /// the CSV and JSON output then say `uncertain` instead of the label
    /// and keep the model's best guess in `role_guess` /
    /// `seniority_guess`. Confidences are calibrated, so 0.9 keeps labels
    /// that are right about 90% of the time or more.
    pub min_confidence: Option<f32>,
    /// Carry ids: the predicted role's taxonomy entry with its ISCO-08,
    /// ESCO and O*NET-SOC codes in [`Labels::role_codes`], and in CSV
    /// output ([`crate::io::LabelWriter`]) the skills' ESCO and O*NET ids
    /// and the role's codes as extra columns. Skills carry their ids in
    /// [`crate::SkillTag`] either way.
    ///
    /// ```
    /// let mut options = jobtag::LabelOptions::default();
    /// options.ids = true;
    /// ```
    pub ids: bool,
    /// Tag skills with the catalog alone, leaving out the model's learned
    /// span tagger: no `uncatalogued` skills, and each catalog tag's
    /// requirement from the section rules only. Labelling is about 1.5
    /// times as fast (see `docs/BENCHMARKS.md`).
    ///
    /// ```
    /// use jobtag::{LabelOptions, Labeller, Posting};
    ///
    /// let labeller = Labeller::embedded()?;
    /// let posting = Posting::new("", "Requirements: Python and experience with entity extraction.");
    /// let names = |options: &LabelOptions| -> Vec<String> {
    ///     let labels = labeller.label_with(&posting, options);
    ///     labels.skills.iter().map(|s| s.name.to_string()).collect()
    /// };
    /// let mut options = LabelOptions::default();
    /// assert_eq!(names(&options), ["Python", "entity extraction"]);
    /// options.catalog_only = true;
    /// assert_eq!(names(&options), ["Python"]);
    /// # Ok::<(), jobtag::Error>(())
    /// ```
    pub catalog_only: bool,
}

impl LabelOptions {
    /// These options with explanations on or off.
    pub fn with_explain(mut self, explain: bool) -> Self {
        self.explain = explain;
        self
    }

    /// These options with a confidence threshold (`None`: none).
    pub fn with_min_confidence(mut self, min_confidence: Option<f32>) -> Self {
        self.min_confidence = min_confidence;
        self
    }
}

/// Labels postings: role and seniority from a [`Model`], skills from a
/// compiled [`SkillCatalog`].
///
/// ```
/// use jobtag::{Labeller, LabelOptions, Posting};
///
/// let labeller = Labeller::embedded()?;
/// let posting = Posting::new("Senior Data Engineer", "<p>Spark, Airflow, 6+ years of Python</p>");
/// let labels = labeller.label(&posting);
/// assert_eq!(labels.role.label, "data-engineer");
/// assert!(labels.skills.iter().any(|s| s.name == "Apache Airflow"));
///
/// // The terms behind each decision, with byte spans into the original text:
/// let why = labeller.label_with(&posting, &LabelOptions::default().with_explain(true));
/// assert!(!why.role_terms.is_empty());
/// # Ok::<(), jobtag::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Labeller {
    model: Arc<Model>,
    skills: Option<Arc<SkillTagger>>,
}

impl Labeller {
    /// The embedded default model with the default skill catalog.
    pub fn embedded() -> Result<Self> {
        Self::builder().build()
    }

    /// A builder: model, skill catalog, skills on or off.
    pub fn builder() -> LabellerBuilder {
        LabellerBuilder::default()
    }

    /// Label one posting.
    pub fn label(&self, posting: &Posting) -> Labels {
        self.label_with(posting, &LabelOptions::default())
    }

    /// Label one posting with options (explanations, ...).
    pub fn label_with(&self, posting: &Posting, options: &LabelOptions) -> Labels {
        // One case-kept normalization serves the skill matcher and,
        // lower-cased, the features.
        let title = normalize_keep_case(&posting.title);
        let description = normalize_keep_case(&posting.description);
        let (mut labels, description_years) =
            self.model
                .classify_normalized(posting, &title, &description, options);
        if let Some(tagger) = &self.skills {
            labels.skills = tagger.tag_normalized_with_years(
                &title,
                &description,
                description_years.as_deref(),
                !options.catalog_only,
            );
        }
        labels
    }

    /// Label many postings on all cores; the labels come back in input
    /// order.
    pub fn label_batch(&self, postings: &[Posting], options: &LabelOptions) -> Vec<Labels> {
        postings
            .par_iter()
            .map(|p| self.label_with(p, options))
            .collect()
    }

    /// Label a stream of postings of any length: it is read in chunks of
    /// `chunk` items, each chunk is labelled on all cores, and the items come
    /// back in input order with their labels. Memory holds one chunk.
    ///
    /// ```
    /// use jobtag::{Labeller, Posting};
    ///
    /// let labeller = Labeller::embedded()?;
    /// let postings = (0..3).map(|i| Posting::new(format!("Rust Engineer {i}"), "Tokio and axum"));
    /// for (posting, labels) in labeller.label_stream(postings, &Default::default(), 1024) {
    ///     println!("{}: {}", posting.title, labels.role.label);
    /// }
    /// # Ok::<(), jobtag::Error>(())
    /// ```
    pub fn label_stream<I, T>(
        &self,
        items: I,
        options: &LabelOptions,
        chunk: usize,
    ) -> LabelStream<'_, I::IntoIter>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<Posting> + Send + Sync,
    {
        LabelStream {
            labeller: self,
            options: options.clone(),
            items: items.into_iter(),
            chunk: chunk.max(1),
            ready: std::collections::VecDeque::new(),
        }
    }

    /// Only the skills of a posting (no classification), as
    /// [`Labeller::label`] tags them: with the learned span tagger when the
    /// model has one ([`LabelOptions::catalog_only`] is for
    /// [`Labeller::label_with`]).
    pub fn tag_skills(&self, posting: &Posting) -> Vec<SkillTag> {
        match &self.skills {
            Some(t) => t.tag(&posting.title, &posting.description),
            None => Vec::new(),
        }
    }

    /// The classifier.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The skill catalog, when skills are on.
    pub fn catalog(&self) -> Option<&SkillCatalog> {
        self.skills.as_deref().map(SkillTagger::catalog)
    }
}

/// Labelled items of [`Labeller::label_stream`], in input order.
pub struct LabelStream<'a, I: Iterator> {
    labeller: &'a Labeller,
    options: LabelOptions,
    items: I,
    chunk: usize,
    ready: std::collections::VecDeque<(I::Item, Labels)>,
}

impl<I, T> Iterator for LabelStream<'_, I>
where
    I: Iterator<Item = T>,
    T: AsRef<Posting> + Send + Sync,
{
    type Item = (T, Labels);

    fn next(&mut self) -> Option<Self::Item> {
        if self.ready.is_empty() {
            let chunk: Vec<T> = self.items.by_ref().take(self.chunk).collect();
            let labels: Vec<Labels> = chunk
                .par_iter()
                .map(|item| self.labeller.label_with(item.as_ref(), &self.options))
                .collect();
            self.ready.extend(chunk.into_iter().zip(labels));
        }
        self.ready.pop_front()
    }
}

impl AsRef<Posting> for Posting {
    fn as_ref(&self) -> &Posting {
        self
    }
}

/// Where the model comes from.
#[derive(Debug, Default)]
enum ModelSource {
    #[default]
    Embedded,
    Given(Arc<Model>),
    File(PathBuf),
}

/// Where the skill catalog comes from.
#[derive(Debug, Default)]
enum CatalogSource {
    #[default]
    Default,
    Given(SkillCatalog),
}

/// Builds a [`Labeller`]: the embedded model and the default catalog unless
/// told otherwise.
///
/// ```
/// use jobtag::{Labeller, Posting, SkillCatalog};
///
/// let mine = SkillCatalog::from_reader(
///     "id,name,category,aliases\nacme-ql,AcmeQL,language,acmeql\n".as_bytes(),
///     "mine.csv",
/// )?;
/// let labeller = Labeller::builder().add_catalog(mine).build()?;
/// let labels = labeller.label(&Posting::new("Engineer", "Must know AcmeQL and SQL."));
/// assert!(labels.skills.iter().any(|s| s.name == "AcmeQL"));
/// assert!(labels.skills.iter().any(|s| s.name == "SQL"));
///
/// let no_skills = Labeller::builder().skills(false).build()?;
/// assert!(no_skills.label(&Posting::new("Engineer", "SQL")).skills.is_empty());
/// # Ok::<(), jobtag::Error>(())
/// ```
#[derive(Debug)]
pub struct LabellerBuilder {
    model: ModelSource,
    catalog: CatalogSource,
    additions: Vec<CatalogSource>,
    skills: bool,
}

impl Default for LabellerBuilder {
    fn default() -> Self {
        LabellerBuilder {
            model: ModelSource::Embedded,
            catalog: CatalogSource::Default,
            additions: Vec::new(),
            skills: true,
        }
    }
}

impl LabellerBuilder {
    /// Use this model (default: the embedded one).
    pub fn model(mut self, model: impl Into<Arc<Model>>) -> Self {
        self.model = ModelSource::Given(model.into());
        self
    }

    /// Load the model from this file when building.
    pub fn model_file(mut self, path: impl AsRef<Path>) -> Self {
        self.model = ModelSource::File(path.as_ref().to_path_buf());
        self
    }

    /// Use this skill catalog instead of the default one.
    pub fn catalog(mut self, catalog: SkillCatalog) -> Self {
        self.catalog = CatalogSource::Given(catalog);
        self
    }

    /// Add these skills to the catalog (a repeated id replaces the skill).
    pub fn add_catalog(mut self, catalog: SkillCatalog) -> Self {
        self.additions.push(CatalogSource::Given(catalog));
        self
    }

    /// Tag skills (default) or not.
    pub fn skills(mut self, on: bool) -> Self {
        self.skills = on;
        self
    }

    /// Load the model and compile the catalog.
    ///
    /// With skills on and more than one thread in rayon's pool, the model
    /// is read while the catalog is compiled, and the index that links
    /// uncatalogued skills to ESCO (built on first use, tens of
    /// milliseconds) is built meanwhile on another thread: start-up takes
    /// about the longest of the three, not their sum.
    pub fn build(self) -> Result<Labeller> {
        let LabellerBuilder {
            model,
            catalog,
            additions,
            skills,
        } = self;
        let load_model = move || -> Result<Arc<Model>> {
            Ok(match model {
                ModelSource::Embedded => Arc::new(Model::embedded()?),
                ModelSource::Given(m) => m,
                ModelSource::File(p) => Arc::new(Model::load(p)?),
            })
        };
        if !skills {
            return Ok(Labeller {
                model: load_model()?,
                skills: None,
            });
        }
        let compile_catalog = move || -> Result<SkillTagger> {
            let mut catalog = read_catalog(catalog)?;
            for extra in additions {
                catalog.extend(read_catalog(extra)?);
            }
            SkillTagger::new(catalog)
        };
        let (model, tagger) = rayon::join(load_model, || {
            if rayon::current_num_threads() > 1 {
                // Not joined: a posting that needs the index before it is
                // built waits for it, as it would have waited to build it.
                rayon::spawn(crate::skills::build_esco_index);
            }
            compile_catalog()
        });
        let model = model?;
        let spans = model.skill_spans.clone().map(Arc::new);
        Ok(Labeller {
            skills: Some(Arc::new(tagger?.with_spans(spans))),
            model,
        })
    }
}

fn read_catalog(source: CatalogSource) -> Result<SkillCatalog> {
    match source {
        CatalogSource::Default => SkillCatalog::default_catalog(),
        CatalogSource::Given(c) => Ok(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(csv: &str) -> SkillCatalog {
        SkillCatalog::from_reader(csv.as_bytes(), "test.csv").expect("catalog")
    }

    fn names(labels: &Labels) -> Vec<&str> {
        labels.skills.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn the_builder_turns_skills_off_replaces_and_extends_the_catalog() {
        let posting = Posting::new("Data Engineer", "Requirements: Python, SQL and Zorblang.");
        let default = Labeller::embedded().expect("embedded");
        let all = names(&default.label(&posting)).join(",");
        assert!(all.contains("Python") && all.contains("SQL"), "{all}");
        assert!(!all.contains("Zorblang"));

        let off = Labeller::builder().skills(false).build().expect("off");
        let labels = off.label(&posting);
        assert!(labels.skills.is_empty());
        assert!(off.catalog().is_none());
        // Skills never change role or seniority.
        assert_eq!(labels.role, default.label(&posting).role);

        let zorb = "id,name,category,aliases\nzorblang,Zorblang,language,zorb\n";
        let replaced = Labeller::builder()
            .catalog(catalog(zorb))
            .build()
            .expect("replaced");
        assert_eq!(names(&replaced.label(&posting)), ["Zorblang"]);
        assert_eq!(replaced.catalog().map(|c| c.skills().len()), Some(1));

        let extended = Labeller::builder()
            .add_catalog(catalog(zorb))
            .build()
            .expect("extended");
        let labels = extended.label(&posting);
        let got = names(&labels);
        assert!(got.contains(&"Zorblang") && got.contains(&"Python") && got.contains(&"SQL"));

        // A repeated id replaces the skill.
        let renamed = "id,name,category,aliases\npython,Python 3,language,python3\n";
        let extended = Labeller::builder()
            .add_catalog(catalog(renamed))
            .build()
            .expect("renamed");
        let labels = extended.label(&Posting::new("", "Requirements: python3"));
        let got = names(&labels);
        assert_eq!(got, ["Python 3"]);
    }

    #[test]
    fn batch_and_stream_give_what_one_by_one_gives_in_order() {
        let labeller = Labeller::embedded().expect("embedded");
        let postings: Vec<Posting> = (0..50)
            .map(|i| {
                let title = ["Senior Rust Engineer", "Data Scientist", "QA Intern"][i % 3];
                Posting::new(format!("{title} {i}"), format!("{i}+ years of SQL, Kafka"))
            })
            .collect();
        let one_by_one: Vec<Labels> = postings.iter().map(|p| labeller.label(p)).collect();
        assert_eq!(
            labeller.label_batch(&postings, &LabelOptions::default()),
            one_by_one
        );
        for chunk in [1, 7, 50, 1000] {
            let streamed: Vec<(Posting, Labels)> = labeller
                .label_stream(postings.clone(), &LabelOptions::default(), chunk)
                .collect();
            assert_eq!(streamed.len(), postings.len());
            for ((p, l), (q, m)) in streamed.iter().zip(postings.iter().zip(&one_by_one)) {
                assert_eq!((p, l), (q, m));
            }
        }
    }

    #[test]
    fn two_models_used_alternately_on_one_thread_label_as_each_does_alone() {
        // The per-thread token cache maps raw tokens to a model's stem ids:
        // two models interleaved on one thread must never see each other's.
        let postings: Vec<Posting> = (0..40)
            .map(|i| {
                let t = [
                    "Senior Data Scientist",
                    "DevOps Engineer",
                    "Frontend Developer",
                ];
                Posting::new(
                    t[i % 3],
                    format!("Python, pandas, Kubernetes, React and CSS; {i}+ years; team {i}"),
                )
            })
            .collect();
        let alone = |labeller: Labeller| {
            let postings = postings.clone();
            std::thread::spawn(move || {
                postings
                    .iter()
                    .map(|p| labeller.label(p))
                    .collect::<Vec<_>>()
            })
            .join()
            .expect("a labelling thread")
        };
        let (a, b) = (
            Labeller::embedded().expect("embedded"),
            crate::testing::tiny_labeller(),
        );
        let (a_alone, b_alone) = (alone(a.clone()), alone(b.clone()));
        assert_ne!(a_alone, b_alone, "two different models");
        let mut a_mixed = Vec::new();
        let mut b_mixed = Vec::new();
        for p in &postings {
            a_mixed.push(a.label(p));
            b_mixed.push(b.label(p));
        }
        assert_eq!(a_mixed, a_alone);
        assert_eq!(b_mixed, b_alone);
    }

    #[test]
    fn missing_files_are_errors_that_name_them() {
        let e = Labeller::builder()
            .model_file("/no/such/model.jtm")
            .build()
            .expect_err("no model");
        assert!(e.to_string().contains("/no/such/model.jtm"), "{e}");
        let e = SkillCatalog::load("/no/such/skills.csv").expect_err("no catalog");
        assert!(e.to_string().contains("/no/such/skills.csv"), "{e}");
    }
}
