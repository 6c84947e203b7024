//! Posting sections: which lines ask for something ("Requirements", "Must
//! have"), which would merely like it ("Nice to have", "Bonus"), and which
//! only mention it ("Our stack", "About us").

use std::cell::{Cell, RefCell};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// How strongly a posting asks for a skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Requirement {
    /// Found outside any requirement section (e.g. "our stack").
    Mentioned,
    /// In a preference section or marked "nice to have" / "a plus".
    Preferred,
    /// In a requirement section, or in the title.
    Required,
}

impl Requirement {
    /// Lower-case name, as written in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::Mentioned => "mentioned",
            Requirement::Preferred => "preferred",
            Requirement::Required => "required",
        }
    }
}

// The heading patterns take a typographic apostrophe ("what you’ll bring")
// as well as a straight one: `['’]`.
static REQUIRED_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\W*(requirements?|required( skills| qualifications)?|must[ -]haves?|what (you|we)(['’]ll)? (bring|need|expect|are looking for|require)|what you need|what we(['’]re| are) looking for|(\w+ )?qualifications|you have|you bring|you are|who you are|about you|your profile|your skills|skills( and| &) (experience|qualifications)|(\w+ )?skills|experience|we expect|expectations|what do we expect|our requirements|ideal candidate|you should|you will need|you['’]ll need|you need|we(['’]d| would) like you|you['’]ll be great|you will be great|what you['’]ll bring|is this you)(?-u:\b)[^.!?]{0,40}$",
    )
    .expect("valid heading pattern")
});

static PREFERRED_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\W*(nice[ -]to[ -]haves?|good[ -]to[ -]have|bonus( points)?|preferred( qualifications| skills)?|desired( skills)?|desirable|pluses|a plus|extra points|it would be (great|nice)|would be a plus|additional(ly)?|optional|not required but)(?-u:\b)[^.!?]{0,40}$",
    )
    .expect("valid heading pattern")
});

static OTHER_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\W*(responsibilities|what you(['’]ll| will) do|your (role|tasks|responsibilities)|the role|about (us|the (role|team|company|job))|who we are|we offer|what we offer|benefits|perks|our (stack|tech stack|technologies|offer)|tech stack|technologies|the job|job description|tasks|duties|why (join|us)|how to apply|salary|location)(?-u:\b)[^.!?]{0,40}$",
    )
    .expect("valid heading pattern")
});

/// Phrases that mark a sentence as a preference ("… is a plus", "Nice to
/// have: …") or a requirement ("must", "at least"). They are plain words
/// that count only where a word starts, found by [`MarkerIndex`].
const PREFERRED_MARKERS: &[&str] = &[
    "nice to have",
    "nice-to-have",
    "good to have",
    "good-to-have",
    "is a plus",
    "is a big plus",
    "are a plus",
    "are a big plus",
    "would be a plus",
    "a plus",
    "bonus",
    "preferred",
    "preferably",
    "desirable",
    "advantage",
    "an asset",
    "is welcome",
    "are welcome",
    "ideally",
    "not required",
];

/// Requirement words, and the phrases with which postings without headings
/// ask for knowledge ("Experience with Kafka", "Solid understanding of SQL",
/// "Fluent in German"). They make a sentence `required` only outside
/// preference sections.
const REQUIRED_MARKERS: &[&str] = &[
    "required",
    "must have",
    "must-have",
    "must",
    "mandatory",
    "essential",
    "minimum of",
    "at least",
    "experience with",
    "experience in",
    "experience of",
    "experience using",
    "experience working with",
    "experienced in",
    "experienced with",
    "knowledge of",
    "knowledge in",
    "knowledge about",
    "understanding of",
    "proficiency",
    "proficient",
    "familiarity with",
    "familiar with",
    "expertise in",
    "expertise with",
    "skills in",
    "skilled in",
    "background in",
    "degree in",
    "hands-on",
    "fluent",
    "fluency",
    "fluently",
    "is needed",
    "are needed",
    "basics of",
    "you have",
    "you bring",
    "you know",
    "command of",
    "track record",
    "certified",
    "prerequisite",
    "pre-requisite",
    "fundamentals",
    "breadth in",
    "know how to",
    "exposure to",
    "comfortable with",
    "versed in",
    "competent in",
    "competence in",
    "grasp of",
    "mastery of",
    "possess",
    "should have",
    "worked with",
    "your expertise",
    "your background",
    "literacy",
    "demonstrable",
    "expert in",
    "or equivalent",
    "or similar",
    "or related",
    "or a related",
    "or comparable",
];

