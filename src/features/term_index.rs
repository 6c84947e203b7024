//! The labelling hot path's view of a fitted feature space.
//!
//! [`Featurizer::transform`](super::Featurizer::transform) keys features by
//! strings: every unigram and bigram of a posting is spelled out and looked up.
//! That is simple and keeps spans for explanations, but it hashes and compares
//! a few hundred strings per posting. Here every stem that occurs in either
//! vocabulary gets a small integer id once per model, unigrams become a table
//! lookup and bigrams a lookup of an id pair. A per-thread cache maps a raw
//! token straight to its stem ids (the term map, stop words, numbers and the
//! stemmer run once per distinct token, not once per occurrence). The result is
//! the same row, bit for bit: `tests` and `src/pipeline_tests.rs` check it.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use hashbrown::HashTable;
use rustc_hash::FxHashMap;

use super::tfidf::TfIdf;
use crate::text::analyze::content_stems;

/// Not a feature of the block.
const NONE: u32 = u32::MAX;
/// A content word whose stem is in no vocabulary: it yields no feature but
/// still separates its neighbours (no bigram across it).
const UNKNOWN: u32 = u32::MAX - 1;

/// One vocabulary (title or description) in id form.
#[derive(Debug, Default)]
struct BlockIndex {
    /// Feature id of each stem as a unigram, or [`NONE`].
    unigram: Vec<u32>,
    /// Feature id of each `(stem, stem)` pair, packed into a `u64`.
    bigram: FxHashMap<u64, u32>,
}

/// Stem ids for both vocabularies of a featurizer.
#[derive(Debug)]
pub(crate) struct TermIndex {
    /// Distinguishes models in the per-thread token cache.
    uid: u64,
    stems: FxHashMap<Box<str>, u32>,
    title: BlockIndex,
    text: BlockIndex,
}

/// Which vocabulary.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Block {
    Title,
    Text,
}

static NEXT_UID: AtomicU64 = AtomicU64::new(1);

