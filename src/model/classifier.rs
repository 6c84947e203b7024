//! The fitted model: a feature space and one softmax head per label kind,
//! turning postings into labelled predictions with confidences and, on
//! request, the terms that drove each decision.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::softmax::{
    argmax, probabilities, SoftmaxRegression, StackedRegressions, TrainingReport,
};
use crate::derived::Derived;
use crate::features::cues::{years_phrases, YearsMention};
use crate::features::{Featurizer, Field, PostingTerms, SparseRow};
use crate::labeller::LabelOptions;
use crate::posting::Posting;
use crate::skills::SkillTag;
use crate::taxonomy::{Label, Taxonomy};
use crate::text::{normalize_keep_case, NormalizedText};

/// One classification head: its label ids and its regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Head {
    /// Label ids, one per class, in class order.
    pub labels: Vec<String>,
    /// The fitted regression.
    pub regression: SoftmaxRegression,
    /// The temperature its scores are divided by before the softmax, fitted
    /// on cross-validated predictions (1: uncalibrated).
    pub temperature: f32,
}

/// A prediction of one head.
///
/// Label ids here and skill ids and names in [`SkillTag`] are
/// `CompactString`s: those up to 24 bytes (every label of the default
/// taxonomy, nearly every skill of the catalog) are stored inline, so
/// labelling a posting does not allocate a string for each of them (about
/// 75 allocations per posting fewer, measured).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// The most probable label id.
    pub label: CompactString,
    /// Its probability.
    pub confidence: f32,
    /// Probability of every label, in the model's label order.
    pub probabilities: Vec<LabelProbability>,
    /// True when the confidence is below the
    /// [`LabelOptions::min_confidence`] asked for: `label` is then the
    /// model's best guess, not a label to trust.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub uncertain: bool,
}

impl Prediction {
    /// The label as jobtag writes it: `"uncertain"` when the prediction is
    /// [`uncertain`](Self::uncertain), else the label. `"uncertain"` is no
    /// label id of any taxonomy (a taxonomy may not use it), so a
    /// spreadsheet filter, a tally or a JSON consumer sees it as a value of
    /// its own.
    pub fn label_or_uncertain(&self) -> &str {
        if self.uncertain {
            UNCERTAIN
        } else {
            self.label.as_str()
        }
    }
}

/// What [`Prediction::label_or_uncertain`] says for an uncertain label.
pub(crate) const UNCERTAIN: &str = "uncertain";

/// A label and its probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelProbability {
    /// Label id.
    pub label: CompactString,
    /// Probability.
    pub probability: f32,
}

/// A term that moved a decision: its weight times its feature value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// Where the term was found.
    pub field: Field,
    /// The (stemmed) term or cue name.
    pub term: String,
    /// Weight x feature value for the predicted label.
    pub score: f32,
    /// Byte spans of the term in the original field text.
    pub spans: Vec<(usize, usize)>,
}

/// Everything the model says about one posting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    /// Role prediction.
    pub role: Prediction,
    /// Seniority prediction, when the model has a seniority head.
    pub seniority: Option<Prediction>,
    /// Terms behind the role decision (with `explain`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub role_terms: Vec<Contribution>,
    /// Terms behind the seniority decision (with `explain`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seniority_terms: Vec<Contribution>,
    /// Skills the posting asks for, in order of first mention.
    #[serde(default)]
    pub skills: Vec<SkillTag>,
    /// With [`crate::LabelOptions::ids`]: the predicted role's entry in the
    /// model's taxonomy, with its occupation codes
    /// ([`crate::Label::isco`], [`crate::Label::esco`],
    /// [`crate::Label::onet`]). `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_codes: Option<Label>,
}

/// How many terms an explanation lists per decision.
pub const EXPLAIN_TERMS: usize = 8;

/// Metadata recorded when a model is trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelMeta {
    /// Model name.
    pub name: String,
    /// Version of jobtag that trained it.
    pub jobtag_version: String,
    /// Training date (UTC, `YYYY-MM-DD`).
    pub trained_on: String,
    /// The training data, with SHA-256 of each file.
    pub data_files: Vec<DataFile>,
    /// The recipe text (TOML) the model was trained from.
    pub recipe: String,
    /// Examples seen by the role and seniority heads.
    pub examples: ExampleCounts,
    /// How the role head's training ended.
    pub role_training: TrainingReport,
    /// How the seniority head's training ended.
    pub seniority_training: Option<TrainingReport>,
    /// Cross-validated metrics, when training ran them (JSON text).
    pub metrics_json: Option<String>,
    /// What the learned skill-span tagger was trained on and how, when the
    /// model has one (its skills are then the catalog's and the tagger's).
    /// Read from the tagger itself, not stored twice.
    #[serde(skip)]
    pub skill_span_tagger: Option<String>,
}

