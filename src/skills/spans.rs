//! Learned skill spans: a linear-chain tagger that marks the words of a
//! posting that name knowledge (tools, technologies, domains, degrees), the
//! catalog's or not.
//!
//! Each word gets hashed features (the word, its shape and affixes, its
//! neighbours, and what the catalog matcher and the section rules said about
//! it); each of the three tags `O`/`B`/`I` has a weight per feature, and a
//! transition weight per pair of tags. The best tag sequence of a line is
//! found by Viterbi. The weights are learned by the averaged structured
//! perceptron (Collins 2002) on SkillSpan's annotated postings.
//!
//! Hand-written rather than the `crfs` crate (a CRFsuite port): `crfs`
//! trains by L-BFGS, which took minutes on this data in a spike that was not
//! kept, too slow for rebuilding the default model in CI; its tagger looks up every attribute string of every
//! word, too slow beside a matcher that reads a posting in tens of
//! microseconds; and its models are files of their own. The perceptron trains
//! with integer updates (so the same data gives the same weights on every
//! machine) and its weights sit in the model file.
//!
//! Labelling takes a fast path ([`SpanModel::tag_words`]: each token's own
//! and neighbour features summed once and cached per thread, the features of
//! a word away from catalog matches precomputed), tested tag for tag against
//! scoring the full feature lists ([`line_features`], [`SpanModel::tag`]);
//! the tests also check Viterbi against enumerating every tag sequence.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::sections::Requirement;

/// Outside a span.
pub(crate) const OUT: u8 = 0;
/// First word of a span.
pub(crate) const BEGIN: u8 = 1;
/// A later word of a span.
pub(crate) const INSIDE: u8 = 2;
const TAGS: usize = 3;

/// A word of a line: its byte range with surrounding punctuation trimmed
/// (the part a span may start or end at), and the whole whitespace-separated
/// token's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Word {
    /// Start of the trimmed word.
    pub start: usize,
    /// End of the trimmed word.
    pub end: usize,
    /// Start of the whole token (leading punctuation included).
    pub token_start: usize,
    /// End of the whole token (trailing punctuation included).
    pub token_end: usize,
}

/// What the catalog matcher said about a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct CatalogMark {
    /// `OUT`, `BEGIN` or `INSIDE` of a catalog alias match.
    pub position: u8,
    /// The match was kept as a tag (evidence found, asked where needed).
    pub accepted: bool,
    /// The alias needs evidence ("Go", "Excel").
    pub needs_evidence: bool,
    /// The alias is a broad word tagged only where asked ("cloud").
    pub where_asked: bool,
    /// The skill's category as [`category_hash`] gives it (0 outside a
    /// match).
    pub category: u64,
}

/// [`words_into`], returned.
#[cfg(test)]
pub(crate) fn words(text: &str, offset: usize) -> Vec<Word> {
    let mut out = Vec::new();
    words_into(text, offset, &mut out);
    out
}

/// The words of a text (byte offsets plus `offset`), split at whitespace,
/// into `out` (cleared first); each word's trimmed part drops leading
/// `([{"'“‘«<*•-` and trailing `.,;:!?)]}"'”’»>` (a token of punctuation
/// only keeps itself).
pub(crate) fn words_into(text: &str, offset: usize, out: &mut Vec<Word>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Whitespace, then a word, each in a loop of its own; ASCII bytes by
        // a table, a multi-byte character decoded (this reads every byte the
        // span tagger tags).
        let (space, len) = space_at(text, i);
        if space {
            i += len;
            continue;
        }
        let start = i;
        i += len;
        // Letters 8 at a time (most of a word), then byte by byte.
        i = crate::text::ascii_run::skip_letters(bytes, i);
        while i < bytes.len() {
            let b = bytes[i];
            if ASCII_WORD_BYTE[usize::from(b)] {
                i += 1;
                continue;
            }
            let (space, len) = space_at(text, i);
            if space {
                break;
            }
            i += len;
        }
        out.push(trim_word(text, start, i, offset));
    }
}

/// Does `text[i..]` start with whitespace, and how long is its first
/// character?
#[inline]
fn space_at(text: &str, i: usize) -> (bool, usize) {
    match text.as_bytes()[i] {
        b if b < 0x80 => (is_ascii_space(b), 1),
        _ => text[i..]
            .chars()
            .next()
            .map_or((false, 1), |c| (c.is_whitespace(), c.len_utf8())),
    }
}

/// ASCII bytes that are not whitespace.
static ASCII_WORD_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x80 {
        table[b] = !is_ascii_space(b as u8);
        b += 1;
    }
    table
};

/// ASCII whitespace as `char::is_whitespace` has it.
const fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn is_leading_punct(c: char) -> bool {
    matches!(
        c,
        '(' | '[' | '{' | '"' | '\'' | '“' | '‘' | '«' | '<' | '*' | '•' | '-'
    )
}

fn is_trailing_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '"' | '\'' | '”' | '’' | '»' | '>'
    )
}

fn trim_word(text: &str, s: usize, e: usize, offset: usize) -> Word {
    let bytes = &text.as_bytes()[s..e];
    // Most words begin and end with a letter or digit: nothing to trim.
    if bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
    {
        return trimmed(s, e, 0, e - s, offset);
    }
    // Most of the rest have ASCII punctuation at an end ("experience,",
    // "(AWS)"): trimmed byte by byte, unless a non-ASCII character is
    // reached, which may be punctuation ("“ML”").
    let lead = bytes
        .iter()
        .take_while(|&&b| is_leading_ascii_punct(b))
        .count();
    let rest = &bytes[lead..];
    let trail = rest
        .iter()
        .rev()
        .take_while(|&&b| is_trailing_ascii_punct(b))
        .count();
    let kept = rest.len() - trail;
    if rest.first().is_some_and(|&b| b >= 0x80) || rest[..kept].last().is_some_and(|&b| b >= 0x80) {
        return trim_word_by_chars(text, s, e, offset);
    }
    trimmed(s, e, lead, kept, offset)
}

/// [`is_leading_punct`] for an ASCII byte.
fn is_leading_ascii_punct(b: u8) -> bool {
    b < 0x80 && is_leading_punct(char::from(b))
}

