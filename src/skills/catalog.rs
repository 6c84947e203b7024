//! The skill catalog: canonical skills with ids, categories and aliases.
//!
//! The catalog is data (`training/skills/catalog.csv`, generated from O*NET
//! and ESCO plus hand curation), embedded at build time. Users can replace
//! it or add to it with a file of the same columns:
//! `id,name,category,aliases,ambiguous,onet,esco,onet_code` (`onet_code` may
//! be left out, as in catalogs written before it existed). Aliases are `|`-separated;
//! an alias written `=Go` must match with exactly that case, and one written
//! `?cloud` is tagged only where the posting asks for it.

use std::collections::HashSet;
use std::io::Read;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One way of writing a skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    /// The text to find.
    pub text: String,
    /// Must the case match exactly ("Go" but not "go")?
    pub exact_case: bool,
    /// A broad word ("cloud", "security", "PhD") that names the skill only
    /// where the posting asks for it: tagged in requirement and preference
    /// sentences and in the title, ignored elsewhere ("our cloud
    /// platform"). Written `?cloud`.
    #[serde(default)]
    pub where_asked: bool,
}

/// A skill in the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skill {
    /// Stable identifier.
    pub id: String,
    /// Canonical name.
    pub name: String,
    /// Category (programming-language, library-framework, database, ...).
    pub category: String,
    /// Every way of writing it, the name included.
    pub aliases: Vec<Alias>,
    /// Also a common word or a letter: tagged only with evidence.
    pub ambiguous: bool,
    /// O*NET Technology Skills example name, when there is one.
    pub onet: Option<String>,
    /// ESCO concept URI, when there is one.
    pub esco: Option<String>,
    /// UNSPSC commodity code under which O*NET lists the `onet` example
    /// (`43232306` for a database user interface), when there is one.
    pub onet_code: Option<String>,
}

/// A list of skills.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SkillCatalog {
    skills: Vec<Skill>,
}

#[derive(Debug, Deserialize)]
struct Row {
    id: String,
    name: String,
    category: String,
    #[serde(default)]
    aliases: String,
    #[serde(default)]
    ambiguous: String,
    #[serde(default)]
    onet: String,
    #[serde(default)]
    esco: String,
    #[serde(default)]
    onet_code: String,
}

const DEFAULT_CATALOG: &str = include_str!("../../training/skills/catalog.csv");

impl SkillCatalog {
    /// The catalog shipped with jobtag.
    pub fn default_catalog() -> Result<Self> {
        Self::from_reader(DEFAULT_CATALOG.as_bytes(), "training/skills/catalog.csv")
    }

