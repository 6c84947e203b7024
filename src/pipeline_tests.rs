//! Tokenizer and analysis edge cases, plus property tests: any input is
//! handled without panics, every span points into the original text, and
//! the labelling fast path (stem ids) gives the rows the spelled-out path
//! gives. (Unit tests, not tests/: they reach the crate-private pipeline.)

use crate::features::{Field, PostingTerms};
use crate::testing::{tiny_labeller, tiny_labeller_cached};
use crate::text::analyze::analyze;
use crate::text::normalize::{normalize, normalize_keep_case};
use crate::text::tokenize::tokenize;
use crate::{LabelOptions, Posting};
use proptest::prelude::*;

fn explained() -> LabelOptions {
    LabelOptions::default().with_explain(true)
}

fn tokens(raw: &str) -> Vec<String> {
    tokenize(&normalize(raw).text)
        .into_iter()
        .map(|t| t.text)
        .collect()
}

#[test]
fn tech_terms_survive() {
    assert_eq!(
        tokens(
            "We use C++, C#, F#, .NET 8, Node.js, scikit-learn and CI/CD; R and Go too. A/B tests!"
        ),
        [
            "we",
            "use",
            "c++",
            "c#",
            "f#",
            ".net",
            "8",
            "node.js",
            "scikit-learn",
            "and",
            "ci/cd",
            "r",
            "and",
            "go",
            "too",
            "a/b",
            "tests"
        ]
    );
}

#[test]
fn html_entities_and_tags() {
    assert_eq!(
        tokens("<p>R&amp;D&nbsp;team&#39;s <b>C&#43;&#43;</b></p>"),
        ["r&d", "team", "s", "c++"]
    );
}

#[test]
fn emoji_cjk_and_cyrillic() {
    assert_eq!(
        tokens("🚀 Разработчик Python 🐍 数据工程师"),
        ["разработчик", "python", "数据工程师"]
    );
}

#[test]
fn empty_and_whitespace() {
    assert!(tokens("").is_empty());
    assert!(tokens(" \n\t ").is_empty());
    assert!(analyze("").terms.is_empty());
}

#[test]
fn a_one_megabyte_posting() {
    let paragraph = "Senior Rust engineer building C++ and .NET services with Kubernetes. ";
    let description = paragraph.repeat(1_000_000 / paragraph.len() + 1);
    assert!(description.len() >= 1_000_000);
    let terms = PostingTerms::new(&Posting::new("Senior Engineer", description.clone()));
    assert!(terms.text.terms.len() > 100_000);
    let model = tiny_labeller();
    let labels = model.label(&Posting::new("Senior Engineer", description));
    assert!(labels.role.confidence > 0.0);
}

#[test]
fn explanation_spans_point_at_the_raw_text() {
    let model = tiny_labeller();
    let posting = Posting::new(
        "Senior <b>Frontend</b> Developer",
        "React &amp; TypeScript, CSS",
    );
    let labels = model.label_with(&posting, &explained());
    assert!(!labels.role_terms.is_empty());
    for t in labels.role_terms.iter().chain(&labels.seniority_terms) {
        let text = match t.field {
            Field::Title => &posting.title,
            Field::Description => &posting.description,
            Field::Cue => continue,
        };
        for &(s, e) in &t.spans {
            let slice = &text[s..e];
            assert!(!slice.trim().is_empty(), "{t:?}");
        }
    }
}

#[test]
fn the_default_model_gets_the_same_rows_by_ids_and_by_terms() {
    let model = crate::Model::embedded().expect("embedded model");
    let f = &model.featurizer;
    let fixtures = [
        include_str!("../tests/fixtures/postings.jsonl"),
        include_str!("../tests/fixtures/labelled.jsonl"),
        include_str!("../tests/fixtures/tiny_test.jsonl"),
    ];
    let mut n = 0;
    for line in fixtures.iter().flat_map(|f| f.lines()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("fixture json");
        let text = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let description = [text("description"), text("text")].join("\n");
        let p = Posting::new(text("title"), description);
        let row = f.posting_row(&p);
        assert!(row.nnz() > 0);
        assert_eq!(row, f.transform(&PostingTerms::new(&p)), "{line}");
        n += 1;
    }
    assert!(n >= 20);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn token_offsets_slice_the_normalized_text(raw in "\\PC{0,200}") {
        let n = normalize(&raw);
        for t in tokenize(&n.text) {
            prop_assert_eq!(&n.text[t.start..t.end], t.text.as_str());
        }
    }

    #[test]
    fn original_spans_are_valid_char_ranges(raw in "(<[a-z]{1,3}>|&amp;|&#[0-9]{2,3};|[a-zA-Z+#./ ]|\\PC){0,80}") {
        let a = analyze(&raw);
        for (_, s, e) in a.ngrams() {
            let (os, oe) = a.original_span(s, e);
            prop_assert!(os <= oe && oe <= raw.len());
            prop_assert!(raw.is_char_boundary(os) && raw.is_char_boundary(oe));
        }
    }

    #[test]
    fn lowercasing_a_case_kept_normalization_is_the_normalization(
        raw in "(<[a-z]{1,3}>|&amp;|&#[0-9]{2,4};|[A-Za-zİΣẞ|;+#./ ]|\\PC){0,120}",
    ) {
        prop_assert_eq!(normalize_keep_case(&raw).lowercase_text(), normalize(&raw).text);
    }

    #[test]
    fn the_id_path_gives_the_same_row_as_the_term_path(
        title in "((senior|sr\\.|data|engineer|developer|scientist|młodszy|programista|intern|lead|[A-Za-z]{1,8})[ ,/-]){0,6}",
        description in "((python|sql|the|and|of|5\\+ years of experience|YEARS|Ünï|İ|ΣΑ|\u{212A}|c\\+\\+|node\\.js|ci/cd|<b>|</li>|&amp;|machine|learning|models|data|pipelines|[A-Za-z]{1,8}|\\PC)[ ,.\n]){0,60}",
    ) {
        let model = tiny_labeller_cached();
        let p = Posting::new(title, description);
        let f = &model.model().featurizer;
        prop_assert_eq!(f.posting_row(&p), f.transform(&PostingTerms::new(&p)));
        // Labelling takes the id path (with the years phrases shared with the
        // skill tagger); explaining takes the term path. Same labels.
        let (plain, explained) = (model.label(&p), model.label_with(&p, &explained()));
        prop_assert_eq!(plain.role, explained.role);
        prop_assert_eq!(plain.seniority, explained.seniority);
        prop_assert_eq!(plain.skills, explained.skills);
    }

    #[test]
    fn labelling_never_panics(title in "\\PC{0,60}", description in "\\PC{0,300}") {
        let model = tiny_labeller_cached();
        let l = model.label(&Posting::new(title, description));
        let total: f32 = l.role.probabilities.iter().map(|p| p.probability).sum();
        prop_assert!((total - 1.0).abs() < 1e-4);
    }
}
