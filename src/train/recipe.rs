//! The training recipe: which files to learn from, how to read their labels,
//! and the hyperparameters. A recipe is a TOML file in `training/`; relative
//! paths in it are resolved against the recipe's own folder.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::features::FeaturizerParams;
use crate::model::ClassWeight;

/// A whole training recipe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    /// Model name written into the model file.
    pub name: String,
    /// Taxonomy file; the built-in default taxonomy when absent.
    #[serde(default)]
    pub taxonomy: Option<PathBuf>,
    /// Training hyperparameters.
    #[serde(default)]
    pub params: TrainParams,
    /// Where the examples come from.
    pub sources: Vec<Source>,
    /// The learned skill-span tagger's data and settings; none, no tagger.
    #[serde(default)]
    pub skill_spans: Option<super::spans::SpanTraining>,
    /// Folder the recipe was read from (relative paths resolve here).
    #[serde(skip)]
    pub base: PathBuf,
    /// The recipe text, stored in the model for provenance.
    #[serde(skip)]
    pub text: String,
}

/// Hyperparameters of a whole model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainParams {
    /// Feature space.
    pub features: FeaturizerParams,
    /// Role head.
    pub role: HeadParams,
    /// Seniority head.
    pub seniority: HeadParams,
    /// After training, drop features whose largest absolute weight in every
    /// head is below this (keeps the model file small).
    pub prune_below: f32,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            features: FeaturizerParams::default(),
            role: HeadParams::default(),
            seniority: HeadParams::default(),
            prune_below: 0.0,
        }
    }
}

/// Hyperparameters of one softmax head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HeadParams {
    /// L2 penalty (1/C).
    pub alpha: f64,
    /// Iteration cap.
    pub max_iterations: u64,
    /// Convergence tolerance (gradient norm per unit of sample weight).
    pub tolerance: f64,
    /// Class weighting.
    pub class_weight: ClassWeight,
}

impl Default for HeadParams {
    fn default() -> Self {
        HeadParams {
            alpha: 0.1,
            max_iterations: 500,
            tolerance: 1e-5,
            class_weight: ClassWeight::Balanced,
        }
    }
}

/// File format of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SourceFormat {
    /// Guess from the extension (`.csv`, `.jsonl`, `.json`).
    #[default]
    Auto,
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// A folder of plain-text files labelled by a CSV (`labels`).
    TextFiles,
}

/// One source of labelled examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// File or folder.
    pub path: PathBuf,
    /// Format.
    #[serde(default)]
    pub format: SourceFormat,
    /// Id field or column.
    #[serde(default = "default_id")]
    pub id: String,
    /// Title field or column.
    #[serde(default = "default_title")]
    pub title: String,
    /// Description field or column, or a list of them joined by blank lines
    /// (`""` or `[]` for none).
    #[serde(default = "default_text", deserialize_with = "one_or_many")]
    pub text: Vec<String>,
    /// Role label field.
    #[serde(default = "default_role")]
    pub role: String,
    /// Field with a list of acceptable roles, used when `role` is empty.
    #[serde(default)]
    pub role_accept: Option<String>,
    /// Seniority label field ("" when there is none).
    #[serde(default = "default_seniority")]
    pub seniority: String,
    /// Field with a list of acceptable seniorities.
    #[serde(default)]
    pub seniority_accept: Option<String>,
    /// Sample weight of every example from this source.
    #[serde(default = "one")]
    pub weight: f32,
    /// Is this the source that `eval` folds (the others are always trained on)?
    #[serde(default)]
    pub cv: bool,
    /// Keep only every n-th row whose role is `subsample_role` (by row order).
    #[serde(default)]
    pub subsample_role: Option<String>,
    /// See `subsample_role`.
    #[serde(default)]
    pub keep_every: Option<usize>,
    /// For `text-files`: CSV with columns file,title,role,seniority.
    #[serde(default)]
    pub labels: Option<PathBuf>,
    /// Free-text note on where the data comes from and its licence.
    #[serde(default)]
    pub note: Option<String>,
}

fn default_id() -> String {
    "id".into()
}
fn default_title() -> String {
    "title".into()
}
fn default_text() -> Vec<String> {
    vec!["description".into()]
}

/// `text = "description"` or `text = ["summary", "body"]`; empty names
/// are dropped.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let names = match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    };
    Ok(names.into_iter().filter(|n| !n.is_empty()).collect())
}
fn default_role() -> String {
    "role".into()
}
fn default_seniority() -> String {
    "seniority".into()
}
fn one() -> f32 {
    1.0
}

impl Source {
    /// A CSV/JSONL source read with the given columns (for `--data`
    /// files); accept-set fields are read when present.
    pub fn table(path: PathBuf, columns: &crate::io::Columns, role: &str, seniority: &str) -> Self {
        Source {
            path,
            format: SourceFormat::Auto,
            id: columns.id.clone(),
            title: columns.title.clone(),
            text: columns.text.clone(),
            role: role.to_string(),
            role_accept: Some("role_accept".into()),
            seniority: seniority.to_string(),
            seniority_accept: Some("seniority_accept".into()),
            weight: 1.0,
            cv: false,
            subsample_role: None,
            keep_every: None,
            labels: None,
            note: None,
        }
    }
}

impl Recipe {
    /// Read a recipe file; its paths are relative to its folder.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Self::from_toml(&text, &base).map_err(|e| match e {
            Error::Recipe(m) => Error::Recipe(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    /// A recipe from its TOML text, with paths relative to `base`.
    pub(crate) fn from_toml(text: &str, base: &Path) -> Result<Self> {
        let mut recipe: Recipe = toml::from_str(text).map_err(|e| Error::Recipe(e.to_string()))?;
        recipe.base = base.to_path_buf();
        recipe.text = text.to_string();
        recipe.check()?;
        Ok(recipe)
    }

    fn check(&self) -> Result<()> {
        if self.sources.is_empty() {
            return Err(Error::Recipe("no [[sources]]".into()));
        }
        if self.sources.iter().filter(|s| s.cv).count() > 1 {
            return Err(Error::Recipe(
                "at most one source may have cv = true".into(),
            ));
        }
        for s in &self.sources {
            if !(s.weight.is_finite() && s.weight > 0.0) {
                return Err(Error::Recipe(format!(
                    "{}: weight must be positive",
                    s.path.display()
                )));
            }
            if s.keep_every == Some(0) {
                return Err(Error::Recipe(format!(
                    "{}: keep_every must be at least 1",
                    s.path.display()
                )));
            }
        }
        Ok(())
    }

    /// A path from the recipe, resolved against the recipe's folder.
    pub(crate) fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_minimal_recipe_with_defaults() {
        let r: Recipe = toml::from_str("name = 'x'\n[[sources]]\npath = 'a.csv'\n").unwrap();
        assert_eq!(r.sources[0].title, "title");
        assert_eq!(r.sources[0].weight, 1.0);
        assert_eq!(r.params.role.class_weight, ClassWeight::Balanced);
    }

    #[test]
    fn rejects_unknown_keys() {
        assert!(
            toml::from_str::<Recipe>("name = 'x'\nbogus = 1\n[[sources]]\npath = 'a'\n").is_err()
        );
    }
}
