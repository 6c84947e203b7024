//! The I/O edge: reading postings from CSV or JSON lines (optionally
//! gzip-compressed) and writing them back with their labels. Every input
//! record comes out as a [`Record`]: a posting to label, or a reason it
//! cannot be, with its line number, so nothing is lost silently.

mod reader;
mod writer;

pub use reader::{
    open_input, posting_from_json, Columns, FieldError, FieldErrorKind, Fields, InputFormat,
    Position, Record, RecordReader,
};
pub use writer::{add_json_labels, ErrorRecord, LabelWriter, OutputFormat};