/// The level a heading line sets, or `None` when it names no section.
fn heading_level(heading: &str) -> Option<Requirement> {
    if PREFERRED_HEADING.is_match(heading) {
        Some(Requirement::Preferred)
    } else if REQUIRED_HEADING.is_match(heading) || is_skills_field(heading) {
        Some(Requirement::Required)
    } else if OTHER_HEADING.is_match(heading) {
        Some(Requirement::Mentioned)
    } else {
        None
    }
}

/// Headings seen before, per thread, with their levels (cleared when full).
const HEADING_CACHE_LIMIT: usize = 16_384;

thread_local! {
    static HEADING_CACHE: std::cell::RefCell<rustc_hash::FxHashMap<Box<str>, Option<Requirement>>> =
        Default::default();
}

/// [`heading_level`], remembered: postings repeat a small set of headings
/// ("Requirements", "About us", "Nice to have"), and up to three regex
/// searches per heading line were 2–3% of labelling time, where a lookup is
/// a hash of a short line.
fn heading_level_cached(heading: &str) -> Option<Requirement> {
    HEADING_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(&level) = cache.get(heading) {
            return level;
        }
        let level = heading_level(heading);
        if cache.len() >= HEADING_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(heading.into(), level);
        level
    })
}

/// Is the byte at `i` a word byte for marker boundaries (ASCII letters,
/// digits, `_`)?
#[inline]
fn is_marker_word_byte(bytes: &[u8], i: usize) -> bool {
    bytes
        .get(i)
        .is_some_and(|&b| MARKER_WORD_BYTE[usize::from(b)])
}

/// [`is_marker_word_byte`]'s bytes, by table: one load per byte of every
/// sentence scanned for markers, not three range checks.
static MARKER_WORD_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    table
};

/// The markers by their first two bytes, for a scan of word starts.
///
/// Why not Aho-Corasick (as before): a marker counts only where a word
/// starts, and every marker begins with two letters or a letter and a
/// space, so one table load turns away nearly every word of a sentence
/// ("the", "with", "team"), and the few left compare a handful of markers.
/// The automaton read every byte of every sentence that held a skill, about
/// 5% of labelling time. The one difference: Aho-Corasick reported matches
/// inside words too and then dropped them, and such a match hid any marker
/// that began inside it ("thisis a plus" hid "a plus"); here it is found.
struct MarkerIndex {
    /// For each pair slot ([`pair_slot`]), the range of `order` holding the
    /// markers that begin with that pair, longest first.
    slots: Vec<(u16, u16)>,
    /// Marker indices (into [`PREFERRED_MARKERS`] then [`REQUIRED_MARKERS`]).
    order: Vec<u16>,
    /// Per marker, its first 8 bytes [`fold8`]ed and the mask of those it
    /// has: a word is compared in full only with the markers whose first
    /// bytes it shares ("experience" and "expertise in" share a slot).
    prefix: Vec<(u64, u64)>,
}

/// Bit 5 set in each byte: ASCII letters to lower case (and some other
/// bytes onto others, which only lets a full comparison reject them).
fn fold8(x: u64) -> u64 {
    x | 0x2020_2020_2020_2020
}

/// Slot of a marker's first two bytes: the first, a letter, ASCII
/// lower-cased; the second, a letter (any case) or anything else.
fn pair_slot(first: u8, second: u8) -> Option<usize> {
    let f = first.to_ascii_lowercase();
    if !f.is_ascii_lowercase() {
        return None;
    }
    let s = second.to_ascii_lowercase();
    let s = if s.is_ascii_lowercase() { s - b'a' } else { 26 };
    Some(usize::from(f - b'a') * 27 + usize::from(s))
}

fn marker(p: usize) -> &'static str {
    PREFERRED_MARKERS
        .get(p)
        .copied()
        .unwrap_or_else(|| REQUIRED_MARKERS[p - PREFERRED_MARKERS.len()])
}

static MARKERS: LazyLock<MarkerIndex> = LazyLock::new(|| {
    let count = PREFERRED_MARKERS.len() + REQUIRED_MARKERS.len();
    let mut keyed: Vec<(usize, usize)> = (0..count)
        .filter_map(|p| {
            let m = marker(p).as_bytes();
            pair_slot(m[0], m.get(1).copied().unwrap_or(b' ')).map(|slot| (slot, p))
        })
        .collect();
    // By slot, then longest first, then in list order.
    keyed.sort_by_key(|&(slot, p)| (slot, std::cmp::Reverse(marker(p).len()), p));
    let mut slots = vec![(0u16, 0u16); 26 * 27];
    let mut order = Vec::with_capacity(keyed.len());
    for (slot, p) in keyed {
        if slots[slot].0 == slots[slot].1 {
            slots[slot] = (order.len() as u16, order.len() as u16);
        }
        order.push(p as u16);
        slots[slot].1 = order.len() as u16;
    }
    let prefix = (0..count)
        .map(|p| {
            let m = marker(p).as_bytes();
            let n = m.len().min(8);
            let mut w = [0u8; 8];
            w[..n].copy_from_slice(&m[..n]);
            let mask = if n == 8 {
                u64::MAX
            } else {
                (1u64 << (8 * n)) - 1
            };
            (fold8(u64::from_le_bytes(w)) & mask, mask)
        })
        .collect();
    MarkerIndex {
        slots,
        order,
        prefix,
    }
});

