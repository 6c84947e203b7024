//! Explicit seniority evidence: level cues in a title ("Senior", "Sr.",
//! "Head of", "Engineer II", ...) and "N+ years of experience" phrases in a
//! description. They become a handful of binary features beside TF-IDF, so the
//! seniority model sees "Sr." and "Senior" as the same fact however long the
//! title is.

use std::sync::LazyLock;

use regex::Regex;

/// Names of the cue features, in feature order.
pub const CUE_FEATURES: &[&str] = &[
    "title:intern",
    "title:junior",
    "title:mid",
    "title:senior",
    "title:lead",
    "title:executive",
    "title:no-cue",
    "years:0-1",
    "years:2-4",
    "years:5-7",
    "years:8+",
];

struct TitleCue {
    feature: usize,
    pattern: Regex,
}

static TITLE_CUES: LazyLock<Vec<TitleCue>> = LazyLock::new(|| {
    let table = [
        (
            0,
            r"\bintern(ship)?s?\b|\btrainee\b|praktikant|working student|werkstudent|\bstudent\b|\bapprentice|stażyst|\bstaż\b",
        ),
        (
            1,
            r"\bjunior\b|\bjr\b|młodsz|mlodsz|entry[ -]level|\bgraduate\b|\bearly career\b|\b(engineer|developer|analyst|scientist) i\b",
        ),
        (
            2,
            r"\bmid\b|\bmiddle\b|\bregular\b|\bintermediate\b|\bmedior\b|\bii\b",
        ),
        (
            3,
            r"\bsenior\b|\bsr\b|\bexperienced\b|\biii\b|\bstarsz[ya]\b",
        ),
        (
            4,
            r"\blead\b|\bstaff\b|\bprincipal\b|\bprinciple\b|\barchitect\b|\bexpert\b|team ?leader|\btech lead",
        ),
        (
            5,
            r"\bhead of\b|\bdirector\b|\bdyrektor|\bvp\b|vice president|\bchief\b|\bc[tieofmp]o\b|^partner\b",
        ),
    ];
    table
        .into_iter()
        .map(|(feature, p)| TitleCue {
            feature,
            pattern: Regex::new(p).expect("title cue patterns are valid"),
        })
        .collect()
});

/// Indices (into [`CUE_FEATURES`]) of the level cues in a normalized title.
pub fn title_cues(title: &str) -> Vec<usize> {
    let found: Vec<usize> = TITLE_CUES
        .iter()
        .filter(|c| c.pattern.is_match(title))
        .map(|c| c.feature)
        .collect();
    if found.is_empty() {
        vec![6]
    } else {
        found
    }
}

/// "N years (of)", with a lead ("at least") and a range ("3-5") allowed.
fn years_pattern() -> String {
    let n = r"(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen)";
    format!(
        r"(?i)(?:at least|minimum(?: of)?|min\.?|over|more than)?\s*{n}\s*(?:\+|plus)?\s*(?:(?:-|–|to)\s*{n}\s*\+?\s*)?(?:years?|yrs?)(?-u:\b)(?:\s+of)?"
    )
}

/// The years pattern as `regex` builds it: the reference for the windowed
/// search.
#[cfg(test)]
static YEARS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&years_pattern()).expect("the years pattern is valid"));

/// The same pattern for searches within a span (`regex` itself searches to
/// the end of the text; `regex-automata`, the engine under it, takes a span
/// and still reads the text around it for `\b`).
static YEARS_IN_SPAN: LazyLock<regex_automata::meta::Regex> = LazyLock::new(|| {
    regex_automata::meta::Regex::new(&years_pattern()).expect("the years pattern is valid")
});

fn number(word: &str) -> Option<u32> {
    Some(match word {
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "twelve" => 12,
        "fifteen" => 15,
        _ => word.parse().ok()?,
    })
}

/// A years-of-experience requirement found in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearsMention {
    /// The minimum years asked for ("3-5 years" gives 3).
    pub years: u32,
    /// Byte span of the phrase in the searched text.
    pub start: usize,
    /// End of the span.
    pub end: usize,
    /// Is it clearly an experience requirement ("of experience", "at least")?
    pub qualified: bool,
}

/// Every "N years (of experience)" phrase in normalized text. A phrase counts
/// when "experience" (or "exp") follows within the same sentence, or when it is
/// introduced by "at least"/"minimum"; numbers over 20 are company ages, not
/// requirements.
#[cfg(test)]
pub fn years_mentions(text: &str) -> Vec<YearsMention> {
    years_phrases(text)
        .into_iter()
        .filter(|m| m.qualified)
        .collect()
}

