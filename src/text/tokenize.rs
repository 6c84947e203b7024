//! A tech-aware word tokenizer over normalized text.
//!
//! Ordinary tokenizers split "C++", "C#", ".NET", "Node.js", "CI/CD" and
//! "scikit-learn" into noise. This one reads a greedy run of word characters
//! and joiners, then decides per run: a run in [`TECH_TERMS`] stays whole; other
//! runs split on `/`, `&`, `-` and on dots that are not part of a version number
//! or a `.js`/`.net` name. A trailing `++` or `#` after a word stays (c++, c#,
//! f#); a leading dot before letters stays (.net). Tokens carry byte offsets into
//! the text they were read from.

/// One token: its text and byte span in the tokenized (normalized) text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The token text, as it appears in the normalized text.
    pub text: String,
    /// Start byte offset (inclusive).
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
}

/// Multi-character tech names that must survive tokenization whole, and must
/// never be stemmed. Lower-case, as they appear after normalization.
pub const TECH_TERMS: &[&str] = &[
    "c++",
    "c#",
    "f#",
    "j#",
    ".net",
    "asp.net",
    "ado.net",
    "vb.net",
    "node.js",
    "vue.js",
    "react.js",
    "next.js",
    "nuxt.js",
    "express.js",
    "d3.js",
    "three.js",
    "nest.js",
    "ember.js",
    "backbone.js",
    "angular.js",
    "ci/cd",
    "a/b",
    "tcp/ip",
    "ui/ux",
    "ux/ui",
    "pl/sql",
    "t-sql",
    "i/o",
    "r&d",
    "q&a",
    "p&l",
    "m&a",
    "scikit-learn",
    "objective-c",
    "e-commerce",
    "on-call",
    "x86",
    "x86-64",
    "arm64",
    "s3",
    "ec2",
    "k8s",
    "b2b",
    "b2c",
    "saas",
    "paas",
    "iaas",
    "3d",
    "2d",
    "gpt-4",
    "c/c++",
    "html5",
    "css3",
    "es6",
    "utf-8",
    "oauth2",
    "http/2",
    "802.11",
    "sql/nosql",
    "win32",
    "vs.net",
    "ml/ai",
    "ai/ml",
    "r/shiny",
    "power-bi",
    "pyspark",
    "pl/pgsql",
    "co-op",
];

static TECH_TERM_SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
    std::sync::LazyLock::new(|| TECH_TERMS.iter().copied().collect());

/// Is `s` one of [`TECH_TERMS`]?
pub fn is_tech_term(s: &str) -> bool {
    TECH_TERM_SET.contains(s)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_joiner(c: char) -> bool {
    matches!(c, '.' | '-' | '/' | '&' | '+' | '#' | '\'' | '’')
}

/// Split normalized text into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut spans = Vec::new();
    token_spans(text, &mut spans);
    spans
        .into_iter()
        .map(|(start, end)| Token {
            text: text[start..end].to_string(),
            start,
            end,
        })
        .collect()
}

