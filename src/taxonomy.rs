//! Label sets: the roles and seniority levels a model predicts.
//!
//! The default taxonomy is data (`training/taxonomy.toml`), embedded at build
//! time. A model trained on a user's own labels carries its own taxonomy.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One label: a stable id and a display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Stable identifier (kebab-case in the default taxonomy).
    pub id: String,
    /// Human-readable name.
    pub name: String,
}

/// The label sets of a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taxonomy {
    /// Role labels.
    pub roles: Vec<Label>,
    /// Seniority labels, ordered from junior to senior (empty when the
    /// model has no seniority head).
    pub seniorities: Vec<Label>,
}

const DEFAULT_TAXONOMY: &str = include_str!("../training/taxonomy.toml");

impl Taxonomy {
    /// The default taxonomy shipped with jobtag.
    pub fn default_taxonomy() -> Result<Self> {
        Self::from_toml(DEFAULT_TAXONOMY)
    }

    /// Parse a taxonomy from TOML text.
    pub fn from_toml(text: &str) -> Result<Self> {
        let t: Taxonomy =
            toml::from_str(text).map_err(|e| Error::Recipe(format!("taxonomy: {e}")))?;
        t.check()?;
        Ok(t)
    }

    /// A taxonomy whose ids are the given labels (display name = id).
    pub fn from_ids(roles: &[String], seniorities: &[String]) -> Self {
        let label = |id: &String| Label {
            id: id.clone(),
            name: id.clone(),
        };
        Taxonomy {
            roles: roles.iter().map(label).collect(),
            seniorities: seniorities.iter().map(label).collect(),
        }
    }

    pub(crate) fn check(&self) -> Result<()> {
        for (what, labels) in [("role", &self.roles), ("seniority", &self.seniorities)] {
            if labels.iter().any(|l| l.id == crate::model::UNCERTAIN) {
                return Err(Error::Recipe(format!(
                    "taxonomy: {what} id {:?} is reserved (jobtag writes it for labels below --min-confidence)",
                    crate::model::UNCERTAIN
                )));
            }
            let mut ids: Vec<&str> = labels.iter().map(|l| l.id.as_str()).collect();
            ids.sort_unstable();
            if ids.windows(2).any(|w| w[0] == w[1]) {
                return Err(Error::Recipe(format!("taxonomy: duplicate {what} id")));
            }
        }
        if self.roles.len() < 2 {
            return Err(Error::Recipe("taxonomy: needs at least two roles".into()));
        }
        Ok(())
    }

    /// Role ids in order.
    pub fn role_ids(&self) -> Vec<String> {
        self.roles.iter().map(|l| l.id.clone()).collect()
    }

    /// Seniority ids in order.
    pub fn seniority_ids(&self) -> Vec<String> {
        self.seniorities.iter().map(|l| l.id.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_taxonomy_has_20_roles_plus_other_and_six_levels() {
        let t = Taxonomy::default_taxonomy().unwrap();
        assert_eq!(t.roles.len(), 21);
        assert_eq!(t.role_ids().iter().position(|r| r == "other"), Some(20));
        assert_eq!(
            t.seniority_ids(),
            ["intern", "junior", "mid", "senior", "lead", "executive"]
        );
    }

    #[test]
    fn uncertain_is_no_label() {
        let bad = "roles = [{id='a',name='A'},{id='uncertain',name='B'}]\nseniorities=[]";
        let err = Taxonomy::from_toml(bad).unwrap_err().to_string();
        assert!(err.contains("reserved"), "{err}");
    }

    #[test]
    fn rejects_duplicates() {
        let bad = "roles = [{id='a',name='A'},{id='a',name='B'}]\nseniorities=[]";
        assert!(Taxonomy::from_toml(bad).is_err());
    }
}
