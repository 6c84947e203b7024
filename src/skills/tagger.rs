//! Finding catalog skills in posting text.
//!
//! Aliases are indexed once per catalog by their leading word
//! (`word_index`): the case-preserving normalized text is read once, and at
//! each word start one hash lookup says which aliases could begin there; they
//! are compared byte for byte, ASCII case folded or, for aliases that must
//! match exactly ("Go", "R"), as written. Linear in the text, whatever the
//! catalog size. Candidates are kept when they stand as whole words, and the
//! leftmost-longest non-overlapping set wins ("Google Cloud Platform" over
//! "Google Cloud", "JavaScript" over "Java", "React Native" over "React").
//! Skills that are also ordinary words need evidence before they are tagged;
//! each tag then gets its requirement level and any years of experience.

use std::borrow::Cow;
use std::sync::Arc;

use compact_str::CompactString;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::catalog::SkillCatalog;
use super::esco_link::EscoLinker;
use super::sections::{Requirement, Sections};
use super::spans::{self, CatalogMark, LineFeatures, SpanModel, Word};
use super::word_index::{is_word_byte, matches_at, Entry, WordIndex};
use crate::error::Result;
use crate::features::cues::{years_phrases, YearsMention};
use crate::posting::TextField;
use crate::posting::TextField as Field;
use crate::text::{normalize_keep_case, NormalizedText};

/// A place where a skill was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillSpan {
    /// Title or description.
    pub field: TextField,
    /// Start byte in the original field text.
    pub start: usize,
    /// End byte in the original field text.
    pub end: usize,
    /// How this place asks for the skill (the tag's level is the highest of
    /// its spans': "Java Developer" in a heading is `mentioned`, "Java" in
    /// the requirements `required`).
    pub requirement: Requirement,
}

/// A skill a posting asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillTag {
    /// Catalog id.
    pub id: CompactString,
    /// Canonical name.
    pub name: CompactString,
    /// Category.
    pub category: CompactString,
    /// Required, preferred or merely mentioned.
    pub requirement: Requirement,
    /// Minimum years of experience asked for this skill, when stated.
    pub years: Option<u32>,
    /// Every place it was found.
    pub spans: Vec<SkillSpan>,
    /// ESCO skill URI: the catalog entry's, when it has one; for an
    /// uncatalogued tag, the ESCO skill whose label is most like its name,
    /// when similar enough (see `esco_similarity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub esco: Option<Arc<str>>,
    /// For an uncatalogued tag linked to ESCO: the cosine similarity (0..=1)
    /// of its name and the ESCO label it was linked by (character trigram
    /// TF-IDF), to four decimals. None for catalogued skills, whose links
    /// were reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub esco_similarity: Option<f64>,
    /// O*NET Technology Skills example name of the catalog entry, when it
    /// has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onet: Option<Arc<str>>,
    /// The UNSPSC commodity code O*NET lists that example under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onet_code: Option<CompactString>,
}

/// One raw match: a catalog alias at a byte range of normalized text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Index of the skill in the catalog.
    pub skill: usize,
    /// Start byte (normalized text).
    pub start: usize,
    /// End byte (normalized text).
    pub end: usize,
    /// Matched through a word-like alias ("Go", "Excel", "TF") that is
    /// tagged only with evidence around it.
    pub needs_evidence: bool,
    /// Matched through a broad alias ("cloud") that is tagged only where
    /// the posting asks for it.
    pub where_asked: bool,
}

/// A catalog compiled for matching (inside a [`crate::Labeller`]).
#[derive(Debug, Clone)]
pub(crate) struct SkillTagger {
    catalog: SkillCatalog,
    index: WordIndex,
    /// Each skill's ids, shared: a tag clones a pointer, not the URI.
    ids: Vec<SkillIds>,
    /// The learned span tagger, when the model has one.
    spans: Option<Arc<SpanModel>>,
    /// Each skill's category as the span tagger's features hash it.
    category_hashes: Vec<u64>,
}

/// The ESCO and O*NET ids of one catalog skill.
#[derive(Debug, Clone, Default)]
struct SkillIds {
    esco: Option<Arc<str>>,
    onet: Option<Arc<str>>,
    onet_code: Option<CompactString>,
}

impl SkillTagger {
    /// Compile a catalog.
    pub fn new(catalog: SkillCatalog) -> Result<Self> {
        let (mut folded, mut exact) = (Vec::new(), Vec::new());
        for (i, skill) in catalog.skills().iter().enumerate() {
            for alias in &skill.aliases {
                // Exact-case aliases of ambiguous skills, and very short
                // ones ("TF"), are the word-like forms that need evidence;
                // "Apache Spark" or "MS Excel" do not.
                let needs_evidence =
                    alias.exact_case && (skill.ambiguous || alias.text.chars().count() <= 2);
                let text = alias.text.as_bytes().into();
                if alias.exact_case {
                    exact.push(Entry::new(text, true, i, needs_evidence, alias.where_asked));
                } else {
                    // A one-word alias of an ambiguous skill ("Danish",
                    // "Golang") also needs evidence; "Apache Spark" does not.
                    let one_word = alias.text.chars().all(char::is_alphanumeric);
                    folded.push(Entry::new(
                        text,
                        false,
                        i,
                        skill.ambiguous && one_word,
                        alias.where_asked,
                    ));
                }
            }
        }
        folded.extend(exact);
        let ids = catalog
            .skills()
            .iter()
            .map(|s| SkillIds {
                esco: s.esco.as_deref().map(Arc::from),
                onet: s.onet.as_deref().map(Arc::from),
                onet_code: s.onet_code.as_deref().map(CompactString::from),
            })
            .collect();
        Ok(SkillTagger {
            index: WordIndex::new(folded),
            category_hashes: catalog
                .skills()
                .iter()
                .map(|s| spans::category_hash(&s.category))
                .collect(),
            catalog,
            ids,
            spans: None,
        })
    }

    /// The catalog.
    pub fn catalog(&self) -> &SkillCatalog {
        &self.catalog
    }

    /// Whole-word, leftmost-longest, non-overlapping matches in `text`
    /// (before the ambiguity check).
    pub(crate) fn find(&self, text: &str) -> Vec<Hit> {
        let bytes = text.as_bytes();
        let mut chosen: Vec<Hit> = Vec::with_capacity(text.len() / 64 + 1);
        self.index.for_each_start(bytes, |start, candidates| {
            let hit = candidates.iter().find_map(|e| {
                matches_at(e, bytes, start)
                    .filter(|&end| is_whole_word(bytes, start, end))
                    .map(|end| Hit {
                        skill: e.skill,
                        start,
                        end,
                        needs_evidence: e.needs_evidence,
                        where_asked: e.where_asked,
                    })
            })?;
            chosen.push(hit);
            Some(hit.end)
        });
        chosen
    }

