//! Linking a skill name the catalog lacks to the nearest ESCO skill: the
//! `uncatalogued` tags of the learned span tagger ("financial services",
//! "data modelling") get an ESCO URI when one of ESCO's labels is close
//! enough, with the similarity.
//!
//! Similarity is the cosine of character trigram TF-IDF vectors (words
//! padded with a space, so "sql" and "mysql" share grams but their starts
//! differ): robust to plurals, word order and spelling variants, and cheap
//! enough to run on every uncatalogued tag. The labels are ESCO's preferred
//! labels and the alternative labels of its ICT and transversal
//! collections, embedded from `training/skills/esco_skills.tsv` (written by
//! `export_esco_labels.py`; names and ids only). Hand-written: the crates
//! that do fuzzy string search rank by edit distance or need a whole
//! search engine, and this is a few sparse dot products.
//!
//! A name is linked only to a label whose every content word it has, so
//! [`EscoLinker::nearest`] scores just the labels indexed under the keys of
//! the name's words; [`EscoLinker::nearest_by_scan`] is its reference,
//! comparing the name with every label in turn.

use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

/// The embedded ESCO labels: `uuid<TAB>preferred<TAB>alt | alt`.
const ESCO_SKILLS_TSV: &str = include_str!("../../training/skills/esco_skills.tsv");

/// ESCO skill URIs are this and the uuid.
const ESCO_SKILL_URI: &str = "http://data.europa.eu/esco/skill/";

/// The least similarity at which an uncatalogued name is linked. Chosen by
/// reading the links of the uncatalogued names on the development postings
/// (not the ESCO linking benchmark).
pub(crate) const LINK_THRESHOLD: f32 = 0.5;

/// An ESCO skill a name was linked to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EscoLink {
    /// The concept's URI.
    pub uri: Arc<str>,
    /// The label that matched best (preferred or alternative).
    pub label: Arc<str>,
    /// Cosine similarity of the name and that label, 0..=1.
    pub similarity: f32,
}

/// Character-trigram TF-IDF vectors of ESCO's skill labels, with an
/// inverted index from gram to labels.
pub(crate) struct EscoLinker {
    /// Per concept: its URI.
    uris: Vec<Arc<str>>,
    /// Per label: its text and its concept.
    labels: Vec<(Arc<str>, u32)>,
    /// Gram → its id.
    gram_ids: FxHashMap<u64, u32>,
    /// Per gram id: its inverse document frequency.
    idf: Vec<f32>,
    /// Per label: its unit vector, sorted by gram id.
    vectors: Vec<Vec<(u32, f32)>>,
    /// Content-word key ([`word_key`]) → the labels with a word of that key.
    by_word: FxHashMap<String, Vec<u32>>,
    /// Per label: how many distinct content-word keys it has.
    word_count: Vec<usize>,
}

/// Names linked before, and their links (or none), up to a bound.
struct LinkCache {
    links: FxHashMap<Box<str>, Option<EscoLink>>,
    limit: usize,
}

/// Names a thread remembers before it starts over (a few MB at most).
const LINK_CACHE_LIMIT: usize = 20_000;

impl LinkCache {
    fn new(limit: usize) -> Self {
        LinkCache {
            links: FxHashMap::default(),
            limit,
        }
    }

    /// `name`'s link, from `link` the first time (and again after the
    /// cache has filled and started over).
    fn get_or_link(
        &mut self,
        name: &str,
        link: impl FnOnce(&str) -> Option<EscoLink>,
    ) -> Option<EscoLink> {
        if let Some(known) = self.links.get(name) {
            return known.clone();
        }
        if self.links.len() >= self.limit {
            self.links.clear();
        }
        let found = link(name);
        self.links.insert(name.into(), found.clone());
        found
    }
}

thread_local! {
    static LINKS: std::cell::RefCell<LinkCache> =
        std::cell::RefCell::new(LinkCache::new(LINK_CACHE_LIMIT));
}

