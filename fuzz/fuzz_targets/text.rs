//! normalize, tokenize and analyze on any text: tokens slice the normalized
//! text, spans map back inside the raw text on character boundaries.
#![no_main]
libfuzzer_sys::fuzz_target!(|raw: &str| jobtag::fuzzing::text(raw));
