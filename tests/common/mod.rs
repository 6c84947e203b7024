//! Shared helpers for integration tests: a small model trained on the
//! fixtures we wrote (tests must pass without ../shared).
#![allow(dead_code)]

pub mod server;

use std::path::PathBuf;

use jobtag::train::{load_recipe_sources, train_from_recipe, Recipe};
use jobtag::{Model, Taxonomy};

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn tiny_recipe() -> Recipe {
    let text = format!(
        "name = 'tiny'\n[params]\nprune_below = 0.0\n[params.features]\ntitle = {{ min_df = 1, max_df = 1.0, max_features = 5000 }}\ntext = {{ min_df = 1, max_df = 1.0, max_features = 5000 }}\n[[sources]]\npath = {:?}\n",
        fixture("tiny_train.csv").display().to_string()
    );
    // One file per call: tests of one binary run in parallel.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("jobtag-test-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tiny.toml");
    std::fs::write(&path, text).unwrap();
    Recipe::load(&path).unwrap()
}

pub fn tiny_taxonomy() -> Taxonomy {
    let roles: Vec<String> = [
        "data-scientist",
        "devops-engineer",
        "frontend-developer",
        "other",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let levels: Vec<String> = ["junior", "mid", "senior", "lead"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    Taxonomy::from_ids(&roles, &levels)
}

pub fn tiny_model() -> Model {
    let recipe = tiny_recipe();
    let corpus = load_recipe_sources(&recipe).unwrap();
    train_from_recipe(&recipe, &corpus, &tiny_taxonomy(), "2026-01-01", 0)
        .unwrap()
        .0
}

/// One tiny model per test binary (training takes a moment).
pub fn tiny_model_cached() -> &'static Model {
    static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
    MODEL.get_or_init(tiny_model)
}