impl MarkerIndex {
    /// The longest marker that matches `bytes` at `i` and ends by `end`.
    #[inline]
    fn longest_at(&self, bytes: &[u8], i: usize, end: usize) -> Option<usize> {
        let slot = pair_slot(bytes[i], bytes.get(i + 1).copied().unwrap_or(0))?;
        let (from, to) = self.slots[slot];
        let mut candidates = self.order[usize::from(from)..usize::from(to)]
            .iter()
            .map(|&p| usize::from(p));
        let matches = |p: usize| {
            let m = marker(p).as_bytes();
            i + m.len() <= end && bytes[i..i + m.len()].eq_ignore_ascii_case(m)
        };
        match crate::text::ascii_run::load(bytes, i) {
            Some(w) => {
                let here = fold8(w);
                candidates
                    .filter(|&p| {
                        let (value, mask) = self.prefix[p];
                        here & mask == value
                    })
                    .find(|&p| matches(p))
            }
            None => candidates.find(|&p| matches(p)),
        }
    }
}

/// Does `text[a..b]` hold a preference marker, and does it hold a
/// requirement marker? A marker must start a word; "a plus" and the
/// requirement words must also end one ("bonus" may be "bonuses", "must" may
/// not be "mustard"). Word starts are read left to right, and at each the
/// longest marker there is taken (then the scan goes on after it, whether
/// its end held or not). Word boundaries are read in the whole `text`.
///
/// Searching one sentence finds exactly the markers a search of the whole
/// text finds inside it: no marker holds the `.`, `!`, `?` or newline that
/// ends a sentence, so no match crosses a sentence boundary.
fn markers_in(text: &str, a: usize, b: usize) -> (bool, bool) {
    let bytes = text.as_bytes();
    let index = &*MARKERS;
    let mut required = false;
    let mut i = a;
    while i < b {
        if !is_marker_word_byte(bytes, i) {
            i += 1;
            continue;
        }
        // A word byte: a word starts here unless one runs on into it.
        let starts_word = !(i > 0 && is_marker_word_byte(bytes, i - 1));
        if let Some(p) = starts_word.then(|| index.longest_at(bytes, i, b)).flatten() {
            let end = i + marker(p).len();
            i = end;
            let is_preferred = p < PREFERRED_MARKERS.len();
            let needs_end = !is_preferred || PREFERRED_MARKERS[p] == "a plus";
            if needs_end && is_marker_word_byte(bytes, end) {
                continue;
            }
            if is_preferred {
                // A preference marker decides the sentence.
                return (true, required);
            }
            required = true;
            continue;
        }
        // The rest of the word: letters 8 at a time, then byte by byte.
        i = crate::text::ascii_run::skip_letters(bytes, i + 1);
        while i < b && is_marker_word_byte(bytes, i) {
            i += 1;
        }
    }
    (false, required)
}

/// The requirement level of every line of a (normalized) text.
///
/// Lines and headings are read when it is built; the level of a sentence
/// (its markers) is worked out only when asked for, since most sentences
/// hold no skill.
#[derive(Debug, Clone)]
pub struct Sections<'a> {
    text: &'a str,
    lines: Vec<Line>,
    /// The sentence last asked about: `(start, end, level)`.
    last: Cell<Option<(usize, usize, Requirement)>>,
    /// Every content-line sentence asked about so far, sorted by start:
    /// the skill rules and the span tagger each ask about the same
    /// sentences, and reading one for markers costs more than finding it here.
    /// Callers ask from the start of the text onwards (each pass in order),
    /// so a new sentence is nearly always pushed at the end.
    known: RefCell<Vec<(usize, usize, Requirement)>>,
}

/// One line of the text, in byte offsets.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    /// The level of the section the line is in (its own, for a heading).
    level: Requirement,
    /// A heading line: its sentences take its level whatever they say.
    heading: bool,
}

static REQUIRED_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\W*(requirements?|required( skills)?|must[ -]haves?|(minimum |basic )?qualifications|what you (bring|need)|you have|your profile|we expect)\s*:",
    )
    .expect("valid pattern")
});