    /// Tag the skills of a posting.
    pub fn tag(&self, title: &str, description: &str) -> Vec<SkillTag> {
        self.tag_normalized(
            &normalize_keep_case(title),
            &normalize_keep_case(description),
        )
    }

    /// [`SkillTagger::tag`] on the case-kept normalizations of the title and
    /// the description (spans still point into the original text).
    pub(crate) fn tag_normalized(
        &self,
        title: &NormalizedText,
        description: &NormalizedText,
    ) -> Vec<SkillTag> {
        self.tag_normalized_with_years(title, description, None, true)
    }

    /// Also tag the spans this learned tagger finds (see [`SpanModel`]).
    pub(crate) fn with_spans(mut self, spans: Option<Arc<SpanModel>>) -> Self {
        self.spans = spans;
        self
    }

    /// [`SkillTagger::tag_normalized`], given the [`years_phrases`] of the
    /// description's text when they are already known, with the learned
    /// tagger (when there is one) or, with `learned` false, the catalog alone.
    ///
    /// Catalog matches keep their canonical skill. In the description, the
    /// learned tagger's spans that touch no catalog
    /// match become `uncatalogued` tags; a learned span over a catalog
    /// match adds nothing to it, and one over a match the evidence rules
    /// turned down stays turned down.
    pub(crate) fn tag_normalized_with_years(
        &self,
        title: &NormalizedText,
        description: &NormalizedText,
        description_years: Option<&[YearsMention]>,
        learned: bool,
    ) -> Vec<SkillTag> {
        let spans = self.spans.as_ref().filter(|_| learned);
        let mut tags: Vec<SkillTag> = Vec::new();
        // Catalog index (or uncatalogued id) → position in `tags`.
        let mut index: rustc_hash::FxHashMap<usize, usize> = Default::default();
        let mut uncatalogued: rustc_hash::FxHashMap<CompactString, usize> = Default::default();
        for (field, norm) in [(Field::Title, title), (Field::Description, description)] {
            if norm.text.is_empty() {
                continue;
            }
            let text = norm.text.as_str();
            let sections = Sections::new(text);
            let hits = self.find(text);
            let keep = self.accepted(text, &hits, &sections);
            let mut accepted: Vec<Hit> = hits
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(h, _)| *h)
                .collect();
            let mut learned: Vec<CompactString> = Vec::new();
            let first_heading = sections.first_heading();
            // Every span the learned tagger marks, when it ran.
            let mut learned_marks: Option<Vec<(usize, usize)>> = None;
            if let (Field::Description, Some(model)) = (field, spans) {
                let (free, all) = self.learned_spans(model, text, &hits, &keep, &sections);
                learned_marks = Some(all);
                for (start, end) in free {
                    accepted.push(Hit {
                        skill: LEARNED + learned.len(),
                        start,
                        end,
                        needs_evidence: false,
                        where_asked: false,
                    });
                    learned.push(surface_name(&text[start..end]));
                }
                accepted.sort_by_key(|h| h.start);
            }
            let phrases = match (field, description_years) {
                (Field::Description, Some(known)) => Cow::Borrowed(known),
                _ => Cow::Owned(years_phrases(text)),
            };
            let years = attach_years(&accepted, &sections, &phrases);
            for (k, h) in accepted.iter().enumerate() {
                let requirement = if field == Field::Title {
                    Requirement::Required
                } else if names_a_role(text, h.start, h.end) {
                    // "Senior Java Developer", "DevOps team", "Engineer
                    // (C++ / Linux)": the name describes the job, it does
                    // not ask the candidate for the skill.
                    Requirement::Mentioned
                } else {
                    let level = sections.level_at(h.start);
                    match &learned_marks {
                        // The learned tagger learned where annotators mark
                        // knowledge a job asks for. Where no heading has
                        // said whether the posting asks (before the first
                        // one), a place it marks is asked for even in a
                        // sentence no rule reads as asking, and a broad
                        // word ("cloud") it leaves out is not asked for.
                        // Under a heading ("Our stack", "Nice to have") the
                        // heading decides.
                        Some(runs) if h.start < first_heading => {
                            let marked = overlaps_any(runs, h.start, h.end);
                            if marked && level == Requirement::Mentioned {
                                Requirement::Required
                            } else if !marked && h.where_asked {
                                Requirement::Mentioned
                            } else {
                                level
                            }
                        }
                        _ => level,
                    }
                };
                if h.where_asked && requirement == Requirement::Mentioned {
                    continue;
                }
                let (start, end) = norm.original_span(h.start, h.end);
                let span = SkillSpan {
                    field,
                    start,
                    end,
                    requirement,
                };
                let existing = if h.skill >= LEARNED {
                    uncatalogued.get(&learned[h.skill - LEARNED]).copied()
                } else {
                    index.get(&h.skill).copied()
                };
                match existing.and_then(|k| tags.get_mut(k)) {
                    Some(t) => {
                        t.requirement = t.requirement.max(requirement);
                        t.years = t.years.max(years[k]);
                        t.spans.push(span);
                    }
                    None if h.skill >= LEARNED => {
                        let name = learned[h.skill - LEARNED].clone();
                        uncatalogued.insert(name.clone(), tags.len());
                        let link = EscoLinker::embedded_link(&name);
                        tags.push(SkillTag {
                            id: uncatalogued_id(&name),
                            name,
                            category: UNCATALOGUED.into(),
                            requirement,
                            years: years[k],
                            spans: vec![span],
                            esco: link.as_ref().map(|l| l.uri.clone()),
                            esco_similarity: link
                                .map(|l| (f64::from(l.similarity) * 1e4).round() / 1e4),
                            onet: None,
                            onet_code: None,
                        });
                    }
                    None => {
                        let skill = &self.catalog.skills()[h.skill];
                        index.insert(h.skill, tags.len());
                        let ids = &self.ids[h.skill];
                        tags.push(SkillTag {
                            id: skill.id.as_str().into(),
                            name: skill.name.as_str().into(),
                            category: skill.category.as_str().into(),
                            requirement,
                            years: years[k],
                            spans: vec![span],
                            esco: ids.esco.clone(),
                            esco_similarity: None,
                            onet: ids.onet.clone(),
                            onet_code: ids.onet_code.clone(),
                        });
                    }
                }
            }
        }
        tags
    }

    /// Which hits stand as tags: those that need no evidence, broad words
    /// (asked-for is their evidence, checked later) and those with evidence.
    fn accepted(&self, text: &str, hits: &[Hit], sections: &Sections) -> Vec<bool> {
        (0..hits.len())
            .map(|i| {
                let h = &hits[i];
                !h.needs_evidence
                    || h.where_asked
                    || has_evidence(text, hits, i, &self.catalog, sections)
            })
            .collect()
    }

    /// Call `f` with the words of each line of `text` and what the catalog
    /// and the sections say about each (the span tagger's input), in one
    /// reused buffer; with `every_line` false, only the lines
    /// [`SkillTagger::worth_tagging`].
    fn for_each_span_line(
        &self,
        text: &str,
        hits: &[Hit],
        keep: &[bool],
        sections: &Sections,
        every_line: bool,
        mut f: impl FnMut(&SpanInput),
    ) {
        let mut next_hit = 0;
        let mut line_start = 0;
        // This thread's buffers, grown once to the longest line seen
        // rather than from empty for every description.
        let mut input = SPAN_INPUT.with(|buffers| buffers.take());
        let first_heading = sections.first_heading();
        // The lines of `split_inclusive('\n')`, by their ends (memchr's
        // iterator costs less per line than the `str` pattern search).
        let last_unended = (!text.is_empty() && !text.ends_with('\n')).then_some(text.len());
        let line_ends = memchr::memchr_iter(b'\n', text.as_bytes())
            .map(|i| i + 1)
            .chain(last_unended);
        for line_end in line_ends {
            let line = &text[line_start..line_end];
            let offset = line_start;
            line_start = line_end;
            if !every_line
                && !Self::worth_tagging(line, offset, hits, next_hit, sections, first_heading)
            {
                continue;
            }
            spans::words_into(line, offset, &mut input.words);
            if input.words.is_empty() {
                continue;
            }
            input.marks.clear();
            input.levels.clear();
            let (mut level, mut level_until) = (Requirement::Mentioned, 0);
            for w in &input.words {
                if w.start >= level_until {
                    (level, level_until) = sections.level_until(w.start);
                }
                while hits.get(next_hit).is_some_and(|h| h.end <= w.start) {
                    next_hit += 1;
                }
                let mark = match hits.get(next_hit) {
                    Some(h) if h.start < w.end => CatalogMark {
                        position: if h.start >= w.token_start {
                            spans::BEGIN
                        } else {
                            spans::INSIDE
                        },
                        accepted: keep[next_hit],
                        needs_evidence: h.needs_evidence,
                        where_asked: h.where_asked,
                        category: self.category_hashes[h.skill],
                    },
                    _ => CatalogMark::default(),
                };
                input.marks.push(mark);
                input.levels.push(level);
            }
            f(&input);
        }
        SPAN_INPUT.with(|buffers| buffers.replace(input));
    }

    /// Does a line need the learned tagger when labelling? Only where it can
    /// change a tag: a line in a section that asks (where a skill the
    /// catalog lacks is worth a tag), or a line with a catalog match before
    /// the first heading (where the tagger decides whether it is asked
    /// for). A line under a heading that does not ask ("About us",
    /// "Benefits") is skipped.
    fn worth_tagging(
        line: &str,
        offset: usize,
        hits: &[Hit],
        next_hit: usize,
        sections: &Sections,
        first_heading: usize,
    ) -> bool {
        if sections.section_level_at(offset) != Requirement::Mentioned {
            return true;
        }
        // Under a heading that does not ask, only the catalog's tags
        // count: the tagger's spans there would be mentions.
        if offset >= first_heading {
            return false;
        }
        let end = offset + line.len();
        hits[next_hit.min(hits.len())..]
            .iter()
            .take_while(|h| h.start < end)
            .any(|h| h.end > offset)
    }

    /// The spans (normalized byte ranges) the learned tagger finds in a
    /// description that overlap no catalog match and look like a name.
    fn learned_spans(
        &self,
        model: &SpanModel,
        text: &str,
        hits: &[Hit],
        keep: &[bool],
        sections: &Sections,
    ) -> (spans::Ranges, spans::Ranges) {
        let mut out = Vec::new();
        let mut all = Vec::new();
        let mut tags = Vec::new();
        self.for_each_span_line(text, hits, keep, sections, false, |input| {
            let words = &input.words;
            model.tag_words(text, words, &input.marks, &input.levels, &mut tags);
            spans::for_each_tag_run(&tags, |a, b| {
                let (start, end) = (words[a].start, words[b].end);
                all.push((start, end));
                // Hits are sorted and do not overlap: the first that ends
                // after `start` is the only candidate.
                let k = hits.partition_point(|h| h.end <= start);
                let overlaps = hits.get(k).is_some_and(|h| h.start < end);
                if !overlaps {
                    // "genomic, clinical" is two names, not one.
                    out.extend(
                        list_items(text, start, end)
                            .filter(|&(s, e)| looks_like_a_name(&text[s..e])),
                    );
                }
            });
        });
        (out, all)
    }

    /// The learned tagger's input lines for a (normalized) description:
    /// each line's words and features, for training on annotated text.
    pub(crate) fn span_training_lines(&self, text: &str) -> Vec<(Vec<Word>, LineFeatures)> {
        let sections = Sections::new(text);
        let hits = self.find(text);
        let keep = self.accepted(text, &hits, &sections);
        let mut lines = Vec::new();
        self.for_each_span_line(text, &hits, &keep, &sections, true, |input| {
            let features = spans::line_features(text, &input.words, &input.marks, &input.levels);
            lines.push((input.words.clone(), features));
        });
        lines
    }
}

