//! From raw posting text to the terms that features are built from.
//!
//! `raw text → normalize → tokenize → drop stop words and numbers → stem`,
//! then word unigrams and bigrams. Stemming uses the English Snowball stemmer
//! from `rust-stemmers`, behind a per-thread cache (postings repeat the same few
//! thousand words). Tech terms and tokens with non-letters are never stemmed:
//! "pandas" stays "pandas" only by luck, but "node.js" and "c++" must stay whole.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};

use super::normalize::{normalize, NormalizedText};
use super::tokenize::{is_tech_term, tokenize};

/// A token after stop-word removal and stemming, with its span in the
/// normalized text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    /// The stemmed form that features are keyed on.
    pub stem: String,
    /// Start byte in the normalized text.
    pub start: usize,
    /// End byte in the normalized text.
    pub end: usize,
}

/// A text taken through the analysis pipeline.
#[derive(Debug, Clone)]
pub(crate) struct Analyzed {
    /// The normalized text and its map back to the original.
    pub normalized: NormalizedText,
    /// Content terms in order.
    pub terms: Vec<Term>,
}

impl Analyzed {
    /// Unigram and bigram feature keys with their normalized spans.
    /// Bigrams join two consecutive content terms with a space.
    pub fn ngrams(&self) -> impl Iterator<Item = (String, usize, usize)> + '_ {
        let unigrams = self.terms.iter().map(|t| (t.stem.clone(), t.start, t.end));
        let bigrams = self
            .terms
            .windows(2)
            .map(|w| (format!("{} {}", w[0].stem, w[1].stem), w[0].start, w[1].end));
        unigrams.chain(bigrams)
    }

    /// Call `f` with every unigram and bigram key, without allocating a
    /// string per key (the hot path of labelling).
    pub fn for_each_ngram(&self, mut f: impl FnMut(&str)) {
        for t in &self.terms {
            f(&t.stem);
        }
        let mut buf = String::new();
        for w in self.terms.windows(2) {
            buf.clear();
            buf.push_str(&w[0].stem);
            buf.push(' ');
            buf.push_str(&w[1].stem);
            f(&buf);
        }
    }

    /// Byte range in the original text of a normalized span.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        self.normalized.original_span(start, end)
    }
}

/// Run the whole pipeline on `raw`.
pub fn analyze(raw: &str) -> Analyzed {
    let normalized = normalize(raw);
    let mut terms = Vec::new();
    for t in tokenize(&normalized.text) {
        content_stems(&t.text, |stem| {
            terms.push(Term {
                stem,
                start: t.start,
                end: t.end,
            })
        });
    }
    Analyzed { normalized, terms }
}

/// The stemmed content words of one token, in order: the token after the
/// term map (which may turn one token into several words), without stop
/// words and numbers. Both the analysis above and the labelling hot path
/// (`features::term_index`) go through here, so they cannot drift apart.
pub fn content_stems(token: &str, mut f: impl FnMut(String)) {
    let mapped = TERM_MAP.get(token);
    let words = mapped.map_or(token, String::as_str).split(' ');
    for w in words.filter(|w| !w.is_empty()) {
        if !is_stop_word(w) && !is_number(w) {
            f(stem(w));
        }
    }
}

/// Folding of foreign-language and variant spellings (`training/term_map.toml`).
static TERM_MAP: LazyLock<FxHashMap<String, String>> =
    LazyLock::new(|| parse_term_map(TERM_MAP_TOML).unwrap_or_default());

const TERM_MAP_TOML: &str = include_str!("../../training/term_map.toml");

fn parse_term_map(text: &str) -> Result<FxHashMap<String, String>, toml::de::Error> {
    #[derive(serde::Deserialize)]
    struct File {
        terms: HashMap<String, String>,
    }
    toml::from_str::<File>(text).map(|f| f.terms.into_iter().collect())
}

/// Feature keys (unigrams and bigrams) of `raw`, without spans.
#[cfg(test)]
pub fn feature_terms(raw: &str) -> Vec<String> {
    analyze(raw).ngrams().map(|(t, _, _)| t).collect()
}

fn is_number(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii_digit() || c == '.')
}

const CACHE_LIMIT: usize = 200_000;

thread_local! {
    static STEMMER: Stemmer = Stemmer::create(Algorithm::English);
    static STEM_CACHE: RefCell<FxHashMap<String, String>> = RefCell::new(FxHashMap::default());
}

/// Stem one token; tech terms and tokens with non-letters pass unchanged.
pub fn stem(word: &str) -> String {
    if word.len() <= 3 || !word.chars().all(char::is_alphabetic) || is_tech_term(word) {
        return word.to_string();
    }
    STEM_CACHE.with(|cache| {
        if let Some(s) = cache.borrow().get(word) {
            return s.clone();
        }
        let stemmed = STEMMER.with(|s| s.stem(word).into_owned());
        let mut cache = cache.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(word.to_string(), stemmed.clone());
        stemmed
    })
}

/// English function words that carry no signal for role or seniority.
/// "it" is deliberately absent: "IT support" is a role.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "etc",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "s",
    "t",
    "d",
    "ll",
    "m",
    "re",
    "ve",
    "us",
    "within",
    "via",
    "per",
    "may",
    "must",
    "shall",
    "well",
    "e.g",
    "i.e",
];

static STOP_WORD_SET: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());

fn is_stop_word(word: &str) -> bool {
    STOP_WORD_SET.contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_words_but_not_tech_terms() {
        let terms: Vec<String> = analyze("Engineering the Node.js services; C++ developers")
            .terms
            .into_iter()
            .map(|t| t.stem)
            .collect();
        assert_eq!(terms, ["engin", "node.js", "servic", "c++", "develop"]);
    }

    #[test]
    fn builds_bigrams_over_content_terms() {
        let keys = feature_terms("Data Scientist at a bank");
        assert_eq!(
            keys,
            [
                "data",
                "scientist",
                "bank",
                "data scientist",
                "scientist bank"
            ]
        );
    }

    #[test]
    fn it_and_go_and_r_survive() {
        let keys = feature_terms("IT support, Go and R");
        assert!(keys.contains(&"it".to_string()));
        assert!(keys.contains(&"go".to_string()));
        assert!(keys.contains(&"r".to_string()));
    }

    #[test]
    fn term_map_parses_and_folds_variants() {
        let map = parse_term_map(TERM_MAP_TOML).expect("training/term_map.toml parses");
        assert!(map.len() > 50);
        assert_eq!(
            feature_terms("Młodszy Programista"),
            feature_terms("junior developer")
        );
        assert_eq!(feature_terms("Frontend"), feature_terms("front end"));
    }

    #[test]
    fn spans_map_to_original_words() {
        let raw = "<li>Senior&nbsp;Développeur</li>";
        let a = analyze(raw);
        let t = &a.terms[1];
        let (s, e) = a.original_span(t.start, t.end);
        assert_eq!(&raw[s..e], "Développeur");
    }
}
