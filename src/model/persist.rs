//! The model file: one versioned, checksummed binary file.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `JOBTAGM\0` |
//! | 4 | format version ([`FORMAT_VERSION`]) |
//! | 8 | payload length `n` |
//! | 32 | SHA-256 of the payload |
//! | n | payload: gzip of the postcard-encoded [`Model`] |
//!
//! Loading checks magic, version, length and checksum before decoding, so a
//! truncated, corrupt or foreign file is a clear error and never reaches the
//! decoder. Saving writes a temporary file beside the target and renames it
//! into place, so a crash never leaves a half-written model.
//!
//! Format 3 added each head's calibration temperature. A format-2 file
//! still loads (decoded by its own layout, [`ModelV2`]), with temperature 1:
//! its labels are what they were, its confidences uncalibrated.
//!
//! Format 4 added the learned skill-span tagger. A format-3 file loads
//! ([`ModelV3`]) without one: its skills are the catalog's alone.
//!
//! Format 1 encoded the payload with bincode 1, which is unmaintained
//! (RUSTSEC-2025-0141); format 2 uses postcard. A format-1 file is refused
//! with an error that names its version and says to retrain: a model is
//! rebuilt from its recipe in minutes, and carrying a second decoder for old
//! files would keep the unmaintained crate in every build.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};

use serde::Deserialize;

use super::classifier::{Head, Model, ModelMeta};
use super::softmax::SoftmaxRegression;
use crate::error::{Error, ModelFileError, Result};
use crate::features::Featurizer;
use crate::skills::spans::SpanModel;
use crate::taxonomy::Taxonomy;

/// Magic bytes at the start of every model file.
pub const MAGIC: &[u8; 8] = b"JOBTAGM\0";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 4;
/// The oldest format this build reads.
const OLDEST_READ: u32 = 2;
const HEADER_LEN: usize = 8 + 4 + 8 + 32;
/// Upper bound on a decoded model, against decompression bombs.
const MAX_DECODED: u64 = 1 << 30;

/// Hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Model {
    /// Encode the model as model-file bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let encoded =
            postcard::to_stdvec(self).map_err(|e| ModelFileError::Decode(e.to_string()))?;
        // Stored, not compressed: the payload is mostly f32 weights, which
        // gzip's best level shrank by a fifth (2.38 MB to 1.85 MB), and
        // inflating those Huffman-coded blocks took about 10 ms of every
        // start-up; stored blocks are copied. Still a gzip stream, so the
        // format (and every reader of it) is unchanged.
        let mut gz = GzEncoder::new(Vec::new(), Compression::none());
        gz.write_all(&encoded)?;
        let payload = gz.finish()?;
        let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&Sha256::digest(&payload));
        out.extend_from_slice(&payload);
        Ok(out)
    }

    /// Decode model-file bytes, checking everything first.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() < 8 || &bytes[..8] != MAGIC {
            return Err(ModelFileError::BadMagic.into());
        }
        if bytes.len() < HEADER_LEN {
            return Err(ModelFileError::Truncated {
                expected: HEADER_LEN as u64,
                found: bytes.len() as u64,
            }
            .into());
        }
        let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        if !(OLDEST_READ..=FORMAT_VERSION).contains(&version) {
            return Err(ModelFileError::UnsupportedVersion {
                found: version,
                supported: FORMAT_VERSION,
            }
            .into());
        }
        let mut len_bytes = [0u8; 8];
        len_bytes.copy_from_slice(&bytes[12..20]);
        let expected = u64::from_le_bytes(len_bytes);
        let payload = &bytes[HEADER_LEN..];
        if payload.len() as u64 != expected {
            return Err(ModelFileError::Truncated {
                expected,
                found: payload.len() as u64,
            }
            .into());
        }
        if Sha256::digest(payload).as_slice() != &bytes[20..52] {
            return Err(ModelFileError::Checksum.into());
        }
        // A gzip stream ends with its decoded length (mod 2^32): one
        // allocation of that size, not a doubling series of copies. Only a
        // capacity hint (`take` still bounds what is read), capped so that
        // a damaged trailer cannot ask for much.
        let decoded_len = payload
            .last_chunk::<4>()
            .map_or(0, |n| u32::from_le_bytes(*n) as usize);
        let mut decoded = Vec::with_capacity(decoded_len.min(64 << 20) + 1);
        GzDecoder::new(payload)
            .take(MAX_DECODED)
            .read_to_end(&mut decoded)
            .map_err(|e| ModelFileError::Decode(e.to_string()))?;
        let decode_error = |e: postcard::Error| ModelFileError::Decode(e.to_string());
        let mut model: Model = if version == 2 {
            postcard::from_bytes::<ModelV2>(&decoded)
                .map_err(decode_error)?
                .into()
        } else if version == 3 {
            postcard::from_bytes::<ModelV3>(&decoded)
                .map_err(decode_error)?
                .into()
        } else {
            postcard::from_bytes(&decoded).map_err(decode_error)?
        };
        model.featurizer.rebuild_index();
        let spans = model.skill_spans.take().map(SpanModel::indexed);
        model.set_skill_spans(spans);
        // Occupation codes are reference data, not stored in the file.
        if let Ok(default) = crate::taxonomy::Taxonomy::default_taxonomy() {
            model.taxonomy.attach_codes(&default);
        }
        model
            .check_consistent()
            .map_err(ModelFileError::Inconsistent)?;
        Ok(model)
    }

    /// Load a model file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(&bytes).map_err(|e| match e {
            Error::Model(source) => Error::ModelAt {
                path: path.to_path_buf(),
                source,
            },
            other => other,
        })
    }

    /// Write the model file atomically (temporary file, then rename).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let bytes = self.to_bytes()?;
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".into());
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            fs::rename(&tmp, path)
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&tmp);
            Error::io(path, e)
        })
    }

    /// The default model embedded in this build.
    pub fn embedded() -> Result<Self> {
        match EMBEDDED {
            Some(bytes) => Self::from_bytes(bytes),
            None => Err(Error::Recipe(
                "this build has no embedded model (models/default.jtm was missing at build time)"
                    .into(),
            )),
        }
    }
}

/// A format-3 model: format 4 without the skill-span tagger.
#[derive(Deserialize)]
struct ModelV3 {
    meta: ModelMeta,
    taxonomy: Taxonomy,
    featurizer: Featurizer,
    role: Head,
    seniority: Option<Head>,
}

impl From<ModelV3> for Model {
    fn from(m: ModelV3) -> Model {
        Model::new(m.meta, m.taxonomy, m.featurizer, m.role, m.seniority)
    }
}

/// A format-2 model: format 3 without the heads' temperatures.
#[derive(Deserialize)]
struct ModelV2 {
    meta: ModelMeta,
    taxonomy: Taxonomy,
    featurizer: Featurizer,
    role: HeadV2,
    seniority: Option<HeadV2>,
}

/// A format-2 head.
#[derive(Deserialize)]
struct HeadV2 {
    labels: Vec<String>,
    regression: SoftmaxRegression,
}

impl From<HeadV2> for Head {
    fn from(h: HeadV2) -> Head {
        Head {
            labels: h.labels,
            regression: h.regression,
            temperature: 1.0,
        }
    }
}

impl From<ModelV2> for Model {
    fn from(m: ModelV2) -> Model {
        Model::new(
            m.meta,
            m.taxonomy,
            m.featurizer,
            m.role.into(),
            m.seniority.map(Into::into),
        )
    }
}

#[cfg(jobtag_embedded)]
const EMBEDDED: Option<&[u8]> = Some(include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/default.jtm"
)));
#[cfg(not(jobtag_embedded))]
const EMBEDDED: Option<&[u8]> = None;
