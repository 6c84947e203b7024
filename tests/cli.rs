//! End-to-end tests of the `jobtag` binary on fixtures we wrote.

mod common;

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn jobtag() -> Command {
    Command::cargo_bin("jobtag").unwrap()
}

/// Parse JSON lines.
fn jsonl(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn train_tiny(dir: &Path) -> std::path::PathBuf {
    let model = dir.join("tiny.jtm");
    jobtag()
        .args(["train", "--data"])
        .arg(common::fixture("tiny_train.csv"))
        .args([
            "--title-col",
            "title",
            "--text-col",
            "description",
            "--label-col",
            "role",
            "-o",
        ])
        .arg(&model)
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote"));
    model
}

#[test]
fn help_describes_every_subcommand() {
    jobtag().arg("--help").assert().success().stdout(
        predicate::str::contains("label")
            .and(predicate::str::contains("train"))
            .and(predicate::str::contains("eval")),
    );
    for sub in ["label", "train", "eval"] {
        jobtag()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: jobtag"));
    }
}

#[test]
fn usage_errors_exit_with_2() {
    jobtag().args(["label", "--no-such-flag"]).assert().code(2);
}

#[test]
fn train_then_eval_on_a_held_out_file() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_tiny(dir.path());
    let out = jobtag()
        .args(["eval", "--data"])
        .arg(common::fixture("tiny_train.csv"))
        .arg("--test")
        .arg(common::fixture("tiny_test.jsonl"))
        .arg("--model")
        .arg(&model)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["role"]["n"], 16);
    assert!(
        report["role"]["accuracy"].as_f64().unwrap() >= 0.75,
        "{}",
        report["role"]
    );
    assert_eq!(report["seniority"]["n"], 16);
    assert!(report["seniority"]["within_one"].as_f64().unwrap() >= 0.75);
    assert_eq!(report["role"]["confusion"].as_array().unwrap().len(), 4);
}

#[test]
fn cross_validation_reports_per_class_scores() {
    let out = jobtag()
        .args(["eval", "--data"])
        .arg(common::fixture("tiny_train.csv"))
        .args(["--folds", "3"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("3-fold cross-validation"), "{text}");
    assert!(text.contains("role: n=72"), "{text}");
    assert!(text.contains("within one level"), "{text}");
    assert!(text.contains("frontend-developer"), "{text}");
}

#[test]
fn label_jsonl_keeps_fields_and_adds_labels() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_tiny(dir.path());
    let out = jobtag()
        .arg("label")
        .arg(common::fixture("postings.jsonl"))
        .arg("--model")
        .arg(&model)
        .arg("--explain")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Vec<Value> = jsonl(&out);
    assert_eq!(rows.len(), 6);
    for r in &rows {
        assert!(r["id"].is_string() && r["company"].is_string() || r["company"].is_null());
        assert!([
            "data-scientist",
            "devops-engineer",
            "frontend-developer",
            "other"
        ]
        .contains(&r["role"].as_str().unwrap()));
        let c = r["role_confidence"].as_f64().unwrap();
        assert!(c > 0.25 && c <= 1.0);
        assert!(r["seniority"].is_string());
        assert!(r["role_terms"].is_array());
        assert!(r["skills"].is_array());
    }
    // p-001 (a Go backend posting) has skills whose spans point into the description.
    let p1 = rows.iter().find(|r| r["id"] == "p-001").unwrap();
    let desc = p1["description"].as_str().unwrap();
    let skills = p1["skills"].as_array().unwrap();
    assert!(!skills.is_empty(), "{p1}");
    for s in skills {
        assert!(
            ["required", "preferred", "mentioned"].contains(&s["requirement"].as_str().unwrap())
        );
        for span in s["spans"].as_array().unwrap() {
            if span["field"] == "description" {
                let (a, b) = (
                    span["start"].as_u64().unwrap() as usize,
                    span["end"].as_u64().unwrap() as usize,
                );
                assert!(
                    desc.is_char_boundary(a) && desc.is_char_boundary(b) && a < b,
                    "{s}"
                );
            }
        }
    }
    // p-003 is a "Junior React Developer" with an empty description.
    let p3 = rows.iter().find(|r| r["id"] == "p-003").unwrap();
    assert_eq!(p3["role"], "frontend-developer");
    assert_eq!(p3["seniority"], "junior");
}

