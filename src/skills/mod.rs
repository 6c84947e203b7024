//! Skills: the fourth stage, `original text → catalog skills`, each marked
//! required, preferred or mentioned, with years of experience where the
//! posting states them. Matching reads the original (normalized, case-kept)
//! text, never stemmed tokens.

mod catalog;
mod esco_link;
mod sections;
pub(crate) mod spans;
mod tagger;
mod word_index;

pub use crate::posting::TextField;
pub use catalog::{Alias, Skill, SkillCatalog};
pub use sections::Requirement;
pub(crate) use tagger::SkillTagger;
pub use tagger::{SkillSpan, SkillTag};

/// Build the index that links uncatalogued skills to ESCO now rather than
/// on first use (it is built once per process).
pub(crate) fn build_esco_index() {
    esco_link::EscoLinker::embedded();
}