/// Can [`REQUIRED_LEAD`] match `sentence`? False only where it cannot: its
/// first ASCII word byte (`\W*` skips no letter, digit or `_`) is not the
/// first letter of any of its phrases. A non-ASCII character first is left
/// to the regex. Most sentences with a colon are turned away here, for
/// less than the cost of starting a regex search.
fn may_lead_with_requirement(sentence: &str) -> bool {
    for b in sentence.bytes() {
        if b >= 0x80 {
            return true;
        }
        if b.is_ascii_alphanumeric() || b == b'_' {
            return matches!(
                b.to_ascii_lowercase(),
                b'r' | b'm' | b'b' | b'q' | b'w' | b'y'
            );
        }
    }
    false
}

impl<'a> Sections<'a> {
    /// Split `text` into lines and give each the level of the section it is
    /// in; within a line, a sentence with its own marker ("Nice to have:
    /// Next.js", "Requirements: React.") takes that marker's level.
    pub fn new(text: &'a str) -> Self {
        // Capacity from a typical line length, so that the vector seldom grows.
        let mut lines = Vec::with_capacity(text.len() / 64 + 1);
        let mut current = Requirement::Mentioned;
        let mut start = 0;
        // Lines end after each '\n' (`split_inclusive`), found by the memchr
        // crate's vector search.
        let ends = memchr::memchr_iter(b'\n', text.as_bytes())
            .map(|i| i + 1)
            .chain((!text.is_empty() && !text.ends_with('\n')).then_some(text.len()));
        for end in ends {
            let line = &text[start..end];
            let trimmed = line.trim();
            // A short line is a heading only if it names a section; any
            // other short line ("Good knowledge of SAP") is content.
            let level = if is_heading(trimmed) {
                heading_level_cached(trimmed)
            } else {
                None
            };
            let heading = level.is_some();
            if let Some(level) = level {
                current = level;
            }
            lines.push(Line {
                start,
                end,
                level: current,
                heading,
            });
            start = end;
        }
        Sections {
            text,
            lines,
            last: Cell::new(None),
            known: RefCell::new(Vec::new()),
        }
    }

    /// Where the first heading starts (the text's length when it has none):
    /// before it, no section has said whether the posting asks.
    pub fn first_heading(&self) -> usize {
        self.lines
            .iter()
            .find(|l| l.heading)
            .map_or(self.text.len(), |l| l.start)
    }

    /// The level of the section the line holding byte `pos` is in (its
    /// sentences' own markers aside).
    pub fn section_level_at(&self, pos: usize) -> Requirement {
        let i = self.lines.partition_point(|l| l.end <= pos);
        self.lines
            .get(i)
            .map_or(Requirement::Mentioned, |l| l.level)
    }

    /// [`Sections::level_at`], and the end of the sentence or heading it
    /// is the level of (every byte from `pos` to there has that level).
    pub fn level_until(&self, pos: usize) -> (Requirement, usize) {
        let i = self.lines.partition_point(|l| l.end <= pos);
        let Some(line) = self.lines.get(i) else {
            return (Requirement::Mentioned, usize::MAX);
        };
        if line.heading {
            return (line.level, line.end);
        }
        let level = self.level_at(pos);
        match self.last.get() {
            Some((a, b, _)) if a <= pos && pos < b => (level, b),
            _ => (level, pos + 1),
        }
    }

    /// Level of the sentence holding byte `pos`.
    pub fn level_at(&self, pos: usize) -> Requirement {
        // The sentence asked about last (a content line's), first: the
        // span tagger asks about every word of a sentence in turn.
        if let Some((a, b, level)) = self.last.get() {
            if a <= pos && pos < b {
                return level;
            }
        }
        let i = self.lines.partition_point(|l| l.end <= pos);
        let Some(line) = self.lines.get(i) else {
            return Requirement::Mentioned;
        };
        if line.heading {
            return line.level;
        }
        let mut known = self.known.borrow_mut();
        let k = known.partition_point(|&(_, b, _)| b <= pos);
        let (a, b, level) = match known.get(k) {
            Some(&(a, b, level)) if a <= pos => (a, b, level),
            _ => {
                let (a, b) = sentence_around(self.text.as_bytes(), line.start, line.end, pos);
                let level = self.sentence_level(a, b, line.level);
                known.insert(k, (a, b, level));
                (a, b, level)
            }
        };
        self.last.set(Some((a, b, level)));
        level
    }

    /// The level of the sentence `a..b` of a content line in a section of
    /// level `section`.
    fn sentence_level(&self, a: usize, b: usize, section: Requirement) -> Requirement {
        let sentence = &self.text[a..b];
        let leads = || {
            memchr::memchr(b':', sentence.as_bytes()).is_some()
                && may_lead_with_requirement(sentence)
                && REQUIRED_LEAD.is_match(sentence)
        };
        if section == Requirement::Preferred {
            // Under a preference heading a preference marker changes
            // nothing and requirement words do not count: only a lead
            // ("Requirements:") makes the sentence required, unless a
            // preference marker beside it says otherwise. The markers are
            // read only then (the same result as the rule below, without
            // reading every sentence of the section).
            return if leads() && !markers_in(self.text, a, b).0 {
                Requirement::Required
            } else {
                Requirement::Preferred
            };
        }
        let (preferred, required) = markers_in(self.text, a, b);
        if preferred {
            Requirement::Preferred
        } else if leads() || (required && section == Requirement::Mentioned) {
            Requirement::Required
        } else {
            section
        }
    }

