//! Runs of ASCII letters, counted 8 bytes at a time.
//!
//! The scans over posting text (the tokenizer, the marker scan) walk words
//! byte by byte, and such a loop mispredicts its exit at the end of nearly
//! every word. Letters are most of a posting, so these count a run of them
//! in one step from a 64-bit load ("SWAR": SIMD within a register).

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The 8 bytes from `at` as a little-endian word (`None` when fewer are
/// left).
#[inline]
fn load(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(chunk))
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
    fn leading_lowercase_counts_like_a_byte_loop() {
        check(leading_lowercase, u8::is_ascii_lowercase);
    }

    #[test]
    fn leading_letters_counts_like_a_byte_loop() {
        check(leading_letters, u8::is_ascii_alphabetic);
    }
}
