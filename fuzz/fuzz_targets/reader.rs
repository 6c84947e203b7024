//! The record reader on any CSV or JSONL bytes: every record a posting or a
//! positioned error, records numbered in order.
#![no_main]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| jobtag::fuzzing::reader(bytes));