    /// `(start, end)` of the line holding byte `pos`.
    pub fn line_bounds(&self, pos: usize) -> (usize, usize) {
        let i = self.lines.partition_point(|l| l.end <= pos);
        self.lines.get(i).map_or((0, 0), |l| (l.start, l.end))
    }
}

/// Sentences of a line as absolute byte ranges: split after ". ", "! ",
/// "? " (not inside "Node.js" or "3.5"). The reference for
/// [`sentence_around`].
#[cfg(test)]
fn sentences(line: &str, offset: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = line.as_bytes();
    let ends = memchr::memchr3_iter(b'.', b'!', b'?', bytes)
        .filter(|&i| bytes.get(i + 1).is_some_and(|b| b.is_ascii_whitespace()))
        .map(|i| i + 1)
        .chain(std::iter::once(bytes.len()));
    let mut from = 0;
    ends.map(move |end| {
        let sentence = (offset + from, offset + end);
        from = end;
        sentence
    })
}

/// The sentence of the line `start..end` that holds byte `pos`: the one
/// [`sentences`] gives, found from `pos` outwards, so that a megabyte-long
/// line costs one sentence per lookup, not all of them.
fn sentence_around(bytes: &[u8], start: usize, end: usize, pos: usize) -> (usize, usize) {
    let ends_sentence = |i: usize| bytes.get(i + 1).is_some_and(|b| b.is_ascii_whitespace());
    let a = memchr::memrchr3_iter(b'.', b'!', b'?', &bytes[start..pos])
        .map(|i| start + i)
        .find(|&i| ends_sentence(i))
        .map_or(start, |i| i + 1);
    let b = memchr::memchr3_iter(b'.', b'!', b'?', &bytes[pos..end])
        .map(|i| pos + i)
        .find(|&i| i + 1 < end && ends_sentence(i))
        .map_or(end, |i| i + 1);
    (a, b)
}

/// A job board's field of skill tags: a heading that is just
/// "Technologies" (or "Technologies:"). Like "Skills", it lists what the
/// job asks for; "Our technologies" and "Tech stack" describe the company
/// and stay `mentioned`.
fn is_skills_field(heading: &str) -> bool {
    heading
        .trim_end_matches(':')
        .trim()
        .eq_ignore_ascii_case("technologies")
}

