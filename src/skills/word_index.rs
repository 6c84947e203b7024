//! Catalog aliases grouped by their leading word, for matching at word starts.
//!
//! Why not Aho-Corasick here: a whole-word match can only begin where a word
//! begins, and an alias can only match there if the word at that point *is*
//! the alias's leading word ("google" for "Google Cloud Platform", "c" for
//! "C++", "node" for "Node.js"). So a posting needs one hash lookup per word,
//! and a byte comparison only for the few words that lead some alias. The
//! Aho-Corasick DFA for the full catalog is 16.5 MB; streaming every byte
//! through it was cache-miss bound and the largest single cost of labelling,
//! while this index is about 330 KB (with the 2,126-skill catalog, about
//! 4,400 names and aliases under 2,500 leading words; estimated from its
//! layout: 40-byte table slots, entries of a 32-byte struct plus their text,
//! and 32 KB of bit filters). Tests check that both find
//! exactly the same matches (`tagger::tests`, with the `aho-corasick` crate
//! as reference).

use hashbrown::HashTable;

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
    /// The alias's last byte, ASCII lower-cased: tested first, without
    /// reading the alias text elsewhere in memory.
    last_folded: u8,
}

impl Entry {
    /// An alias of catalog skill `skill`.
    pub(crate) fn new(
        text: Box<[u8]>,
        exact: bool,
        skill: usize,
        needs_evidence: bool,
        where_asked: bool,
    ) -> Self {
        let last_folded = text.last().map_or(0, u8::to_ascii_lowercase);
        Entry {
            text,
            exact,
            skill,
            needs_evidence,
            where_asked,
            last_folded,
        }
    }
}

/// A leading word and the aliases it leads.
#[derive(Debug, Clone)]
struct Head {
    /// The word, ASCII lower-cased, as a range of `WordIndex::words`.
    word: (u32, u32),
    /// Its aliases, as a range of `WordIndex::entries`.
    entries: (u32, u32),
    /// Hash of the word (`word_and_hash`, ASCII case folded).
    hash: u64,
}

/// Aliases by leading word.
#[derive(Debug, Clone)]
pub(crate) struct WordIndex {
    /// Leading words, found by their case-folded hash. A `HashTable` rather than a
    /// `HashMap<Box<[u8]>, _>`: a posting's word is hashed while its length
    /// is measured and compared in place, with no lower-cased copy made to
    /// look it up.
    heads: HashTable<Head>,
    /// The leading words' bytes.
    words: Vec<u8>,
    /// Grouped by leading word; in a group, longest first, then by skill,
    /// then in catalog order.
    entries: Vec<Entry>,
    /// Bytes that are not word bytes but begin some alias (".NET").
    symbol_first: [bool; 256],
    /// Length of the longest leading word.
    longest_head: usize,
    /// One bit per 16-bit hash prefix, set for the leading words: most words
    /// of a posting lead no alias and are turned away here with one load,
    /// before a table probe.
    maybe_head: Box<[u64]>,
    /// The same, set only for the leading words that are whole aliases
    /// ("Python").
    maybe_whole: Box<[u64]>,
    /// One bit per [`lead_bit`] of a leading word and the two bytes after
    /// it in an alias that goes on past the word ("a/b" of "A/B testing",
    /// "the m" of "The MathWorks MATLAB"): "a" and "the" lead aliases, and
    /// were a fifth of all probes, but "a " and "the t" lead none.
    maybe_lead: Box<[u64]>,
}

/// Bits in [`WordIndex::maybe_lead`] (16 KB).
const LEAD_BITS: u32 = 17;

/// Bit of [`WordIndex::maybe_lead`] for a leading word's hash and the two
/// bytes after the word, ASCII lower-cased (0 past the end of the text).
fn lead_bit(hash: u64, next: u8, after: u8) -> (usize, u64) {
    let key = hash.rotate_left(16) ^ (u64::from(next) << 8 | u64::from(after));
    let top = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - LEAD_BITS)) as usize;
    (top / 64, 1 << (top % 64))
}