    /// Read a catalog CSV file (the columns of `training/skills/catalog.csv`).
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        Self::from_reader(std::io::BufReader::new(file), &path.display().to_string())
    }

    /// Read a catalog CSV; `name` is used in error messages.
    pub fn from_reader(reader: impl Read, name: &str) -> Result<Self> {
        let mut csv = csv::Reader::from_reader(reader);
        let mut skills = Vec::new();
        let mut ids = HashSet::new();
        for (n, row) in csv.deserialize::<Row>().enumerate() {
            let line = n as u64 + 2;
            let err = |reason: String| Error::Record {
                position: crate::io::Position {
                    record: n as u64 + 1,
                    ..crate::io::Position::line(name, line)
                },
                field: None,
                reason,
            };
            let row = row.map_err(|e| err(e.to_string()))?;
            if row.id.trim().is_empty() || row.name.trim().is_empty() {
                return Err(err("a skill needs an id and a name".into()));
            }
            if !ids.insert(row.id.clone()) {
                return Err(err(format!("duplicate skill id {:?}", row.id)));
            }
            let mut aliases: Vec<Alias> = Vec::new();
            let mut push = |raw: &str| {
                let raw = raw.trim();
                let (raw, where_asked) = match raw.strip_prefix('?') {
                    Some(t) => (t.trim(), true),
                    None => (raw, false),
                };
                let (text, exact_case) = match raw.strip_prefix('=') {
                    Some(t) => (t.trim(), true),
                    None => (raw, false),
                };
                if !text.is_empty()
                    && !aliases
                        .iter()
                        .any(|a| a.text == text && a.exact_case == exact_case)
                {
                    aliases.push(Alias {
                        text: text.to_string(),
                        exact_case,
                        where_asked,
                    });
                }
            };
            let ambiguous = matches!(
                row.ambiguous.trim().to_lowercase().as_str(),
                "yes" | "true" | "1"
            );
            // A name that also appears as a marked alias ("=Go", "?PhD") is
            // matched only by that alias's rule.
            let name_is_marked = row.aliases.split('|').any(|a| {
                let a = a.trim();
                let bare = a.trim_start_matches(['?', '=']).trim();
                let name = row.name.trim();
                // "=Go" must be written as the name; "?monitoring" marks
                // "Monitoring" in any case.
                bare.len() < a.len()
                    && if a.contains('=') {
                        bare == name
                    } else {
                        bare.eq_ignore_ascii_case(name)
                    }
            });
            if !name_is_marked {
                push(&row.name);
            }
            for a in row.aliases.split('|') {
                push(a);
            }
            let opt = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
            skills.push(Skill {
                id: row.id.trim().to_string(),
                name: row.name.trim().to_string(),
                category: row.category.trim().to_string(),
                aliases,
                ambiguous,
                onet: opt(row.onet),
                esco: opt(row.esco),
                onet_code: opt(row.onet_code),
            });
        }
        Ok(SkillCatalog { skills })
    }

    /// Add the skills of `other`; a skill with an id already present replaces it.
    pub fn extend(&mut self, other: SkillCatalog) {
        for s in other.skills {
            match self.skills.iter_mut().find(|x| x.id == s.id) {
                Some(slot) => *slot = s,
                None => self.skills.push(s),
            }
        }
    }

    /// All skills, in file order.
    pub fn skills(&self) -> &[Skill] {
        &self.skills
    }

    /// Skills whose id, name, alias or category contains `query`
    /// (case-insensitive), best matches first: exact name or alias, then
    /// prefix, then substring.
    pub fn search(&self, query: &str) -> Vec<&Skill> {
        let q = query.trim().to_lowercase();
        let mut scored: Vec<(u8, &Skill)> = self
            .skills
            .iter()
            .filter_map(|s| {
                let texts = std::iter::once(s.name.as_str())
                    .chain(s.aliases.iter().map(|a| a.text.as_str()))
                    .chain(std::iter::once(s.id.as_str()));
                let mut best = None;
                for t in texts {
                    let t = t.to_lowercase();
                    let rank = if t == q {
                        0
                    } else if t.starts_with(&q) {
                        1
                    } else if t.contains(&q) {
                        2
                    } else {
                        continue;
                    };
                    best = Some(best.map_or(rank, |b: u8| b.min(rank)));
                }
                if best.is_none() && s.category.to_lowercase() == q {
                    best = Some(3);
                }
                best.map(|b| (b, s))
            })
            .collect();
        scored.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.name.len().cmp(&b.1.name.len()))
                .then(a.1.name.cmp(&b.1.name))
        });
        scored.into_iter().map(|(_, s)| s).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "id,name,category,aliases,ambiguous,onet,esco\n\
        postgresql,PostgreSQL,database,Postgres|psql,no,PostgreSQL,\n\
        go-language,Go,programming-language,=Go|Golang|?=GO,yes,,\n";

    #[test]
    fn parses_aliases_and_case_rules() {
        let c = SkillCatalog::from_reader(CSV.as_bytes(), "t.csv").unwrap();
        assert_eq!(c.skills().len(), 2);
        let pg = &c.skills()[0];
        assert_eq!(pg.aliases.len(), 3);
        assert!(pg.aliases.iter().all(|a| !a.exact_case));
        let go = &c.skills()[1];
        assert!(go.ambiguous);
        assert_eq!(
            go.aliases,
            vec![
                Alias {
                    text: "Go".into(),
                    exact_case: true,
                    where_asked: false,
                },
                Alias {
                    text: "Golang".into(),
                    exact_case: false,
                    where_asked: false,
                },
                Alias {
                    text: "GO".into(),
                    exact_case: true,
                    where_asked: true,
                }
            ]
        );
    }

    #[test]
    fn reads_ids_with_or_without_the_onet_code_column() {
        // Seven columns, as user catalogs written before `onet_code` have.
        let c = SkillCatalog::from_reader(CSV.as_bytes(), "t.csv").unwrap();
        assert_eq!(c.skills()[0].onet.as_deref(), Some("PostgreSQL"));
        assert_eq!(c.skills()[0].onet_code, None);
        assert_eq!(c.skills()[0].esco, None);
        let eight = "id,name,category,aliases,ambiguous,onet,esco,onet_code\n\
            postgresql,PostgreSQL,database,,no,PostgreSQL,http://data.europa.eu/esco/skill/pg,43232306\n\
            go-language,Go,programming-language,=Go,yes,,,\n";
        let c = SkillCatalog::from_reader(eight.as_bytes(), "t.csv").unwrap();
        let pg = &c.skills()[0];
        assert_eq!(pg.onet_code.as_deref(), Some("43232306"));
        assert_eq!(
            pg.esco.as_deref(),
            Some("http://data.europa.eu/esco/skill/pg")
        );
        let go = &c.skills()[1];
        assert_eq!((&go.onet, &go.esco, &go.onet_code), (&None, &None, &None));
    }

    #[test]
    fn the_shipped_catalog_links_common_skills_to_esco_and_onet() {
        let c = SkillCatalog::default_catalog().unwrap();
        let get = |id: &str| c.skills().iter().find(|s| s.id == id).unwrap();
        let python = get("python");
        assert_eq!(
            python.esco.as_deref(),
            Some("http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d")
        );
        assert_eq!(python.onet.as_deref(), Some("Python"));
        assert_eq!(python.onet_code.as_deref(), Some("43232405"));
        // Every O*NET name has its commodity code.
        assert!(c
            .skills()
            .iter()
            .all(|s| s.onet.is_some() == s.onet_code.is_some()));
    }

    #[test]
    fn duplicate_ids_are_an_error_naming_the_line() {
        let bad = format!("{CSV}postgresql,Postgres,database,,no,,\n");
        let e = SkillCatalog::from_reader(bad.as_bytes(), "t.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 4") && e.contains("duplicate"), "{e}");
    }

    #[test]
    fn search_ranks_exact_first() {
        let c = SkillCatalog::from_reader(CSV.as_bytes(), "t.csv").unwrap();
        assert_eq!(c.search("golang")[0].id, "go-language");
        assert_eq!(c.search("post")[0].id, "postgresql");
        assert_eq!(c.search("database").len(), 1);
    }
}