thread_local! {
    /// [`SkillTagger::for_each_span_line`]'s buffers, kept between calls.
    static SPAN_INPUT: std::cell::Cell<SpanInput> = Default::default();
}

/// One line's words and what the catalog and the sections say about each.
#[derive(Default)]
struct SpanInput {
    words: Vec<Word>,
    marks: Vec<CatalogMark>,
    levels: Vec<Requirement>,
}

/// Does `start..end` overlap one of `ranges` (sorted by start, not
/// overlapping each other)?
fn overlaps_any(ranges: &[(usize, usize)], start: usize, end: usize) -> bool {
    let k = ranges.partition_point(|r| r.1 <= start);
    ranges.get(k).is_some_and(|r| r.0 < end)
}

/// Hit indices from here up are learned spans (the index minus this is the
/// span's place in the list of learned names).
const LEARNED: usize = usize::MAX / 2;

/// The category of tags the catalog does not know.
pub(crate) const UNCATALOGUED: &str = "uncatalogued";

/// Words that do not make a skill name on their own.
const NOT_NAMES: &[&str] = &[
    "a",
    "an",
    "and",
    "or",
    "the",
    "of",
    "in",
    "on",
    "for",
    "with",
    "to",
    "skills",
    "skill",
    "experience",
    "knowledge",
    "understanding",
    "etc",
    "other",
    "related",
    "similar",
    "tools",
    "technologies",
    "technology",
    "languages",
    "plus",
    "strong",
    "good",
    "solid",
    "working",
];