/// The byte spans of the tokens of `text`, appended to `tokens` (the
/// allocation-free form of [`tokenize`], for the labelling hot path).
pub fn token_spans(text: &str, tokens: &mut Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    // The character at `i` (a char boundary) and its length.
    let char_at = |i: usize| text[i..].chars().next().map(|c| (c, c.len_utf8()));
    let mut i = 0;
    // Is the character before `i` a word character? (A '.' right after one
    // does not start a ".net"-like word.) Every skipped character is not.
    let mut prev_word = false;
    while let Some(&b) = bytes.get(i) {
        // ASCII is classified by table, without decoding (most postings
        // are almost all ASCII); spaces and punctuation skip straight on.
        let (starts_word, len) = if b < 0x80 {
            match ASCII_CLASS[b as usize] {
                WORD => (true, 1),
                JOINER if b == b'.' && !prev_word => {
                    let next_alphabetic = match bytes.get(i + 1) {
                        Some(&n) if n < 0x80 => n.is_ascii_alphabetic(),
                        Some(_) => char_at(i + 1).is_some_and(|(n, _)| n.is_alphabetic()),
                        None => false,
                    };
                    (next_alphabetic, 1)
                }
                _ => (false, 1),
            }
        } else {
            match char_at(i) {
                Some((c, len)) => (is_word_char(c), len),
                None => break,
            }
        };
        if !starts_word {
            prev_word = false;
            i += len;
            continue;
        }
        // Greedy run of word characters and joiners. `joiners` counts the
        // joiners in it; `last_word` tells whether it ends with a word
        // character.
        let mut end = i + len;
        let mut joiners = usize::from(b == b'.');
        let mut last_word = b != b'.';
        loop {
            // Lower-case ASCII letters, the bulk of a normalized posting, are
            // taken 8 at a time: the byte loop below mispredicted its exit
            // at the end of nearly every word.
            if let Some(k) = super::ascii_run::leading_lowercase(bytes, end) {
                end += k;
                last_word |= k > 0;
                if k == 8 {
                    continue;
                }
            }
            let Some(&n) = bytes.get(end) else {
                break;
            };
            if n < 0x80 {
                match ASCII_CLASS[n as usize] {
                    WORD => last_word = true,
                    JOINER => {
                        joiners += 1;
                        last_word = false;
                    }
                    _ => break,
                }
                end += 1;
                continue;
            }
            match char_at(end) {
                Some((c, clen)) if is_word_char(c) => {
                    last_word = true;
                    end += clen;
                }
                Some((c, clen)) if is_joiner(c) => {
                    joiners += 1;
                    last_word = false;
                    end += clen;
                }
                _ => break,
            }
        }
        prev_word = last_word;
        if joiners == 0 {
            // Word characters only: one token, as `split_run` would find.
            tokens.push((i, end));
        } else if joiners == 1 && bytes[end - 1] == b'.' {
            // A word before a full stop ("python."): `split_run` would trim
            // the dot and keep the word.
            tokens.push((i, end - 1));
        } else {
            split_run(text, i, end, tokens);
        }
        i = end;
    }
}

const OTHER: u8 = 0;
const WORD: u8 = 1;
const JOINER: u8 = 2;

/// [`is_word_char`] / [`is_joiner`] for every ASCII byte.
static ASCII_CLASS: [u8; 128] = {
    let mut t = [OTHER; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() || c == b'_' {
            WORD
        } else if matches!(c, b'.' | b'-' | b'/' | b'&' | b'+' | b'#' | b'\'') {
            JOINER
        } else {
            OTHER
        };
        b += 1;
    }
    t
};

/// The reference form of [`token_spans`], over decoded characters (tests
/// check the two agree).
#[cfg(test)]
fn char_token_spans(text: &str, tokens: &mut Vec<(usize, usize)>) {
    let mut chars = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        let starts_word = is_word_char(c)
            || (c == '.'
                && !prev.is_some_and(is_word_char)
                && chars.peek().is_some_and(|&(_, n)| n.is_alphabetic()));
        if !starts_word {
            prev = Some(c);
            continue;
        }
        // Greedy run of word characters and joiners.
        let mut end = i + c.len_utf8();
        let mut last = c;
        while let Some(&(j, n)) = chars.peek() {
            if is_word_char(n) || is_joiner(n) {
                end = j + n.len_utf8();
                last = n;
                chars.next();
            } else {
                break;
            }
        }
        prev = Some(last);
        split_run(text, i, end, tokens);
    }
}