/// A training file and its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataFile {
    /// Path as given in the recipe.
    pub path: String,
    /// SHA-256 of the file contents, hex.
    pub sha256: String,
    /// Rows used from it.
    pub rows: u64,
}

/// Training-set sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ExampleCounts {
    /// Examples with a role label.
    pub role: u64,
    /// Examples with a seniority label.
    pub seniority: u64,
}

/// A trained jobtag model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub(crate) meta: ModelMeta,
    pub(crate) taxonomy: Taxonomy,
    pub(crate) featurizer: Featurizer,
    pub(crate) role: Head,
    pub(crate) seniority: Option<Head>,
    /// The learned skill-span tagger (format 4 on), when trained.
    pub(crate) skill_spans: Option<crate::skills::spans::SpanModel>,
    /// Both heads' weights side by side, for labelling: derived from the
    /// weights of `role` and `seniority` on first use (their temperatures
    /// are read where they are), never serialized.
    #[serde(skip)]
    /// (`None` inside when the heads do not share a feature space.)
    stacked: Derived<Option<StackedRegressions>>,
}

impl Model {
    /// Assemble a model from fitted parts.
    pub(crate) fn new(
        meta: ModelMeta,
        taxonomy: Taxonomy,
        featurizer: Featurizer,
        role: Head,
        seniority: Option<Head>,
    ) -> Self {
        Model {
            meta,
            taxonomy,
            featurizer,
            role,
            seniority,
            skill_spans: None,
            stacked: Derived::default(),
        }
    }

    /// Attach (or remove) the learned skill-span tagger; its description
    /// goes into the metadata.
    pub(crate) fn set_skill_spans(&mut self, spans: Option<crate::skills::spans::SpanModel>) {
        self.meta.skill_span_tagger = spans.as_ref().map(|s| s.trained_on.clone());
        self.skill_spans = spans;
    }

    /// Training metadata.
    pub fn meta(&self) -> &ModelMeta {
        &self.meta
    }

    /// The model's label sets.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// Number of features (title and description terms and cues).
    pub fn feature_count(&self) -> usize {
        self.featurizer.dim()
    }

    /// Role and seniority of one posting, without skills (training,
    /// cross-validation and evaluation need no skill tagger).
    pub(crate) fn classify(&self, posting: &Posting, options: &LabelOptions) -> Labels {
        let title = normalize_keep_case(&posting.title);
        let description = normalize_keep_case(&posting.description);
        self.classify_normalized(posting, &title, &description, options)
            .0
    }

    /// Role and seniority from the case-kept normalizations of a posting's
    /// title and description (one normalization serves the features and the
    /// skill tagger), with the description's "N years" phrases when they were
    /// computed on the way, for the skill tagger to reuse.
    pub(crate) fn classify_normalized(
        &self,
        posting: &Posting,
        title: &NormalizedText,
        description: &NormalizedText,
        options: &LabelOptions,
    ) -> (Labels, Option<Vec<YearsMention>>) {
        // Explanations need the spelled-out terms and their spans; plain
        // labelling takes the id-based path to the same feature row.
        let terms = options.explain.then(|| PostingTerms::new(posting));
        // The description's "N years" phrases serve the years cue and the
        // skills' years alike when lower-casing moves no byte offset (the
        // phrases ignore case), as in all ASCII text and most other text.
        let (row, description_years) = match &terms {
            Some(t) => (self.featurizer.transform(t), None),
            None => {
                let (lower, same_offsets) = description.lowercase_text_and_offsets();
                let years = same_offsets.then(|| years_phrases(&description.text));
                let row = self.featurizer.normalized_row_with_years(
                    &title.lowercase_text(),
                    &lower,
                    years.as_deref(),
                );
                (row, years)
            }
        };
        let (role_probs, seniority_probs) = self.head_probabilities(&row);
        let (mut role, role_terms) =
            self.predict_head(&self.role, role_probs, &row, terms.as_ref());
        let (mut seniority, seniority_terms) = match (&self.seniority, seniority_probs) {
            (Some(h), Some(probs)) => {
                let (p, t) = self.predict_head(h, probs, &row, terms.as_ref());
                (Some(p), t)
            }
            _ => (None, Vec::new()),
        };
        if let Some(min) = options.min_confidence {
            for p in std::iter::once(&mut role).chain(seniority.as_mut()) {
                p.uncertain = p.confidence < min;
            }
        }
        let role_codes = if options.ids && !role.uncertain {
            self.taxonomy.role(&role.label).cloned()
        } else {
            None
        };
        let labels = Labels {
            role,
            seniority,
            role_terms,
            seniority_terms,
            skills: Vec::new(),
            role_codes,
        };
        (labels, description_years)
    }

