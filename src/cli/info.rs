//! `jobtag info`: what a model file is — its format, labels, training data,
//! recipe and cross-validated metrics.

use super::outln;

use anyhow::Result;
use clap::Args;
use jobtag::model::FORMAT_VERSION;
use jobtag::Model;

use super::args::ModelArgs;

#[derive(Debug, Args)]
pub struct InfoArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// Print the metadata as JSON.
    #[arg(long)]
    json: bool,
}

/// A model's metadata as JSON (also `GET /v1/model`).
pub fn model_json(model: &Model) -> serde_json::Value {
    let meta = model.meta();
    let metrics: Option<serde_json::Value> = meta
        .metrics_json
        .as_deref()
        .and_then(|m| serde_json::from_str(m).ok());
    serde_json::json!({
        "format_version": FORMAT_VERSION,
        "name": meta.name,
        "jobtag_version": meta.jobtag_version,
        "trained_on": meta.trained_on,
        "features": model.feature_count(),
        "skill_span_tagger": meta.skill_span_tagger,
        "roles": model.taxonomy().role_ids(),
        "seniorities": model.taxonomy().seniority_ids(),
        "data_files": meta.data_files,
        "examples": meta.examples,
        "role_training": meta.role_training,
        "seniority_training": meta.seniority_training,
        "metrics": metrics,
        "recipe": meta.recipe,
    })
}

pub fn run(args: InfoArgs) -> Result<()> {
    let model = args.model.load()?;
    let meta = model.meta();
    let metrics: Option<serde_json::Value> = meta
        .metrics_json
        .as_deref()
        .and_then(|m| serde_json::from_str(m).ok());
    if args.json {
        let v = model_json(&model);
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(());
    }
    outln!(
        "model:          {} (format version {FORMAT_VERSION}, jobtag {})",
        meta.name,
        meta.jobtag_version
    )?;
    outln!("trained on:     {}", meta.trained_on)?;
    outln!("features:       {}", model.feature_count())?;
    outln!(
        "skill spans:    {}",
        meta.skill_span_tagger
            .as_deref()
            .map_or("catalog only (no learned tagger)".to_string(), |t| format!(
                "catalog and a learned tagger trained on {t}"
            ))
    )?;
    outln!("roles:          {}", model.taxonomy().role_ids().join(", "))?;
    outln!(
        "seniorities:    {}",
        model.taxonomy().seniority_ids().join(", ")
    )?;
    outln!(
        "examples:       {} with a role, {} with a seniority",
        meta.examples.role,
        meta.examples.seniority
    )?;
    let t = &meta.role_training;
    outln!(
        "role training:  {} iterations, {}",
        t.iterations,
        t.stop_reason
    )?;
    if let Some(t) = &meta.seniority_training {
        outln!(
            "seniority training: {} iterations, {}",
            t.iterations,
            t.stop_reason
        )?;
    }
    outln!("data files:")?;
    for f in &meta.data_files {
        outln!("  {}  {} rows  sha256 {}", f.path, f.rows, f.sha256)?;
    }
    if let Some(m) = metrics {
        let get = |path: &[&str]| {
            path.iter()
                .try_fold(&m, |v, k| v.get(k))
                .and_then(|v| v.as_f64())
                .unwrap_or(f64::NAN)
        };
        outln!(
            "cross-validated ({} folds): role accuracy {:.3}, macro-F1 {:.3}; seniority accuracy {:.3}, within one {:.3}",
            m.get("folds").and_then(|f| f.as_u64()).unwrap_or(0),
            get(&["role", "accuracy"]),
            get(&["role", "macro_f1"]),
            get(&["seniority", "accuracy"]),
            get(&["seniority", "within_one"]),
        )?;
        let heads: Vec<String> = ["role", "seniority"]
            .iter()
            .filter(|h| m.get(**h).and_then(|v| v.get("calibration")).is_some())
            .map(|h| {
                format!(
                    "{h} temperature {:.3} (cross-validated ECE {:.3} -> {:.3})",
                    get(&[h, "calibration", "temperature"]),
                    get(&[h, "calibration", "before", "ece"]),
                    get(&[h, "calibration", "after", "ece"]),
                )
            })
            .collect();
        if !heads.is_empty() {
            outln!("calibration:    {}", heads.join("; "))?;
        }
    } else {
        outln!("calibration:    none (trained without cross-validation: confidences are raw)")?;
    }
    Ok(())
}