fn pair(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

impl TermIndex {
    pub(crate) fn new(title: &TfIdf, text: &TfIdf) -> Self {
        let mut stems: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut intern = |s: &str| -> u32 {
            let next = stems.len() as u32;
            *stems.entry(s.into()).or_insert(next)
        };
        let mut blocks = [BlockIndex::default(), BlockIndex::default()];
        let mut unigrams: [Vec<(u32, u32)>; 2] = [Vec::new(), Vec::new()];
        for (k, tfidf) in [title, text].into_iter().enumerate() {
            let vocabulary = tfidf.vocabulary();
            for id in 0..vocabulary.len() {
                let Some(term) = vocabulary.term(id) else {
                    continue;
                };
                match term.split_once(' ') {
                    Some((a, b)) => {
                        let key = pair(intern(a), intern(b));
                        blocks[k].bigram.insert(key, id as u32);
                    }
                    None => unigrams[k].push((intern(term), id as u32)),
                }
            }
        }
        for (block, list) in blocks.iter_mut().zip(unigrams) {
            block.unigram = vec![NONE; stems.len()];
            for (stem, id) in list {
                block.unigram[stem as usize] = id;
            }
        }
        let [title, text] = blocks;
        TermIndex {
            uid: NEXT_UID.fetch_add(1, Ordering::Relaxed),
            stems,
            title,
            text,
        }
    }

    /// Append the stem ids of the content words of `text`'s tokens to `seq`.
    pub(crate) fn stem_ids(&self, text: &str, spans: &[(usize, usize)], seq: &mut Vec<u32>) {
        TOKEN_CACHES.with(|caches| {
            let mut caches = caches.borrow_mut();
            let cache = caches.for_model(self.uid);
            if cache.len() >= CACHE_LIMIT {
                cache.clear();
            }
            for &(start, end) in spans {
                if cache.push_cached(text, start, end, seq) {
                    continue;
                }
                let token = &text[start..end];
                let mut ids = Vec::new();
                content_stems(token, |stem| {
                    ids.push(self.stems.get(stem.as_str()).copied().unwrap_or(UNKNOWN));
                });
                seq.extend_from_slice(&ids);
                cache.insert(token, ids);
            }
        });
    }

    /// Feature ids (with repeats, unsorted) of the unigrams and bigrams of a
    /// stem-id sequence, appended to `out`.
    pub(crate) fn feature_ids(&self, block: Block, seq: &[u32], out: &mut Vec<u32>) {
        let index = match block {
            Block::Title => &self.title,
            Block::Text => &self.text,
        };
        for &s in seq {
            if let Some(&id) = index.unigram.get(s as usize) {
                if id != NONE {
                    out.push(id);
                }
            }
        }
        for w in seq.windows(2) {
            if w[0] < UNKNOWN && w[1] < UNKNOWN {
                if let Some(&id) = index.bigram.get(&pair(w[0], w[1])) {
                    out.push(id);
                }
            }
        }
    }
}

/// Sort feature ids. Ids below 2^16 (every vocabulary of up to 65,536
/// terms) are sorted by two counting passes over their bytes, linear where a
/// comparison sort of a posting's few hundred ids is not; `scratch` is
/// working space.
pub(crate) fn sort_ids(ids: &mut [u32], scratch: &mut Vec<u32>) {
    if ids.len() < 64 || ids.len() > u32::MAX as usize || ids.iter().any(|&id| id > 0xffff) {
        ids.sort_unstable();
        return;
    }
    scratch.clear();
    scratch.resize(ids.len(), 0);
    // Least significant byte first; each pass is stable.
    let pass = |from: &[u32], to: &mut [u32], shift: u32| {
        // u32 slots: a posting's ids are far fewer than 2^32.
        let mut at = [0u32; 257];
        for &id in from {
            at[((id >> shift) & 0xff) as usize + 1] += 1;
        }
        for b in 1..257 {
            at[b] += at[b - 1];
        }
        for &id in from {
            let slot = &mut at[((id >> shift) & 0xff) as usize];
            to[*slot as usize] = id;
            *slot += 1;
        }
    };
    pass(ids, scratch, 0);
    pass(scratch, ids, 8);
}

/// Sorted, repeated ids to `(id, count)` pairs.
pub(crate) fn count_sorted(ids: &[u32], out: &mut Vec<(u32, u32)>) {
    for &id in ids {
        match out.last_mut() {
            Some(last) if last.0 == id => last.1 += 1,
            _ => out.push((id, 1)),
        }
    }
}

/// Tokens cached per model and thread before the cache is emptied (a few
/// MB: the benchmark's 100,000 postings have about 120,000 distinct tokens).
const CACHE_LIMIT: usize = 200_000;

/// Models whose caches a thread keeps at once. Two labellers with different
/// models used alternately on one thread (a service with a default and a
/// custom model, a comparison in a notebook) each keep their cache; a third
/// model evicts the least recently used one.
const MODEL_SLOTS: usize = 4;

/// Longest token kept inline in the cache (the top byte of [`ShortKey`]'s
/// last word holds the length).
const SHORT: usize = 23;

/// A short token's bytes as three little-endian words, zero above the token,
/// with its length in the top byte: compared and hashed as three words, with
/// no pointer to follow.
type ShortKey = [u64; 3];

/// The key of the token `text[start..end]`, if it is short. Always
/// inlined: called for every token, it cost about 8,000 instructions per
/// posting more as a call of its own, which some builds chose.
#[inline(always)]
fn short_key(text: &str, start: usize, end: usize) -> Option<ShortKey> {
    let len = end - start;
    if len > SHORT {
        return None;
    }
    let bytes = text.as_bytes();
    let mut key = [0u64; 3];
    for (k, word) in key.iter_mut().enumerate() {
        let at = 8 * k;
        if at >= len {
            break;
        }
        *word = crate::text::ascii_run::load_le(bytes, start + at, (len - at).min(8));
    }
    key[2] |= (len as u64) << 56;
    Some(key)
}

fn short_hash(key: &ShortKey) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    for &word in key {
        h.write_u64(word);
    }
    h.finish()
}

/// A short token and its stem ids (at most two; [`NONE`] marks an empty
/// slot, as no stem id is [`NONE`]).
struct ShortEntry {
    key: ShortKey,
    ids: [u32; 2],
}

/// Raw token → stem ids, per thread. Why not one `HashMap<Box<str>,
/// Box<[u32]>>`: a lookup there follows two pointers (the key to compare, the
/// ids to copy), and the cache is probed for every token of every posting.
/// Nearly all tokens are short and have at most two stems, so they live
/// inline in `short`; the rest go to `long`.
#[derive(Default)]
struct TokenCache {
    /// The model it serves.
    uid: u64,
    /// When it last served (the owning [`TokenCaches`]' clock).
    last_used: u64,
    short: HashTable<ShortEntry>,
    long: FxHashMap<Box<str>, Box<[u32]>>,
}

impl TokenCache {
    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }

    /// Push the cached ids of the token `text[start..end]` onto `seq`; false
    /// if it is not cached.
    #[inline]
    fn push_cached(&self, text: &str, start: usize, end: usize, seq: &mut Vec<u32>) -> bool {
        if let Some(key) = short_key(text, start, end) {
            let hash = short_hash(&key);
            if let Some(e) = self.short.find(hash, |e| e.key == key) {
                for &id in e.ids.iter().filter(|&&id| id != NONE) {
                    seq.push(id);
                }
                return true;
            }
            // A short token with more than two stems is in `long`.
        }
        match self.long.get(&text[start..end]) {
            Some(ids) => {
                seq.extend_from_slice(ids);
                true
            }
            None => false,
        }
    }

    fn insert(&mut self, token: &str, ids: Vec<u32>) {
        match (short_key(token, 0, token.len()), ids.as_slice()) {
            (Some(key), [] | [_] | [_, _]) => {
                let mut slots = [NONE; 2];
                slots[..ids.len()].copy_from_slice(&ids);
                let hash = short_hash(&key);
                self.short
                    .insert_unique(hash, ShortEntry { key, ids: slots }, |e| short_hash(&e.key));
            }
            _ => {
                self.long.insert(token.into(), ids.into_boxed_slice());
            }
        }
    }
}

