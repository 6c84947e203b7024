//! The learned skill-span tagger: trained from a recipe on annotated
//! postings (tests/fixtures/annotated_spans_ours.jsonl, written for these tests in
//! SkillSpan's layout), stored in the model file, merged with the catalog.

mod common;

use jobtag::train::{score_skill_spans, train_from_recipe, SpanScores, SpanScoring, SpanTraining};
use jobtag::{Labeller, Model, Posting, Requirement};

fn recipe_with_spans() -> jobtag::train::Recipe {
    let mut recipe = common::tiny_recipe();
    recipe.skill_spans = Some(SpanTraining {
        path: common::fixture("annotated_spans_ours.jsonl"),
        ..SpanTraining::default()
    });
    recipe
}

fn trained() -> Model {
    let recipe = recipe_with_spans();
    let corpus = jobtag::train::load_recipe_sources(&recipe).unwrap();
    let taxonomy = common::tiny_taxonomy();
    train_from_recipe(&recipe, &corpus, &taxonomy, "2026-01-01", 0)
        .unwrap()
        .0
}

fn labeller(model: Model) -> Labeller {
    Labeller::builder().model(model).build().unwrap()
}

#[test]
fn training_is_deterministic_and_the_tagger_survives_the_model_file() {
    let (a, b) = (trained(), trained());
    let bytes = a.to_bytes().unwrap();
    assert_eq!(bytes, b.to_bytes().unwrap(), "same data, same bytes");
    assert!(a
        .meta()
        .skill_span_tagger
        .as_deref()
        .unwrap()
        .contains("annotated_spans_ours.jsonl"));
    let loaded = Model::from_bytes(&bytes).unwrap();
    assert_eq!(loaded, a);
    let posting = Posting::new(
        "Engineer",
        "Requirements:\nExperience with Zorblax and supply chain planning.",
    );
    assert_eq!(
        labeller(loaded).label(&posting).skills,
        labeller(a).label(&posting).skills
    );
}

#[test]
fn spans_the_catalog_lacks_become_uncatalogued_tags_with_stable_ids() {
    let l = labeller(trained());
    let labels = l.label(&Posting::new(
        "Engineer",
        "Requirements:\nExperience with Zorblax and Python.\n3+ years of Zorblax and SQL.",
    ));
    let zorblax: Vec<_> = labels
        .skills
        .iter()
        .filter(|s| s.name == "zorblax")
        .collect();
    assert_eq!(zorblax.len(), 1, "{:?}", labels.skills);
    let z = zorblax[0];
    assert_eq!(z.id, "u:zorblax");
    assert_eq!(z.category, "uncatalogued");
    assert_eq!(z.requirement, Requirement::Required);
    assert_eq!(z.years, Some(3), "\"3+ years of Zorblax\"");
    assert_eq!(z.spans.len(), 2, "one tag, both places");
    assert!(z.esco.is_none() && z.onet.is_none());
    // The catalog's Python keeps its canonical tag; the tagger adds no
    // second one over it.
    let python: Vec<_> = labels
        .skills
        .iter()
        .filter(|s| s.name.contains("ython"))
        .collect();
    assert_eq!(python.len(), 1, "{:?}", labels.skills);
    assert_ne!(python[0].category, "uncatalogued");
}

#[test]
fn uncatalogued_tags_never_cover_a_catalog_alias_and_are_off_with_skills() {
    let model = trained();
    let l = labeller(model.clone());
    // A format-3 model has no tagger: its skills are the catalog's alone.
    let catalog_only = labeller(Model::load(common::fixture("format3.jtm")).unwrap());
    // Text around catalog names, ambiguous ones among them ("Go", "Excel",
    // "Spring" without evidence): a learned span over any of them adds no
    // uncatalogued tag, and an ambiguous name still needs its evidence.
    let mut uncatalogued = 0;
    for text in [
        "Requirements:\nExperience with Go and Zorblax.",
        "Requirements:\nWe go to Excel in spring with Zorblax.",
        "Must have: Zorblax, Kubernetes and financial services experience.",
        "Your profile:\nYou know Quillstack and Spring well.",
        "Requirements:\nExperience with Zorblax and Python.\n3+ years of Zorblax and SQL.",
    ] {
        let labels = l.label(&Posting::new("", text));
        let tagger_free = catalog_only.tag_skills(&Posting::new("", text));
        for s in labels
            .skills
            .iter()
            .filter(|s| s.category == "uncatalogued")
        {
            uncatalogued += 1;
            assert!(s.id.starts_with("u:"), "{s:?}");
            for sp in &s.spans {
                for c in tagger_free.iter().filter(|c| c.category != "uncatalogued") {
                    for cs in &c.spans {
                        assert!(
                            cs.end <= sp.start || sp.end <= cs.start,
                            "{text}: {s:?} over {c:?}"
                        );
                    }
                }
            }
        }
    }
    // The texts hold names the tagger learned: the checks above ran.
    assert!(uncatalogued >= 2, "{uncatalogued} uncatalogued tags");
    let off = Labeller::builder()
        .model(model)
        .skills(false)
        .build()
        .unwrap();
    assert!(off
        .label(&Posting::new("", "Requirements:\nExperience with Zorblax."))
        .skills
        .is_empty());
}

