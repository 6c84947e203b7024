//! Label sets: the roles and seniority levels a model predicts.
//!
//! The default taxonomy is data (`training/taxonomy.toml`), embedded at build
//! time. A model trained on a user's own labels carries its own taxonomy.
//!
//! A role may name the occupation it stands for in three classifications:
//! its ISCO-08 unit group, an ESCO occupation and O*NET-SOC codes. The codes
//! are reference data, not part of what a model learned: a model file does
//! not store them, and a loaded model takes them from the default taxonomy
//! for the role ids they share (so an old model file gains them too).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One label: a stable id and a display name, and for a role the
/// occupation codes it corresponds to, when a clear one exists.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Label {
    /// Stable identifier (kebab-case in the default taxonomy).
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// ISCO-08 unit group (4 digits, `2512` for software developers).
    #[serde(skip)]
    pub isco: Option<String>,
    /// ESCO occupation URI.
    #[serde(skip)]
    pub esco: Option<String>,
    /// O*NET-SOC 2019 codes (`15-1252.00`), most fitting first.
    #[serde(skip)]
    pub onet: Vec<String>,
}

/// A label as the taxonomy file writes it: the codes are read from the file
/// but kept out of [`Label`]'s serialized form, the model file's.
#[derive(Deserialize)]
struct LabelEntry {
    id: String,
    name: String,
    #[serde(default)]
    isco: Option<String>,
    #[serde(default)]
    esco: Option<String>,
    #[serde(default)]
    onet: Vec<String>,
}

#[derive(Deserialize)]
struct TaxonomyFile {
    roles: Vec<LabelEntry>,
    seniorities: Vec<LabelEntry>,
}

impl From<LabelEntry> for Label {
    fn from(e: LabelEntry) -> Self {
        let some = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        Label {
            id: e.id,
            name: e.name,
            isco: some(e.isco),
            esco: some(e.esco),
            onet: e.onet,
        }
    }
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
        let file: TaxonomyFile =
            toml::from_str(text).map_err(|e| Error::Recipe(format!("taxonomy: {e}")))?;
        let t = Taxonomy {
            roles: file.roles.into_iter().map(Label::from).collect(),
            seniorities: file.seniorities.into_iter().map(Label::from).collect(),
        };
        t.check()?;
        Ok(t)
    }

    /// A taxonomy whose ids are the given labels (display name = id).
    pub fn from_ids(roles: &[String], seniorities: &[String]) -> Self {
        let label = |id: &String| Label {
            id: id.clone(),
            name: id.clone(),
            ..Label::default()
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
        for l in self.roles.iter().chain(&self.seniorities) {
            let bad = |what: &str, value: &str| {
                Err(Error::Recipe(format!(
                    "taxonomy: {}: {what} {value:?} is not one",
                    l.id
                )))
            };
            if let Some(isco) = &l.isco {
                if isco.len() != 4 || !isco.bytes().all(|b| b.is_ascii_digit()) {
                    return bad("ISCO-08 unit group (4 digits)", isco);
                }
            }
            if let Some(esco) = &l.esco {
                if !esco.starts_with("http://data.europa.eu/esco/occupation/") {
                    return bad("ESCO occupation URI", esco);
                }
            }
            for code in &l.onet {
                let b = code.as_bytes();
                let ok = b.len() == 10
                    && b[2] == b'-'
                    && b[7] == b'.'
                    && b.iter()
                        .enumerate()
                        .all(|(i, c)| matches!(i, 2 | 7) || c.is_ascii_digit());
                if !ok {
                    return bad("O*NET-SOC code (15-1252.00)", code);
                }
            }
        }
        Ok(())
    }

    /// Give roles that have no occupation codes those of `from`'s role with
    /// the same id (a model file does not store them; a model takes the
    /// default taxonomy's when it is trained and when it is loaded).
    pub(crate) fn attach_codes(&mut self, from: &Taxonomy) {
        for role in &mut self.roles {
            if role.isco.is_some() || role.esco.is_some() || !role.onet.is_empty() {
                continue;
            }
            if let Some(src) = from.roles.iter().find(|r| r.id == role.id) {
                role.isco.clone_from(&src.isco);
                role.esco.clone_from(&src.esco);
                role.onet.clone_from(&src.onet);
            }
        }
    }

    /// The role with this id.
    pub(crate) fn role(&self, id: &str) -> Option<&Label> {
        self.roles.iter().find(|r| r.id == id)
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
    fn roles_carry_their_occupation_codes_and_other_has_none() {
        let t = Taxonomy::default_taxonomy().unwrap();
        let backend = t.role("backend-developer").unwrap();
        assert_eq!(backend.isco.as_deref(), Some("2512"));
        assert_eq!(
            backend.esco.as_deref(),
            Some("http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1")
        );
        assert_eq!(backend.onet, ["15-1252.00"]);
        let other = t.role("other").unwrap();
        assert_eq!((&other.isco, &other.esco), (&None, &None));
        assert!(other.onet.is_empty());
        assert!(t.roles.iter().filter(|r| r.isco.is_some()).count() >= 15);
    }

    #[test]
    fn codes_are_checked_and_optional() {
        let ok = "roles = [{id='a',name='A',isco='2512',onet=['15-1252.00']},{id='b',name='B'}]\nseniorities=[]";
        let t = Taxonomy::from_toml(ok).unwrap();
        assert_eq!(t.roles[0].isco.as_deref(), Some("2512"));
        assert_eq!(
            t.roles[1],
            Label {
                id: "b".into(),
                name: "B".into(),
                ..Label::default()
            }
        );
        for bad in [
            "isco='25'",
            "esco='http://example.com/x'",
            "onet=['151252']",
        ] {
            let text =
                format!("roles = [{{id='a',name='A',{bad}}},{{id='b',name='B'}}]\nseniorities=[]");
            assert!(Taxonomy::from_toml(&text).is_err(), "{bad}");
        }
    }

    #[test]
    fn codes_stay_out_of_the_serialized_label_and_come_back_by_id() {
        let t = Taxonomy::default_taxonomy().unwrap();
        let bytes = postcard::to_stdvec(&t).unwrap();
        let mut back: Taxonomy = postcard::from_bytes(&bytes).unwrap();
        assert!(back
            .roles
            .iter()
            .all(|r| r.isco.is_none() && r.onet.is_empty()));
        // The pre-codes layout: a label is exactly (id, name).
        #[derive(Serialize)]
        struct OldLabel<'a> {
            id: &'a str,
            name: &'a str,
        }
        let old = postcard::to_stdvec(&OldLabel { id: "a", name: "A" }).unwrap();
        let label: Label = postcard::from_bytes(&old).unwrap();
        assert_eq!(label.id, "a");
        back.attach_codes(&t);
        assert_eq!(back, t);
    }

    #[test]
    fn rejects_duplicates() {
        let bad = "roles = [{id='a',name='A'},{id='a',name='B'}]\nseniorities=[]";
        assert!(Taxonomy::from_toml(bad).is_err());
    }
}