/// One thread's token caches, each keyed by the [`TermIndex`] uid of the
/// model it was filled for: a token's stem ids depend on the model's
/// vocabularies, so a cache never serves another model.
#[derive(Default)]
struct TokenCaches {
    slots: Vec<TokenCache>,
    clock: u64,
}

impl TokenCaches {
    /// The cache of model `uid`, made (or taken over from the least recently
    /// used model) if there is none.
    fn for_model(&mut self, uid: u64) -> &mut TokenCache {
        self.clock += 1;
        let slot = match self.slots.iter().position(|c| c.uid == uid) {
            Some(i) => i,
            None if self.slots.len() < MODEL_SLOTS => {
                self.slots.push(TokenCache::default());
                self.slots.len() - 1
            }
            None => {
                let i = self
                    .slots
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, c)| c.last_used)
                    .map_or(0, |(i, _)| i);
                self.slots[i].clear();
                i
            }
        };
        let cache = &mut self.slots[slot];
        cache.uid = uid;
        cache.last_used = self.clock;
        cache
    }
}

thread_local! {
    static TOKEN_CACHES: RefCell<TokenCaches> = RefCell::new(TokenCaches::default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_cache_gives_back_what_it_was_given() {
        // Short and long tokens, none to three ids, and tokens read from
        // inside a longer text (the key's wide loads) and at its very end.
        let long = "y".repeat(SHORT + 1);
        let edge = "x".repeat(SHORT);
        let cases: Vec<(&str, Vec<u32>)> = vec![
            ("", vec![]),
            ("a", vec![1]),
            ("the", vec![]),
            ("node.js", vec![3, 4]),
            ("c++/java/rust", vec![5, 6, 7]),
            (edge.as_str(), vec![8]),
            (long.as_str(), vec![9]),
            ("déjà", vec![UNKNOWN]),
        ];
        let mut cache = TokenCache::default();
        for (token, ids) in &cases {
            let mut seq = Vec::new();
            assert!(!cache.push_cached(token, 0, token.len(), &mut seq));
            cache.insert(token, ids.clone());
        }
        assert_eq!(cache.len(), cases.len());
        for (token, ids) in &cases {
            for text in [
                token.to_string(),
                format!("  {token} and more text after it"),
            ] {
                let start = text.find(token).unwrap_or(0);
                let mut seq = vec![42];
                assert!(cache.push_cached(&text, start, start + token.len(), &mut seq));
                assert_eq!(seq[1..], ids[..], "{token:?} in {text:?}");
            }
        }
        // A prefix or an extension of a cached token is another token.
        let mut seq = Vec::new();
        assert!(!cache.push_cached("node", 0, 4, &mut seq));
        assert!(!cache.push_cached("node.jsx", 0, 8, &mut seq));
        assert!(seq.is_empty());
    }

    #[test]
    fn each_model_keeps_its_own_cache_and_the_least_recent_goes() {
        let mut caches = TokenCaches::default();
        for uid in 1..=MODEL_SLOTS as u64 {
            caches.for_model(uid).insert("rust", vec![uid as u32]);
        }
        // Every model finds its own ids, never another's.
        for uid in (1..=MODEL_SLOTS as u64).rev() {
            let mut seq = Vec::new();
            assert!(caches.for_model(uid).push_cached("rust", 0, 4, &mut seq));
            assert_eq!(seq, [uid as u32]);
        }
        // Model MODEL_SLOTS was used longest ago (the loop ran backwards): a
        // new model takes its slot, emptied.
        let new = MODEL_SLOTS as u64 + 1;
        assert_eq!(caches.for_model(new).len(), 0);
        assert_eq!(caches.slots.len(), MODEL_SLOTS);
        let mut seq = Vec::new();
        assert!(!caches
            .for_model(MODEL_SLOTS as u64)
            .push_cached("rust", 0, 4, &mut seq));
        assert!(caches.for_model(1).push_cached("rust", 0, 4, &mut seq));
    }

    #[test]
    fn sort_ids_sorts_like_sort_unstable() {
        let mut lcg = crate::testing::Lcg::new(5);
        let mut scratch = Vec::new();
        for len in [0, 1, 63, 64, 65, 300, 1000] {
            for max in [10, 255, 256, 40_000, 65_536, 70_000] {
                let mut ids: Vec<u32> = (0..len).map(|_| (lcg.next() % max) as u32).collect();
                let mut expected = ids.clone();
                expected.sort_unstable();
                sort_ids(&mut ids, &mut scratch);
                assert_eq!(ids, expected, "{len} ids below {max}");
            }
        }
    }
}
