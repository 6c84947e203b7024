//! A whole labelling call on any title and description: no panic,
//! probabilities sum to 1, every skill span in bounds and on character
//! boundaries of its field.
#![no_main]
use std::sync::OnceLock;

use jobtag::{LabelOptions, Labeller, Posting, TextField};

static LABELLER: OnceLock<Labeller> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|input: (&str, &str, bool)| {
    let (title, description, explain) = input;
    let labeller = LABELLER.get_or_init(|| Labeller::embedded().expect("embedded model"));
    let posting = Posting::new(title, description);
    let labels = labeller.label_with(&posting, &LabelOptions::default().with_explain(explain));
    let total: f32 = labels
        .role
        .probabilities
        .iter()
        .map(|p| p.probability)
        .sum();
    assert!(
        (total - 1.0).abs() < 1e-3,
        "role probabilities sum to {total}"
    );
    if let Some(s) = &labels.seniority {
        let total: f32 = s.probabilities.iter().map(|p| p.probability).sum();
        assert!(
            (total - 1.0).abs() < 1e-3,
            "seniority probabilities sum to {total}"
        );
    }
    for skill in &labels.skills {
        for span in &skill.spans {
            let text = match span.field {
                TextField::Title => title,
                TextField::Description => description,
            };
            assert!(span.start < span.end && span.end <= text.len(), "{span:?}");
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
    }
});