/// The trigrams of a name, as hashes, with counts: lower-cased, runs of
/// anything but letters and digits (and `+`, `#`) made one space, padded
/// with a space at each end.
fn trigrams(name: &str) -> FxHashMap<u64, f32> {
    let mut chars: Vec<char> = vec![' '];
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || matches!(c, '+' | '#') {
            chars.push(c);
        } else if chars.last() != Some(&' ') {
            chars.push(' ');
        }
    }
    if chars.last() != Some(&' ') {
        chars.push(' ');
    }
    let mut grams: FxHashMap<u64, f32> = FxHashMap::default();
    for w in chars.windows(3) {
        // FNV-1a over the three characters (the index is built at start,
        // so the hash need only be stable within a run).
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for c in w {
            h ^= u64::from(*c);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        *grams.entry(h).or_default() += 1.0;
    }
    grams
}

impl EscoLinker {
    /// An index over `(uri, labels)` concepts.
    pub(crate) fn new<'a>(
        concepts: impl IntoIterator<Item = (String, Vec<&'a str>)>,
    ) -> EscoLinker {
        let mut uris = Vec::new();
        let mut labels = Vec::new();
        for (uri, names) in concepts {
            let concept = uris.len() as u32;
            uris.push(Arc::<str>::from(uri));
            for name in names {
                labels.push((Arc::<str>::from(name), concept));
            }
        }
        let mut gram_ids: FxHashMap<u64, u32> = FxHashMap::default();
        let mut df: Vec<u32> = Vec::new();
        let counted: Vec<Vec<(u32, f32)>> = labels
            .iter()
            .map(|(label, _)| {
                let mut v: Vec<(u32, f32)> = trigrams(label)
                    .into_iter()
                    .map(|(g, tf)| {
                        let next = gram_ids.len() as u32;
                        let id = *gram_ids.entry(g).or_insert(next);
                        if id as usize == df.len() {
                            df.push(0);
                        }
                        df[id as usize] += 1;
                        (id, tf)
                    })
                    .collect();
                v.sort_by_key(|&(id, _)| id);
                v
            })
            .collect();
        let n = labels.len() as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| ((n + 1.0) / (d as f32 + 1.0)).ln() + 1.0)
            .collect();
        let vectors: Vec<Vec<(u32, f32)>> = counted
            .into_iter()
            .map(|v| {
                let mut v: Vec<(u32, f32)> = v
                    .into_iter()
                    .map(|(id, tf)| (id, tf * idf[id as usize]))
                    .collect();
                normalize(&mut v);
                v
            })
            .collect();
        let mut by_word: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut word_count = Vec::with_capacity(labels.len());
        for (label, (text, _)) in labels.iter().enumerate() {
            let keys = word_keys(text);
            word_count.push(keys.len());
            for key in keys {
                by_word.entry(key).or_default().push(label as u32);
            }
        }
        EscoLinker {
            uris,
            labels,
            gram_ids,
            idf,
            vectors,
            by_word,
            word_count,
        }
    }

    /// The linker over the embedded ESCO labels, built on first use.
    pub(crate) fn embedded() -> &'static EscoLinker {
        static LINKER: OnceLock<EscoLinker> = OnceLock::new();
        LINKER.get_or_init(|| {
            EscoLinker::new(ESCO_SKILLS_TSV.lines().filter_map(|line| {
                let mut fields = line.split('\t');
                let uuid = fields.next()?;
                let preferred = fields.next()?;
                let mut names = vec![preferred];
                names.extend(
                    fields
                        .next()
                        .unwrap_or("")
                        .split(" | ")
                        .filter(|a| !a.is_empty()),
                );
                Some((format!("{ESCO_SKILL_URI}{uuid}"), names))
            }))
        })
    }

    /// The name's TF-IDF vector over the grams some label has, sorted by
    /// gram id, divided by the norm of its whole vector: grams no label has
    /// count in that norm (they make a name less like every label) but
    /// cannot add to a dot product.
    fn query(&self, name: &str) -> Vec<(u32, f32)> {
        let unseen_idf = ((self.labels.len() as f32 + 1.0).ln()) + 1.0;
        let mut known = Vec::new();
        let mut norm = 0f32;
        for (g, tf) in trigrams(name) {
            match self.gram_ids.get(&g) {
                Some(&id) => {
                    let w = tf * self.idf[id as usize];
                    norm += w * w;
                    known.push((id, w));
                }
                None => norm += (tf * unseen_idf).powi(2),
            }
        }
        let norm = norm.sqrt();
        if norm > 0.0 {
            for (_, w) in &mut known {
                *w /= norm;
            }
        }
        known.sort_by_key(|&(id, _)| id);
        known
    }

    /// The most similar label at or above `threshold` that names the same
    /// skill by its words ([`same_words`]), ties to the lower label.
    fn link(
        &self,
        name: &str,
        scores: impl Iterator<Item = (u32, f32)>,
        threshold: f32,
    ) -> Option<EscoLink> {
        let mut candidates: Vec<(u32, f32)> = scores.filter(|&(_, s)| s >= threshold).collect();
        candidates.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        let (label, similarity) = candidates
            .into_iter()
            .find(|&(label, _)| same_words(name, &self.labels[label as usize].0))?;
        let (text, concept) = &self.labels[label as usize];
        Some(EscoLink {
            uri: self.uris[*concept as usize].clone(),
            label: text.clone(),
            similarity: similarity.min(1.0),
        })
    }

    /// [`EscoLinker::nearest`] over the embedded labels at
    /// [`LINK_THRESHOLD`], remembered per thread: the same uncatalogued
    /// names come back posting after posting ("financial services",
    /// "computer science"), and linking one costs more than the rest of its
    /// tag (about 9,000 instructions a posting on the development
    /// postings). The link is a pure function of the name, so a
    /// remembered one is the link.
    pub(crate) fn embedded_link(name: &str) -> Option<EscoLink> {
        LINKS.with(|links| {
            links
                .borrow_mut()
                .get_or_link(name, |n| Self::embedded().nearest(n, LINK_THRESHOLD))
        })
    }

    /// The ESCO skill whose label is most like `name`, when its similarity
    /// is at least `threshold`.
    pub(crate) fn nearest(&self, name: &str, threshold: f32) -> Option<EscoLink> {
        // Only a label whose every content word is in the name can be
        // linked ([`same_words`]), and each such word shares the name's
        // word's key: the labels found under the name's keys as many times
        // as they have keys are all the candidates. Scoring only those
        // gives what scoring every label gives, at a few dot products.
        let mut found: Vec<u32> = word_keys(name)
            .iter()
            .filter_map(|key| self.by_word.get(key))
            .flatten()
            .copied()
            .collect();
        if found.is_empty() {
            // No label shares a word with the name: nothing to score.
            return None;
        }
        found.sort_unstable();
        let q = self.query(name);
        let candidates = found
            .chunk_by(|a, b| a == b)
            .filter(|run| run.len() == self.word_count[run[0] as usize])
            .map(|run| (run[0], dot(&q, &self.vectors[run[0] as usize])));
        self.link(name, candidates, threshold)
    }

    /// [`EscoLinker::nearest`] by comparing the name with every label, each
    /// label's vector made anew from its text (the reference for the index).
    #[cfg(test)]
    fn nearest_by_scan(&self, name: &str, threshold: f32) -> Option<EscoLink> {
        let q = self.query(name);
        let scores = self.labels.iter().enumerate().map(|(label, (text, _))| {
            let mut v: Vec<(u32, f32)> = trigrams(text)
                .into_iter()
                .map(|(g, tf)| {
                    let id = self.gram_ids[&g];
                    (id, tf * self.idf[id as usize])
                })
                .collect();
            v.sort_by_key(|&(id, _)| id);
            normalize(&mut v);
            (label as u32, dot(&q, &v))
        });
        self.link(name, scores, threshold)
    }
}