/// [`is_trailing_punct`] for an ASCII byte.
fn is_trailing_ascii_punct(b: u8) -> bool {
    b < 0x80 && is_trailing_punct(char::from(b))
}

/// [`trim_word`] for any token, character by character (the reference for
/// its fast path).
fn trim_word_by_chars(text: &str, s: usize, e: usize, offset: usize) -> Word {
    let token = &text[s..e];
    let lead = token.len() - token.trim_start_matches(is_leading_punct).len();
    let kept = token[lead..].trim_end_matches(is_trailing_punct).len();
    trimmed(s, e, lead, kept, offset)
}

/// The token `s..e` with `lead` bytes trimmed in front and `kept` bytes
/// kept after them (all of it when nothing would be kept: a token of
/// punctuation only keeps itself), offset by `offset`.
fn trimmed(s: usize, e: usize, lead: usize, kept: usize, offset: usize) -> Word {
    let (start, end) = if kept == 0 {
        (s, e)
    } else {
        (s + lead, s + lead + kept)
    };
    Word {
        start: start + offset,
        end: end + offset,
        token_start: s + offset,
        token_end: e + offset,
    }
}

/// FNV-1a, 64 bits. Written here because the model file stores feature
/// keys made from these hashes: the function must never change, which a
/// hashing crate's `Hasher` does not promise.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |h, &b| fnv_step(h, b))
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// One byte of [`fnv`].
#[inline]
fn fnv_step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
}

/// A feature key: a template number and one or two hashes, mixed (the
/// finalizer of MurmurHash3, fixed for the same reason as [`fnv`]).
fn key(template: u8, a: u64, b: u64) -> u64 {
    let mut h = a ^ b.rotate_left(29) ^ u64::from(template).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The hash of a category name, as [`CatalogMark::category`] holds it.
pub(crate) fn category_hash(category: &str) -> u64 {
    fnv(category.as_bytes())
}

/// The shape class of an ASCII byte: `X`, `x`, `d`, or itself.
#[inline]
fn ascii_shape(b: u8) -> u8 {
    match b {
        b'A'..=b'Z' => b'X',
        b'a'..=b'z' => b'x',
        b'0'..=b'9' => b'd',
        _ => b,
    }
}

/// A word's shape, character by character: letters and digits mapped to
/// `X`, `x`, `d`, runs collapsed ("Node.js" → "Xx.x", "AWS" → "X", "C++" →
/// "X++"), other non-ASCII as `~`; from the first 24 characters, so at most
/// 24 bytes, on the stack. [`word_hashes`] hashes the same bytes of an ASCII
/// word as it reads it.
fn shape_by_chars(word: &str) -> ([u8; 24], usize) {
    let mut out = [0u8; 24];
    let mut n = 0;
    for c in word.chars().take(24) {
        let s = if c.is_uppercase() {
            b'X'
        } else if c.is_lowercase() {
            b'x'
        } else if c.is_ascii_digit() {
            b'd'
        } else if c.is_ascii() {
            c as u8
        } else {
            b'~'
        };
        if n == 0 || out[n - 1] != s || !matches!(s, b'X' | b'x' | b'd') {
            out[n] = s;
            n += 1;
        }
    }
    (out, n)
}

fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn suffix(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    if count <= n {
        return s;
    }
    match s.char_indices().nth(count - n) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

/// The hashes of one word's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WordHashes {
    lower: u64,
    shape: u64,
    prefix: u64,
    suffix: u64,
}

/// The hash standing for "no word here" (before the first, after the last).
const NO_WORD: u64 = 0x6e6f_6e65;

fn word_hashes(word: &str) -> WordHashes {
    let bytes = word.as_bytes();
    if !word.is_ascii() || bytes.len() > 64 {
        return word_hashes_of_any(word);
    }
    // ASCII words (nearly all): one pass, no buffers. FNV-1a reads bytes in
    // order, so the prefix's hash is the lower-cased word's after 3 bytes,
    // and the shape's bytes are hashed as they are made.
    let mut lower = FNV_OFFSET;
    let mut prefix = FNV_OFFSET;
    let mut shape = FNV_OFFSET;
    let mut last_shape = None;
    for (i, &b) in bytes.iter().enumerate() {
        lower = fnv_step(lower, b.to_ascii_lowercase());
        if i == 2 {
            prefix = lower;
        }
        if i < 24 {
            let s = ascii_shape(b);
            if last_shape != Some(s) || !matches!(s, b'X' | b'x' | b'd') {
                shape = fnv_step(shape, s);
                last_shape = Some(s);
            }
        }
    }
    if bytes.len() < 3 {
        prefix = lower;
    }
    let suffix = bytes[bytes.len().saturating_sub(3)..]
        .iter()
        .fold(FNV_OFFSET, |h, &b| fnv_step(h, b.to_ascii_lowercase()));
    WordHashes {
        lower,
        shape,
        prefix,
        suffix,
    }
}

/// [`word_hashes`] of any word, through a lower-cased `String` (the
/// reference for its ASCII path).
fn word_hashes_of_any(word: &str) -> WordHashes {
    let lower = word.to_lowercase();
    let (sh, sh_len) = shape_by_chars(word);
    WordHashes {
        lower: fnv(lower.as_bytes()),
        shape: fnv(&sh[..sh_len]),
        prefix: fnv(prefix(&lower, 3).as_bytes()),
        suffix: fnv(suffix(&lower, 3).as_bytes()),
    }
}

/// Templates (the first input of every feature [`key`]).
mod template {
    pub const BIAS: u8 = 1;
    pub const WORD: u8 = 2;
    pub const SHAPE: u8 = 3;
    pub const PREFIX: u8 = 4;
    pub const SUFFIX: u8 = 5;
    pub const PREV: u8 = 6;
    pub const NEXT: u8 = 7;
    pub const PREV2: u8 = 8;
    pub const NEXT2: u8 = 9;
    pub const CATALOG: u8 = 12;
    pub const CATALOG_CATEGORY: u8 = 13;
    pub const CATALOG_PREV: u8 = 14;
    pub const CATALOG_NEXT: u8 = 15;
    pub const LEVEL: u8 = 16;
    pub const PUNCT: u8 = 17;
    pub const FIRST: u8 = 18;
    pub const LEVEL_CATALOG: u8 = 21;
}

/// The features a word brings to the word `offset` places after it
/// (`offset` in -2..=2): its own form features at 0, its lower-cased form
/// as a neighbour elsewhere.
fn unigram_keys(w: &WordHashes, offset: isize, out: &mut Vec<u64>) {
    match offset {
        0 => {
            out.push(key(template::WORD, w.lower, 0));
            out.push(key(template::SHAPE, w.shape, 0));
            out.push(key(template::PREFIX, w.prefix, 0));
            out.push(key(template::SUFFIX, w.suffix, 0));
        }
        // The word is before the one scored: it is that word's PREV.
        -1 => out.push(key(template::NEXT, w.lower, 0)),
        1 => out.push(key(template::PREV, w.lower, 0)),
        -2 => out.push(key(template::NEXT2, w.lower, 0)),
        _ => out.push(key(template::PREV2, w.lower, 0)),
    }
}

/// The punctuation feature of a token: what was trimmed off each end of it
/// (none when nothing was).
fn punct_key(text: &str, word: &Word, out: &mut Vec<u64>) {
    let lead = &text.as_bytes()[word.token_start..word.start];
    let trail = &text.as_bytes()[word.end..word.token_end];
    if !lead.is_empty() || !trail.is_empty() {
        out.push(key(template::PUNCT, fnv(lead), fnv(trail)));
    }
}

/// Where a word stands: what the catalog said about it and its neighbours,
/// its section level, whether it starts its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Situation {
    mark: CatalogMark,
    prev: CatalogMark,
    next: CatalogMark,
    level: u8,
    first: bool,
}

