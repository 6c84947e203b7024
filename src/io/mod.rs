//! The I/O edge: reading postings from CSV or JSON lines (optionally
//! gzip-compressed) and writing them back with their labels. Every input
//! record comes out as a [`Record`]: a posting to label, or a reason it
//! cannot be, with its line number, so nothing is lost silently. A request
//! body to the service becomes postings by the same rule
//! ([`postings_from_body`]).

mod body;
mod reader;
mod writer;

pub use body::postings_from_body;
#[cfg(feature = "fuzzing")]
pub(crate) use reader::posting_from_json;
pub use reader::{
    open_input, Columns, FieldError, FieldErrorKind, Fields, InputFormat, Position, Record,
    RecordReader,
};
pub use writer::{add_json_labels, ErrorRecord, LabelWriter, OutputFormat};
