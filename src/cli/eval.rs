//! `jobtag eval`: honest metrics, by k-fold cross-validation or on a
//! held-out test file.

use super::outln;
use std::path::PathBuf;

use super::args::ModelArgs;
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use jobtag::train::{self, cross_validate, evaluate_model, EvalReport, Source};

use super::DataArgs;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
// Scoring the span tagger needs no labelled rows: --spans-cv trains on the
// annotated file itself (with the default settings when no recipe is given).
#[command(mut_arg("data", |a| a.required_unless_present_any(["recipe", "spans_cv"])))]
pub struct EvalArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Number of cross-validation folds (with --test: the folds that
    /// calibrate the model trained for it).
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Train on all the data and score this labelled file instead of
    /// cross-validating (same column flags as the training data).
    #[arg(long)]
    test: Option<PathBuf>,
    /// With --test: score this existing model instead of training one.
    #[command(flatten)]
    model: ModelArgs,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,
    /// Write each fold's training and test rows here (fold{k}_train.jsonl,
    /// fold{k}_test.jsonl), to run other tools on identical folds.
    #[arg(long)]
    export_folds: Option<PathBuf>,
    /// Write every scored row with its gold labels and predictions (JSONL).
    #[arg(long)]
    predictions: Option<PathBuf>,
    /// Also draw each head's reliability diagram and risk-coverage curve
    /// (.svg or .png).
    #[arg(long)]
    chart: Option<PathBuf>,
    /// Instead of role and seniority: score the learned skill-span tagger
    /// alone on these annotated postings (SkillSpan's JSON lines), strict
    /// and relaxed span precision, recall and F1. The tagger is trained as
    /// the recipe says, or is --model's.
    #[arg(long, value_name = "JSONL", conflicts_with_all = ["test", "export_folds", "predictions", "chart"])]
    spans: Option<PathBuf>,
    /// Instead of role and seniority: cross-validate the learned skill-span
    /// tagger on these annotated postings (SkillSpan's JSON lines). They are
    /// dealt into --folds parts by posting, in file order; each part is
    /// tagged by a tagger trained on the others with the recipe's
    /// `[skill_spans]` settings (the defaults without --recipe), and all
    /// parts are scored together, as --spans scores one file.
    #[arg(long, value_name = "JSONL", conflicts_with_all = ["test", "export_folds", "predictions", "chart", "spans", "model"])]
    spans_cv: Option<PathBuf>,
}

/// `eval --spans` and `eval --spans-cv`.
fn score_spans(args: &EvalArgs, annotated: &std::path::Path, cross_validated: bool) -> Result<()> {
    let recipe = super::train::recipe_of(&args.data)?;
    let loaded;
    let (scoring, how) = if cross_validated {
        let folds = args.folds;
        let how = format!(", {folds} folds by posting");
        (train::SpanScoring::CrossValidated { folds }, how)
    } else if args.model.model.is_some() {
        loaded = args.model.load()?;
        (train::SpanScoring::Model(&loaded), String::new())
    } else {
        (train::SpanScoring::Recipe, String::new())
    };
    let scores = train::score_skill_spans(&recipe, scoring, annotated)
        .with_context(|| format!("scoring skill spans on {}", annotated.display()))?;
    match args.format {
        ReportFormat::Json => outln!("{}", serde_json::to_string_pretty(&scores)?)?,
        ReportFormat::Table => {
            outln!(
                "learned skill-span tagger on {}{how}: {} gold spans, {} predicted",
                annotated.display(),
                scores.gold,
                scores.predicted
            )?;
            outln!(
                "  {:<8} {:>9} {:>7} {:>6}",
                "match",
                "precision",
                "recall",
                "F1"
            )?;
            outln!(
                "  {:<8} {:>9.3} {:>7.3} {:>6.3}",
                "strict",
                scores.strict_precision,
                scores.strict_recall,
                scores.strict_f1
            )?;
            outln!(
                "  {:<8} {:>9.3} {:>7.3} {:>6.3}",
                "relaxed",
                scores.relaxed_precision,
                scores.relaxed_recall,
                scores.relaxed_f1
            )?;
        }
    }
    Ok(())
}