impl Situation {
    fn of(marks: &[CatalogMark], levels: &[Requirement], i: usize) -> Situation {
        Situation {
            mark: marks[i],
            prev: i
                .checked_sub(1)
                .and_then(|k| marks.get(k))
                .copied()
                .unwrap_or_default(),
            next: marks.get(i + 1).copied().unwrap_or_default(),
            level: levels[i] as u8,
            first: i == 0,
        }
    }

    /// Away from catalog matches and not first: the common case, whose
    /// features differ only by level.
    fn is_plain(&self) -> bool {
        let none = CatalogMark::default();
        !self.first && self.mark == none && self.prev == none && self.next == none
    }

    /// What its features depend on, as one number (the cache key).
    fn packed(&self) -> u128 {
        let (m, p, q) = (self.mark, self.prev, self.next);
        let bits = [
            m.position,
            u8::from(m.accepted),
            u8::from(m.needs_evidence),
            u8::from(m.where_asked),
            p.position,
            u8::from(p.accepted),
            q.position,
            u8::from(q.accepted),
            self.level,
            u8::from(self.first),
        ];
        let small = bits.iter().fold(0u64, |acc, &b| (acc << 4) | u64::from(b));
        (u128::from(m.category) << 64) | u128::from(small)
    }

    /// Its features.
    fn keys(&self, out: &mut Vec<u64>) {
        let (m, p, q) = (self.mark, self.prev, self.next);
        out.push(key(template::BIAS, 0, 0));
        out.push(key(template::CATALOG, catalog_flags(m), 0));
        if m.position != OUT {
            out.push(key(
                template::CATALOG_CATEGORY,
                u64::from(m.position),
                m.category,
            ));
        }
        out.push(key(
            template::CATALOG_PREV,
            small(&[p.position, u8::from(p.accepted), m.position]),
            0,
        ));
        out.push(key(
            template::CATALOG_NEXT,
            small(&[m.position, q.position, u8::from(q.accepted)]),
            0,
        ));
        out.push(key(template::LEVEL, u64::from(self.level), 0));
        out.push(key(
            template::LEVEL_CATALOG,
            small(&[self.level, m.position, u8::from(m.accepted)]),
            0,
        ));
        if self.first {
            out.push(key(template::FIRST, 0, 0));
        }
    }
}

fn catalog_flags(m: CatalogMark) -> u64 {
    small(&[
        m.position,
        u8::from(m.accepted),
        u8::from(m.needs_evidence),
        u8::from(m.where_asked),
    ])
}

/// A few small numbers as one.
fn small(parts: &[u8]) -> u64 {
    parts.iter().fold(1u64, |acc, &p| (acc << 8) | u64::from(p))
}

/// The features of every word of a line, flattened: word `i`'s are
/// `keys[bounds[i]..bounds[i + 1]]`.
pub(crate) struct LineFeatures {
    pub keys: Vec<u64>,
    pub bounds: Vec<usize>,
}

impl LineFeatures {
    pub fn len(&self) -> usize {
        self.bounds.len() - 1
    }
    fn of(&self, i: usize) -> &[u64] {
        &self.keys[self.bounds[i]..self.bounds[i + 1]]
    }
}

/// The features of the words of one line of `text` (for training, and the
/// reference [`SpanModel::tag_line`] is tested against).
pub(crate) fn line_features(
    text: &str,
    words: &[Word],
    marks: &[CatalogMark],
    levels: &[Requirement],
) -> LineFeatures {
    let hashes: Vec<WordHashes> = words
        .iter()
        .map(|w| word_hashes(&text[w.start..w.end]))
        .collect();
    let n = words.len();
    let mut keys = Vec::with_capacity(n * 20);
    let mut bounds = Vec::with_capacity(n + 1);
    bounds.push(0);
    for (i, word) in words.iter().enumerate() {
        for offset in -2isize..=2 {
            let j = i as isize - offset;
            match usize::try_from(j).ok().and_then(|j| hashes.get(j)) {
                Some(h) => unigram_keys(h, offset, &mut keys),
                None => unigram_keys(&NO_WORD_HASHES, offset, &mut keys),
            }
        }
        punct_key(text, word, &mut keys);
        Situation::of(marks, levels, i).keys(&mut keys);
        bounds.push(keys.len());
    }
    LineFeatures { keys, bounds }
}

/// The forms of "no word".
const NO_WORD_HASHES: WordHashes = WordHashes {
    lower: NO_WORD,
    shape: NO_WORD,
    prefix: NO_WORD,
    suffix: NO_WORD,
};

