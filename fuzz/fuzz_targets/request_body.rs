//! `POST /v1/label` bodies: JSON postings through the server's
//! posting-from-JSON function.
#![no_main]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| jobtag::fuzzing::request_body(bytes));