#[test]
fn catalog_only_labels_skills_as_a_model_without_the_tagger_does() {
    let l = labeller(trained());
    let without = labeller(Model::load(common::fixture("format3.jtm")).unwrap());
    let mut options = jobtag::LabelOptions::default();
    options.catalog_only = true;
    let mut differs = 0;
    for text in [
        "Requirements:\nExperience with Zorblax and Python.\n3+ years of Zorblax and SQL.",
        "We use Kubernetes and Zorblax. Experience with Go and Docker.",
        "About us\nA Quillstack shop.\nMust have: supply chain planning, Excel.",
        "",
    ] {
        let posting = Posting::new("Data Engineer", text);
        let catalog_only = l.label_with(&posting, &options).skills;
        assert_eq!(catalog_only, without.label(&posting).skills, "{text}");
        assert!(catalog_only.iter().all(|s| s.category != "uncatalogued"));
        if l.label(&posting).skills != catalog_only {
            differs += 1;
        }
    }
    // The tagger does change some of them: the option switched it off.
    assert!(differs >= 1);
}

#[test]
fn the_tagger_is_scored_alone_on_annotated_postings() {
    let recipe = recipe_with_spans();
    let fixture = common::fixture("annotated_spans_ours.jsonl");
    let trained_here = score_skill_spans(&recipe, SpanScoring::Recipe, &fixture).unwrap();
    let model = trained();
    let from_model = score_skill_spans(&recipe, SpanScoring::Model(&model), &fixture).unwrap();
    assert_eq!(trained_here, from_model);
    // 16 gold spans in the fixture; the tagger learned them.
    assert_eq!(trained_here.gold, 16);
    assert!(trained_here.strict_f1 > 0.9, "{trained_here:?}");
    // A model without a tagger is an error, not a zero score.
    let plain = Model::load(common::fixture("format3.jtm")).unwrap();
    let err = score_skill_spans(&recipe, SpanScoring::Model(&plain), &fixture).unwrap_err();
    assert!(
        err.to_string().contains("no learned skill-span tagger"),
        "{err}"
    );
}

/// The fixture's postings (their sentence lines, in file order) dealt into
/// `folds` parts as `SpanScoring::CrossValidated` deals them.
fn fixture_parts(folds: usize) -> Vec<String> {
    let text = std::fs::read_to_string(common::fixture("annotated_spans_ours.jsonl")).unwrap();
    let mut parts = vec![String::new(); folds];
    let (mut posting, mut last) = (0usize, None);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let key = (row["source"].to_string(), row["idx"].to_string());
        if last.as_ref().is_some_and(|k| *k != key) {
            posting += 1;
        }
        last = Some(key);
        parts[posting % folds].push_str(line);
        parts[posting % folds].push('\n');
    }
    assert_eq!(posting + 1, 6, "the fixture has six postings");
    parts
}

/// Matches recovered from a score's rates: (strict, relaxed-predicted,
/// relaxed-gold).
fn matches(s: &SpanScores) -> (usize, usize, usize) {
    let count = |rate: f64, of: usize| (rate * of as f64).round() as usize;
    (
        count(s.strict_precision, s.predicted),
        count(s.relaxed_precision, s.predicted),
        count(s.relaxed_recall, s.gold),
    )
}