/// Byte or word ranges `(start, end)`.
pub(crate) type Ranges = Vec<(usize, usize)>;

/// Spans of consecutive `B I* ` tags, as word index ranges `[first, last]`.
pub(crate) fn tag_runs(tags: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    for_each_tag_run(tags, |first, last| runs.push((first, last)));
    runs
}

/// [`tag_runs`] handed to `f` one by one (labelling makes no list of them).
pub(crate) fn for_each_tag_run(tags: &[u8], mut f: impl FnMut(usize, usize)) {
    let mut open: Option<usize> = None;
    for (i, &t) in tags.iter().enumerate() {
        match t {
            BEGIN => {
                if let Some(s) = open.take() {
                    f(s, i - 1);
                }
                open = Some(i);
            }
            INSIDE => {
                if open.is_none() {
                    open = Some(i);
                }
            }
            _ => {
                if let Some(s) = open.take() {
                    f(s, i - 1);
                }
            }
        }
    }
    if let Some(s) = open {
        f(s, tags.len() - 1);
    }
}

/// The best tag sequence given each word's tag scores and the transition
/// scores (`transitions[from][to]`, `from == TAGS` at the start).
fn viterbi(emissions: &[[f32; TAGS]], transitions: &[[f32; TAGS]; TAGS + 1]) -> Vec<u8> {
    let mut tags = Vec::new();
    viterbi_into(emissions, transitions, &mut Vec::new(), &mut tags);
    tags
}

/// [`viterbi`] with buffers for the back pointers and the tags.
fn viterbi_into(
    emissions: &[[f32; TAGS]],
    transitions: &[[f32; TAGS]; TAGS + 1],
    back: &mut Vec<[u8; TAGS]>,
    tags: &mut Vec<u8>,
) {
    tags.clear();
    let n = emissions.len();
    if n == 0 {
        return;
    }
    back.clear();
    back.resize(n, [0u8; TAGS]);
    let mut score = [0f32; TAGS];
    for t in 0..TAGS {
        score[t] = transitions[TAGS][t] + emissions[0][t];
    }
    for i in 1..n {
        let mut next = [f32::NEG_INFINITY; TAGS];
        for to in 0..TAGS {
            let mut best = (f32::NEG_INFINITY, 0u8);
            for from in 0..TAGS {
                let s = score[from] + transitions[from][to];
                if s > best.0 {
                    best = (s, from as u8);
                }
            }
            next[to] = best.0 + emissions[i][to];
            back[i][to] = best.1;
        }
        score = next;
    }
    let mut last = 0u8;
    for t in 1..TAGS {
        if score[t] > score[last as usize] {
            last = t as u8;
        }
    }
    tags.resize(n, 0);
    tags[n - 1] = last;
    for i in (1..n).rev() {
        tags[i - 1] = back[i][tags[i] as usize];
    }
}

/// A trained span tagger: per-feature tag weights and tag transitions.
#[derive(Clone, Serialize, Deserialize)]
pub struct SpanModel {
    /// Feature keys, sorted, and their weights for `O`, `B`, `I`.
    features: Vec<(u64, [f32; TAGS])>,
    /// `transitions[from][to]`; the last row is the start of a line.
    transitions: [[f32; TAGS]; TAGS + 1],
    /// What it was trained on and how (for `jobtag info` and the card).
    pub(crate) trained_on: String,
    /// Lookup tables, built after training or loading.
    #[serde(skip)]
    tables: Option<std::sync::Arc<Tables>>,
}

/// A [`SpanModel`]'s lookup tables.
struct Tables {
    /// Feature key → its weights.
    weights: FxHashMap<u64, [f32; TAGS]>,
    /// Distinguishes models in the per-thread word cache.
    id: u64,
    /// What "no word" brings at each offset (-2..=2).
    no_word: [[f32; TAGS]; 5],
    /// The situation features of a word away from any catalog match,
    /// without punctuation, not first in its line, by level.
    plain: [[f32; TAGS]; 3],
}

impl std::fmt::Debug for SpanModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SpanModel({} features)", self.features.len())
    }
}

impl PartialEq for SpanModel {
    fn eq(&self, other: &Self) -> bool {
        self.features == other.features
            && self.transitions == other.transitions
            && self.trained_on == other.trained_on
    }
}

/// One token's cached contributions (see [`SpanModel::tag_words`]).
#[derive(Clone, Copy)]
struct CachedWord {
    /// What the token's word brings to the word at each offset (-2..=2)
    /// from it; at 0, with the token's punctuation feature.
    unigram: [[f32; TAGS]; 5],
}

/// Recent tokens of this thread, per model, in a two-way set-associative
/// table: frequent words ("and", "experience") stay in it. Its 16,384 slots
/// of 80 bytes (1.3 MB) fit a core's L2 cache beside the rest; 4,096 slots
/// missed about a fifth of the words a posting tags, and each miss costs
/// eight weight lookups. A million-entry map of every word was slower than
/// computing the features. A token has two places (a set); it goes to the
/// first, pushing the set's previous first to the second.
struct WordCache {
    model: u64,
    /// `(short_key, contributions)`, in sets of two; key 0 is an empty
    /// slot.
    slots: Vec<(u128, CachedWord)>,
    /// The summed features of situations seen (few: catalog marks around a
    /// word repeat).
    situations: FxHashMap<u128, [f32; TAGS]>,
}

/// Slots of the word cache (a power of two; two to a set).
const WORD_CACHE_SLOTS: usize = 16384;

impl Default for WordCache {
    fn default() -> Self {
        WordCache {
            model: 0,
            slots: vec![
                (
                    0,
                    CachedWord {
                        unigram: [[0.0; TAGS]; 5]
                    }
                );
                WORD_CACHE_SLOTS
            ],
            situations: FxHashMap::default(),
        }
    }
}

/// A thread's word cache and the buffers [`SpanModel::tag_words`] reuses
/// from line to line.
#[derive(Default)]
struct Scratch {
    cache: WordCache,
    emissions: Vec<[f32; TAGS]>,
    keys: Vec<u64>,
    back: Vec<[u8; TAGS]>,
}

