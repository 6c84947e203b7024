//! Helpers shared by unit tests.

/// `count` strings of up to `max_len` symbols drawn from `alphabet`, from a
/// fixed seed (a linear congruential generator): the same inputs on every
/// run, for the tests that check a fast path against its reference form.
pub(crate) fn random_strings<T: Copy>(
    alphabet: &[T],
    count: usize,
    max_len: usize,
    seed: u64,
) -> Vec<Vec<T>> {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    (0..count)
        .map(|_| {
            let len = next() % (max_len + 1);
            (0..len)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect()
        })
        .collect()
}