pub fn summary_line(r: &EvalReport) -> String {
    let mut s = format!(
        "role: accuracy {:.3}, macro-F1 {:.3} (n={})",
        r.role.accuracy, r.role.macro_f1, r.role.n
    );
    if let Some(m) = &r.seniority {
        s.push_str(&format!(
            "; seniority: accuracy {:.3}, within one {:.3}, macro-F1 {:.3} (n={})",
            m.accuracy,
            m.within_one.unwrap_or(0.0),
            m.macro_f1,
            m.n
        ));
    }
    s
}

pub fn run(args: EvalArgs) -> Result<()> {
    if let Some(annotated) = &args.spans {
        return score_spans(&args, annotated, false);
    }
    if let Some(annotated) = &args.spans_cv {
        return score_spans(&args, annotated, true);
    }
    if args.folds < 2 && args.test.is_none() {
        bail!("--folds must be at least 2");
    }
    if args.model.model.is_some() && args.test.is_none() {
        bail!("--model scores an existing model on a held-out file: it needs --test");
    }
    let report = match &args.test {
        Some(test_path) => {
            let d = &args.data;
            let test_source = Source::table(
                test_path.clone(),
                &d.columns.columns(),
                &d.label_col,
                &d.seniority_col,
            );
            let mut test = Vec::new();
            train::read_table(test_path, &test_source, 0, &mut test)
                .with_context(|| format!("reading {}", test_path.display()))?;
            let model = match &args.model.model {
                Some(_) => args.model.load()?,
                None => {
                    let loaded = super::train::load(&args.data)?;
                    train::train_from_recipe(
                        &loaded.recipe,
                        &loaded.corpus,
                        &loaded.taxonomy,
                        &super::train::training_date(),
                        args.folds,
                    )?
                    .0
                }
            };
            evaluate_model(&model, &test)
        }
        None => {
            let loaded = super::train::load(&args.data)?;
            cross_validate(
                &loaded.corpus.examples,
                loaded.corpus.cv_source,
                args.folds,
                &loaded.taxonomy,
                &loaded.recipe.params,
                args.export_folds.as_deref(),
            )
            .context("cross-validation")?
        }
    };
    if let Some(path) = &args.predictions {
        let mut out = String::new();
        for row in &report.predictions {
            out.push_str(&serde_json::to_string(row)?);
            out.push('\n');
        }
        std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.chart {
        let heads: Vec<(&str, &jobtag::report::Calibration)> =
            std::iter::once(("role", &report.role))
                .chain(report.seniority.as_ref().map(|m| ("seniority", m)))
                .filter_map(|(name, m)| Some((name, m.calibration.as_ref()?)))
                .collect();
        jobtag::report::calibration_chart(&heads, path)
            .with_context(|| format!("drawing {}", path.display()))?;
        eprintln!("jobtag: wrote {}", path.display());
    }
    match args.format {
        ReportFormat::Json => outln!("{}", serde_json::to_string_pretty(&report)?)?,
        ReportFormat::Table => {
            if report.folds > 0 {
                outln!(
                    "{}-fold cross-validation ({:.1}s)",
                    report.folds,
                    report.train_seconds
                )?;
            } else {
                outln!("held-out test ({:.1}s)", report.train_seconds)?;
            }
            outln!("{}", report.role.to_table("role"))?;
            if let Some(s) = &report.seniority {
                outln!("{}", s.to_table("seniority"))?;
            }

            for t in &report.training {
                if !t.role.converged || t.seniority.as_ref().is_some_and(|s| !s.converged) {
                    outln!(
                        "note: fold {} did not converge ({})",
                        t.fold,
                        t.role.stop_reason
                    )?;
                }
            }
        }
    }
    Ok(())
}