/// Words that say little about which skill a label is: joining words, and
/// the verbs ESCO's skill labels start with ("use", "develop", "manage":
/// "develop statistical software" is the skill "statistical software"
/// names).
const LIGHT_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "or",
    "of",
    "in",
    "on",
    "for",
    "to",
    "the",
    "with",
    "use",
    "using",
    "develop",
    "manage",
    "apply",
    "perform",
    "collect",
    "conduct",
    "create",
    "implement",
    "operate",
    "maintain",
    "analyse",
    "analyze",
    "utilise",
    "employ",
];

/// The words of a label or name that carry meaning, lower-cased.
fn content_words(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_alphanumeric() || matches!(c, '+' | '#')))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !LIGHT_WORDS.contains(&w.as_str()))
        .collect()
}

/// Two words are the same word in another form: equal but for a plural
/// `s`, or one the other and a short ending ("analytic" / "analytics",
/// "electronic" / "electronics", "statistic" / "statistical"); not two
/// words that merely start alike ("biopharmaceuticals" / "biophysics").
fn same_word(a: &str, b: &str) -> bool {
    let (a, b) = (
        a.strip_suffix('s').unwrap_or(a),
        b.strip_suffix('s').unwrap_or(b),
    );
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    a == b
        || (short.chars().count() >= 5 && long.starts_with(short) && long.len() - short.len() <= 3)
}

