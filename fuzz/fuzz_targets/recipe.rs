//! The training recipe TOML on any text: a recipe or an error, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|text: &str| {
    jobtag::fuzzing::recipe(text);
});
