//! Text normalization that remembers where every output byte came from.
//!
//! Postings arrive as scraped HTML or plain text. [`normalize`] strips tags,
//! decodes entities, applies Unicode NFKC and lower-casing, and folds the `|`
//! (line break) and `;` (comma) stand-ins that some job boards use. The result
//! keeps, for every byte of normalized text, the byte offset in the original
//! text that produced it, so tokens, explanations and skill hits can point back
//! at the raw posting.
//!
//! NFKC is applied per character: it folds compatibility forms (full-width
//! letters, ligatures, non-breaking spaces) but does not recompose a base
//! letter followed by a separate combining mark. That keeps the offset map
//! exact and costs nothing on real postings, which arrive precomposed.

use unicode_normalization::UnicodeNormalization;

/// Normalized text plus a map back to the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NormalizedText {
    /// Lower-cased, tag-free, NFKC text.
    pub text: String,
    /// `origin[i]` is the byte offset in the original text of normalized byte `i`;
    /// one extra entry at the end holds the original length.
    origin: Vec<u32>,
}

impl NormalizedText {
    /// Byte range in the original text that normalized bytes `start..end` came from.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let from = self.origin.get(start).copied().unwrap_or(0) as usize;
        let to = if end == 0 {
            from
        } else {
            // The last byte of the span maps to the start of its source char;
            // extend to the start of the next source position.
            let last = self.origin.get(end - 1).copied().unwrap_or(0) as usize;
            let next = self.origin[end..]
                .iter()
                .copied()
                .find(|&o| o as usize > last)
                .map(|o| o as usize)
                .unwrap_or(last + 1);
            next.max(from)
        };
        (from, to)
    }
}

impl NormalizedText {
    /// The lower-cased form of a case-kept normalization: the text
    /// [`normalize`] gives for the same input (both lower-case per character,
    /// after the same folding), so one pass can serve the skill matcher and
    /// the features.
    pub fn lowercase_text(&self) -> String {
        self.lowercase_text_and_offsets().0
    }

    /// [`NormalizedText::lowercase_text`], and whether every character kept
    /// its length in bytes, so that a byte offset means the same place in
    /// both texts.
    pub fn lowercase_text_and_offsets(&self) -> (String, bool) {
        let mut out = String::with_capacity(self.text.len());
        let mut same_offsets = true;
        let mut rest = self.text.as_str();
        // ASCII stretches in bulk, other characters one by one.
        while !rest.is_empty() {
            let ascii = ascii_prefix_len(rest.as_bytes());
            let (head, tail) = rest.split_at(ascii);
            let from = out.len();
            out.push_str(head);
            out[from..].make_ascii_lowercase();
            let mut chars = tail.chars();
            if let Some(c) = chars.next() {
                let before = out.len();
                out.extend(c.to_lowercase());
                same_offsets &= out.len() - before == c.len_utf8();
            }
            rest = chars.as_str();
        }
        (out, same_offsets)
    }
}

/// Length of the ASCII run that `bytes` starts with, eight bytes at a time.
fn ascii_prefix_len(bytes: &[u8]) -> usize {
    let mut n = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if u64::from_le_bytes(word) & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        n += 8;
    }
    n + bytes[n..].iter().take_while(|b| b.is_ascii()).count()
}

/// Length of the run of [`is_plain`] bytes that `bytes` starts with, eight
/// bytes at a time.
fn plain_prefix_len(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Does the (ASCII) word hold byte `b`? (A zero byte of `x ^ b·ONES`.)
    let holds = |x: u64, b: u8| {
        let y = x ^ (u64::from(b) * ONES);
        y.wrapping_sub(ONES) & !y & HIGH != 0
    };
    let mut n = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        if x & HIGH != 0 || holds(x, b'<') || holds(x, b'&') || holds(x, b'|') || holds(x, b';') {
            break;
        }
        n += 8;
    }
    n + bytes[n..]
        .iter()
        .take_while(|&&b| PLAIN[b as usize])
        .count()
}

