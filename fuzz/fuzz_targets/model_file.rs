//! The model-file loader on any bytes: a model or a typed error, never a
//! panic. Seeds include real (small) model files, so mutations reach the
//! checksum and the decoder; a fuzzer rarely forges a SHA-256, so inputs
//! starting with `!` get their checksum fixed up to reach the decoder too.
#![no_main]
use sha2::{Digest, Sha256};

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = jobtag::Model::from_bytes(bytes);
    if let Some(rest) = bytes.strip_prefix(b"!") {
        // magic, version, payload length, SHA-256, payload
        if rest.len() >= 52 {
            let mut fixed = rest.to_vec();
            let payload_len = (fixed.len() - 52) as u64;
            fixed[12..20].copy_from_slice(&payload_len.to_le_bytes());
            let digest = Sha256::digest(&fixed[52..]);
            fixed[20..52].copy_from_slice(&digest);
            let _ = jobtag::Model::from_bytes(&fixed);
        }
    }
});