/// Turn one greedy run `text[start..end]` into tokens.
fn split_run(text: &str, start: usize, mut end: usize, out: &mut Vec<(usize, usize)>) {
    // Trim trailing joiners, but keep "++" and "#" right after a word (c++, c#).
    loop {
        let run = &text[start..end];
        let Some(last) = run.chars().last() else {
            return;
        };
        if !is_joiner(last) {
            break;
        }
        let body = run.trim_end_matches(['+', '#']);
        let tail = &run[body.len()..];
        let keeps_suffix = (tail == "++" || tail == "#")
            && body.chars().last().is_some_and(|c| c.is_alphanumeric());
        if keeps_suffix {
            break;
        }
        end -= last.len_utf8();
    }
    if start >= end {
        return;
    }
    let run = &text[start..end];
    if is_plain_word(run) || is_tech_term(run) {
        out.push((start, end));
        return;
    }
    // Slash and ampersand lists ("python/java", "c++/c#") split first; each
    // part may itself be a tech term.
    if run.contains(['/', '&']) {
        let mut part_start = start;
        for (k, c) in run.char_indices() {
            if c == '/' || c == '&' {
                if start + k > part_start {
                    split_run(text, part_start, start + k, out);
                }
                part_start = start + k + 1;
            }
        }
        if part_start < end {
            split_run(text, part_start, end, out);
        }
        return;
    }
    // Split on hyphens, apostrophes and stray symbols; keep dots inside
    // version numbers and js/net names, and a trailing "++"/"#".
    let mut piece_start = start;
    for (k, c) in run.char_indices() {
        let abs = start + k;
        let splits = match c {
            '-' | '\'' | '’' => true,
            '+' | '#' => !text[abs..end].chars().all(|x| x == '+' || x == '#'),
            '.' => {
                let before = text[piece_start..abs].chars().last();
                let after = &text[abs + 1..end];
                let digit_dot_digit = before.is_some_and(|b| b.is_ascii_digit())
                    && after.chars().next().is_some_and(|a| a.is_ascii_digit());
                let named = after.starts_with("js") || after.starts_with("net");
                let leading = abs == piece_start;
                !(digit_dot_digit || named || leading)
            }
            _ => false,
        };
        if splits {
            if abs > piece_start {
                split_piece(text, piece_start, abs, out);
            }
            piece_start = abs + c.len_utf8();
        }
    }
    if piece_start < end {
        split_piece(text, piece_start, end, out);
    }
}

fn split_piece(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let piece = &text[start..end];
    // A piece such as "c++" inside "c++/java" is a tech term; a bare leading
    // dot that is not ".net"-like is punctuation.
    if piece.starts_with('.') && !is_tech_term(piece) && !piece[1..].starts_with("net") {
        if end > start + 1 {
            split_piece(text, start + 1, end, out);
        }
        return;
    }
    if piece.chars().any(|c| c.is_alphanumeric()) {
        out.push((start, end));
    }
}

fn is_plain_word(run: &str) -> bool {
    run.chars().all(is_word_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn keeps_tech_terms_whole() {
        assert_eq!(
            words("c++, c#, f# and .net with node.js; ci/cd, scikit-learn, a/b tests."),
            [
                "c++",
                "c#",
                "f#",
                "and",
                ".net",
                "with",
                "node.js",
                "ci/cd",
                "scikit-learn",
                "a/b",
                "tests"
            ]
        );
    }

    #[test]
    fn splits_ordinary_joins() {
        assert_eq!(
            words("python/java full-stack end."),
            ["python", "java", "full", "stack", "end"]
        );
        assert_eq!(words("experience.we"), ["experience", "we"]);
        assert_eq!(words("c++/java"), ["c++", "java"]);
    }

    #[test]
    fn keeps_versions_and_single_letters() {
        assert_eq!(
            words("python 3.11, r and go"),
            ["python", "3.11", "r", "and", "go"]
        );
    }

    #[test]
    fn offsets_slice_the_input() {
        let text = "we use .net and c# (ci/cd)!";
        for t in tokenize(text) {
            assert_eq!(&text[t.start..t.end], t.text);
        }
    }

    #[test]
    fn cjk_cyrillic_emoji() {
        assert_eq!(
            words("разработчик python 🚀 数据工程师"),
            ["разработчик", "python", "数据工程师"]
        );
    }

    #[test]
    fn the_byte_path_agrees_with_the_char_path() {
        let alphabet: Vec<char> = "ab c.-/&+#'_9Z\n.,:()ne tjsé’–数Ж ".chars().collect();
        for chars in crate::testing::random_strings(&alphabet, 3000, 40, 7) {
            let text: String = chars.into_iter().collect();
            let (mut a, mut b) = (Vec::new(), Vec::new());
            token_spans(&text, &mut a);
            char_token_spans(&text, &mut b);
            assert_eq!(a, b, "{text:?}");
        }
    }

    #[test]
    fn the_ascii_table_agrees_with_the_char_tests() {
        for b in 0..128u8 {
            let c = b as char;
            let class = if is_word_char(c) {
                WORD
            } else if is_joiner(c) {
                JOINER
            } else {
                OTHER
            };
            assert_eq!(ASCII_CLASS[b as usize], class, "{c:?}");
        }
    }

    #[test]
    fn punctuation_only_and_empty() {
        assert!(words("").is_empty());
        assert!(words("... --- /// +++ ###").is_empty());
    }
}