/// Words too general to name a skill by themselves ("data", "domain",
/// "engineering"): a one-word uncatalogued span made of one is dropped.
const TOO_GENERAL: &[&str] = &[
    "data",
    "applied",
    "domain",
    "industry",
    "tool",
    "stack",
    "enterprise",
    "operation",
    "operations",
    "analytic",
    "analytical",
    "exploratory",
    "implementation",
    "design",
    "engineering",
    "integration",
    "development",
    "maintenance",
    "support",
    "solutions",
    "systems",
    "technical",
    "business",
    "master",
    "degree",
    "statistical",
    "methods",
    "principles",
    "science",
    "analysis",
    "application",
    "transformation",
    "end-to-end",
    "e.g",
    "i.e",
    "et",
    "ou",
    "und",
    "oder",
];

/// The comma- or semicolon-separated parts of `start..end`, trimmed.
fn list_items(text: &str, start: usize, end: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut from = start;
    text[start..end]
        .match_indices([',', ';'])
        .map(move |(i, _)| start + i)
        .chain(std::iter::once(end))
        .map(move |to| {
            let part = &text[from..to];
            let lead = part.len() - part.trim_start().len();
            let kept = part.trim().len();
            let item = (from + lead, from + lead + kept);
            from = to + 1;
            item
        })
        .filter(|(s, e)| s < e)
}

/// A learned span worth a tag: at most 8 words, some letter, not only
/// filler words, and not one word too general to be a skill.
fn looks_like_a_name(span: &str) -> bool {
    let words: Vec<&str> = span
        .split(|c: char| !c.is_alphanumeric() && c != '.')
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .collect();
    let general = words.len() == 1 && in_list(TOO_GENERAL, words[0]);
    span.split_whitespace().count() <= 8
        && span.chars().any(char::is_alphabetic)
        && !general
        && words
            .iter()
            .any(|w| !in_list(NOT_NAMES, w) && !w.chars().all(|c| c.is_ascii_digit()))
}

/// The name an uncatalogued span is tagged by: whitespace collapsed, and
/// words lower-cased unless they carry a capital after their first letter
/// ("AWS", "GraphQL", "BS/BA" stay).
pub(crate) fn surface_name(span: &str) -> CompactString {
    let mut name = CompactString::default();
    for word in span.split_whitespace() {
        if !name.is_empty() {
            name.push(' ');
        }
        if word.chars().skip(1).any(char::is_uppercase) {
            name.push_str(word);
        } else {
            name.extend(word.chars().flat_map(char::to_lowercase));
        }
    }
    name
}

/// The stable id of an uncatalogued name: `u:` and its lower-cased words
/// joined by `-` ("Financial services" → `u:financial-services`).
pub(crate) fn uncatalogued_id(name: &str) -> CompactString {
    let mut id = CompactString::from("u:");
    let mut gap = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || matches!(c, '+' | '#' | '.') {
            if gap && id.len() > 2 {
                id.push('-');
            }
            gap = false;
            id.push(c);
        } else {
            gap = true;
        }
    }
    id
}

/// A match stands as a whole word: no word character touches either end,
/// and a bare letter is not the start of "C++"/"C#"/"F#".
fn is_whole_word(text: &[u8], start: usize, end: usize) -> bool {
    let first = text[start];
    let last = text[end - 1];
    if start > 0 && is_word_byte(first) && is_word_byte(text[start - 1]) {
        return false;
    }
    if start > 0 && first == b'.' && is_word_byte(text[start - 1]) {
        return false;
    }
    if let Some(&next) = text.get(end) {
        if is_word_byte(last) && (is_word_byte(next) || next == b'+' || next == b'#') {
            return false;
        }
        // "Node.js" must not match inside "Node.jsx"; "C++" not inside "C+++".
        if !is_word_byte(last) && last != b'.' && next == last {
            return false;
        }
        // A match must not end inside a dotted name ("ASP" in "ASP.NET").
        if next == b'.'
            && text
                .get(end + 1)
                .is_some_and(|&c| c.is_ascii_alphanumeric())
        {
            return false;
        }
    }
    true
}

/// Nouns that name a job or a group of people ("Java developer", "data
/// science team"). A skill right before one, or in parentheses right after
/// one, is part of a job name.
const ROLE_NOUNS: &[&str] = &[
    "developer",
    "engineer",
    "architect",
    "programmer",
    "administrator",
    "consultant",
    "specialist",
    "expert",
    "analyst",
    "scientist",
    "lead",
    "team",
    "department",
    "manager",
    "director",
    "community",
    "organization",
    "organisation",
    "culture",
    "dev",
    "position",
    "role",
    "professional",
    "freelancer",
    "contractor",
];

/// Words that may stand between a skill and the role noun of a job name
/// ("Java / React developers", "Python full stack engineer").
const ROLE_FILLERS: &[&str] = &[
    "and",
    "or",
    "full",
    "stack",
    "senior",
    "junior",
    "mid",
    "level",
    "software",
    "backend",
    "back-end",
    "frontend",
    "front-end",
    "web",
    "mobile",
];

/// Words after a job name that make it a past role ("Java developer
/// experience"), not the job on offer.
const PAST_ROLE_AFTER: &[&str] = &["experience", "background", "skills", "role", "roles"];