#[test]
fn label_csv_with_the_embedded_model() {
    let out = jobtag()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["label", "examples/postings.csv"])
        .assert()
        .success()
        .stderr(predicate::str::contains("12 labelled, 0 errors"))
        .get_output()
        .stdout
        .clone();
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        &headers,
        vec![
            "id",
            "title",
            "description",
            "role",
            "role_confidence",
            "seniority",
            "seniority_confidence",
            "skills",
            "required_skills"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 12);
    let role_of = |id: &str| {
        rows.iter()
            .find(|r| &r[0] == id)
            .map(|r| r[3].to_string())
            .unwrap()
    };
    // Clear-cut postings from examples/postings.csv.
    assert_eq!(role_of("ex-001"), "ml-engineer");
    assert_eq!(role_of("ex-003"), "frontend-developer");
    assert_eq!(role_of("ex-011"), "other");
    // Skills: ex-001 asks for Python, PyTorch and CI/CD in its requirements.
    let row = rows.iter().find(|r| &r[0] == "ex-001").unwrap();
    let skills: Vec<&str> = row[7].split(';').collect();
    let required: Vec<&str> = row[8].split(';').collect();
    for s in ["Python", "PyTorch", "CI/CD", "ONNX"] {
        assert!(skills.contains(&s), "{skills:?}");
    }
    assert!(
        required.contains(&"PyTorch") && !required.contains(&"ONNX"),
        "{required:?}"
    );
}

#[test]
fn keep_columns_carries_only_the_named_input_columns() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = jobtag()
        .current_dir(root)
        .args([
            "label",
            "examples/postings.csv",
            "--keep-columns",
            "id,title",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&headers[..4], ["id", "title", "role", "role_confidence"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 12);
    let ex1 = rows.iter().find(|r| &r[0] == "ex-001").unwrap();
    assert_eq!(&ex1[2], "ml-engineer");
    assert!(ex1[6].contains("PyTorch"), "{ex1:?}");

    // JSON lines keep only the named fields, next to the labels.
    let dir = tempfile::tempdir().unwrap();
    jobtag()
        .arg("label")
        .arg(common::fixture("postings.jsonl"))
        .args(["--keep-columns", "id", "-o"])
        .arg(dir.path().join("out.jsonl"))
        .assert()
        .success();
    let rows = jsonl(&std::fs::read(dir.path().join("out.jsonl")).unwrap());
    assert_eq!(rows.len(), 6);
    for r in &rows {
        assert!(r["id"].is_string(), "{r}");
        assert!(
            r.get("description").is_none() && r.get("company").is_none(),
            "{r}"
        );
        assert!(r["role"].is_string() && r["skills"].is_array(), "{r}");
    }

    // A column the file does not have is named in the error.
    jobtag()
        .current_dir(root)
        .args([
            "label",
            "examples/postings.csv",
            "--keep-columns",
            "id,salary",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no column \"salary\""));
}

#[test]
fn a_named_column_the_file_lacks_is_an_error() {
    let root = env!("CARGO_MANIFEST_DIR");
    // Named on the command line: the file must have it.
    for (flag, column) in [
        ("--title-col", "headline"),
        ("--text-col", "body"),
        ("--id-col", "ref"),
    ] {
        jobtag()
            .current_dir(root)
            .args(["label", "examples/postings.csv", flag, column])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!("{flag}: ")))
            .stderr(predicate::str::contains(format!("no column \"{column}\"")))
            .stderr(predicate::str::contains("its columns: id, title"));
    }
    // A default column may be missing: descriptions alone are labelled.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("descriptions.csv");
    std::fs::write(&input, "description\nWe need a Python developer.\n").unwrap();
    let out = jobtag()
        .arg("label")
        .arg(&input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        csv::Reader::from_reader(out.as_slice()).records().count(),
        1
    );
}