/// A token of up to 15 bytes (`text[start..start + len]`) as one number:
/// its bytes, then its length in the last byte (so "a" and "a\0" differ).
fn short_key(text: &str, start: usize, len: usize) -> Option<u128> {
    if len >= 16 {
        return None;
    }
    let bytes = text.as_bytes();
    let len_byte = (len as u128) << 120;
    // Sixteen bytes from the token's start when the text has them: one load
    // and a mask instead of a copy of `len` bytes.
    if let Some(sixteen) = bytes.get(start..start + 16) {
        let mut b = [0u8; 16];
        b.copy_from_slice(sixteen);
        let mask = (1u128 << (8 * len)) - 1;
        return Some((u128::from_le_bytes(b) & mask) | len_byte);
    }
    let mut key = [0u8; 16];
    key[..len].copy_from_slice(bytes.get(start..start + len)?);
    Some(u128::from_le_bytes(key) | len_byte)
}

/// Situations kept before the cache starts over.
const SITUATION_CACHE_LIMIT: usize = 100_000;

thread_local! {
    static WORD_CACHE: std::cell::RefCell<Scratch> = Default::default();
}

static NEXT_MODEL_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn add(sum: &mut [f32; TAGS], w: &[f32; TAGS]) {
    for t in 0..TAGS {
        sum[t] += w[t];
    }
}

impl Tables {
    fn sum(&self, keys: &[u64]) -> [f32; TAGS] {
        let mut e = [0f32; TAGS];
        for k in keys {
            if let Some(w) = self.weights.get(k) {
                add(&mut e, w);
            }
        }
        e
    }

    fn unigram(&self, h: &WordHashes) -> [[f32; TAGS]; 5] {
        // The keys of `unigram_keys`, in its order, looked up one by one
        // (this runs for every word not in the per-thread cache).
        let weight = |template: u8, hash: u64| {
            self.weights
                .get(&key(template, hash, 0))
                .copied()
                .unwrap_or_default()
        };
        let mut own = [0f32; TAGS];
        for (template, hash) in [
            (template::WORD, h.lower),
            (template::SHAPE, h.shape),
            (template::PREFIX, h.prefix),
            (template::SUFFIX, h.suffix),
        ] {
            add(&mut own, &weight(template, hash));
        }
        [
            weight(template::NEXT2, h.lower),
            weight(template::NEXT, h.lower),
            own,
            weight(template::PREV, h.lower),
            weight(template::PREV2, h.lower),
        ]
    }
}

impl SpanModel {
    /// Make the lookup tables (after training or loading).
    pub(crate) fn indexed(mut self) -> Self {
        let weights: FxHashMap<u64, [f32; TAGS]> = self.features.iter().copied().collect();
        let mut tables = Tables {
            weights,
            id: NEXT_MODEL_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            no_word: [[0.0; TAGS]; 5],
            plain: [[0.0; TAGS]; 3],
        };
        tables.no_word = tables.unigram(&NO_WORD_HASHES);
        let mut keys = Vec::new();
        for level in 0..3u8 {
            keys.clear();
            Situation {
                mark: CatalogMark::default(),
                prev: CatalogMark::default(),
                next: CatalogMark::default(),
                level,
                first: false,
            }
            .keys(&mut keys);
            tables.plain[usize::from(level)] = tables.sum(&keys);
        }
        self.tables = Some(std::sync::Arc::new(tables));
        self
    }

    /// The tags of one line's words, from its full feature lists (the
    /// reference for [`SpanModel::tag_words`], and training's scorer).
    pub(crate) fn tag(&self, features: &LineFeatures) -> Vec<u8> {
        let emissions: Vec<[f32; TAGS]> = (0..features.len())
            .map(|i| match &self.tables {
                Some(t) => t.sum(features.of(i)),
                None => [0.0; TAGS],
            })
            .collect();
        viterbi(&emissions, &self.transitions)
    }

    /// The tags of one line's words, as [`SpanModel::tag`] gives for
    /// [`line_features`] of the same words, fast: each word's own and
    /// neighbour features come summed from a per-thread cache, and a word
    /// away from catalog matches and punctuation takes its situation
    /// features as one precomputed sum.
    pub(crate) fn tag_words(
        &self,
        text: &str,
        words: &[Word],
        marks: &[CatalogMark],
        levels: &[Requirement],
        tags: &mut Vec<u8>,
    ) {
        let Some(tables) = &self.tables else {
            tags.clear();
            tags.resize(words.len(), OUT);
            return;
        };
        WORD_CACHE.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let Scratch {
                cache,
                emissions,
                keys,
                back,
            } = &mut *scratch;
            if cache.model != tables.id || cache.situations.len() > SITUATION_CACHE_LIMIT {
                cache.slots.fill((
                    0,
                    CachedWord {
                        unigram: [[0.0; TAGS]; 5],
                    },
                ));
                cache.situations.clear();
                cache.model = tables.id;
            }
            emissions_into(tables, cache, keys, text, words, marks, levels, emissions);
            let n = words.len();
            viterbi_into(&emissions[2..n + 2], &self.transitions, back, tags);
        })
    }
}

