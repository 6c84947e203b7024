//! Text read 8 bytes at a time: runs of ASCII letters, and short byte
//! strings as 64-bit words.
//!
//! The scans over posting text (the tokenizer, the marker scan) walk words
//! byte by byte, and such a loop mispredicts its exit at the end of nearly
//! every word. Letters are most of a posting, so these count a run of them
//! in one step from a 64-bit load ("SWAR": SIMD within a register). The
//! token cache and the marker scan compare short strings as such words.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The 8 bytes from `at` as a little-endian word (`None` when fewer are
/// left).
#[inline]
pub fn load(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(chunk))
}

/// The bytes `bytes[at..at + len]` (`len` at most 8) as a little-endian
/// word, zero above them. Read with one 8-byte load where the text allows,
/// rather than copied byte by byte into a buffer first: wide loads of narrow
/// stores stall the processor.
///
/// # Panics
///
/// If `at + len` is past the end of `bytes`, or `len` is over 8.
#[inline]
pub fn load_le(bytes: &[u8], at: usize, len: usize) -> u64 {
    let mask = if len >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * len)) - 1
    };
    match load(bytes, at) {
        Some(w) => w & mask,
        None => {
            let mut w = [0u8; 8];
            w[..len].copy_from_slice(&bytes[at..at + len]);
            u64::from_le_bytes(w)
        }
    }
}

/// The high bit of each byte of `x` that is in `a..=z` (ASCII only).
#[inline]
fn lowercase_bytes(x: u64) -> u64 {
    // Per byte, on its low 7 bits (no carry crosses into the next byte):
    // the high bit of `x7 + (0x80 - c)` is set when the byte is at least `c`.
    let x7 = x & !HIGH;
    let at_least_a = x7 + ONES * (0x80 - u64::from(b'a'));
    let past_z = x7 + ONES * (0x80 - u64::from(b'z') - 1);
    at_least_a & !past_z & !x & HIGH
}

/// How many of the first of `letters`' bytes are marked, up to 8.
#[inline]
fn leading_marked(letters: u64) -> usize {
    // Little-endian: the first byte is the lowest.
    (!letters & HIGH).trailing_zeros() as usize / 8
}

/// How many of the 8 bytes from `at` are lower-case ASCII letters, counted
/// from `at` (`None` when fewer than 8 bytes are left).
#[inline]
pub fn leading_lowercase(bytes: &[u8], at: usize) -> Option<usize> {
    load(bytes, at).map(|x| leading_marked(lowercase_bytes(x)))
}

/// How many of the 8 bytes from `at` are ASCII letters of either case,
/// counted from `at` (`None` when fewer than 8 bytes are left).
#[inline]
pub fn leading_letters(bytes: &[u8], at: usize) -> Option<usize> {
    // Setting bit 5 maps `A-Z` onto `a-z`, and no other byte into it.
    load(bytes, at).map(|x| leading_marked(lowercase_bytes(x | (ONES * 0x20))))
}

/// Where the run of ASCII letters from `at` ends, read 8 bytes at a time:
/// the first byte that is not a letter, or, with fewer than 8 bytes left,
/// the place those bytes start (the caller goes on byte by byte from
/// there). The word scans (the span tagger's words, the marker scan) skip
/// the letters of a word with it.
#[inline]
pub fn skip_letters(bytes: &[u8], mut at: usize) -> usize {
    loop {
        match leading_letters(bytes, at) {
            Some(8) => at += 8,
            Some(k) => return at + k,
            None => return at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(count: fn(&[u8], usize) -> Option<usize>, is_letter: fn(&u8) -> bool) {
        let alphabet: Vec<char> = "azAZ{`@[_09.- \u{e9}\u{7f}\u{c0}".chars().collect();
        for chars in crate::testing::random_strings(&alphabet, 2000, 12, 11) {
            let text: String = chars.into_iter().collect();
            let bytes = text.as_bytes();
            for at in 0..bytes.len() {
                let expected = (bytes.len() >= at + 8).then(|| {
                    bytes[at..at + 8]
                        .iter()
                        .take_while(|b| is_letter(b))
                        .count()
                });
                assert_eq!(count(bytes, at), expected, "{text:?} at {at}");
            }
        }
    }

    #[test]
    fn short_loads_read_only_their_bytes() {
        let text = b"node.js and more";
        for at in 0..text.len() {
            for len in 0..=8.min(text.len() - at) {
                let mut w = [0u8; 8];
                w[..len].copy_from_slice(&text[at..at + len]);
                assert_eq!(load_le(text, at, len), u64::from_le_bytes(w), "{at} {len}");
            }
        }
        assert_eq!(load(text, text.len() - 7), None);
    }

    #[test]
    fn leading_lowercase_counts_like_a_byte_loop() {
        check(leading_lowercase, u8::is_ascii_lowercase);
    }

    #[test]
    fn leading_letters_counts_like_a_byte_loop() {
        check(leading_letters, u8::is_ascii_alphabetic);
    }

    #[test]
    fn skip_letters_stops_at_a_non_letter_or_the_last_short_chunk() {
        let alphabet: Vec<char> = "azAZ{`@[_09.- \u{e9}".chars().collect();
        for chars in crate::testing::random_strings(&alphabet, 2000, 30, 13) {
            let text: String = chars.into_iter().collect();
            let bytes = text.as_bytes();
            for at in 0..=bytes.len() {
                let end = skip_letters(bytes, at);
                assert!(
                    bytes[at..end].iter().all(u8::is_ascii_alphabetic),
                    "{text:?} {at}"
                );
                // Either a non-letter stopped it, or fewer than 8 bytes were
                // left to read at once, and all letters before were taken.
                let stopped = bytes.get(end).is_some_and(|b| !b.is_ascii_alphabetic());
                assert!(stopped || end + 8 > bytes.len(), "{text:?} {at} -> {end}");
            }
        }
    }
}