#[test]
fn bad_rows_become_error_records_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_tiny(dir.path());
    let input = dir.path().join("dirty.csv");
    let mut data = b"id,title,description\n".to_vec();
    data.extend_from_slice(b"1,Data Scientist,Python and statistics\n");
    data.extend_from_slice(b"2,too,many,fields\n");
    data.extend_from_slice(b"3,,\n");
    data.extend_from_slice(b"4,Frontend Dev \xff\xfe,<p>React &amp; CSS</p>\n");
    data.extend_from_slice(b"1,\"DevOps\nEngineer\",Kubernetes\n");
    std::fs::write(&input, data).unwrap();
    let errors = dir.path().join("errors.jsonl");
    let output = dir.path().join("out.jsonl");
    jobtag()
        .arg("label")
        .arg(&input)
        .arg("--model")
        .arg(&model)
        .arg("-o")
        .arg(&output)
        .arg("--errors")
        .arg(&errors)
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("5 rows read, 3 labelled, 2 errors")
                .and(predicate::str::contains("1 duplicate ids")),
        );
    let labelled = std::fs::read_to_string(&output).unwrap();
    let errs: Vec<Value> = jsonl(&std::fs::read(&errors).unwrap());
    assert_eq!(labelled.lines().count() + errs.len(), 5);
    assert_eq!(errs[0]["line"], 3);
    assert_eq!(errs[0]["field"], "record");
    assert_eq!(errs[1]["line"], 4);
    assert_eq!(errs[1]["id"], "3");
    assert!(errs[1]["reason"].as_str().unwrap().contains("empty"));
}

#[test]
fn a_corrupt_model_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("broken.jtm");
    std::fs::write(&model, b"JOBTAGM\0\x01\0\0\0truncated").unwrap();
    jobtag()
        .arg("label")
        .arg(common::fixture("postings.jsonl"))
        .arg("--model")
        .arg(&model)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("broken.jtm").and(predicate::str::contains("truncated")));
}

#[test]
fn stdin_to_stdout() {
    jobtag()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["label", "--input-format", "jsonl"])
        .write_stdin("{\"id\":\"a\",\"title\":\"Senior Backend Engineer (Java, Spring)\",\"description\":\"\"}\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("\"role\":\"backend-developer\"").and(predicate::str::contains("\"seniority\":\"senior\"")));
}

#[test]
fn info_shows_what_a_model_was_trained_on() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_tiny(dir.path());
    let out = jobtag()
        .args(["info", "--json", "--model"])
        .arg(&model)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let info: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(info["format_version"], jobtag::model::FORMAT_VERSION);
    assert_eq!(info["examples"]["role"], 72);
    assert_eq!(info["roles"].as_array().unwrap().len(), 4);
    let files = info["data_files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["sha256"].as_str().unwrap().len(), 64);
    assert!(info["role_training"]["iterations"].as_u64().unwrap() > 0);
}

