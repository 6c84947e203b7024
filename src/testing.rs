//! Helpers shared by unit tests.

/// A seeded linear congruential generator: the same numbers on every run,
/// for the tests that check a fast path against its reference form.
pub(crate) struct Lcg(u64);

impl Lcg {
    pub(crate) fn new(seed: u64) -> Self {
        Lcg(seed)
    }

    /// The next number (31 bits).
    pub(crate) fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

/// `count` strings of up to `max_len` symbols drawn from `alphabet`, from a
/// fixed seed.
pub(crate) fn random_strings<T: Copy>(
    alphabet: &[T],
    count: usize,
    max_len: usize,
    seed: u64,
) -> Vec<Vec<T>> {
    let mut lcg = Lcg::new(seed);
    (0..count)
        .map(|_| {
            let len = lcg.next() % (max_len + 1);
            (0..len)
                .map(|_| alphabet[lcg.next() % alphabet.len()])
                .collect()
        })
        .collect()
}
