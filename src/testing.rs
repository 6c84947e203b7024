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

/// A small model trained on the fixtures we wrote (`tests/fixtures`), with
/// the default skill catalog: tests must pass without ../shared.
pub(crate) fn tiny_labeller() -> crate::Labeller {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let text = format!(
        "name = 'tiny'\n[params]\nprune_below = 0.0\n[params.features]\ntitle = {{ min_df = 1, max_df = 1.0, max_features = 5000 }}\ntext = {{ min_df = 1, max_df = 1.0, max_features = 5000 }}\n[[sources]]\npath = {:?}\n",
        dir.join("tiny_train.csv").display().to_string()
    );
    let recipe = crate::train::Recipe::from_toml(&text, &dir).expect("tiny recipe");
    let corpus = crate::train::load_recipe_sources(&recipe).expect("tiny corpus");
    let refs: Vec<_> = corpus.examples.iter().collect();
    let roles = [
        "data-scientist",
        "devops-engineer",
        "frontend-developer",
        "other",
    ];
    let levels = ["junior", "mid", "senior", "lead"];
    let taxonomy = crate::Taxonomy::from_ids(&roles.map(String::from), &levels.map(String::from));
    let model = crate::train::fit_model(
        &refs,
        &taxonomy,
        &recipe.params,
        crate::model::ModelMeta::empty(),
    )
    .expect("tiny model");
    crate::Labeller::builder()
        .model(model)
        .build()
        .expect("tiny labeller")
}

/// One tiny labeller per test binary (training takes a moment).
pub(crate) fn tiny_labeller_cached() -> &'static crate::Labeller {
    static LABELLER: std::sync::OnceLock<crate::Labeller> = std::sync::OnceLock::new();
    LABELLER.get_or_init(tiny_labeller)
}