#[test]
fn skills_lists_and_searches_the_catalog() {
    jobtag()
        .args(["skills", "k8s"])
        .assert()
        .success()
        .stdout(predicate::str::contains("kubernetes").and(predicate::str::contains("Kubernetes")));
    let out = jobtag()
        .args(["skills", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let all: Value = serde_json::from_slice(&out).unwrap();
    assert!(all.as_array().unwrap().len() >= 1500);
    // The CSV listing is a catalog file again, ids included.
    let out = jobtag()
        .args(["skills", "python", "--format", "csv", "--limit", "1"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id,name,category,aliases,ambiguous,onet,esco,onet_code")
    );
    assert!(lines.next().unwrap().ends_with(
        ",Python,http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d,43232405"
    ));
}

#[test]
fn a_user_catalog_replaces_or_extends_the_builtin_one() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("mine.csv");
    std::fs::write(&catalog, "id,name,category,aliases,ambiguous,onet,esco\nacme-orm,AcmeORM,library-framework,acme orm,no,,\n").unwrap();
    let input = "{\"id\":\"x\",\"title\":\"Backend Developer\",\"description\":\"Python and AcmeORM required\"}\n";
    for (flag, has_python) in [("--skills", false), ("--add-skills", true)] {
        let out = jobtag()
            .args(["label", "--input-format", "jsonl", flag])
            .arg(&catalog)
            .write_stdin(input)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let row: Value = serde_json::from_slice(&out).unwrap();
        let names: Vec<&str> = row["skills"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"AcmeORM"), "{names:?}");
        assert_eq!(names.contains(&"Python"), has_python, "{flag}: {names:?}");
    }
}

#[test]
fn dirty_input_every_row_is_accounted_for() {
    // Good rows, a malformed record, invalid UTF-8, HTML, an empty posting,
    // a 10 MB field and duplicate ids, in one CSV.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("dirty.csv");
    let mut data = b"id,title,description\n".to_vec();
    data.extend_from_slice(b"a1,Senior Data Scientist,\"Python, SQL, statistics\"\n");
    data.extend_from_slice(
        b"a2,<b>Frontend</b> Developer,<ul><li>React &amp; TypeScript</li></ul>\n",
    );
    data.extend_from_slice(b"a3,\"unterminated, \"quote\" here\",x,y\n");
    data.extend_from_slice(b"a4,Data Engineer \xc3\x28,Spark \xff pipelines\n");
    data.extend_from_slice(b"a5,,\n");
    data.extend_from_slice(b"a6,DevOps Engineer,\"");
    let big = "Kubernetes and Terraform on AWS. ".repeat(10 * 1024 * 1024 / 33 + 1);
    data.extend_from_slice(big.as_bytes());
    data.extend_from_slice(b"\"\n");
    data.extend_from_slice(b"a1,QA Engineer,Selenium and Playwright\n");
    data.extend_from_slice(b"a8,Product Manager,Roadmaps and discovery\n");
    std::fs::write(&input, data).unwrap();
    let errors = dir.path().join("errors.jsonl");
    let output = dir.path().join("out.jsonl");
    let assert = jobtag()
        .arg("label")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .arg("--errors")
        .arg(&errors)
        .assert()
        .code(3);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("8 rows read, 6 labelled, 2 errors"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 with invalid UTF-8") && stderr.contains("1 duplicate ids"),
        "{stderr}"
    );
    let labelled: Vec<Value> = jsonl(&std::fs::read(&output).unwrap());
    let errs: Vec<Value> = jsonl(&std::fs::read(&errors).unwrap());
    assert_eq!(labelled.len() + errs.len(), 8);
    for e in &errs {
        assert!(e["line"].as_u64().unwrap() > 1, "{e}");
        assert!(e["file"].as_str().unwrap().ends_with("dirty.csv"));
    }
    assert_eq!(errs[0]["line"], 4);
    assert_eq!(errs[1]["id"], "a5");
    let big_row = labelled.iter().find(|r| r["id"] == "a6").unwrap();
    assert_eq!(big_row["role"], "devops-engineer");
    assert!(big_row["skills"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "Kubernetes"));
    assert_eq!(labelled.iter().filter(|r| r["id"] == "a1").count(), 2);
}

#[test]
fn several_files_gzip_and_a_delimiter() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&a).unwrap(),
        flate2::Compression::default(),
    );
    gz.write_all(b"ref;headline;body;extra\nr1;Data Analyst;SQL and Power BI;Tableau dashboards\n")
        .unwrap();
    gz.finish().unwrap();
    let b = dir.path().join("b.csv");
    std::fs::write(
        &b,
        "ref;headline;body;extra\nr2;iOS Developer;Swift and SwiftUI;\n",
    )
    .unwrap();
    let out = jobtag()
        .arg("label")
        .arg(&a)
        .arg(&b)
        .args([
            "--delimiter",
            ";",
            "--id-col",
            "ref",
            "--title-col",
            "headline",
            "--text-col",
            "body",
            "--text-col",
            "extra",
            "--format",
            "jsonl",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Vec<Value> = jsonl(&out);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["ref"], "r1");
    assert_eq!(rows[0]["role"], "data-analyst");
    // The second text column is read too: Tableau is only there.
    assert!(rows[0]["skills"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "Tableau"));
    assert_eq!(rows[1]["role"], "mobile-developer");
}

