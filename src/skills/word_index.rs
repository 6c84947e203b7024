//! Catalog aliases grouped by their leading word, for matching at word starts.
//!
//! Why not Aho-Corasick here: a whole-word match can only begin where a word
//! begins, and an alias can only match there if the word at that point *is*
//! the alias's leading word ("google" for "Google Cloud Platform", "c" for
//! "C++", "node" for "Node.js"). So a posting needs one hash lookup per word,
//! and a byte comparison only for the few words that lead some alias. The
//! Aho-Corasick DFA for the full catalog is 16.5 MB; streaming every byte
//! through it was cache-miss bound and the largest single cost of labelling,
//! while this index is about 300 KB (3,726 names and aliases under 2,147
//! leading words, estimated from its layout). Tests check that both find exactly the
//! same matches (`tagger::tests`, with the `aho-corasick` crate as reference).

use rustc_hash::FxHashMap;

/// One alias as the index knows it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The alias text.
    pub text: Box<[u8]>,
    /// Must the case match exactly ("Go" but not "go")?
    pub exact: bool,
    /// Index of the skill in the catalog.
    pub skill: usize,
    /// Tagged only with evidence around it.
    pub needs_evidence: bool,
    /// Tagged only where the posting asks for it.
    pub where_asked: bool,
}

/// Aliases by leading word.
#[derive(Debug, Clone)]
pub(crate) struct WordIndex {
    /// Leading word, ASCII lower-cased → range of `entries`.
    heads: FxHashMap<Box<[u8]>, (u32, u32)>,
    /// Grouped by leading word; in a group, longest first, then by skill,
    /// then in catalog order.
    entries: Vec<Entry>,
    /// Bytes that are not word bytes but begin some alias (".NET").
    symbol_first: [bool; 256],
    /// Length of the longest leading word.
    longest_head: usize,
}

/// Word bytes: ASCII letters, digits, `_`, and every byte of a non-ASCII
/// character.
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Length of the run of word bytes at the start of `bytes`.
fn word_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| !is_word_byte(b))
        .unwrap_or(bytes.len())
}

/// The leading word of `bytes` (a symbol first byte stays in front of it:
/// ".net"), ASCII lower-cased, into `key`.
fn head_into(bytes: &[u8], key: &mut Vec<u8>) {
    key.clear();
    let Some(&first) = bytes.first() else {
        return;
    };
    let len = if is_word_byte(first) {
        word_len(bytes)
    } else {
        1 + word_len(&bytes[1..])
    };
    key.extend_from_slice(&bytes[..len]);
    key.make_ascii_lowercase();
}

impl WordIndex {
    /// Index `entries`, given in catalog order.
    pub(crate) fn new(entries: Vec<Entry>) -> Self {
        let mut keyed: Vec<(Vec<u8>, usize, Entry)> = Vec::with_capacity(entries.len());
        let mut symbol_first = [false; 256];
        let mut key = Vec::new();
        for (order, e) in entries.into_iter().enumerate() {
            if e.text.is_empty() {
                continue;
            }
            let first = e.text[0];
            symbol_first[first as usize] |= !is_word_byte(first);
            head_into(&e.text, &mut key);
            keyed.push((key.clone(), order, e));
        }
        keyed.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.2.text.len().cmp(&a.2.text.len()))
                .then(a.2.skill.cmp(&b.2.skill))
                .then(a.1.cmp(&b.1))
        });
        let mut heads: FxHashMap<Box<[u8]>, (u32, u32)> = FxHashMap::default();
        let mut out = Vec::with_capacity(keyed.len());
        let mut longest_head = 0;
        for (key, _, e) in keyed {
            let at = out.len() as u32;
            longest_head = longest_head.max(key.len());
            heads
                .entry(key.into_boxed_slice())
                .and_modify(|r| r.1 = at + 1)
                .or_insert((at, at + 1));
            out.push(e);
        }
        WordIndex {
            heads,
            entries: out,
            symbol_first,
            longest_head,
        }
    }

    /// Every start where some whole-word match could begin, in order, with
    /// `f(start, key)` (the leading word there); `f` returns the end of the
    /// match it took, if any, and no later start before that end is offered.
    pub(crate) fn for_each_start(
        &self,
        text: &[u8],
        mut f: impl FnMut(usize, &[u8]) -> Option<usize>,
    ) {
        let mut key = Vec::new();
        let mut covered = 0;
        let mut prev_word = false;
        let mut i = 0;
        while i < text.len() {
            let b = text[i];
            if is_word_byte(b) {
                let end = i + word_len(&text[i..]);
                // A whole-word match starts only at the start of a word.
                if i >= covered && end - i <= self.longest_head {
                    head_into(&text[i..end], &mut key);
                    if let Some(e) = f(i, &key) {
                        covered = e;
                    }
                }
                prev_word = true;
                i = end;
                continue;
            }
            // ".NET" after a word byte is part of "ASP.NET", not a start.
            if self.symbol_first[b as usize] && (b != b'.' || !prev_word) && i >= covered {
                let end = i + 1 + word_len(&text[i + 1..]);
                if end - i <= self.longest_head {
                    head_into(&text[i..end], &mut key);
                    if let Some(e) = f(i, &key) {
                        covered = e;
                    }
                }
            }
            prev_word = false;
            i += 1;
        }
    }

    /// The aliases whose leading word is `key`, best candidates first.
    pub(crate) fn candidates(&self, key: &[u8]) -> &[Entry] {
        match self.heads.get(key) {
            Some(&(lo, hi)) => &self.entries[lo as usize..hi as usize],
            None => &[],
        }
    }
}

/// Does `entry` match `text` at `start` (ASCII case folded unless exact)?
pub(crate) fn matches_at(entry: &Entry, text: &[u8], start: usize) -> Option<usize> {
    let end = start + entry.text.len();
    let here = text.get(start..end)?;
    let same = if entry.exact {
        here == &*entry.text
    } else {
        here.eq_ignore_ascii_case(&entry.text)
    };
    same.then_some(end)
}
