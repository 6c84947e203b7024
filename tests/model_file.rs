//! The model file: round trips, and every way a file can be bad.

mod common;

use jobtag::{Error, LabelOptions, Labeller, Model, ModelFileError, Posting};

fn postings() -> Vec<Posting> {
    vec![
        Posting::new("Senior Data Scientist", "Python, statistics, experiments"),
        Posting::new(
            "Junior React Developer",
            "<ul><li>React &amp; TypeScript</li></ul>",
        ),
        Posting::new("", "Kubernetes, Terraform and on-call rotations"),
        Posting::new("Accountant", ""),
    ]
}

#[test]
fn save_load_round_trip_gives_identical_predictions() {
    let model = common::tiny_model();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.jtm");
    model.save(&path).unwrap();
    let loaded = Model::load(&path).unwrap();
    assert_eq!(loaded, model);
    let explain = LabelOptions::default().with_explain(true);
    let before = Labeller::builder().model(model).build().unwrap();
    let after = Labeller::builder().model_file(&path).build().unwrap();
    for p in postings() {
        assert_eq!(
            before.label_with(&p, &explain),
            after.label_with(&p, &explain)
        );
    }
    // Atomic write leaves no temporary files behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn encoding_is_deterministic() {
    let a = common::tiny_model().to_bytes().unwrap();
    let b = common::tiny_model().to_bytes().unwrap();
    assert!(
        a == b,
        "two trainings on the same data gave different model bytes"
    );
}

fn model_error(bytes: &[u8]) -> ModelFileError {
    match Model::from_bytes(bytes) {
        Err(Error::Model(e)) => e,
        other => panic!("expected a model file error, got {other:?}"),
    }
}

#[test]
fn foreign_file_is_rejected() {
    assert!(matches!(
        model_error(b"id,title\n1,x\n"),
        ModelFileError::BadMagic
    ));
    assert!(matches!(model_error(b""), ModelFileError::BadMagic));
}

#[test]
fn truncated_file_is_rejected() {
    let bytes = common::tiny_model().to_bytes().unwrap();
    for cut in [10, 30, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            matches!(model_error(&bytes[..cut]), ModelFileError::Truncated { .. }),
            "cut at {cut}"
        );
    }
}

#[test]
fn corrupt_payload_is_rejected() {
    let mut bytes = common::tiny_model().to_bytes().unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    assert!(matches!(model_error(&bytes), ModelFileError::Checksum));
}

