//! `jobtag train`: fit a model from a recipe or from the user's own files.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use jobtag::train::{
    self, load_recipe_sources, recipe_taxonomy, Corpus, Recipe, Source, TrainParams,
};
use jobtag::Taxonomy;

use super::DataArgs;

#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Where to write the model file.
    #[arg(short, long, default_value = "model.jtm")]
    output: PathBuf,
    /// Cross-validation folds run before training: their metrics are stored
    /// in the model and each head's confidences are calibrated on their
    /// predictions (0: neither; the model's confidences are then raw).
    #[arg(long, default_value_t = 5)]
    cv_folds: usize,
}

/// A recipe, its examples and its taxonomy, from either a recipe file or
/// `--data` files.
pub struct Loaded {
    pub recipe: Recipe,
    pub corpus: Corpus,
    pub taxonomy: Taxonomy,
}

pub fn load(args: &DataArgs) -> Result<Loaded> {
    let mut recipe = recipe_of(args)?;
    let corpus = load_recipe_sources(&recipe).context("reading training data")?;
    let taxonomy = if args.recipe.is_some() {
        recipe_taxonomy(&recipe)?
    } else {
        taxonomy_from_data(&corpus)
    };
    if args.recipe.is_none() {
        let columns = args.columns.columns();
        recipe.text = format!(
            "# trained with --data\nfiles = {:?}\nid_col = {:?}\ntitle_col = {:?}\ntext_col = {:?}\nlabel_col = {:?}\nseniority_col = {:?}\n",
            args.data, columns.id, columns.title, columns.text, args.label_col, args.seniority_col
        );
    }
    Ok(Loaded {
        recipe,
        corpus,
        taxonomy,
    })
}

/// The recipe `--recipe` names (or one made of `--data` files), with the
/// flags that override it applied.
pub fn recipe_of(args: &DataArgs) -> Result<Recipe> {
    let mut recipe = match &args.recipe {
        Some(path) => {
            Recipe::load(path).with_context(|| format!("reading recipe {}", path.display()))?
        }
        None => Recipe {
            name: "custom".into(),
            taxonomy: None,
            params: TrainParams::default(),
            sources: args
                .data
                .iter()
                .map(|p| {
                    Source::table(
                        p.clone(),
                        &args.columns.columns(),
                        &args.label_col,
                        &args.seniority_col,
                    )
                })
                .collect(),
            base: PathBuf::new(),
            text: String::new(),
            skill_spans: None,
        },
    };
    if let Some(path) = &args.skill_spans {
        let mut spans = recipe.skill_spans.take().unwrap_or_default();
        spans.path = std::fs::canonicalize(path)
            .with_context(|| format!("reading annotated postings {}", path.display()))?;
        recipe.skill_spans = Some(spans);
    }
    if let Some(a) = args.alpha {
        recipe.params.role.alpha = a;
    }
    if let Some(a) = args.seniority_alpha {
        recipe.params.seniority.alpha = a;
    }
    Ok(recipe)
}

/// Labels found in the data, sorted; seniority keeps the default order when
/// its labels are the default levels.
fn taxonomy_from_data(corpus: &Corpus) -> Taxonomy {
    let mut roles: Vec<String> = corpus
        .examples
        .iter()
        .filter_map(|e| e.role.clone())
        .collect();
    roles.sort();
    roles.dedup();
    let mut levels: Vec<String> = corpus
        .examples
        .iter()
        .filter_map(|e| e.seniority.clone())
        .collect();
    levels.sort();
    levels.dedup();
    if let Ok(default) = Taxonomy::default_taxonomy() {
        let order = default.seniority_ids();
        if levels.iter().all(|l| order.contains(l)) {
            levels = order.into_iter().filter(|l| levels.contains(l)).collect();
        }
    }
    Taxonomy::from_ids(&roles, &levels)
}

pub fn run(args: TrainArgs) -> Result<()> {
    let start = std::time::Instant::now();
    let loaded = load(&args.data)?;
    let Loaded {
        recipe,
        corpus,
        taxonomy,
    } = loaded;
    eprintln!(
        "jobtag: {} examples from {} files",
        corpus.examples.len(),
        corpus.files.len()
    );
    let (model, report) =
        train::train_from_recipe(&recipe, &corpus, &taxonomy, &training_date(), args.cv_folds)
            .context("training")?;
    if let Some(report) = &report {
        eprintln!("{}", super::eval::summary_line(report));
    }
    model
        .save(&args.output)
        .with_context(|| format!("writing {}", args.output.display()))?;
    let meta = model.meta();
    let size = std::fs::metadata(&args.output)
        .map(|m| m.len())
        .unwrap_or(0);
    eprintln!(
        "jobtag: wrote {} ({:.1} MB, {} features) in {:.1}s; role: {} iterations, {}; seniority: {}",
        args.output.display(),
        size as f64 / 1e6,
        model.feature_count(),
        start.elapsed().as_secs_f64(),
        meta.role_training.iterations,
        meta.role_training.stop_reason,
        meta.seniority_training.as_ref().map_or("none".to_string(), |r| format!("{} iterations, {}", r.iterations, r.stop_reason)),
    );
    Ok(())
}

/// Today's date (UTC) as `YYYY-MM-DD`, or the date of `SOURCE_DATE_EPOCH`
/// when that is set (reproducible builds).
pub(super) fn training_date() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    civil_date(secs.div_euclid(86_400))
}

/// Days since 1970-01-01 to `YYYY-MM-DD` (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(20_414), "2025-11-22");
        assert_eq!(super::civil_date(11_016), "2000-02-29");
    }
}
