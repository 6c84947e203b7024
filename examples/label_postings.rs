//! Embedding jobtag: label postings with the built-in model.
//!
//! `cargo run --release --example label_postings`

use jobtag::{LabelOptions, Labeller, Posting};

fn main() -> Result<(), jobtag::Error> {
    // Load once (the model and the skill catalog, a few tens of
    // milliseconds), then share: `Labeller` is `Sync` and cheap to clone.
    let labeller = Labeller::embedded()?;
    let postings = vec![
        Posting::new(
            "Senior Machine Learning Engineer",
            "<p>Deploy PyTorch models with Kubernetes. 5+ years of Python.</p>",
        ),
        Posting::new(
            "Junior Frontend Developer",
            "Requirements: React, TypeScript. Nice to have: Next.js",
        ),
        Posting::new(
            "Account Executive",
            "Own the full sales cycle for mid-market customers.",
        ),
    ];
    // The batch form labels on all cores and keeps the input order.
    for (posting, labels) in postings
        .iter()
        .zip(labeller.label_batch(&postings, &LabelOptions::default()))
    {
        let seniority = labels.seniority.as_ref().map_or("-", |s| s.label.as_str());
        println!(
            "{} -> {} ({:.2}), {}",
            posting.title, labels.role.label, labels.role.confidence, seniority
        );
        for skill in &labels.skills {
            println!(
                "    {} [{}]{}",
                skill.name,
                skill.requirement.as_str(),
                skill
                    .years
                    .map(|y| format!(" {y}+ years"))
                    .unwrap_or_default()
            );
        }
    }
    // Why: the terms behind the role decision, with byte spans into the text.
    let why = labeller.label_with(&postings[0], &LabelOptions::default().with_explain(true));
    for term in why.role_terms.iter().take(3) {
        println!(
            "role evidence: {} ({:.2}) at {:?}",
            term.term, term.score, term.spans
        );
    }
    Ok(())
}