/// The emissions of a line's words, into `emissions` (cleared first;
/// padded with two places at each end: word `i`'s is at `i + 2`): what
/// [`SpanModel::tag_words`] scores, each word's the sum of what its
/// neighbours at offsets -2 ..= 2 bring and its situation's features, in
/// that order (see [`emissions_by_gathering`], the reference in the tests).
#[allow(clippy::too_many_arguments)]
#[inline]
fn emissions_into(
    tables: &Tables,
    cache: &mut WordCache,
    keys: &mut Vec<u64>,
    text: &str,
    words: &[Word],
    marks: &[CatalogMark],
    levels: &[Requirement],
    emissions: &mut Vec<[f32; TAGS]>,
) {
    // Each word adds what it brings to itself and its neighbours
    // (`unigram[slot]` to the word `slot - 2` places after it),
    // read straight from its cache slot, not copied. Words go last
    // to first, so that each word's emission sums the same terms in
    // the same order as reading its neighbours at offsets -2, -1, 0,
    // 1, 2 in turn (the same floating-point result), then its
    // situation.
    let n = words.len();
    // Two slots of padding at each end take what the first and
    // last words bring to neighbours they lack (word `i` is at
    // `i + 2`), so that no add is checked.
    emissions.clear();
    emissions.resize(n + 4, [0f32; TAGS]);
    // No word two or one places after the last ones.
    for (i, e) in emissions[2..n + 2]
        .iter_mut()
        .enumerate()
        .skip(n.saturating_sub(2))
    {
        add(e, &tables.no_word[0]);
        if i + 1 == n {
            add(e, &tables.no_word[1]);
        }
    }
    for (j, w) in words.iter().enumerate().rev() {
        let token = &text[w.token_start..w.token_end];
        // The token's two ways (`set`, `set + 1`): it is in one of them if
        // cached at all.
        let found = short_key(text, w.token_start, token.len()).map(|k| {
            let mixed = (k as u64 ^ (k >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let sets = WORD_CACHE_SLOTS / 2;
            (k, 2 * (mixed >> (64 - sets.trailing_zeros())) as usize)
        });
        let computed;
        let word = match found {
            Some((k, set)) if cache.slots[set].0 == k => &cache.slots[set].1,
            Some((k, set)) if cache.slots[set + 1].0 == k => &cache.slots[set + 1].1,
            _ => {
                let mut unigram = tables.unigram(&word_hashes(&text[w.start..w.end]));
                keys.clear();
                punct_key(text, w, keys);
                add(&mut unigram[2], &tables.sum(keys));
                computed = CachedWord { unigram };
                if let Some((k, set)) = found {
                    // The newest in the first way, the one it held in the
                    // second (the older there goes).
                    cache.slots[set + 1] = cache.slots[set];
                    cache.slots[set] = (k, computed);
                }
                &computed
            }
        };
        // `unigram[0..5]` to the words j - 2 ..= j + 2 (padded
        // places j .. j + 5).
        for (e, contribution) in emissions[j..j + 5].iter_mut().zip(&word.unigram) {
            add(e, contribution);
        }
    }
    let inner = &mut emissions[2..n + 2];
    // No word one or two places before the first ones.
    for (i, e) in inner.iter_mut().enumerate().take(2) {
        if i == 0 {
            add(e, &tables.no_word[3]);
        }
        add(e, &tables.no_word[4]);
    }
    // Each word's situation, plain ([`Situation::is_plain`]: not first, no
    // catalog mark on it or either side) for most: each mark is compared
    // with "none" once, as the window moves, not three times.
    let none = CatalogMark::default();
    let unmarked = |k: usize| marks.get(k).is_none_or(|m| *m == none);
    let (mut before, mut here) = (true, unmarked(0));
    for (i, e) in inner.iter_mut().enumerate() {
        let after = unmarked(i + 1);
        let plain = i != 0 && before && here && after;
        debug_assert_eq!(plain, Situation::of(marks, levels, i).is_plain());
        (before, here) = (here, after);
        if plain {
            add(e, &tables.plain[levels[i] as usize]);
        } else {
            let situation = Situation::of(marks, levels, i);
            let sum = cache
                .situations
                .entry(situation.packed())
                .or_insert_with(|| {
                    keys.clear();
                    situation.keys(keys);
                    tables.sum(keys)
                });
            add(e, sum);
        }
    }
}

/// One training line: its features and its gold tags.
pub(crate) struct TrainingLine {
    pub features: LineFeatures,
    pub tags: Vec<u8>,
}

/// Train by the averaged perceptron: `epochs` passes over `lines` in a
/// fixed order that changes each epoch (a deterministic shuffle); features
/// seen fewer than `min_count` times in the gold data are dropped.
pub(crate) fn train(
    lines: &[TrainingLine],
    epochs: usize,
    min_count: u32,
    trained_on: String,
) -> SpanModel {
    // Feature index over the gold data.
    let mut counts: FxHashMap<u64, u32> = FxHashMap::default();
    for line in lines {
        for k in &line.features.keys {
            *counts.entry(*k).or_default() += 1;
        }
    }
    let mut kept: Vec<u64> = counts
        .iter()
        .filter(|(_, &c)| c >= min_count)
        .map(|(k, _)| *k)
        .collect();
    kept.sort_unstable();
    let index: FxHashMap<u64, usize> = kept.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let nf = kept.len();
    // Current weights and the running sums for averaging (Daumé's trick:
    // average = w - u / c), integers so every machine gets the same result.
    let mut w = vec![[0i64; TAGS]; nf];
    let mut u = vec![[0i64; TAGS]; nf];
    let mut tw = [[0i64; TAGS]; TAGS + 1];
    let mut tu = [[0i64; TAGS]; TAGS + 1];
    let ids: Vec<Vec<Vec<usize>>> = lines
        .iter()
        .map(|l| {
            (0..l.features.len())
                .map(|i| {
                    l.features
                        .of(i)
                        .iter()
                        .filter_map(|k| index.get(k).copied())
                        .collect()
                })
                .collect()
        })
        .collect();
    let mut order: Vec<usize> = (0..lines.len()).collect();
    let mut c: i64 = 1;
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..epochs {
        // Fisher–Yates with a fixed xorshift sequence.
        for i in (1..order.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        for &li in &order {
            let gold = &lines[li].tags;
            let feats = &ids[li];
            let emissions: Vec<[f32; TAGS]> = feats
                .iter()
                .map(|fs| {
                    let mut e = [0f32; TAGS];
                    for &f in fs {
                        for t in 0..TAGS {
                            e[t] += w[f][t] as f32;
                        }
                    }
                    e
                })
                .collect();
            let trans = tw.map(|row| row.map(|x| x as f32));
            let guess = viterbi(&emissions, &trans);
            if guess != *gold {
                for (i, fs) in feats.iter().enumerate() {
                    let (g, p) = (gold[i] as usize, guess[i] as usize);
                    if g != p {
                        for &f in fs {
                            w[f][g] += 1;
                            u[f][g] += c;
                            w[f][p] -= 1;
                            u[f][p] -= c;
                        }
                    }
                    let (gp, pp) = if i == 0 {
                        (TAGS, TAGS)
                    } else {
                        (gold[i - 1] as usize, guess[i - 1] as usize)
                    };
                    if (gp, g) != (pp, p) {
                        tw[gp][g] += 1;
                        tu[gp][g] += c;
                        tw[pp][p] -= 1;
                        tu[pp][p] -= c;
                    }
                }
            }
            c += 1;
        }
    }
    let average = |w: i64, u: i64| (w as f64 - u as f64 / c as f64) as f32;
    let features: Vec<(u64, [f32; TAGS])> = kept
        .iter()
        .enumerate()
        .filter_map(|(i, &k)| {
            let v = [0, 1, 2].map(|t| average(w[i][t], u[i][t]));
            v.iter().any(|x| x.abs() > 1e-3).then_some((k, v))
        })
        .collect();
    let mut transitions = [[0f32; TAGS]; TAGS + 1];
    for (r, row) in transitions.iter_mut().enumerate() {
        for (t, x) in row.iter_mut().enumerate() {
            *x = average(tw[r][t], tu[r][t]);
        }
    }
    let trained_on = format!("{trained_on}; {} weighted features", features.len());
    SpanModel {
        features,
        transitions,
        trained_on,
        tables: None,
    }
    .indexed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_trim_punctuation_but_keep_tokens_of_punctuation() {
        let text = "Java, (Node.js) C++ - SQL.";
        let w = words(text, 0);
        let core: Vec<&str> = w.iter().map(|w| &text[w.start..w.end]).collect();
        assert_eq!(core, ["Java", "Node.js", "C++", "-", "SQL"]);
        assert_eq!(&text[w[1].token_start..w[1].token_end], "(Node.js)");
    }

    #[test]
    fn runs_of_tags() {
        assert_eq!(
            tag_runs(&[OUT, BEGIN, INSIDE, OUT, INSIDE, BEGIN, BEGIN]),
            vec![(1, 2), (4, 4), (5, 5), (6, 6)]
        );
    }

    /// Viterbi against trying every tag sequence.
    fn brute_force(e: &[[f32; TAGS]], tr: &[[f32; TAGS]; TAGS + 1]) -> f32 {
        let n = e.len();
        let mut best = f32::NEG_INFINITY;
        for code in 0..TAGS.pow(n as u32) {
            let mut c = code;
            let mut prev = TAGS;
            let mut s = 0.0;
            for row in e {
                let t = c % TAGS;
                c /= TAGS;
                s += tr[prev][t] + row[t];
                prev = t;
            }
            best = best.max(s);
        }
        best
    }

    fn score(tags: &[u8], e: &[[f32; TAGS]], tr: &[[f32; TAGS]; TAGS + 1]) -> f32 {
        let mut prev = TAGS;
        let mut s = 0.0;
        for (t, row) in tags.iter().zip(e) {
            s += tr[prev][*t as usize] + row[*t as usize];
            prev = *t as usize;
        }
        s
    }

    /// Words as [`words_into`] finds them, the plain way: split at every
    /// whitespace character, each trimmed character by character.
    fn words_by_chars(text: &str) -> Vec<Word> {
        let mut out = Vec::new();
        let mut start = None;
        let ends = text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')));
        for (i, c) in ends {
            if !c.is_whitespace() {
                start = start.or(Some(i));
            } else if let Some(s) = start.take() {
                out.push(trim_word_by_chars(text, s, i, 7));
            }
        }
        out
    }

    /// [`emissions_into`]'s result the plain way (unpadded): every word's
    /// contributions computed afresh, and each word's emission gathered from
    /// the words at offsets -2 ..= 2 from it in turn ("no word" where the
    /// line has none), then its situation's features summed.
    fn emissions_by_gathering(
        tables: &Tables,
        text: &str,
        words: &[Word],
        marks: &[CatalogMark],
        levels: &[Requirement],
    ) -> Vec<[f32; TAGS]> {
        let brought: Vec<[[f32; TAGS]; 5]> = words
            .iter()
            .map(|w| {
                let mut unigram = tables.unigram(&word_hashes(&text[w.start..w.end]));
                let mut keys = Vec::new();
                punct_key(text, w, &mut keys);
                add(&mut unigram[2], &tables.sum(&keys));
                unigram
            })
            .collect();
        (0..words.len())
            .map(|i| {
                let mut e = [0f32; TAGS];
                for (s, no_word) in tables.no_word.iter().enumerate() {
                    // The word `2 - s` places after word `i` brings it its
                    // `unigram[s]`.
                    let j = (i + 2).checked_sub(s);
                    match j.and_then(|j| brought.get(j)) {
                        Some(b) => add(&mut e, &b[s]),
                        None => add(&mut e, no_word),
                    }
                }
                let mut keys = Vec::new();
                Situation::of(marks, levels, i).keys(&mut keys);
                add(&mut e, &tables.sum(&keys));
                e
            })
            .collect()
    }

    /// Words a test line is made of: short and long (past the cache key's
    /// 15 bytes), punctuated, not ASCII, repeated.
    const TEST_WORDS: &[&str] = &[
        "Java",
        "(Node.js)",
        "SQL.",
        "C++",
        "-",
        "é",
        "“ML”",
        "experience",
        "with",
        "and",
        "Kubernetes,",
        "supercalifragilistic-expialidocious",
        "3+",
        "years",
        "•",
        "x",
    ];

    /// A model over the features of [`TEST_WORDS`] in every situation, with
    /// weights of many magnitudes (so that the order of additions shows in
    /// the bits); features of words not in it have no weight.
    fn test_model() -> SpanModel {
        let text = TEST_WORDS[..TEST_WORDS.len() - 2].join(" ");
        let words = words(&text, 0);
        let mut keys: Vec<u64> = Vec::new();
        for position in [OUT, BEGIN, INSIDE] {
            for level in [
                Requirement::Mentioned,
                Requirement::Preferred,
                Requirement::Required,
            ] {
                let marks: Vec<CatalogMark> = (0..words.len())
                    .map(|i| CatalogMark {
                        position: if i % 3 == 0 { position } else { OUT },
                        accepted: i % 2 == 0,
                        category: (i % 2) as u64,
                        ..CatalogMark::default()
                    })
                    .collect();
                let levels = vec![level; words.len()];
                keys.extend(line_features(&text, &words, &marks, &levels).keys);
            }
        }
        model_over(keys)
    }

    /// A model with these feature keys, each with weights of many
    /// magnitudes.
    fn model_over(mut keys: Vec<u64>) -> SpanModel {
        keys.sort_unstable();
        keys.dedup();
        let weight = |k: u64, t: u64| {
            let h = k
                .rotate_left(17 * t as u32)
                .wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let scale = [1e-3f32, 1.0, 1e3][(h % 3) as usize];
            ((h >> 40) % 20_001) as f32 / 7.0 * scale - 1428.0 * scale
        };
        SpanModel {
            features: keys
                .into_iter()
                .map(|k| (k, [weight(k, 0), weight(k, 1), weight(k, 2)]))
                .collect(),
            transitions: [[0.5, -0.25, 0.125]; TAGS + 1],
            trained_on: "test".into(),
            tables: None,
        }
        .indexed()
    }

    #[test]
    fn emissions_are_the_same_when_words_evict_each_other_from_the_cache() {
        // Three times as many distinct tokens as the word cache has slots,
        // each with weights of its own, read twice: tokens push each other
        // out of their sets, and what is read back from either place of a
        // set, or computed again, must be that token's.
        let text: String = (0..3 * WORD_CACHE_SLOTS)
            .map(|i| format!("w{i:x}{}", if i % 3 == 0 { ", " } else { " " }))
            .collect();
        let all = words(&text, 0);
        let none = vec![CatalogMark::default(); all.len()];
        let levels = vec![Requirement::Mentioned; all.len()];
        let model = model_over(line_features(&text, &all, &none, &levels).keys);
        let tables = model.tables.as_deref().expect("indexed");
        let mut cache = WordCache::default();
        let (mut keys, mut emissions) = (Vec::new(), Vec::new());
        for _ in 0..2 {
            for (line, marks) in all.chunks(7).zip(none.chunks(7)) {
                let levels = &levels[..line.len()];
                let want = emissions_by_gathering(tables, &text, line, marks, levels);
                emissions_into(
                    tables,
                    &mut cache,
                    &mut keys,
                    &text,
                    line,
                    marks,
                    levels,
                    &mut emissions,
                );
                let bits = |e: &[[f32; TAGS]]| -> Vec<[u32; TAGS]> {
                    e.iter().map(|r| r.map(f32::to_bits)).collect()
                };
                assert_eq!(
                    bits(&emissions[2..line.len() + 2]),
                    bits(&want),
                    "{:?}",
                    &text[line[0].start..line[line.len() - 1].end]
                );
            }
        }
    }

    proptest::proptest! {
        /// The scatter into padded emissions, with the word cache cold and
        /// then warm, adds the same floats in the same order as gathering
        /// each word's: the same bits.
        #[test]
        fn emissions_are_those_gathered_word_by_word(
            line in proptest::collection::vec(
                (
                    proptest::sample::select(TEST_WORDS.to_vec()),
                    0u8..3,
                    proptest::bool::ANY,
                    proptest::bool::ANY,
                    0u64..3,
                    0u8..3,
                ),
                1..14,
            ),
        ) {
            let text = line.iter().map(|w| w.0).collect::<Vec<_>>().join(" ");
            let words = words(&text, 0);
            let marks: Vec<CatalogMark> = line
                .iter()
                .map(|&(_, position, accepted, needs_evidence, category, _)| CatalogMark {
                    position,
                    accepted: accepted && position != OUT,
                    needs_evidence: needs_evidence && position != OUT,
                    where_asked: false,
                    category: if position == OUT { 0 } else { category },
                })
                .collect();
            let levels: Vec<Requirement> = line
                .iter()
                .map(|w| [Requirement::Mentioned, Requirement::Preferred, Requirement::Required][usize::from(w.5)])
                .collect();
            let model = test_model();
            let tables = model.tables.as_deref().expect("indexed");
            let want = emissions_by_gathering(tables, &text, &words, &marks, &levels);
            let mut cache = WordCache::default();
            let (mut keys, mut emissions) = (Vec::new(), Vec::new());
            for _ in 0..2 {
                emissions_into(tables, &mut cache, &mut keys, &text, &words, &marks, &levels, &mut emissions);
                let n = words.len();
                let bits = |e: &[[f32; TAGS]]| -> Vec<[u32; TAGS]> {
                    e.iter().map(|r| r.map(f32::to_bits)).collect()
                };
                proptest::prop_assert_eq!(bits(&emissions[2..n + 2]), bits(&want));
            }
        }

        #[test]
        fn words_are_those_of_a_split_by_characters(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Java", "C++", "(Node.js)", "SQL.", "-", " ", "  ", "\t", "\n", "\r\n",
                    "\u{a0}", "\u{2003}", "é", "“ML”", "•", "x,", "\u{b}", "3.5", "'", "«a»",
                ]),
                0..12,
            ),
        ) {
            let text = parts.concat();
            let mut fast = Vec::new();
            words_into(&text, 7, &mut fast);
            proptest::prop_assert_eq!(fast, words_by_chars(&text));
        }

        #[test]
        fn short_keys_are_the_token_bytes_and_length(
            text in "[a-z+#. ]{0,40}",
            start in 0usize..40,
            len in 0usize..20,
        ) {
            let Some(token) = text.as_bytes().get(start..start + len) else {
                return Ok(());
            };
            let expected = (len < 16).then(|| {
                let mut key = [0u8; 16];
                key[..len].copy_from_slice(token);
                key[15] = len as u8;
                u128::from_le_bytes(key)
            });
            proptest::prop_assert_eq!(short_key(&text, start, len), expected);
        }

        #[test]
        fn ascii_word_hashes_are_those_of_the_general_path(word in "[ -~]{0,70}") {
            proptest::prop_assert_eq!(word_hashes(&word), word_hashes_of_any(&word));
        }

        #[test]
        fn viterbi_finds_the_best_sequence(
            e in proptest::collection::vec(proptest::array::uniform3(-4i8..4), 1..7),
            tr in proptest::array::uniform4(proptest::array::uniform3(-4i8..4)),
        ) {
            let e: Vec<[f32; 3]> = e.iter().map(|r| r.map(f32::from)).collect();
            let tr = tr.map(|r| r.map(f32::from));
            let tags = viterbi(&e, &tr);
            proptest::prop_assert_eq!(score(&tags, &e, &tr), brute_force(&e, &tr));
        }
    }
}