#[test]
fn cross_validation_scores_each_part_with_a_tagger_trained_on_the_others() {
    let recipe = recipe_with_spans();
    let fixture = common::fixture("annotated_spans_ours.jsonl");
    let cv =
        score_skill_spans(&recipe, SpanScoring::CrossValidated { folds: 2 }, &fixture).unwrap();
    assert_eq!(
        cv,
        score_skill_spans(&recipe, SpanScoring::CrossValidated { folds: 2 }, &fixture).unwrap()
    );
    // The same as training on one part's file and scoring the other's, in
    // turn, with the counts added up.
    let dir = tempfile::tempdir().unwrap();
    let parts = fixture_parts(2);
    let (mut gold, mut predicted, mut sum) = (0, 0, (0, 0, 0));
    for held in 0..2 {
        let (train_path, held_path) = (
            dir.path().join("train.jsonl"),
            dir.path().join("held.jsonl"),
        );
        std::fs::write(&train_path, &parts[1 - held]).unwrap();
        std::fs::write(&held_path, &parts[held]).unwrap();
        let mut part_recipe = recipe_with_spans();
        part_recipe.skill_spans = Some(SpanTraining {
            path: train_path,
            ..SpanTraining::default()
        });
        let s = score_skill_spans(&part_recipe, SpanScoring::Recipe, &held_path).unwrap();
        gold += s.gold;
        predicted += s.predicted;
        let m = matches(&s);
        sum = (sum.0 + m.0, sum.1 + m.1, sum.2 + m.2);
    }
    assert_eq!((cv.gold, cv.predicted), (gold, predicted));
    assert_eq!(cv.gold, 16);
    assert_eq!(matches(&cv), sum);
    // Postings it was not trained on are harder than its own.
    let own = score_skill_spans(&recipe, SpanScoring::Recipe, &fixture).unwrap();
    assert!(cv.strict_f1 < own.strict_f1, "{cv:?} {own:?}");
}

#[test]
fn cross_validation_needs_two_folds_and_a_posting_for_each() {
    let recipe = recipe_with_spans();
    let fixture = common::fixture("annotated_spans_ours.jsonl");
    let err = score_skill_spans(&recipe, SpanScoring::CrossValidated { folds: 1 }, &fixture)
        .unwrap_err()
        .to_string();
    assert!(err.contains("at least 2 folds"), "{err}");
    let err = score_skill_spans(&recipe, SpanScoring::CrossValidated { folds: 7 }, &fixture)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("6 annotated postings cannot fill 7 folds"),
        "{err}"
    );
    assert!(score_skill_spans(&recipe, SpanScoring::CrossValidated { folds: 6 }, &fixture).is_ok());
}

#[test]
fn a_bad_annotated_file_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.jsonl");
    std::fs::write(
        &path,
        "{\"idx\": 1, \"tokens\": [\"a\"], \"tags_knowledge\": [\"O\"]}\n{\"idx\": 1, \"tokens\": [\"a\", \"b\"], \"tags_knowledge\": [\"X\", \"O\"]}\n",
    )
    .unwrap();
    let mut recipe = common::tiny_recipe();
    recipe.skill_spans = Some(SpanTraining {
        path: path.clone(),
        ..SpanTraining::default()
    });
    let err = score_skill_spans(&recipe, SpanScoring::Recipe, &path)
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 2") && err.contains("\"X\""), "{err}");
}

#[test]
fn uncatalogued_tags_link_to_esco_when_their_name_is_an_esco_skill() {
    // The shipped model: its tagger finds these names the catalog lacks.
    let labeller = Labeller::builder().build().unwrap();
    let posting = Posting::new(
        "Data Scientist",
        "Requirements:\n- MS in computer sciences or biostatistics\n- 3+ years of Python\n\
         - Experience with statistical software and data analytic methods",
    );
    let skills = labeller.label(&posting).skills;
    let software = skills
        .iter()
        .find(|s| s.id == "u:statistical-software")
        .expect("the tagger finds 'statistical software'");
    // ESCO's "develop statistical software".
    assert_eq!(
        software.esco.as_deref(),
        Some("http://data.europa.eu/esco/skill/bb165899-d95f-4433-95f2-173fefd716d2")
    );
    let similarity = software.esco_similarity.unwrap();
    assert!((0.5..=1.0).contains(&similarity), "{similarity}");
    // A similarity only where a link was made by name, never on a catalog
    // skill (their links were reviewed).
    for s in &skills {
        if s.esco_similarity.is_some() {
            assert_eq!(
                (s.category.as_str(), s.esco.is_some()),
                ("uncatalogued", true)
            );
        }
    }
    let python = skills.iter().find(|s| s.id == "python").unwrap();
    assert!(python.esco.is_some() && python.esco_similarity.is_none());
}