/// Every "N years (of)" phrase, qualified or not (for attaching years to a
/// skill named right next to it: "5+ years of Python", "Java (2 years)").
pub fn years_phrases(text: &str) -> Vec<YearsMention> {
    // Every match holds exactly one "year"/"yr" token, a bounded number of
    // non-space bytes before it and at most white space and "of" after it,
    // so the regex runs only over a window around each token (the lazy DFA
    // over the whole description was 5% of the labelling time). The matches
    // are the same as `YEARS.find_iter(text)`: a match holding the token
    // starts at or after `search_from` and ends by `match_limit`, no match
    // holds an earlier token that found none, and the span search reads the
    // whole text as context.
    let bytes = text.as_bytes();
    let mut phrases = Vec::new();
    // End of the last match, and where to look for the next token.
    let (mut cursor, mut scan) = (0, 0);
    while let Some(token) = next_years_token(bytes, scan) {
        let from = cursor.max(search_from(text, token));
        let mut limit = match_limit(text, token);
        let found = loop {
            let input = regex_automata::Input::new(text).span(from..limit);
            let Some(m) = YEARS_IN_SPAN.search(&input) else {
                break None;
            };
            // The window can hold a later token than the one it was cut
            // for ("years5 YR of"): a match holding that token may run on
            // to that token's own limit, so search again up to it.
            let last = last_years_token(bytes, m.start(), m.end()).unwrap_or(token);
            let wider = match_limit(text, last);
            if wider <= limit {
                break Some(m);
            }
            limit = wider;
        };
        match found {
            Some(m) => {
                phrases.extend(mention(text, m.start(), m.end()));
                cursor = m.end();
                scan = cursor;
            }
            None => scan = token + 1,
        }
    }
    phrases
}

/// Start of the last "yr"/"year" token that starts in `start..end`.
fn last_years_token(hay: &[u8], start: usize, end: usize) -> Option<usize> {
    let mut last = None;
    let mut from = start;
    while let Some(t) = next_years_token(hay, from).filter(|&t| t < end) {
        last = Some(t);
        from = t + 1;
    }
    last
}

/// ASCII bytes other than white space that a [`YEARS`] match can hold
/// before its "years" token, with room to spare: the longest lead ("minimum
/// of"), two numbers ("fifteen"), "plus" and a dash come to 30.
const YEARS_LEAD_BYTES: usize = 48;

/// Where a match ending in the token at `token` can start at the earliest:
/// [`YEARS_LEAD_BYTES`] ASCII non-space bytes back. White space runs are
/// unbounded in the pattern, so they do not count; nor do non-ASCII bytes
/// (some are white space), which only moves the start further back.
fn search_from(text: &str, token: usize) -> usize {
    let bytes = text.as_bytes();
    let mut solid = 0;
    for i in (0..token).rev() {
        let b = bytes[i];
        // `\s` also takes the vertical tab, which `is_ascii_whitespace` does not.
        if b.is_ascii() && !b.is_ascii_whitespace() && b != 0x0b {
            solid += 1;
            if solid > YEARS_LEAD_BYTES {
                // An ASCII byte is a character boundary.
                return i;
            }
        }
    }
    0
}

/// Start of the first "yr"/"year" (any ASCII case) at or after `from`. No
/// other character folds to these letters, so every [`YEARS`] match ends in
/// such a token.
fn next_years_token(hay: &[u8], from: usize) -> Option<usize> {
    let rest = hay.get(from..)?;
    memchr::memchr2_iter(b'y', b'Y', rest)
        .map(|i| from + i)
        .find(|&i| {
            let w = &hay[i..];
            w.get(..2).is_some_and(|w| w.eq_ignore_ascii_case(b"yr"))
                || w.get(..4).is_some_and(|w| w.eq_ignore_ascii_case(b"year"))
        })
}

/// Where a match holding the token at `token` ends at the latest: after the
/// token's word, a run of white space and "of". Any non-ASCII byte counts as
/// white space here, which only moves the limit further on.
fn match_limit(text: &str, token: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = token;
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        i += 1;
    }
    while bytes
        .get(i)
        .is_some_and(|&b| b.is_ascii_whitespace() || b == 0x0b || !b.is_ascii())
    {
        i += 1;
    }
    let mut limit = (i + 2).min(text.len());
    while !text.is_char_boundary(limit) {
        limit += 1;
    }
    limit
}

