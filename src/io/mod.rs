//! The I/O edge: reading postings from CSV or JSON lines (optionally
//! gzip-compressed) and writing them back with their labels. Every input
//! record comes out as a [`Record`]: a posting to label, or a reason it
//! cannot be, with its line number, so nothing is lost silently.

pub mod reader;
pub mod writer;

pub use reader::{Columns, InputFormat, Record, RecordReader};
pub use writer::{ErrorRecord, LabelWriter, OutputFormat};