/// Is "as" among the three words before `start` ("Experience as a Java
/// developer", "worked as senior Python engineer")?
fn after_as(text: &str, start: usize) -> bool {
    let before = &text[floor_char(text, start.saturating_sub(40))..start];
    before
        .rsplit(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(3)
        .any(|w| w.eq_ignore_ascii_case("as"))
}

fn in_list(list: &[&str], word: &str) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// A word list as a set, for the lists checked at every word after a hit.
type WordSet = LazyLock<rustc_hash::FxHashSet<u128>>;

static ROLE_NOUN_SET: WordSet =
    LazyLock::new(|| ROLE_NOUNS.iter().filter_map(|w| word_key(w)).collect());
static ROLE_FILLER_SET: WordSet =
    LazyLock::new(|| ROLE_FILLERS.iter().filter_map(|w| word_key(w)).collect());

/// A word of up to 16 bytes as a number: its bytes ASCII lower-cased, in
/// order, zero-padded (a word holds no zero byte). One hash of a `u128`
/// instead of a lower-cased copy hashed byte by byte.
fn word_key(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    let mut folded = [0u8; 16];
    let folded_word = folded.get_mut(..bytes.len())?;
    for (f, b) in folded_word.iter_mut().zip(bytes) {
        *f = b.to_ascii_lowercase();
    }
    Some(u128::from_le_bytes(folded))
}

/// [`in_list`] for a set of lower-case ASCII words (none longer than 16
/// bytes).
fn in_set(set: &WordSet, word: &str) -> bool {
    word_key(word).is_some_and(|k| set.contains(&k))
}

fn is_role_noun(word: &str) -> bool {
    let Some(key) = word_key(word) else {
        return false;
    };
    // The singular: the word without a last 's'.
    let last = (word.len().max(1) - 1) * 8;
    let singular = match word.as_bytes().last() {
        Some(b's' | b'S') => Some(key & !(0xff_u128 << last)),
        _ => None,
    };
    ROLE_NOUN_SET.contains(&key) || singular.is_some_and(|k| ROLE_NOUN_SET.contains(&k))
}

/// Is the hit at `start..end` part of a job name: followed by a role noun
/// (fillers aside: "Java Developer", "JS / React developers", "DevOps
/// teams"), or inside parentheses that follow one ("Engineer (C++ /
/// Linux)")? Checked within the hit's line.
fn names_a_role(text: &str, start: usize, end: usize) -> bool {
    // Both sides are capped to a window first, so that a megabyte-long line
    // costs no more than a short one.
    let after = &text[end..ceil_char(text, end + WINDOW)];
    let after = &after[..memchr::memchr(b'\n', after.as_bytes()).unwrap_or(after.len())];
    let word = |c: char| c.is_alphanumeric() || matches!(c, '.' | '+' | '#' | '-' | '_');
    let mut words = after.split(|c: char| !word(c)).filter(|w| !w.is_empty());
    while let Some(w) = words.next() {
        let w = w.trim_end_matches('.');
        if is_role_noun(w) {
            // "Java developer experience", "as a Java developer": a past
            // role the candidate should have held, which asks for the skill.
            let asks_after = words
                .next()
                .is_some_and(|n| in_list(PAST_ROLE_AFTER, n.trim_end_matches('.')));
            return !asks_after && !after_as(text, start);
        }
        if !in_set(&ROLE_FILLER_SET, w) && w.chars().any(char::is_alphanumeric) {
            break;
        }
    }
    let before = &text[floor_char(text, start.saturating_sub(WINDOW))..start];
    let before = &before[memchr::memrchr(b'\n', before.as_bytes()).map_or(0, |i| i + 1)..];
    // `memrchr2`, not `rfind(['(', ')'])`: a char-set search decodes every
    // character of the line, and this runs for every hit.
    match memchr::memrchr2(b'(', b')', before.as_bytes()) {
        Some(i) if before.as_bytes()[i] == b'(' => before[..i]
            .split(|c: char| !c.is_alphanumeric())
            .rfind(|w| !w.is_empty())
            .is_some_and(is_role_noun),
        _ => false,
    }
}

/// Words that, right after an ambiguous name, show it is used as a verb or
/// noun rather than as the technology ("Go to market", "Excel at", "Make sure").
const NOT_TECH_NEXT: &[&str] = &[
    "to",
    "at",
    "in",
    "on",
    "of",
    "up",
    "out",
    "sure",
    "the",
    "a",
    "an",
    "your",
    "our",
    "it",
    "ahead",
    "live",
    "beyond",
    "through",
    "back",
    "forward",
    "further",
    "above",
    "over",
    "joy",
    "curiosity",
    "interest",
    "ideas",
    "change",
    "decisions",
    "sense",
    "use",
    "be",
    "you",
    "we",
    "them",
    "this",
    "that",
    "their",
];

/// Words next to a name that mark it as technology ("R programming",
/// "Go developer", "experience in Rust").
const TECH_QUALIFIERS: &[&str] = &[
    "programming",
    "language",
    "languages",
    "lang",
    "developer",
    "developers",
    "development",
    "engineer",
    "engineers",
    "code",
    "coding",
    "scripts",
    "scripting",
    "framework",
    "frameworks",
    "library",
    "libraries",
    "sdk",
    "stack",
    "backend",
    "ecosystem",
    "modules",
    "packages",
    "runtime",
    "compiler",
    "microservices",
    "services",
    "api",
    "apis",
    "spreadsheets",
    "pivot",
    "macros",
    "vba",
    "dashboards",
    "cookbooks",
    "playbooks",
    "streaming",
    "jobs",
    "cluster",
    "engine",
    "3d",
    "2d",
    "game",
    "games",
];

/// Words on the same line that show a human language is asked for
/// ("fluent German", "Polish (native)", "English at B2 level").
const LANGUAGE_CUES: &[&str] = &[
    "fluent",
    "fluency",
    "fluently",
    "native",
    "speaker",
    "speakers",
    "speaking",
    "spoken",
    "written",
    "proficiency",
    "proficient",
    "language",
    "languages",
    "b1",
    "b2",
    "c1",
    "c2",
    "bilingual",
    "command",
    "communicative",
];

fn words_after(text: &str, end: usize) -> impl Iterator<Item = String> + '_ {
    text[end..]
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(2)
        .map(|w| w.to_lowercase())
}