/// A heading is a line of a few words without sentence punctuation, or a
/// slightly longer one that ends with a colon.
fn is_heading(line: &str) -> bool {
    // A list item ("- Experience with Rust") is content, however short.
    if line.len() > 70 || line.starts_with(['-', '*', '•', '·', '–', '▪', '◦']) {
        return false;
    }
    let body = line.trim_end_matches(':');
    let colon = body.len() < line.len();
    // Byte tests: the punctuation is ASCII, and so is white space in an
    // ASCII line (`split_whitespace` takes Unicode white space otherwise).
    let sentence = body.bytes().any(|b| matches!(b, b'.' | b'!' | b'?' | b','));
    if sentence {
        return false;
    }
    let words = if line.is_ascii() {
        // Unicode white space within ASCII: `is_ascii_whitespace` and the
        // vertical tab.
        let space = |b: &u8| b.is_ascii_whitespace() || *b == 0x0b;
        let bytes = line.as_bytes();
        bytes
            .iter()
            .enumerate()
            .filter(|&(i, b)| !space(b) && (i == 0 || space(&bytes[i - 1])))
            .count()
    } else {
        line.split_whitespace().count()
    };
    (1..=4).contains(&words) || (colon && words <= 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`markers_in`] the plain way: every marker tried at every word start.
    fn markers_in_reference(text: &str, a: usize, b: usize) -> (bool, bool) {
        let bytes = text.as_bytes();
        let count = PREFERRED_MARKERS.len() + REQUIRED_MARKERS.len();
        let mut required = false;
        let mut i = a;
        while i < b {
            let starts_word =
                bytes[i].is_ascii_alphabetic() && !(i > 0 && is_marker_word_byte(bytes, i - 1));
            let longest = (0..count)
                .filter(|&p| {
                    let m = marker(p).as_bytes();
                    starts_word && i + m.len() <= b && bytes[i..i + m.len()].eq_ignore_ascii_case(m)
                })
                .max_by_key(|&p| (marker(p).len(), std::cmp::Reverse(p)));
            let Some(p) = longest else {
                i += 1;
                continue;
            };
            let end = i + marker(p).len();
            i = end;
            let is_preferred = p < PREFERRED_MARKERS.len();
            if (!is_preferred || marker(p) == "a plus") && is_marker_word_byte(bytes, end) {
                continue;
            }
            if is_preferred {
                return (true, required);
            }
            required = true;
        }
        (false, required)
    }

    #[test]
    fn the_marker_index_finds_what_trying_every_marker_finds() {
        let words = [
            "a",
            "plus",
            "is",
            "a plus",
            "nice",
            "to",
            "have",
            "must",
            "mustard",
            "or",
            "similar",
            "experience",
            "with",
            "bonus",
            "bonuses",
            "Nice-to-have",
            "MUST",
            "x",
            "é",
            "_",
            "9",
            "thisis",
            "fluently",
            "you",
            "know",
            "at",
            "least",
            "preferred",
            // Markers inside words, where a scan that took a place after a
            // word byte for a word start would find them.
            "xmust",
            "unpreferred",
            "mustnice",
            "aplus",
            "abonus",
        ];
        let seps = [" ", "  ", "-", ",", "(", "\n", ". ", "/"];
        let mut lcg = crate::testing::Lcg::new(3);
        for _ in 0..600 {
            let n = lcg.next() % 12;
            let mut text = String::new();
            for _ in 0..n {
                text.push_str(words[lcg.next() % words.len()]);
                text.push_str(seps[lcg.next() % seps.len()]);
            }
            for a in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                for b in (a..=text.len())
                    .filter(|&i| text.is_char_boundary(i))
                    .step_by(4)
                {
                    assert_eq!(
                        markers_in(&text, a, b),
                        markers_in_reference(&text, a, b),
                        "{text:?} {a}..{b}"
                    );
                }
            }
        }
    }

    #[test]
    fn remembered_heading_levels_are_the_computed_ones() {
        let words = [
            "Requirements",
            "nice",
            "to",
            "have",
            "About",
            "us",
            "the",
            "team",
            "Bonus",
            "what",
            "you'll",
            "bring",
            "Technologies",
            "Benefits",
            "skills",
            "x",
        ];
        let mut lcg = crate::testing::Lcg::new(9);
        // Past the cache's limit, so that it is cleared and refilled.
        for _ in 0..2 * HEADING_CACHE_LIMIT {
            let n = 1 + lcg.next() % 4;
            let line: Vec<&str> = (0..n).map(|_| words[lcg.next() % words.len()]).collect();
            let line = format!("{}{}", line.join(" "), [":", ""][lcg.next() % 2]);
            assert_eq!(
                heading_level_cached(&line),
                heading_level(&line),
                "{line:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn the_lead_prefilter_turns_away_only_what_the_regex_would(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Requirements", "required skills", "Must-haves", "must have", "Minimum ",
                    "basic ", "qualifications", "What you bring", "you have", "Your profile",
                    "we expect", "Skills", "1.", "_", "• ", "- ", " ", ":", "é", "Ÿou have",
                    "ſ", "K", "the", "\u{212a}",
                ]),
                0..6,
            ),
        ) {
            let sentence = parts.concat();
            if !may_lead_with_requirement(&sentence) {
                proptest::prop_assert!(!REQUIRED_LEAD.is_match(&sentence), "{sentence:?}");
            }
        }

        /// The remembered sentence levels answer as reading each sentence
        /// afresh does, whatever order the places are asked about in (the
        /// callers ask in order; the memo must not depend on it).
        #[test]
        fn levels_asked_in_any_order_are_those_read_afresh(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Requirements:\n", "Nice to have\n", "About us\n", "Experience with Kafka. ",
                    "Go is a plus! ", "We sell shoes? ", "Node.js 3.5 and Rust", "must know SQL",
                    "Requirements: React. ", "\n", "- ", "Bonus: Docker. ", "é ", "x. ",
                    "A. ", "B! ", "C? ",
                ]),
                1..40,
            ),
            order in proptest::collection::vec(proptest::num::usize::ANY, 0..80),
            split in proptest::bool::ANY,
        ) {
            let text = parts.concat();
            let sections = Sections::new(&text);
            for k in order {
                let pos = k % (text.len() + 1);
                let fresh = Sections::new(&text);
                if split {
                    proptest::prop_assert_eq!(sections.level_until(pos), fresh.level_until(pos));
                } else {
                    proptest::prop_assert_eq!(sections.level_at(pos), fresh.level_at(pos));
                }
            }
        }
    }

    /// The level of a sentence by the whole rule: its markers read
    /// whatever its section (the reference for [`Sections::sentence_level`]).
    fn sentence_level_reference(
        text: &str,
        a: usize,
        b: usize,
        section: Requirement,
    ) -> Requirement {
        let (preferred, required) = markers_in(text, a, b);
        if preferred {
            Requirement::Preferred
        } else if REQUIRED_LEAD.is_match(&text[a..b])
            || (required && section == Requirement::Mentioned)
        {
            Requirement::Required
        } else {
            section
        }
    }

    #[test]
    fn sentence_levels_are_those_of_the_whole_rule_in_every_section() {
        let words = [
            "Requirements:",
            "requirements",
            ":",
            "You have:",
            "must",
            "nice to have",
            "a plus",
            "experience with",
            "Kafka",
            "and",
            "é",
            "bonus:",
            "What you need:",
        ];
        let mut lcg = crate::testing::Lcg::new(19);
        for _ in 0..3000 {
            let n = 1 + lcg.next() % 6;
            let sentence: Vec<&str> = (0..n).map(|_| words[lcg.next() % words.len()]).collect();
            let text = sentence.join(" ");
            let sections = Sections::new(&text);
            for section in [
                Requirement::Mentioned,
                Requirement::Preferred,
                Requirement::Required,
            ] {
                assert_eq!(
                    sections.sentence_level(0, text.len(), section),
                    sentence_level_reference(&text, 0, text.len(), section),
                    "{text:?} under {section:?}"
                );
            }
        }
    }

    #[test]
    fn the_marker_word_table_is_ascii_alphanumerics_and_underscore() {
        for b in 0..=255u8 {
            assert_eq!(
                is_marker_word_byte(&[b], 0),
                b.is_ascii_alphanumeric() || b == b'_',
                "byte {b:#04x}"
            );
        }
        assert!(!is_marker_word_byte(b"a", 1));
    }

    #[test]
    fn a_marker_inside_a_word_hides_no_marker_after_it() {
        // "is a plus" inside "thisis" is not a marker, and "a plus" is.
        let text = "Kotlin thisis a plus.";
        assert_eq!(markers_in(text, 0, text.len()), (true, false));
        assert_eq!(markers_in("mustard", 0, 7), (false, false));
        assert_eq!(markers_in("Bonuses: Go", 0, 11), (true, false));
    }

    #[test]
    fn headings_set_the_level_of_following_lines() {
        let text = "About us\nWe use Kafka.\nRequirements:\n- Python\n- SQL\nNice to have:\n- Rust\nWhat we offer\n- Laptop";
        let s = Sections::new(text);
        let at = |w: &str| s.level_at(text.find(w).unwrap());
        assert_eq!(at("Kafka"), Requirement::Mentioned);
        assert_eq!(at("Python"), Requirement::Required);
        assert_eq!(at("SQL"), Requirement::Required);
        assert_eq!(at("Rust"), Requirement::Preferred);
        assert_eq!(at("Laptop"), Requirement::Mentioned);
    }

    #[test]
    fn inline_markers_override() {
        let text = "What you bring\n- Java\n- Experience with Kotlin is a plus\n- Go";
        let s = Sections::new(text);
        assert_eq!(
            s.level_at(text.find("Java").unwrap()),
            Requirement::Required
        );
        assert_eq!(
            s.level_at(text.find("Kotlin").unwrap()),
            Requirement::Preferred
        );
        assert_eq!(s.level_at(text.find("Go").unwrap()), Requirement::Required);
    }

    #[test]
    fn asking_phrases_without_a_heading() {
        let text = "We use Kafka and Spark.\nExperience with Python.\nA solid understanding of SQL is key.\nFluent German.\nNice to have:\n- Experience with Rust";
        let s = Sections::new(text);
        let at = |w: &str| s.level_at(text.find(w).unwrap());
        assert_eq!(at("Kafka"), Requirement::Mentioned);
        assert_eq!(at("Python"), Requirement::Required);
        assert_eq!(at("SQL"), Requirement::Required);
        assert_eq!(at("German"), Requirement::Required);
        assert_eq!(at("Rust"), Requirement::Preferred);
    }

    #[test]
    fn a_short_line_that_names_no_section_is_content() {
        // Four words and no period look like a heading, but this one asks.
        let text = "About us\nWe sell shoes.\nGood knowledge of SAP\nOffice in Oslo";
        let s = Sections::new(text);
        let at = |w: &str| s.level_at(text.find(w).unwrap());
        assert_eq!(at("SAP"), Requirement::Required);
        // It does not open a section: the next line keeps the old level.
        assert_eq!(at("Oslo"), Requirement::Mentioned);
    }

    #[test]
    fn asking_phrases_without_headings() {
        for sentence in [
            "You speak German fluently.",
            "Java experience is needed.",
            "A degree in physics or equivalent.",
            "Basics of cryptography like TLS.",
            "Design patterns are a pre-requisite.",
            "Rock-solid JavaScript fundamentals.",
            "Exposure to Kafka.",
        ] {
            let text = format!("About the job\n{sentence}");
            let s = Sections::new(&text);
            assert_eq!(
                s.level_at(text.len() - 2),
                Requirement::Required,
                "{sentence}"
            );
        }
        let text = "About the job\nWe ship shoes across Europe.";
        assert_eq!(
            Sections::new(text).level_at(text.len() - 2),
            Requirement::Mentioned
        );
    }

    #[test]
    fn a_technologies_field_asks_but_a_company_stack_does_not() {
        let text = "Technologies\njava spring kafka\nOur tech stack\nKubernetes\nRole qualifications:\n- Go\nWe’d like you to be comfortable with:\n- Rust\nWhat you’ll do\n- Kafka";
        let s = Sections::new(text);
        let at = |w: &str| s.level_at(text.find(w).unwrap());
        assert_eq!(at("java"), Requirement::Required);
        assert_eq!(at("Kubernetes"), Requirement::Mentioned);
        assert_eq!(at("Go"), Requirement::Required);
        assert_eq!(at("Rust"), Requirement::Required);
        assert_eq!(at("Kafka"), Requirement::Mentioned);
    }

    #[test]
    fn the_sentence_around_a_byte_is_the_one_the_line_splits_into() {
        let alphabet = b"ab .!?\t,:xy.";
        for (k, mut line) in crate::testing::random_strings(alphabet, 3000, 30, 11)
            .into_iter()
            .enumerate()
        {
            // Lines with and without their newline.
            if k % 2 == 0 {
                line.push(b'\n');
            }
            let text = format!("Head.\n{}", String::from_utf8(line).unwrap());
            let start = "Head.\n".len();
            for pos in start..text.len() {
                let expected = sentences(&text[start..], start)
                    .find(|&(_, b)| b > pos)
                    .unwrap();
                assert_eq!(
                    sentence_around(text.as_bytes(), start, text.len(), pos),
                    expected,
                    "{text:?} at {pos}"
                );
            }
        }
    }

    #[test]
    fn lines_end_after_each_newline() {
        let empty = Sections::new("");
        assert_eq!(empty.line_bounds(0), (0, 0));
        assert_eq!(empty.level_at(0), Requirement::Mentioned);
        let text = "Requirements\n- Rust\n\nlast";
        let s = Sections::new(text);
        assert_eq!(s.line_bounds(0), (0, 13));
        assert_eq!(s.line_bounds(14), (13, 20));
        assert_eq!(s.line_bounds(20), (20, 21));
        assert_eq!(s.line_bounds(text.len() - 1), (21, text.len()));
        assert_eq!(s.level_at(text.len() - 1), Requirement::Required);
    }

    #[test]
    fn headings_count_words_as_split_whitespace_does() {
        for line in [
            "Requirements",
            "Nice to have",
            "What you will bring to us",
            "Our\u{b}stack",
            "A\u{b}b\u{b}c\u{b}d\u{b}e",
            "Skills and experience we need:",
            "Über uns",
            "a\u{2003}b\u{2003}c\u{2003}d\u{2003}e",
            "One, two",
            "- Rust",
        ] {
            let words = line.split_whitespace().count();
            let body = line.trim_end_matches(':');
            let expected = !line.starts_with('-')
                && !body.contains(['.', '!', '?', ','])
                && ((1..=4).contains(&words) || (body.len() < line.len() && words <= 8));
            assert_eq!(is_heading(line), expected, "{line:?}");
        }
    }

    #[test]
    fn sentences_within_a_line() {
        let text = "Requirements: React, TypeScript. Nice to have: Next.js and Node.js.";
        let s = Sections::new(text);
        assert_eq!(
            s.level_at(text.find("React").unwrap()),
            Requirement::Required
        );
        assert_eq!(
            s.level_at(text.find("TypeScript").unwrap()),
            Requirement::Required
        );
        assert_eq!(
            s.level_at(text.find("Next.js").unwrap()),
            Requirement::Preferred
        );
        assert_eq!(
            s.level_at(text.find("Node.js").unwrap()),
            Requirement::Preferred
        );
    }

    #[test]
    fn other_heading_names() {
        for h in [
            "Must have:",
            "Qualifications",
            "You have",
            "What we're looking for:",
            "Your profile",
        ] {
            let text = format!("{h}\n- Docker");
            assert_eq!(
                Sections::new(&text).level_at(text.find("Docker").unwrap()),
                Requirement::Required,
                "{h}"
            );
        }
        for h in [
            "Bonus points",
            "Preferred qualifications:",
            "Good to have",
            "A plus:",
        ] {
            let text = format!("{h}\n- Docker");
            assert_eq!(
                Sections::new(&text).level_at(text.find("Docker").unwrap()),
                Requirement::Preferred,
                "{h}"
            );
        }
    }
}