#[test]
fn other_format_version_is_rejected() {
    let mut bytes = common::tiny_model().to_bytes().unwrap();
    bytes[8] = 99;
    match model_error(&bytes) {
        ModelFileError::UnsupportedVersion { found, supported } => {
            assert_eq!(found, 99);
            assert_eq!(supported, jobtag::model::FORMAT_VERSION);
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn load_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.jtm");
    std::fs::write(&path, b"JOBTAGM\0garbage").unwrap();
    let msg = Model::load(&path).unwrap_err().to_string();
    assert!(msg.contains("bad.jtm"), "{msg}");
    let missing = Model::load(dir.path().join("missing.jtm"))
        .unwrap_err()
        .to_string();
    assert!(missing.contains("missing.jtm"), "{missing}");
}

#[test]
fn embedded_model_loads_and_labels() {
    let model = Model::embedded().expect("the default model is embedded");
    assert_eq!(model.taxonomy().roles.len(), 21);
    let labeller = Labeller::builder().model(model).build().unwrap();
    let l = labeller.label(&Posting::new(
        "Senior Machine Learning Engineer",
        "Deploy PyTorch models to production with Kubernetes and MLOps tooling.",
    ));
    assert_eq!(l.role.label, "ml-engineer");
    assert_eq!(l.seniority.unwrap().label, "senior");
}

#[test]
fn a_format_1_file_is_refused_with_its_version_and_how_to_retrain() {
    // tests/fixtures/format1.jtm was written by jobtag 0.1 (model file
    // format 1, bincode) from tests/fixtures/tiny_train.csv.
    let path = common::fixture("format1.jtm");
    match Model::load(&path) {
        Err(Error::ModelAt {
            source: ModelFileError::UnsupportedVersion { found, supported },
            ..
        }) => {
            assert_eq!((found, supported), (1, jobtag::model::FORMAT_VERSION));
        }
        other => panic!("expected a version error, got {other:?}"),
    }
    let msg = Model::load(&path).unwrap_err().to_string();
    assert!(msg.contains("format1.jtm"), "{msg}");
    assert!(msg.contains("version 1"), "{msg}");
    assert!(msg.contains("retrain"), "{msg}");
}

#[test]
fn a_format_2_file_loads_with_its_labels_and_confidences_unchanged() {
    // tests/fixtures/format2.jtm was written by jobtag at format 2 (before
    // calibration) from tests/fixtures/tiny_train.csv; format2_labels.jsonl
    // holds what that build said for tests/fixtures/postings.jsonl.
    assert_old_format_labels("format2.jtm", "format2_labels.jsonl", false);
}

#[test]
fn a_format_3_file_loads_with_its_labels_and_catalog_skills_unchanged() {
    // tests/fixtures/format3.jtm was written by jobtag at format 3 (before
    // the learned skill-span tagger) from tests/fixtures/tiny_train.csv;
    // format3_labels.jsonl holds what that build said, skills included, for
    // tests/fixtures/postings.jsonl. Without a tagger, skills are the
    // catalog's, as they were.
    assert_old_format_labels("format3.jtm", "format3_labels.jsonl", true);
    let model = Model::load(common::fixture("format3.jtm")).unwrap();
    assert!(model.meta().skill_span_tagger.is_none());
}

fn assert_old_format_labels(model_file: &str, labels_file: &str, skills: bool) {
    let model = Model::load(common::fixture(model_file)).unwrap();
    let labeller = Labeller::builder()
        .model(model)
        .skills(skills)
        .build()
        .unwrap();
    let postings = std::fs::read_to_string(common::fixture("postings.jsonl")).unwrap();
    let want = std::fs::read_to_string(common::fixture(labels_file)).unwrap();
    let mut compared = 0;
    for (line, want) in postings.lines().zip(want.lines()) {
        let p: serde_json::Value = serde_json::from_str(line).unwrap();
        let want: serde_json::Value = serde_json::from_str(want).unwrap();
        let posting = Posting::new(
            p["title"].as_str().unwrap_or_default(),
            p["description"].as_str().unwrap_or_default(),
        );
        let mut got = serde_json::Map::new();
        jobtag::io::add_json_labels(
            &mut got,
            &labeller.label(&posting),
            &LabelOptions::default(),
        );
        let keys: &[&str] = if skills {
            &[
                "role",
                "role_confidence",
                "seniority",
                "seniority_confidence",
                "skills",
            ]
        } else {
            &[
                "role",
                "role_confidence",
                "seniority",
                "seniority_confidence",
            ]
        };
        for key in keys {
            assert_eq!(got[*key], want[*key], "{} {key}", want["id"]);
        }
        compared += 1;
    }
    assert_eq!(compared, 6);
}

#[test]
fn calibration_temperatures_survive_the_model_file() {
    let recipe = common::tiny_recipe();
    let corpus = jobtag::train::load_recipe_sources(&recipe).unwrap();
    let (model, report) = jobtag::train::train_from_recipe(
        &recipe,
        &corpus,
        &common::tiny_taxonomy(),
        "2026-01-01",
        3,
    )
    .unwrap();
    let report = report.expect("cross-validation ran");
    let role = report.role.calibration.as_ref().expect("role calibration");
    assert!(
        role.temperature > 0.0 && role.temperature != 1.0,
        "{}",
        role.temperature
    );
    let stored: serde_json::Value =
        serde_json::from_str(model.meta().metrics_json.as_deref().unwrap()).unwrap();
    assert_eq!(
        stored["role"]["calibration"]["temperature"].as_f64(),
        Some(role.temperature)
    );
    // The calibrated model differs from the uncalibrated one, and the file
    // keeps the difference.
    let plain = common::tiny_model();
    let p = Posting::new("Senior Data Scientist", "Python, statistics, experiments");
    let calibrated = Labeller::builder()
        .model(model.clone())
        .skills(false)
        .build()
        .unwrap();
    let uncalibrated = Labeller::builder()
        .model(plain)
        .skills(false)
        .build()
        .unwrap();
    assert_eq!(
        calibrated.label(&p).role.label,
        uncalibrated.label(&p).role.label
    );
    assert_ne!(
        calibrated.label(&p).role.confidence,
        uncalibrated.label(&p).role.confidence
    );
    let loaded = Model::from_bytes(&model.to_bytes().unwrap()).unwrap();
    assert_eq!(loaded, model);
    let reloaded = Labeller::builder()
        .model(loaded)
        .skills(false)
        .build()
        .unwrap();
    for p in postings() {
        assert_eq!(reloaded.label(&p), calibrated.label(&p));
    }
}
