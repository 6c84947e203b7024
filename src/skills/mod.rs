//! Skills: the fourth stage, `original text → catalog skills`, each marked
//! required, preferred or mentioned, with years of experience where the
//! posting states them. Matching reads the original (normalized, case-kept)
//! text, never stemmed tokens.

pub mod catalog;
pub mod sections;
pub mod tagger;
mod word_index;

pub use catalog::{Alias, Skill, SkillCatalog};
pub use sections::{Requirement, Sections};
pub use tagger::{Hit, SkillSpan, SkillTag, SkillTagger};