    /// The role head's and the seniority head's class probabilities for a
    /// feature row: both scored in one pass over the row (the same bits as
    /// each head's own `predict_proba_row_tempered`).
    fn head_probabilities(&self, row: &SparseRow) -> (Vec<f32>, Option<Vec<f32>>) {
        let stacked = self.stacked.get_or_init(|| {
            let mut regressions = vec![&self.role.regression];
            regressions.extend(self.seniority.as_ref().map(|h| &h.regression));
            StackedRegressions::new(&regressions)
        });
        let Some(stacked) = stacked else {
            let tempered = |h: &Head| h.regression.predict_proba_row_tempered(row, h.temperature);
            return (tempered(&self.role), self.seniority.as_ref().map(tempered));
        };
        let mut scores = Vec::new();
        stacked.scores_into(row, &mut scores);
        let head = |h: usize, temperature: f32| {
            probabilities(scores[stacked.columns(h)].to_vec(), temperature)
        };
        (
            head(0, self.role.temperature),
            self.seniority.as_ref().map(|s| head(1, s.temperature)),
        )
    }

    fn predict_head(
        &self,
        head: &Head,
        probs: Vec<f32>,
        row: &SparseRow,
        terms: Option<&PostingTerms>,
    ) -> (Prediction, Vec<Contribution>) {
        let best = argmax(probs.iter().copied());
        let prediction = Prediction {
            label: head.labels[best].as_str().into(),
            confidence: probs[best],
            probabilities: head
                .labels
                .iter()
                .zip(&probs)
                .map(|(l, &p)| LabelProbability {
                    label: l.as_str().into(),
                    probability: p,
                })
                .collect(),
            uncertain: false,
        };
        let contributions = match terms {
            Some(t) => self.contributions(head, best, row, t),
            None => Vec::new(),
        };
        (prediction, contributions)
    }

    fn contributions(
        &self,
        head: &Head,
        class: usize,
        row: &SparseRow,
        terms: &PostingTerms,
    ) -> Vec<Contribution> {
        let mut scored: Vec<(usize, f32)> = row
            .iter()
            .filter(|&(i, _)| i < head.regression.n_features())
            .map(|(i, v)| (i, head.regression.weight(i, class) * v))
            .filter(|&(_, s)| s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.truncate(EXPLAIN_TERMS);
        scored
            .into_iter()
            .filter_map(|(i, score)| {
                let name = self.featurizer.feature_name(i)?;
                Some(Contribution {
                    field: name.field,
                    term: name.name,
                    score,
                    spans: self.featurizer.feature_spans(terms, i),
                })
            })
            .collect()
    }

    /// Check that the parts fit together (after loading a file).
    pub(crate) fn check_consistent(&self) -> Result<(), String> {
        if !self.featurizer.check_consistent() {
            return Err("vocabulary and IDF lengths differ".into());
        }
        let dim = self.featurizer.dim();
        for (name, head) in std::iter::once(("role", &self.role))
            .chain(self.seniority.as_ref().map(|h| ("seniority", h)))
        {
            if !head.regression.check_consistent() {
                return Err(format!("{name} weights are malformed"));
            }
            if !(head.temperature.is_finite() && head.temperature > 0.0) {
                return Err(format!(
                    "{name} temperature {} is not a positive number",
                    head.temperature
                ));
            }
            if head.regression.n_features() != dim {
                return Err(format!(
                    "{name} head expects {} features, featurizer gives {dim}",
                    head.regression.n_features()
                ));
            }
            if head.regression.n_classes() != head.labels.len() {
                return Err(format!(
                    "{name} head has {} classes but {} labels",
                    head.regression.n_classes(),
                    head.labels.len()
                ));
            }
        }
        Ok(())
    }
}