/// The mention that the [`YEARS_IN_SPAN`] match `start..end` stands for, if
/// its number is plausible.
fn mention(text: &str, start: usize, end: usize) -> Option<YearsMention> {
    let matched = &text[start..end];
    // The first number in a match is the minimum ("3-5 years" gives 3).
    let years = matched
        .split(|c: char| !c.is_alphanumeric())
        .find_map(|w| number(&w.to_lowercase()))?;
    let after = &text[end..];
    let tail_end = after
        .char_indices()
        .take_while(|&(i, ch)| i < 60 && ch != '.' && ch != '\n')
        .last()
        .map_or(0, |(i, ch)| i + ch.len_utf8());
    let tail = after[..tail_end].to_lowercase();
    let lead_raw = matched.trim_start();
    let lead = lead_raw.to_lowercase();
    let qualified = lead.starts_with("at least")
        || lead.starts_with("min")
        || lead.starts_with("over")
        || lead.starts_with("more than");
    let experience =
        tail.contains("experience") || tail.contains(" exp") || tail.contains("background");
    if years > 20 {
        return None;
    }
    Some(YearsMention {
        years,
        start: start + (matched.len() - lead_raw.len()),
        end,
        qualified: experience || qualified,
    })
}

/// The overall minimum years a posting asks for: the largest of its mentions.
pub fn overall_years(text: &str) -> Option<u32> {
    overall_years_of(&years_phrases(text))
}

/// [`overall_years`] from a text's [`years_phrases`].
pub fn overall_years_of(phrases: &[YearsMention]) -> Option<u32> {
    phrases
        .iter()
        .filter(|m| m.qualified)
        .map(|m| m.years)
        .max()
}

/// Index (into [`CUE_FEATURES`]) of the years bucket.
pub fn years_bucket(years: u32) -> usize {
    match years {
        0..=1 => 7,
        2..=4 => 8,
        5..=7 => 9,
        _ => 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(title: &str) -> Vec<&'static str> {
        title_cues(title)
            .into_iter()
            .map(|i| CUE_FEATURES[i])
            .collect()
    }

    #[test]
    fn title_cues_follow_the_taxonomy() {
        assert_eq!(names("sr. data engineer"), ["title:senior"]);
        assert_eq!(names("head of data"), ["title:executive"]);
        assert_eq!(names("software engineer ii"), ["title:mid"]);
        assert_eq!(names("software engineer i"), ["title:junior"]);
        assert_eq!(names("staff ml engineer"), ["title:lead"]);
        assert_eq!(names("data scientist"), ["title:no-cue"]);
        assert_eq!(
            names("senior lead engineer"),
            ["title:senior", "title:lead"]
        );
    }

    #[test]
    fn years_phrases() {
        assert_eq!(overall_years("5+ years of experience with python"), Some(5));
        assert_eq!(
            overall_years("3-5 years of professional experience"),
            Some(3)
        );
        assert_eq!(
            overall_years("at least two years in a similar role"),
            Some(2)
        );
        assert_eq!(overall_years("minimum 7 yrs"), Some(7));
        assert_eq!(overall_years("we have been around for 5 years."), None);
        assert_eq!(overall_years("founded 30 years of experience"), None);
        assert_eq!(
            overall_years("2+ years of sql experience, 6+ years of experience overall"),
            Some(6)
        );
    }

    #[test]
    fn spans_cover_the_phrase() {
        let t = "need 4+ years of experience in go";
        let m = years_mentions(t)[0];
        assert_eq!(&t[m.start..m.end], "4+ years of");
    }

    use proptest::prelude::*;

    /// Text made of the pieces a years phrase is built from, and of
    /// near misses ("yearly", "Yrs", long white space, "ſ").
    fn years_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "years",
            "Year",
            "yrs",
            "YR",
            "yearly",
            "year-end",
            " ",
            "  ",
            "\n\n\n",
            "\t",
            "\u{3000}",
            "\u{b}\u{b}\u{b}\u{b}\u{b}\u{b}\u{b}",
            "5",
            "12",
            "three",
            "fifteen",
            "+",
            "plus",
            "-",
            "–",
            "to",
            " of",
            "at least",
            "minimum of",
            "min.",
            "over",
            "more than",
            "experience",
            "python",
            ".",
            "ſ",
            "é",
            "(",
            ")",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        /// The windowed search finds exactly what a scan of the whole text finds.
        #[test]
        fn windowed_years_search_equals_a_full_scan(text in years_text()) {
            let full: Vec<YearsMention> =
                YEARS.find_iter(&text).filter_map(|m| mention(&text, m.start(), m.end())).collect();
            prop_assert_eq!(super::years_phrases(&text), full);
        }
    }

    #[test]
    fn a_long_lead_of_white_space_is_still_found() {
        let text = format!(
            "at least{}5{}years of python",
            " ".repeat(300),
            "\n".repeat(200)
        );
        let found = super::years_phrases(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].start, 0);
        assert!(found[0].qualified);
        // `\s` takes vertical tabs too.
        let text = format!("at least{}5 years", "\u{b}".repeat(60));
        assert_eq!(super::years_phrases(&text)[0].start, 0);
    }
}
