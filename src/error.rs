//! Typed errors for the library. Every error that concerns an input row or
//! field says which one, so the CLI can report it without guessing.

use std::path::PathBuf;

/// The result type used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in jobtag's library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An I/O failure on a named file.
    #[error("{path}: {source}")]
    Io {
        /// The file that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An I/O failure on a stream with no path (stdin, stdout).
    #[error("{0}")]
    Stream(#[from] std::io::Error),
    /// A model file that cannot be used.
    #[error("model file: {0}")]
    Model(#[from] ModelFileError),
    /// A named model file that cannot be used.
    #[error("model file {path}: {source}")]
    ModelAt {
        /// The file.
        path: PathBuf,
        /// Why it was rejected.
        source: ModelFileError,
    },
    /// An input record that cannot be used, and where it is.
    #[error("{position}: {}{reason}", field.as_deref().map(|f| format!("{f}: ")).unwrap_or_default())]
    Record {
        /// File, line, byte offset and record number.
        position: crate::io::Position,
        /// The field or column at fault, when one is.
        field: Option<String>,
        /// What is wrong with it.
        reason: String,
    },
    /// A request body (see [`crate::io::postings_from_body`]) that is not
    /// JSON.
    #[error("invalid JSON: {0}")]
    InvalidJson(serde_json::Error),
    /// A request body that is an array of more postings than allowed.
    #[error("{found} postings; at most {max} per request")]
    BatchTooLarge {
        /// Postings in the array.
        found: usize,
        /// The limit.
        max: usize,
    },
    /// A posting of a request body that cannot be labelled: not an object
    /// (field `$`, kind `WrongType`), a field of the wrong type, or neither
    /// title nor description (kind `Empty`). Reads `[index].field: reason`,
    /// or `field: reason` when the body is one object.
    #[error("{}{}: {}", index.map(|i| format!("[{i}].")).unwrap_or_default(), error.field, error.reason)]
    BadPosting {
        /// Its place in the array; `None` when the body is one object.
        index: Option<usize>,
        /// The field at fault and why.
        error: crate::io::FieldError,
    },
    /// A training recipe or data configuration that cannot be used.
    #[error("recipe: {0}")]
    Recipe(String),
    /// Hyperparameters or training data that cannot be trained on.
    #[error("training: {0}")]
    Training(String),
    /// A label that the model's taxonomy does not know.
    #[error("unknown {field} label {label:?}")]
    UnknownLabel {
        /// `role` or `seniority`.
        field: &'static str,
        /// The label as found.
        label: String,
    },
    /// A chart could not be drawn or written.
    #[error("chart: {0}")]
    Chart(String),
    /// An error raised inside linfa's trait machinery.
    #[error("linfa: {0}")]
    Linfa(#[from] linfa::Error),
}

/// Why a model file was rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelFileError {
    /// The file does not start with jobtag's magic bytes.
    #[error("not a jobtag model file (bad magic bytes)")]
    BadMagic,
    /// The file was written by an incompatible format version.
    #[error(
        "unsupported format version {found} (this build reads versions 2 to {supported}): \
         retrain the model with this jobtag (`jobtag train --recipe FILE` or `--data FILE`)"
    )]
    UnsupportedVersion {
        /// Version in the file.
        found: u32,
        /// Newest version this build reads.
        supported: u32,
    },
    /// The file is shorter than its header says.
    #[error("truncated: expected {expected} payload bytes, found {found}")]
    Truncated {
        /// Bytes the header announces.
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// The payload does not match its checksum.
    #[error("checksum mismatch: the file is corrupt")]
    Checksum,
    /// The payload passed its checksum but could not be decoded.
    #[error("cannot decode payload: {0}")]
    Decode(String),
    /// The model's parts do not fit together.
    #[error("inconsistent model: {0}")]
    Inconsistent(String),
}

impl Error {
    /// Wrap an I/O error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