fn word_before(text: &str, start: usize) -> Option<String> {
    text[..start]
        .split(|c: char| !c.is_alphanumeric())
        .rev()
        .find(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Does an ambiguous hit have enough evidence to be a skill?
fn has_evidence(
    text: &str,
    hits: &[Hit],
    i: usize,
    catalog: &SkillCatalog,
    sections: &Sections,
) -> bool {
    let h = hits[i];
    // The line around the hit, capped to a window so that a megabyte-long
    // line costs no more than a short one.
    let (line_start, line_end) = sections.line_bounds(h.start);
    let line_start = floor_char(text, line_start.max(h.start.saturating_sub(WINDOW)));
    let line_end = ceil_char(text, line_end.max(h.end).min(h.end + WINDOW));
    let nearby = &hits[window(hits, line_start, line_end)];
    if catalog.skills()[h.skill].category == "language" {
        let line = &text[line_start..line_end];
        let cue = line
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| LANGUAGE_CUES.contains(&w.to_lowercase().as_str()));
        let other_language = nearby.iter().any(|o| {
            *o != h
                && o.start >= line_start
                && o.end <= line_end
                && catalog.skills()[o.skill].category == "language"
        });
        return cue || other_language;
    }
    let next = words_after(text, h.end).next();
    let separator = text[h.end..].chars().next();
    if let Some(n) = &next {
        // "Go to", "Excel at": a verb, unless written as "Go, Python" etc.
        if separator == Some(' ') && NOT_TECH_NEXT.contains(&n.as_str()) {
            return false;
        }
        if TECH_QUALIFIERS.contains(&n.as_str()) {
            return true;
        }
    }
    if word_before(&text[line_start..], h.start - line_start).is_some_and(|w| {
        TECH_QUALIFIERS.contains(&w.as_str())
            || w == "in" && line_has_tech_word(&text[line_start..line_end])
    }) {
        return true;
    }
    // "Knowledge of SAP", "experience with Chef", "proficiency in Go".
    if asked_as_knowledge(&text[line_start..h.start]) {
        return true;
    }
    // Another alias of the same skill right after it: "Go (Golang)".
    if hits
        .get(i + 1)
        .is_some_and(|n| n.skill == h.skill && n.start <= h.end + 3)
    {
        return true;
    }
    // A list of technologies around it on the same line.
    let near = |o: &Hit| {
        let s = &catalog.skills()[o.skill];
        // Two word-like technologies side by side ("Spark and Airflow")
        // vouch for each other; a soft skill or a human language does not.
        // A broad `?` word ("cloud", "engineering") vouches for nothing.
        (!o.needs_evidence || TECH_CATEGORIES.contains(&s.category.as_str()))
            && !o.where_asked
            && s.category != "soft-skill"
            && o.start >= line_start
            && o.end <= line_end
            && (o.end + 60 >= h.start && o.start <= h.end + 60)
    };
    if nearby.iter().any(|o| *o != h && near(o)) {
        return true;
    }
    // A bullet or line that is just the name ("- Excel", "Tableau:").
    let line = text[line_start..line_end]
        .trim()
        .trim_start_matches(['-', '*', '•', '·', '–'])
        .trim()
        .trim_end_matches([':', '.', ',', ';'])
        .trim();
    line == &text[h.start..h.end]
}

/// Nouns and adjectives of knowledge that, with a preposition, put a name
/// right after them in the place of a skill ("knowledge of SAP").
const KNOWLEDGE_WORDS: &[&str] = &[
    "knowledge",
    "experience",
    "experienced",
    "familiarity",
    "familiar",
    "proficiency",
    "proficient",
    "expertise",
    "skilled",
    "skills",
    "understanding",
    "background",
];

/// Does `before` end with a knowledge word and a preposition ("experience
/// with", "knowledge of")?
fn asked_as_knowledge(before: &str) -> bool {
    let mut words = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    let prep = words
        .next()
        .is_some_and(|w| in_list(&["of", "with", "in", "using"], w));
    prep && words.next().is_some_and(|w| in_list(KNOWLEDGE_WORDS, w))
}

/// Categories whose word-like names count as evidence for each other.
const TECH_CATEGORIES: &[&str] = &[
    "programming-language",
    "library-framework",
    "database",
    "cloud-platform",
    "devops-tool",
    "data-ml-method",
];

/// How far around a hit its evidence is looked for.
const WINDOW: usize = 200;

/// Indices of the hits (sorted by start) that start in `from..to`.
fn window(hits: &[Hit], from: usize, to: usize) -> std::ops::Range<usize> {
    hits.partition_point(|h| h.start < from)..hits.partition_point(|h| h.start < to)
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn line_has_tech_word(line: &str) -> bool {
    line.split(|c: char| !c.is_alphanumeric())
        .any(|w| TECH_QUALIFIERS.contains(&w.to_lowercase().as_str()))
}

/// Years of experience per accepted hit. A qualified phrase ("5+ years of
/// experience with Python") applies to the first skill after it on the same
/// line; any "N years" phrase applies to a skill named right after it ("5+
/// years of Python") or right before it ("Java (2 years)", "Python: 3+ years").
fn attach_years(hits: &[Hit], sections: &Sections, phrases: &[YearsMention]) -> Vec<Option<u32>> {
    let mut years = vec![None; hits.len()];
    let mut give = |k: usize, y: u32| years[k] = years[k].max(Some(y));
    for m in phrases.iter().filter(|m| m.qualified) {
        let (_, line_end) = sections.line_bounds(m.start);
        let w = window(hits, m.end, (m.end + 61).min(line_end));
        if !w.is_empty() {
            give(w.start, m.years);
        }
    }
    for m in phrases {
        let after = Some(window(hits, m.end, m.end + 7))
            .filter(|w| !w.is_empty())
            .map(|w| w.start);
        let before = || {
            let w = window(hits, m.start.saturating_sub(WINDOW), m.start);
            w.clone()
                .rev()
                .find(|&k| hits[k].end <= m.start && hits[k].end + 3 >= m.start)
        };
        if let Some(k) = after.or_else(before) {
            give(k, m.years);
        }
    }
    years
}

#[cfg(test)]
mod tests {
    #[test]
    fn uncatalogued_names_and_ids() {
        assert_eq!(surface_name("Financial  Services"), "financial services");
        assert_eq!(surface_name("GraphQL and BS/BA"), "GraphQL and BS/BA");
        assert_eq!(
            uncatalogued_id("financial services"),
            "u:financial-services"
        );
        assert_eq!(uncatalogued_id("C++ / Qt"), "u:c++-qt");
        assert_eq!(uncatalogued_id("GraphQL"), uncatalogued_id("graphql"));
        assert!(looks_like_a_name("supply chain"));
        assert!(looks_like_a_name("data integration"));
        assert!(!looks_like_a_name("experience and skills"));
        assert!(!looks_like_a_name("2021"));
        assert!(!looks_like_a_name("a b c d e f g h i"));
        assert!(!looks_like_a_name("data"));
        assert!(!looks_like_a_name("i.e"));
        let text = "genomic, clinical;  x";
        let items: Vec<&str> = list_items(text, 0, text.len())
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(items, ["genomic", "clinical", "x"]);
    }

    /// The labelling path (cached word sums, precomputed situations) tags
    /// every line as the full feature lists do.
    #[test]
    fn fast_span_tagging_matches_the_feature_lists() {
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/annotated_spans_ours.jsonl");
        let catalog = SkillCatalog::default_catalog().expect("catalog");
        let params = crate::train::SpanTraining {
            path: fixture,
            ..Default::default()
        };
        let model = crate::train::train_span_model_for_tests(&params, &catalog);
        let tagger = SkillTagger::new(catalog).expect("tagger");
        let texts = [
            "Requirements:\nExperience with Zorblax, Python (3+ years) and supply chain planning.\n",
            "About us: we sell shoes.\nMust have: Kubernetes; financial services \u{201c}experience\u{201d}.",
            "Your profile\n- You know Quillstack and Zorblax well.\n- Hands-on SQL!\nNice to have: Go, Rust",
            "",
            "Zorblax",
        ];
        let mut lines = 0;
        for _ in 0..2 {
            // Twice: the second pass reads the word cache.
            for text in texts {
                let norm = normalize_keep_case(text);
                let text = norm.text.as_str();
                let sections = Sections::new(text);
                let hits = tagger.find(text);
                let keep = tagger.accepted(text, &hits, &sections);
                let mut fast = Vec::new();
                tagger.for_each_span_line(text, &hits, &keep, &sections, true, |input| {
                    model.tag_words(text, &input.words, &input.marks, &input.levels, &mut fast);
                    let reference = model.tag(&spans::line_features(
                        text,
                        &input.words,
                        &input.marks,
                        &input.levels,
                    ));
                    assert_eq!(fast, reference, "{text:?}");
                    lines += 1;
                });
            }
        }
        assert!(lines >= 16, "{lines}");
    }

    use super::*;

    fn tagger() -> SkillTagger {
        let csv = "id,name,category,aliases,ambiguous,onet,esco\n\
            google-cloud,Google Cloud,cloud-platform,GCP|Google Cloud Platform,no,,\n\
            java,Java,programming-language,,no,,\n\
            javascript,JavaScript,programming-language,JS,no,,\n\
            python,Python,programming-language,,no,,\n\
            sql,SQL,programming-language,,no,,\n\
            c-plus-plus,C++,programming-language,cpp,no,,\n\
            dot-net,.NET,library-framework,dotnet,no,,\n\
            go-language,Go,programming-language,=Go|Golang,yes,,\n\
            r-language,R,programming-language,=R,yes,,\n\
            excel,Excel,tool,=Excel|MS Excel|Microsoft Excel,yes,,\n";
        SkillTagger::new(SkillCatalog::from_reader(csv.as_bytes(), "t").unwrap()).unwrap()
    }

    fn ids(title: &str, text: &str) -> Vec<String> {
        tagger()
            .tag(title, text)
            .into_iter()
            .map(|t| t.id.to_string())
            .collect()
    }

    #[test]
    fn longest_whole_word_matches() {
        assert_eq!(
            ids("", "Google Cloud Platform and JavaScript, not Java."),
            ["google-cloud", "javascript", "java"]
        );
        assert_eq!(
            ids("", "Javanese JavaScripts C++ .NET"),
            ["c-plus-plus", "dot-net"]
        );
        assert!(ids("", "C+++ and asp.nets").is_empty());
    }

    #[test]
    fn ambiguous_names_need_evidence() {
        assert_eq!(
            ids("", "Python, R and SQL"),
            ["python", "r-language", "sql"]
        );
        assert!(ids("", "We Go to market fast. Excel at teamwork.").is_empty());
        // "is"/"are" after a name do not make it a verb; evidence still counts.
        assert_eq!(ids("", "Python or Go are ideal"), ["python", "go-language"]);
        assert!(ids("", "Go is the word.").is_empty());
        assert_eq!(ids("", "Strong Go (Golang) skills"), ["go-language"]);
        assert!(ids("", "ready to go, on the go").is_empty());
        assert_eq!(ids("", "services in golang"), ["go-language"]);
        assert_eq!(ids("", "Requirements:\n- Excel\n"), ["excel"]);
    }

    #[test]
    fn spans_years_and_requirements() {
        let text = "<p>Requirements:</p><ul><li>5+ years of Python</li><li>SQL</li></ul><p>Nice to have: Java (2 years)</p>";
        let tags = tagger().tag("Senior Python Developer", text);
        let py = tags.iter().find(|t| t.id == "python").unwrap();
        assert_eq!(py.requirement, Requirement::Required);
        assert_eq!(py.years, Some(5));
        assert_eq!(py.spans.len(), 2);
        assert_eq!(py.spans[0].field, Field::Title);
        let s = py.spans[1];
        assert_eq!(&text[s.start..s.end], "Python");
        let java = tags.iter().find(|t| t.id == "java").unwrap();
        assert_eq!(java.requirement, Requirement::Preferred);
        assert_eq!(java.years, Some(2));
        assert_eq!(
            tags.iter().find(|t| t.id == "sql").unwrap().requirement,
            Requirement::Required
        );
    }

    #[test]
    fn job_names_mention_skills_without_asking() {
        let text = "We are hiring a Senior Java Developer.\nEmbedded Engineer (C++ / Linux)\nJS / Python developers wanted\nRequirements:\n- Java\n- Experience with C++";
        let tags = tagger().tag("", text);
        let levels = |id: &str| -> Vec<Requirement> {
            let t = tags.iter().find(|t| t.id == id).unwrap();
            t.spans.iter().map(|s| s.requirement).collect()
        };
        use Requirement::{Mentioned, Required};
        // The job name mentions Java; the requirements ask for it.
        assert_eq!(levels("java"), [Mentioned, Required]);
        assert_eq!(levels("c-plus-plus"), [Mentioned, Required]);
        assert_eq!(levels("python"), [Mentioned]);
        let level = |id: &str| tags.iter().find(|t| t.id == id).unwrap().requirement;
        assert_eq!(level("java"), Required);
        assert_eq!(level("python"), Mentioned);
        // Not a job name: the noun is not the next word, or the parentheses
        // do not follow one.
        for text in [
            "Requirements:\nJava and strong team spirit",
            "Requirements:\nLanguages (Java, C++)",
            // A past role asks for the skill.
            "Requirements:\n- 3+ years as a Java developer",
            "Requirements:\n- Python developer experience",
        ] {
            let tags = tagger().tag("", text);
            assert!(tags.iter().all(|t| t.requirement == Required), "{text}");
        }
    }

    #[test]
    fn broad_aliases_only_where_asked() {
        let csv = "id,name,category,aliases,ambiguous,onet,esco\n\
            cloud-computing,Cloud computing,practice,cloud platforms|?cloud,no,,\n\
            phd,PhD,education,?PhD,no,,\n\
            agile,Agile,practice,=Agile|?agile,yes,,\n";
        let catalog = SkillCatalog::from_reader(csv.as_bytes(), "t.csv").unwrap();
        let t = SkillTagger::new(catalog).unwrap();
        let tagged = |text: &str| -> Vec<(String, Requirement)> {
            t.tag("", text)
                .into_iter()
                .map(|t| (t.id.to_string(), t.requirement))
                .collect()
        };
        // Named in passing: not a skill the posting asks for.
        assert!(tagged("Our cloud serves millions. Our founder has a PhD.").is_empty());
        // The title always asks.
        assert_eq!(
            t.tag("Cloud Engineer", "")
                .into_iter()
                .map(|t| (t.id.to_string(), t.requirement))
                .collect::<Vec<_>>(),
            [("cloud-computing".to_string(), Requirement::Required)]
        );
        // Asked for, or preferred: tagged.
        assert_eq!(
            tagged("Requirements:\n- Experience with cloud\nNice to have:\n- PhD"),
            [
                ("cloud-computing".to_string(), Requirement::Required),
                ("phd".to_string(), Requirement::Preferred)
            ]
        );
        // A `?` form of an ambiguous skill needs no other evidence there.
        assert!(tagged("We are an agile team.").is_empty());
        assert_eq!(
            tagged("Requirements:\n- You have worked agile, in short sprints"),
            [("agile".to_string(), Requirement::Required)]
        );
        // The plain alias is tagged anywhere, as before.
        assert_eq!(
            tagged("We run on cloud platforms."),
            [("cloud-computing".to_string(), Requirement::Mentioned)]
        );
        // Only the places that ask become spans.
        let tags = t.tag("", "Our cloud is big.\nYou have experience with cloud.");
        assert_eq!(tags.len(), 1);
        assert_eq!(tags[0].spans.len(), 1);
    }

    #[test]
    fn knowledge_phrases_are_evidence() {
        let csv = "id,name,category,aliases,ambiguous,onet,esco\n\
            sap,SAP,tool,=SAP,yes,,\n\
            chef,Chef,devops-tool,=Chef,yes,,\n\
            engineering-degree,Engineering degree,education,?degree in engineering,no,,\n";
        let t = SkillTagger::new(SkillCatalog::from_reader(csv.as_bytes(), "t").unwrap()).unwrap();
        let ids = |text: &str| -> Vec<String> {
            t.tag("", text)
                .into_iter()
                .map(|t| t.id.to_string())
                .collect()
        };
        // A knowledge word and a preposition right before the name.
        assert_eq!(ids("Good knowledge of SAP"), ["sap"]);
        assert_eq!(ids("Hands-on experience with Chef."), ["chef"]);
        // Without them, the name alone is not enough.
        assert!(ids("SAP is our biggest customer.").is_empty());
        assert!(ids("Our Chef cooks lunch.").is_empty());
        assert!(ids("A lunch from our Chef with knowledge.").is_empty());
        // A broad `?` form vouches for nothing near it.
        assert_eq!(
            ids("Requirements:\n- A degree in engineering, SAP alumni welcome"),
            ["engineering-degree"]
        );
    }

    #[test]
    fn departments_and_managers_name_groups_not_skills() {
        let csv = "id,name,category,aliases,ambiguous,onet,esco\n\
            java,Java,programming-language,,no,,\n\
            security,Cybersecurity,domain,?security,no,,\n";
        let t = SkillTagger::new(SkillCatalog::from_reader(csv.as_bytes(), "t").unwrap()).unwrap();
        let tags = t.tag(
            "",
            "Requirements:\n- You report to our Security Manager\n- Work with the Java department",
        );
        // The `?` form is dropped as a mere mention; Java is mentioned.
        assert_eq!(tags.len(), 1);
        assert_eq!(tags[0].id, "java");
        assert_eq!(tags[0].requirement, Requirement::Mentioned);
    }

    #[test]
    fn non_ascii_text() {
        let text = "Zürich: Erfahrung mit Python & SQL — 数据 JavaScript";
        let tags = tagger().tag("", text);
        assert_eq!(tags.len(), 3);
        for t in &tags {
            let s = t.spans[0];
            assert_eq!(text[s.start..s.end].to_lowercase(), t.name.to_lowercase());
        }
    }
}

/// The word index against the `aho-corasick` crate: the matcher it replaced
/// (two overlapping scans, whole-word filter, leftmost-longest selection)
/// must find exactly the same hits on any text.
#[cfg(test)]
mod reference_tests {
    use super::*;
    use aho_corasick::{AhoCorasick, MatchKind};
    use proptest::prelude::*;
    use std::sync::OnceLock;

    struct Reference {
        tagger: SkillTagger,
        folded: (AhoCorasick, Vec<(usize, bool, bool)>),
        exact: (AhoCorasick, Vec<(usize, bool, bool)>),
        aliases: Vec<String>,
    }

    fn reference() -> &'static Reference {
        static R: OnceLock<Reference> = OnceLock::new();
        R.get_or_init(|| {
            let catalog = SkillCatalog::default_catalog().unwrap();
            let (mut fp, mut fs, mut ep, mut es) = (vec![], vec![], vec![], vec![]);
            for (i, skill) in catalog.skills().iter().enumerate() {
                for alias in &skill.aliases {
                    if alias.exact_case {
                        let ne = skill.ambiguous || alias.text.chars().count() <= 2;
                        ep.push(alias.text.clone());
                        es.push((i, ne, alias.where_asked));
                    } else {
                        let one_word = alias.text.chars().all(char::is_alphanumeric);
                        fp.push(alias.text.clone());
                        fs.push((i, skill.ambiguous && one_word, alias.where_asked));
                    }
                }
            }
            let build = |p: &[String], ci: bool| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(ci)
                    .match_kind(MatchKind::Standard)
                    .build(p)
                    .unwrap()
            };
            let aliases = fp.iter().chain(&ep).cloned().collect();
            Reference {
                folded: (build(&fp, true), fs),
                exact: (build(&ep, false), es),
                tagger: SkillTagger::new(catalog).unwrap(),
                aliases,
            }
        })
    }

    fn reference_find(r: &Reference, text: &str) -> Vec<Hit> {
        let bytes = text.as_bytes();
        let mut hits = Vec::new();
        for (ac, owner) in [&r.folded, &r.exact] {
            for m in ac.find_overlapping_iter(text) {
                if is_whole_word(bytes, m.start(), m.end()) {
                    let (skill, needs_evidence, where_asked) = owner[m.pattern().as_usize()];
                    hits.push(Hit {
                        skill,
                        start: m.start(),
                        end: m.end(),
                        needs_evidence,
                        where_asked,
                    });
                }
            }
        }
        hits.sort_by(|a, b| {
            a.start
                .cmp(&b.start)
                .then(b.end.cmp(&a.end))
                .then(a.skill.cmp(&b.skill))
        });
        let mut chosen: Vec<Hit> = Vec::new();
        for h in hits {
            if chosen.last().is_none_or(|last| h.start >= last.end) {
                chosen.push(h);
            }
        }
        chosen
    }

    const GLUE: &[&str] = &[
        " ", " ", ", ", ".", "/", "-", "\n", " (", ") ", "+", "#", "", "'s ", " and ", "é ", "数",
        ".js", "x", "_",
    ];

    #[test]
    fn same_hits_on_fixture_postings() {
        let r = reference();
        for text in [
            include_str!("../../tests/fixtures/postings.jsonl"),
            include_str!("../../tests/fixtures/labelled.jsonl"),
            include_str!("../../tests/fixtures/tiny_test.jsonl"),
            // Words that lead aliases, followed by what the aliases need and
            // by what they do not (the index's second filter), at the end of
            // the text too.
            "a b testing, A/B testing; the team and The MathWorks MATLAB; C# c#. c #, .NET",
            "team player, team-player, teamwork; data.table data table; a/b",
            "a",
            "C#",
        ] {
            assert_eq!(r.tagger.find(text), reference_find(r, text), "{text:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn same_hits_as_aho_corasick(
            parts in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, 0..GLUE.len()), 0..25)
        ) {
            let r = reference();
            let mut text = String::new();
            for (alias, case, glue) in parts {
                let a = &r.aliases[alias.index(r.aliases.len())];
                match case {
                    0 => text.push_str(a),
                    1 => text.push_str(&a.to_lowercase()),
                    2 => text.push_str(&a.to_uppercase()),
                    // A near miss: the first part of the alias.
                    _ => text.extend(a.chars().take(a.chars().count() / 2 + 1)),
                }
                text.push_str(GLUE[glue]);
            }
            prop_assert_eq!(r.tagger.find(&text), reference_find(r, &text), "{:?}", text);
        }
    }
}