/// Normalize `raw` (see the module docs).
pub fn normalize(raw: &str) -> NormalizedText {
    normalize_with(raw, true)
}

/// Normalize `raw` but keep letter case (for matchers with case rules, such
/// as skill names where "Go" is not "go").
pub fn normalize_keep_case(raw: &str) -> NormalizedText {
    normalize_with(raw, false)
}

fn normalize_with(raw: &str, lowercase: bool) -> NormalizedText {
    let mut out = NormalizedText {
        text: String::with_capacity(raw.len()),
        origin: Vec::with_capacity(raw.len() + 1),
    };
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let b = bytes[i];
        if is_plain(b) {
            // Fast path: a run of ASCII that needs no decoding or folding.
            let run_end = i + 1 + plain_prefix_len(&bytes[i + 1..]);
            let start = out.text.len();
            out.text.push_str(&raw[i..run_end]);
            if lowercase {
                out.text[start..].make_ascii_lowercase();
            }
            out.origin.extend((i..run_end).map(|x| x as u32));
            i = run_end;
            continue;
        }
        if b == b'<' {
            if let Some(end) = tag_end(raw, i) {
                // Block-level tags and <br> separate words; inline tags do not
                // matter for tokens, so a newline for every tag is safe.
                push_char(&mut out, '\n', i);
                i = end;
                continue;
            }
        } else if b == b'&' {
            if let Some((decoded, end)) = entity(raw, i) {
                for c in decoded.chars() {
                    push_folded(&mut out, c, i, lowercase);
                }
                i = end;
                continue;
            }
        }
        let c = raw[i..].chars().next().unwrap_or('\u{fffd}');
        push_folded(&mut out, c, i, lowercase);
        i += c.len_utf8();
    }
    out.origin.push(raw.len() as u32);
    out
}

/// ASCII that passes through unchanged (but for case).
const fn is_plain(b: u8) -> bool {
    b.is_ascii() && !matches!(b, b'<' | b'&' | b'|' | b';')
}

/// [`is_plain`] for every byte: one load per byte in the fast path.
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = is_plain(b as u8);
        b += 1;
    }
    t
};

/// If an HTML tag (or comment) starts at `i`, the byte offset just past it.
fn tag_end(raw: &str, i: usize) -> Option<usize> {
    let rest = &raw.as_bytes()[i + 1..];
    let first = *rest.first()?;
    if !(first.is_ascii_alphabetic() || first == b'/' || first == b'!') {
        return None;
    }
    if rest.starts_with(b"!--") {
        return raw[i..].find("-->").map(|p| i + p + 3);
    }
    // Tags are short; a '<' followed by a long run without '>' is text ("a <b").
    let limit = rest.len().min(2048);
    rest[..limit]
        .iter()
        .position(|&c| c == b'>')
        .map(|p| i + 1 + p + 1)
}

/// If an HTML entity starts at `i`, its decoded text and the offset just past it.
fn entity(raw: &str, i: usize) -> Option<(String, usize)> {
    let rest = &raw.as_bytes()[i + 1..];
    let limit = rest.len().min(12);
    let semi = rest[..limit].iter().position(|&c| c == b';')?;
    let body = &rest[..semi];
    let valid = !body.is_empty()
        && (body.iter().all(|c| c.is_ascii_alphanumeric())
            || (body[0] == b'#'
                && body.len() > 1
                && body[1..].iter().all(|c| c.is_ascii_alphanumeric())));
    if !valid {
        return None;
    }
    let end = i + 1 + semi + 1;
    let decoded = html_escape::decode_html_entities(&raw[i..end]);
    if decoded == raw[i..end] {
        return None;
    }
    Some((decoded.into_owned(), end))
}