/// Run `jobtag ARGS`, read the first line of its output, then close the pipe
/// (like `| head -1`); returns that line, the exit code and stderr.
fn first_line_then_close(args: &[&std::ffi::OsStr]) -> (String, Option<i32>, String) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("jobtag"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (line, output.status.code(), stderr)
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.jsonl");
    let mut f = std::fs::File::create(&input).unwrap();
    for i in 0..20_000 {
        writeln!(f, "{{\"id\":\"{i}\",\"title\":\"Backend Developer\",\"description\":\"Java and Spring\"}}").unwrap();
    }
    drop(f);
    let (line, code, stderr) = first_line_then_close(&["label".as_ref(), input.as_os_str()]);
    assert!(line.contains("backend-developer"));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        !stderr.contains("error") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn listing_skills_into_a_closed_pipe_ends_quietly() {
    let (line, code, stderr) = first_line_then_close(&["skills".as_ref()]);
    assert!(line.starts_with("id"));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `jobtag label --min-confidence P`: below P a label is `uncertain`, the
/// model's best label is in `*_guess`, and the confidences are unchanged.
#[test]
fn min_confidence_marks_uncertain_labels_in_jsonl_and_csv() {
    let postings = common::fixture("postings.jsonl");
    let plain = jsonl(
        &jobtag()
            .arg("label")
            .arg(&postings)
            .args(["--format", "jsonl", "--no-skills"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    let threshold = 0.9137;
    let marked = jsonl(
        &jobtag()
            .arg("label")
            .arg(&postings)
            .args(["--format", "jsonl", "--no-skills", "--min-confidence"])
            .arg(threshold.to_string())
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(plain.len(), marked.len());
    let (mut uncertain, mut certain) = (0, 0);
    for (p, m) in plain.iter().zip(&marked) {
        for head in ["role", "seniority"] {
            let conf = p[format!("{head}_confidence")].as_f64().unwrap();
            assert_eq!(
                m[format!("{head}_confidence")],
                p[format!("{head}_confidence")]
            );
            assert_eq!(m[format!("{head}_guess")], p[head]);
            if conf < threshold {
                assert_eq!(m[head], "uncertain", "{p}");
                uncertain += 1;
            } else {
                assert_eq!(m[head], p[head]);
                certain += 1;
            }
        }
    }
    assert!(
        uncertain > 0 && certain > 0,
        "{uncertain} uncertain, {certain} not"
    );

    // CSV: the same values, the guesses in two added columns.
    let csv_out = jobtag()
        .arg("label")
        .arg(&postings)
        .args([
            "--format",
            "csv",
            "--no-skills",
            "--keep-columns",
            "id",
            "--min-confidence",
        ])
        .arg(threshold.to_string())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut reader = csv::Reader::from_reader(csv_out.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "id",
            "role",
            "role_confidence",
            "seniority",
            "seniority_confidence",
            "skills",
            "required_skills",
            "role_guess",
            "seniority_guess"
        ]
    );
    for (row, m) in reader.records().zip(&marked) {
        let row = row.unwrap();
        assert_eq!(&row[1], m["role"].as_str().unwrap());
        assert_eq!(&row[3], m["seniority"].as_str().unwrap());
        assert_eq!(&row[7], m["role_guess"].as_str().unwrap());
        assert_eq!(&row[8], m["seniority_guess"].as_str().unwrap());
    }

    // tally counts them as their own label, from raw postings or from the
    // labelled file alike.
    let tally_raw: Value = serde_json::from_slice(
        &jobtag()
            .arg("tally")
            .arg(&postings)
            .args([
                "--labels-only",
                "--format",
                "json",
                "--no-skills",
                "--min-confidence",
            ])
            .arg(threshold.to_string())
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    let uncertain_roles = marked.iter().filter(|m| m["role"] == "uncertain").count() as u64;
    let counted = tally_raw["role"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == "uncertain")
        .map_or(0, |r| r["postings"].as_u64().unwrap());
    assert_eq!(counted, uncertain_roles);
}

#[test]
fn min_confidence_must_be_a_probability() {
    jobtag()
        .arg("label")
        .arg(common::fixture("postings.jsonl"))
        .args(["--min-confidence", "1.5"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not between 0 and 1"));
}

const IDS_POSTING: &str = "id,title,description\n\
    p1,Data Engineer,\"Requirements: Python, Docker, Kafka and teamwork.\"\n";

fn label_with_catalog(catalog: &str, args: &[&str]) -> Vec<u8> {
    jobtag()
        .arg("label")
        .arg("-")
        .args(["--input-format", "csv", "--skills"])
        .arg(common::fixture(catalog))
        .args(args)
        .write_stdin(IDS_POSTING)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

#[test]
fn jsonl_skills_carry_esco_and_onet_ids_when_the_catalog_has_them() {
    let rows = jsonl(&label_with_catalog(
        "skills_with_ids.csv",
        &["--format", "jsonl"],
    ));
    let skills = rows[0]["skills"].as_array().unwrap();
    let by_id = |id: &str| skills.iter().find(|s| s["id"] == id).unwrap();
    let python = by_id("python");
    assert_eq!(
        python["esco"],
        "http://data.europa.eu/esco/skill/test-python"
    );
    assert_eq!(python["onet"], "Python");
    assert_eq!(python["onet_code"], "43232405");
    let kafka = by_id("kafka");
    assert_eq!(
        (&kafka["onet"], &kafka["onet_code"]),
        (&Value::from("Apache Kafka"), &Value::from("43232404"))
    );
    // Absent ids are left out, not null: a skill without any has exactly
    // the fields it had before ids existed.
    assert!(kafka.get("esco").is_none());
    let docker = by_id("docker");
    let keys: Vec<&str> = docker
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["category", "id", "name", "requirement", "spans", "years"]
    );
    // Role codes only with --ids.
    assert!(rows[0].get("role_isco").is_none());
    let with_ids = jsonl(&label_with_catalog(
        "skills_with_ids.csv",
        &["--format", "jsonl", "--ids"],
    ));
    assert_eq!(with_ids[0]["role"], "data-engineer");
    assert_eq!(with_ids[0]["role_isco"], "2521");
    assert_eq!(with_ids[0]["role_onet"], serde_json::json!(["15-1243.01"]));
    // The data-engineer role has no ESCO occupation: left out.
    assert!(with_ids[0].get("role_esco").is_none());
}

#[test]
fn csv_carries_ids_in_extra_columns_only_when_asked() {
    let plain = label_with_catalog("skills_with_ids.csv", &["--format", "csv"]);
    let mut reader = csv::Reader::from_reader(plain.as_slice());
    assert_eq!(
        reader.headers().unwrap(),
        vec![
            "id",
            "title",
            "description",
            "role",
            "role_confidence",
            "seniority",
            "seniority_confidence",
            "skills",
            "required_skills"
        ]
    );
    let out = label_with_catalog("skills_with_ids.csv", &["--format", "csv", "--ids"]);
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let headers = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let cell = |name: &str| &row[headers.iter().position(|h| h == name).unwrap()];
    // The default columns come first, unchanged; the id columns last.
    assert_eq!(
        headers.iter().skip(9).collect::<Vec<_>>(),
        [
            "skills_esco",
            "skills_onet",
            "skills_onet_code",
            "role_isco",
            "role_esco",
            "role_onet"
        ]
    );
    assert_eq!(cell("skills"), "Python;Docker;Apache Kafka;Teamwork");
    // One entry per skill, in the same order, empty where there is no id.
    assert_eq!(
        cell("skills_esco"),
        "http://data.europa.eu/esco/skill/test-python;;;http://data.europa.eu/esco/skill/test-teams"
    );
    assert_eq!(cell("skills_onet"), "Python;;Apache Kafka;");
    assert_eq!(cell("skills_onet_code"), "43232405;;43232404;");
    assert_eq!(
        (
            cell("role"),
            cell("role_isco"),
            cell("role_esco"),
            cell("role_onet")
        ),
        ("data-engineer", "2521", "", "15-1243.01")
    );
    // Without --ids the rows are those of the plain run, column for column.
    let plain_row = csv::Reader::from_reader(plain.as_slice())
        .records()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(
        plain_row.iter().collect::<Vec<_>>(),
        row.iter().take(9).collect::<Vec<_>>()
    );
}

#[test]
fn a_catalog_without_the_onet_code_column_still_loads() {
    let rows = jsonl(&label_with_catalog(
        "skills_seven_columns.csv",
        &["--format", "jsonl"],
    ));
    let python = &rows[0]["skills"][0];
    assert_eq!(python["id"], "python");
    assert_eq!(python["onet"], "Python");
    assert!(python.get("onet_code").is_none());
}

#[test]
fn the_shipped_catalog_links_python_to_esco_and_onet() {
    let rows = jsonl(&label_with_catalog(
        "skills_with_ids.csv",
        &["--format", "jsonl"],
    ));
    assert!(!rows.is_empty());
    let out = jobtag()
        .args(["label", "-", "--input-format", "csv", "--format", "jsonl"])
        .write_stdin(IDS_POSTING)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows = jsonl(&out);
    let python = rows[0]["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "python")
        .unwrap();
    assert_eq!(
        python["esco"],
        "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
    );
    assert_eq!(python["onet_code"], "43232405");
}

/// `jobtag label --catalog-only`: the catalog's skills alone (no
/// `uncatalogued` ones), roles and seniorities unchanged; it cannot be
/// asked for together with `--no-skills`.
#[test]
fn catalog_only_leaves_out_the_learned_tagger_and_nothing_else() {
    // Two postings: one names knowledge the catalog lacks, one does not.
    let input = common::fixture("uncatalogued.jsonl");
    let label = |extra: &[&str]| {
        jsonl(
            &jobtag()
                .arg("label")
                .arg(&input)
                .args(["--format", "jsonl"])
                .args(extra)
                .assert()
                .success()
                .get_output()
                .stdout,
        )
    };
    let uncatalogued = |rows: &[Value]| {
        rows.iter()
            .flat_map(|r| r["skills"].as_array().unwrap())
            .filter(|s| s["category"] == "uncatalogued")
            .count()
    };
    let (default, catalog_only) = (label(&[]), label(&["--catalog-only"]));
    assert!(uncatalogued(&default) >= 2, "{default:?}");
    assert_eq!(uncatalogued(&catalog_only), 0, "{catalog_only:?}");
    for (d, c) in default.iter().zip(&catalog_only) {
        for field in [
            "id",
            "role",
            "role_confidence",
            "seniority",
            "seniority_confidence",
        ] {
            assert_eq!(d[field], c[field]);
        }
        let catalogued = |row: &Value| -> Vec<Value> {
            let skills = row["skills"].as_array().unwrap();
            skills
                .iter()
                .filter(|s| s["category"] != "uncatalogued")
                .map(|s| s["id"].clone())
                .collect()
        };
        assert_eq!(catalogued(d), catalogued(c));
    }
    let both = jobtag()
        .arg("label")
        .arg(&input)
        .args(["--catalog-only", "--no-skills"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let both = String::from_utf8_lossy(&both);
    assert!(
        both.contains("--catalog-only") && both.contains("--no-skills"),
        "{both}"
    );
}

#[test]
fn eval_cross_validates_the_span_tagger_on_annotated_postings() {
    // The recipe gives the tagger's settings; the folds come from the file.
    let dir = tempfile::tempdir().unwrap();
    let recipe_with = |name: &str, epochs: u32, min_count: u32| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!(
                "name = 'spans'\n[[sources]]\npath = {:?}\n[skill_spans]\npath = {:?}\nepochs = {epochs}\nmin_count = {min_count}\n",
                common::fixture("tiny_train.csv").display().to_string(),
                common::fixture("annotated_spans_ours.jsonl").display().to_string(),
            ),
        )
        .unwrap();
        path
    };
    let cross_validated = |recipe: Option<&Path>| -> Value {
        let mut cmd = jobtag();
        cmd.args(["eval", "--folds", "2", "--format", "json"]);
        if let Some(recipe) = recipe {
            cmd.arg("--recipe").arg(recipe);
        }
        let out = cmd
            .arg("--spans-cv")
            .arg(common::fixture("annotated_spans_ours.jsonl"))
            .assert()
            .success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    };
    // The default settings (10 epochs, minimum count 2), written out.
    let recipe = recipe_with("defaults.toml", 10, 2);
    let scores = cross_validated(Some(&recipe));
    assert_eq!(scores["gold"], 16);
    assert!(scores["strict_f1"].as_f64().unwrap() < 1.0, "{scores}");
    // Without a recipe: the same defaults.
    assert_eq!(cross_validated(None), scores);
    // Other settings train another tagger.
    assert_ne!(
        cross_validated(Some(&recipe_with("one.toml", 1, 1))),
        scores
    );
    jobtag()
        .args(["eval", "--folds", "1", "--recipe"])
        .arg(&recipe)
        .arg("--spans-cv")
        .arg(common::fixture("annotated_spans_ours.jsonl"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("at least 2 folds"));
    // A held-out file and cross-validation are two different questions.
    jobtag()
        .args(["eval", "--recipe"])
        .arg(&recipe)
        .arg("--spans")
        .arg(common::fixture("annotated_spans_ours.jsonl"))
        .arg("--spans-cv")
        .arg(common::fixture("annotated_spans_ours.jsonl"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot be used with"));
}