/// A name and an ESCO label name the same skill only when every content
/// word of the label is in the name, and every content word of the name
/// is in the label, but one when the name has three or more ("agile
/// software development" is "agile development"; "education" is not
/// "education law", nor "test design" "design"). A one-word name must be
/// the label's word but for a plural `s`: an adjective is not its field
/// ("physical" is not "physics", "machine" not "machinery"). Character
/// similarity alone links a general word to any label that contains it.
fn same_words(name: &str, label: &str) -> bool {
    let (n, l) = (content_words(name), content_words(label));
    if n.is_empty() || l.is_empty() {
        return false;
    }
    let plural = |w: &str| w.strip_suffix('s').unwrap_or(w).to_string();
    if n.len() == 1 {
        return l.iter().all(|lw| plural(lw) == plural(&n[0]));
    }
    let label_covered = l.iter().all(|lw| n.iter().any(|nw| same_word(nw, lw)));
    let missing = n
        .iter()
        .filter(|nw| !l.iter().any(|lw| same_word(nw, lw)))
        .count();
    label_covered && (missing == 0 || (missing == 1 && n.len() >= 3))
}

/// The key a content word is indexed under: without a plural `s`, its
/// first five characters. Two words [`same_word`] takes for one have the
/// same key.
fn word_key(word: &str) -> String {
    let word = word.strip_suffix('s').unwrap_or(word);
    word.chars().take(5).collect()
}