fn push_folded(out: &mut NormalizedText, c: char, origin: usize, lowercase: bool) {
    let c = match c {
        '|' => '\n',
        ';' => ',',
        _ => c,
    };
    if c.is_ascii() {
        push_char(
            out,
            if lowercase { c.to_ascii_lowercase() } else { c },
            origin,
        );
        return;
    }
    for n in std::iter::once(c).nfkc() {
        let n = if n.is_whitespace() { ' ' } else { n };
        if lowercase {
            for l in n.to_lowercase() {
                push_char(out, l, origin);
            }
        } else {
            push_char(out, n, origin);
        }
    }
}

fn push_char(out: &mut NormalizedText, c: char, origin: usize) {
    let mut buf = [0u8; 4];
    let s = c.encode_utf8(&mut buf);
    out.text.push_str(s);
    for _ in 0..s.len() {
        out.origin.push(origin as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercasing_says_when_offsets_move() {
        for (text, same) in [
            ("Senior DATA engineer, 5+ Years", true),
            ("Über Ünïcödé ΣΑ straße", true),
            // "İ" lower-cases to two characters, "ẞ" to the shorter "ß" (the
            // Kelvin sign would be "k", but normalization has made it "K").
            ("İstanbul", false),
            ("GRUẞ", false),
            ("5 \u{212A}m", true),
            ("", true),
        ] {
            let n = normalize_keep_case(text);
            let (lower, same_offsets) = n.lowercase_text_and_offsets();
            assert_eq!(lower, n.lowercase_text());
            assert_eq!(same_offsets, same, "{text:?}");
            if same_offsets {
                assert_eq!(lower.len(), n.text.len());
            }
        }
    }

    #[test]
    fn strips_tags_and_decodes_entities() {
        let n = normalize("<p>R&amp;D <b>C++</b>&nbsp;dev</p>");
        assert_eq!(n.text.trim(), "r&d \nc++\n dev");
    }

    #[test]
    fn keeps_a_lone_less_than_sign() {
        assert_eq!(normalize("a < b and 3<4").text, "a < b and 3<4");
    }

    #[test]
    fn folds_board_stand_ins() {
        assert_eq!(normalize("Python; SQL|Go").text, "python, sql\ngo");
    }

    #[test]
    fn nfkc_and_lowercase() {
        assert_eq!(normalize("ＰＹＴＨＯＮ ﬁle").text, "python file");
    }

    #[test]
    fn spans_point_back_to_the_original() {
        let raw = "<b>Ｃ++</b> and &amp; Rust";
        let n = normalize(raw);
        let start = n.text.find("rust").unwrap();
        let (a, b) = n.original_span(start, start + 4);
        assert_eq!(&raw[a..b], "Rust");
        let start = n.text.find("c++").unwrap();
        let (a, b) = n.original_span(start, start + 3);
        assert_eq!(&raw[a..b], "Ｃ++");
    }

    #[test]
    fn keep_case_variant() {
        assert_eq!(normalize_keep_case("<b>Go</b> &amp; R").text, "\nGo\n & R");
    }

    #[test]
    fn ascii_prefixes() {
        for text in [
            "",
            "abc",
            "abcdefgh",
            "abcdefghé",
            "abcdefghijé",
            "é",
            "abcdefgh\u{80}x",
        ] {
            let expected = text.bytes().take_while(u8::is_ascii).count();
            assert_eq!(ascii_prefix_len(text.as_bytes()), expected, "{text:?}");
        }
    }

    #[test]
    fn plain_prefixes() {
        let alphabet = b"ab <&|;\x80\xc3Z.9";
        for bytes in crate::testing::random_strings(alphabet, 3000, 40, 3) {
            let expected = bytes.iter().take_while(|&&b| is_plain(b)).count();
            assert_eq!(plain_prefix_len(&bytes), expected, "{bytes:?}");
        }
    }

    #[test]
    fn empty_text() {
        let n = normalize("");
        assert_eq!(n.text, "");
        assert_eq!(n.original_span(0, 0), (0, 0));
    }
}
