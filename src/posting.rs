//! The input of the pipeline: one job posting.

use serde::{Deserialize, Serialize};

/// A job posting as read from a file or request. Both text fields may hold
/// HTML or plain text; either may be empty, not both (see [`Posting::is_empty`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    /// Caller's identifier, carried through unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Job title.
    #[serde(default)]
    pub title: String,
    /// Description, often HTML.
    #[serde(default)]
    pub description: String,
}

impl Posting {
    /// A posting from a title and a description.
    pub fn new(title: impl Into<String>, description: impl Into<String>) -> Self {
        Posting {
            id: None,
            title: title.into(),
            description: description.into(),
        }
    }

    /// True when there is no text to classify.
    pub fn is_empty(&self) -> bool {
        self.title.trim().is_empty() && self.description.trim().is_empty()
    }
}

/// A text field of a posting, where a skill span points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextField {
    /// The title.
    Title,
    /// The description.
    Description,
}