/// The distinct keys of a label's or name's content words.
fn word_keys(s: &str) -> Vec<String> {
    let mut keys: Vec<String> = content_words(s).iter().map(|w| word_key(w)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The dot product of two sparse vectors sorted by index.
fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0f32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

fn normalize(v: &mut [(u32, f32)]) {
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in v {
            *w /= norm;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_remembered_link_is_the_link_and_the_cache_starts_over_when_full() {
        let linker = small();
        let mut cache = LinkCache::new(2);
        let mut calls = 0;
        let names = [
            "financial products",
            "agile development",
            "financial products",
            "sql",
            "no such skill",
            "financial products",
        ];
        for name in names {
            let link = cache.get_or_link(name, |n| {
                calls += 1;
                linker.nearest(n, LINK_THRESHOLD)
            });
            assert_eq!(link, linker.nearest(name, LINK_THRESHOLD), "{name}");
        }
        // Linked: financial products, agile development, then sql (the
        // cache full: it starts over), no such skill, and financial
        // products again (the cache full again).
        assert_eq!(calls, 5);
        assert!(cache.links.len() <= 2);
    }

    #[test]
    fn the_embedded_link_is_the_nearest_at_the_threshold() {
        for name in [
            "computer sciences",
            "financial data",
            "kubernetes",
            "education",
        ] {
            for _ in 0..2 {
                assert_eq!(
                    EscoLinker::embedded_link(name),
                    EscoLinker::embedded().nearest(name, LINK_THRESHOLD),
                    "{name}"
                );
            }
        }
    }

    fn small() -> EscoLinker {
        EscoLinker::new([
            (
                "u:1".to_string(),
                vec!["financial products", "banking products"],
            ),
            ("u:2".to_string(), vec!["Agile development"]),
            ("u:3".to_string(), vec!["digital literacy"]),
            ("u:4".to_string(), vec!["SQL"]),
        ])
    }

    #[test]
    fn close_names_link_and_far_ones_do_not() {
        let l = small();
        let agile = l.nearest("agile software development", 0.6).unwrap();
        assert_eq!((&*agile.uri, &*agile.label), ("u:2", "Agile development"));
        assert!(agile.similarity > 0.6 && agile.similarity <= 1.0);
        // Identical text is similarity 1 whatever its case or punctuation.
        let same = l.nearest("Banking-products", 0.6).unwrap();
        assert_eq!(&*same.uri, "u:1");
        assert!((same.similarity - 1.0).abs() < 1e-5);
        assert_eq!(l.nearest("forklift operation", 0.6), None);
        assert_eq!(l.nearest("", 0.6), None);
    }

    #[test]
    fn the_embedded_labels_link_a_known_skill() {
        let l = EscoLinker::embedded();
        assert!(l.uris.len() > 4000, "{} concepts", l.uris.len());
        let link = l.nearest("Computer sciences", LINK_THRESHOLD).unwrap();
        assert!(link.uri.starts_with(ESCO_SKILL_URI), "{link:?}");
        assert_eq!(&*link.label, "computer science");
        assert!(link.similarity > 0.9, "{link:?}");
        // A general word is not linked to a label that adds to it, nor an
        // adjective to its field.
        assert_eq!(l.nearest("education", LINK_THRESHOLD), None);
        assert_eq!(l.nearest("physical", LINK_THRESHOLD), None);
        assert_eq!(
            l.nearest("Mathematics", LINK_THRESHOLD)
                .map(|link| link.label),
            Some("mathematics".into())
        );
    }

    #[test]
    fn words_are_the_same_in_another_form_only() {
        for (a, b) in [
            ("science", "sciences"),
            ("analytic", "analytics"),
            ("statistic", "statistical"),
            ("modeling", "modelings"),
        ] {
            assert!(same_word(a, b) && same_word(b, a), "{a} {b}");
            assert_eq!(word_key(a), word_key(b), "{a} {b}");
        }
        // Words that merely start alike, and short words, are not one.
        for (a, b) in [
            ("biopharmaceuticals", "biophysics"),
            ("microsoft", "microsensors"),
            ("law", "lawn"),
            ("engine", "engineering"),
        ] {
            assert!(!same_word(a, b), "{a} {b}");
        }
    }

    #[test]
    fn names_and_labels_need_the_same_words() {
        // One extra word in a name of three or more; not in a shorter one.
        assert!(same_words(
            "agile software development",
            "Agile development"
        ));
        assert!(!same_words("test design", "design"));
        // Every word of the label, its verb and joining words aside.
        assert!(same_words(
            "statistical software",
            "develop statistical software"
        ));
        assert!(!same_words("education", "education law"));
        assert!(!same_words("big data", "big data and analytics tools"));
        // A one-word name is the label's word, plural aside.
        assert!(same_words("Spreadsheets", "spreadsheet"));
        assert!(!same_words("physical", "physics"));
        assert!(!same_words("and", "and"));
        // Non-ASCII words keep their characters.
        assert!(same_words("données massives", "Données massives"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn the_index_finds_what_a_scan_finds(
            pick in 0.0f64..1.0,
            cut in 0usize..12,
            ending in prop::sample::select(vec!["", "s", "al", "ing", "ed", "é"]),
            noise in "( [a-z]{1,8}){0,2}",
        ) {
            // A label of the index (any of them), cut short, with another
            // ending and more words: near names, far names and no name.
            let l = EscoLinker::embedded();
            let label = ((pick * l.labels.len() as f64) as usize).min(l.labels.len() - 1);
            let text: String = l.labels[label].0.chars().skip(cut).collect();
            let name = format!("{text}{ending}{noise}");
            prop_assert_eq!(l.nearest(&name, 0.3), l.nearest_by_scan(&name, 0.3), "{}", name);
        }
    }
}