/// Every byte's ASCII lower case if it is a word byte (ASCII letters,
/// digits, `_`, and every byte of a non-ASCII character), else 0 (no word
/// byte is 0): one table load tells both whether a word goes on and what to
/// hash.
static FOLDED_WORD_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
            t[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

/// Is `b` a word byte (see [`FOLDED_WORD_BYTE`])?
pub(crate) fn is_word_byte(b: u8) -> bool {
    FOLDED_WORD_BYTE[b as usize] != 0
}

/// One hash step over an already lower-cased byte: a rotate and an xor,
/// two cycles on the chain that runs through every byte of every word.
/// FxHash's step also multiplies, which made the chain five cycles long
/// and the scan wait on it; the multiply is done once per word instead, in
/// [`finish`].
fn mix(hash: u64, folded: u8) -> u64 {
    hash.rotate_left(5) ^ u64::from(folded)
}

/// Spread a word's [`mix`]ed bytes over all 64 bits (the filter reads the
/// top 16, the table the low bits and the top 7).
fn finish(hash: u64) -> u64 {
    hash.wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// Length and case-folded hash of the run of word bytes at the start of `bytes`,
/// after `hash` (the [`mix`] so far), in one pass.
fn word_and_hash(bytes: &[u8], mut hash: u64) -> (usize, u64) {
    let mut len = 0;
    for &b in bytes {
        let folded = FOLDED_WORD_BYTE[b as usize];
        if folded == 0 {
            break;
        }
        hash = mix(hash, folded);
        len += 1;
    }
    (len, finish(hash))
}

/// Bit of the [`WordIndex::maybe_head`] filter for a word's hash (its top
/// 16 bits; the table itself uses the low bits and the top 7).
fn filter_bit(hash: u64) -> (usize, u64) {
    let top = (hash >> 48) as usize;
    (top / 64, 1 << (top % 64))
}

/// Length and hash of the leading word of `bytes` (a symbol first byte
/// stays in front of it: ".net").
fn head(bytes: &[u8]) -> (usize, u64) {
    match bytes.first() {
        None => (0, 0),
        Some(&b) if is_word_byte(b) => word_and_hash(bytes, 0),
        Some(&b) => {
            let (len, hash) = word_and_hash(&bytes[1..], mix(0, b.to_ascii_lowercase()));
            (1 + len, hash)
        }
    }
}

impl WordIndex {
    /// Index `entries`, given in catalog order.
    pub(crate) fn new(entries: Vec<Entry>) -> Self {
        let mut keyed: Vec<(Vec<u8>, u64, usize, Entry)> = Vec::with_capacity(entries.len());
        let mut symbol_first = [false; 256];
        for (order, e) in entries.into_iter().enumerate() {
            if e.text.is_empty() {
                continue;
            }
            let first = e.text[0];
            symbol_first[first as usize] |= !is_word_byte(first);
            let (len, hash) = head(&e.text);
            keyed.push((e.text[..len].to_ascii_lowercase(), hash, order, e));
        }
        keyed.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.3.text.len().cmp(&a.3.text.len()))
                .then(a.3.skill.cmp(&b.3.skill))
                .then(a.2.cmp(&b.2))
        });
        let mut heads: Vec<Head> = Vec::new();
        let mut words = Vec::new();
        let mut out = Vec::with_capacity(keyed.len());
        let mut longest_head = 0;
        for (key, hash, _, e) in keyed {
            let at = out.len() as u32;
            longest_head = longest_head.max(key.len());
            match heads.last_mut() {
                Some(h) if words[h.word.0 as usize..h.word.1 as usize] == key[..] => {
                    h.entries.1 = at + 1
                }
                _ => {
                    let from = words.len() as u32;
                    words.extend_from_slice(&key);
                    heads.push(Head {
                        word: (from, words.len() as u32),
                        entries: (at, at + 1),
                        hash,
                    });
                }
            }
            out.push(e);
        }
        let mut table = HashTable::with_capacity(heads.len());
        let mut maybe_head = vec![0u64; (1 << 16) / 64].into_boxed_slice();
        let mut maybe_whole = vec![0u64; (1 << 16) / 64].into_boxed_slice();
        let mut maybe_lead = vec![0u64; (1 << LEAD_BITS) / 64].into_boxed_slice();
        for h in heads {
            let (word, bit) = filter_bit(h.hash);
            maybe_head[word] |= bit;
            let len = (h.word.1 - h.word.0) as usize;
            for e in &out[h.entries.0 as usize..h.entries.1 as usize] {
                match (e.text.get(len), e.text.get(len + 1)) {
                    (None, _) => {
                        let (word, bit) = filter_bit(h.hash);
                        maybe_whole[word] |= bit;
                    }
                    (Some(&next), Some(&after)) => {
                        let (word, bit) = lead_bit(
                            h.hash,
                            next.to_ascii_lowercase(),
                            after.to_ascii_lowercase(),
                        );
                        maybe_lead[word] |= bit;
                    }
                    // The alias ends one byte after the word ("C#"): any
                    // byte may follow it.
                    (Some(&next), None) => {
                        for after in 0..=u8::MAX {
                            let (word, bit) = lead_bit(h.hash, next.to_ascii_lowercase(), after);
                            maybe_lead[word] |= bit;
                        }
                    }
                }
            }
            table.insert_unique(h.hash, h, |h: &Head| h.hash);
        }
        WordIndex {
            heads: table,
            words,
            entries: out,
            symbol_first,
            longest_head,
            maybe_head,
            maybe_whole,
            maybe_lead,
        }
    }

    /// The aliases led by the word `text[start..end]` that hashes to
    /// `hash`, best candidates first (or none, when the filters tell that
    /// none can match here).
    #[inline]
    fn lookup(&self, text: &[u8], start: usize, end: usize, hash: u64) -> &[Entry] {
        let (at, bit) = filter_bit(hash);
        if self.maybe_head[at] & bit == 0 {
            return &[];
        }
        if self.maybe_whole[at] & bit == 0 {
            let byte = |i: usize| text.get(i).map_or(0, u8::to_ascii_lowercase);
            let (at, bit) = lead_bit(hash, byte(end), byte(end + 1));
            if self.maybe_lead[at] & bit == 0 {
                return &[];
            }
        }
        self.probe(&text[start..end], hash)
    }

    /// [`WordIndex::lookup`] past the filter (out of line: most words never
    /// get here).
    #[inline(never)]
    fn probe(&self, word: &[u8], hash: u64) -> &[Entry] {
        let found = self.heads.find(hash, |h| {
            h.hash == hash
                && self.words[h.word.0 as usize..h.word.1 as usize].eq_ignore_ascii_case(word)
        });
        match found {
            Some(h) => &self.entries[h.entries.0 as usize..h.entries.1 as usize],
            None => &[],
        }
    }

    /// Every start where some whole-word match could begin, in order, with
    /// `f(start, candidates)` (the aliases led by the word there, best
    /// first); `f` returns the end of the match it took, if any, and no
    /// later start before that end is offered.
    pub(crate) fn for_each_start(
        &self,
        text: &[u8],
        mut f: impl FnMut(usize, &[Entry]) -> Option<usize>,
    ) {
        let mut covered = 0;
        let mut prev_word = false;
        let mut i = 0;
        while i < text.len() {
            let b = text[i];
            if is_word_byte(b) {
                let (len, hash) = word_and_hash(&text[i..], 0);
                let end = i + len;
                // A whole-word match starts only at the start of a word.
                if i >= covered && len <= self.longest_head {
                    let candidates = self.lookup(text, i, end, hash);
                    if !candidates.is_empty() {
                        if let Some(e) = f(i, candidates) {
                            covered = e;
                        }
                    }
                }
                prev_word = true;
                i = end;
                continue;
            }
            // ".NET" after a word byte is part of "ASP.NET", not a start.
            if self.symbol_first[b as usize] && (b != b'.' || !prev_word) && i >= covered {
                let (len, hash) = head(&text[i..]);
                if len <= self.longest_head {
                    let candidates = self.lookup(text, i, i + len, hash);
                    if !candidates.is_empty() {
                        if let Some(e) = f(i, candidates) {
                            covered = e;
                        }
                    }
                }
            }
            prev_word = false;
            i += 1;
        }
    }
}

/// Does `entry` match `text` at `start` (ASCII case folded unless exact)?
pub(crate) fn matches_at(entry: &Entry, text: &[u8], start: usize) -> Option<usize> {
    let end = start + entry.text.len();
    let here = text.get(start..end)?;
    // The aliases tried at a word all begin with that word ("data ..."), so
    // their last bytes tell most of them apart at once.
    if here.last()?.to_ascii_lowercase() != entry.last_folded {
        return None;
    }
    let same = if entry.exact {
        here == &*entry.text
    } else {
        here.eq_ignore_ascii_case(&entry.text)
    };
    same.then_some(end)
}
