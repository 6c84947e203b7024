//! `jobtag tally` on a labelled fixture whose every number was computed by
//! hand (tests/fixtures/labelled.jsonl: 5 postings, one group of one, one
//! posting without skills).

mod common;

use assert_cmd::Command;
use serde_json::Value;

fn tally(args: &[&str]) -> Vec<u8> {
    Command::cargo_bin("jobtag")
        .unwrap()
        .arg("tally")
        .arg(common::fixture("labelled.jsonl"))
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

/// `jobtag tally PATH ARGS...`'s output (it must succeed).
fn tally_of(path: &std::path::Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("jobtag")
        .unwrap()
        .arg("tally")
        .arg(path)
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

fn skill<'a>(group: &'a Value, name: &str) -> &'a Value {
    group["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["skill"] == name)
        .unwrap()
}

#[test]
fn counts_by_role() {
    let t: Value = serde_json::from_slice(&tally(&["--by", "role", "--format", "json"])).unwrap();
    let groups = t["groups"].as_array().unwrap();
    let keys: Vec<&str> = groups
        .iter()
        .map(|g| g["key"][0].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "all",
            "data-scientist",
            "devops-engineer",
            "frontend-developer"
        ]
    );

    let all = &groups[0];
    assert_eq!(
        (all["postings"].as_u64(), all["without_skills"].as_u64()),
        (Some(5), Some(1))
    );
    let names: Vec<&str> = all["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["skill"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Python", "React", "TypeScript", "Kubernetes", "SQL"]
    );
    let py = skill(all, "Python");
    assert_eq!(
        (
            py["postings"].as_u64(),
            py["required"].as_u64(),
            py["preferred"].as_u64(),
            py["mentioned"].as_u64()
        ),
        (Some(3), Some(2), Some(0), Some(1))
    );
    assert!((py["share"].as_f64().unwrap() - 0.6).abs() < 1e-12);
    assert!((py["required_share"].as_f64().unwrap() - 0.4).abs() < 1e-12);

    let ds = &groups[1];
    assert_eq!(ds["postings"], 2);
    assert_eq!(skill(ds, "Python")["share"], 1.0);
    assert_eq!(skill(ds, "SQL")["preferred"], 1);
    assert_eq!(skill(ds, "SQL")["share"], 0.5);

    let devops = &groups[2];
    assert_eq!(devops["postings"], 1, "a group of one posting");
    let names: Vec<&str> = devops["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["skill"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Python", "Kubernetes"]);

    let fe = &groups[3];
    assert_eq!(
        (fe["postings"].as_u64(), fe["without_skills"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(skill(fe, "React")["share"], 0.5);
}

#[test]
fn min_postings_top_and_csv() {
    let out = String::from_utf8(tally(&[
        "--by",
        "role",
        "--min-postings",
        "2",
        "--top",
        "1",
        "--format",
        "csv",
    ]))
    .unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "role,group_postings,skill,postings,share,required,required_share,preferred,preferred_share,mentioned,mentioned_share,example,esco,onet"
    );
    // The fixture's skills carry no ESCO or O*NET ids: those columns are empty.
    assert_eq!(
        &lines[1..],
        [
            "all,5,Python,3,0.6000,2,0.4000,0,0.0000,1,0.2000,l1,,",
            "data-scientist,2,Python,2,1.0000,1,0.5000,0,0.0000,1,0.5000,l1,,",
            "frontend-developer,2,React,1,0.5000,1,0.5000,0,0.0000,0,0.0000,l3,,",
        ]
    );
}

#[test]
fn by_two_fields_and_a_table() {
    let t: Value =
        serde_json::from_slice(&tally(&["--by", "role,seniority", "--format", "json"])).unwrap();
    let keys: Vec<String> = t["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            format!(
                "{}/{}",
                g["key"][0].as_str().unwrap(),
                g["key"][1].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            "all/all",
            "data-scientist/mid",
            "data-scientist/senior",
            "devops-engineer/senior",
            "frontend-developer/junior",
            "frontend-developer/mid"
        ]
    );
    let table = String::from_utf8(tally(&["--by", "role"])).unwrap();
    assert!(
        table.contains("role=data-scientist — 2 postings, 0 without skills"),
        "{table}"
    );
    assert!(table.lines().all(|l| l.chars().count() <= 100), "{table}");
}

#[test]
fn label_distribution_with_mean_confidence() {
    let t: Value = serde_json::from_slice(&tally(&["--labels-only", "--format", "json"])).unwrap();
    assert_eq!(t["postings"], 5);
    let roles = t["role"].as_array().unwrap();
    let got: Vec<(String, u64)> = roles
        .iter()
        .map(|r| {
            (
                r["label"].as_str().unwrap().to_string(),
                r["postings"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("data-scientist".into(), 2),
            ("frontend-developer".into(), 2),
            ("devops-engineer".into(), 1)
        ]
    );
    assert!((roles[0]["mean_confidence"].as_f64().unwrap() - 0.8).abs() < 1e-9);
    assert!((roles[1]["mean_confidence"].as_f64().unwrap() - 0.9).abs() < 1e-9);
    assert!((roles[0]["share"].as_f64().unwrap() - 0.4).abs() < 1e-12);
    let levels = t["seniority"].as_array().unwrap();
    let got: Vec<&str> = levels
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(got, ["mid", "senior", "junior"]);
    assert!((levels[0]["mean_confidence"].as_f64().unwrap() - 0.55).abs() < 1e-9);
    assert!((levels[1]["mean_confidence"].as_f64().unwrap() - 0.75).abs() < 1e-9);
}

#[test]
fn raw_postings_are_labelled_on_the_fly() {
    let out = Command::cargo_bin("jobtag")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tally",
            "examples/postings.csv",
            "--by",
            "role",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let t: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(t["groups"][0]["postings"], 12);
    let roles: Vec<&str> = t["groups"].as_array().unwrap()[1..]
        .iter()
        .map(|g| g["key"][0].as_str().unwrap())
        .collect();
    assert!(
        roles.contains(&"ml-engineer") && roles.contains(&"frontend-developer"),
        "{roles:?}"
    );
    let python = skill(&t["groups"][0], "Python");
    // The ids of the labels: the catalog's for Python.
    assert_eq!(
        python["esco"],
        "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
    );
    assert_eq!(python["onet"], "Python");
}

#[test]
fn skill_ids_come_from_labelled_rows_too() {
    // jobtag's JSONL output carries the ids; the tally passes them on, for
    // an uncatalogued skill linked by name as for a catalog one.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ids.jsonl");
    std::fs::write(
        &path,
        concat!(
            r#"{"id":"a","role":"data-scientist","role_confidence":0.9,"skills":["#,
            r#"{"id":"u:statistical-software","name":"statistical software","category":"uncatalogued","requirement":"required","years":null,"spans":[],"#,
            r#""esco":"http://data.europa.eu/esco/skill/bb165899-d95f-4433-95f2-173fefd716d2","esco_similarity":0.8261},"#,
            r#"{"id":"go","name":"Go","category":"programming-language","requirement":"required","years":null,"spans":[],"onet":"Go"}]}"#,
            "\n",
            r#"{"id":"b","role":"data-scientist","role_confidence":0.8,"skills":["#,
            r#"{"id":"u:statistical-software","name":"statistical software","category":"uncatalogued","requirement":"preferred","years":null,"spans":[]}]}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = tally_of(&path, &["--format", "csv"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        &lines[1..],
        [
            "all,2,statistical software,2,1.0000,1,0.5000,1,0.5000,0,0.0000,a,http://data.europa.eu/esco/skill/bb165899-d95f-4433-95f2-173fefd716d2,",
            "all,2,Go,1,0.5000,1,0.5000,0,0.0000,0,0.0000,a,,Go",
        ]
    );
    let t: Value = serde_json::from_str(&tally_of(&path, &["--format", "json"])).unwrap();
    let linked = skill(&t["groups"][0], "statistical software");
    assert_eq!(
        linked["esco"],
        "http://data.europa.eu/esco/skill/bb165899-d95f-4433-95f2-173fefd716d2"
    );
    assert!(linked.get("onet").is_none());
    assert_eq!(skill(&t["groups"][0], "Go")["onet"], "Go");

    // CSV label output carries per-skill ids with --ids: the tally reads them.
    let labelled = dir.path().join("labelled.csv");
    Command::cargo_bin("jobtag")
        .unwrap()
        .arg("label")
        .arg(common::fixture("postings.jsonl"))
        .args(["--format", "csv", "--ids", "-o", labelled.to_str().unwrap()])
        .assert()
        .code(predicates::prelude::PredicateBooleanExt::or(
            predicates::ord::eq(0),
            predicates::ord::eq(3),
        ));
    let out = tally_of(&labelled, &["--format", "csv"]);
    let python = out
        .lines()
        .find(|l| l.starts_with("all,") && l.contains(",Python,"))
        .expect("Python is tallied");
    assert!(
        python.ends_with(
            ",http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d,Python"
        ),
        "{python}"
    );
}

#[test]
fn skill_pairs_with_lift() {
    let t: Value = serde_json::from_slice(&tally(&["--pairs", "--format", "json"])).unwrap();
    let pairs = t["groups"][0]["pairs"].as_array().unwrap();
    let got: Vec<String> = pairs
        .iter()
        .map(|p| format!("{}+{}", p["a"].as_str().unwrap(), p["b"].as_str().unwrap()))
        .collect();
    assert_eq!(got, ["React+TypeScript", "Kubernetes+Python", "Python+SQL"]);
    // 5 postings; React and TypeScript each once, together once: lift 1*5/(1*1).
    assert!((pairs[0]["lift"].as_f64().unwrap() - 5.0).abs() < 1e-12);
    // Python in 3 postings, SQL in 1, together once: lift 5/3.
    assert!((pairs[2]["lift"].as_f64().unwrap() - 5.0 / 3.0).abs() < 1e-12);
    assert!((pairs[2]["share"].as_f64().unwrap() - 0.2).abs() < 1e-12);
    let csv = String::from_utf8(tally(&["--pairs", "--format", "csv"])).unwrap();
    assert_eq!(
        csv.lines().next().unwrap(),
        "group,group_postings,skill_a,skill_b,postings,share,lift"
    );
    assert_eq!(
        csv.lines().nth(1).unwrap(),
        "all,5,React,TypeScript,1,0.2000,5.000"
    );
}

#[test]
fn periods_count_undated_postings() {
    let assert = Command::cargo_bin("jobtag")
        .unwrap()
        .arg("tally")
        .arg(common::fixture("labelled.jsonl"))
        .args([
            "--period",
            "quarter",
            "--date-col",
            "posted",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stderr(predicates::str::contains("1 postings have no usable date"));
    let t: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(t["by"], serde_json::json!(["period"]));
    let groups = t["groups"].as_array().unwrap();
    let keys: Vec<(&str, u64)> = groups
        .iter()
        .map(|g| {
            (
                g["key"][0].as_str().unwrap(),
                g["postings"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [("all", 5), ("(no date)", 1), ("2026-Q1", 2), ("2026-Q2", 2)]
    );
    assert_eq!(skill(&groups[2], "Python")["share"], 1.0);
    assert_eq!(skill(&groups[3], "Python")["share"], 0.5);
    assert_eq!(groups[1]["without_skills"], 1);
    let monthly: Value = serde_json::from_slice(&tally(&[
        "--by",
        "role",
        "--period",
        "month",
        "--date-col",
        "posted",
        "--format",
        "json",
    ]))
    .unwrap();
    let keys: Vec<String> = monthly["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            format!(
                "{}/{}",
                g["key"][0].as_str().unwrap(),
                g["key"][1].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        keys[1..],
        [
            "data-scientist/2026-01",
            "data-scientist/2026-02",
            "devops-engineer/2026-05",
            "frontend-developer/(no date)",
            "frontend-developer/2026-04"
        ]
    );
}

#[test]
fn charts_as_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("skills.svg");
    let png = dir.path().join("trend.png");
    Command::cargo_bin("jobtag")
        .unwrap()
        .arg("tally")
        .arg(common::fixture("labelled.jsonl"))
        .args(["--by", "role", "--chart"])
        .arg(&svg)
        .assert()
        .success();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"), "{}", &text[..80.min(text.len())]);
    for needle in [
        "Top skills: all postings (5 postings)",
        "role = data-scientist (2 postings)",
        "Python",
        "Kubernetes",
        "share of postings that name the skill",
        "5 postings in all",
    ] {
        assert!(text.contains(needle), "{needle} missing from the SVG");
    }
    Command::cargo_bin("jobtag")
        .unwrap()
        .arg("tally")
        .arg(common::fixture("labelled.jsonl"))
        .args(["--period", "quarter", "--date-col", "posted", "--chart"])
        .arg(&png)
        .assert()
        .success();
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    assert_eq!(width, 1000);
    Command::cargo_bin("jobtag")
        .unwrap()
        .arg("tally")
        .arg(common::fixture("labelled.jsonl"))
        .args(["--chart", "out.gif"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(".svg or .png"));
}

/// Runs jobtag in a temporary folder and returns (exit code, stdout, stderr).
fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("jobtag")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_same_flags_mean_the_same_in_label_and_tally() {
    // A TSV file (tabs by its name) with other column names, two text
    // columns and a skill of our own: `label` then `tally` of its output
    // counts what `tally` of the raw file counts, with the same flags.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("jobs.tsv"),
        "ref\theadline\tbody\textra\n\
         a1\tSenior Data Engineer\tRequirements: Spark, SQL and Zorblang.\tAirflow is a plus.\n\
         a2\tFrontend Developer\tMust know React and TypeScript.\tZorblang nice to have.\n\
         a3\tData Engineer\tWe need SQL, dbt and Zorblang.\t\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("mine.csv"),
        "id,name,category,aliases\nzorblang,Zorblang,language,zorb\n",
    )
    .unwrap();
    let mapping = [
        "--id-col",
        "ref",
        "--title-col",
        "headline",
        "--text-col",
        "body",
        "--text-col",
        "extra",
        "--add-skills",
        "mine.csv",
    ];
    let mut label = vec!["label", "jobs.tsv", "-o", "out.jsonl"];
    label.extend(mapping);
    let (code, _, err) = run(dir.path(), &label);
    assert_eq!(code, 0, "{err}");
    let mut raw = vec!["tally", "jobs.tsv", "--by", "role", "--format", "json"];
    raw.extend(mapping);
    let (code, from_raw, err) = run(dir.path(), &raw);
    assert_eq!(code, 0, "{err}");
    let (code, from_labels, err) = run(
        dir.path(),
        // The output keeps the input's `ref` field: examples come from it.
        &[
            "tally",
            "out.jsonl",
            "--by",
            "role",
            "--format",
            "json",
            "--id-col",
            "ref",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (raw, labelled): (Value, Value) = (
        serde_json::from_str(&from_raw).unwrap(),
        serde_json::from_str(&from_labels).unwrap(),
    );
    assert_eq!(raw, labelled);
    assert_eq!(raw["groups"][0]["postings"], 3);
    let zorb = skill(&raw["groups"][0], "Zorblang");
    assert_eq!(zorb["postings"], 3, "{zorb}");
    assert_eq!(zorb["preferred"], 1, "{zorb}");
    // Ids come from --id-col in both.
    let out = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    assert!(out.contains("\"ref\":\"a1\""), "{out}");

    // --no-skills in both: labels, no skills.
    let (code, out, err) = run(
        dir.path(),
        &[
            "tally",
            "jobs.tsv",
            "--title-col",
            "headline",
            "--text-col",
            "body",
            "--no-skills",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let t: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(t["groups"][0]["without_skills"], 3);

    // A named column the file lacks: the same error from both.
    for command in ["label", "tally"] {
        let (code, _, err) = run(
            dir.path(),
            &[
                command,
                "jobs.tsv",
                "--title-col",
                "heading",
                "--text-col",
                "body",
            ],
        );
        assert_eq!(code, 1, "{command} accepted a missing column");
        assert!(
            err.contains("--title-col: jobs.tsv has no column \"heading\""),
            "{command}: {err}"
        );
    }
}

#[test]
fn raw_postings_with_a_board_role_field_are_still_labelled() {
    // Job boards' exports often carry their own `role`; only jobtag's output
    // (a role and skills) is counted as it is.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("board.jsonl"),
        "{\"id\":\"1\",\"title\":\"Data Engineer\",\"description\":\"SQL and Spark (Scala)\",\"role\":null}\n\
         {\"id\":\"2\",\"title\":\"Data Engineer\",\"description\":\"SQL, dbt\",\"role\":\"Data\"}\n",
    )
    .unwrap();
    let (code, out, err) = run(
        dir.path(),
        &["tally", "board.jsonl", "--by", "role", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("could not be read"), "{err}");
    let t: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(t["groups"][1]["key"][0], "data-engineer", "{t}");
    assert_eq!(skill(&t["groups"][0], "SQL")["postings"], 2);
}

#[test]
fn groups_by_the_roles_occupation_codes() {
    // labelled.jsonl has no code fields: they come from the default taxonomy.
    let t: Value =
        serde_json::from_slice(&tally(&["--by", "role.isco", "--format", "json"])).unwrap();
    let keys: Vec<(&str, u64)> = t["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["key"][0].as_str().unwrap(),
                g["postings"].as_u64().unwrap(),
            )
        })
        .collect();
    // data-scientist 2511 (2 postings), devops-engineer 2522, frontend 2513.
    assert_eq!(keys[0], ("all", 5));
    assert!(keys.contains(&("2511", 2)), "{keys:?}");
    assert!(keys.contains(&("2522", 1)), "{keys:?}");
    assert!(keys.contains(&("2513", 2)), "{keys:?}");
    let t: Value =
        serde_json::from_slice(&tally(&["--by", "role.onet", "--format", "json"])).unwrap();
    let keys: Vec<&str> = t["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"][0].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"15-2051.00"), "{keys:?}");
}

#[test]
fn a_recorded_code_wins_over_the_taxonomy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("coded.jsonl");
    std::fs::write(
        &path,
        "{\"id\":\"a\",\"role\":\"data-scientist\",\"role_isco\":\"9999\",\"skills\":[]}\n\
         {\"id\":\"b\",\"role\":\"other\",\"skills\":[]}\n",
    )
    .unwrap();
    let out = Command::cargo_bin("jobtag")
        .unwrap()
        .arg("tally")
        .arg(&path)
        .args(["--by", "role.isco", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let t: Value = serde_json::from_slice(&out).unwrap();
    let keys: Vec<&str> = t["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"][0].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["all", "(none)", "9999"]);
}

/// tests/fixtures/emerging.jsonl: 5 labelled postings over two months;
/// zorblax (uncatalogued) in e1, e3, e4; quillstack (uncatalogued) in e2,
/// e3; Python and SQL are the catalog's. January: 2 postings, each
/// uncatalogued skill in 1 (50%). February: 3 postings, zorblax in 2
/// (66.7%), quillstack in 1 (33.3%).
fn emerging(args: &[&str]) -> Vec<u8> {
    Command::cargo_bin("jobtag")
        .unwrap()
        .arg("tally")
        .arg(common::fixture("emerging.jsonl"))
        .arg("--emerging")
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

#[test]
fn emerging_skills_by_frequency_and_growth_with_examples() {
    let t: Value = serde_json::from_slice(&emerging(&[
        "--period",
        "month",
        "--date-col",
        "date",
        "--format",
        "json",
    ]))
    .unwrap();
    let all = &t["groups"][0];
    assert_eq!(all["postings"], 5);
    assert_eq!(all["without_skills"], 1, "e5 names no uncatalogued skill");
    let names: Vec<&str> = all["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["skill"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["zorblax", "quillstack"],
        "catalog skills are left out"
    );
    let z = skill(all, "zorblax");
    assert_eq!(
        (z["postings"].as_u64(), z["required"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(z["example"], "e1");
    assert_eq!(skill(all, "quillstack")["example"], "e2");
    let february = &t["groups"][2];
    assert_eq!(february["key"][0], "2026-02");
    assert_eq!(skill(february, "zorblax")["example"], "e3");

    let growth = t["growth"].as_array().unwrap();
    assert_eq!(growth.len(), 2);
    assert_eq!(growth[0]["skill"], "zorblax");
    let close = |v: &Value, x: f64| (v.as_f64().unwrap() - x).abs() < 1e-9;
    assert!(close(&growth[0]["first_share"], 0.5));
    assert!(close(&growth[0]["last_share"], 2.0 / 3.0));
    assert!(close(&growth[0]["growth"], 2.0 / 3.0 - 0.5));
    assert_eq!(growth[1]["skill"], "quillstack");
    assert!(close(&growth[1]["growth"], 1.0 / 3.0 - 0.5));

    let table = String::from_utf8(emerging(&["--period", "month", "--date-col", "date"])).unwrap();
    assert!(
        table.contains("uncatalogued skills — 5 postings, 4 name at least one"),
        "{table}"
    );
    assert!(
        table.contains("fastest growing, 2026-01 → 2026-02"),
        "{table}"
    );
    let zorblax_line = table.lines().rfind(|l| l.contains("zorblax")).unwrap();
    assert!(
        zorblax_line.contains("+16.7pt") && zorblax_line.ends_with("e1"),
        "{zorblax_line}"
    );

    let csv = String::from_utf8(emerging(&["--format", "csv"])).unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().ends_with(",example,esco,onet"));
    // Not an ESCO skill: no id.
    let zorblax = lines.next().unwrap();
    assert!(
        zorblax.starts_with("all,5,zorblax,3,") && zorblax.ends_with(",,"),
        "{zorblax}"
    );
}

/// `--emerging` counts what the learned tagger finds: it cannot be asked for
/// with `--catalog-only`, which leaves the tagger out.
#[test]
fn emerging_skills_need_the_learned_tagger() {
    let dir = tempfile::tempdir().unwrap();
    let emerging = common::fixture("emerging.jsonl");
    let emerging = emerging.to_str().unwrap();
    let (code, _, err) = run(
        dir.path(),
        &["tally", emerging, "--emerging", "--catalog-only"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--emerging") && err.contains("--catalog-only"),
        "{err}"
    );
}

/// `tally --catalog-only` on raw postings counts the catalog's skills alone.
#[test]
fn catalog_only_tallies_leave_out_uncatalogued_skills() {
    let input = common::fixture("uncatalogued.jsonl");
    let skills = |extra: &[&str]| -> Vec<String> {
        let args = [&["--format", "json"], extra].concat();
        let t: Value = serde_json::from_str(&tally_of(&input, &args)).unwrap();
        t["groups"][0]["skills"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["skill"].as_str().unwrap().to_string())
            .collect()
    };
    let all = skills(&[]);
    assert!(all.iter().any(|s| s == "entity extraction"), "{all:?}");
    let catalog = skills(&["--catalog-only"]);
    assert!(catalog.iter().any(|s| s == "Python"), "{catalog:?}");
    assert!(
        !catalog.iter().any(|s| s == "entity extraction"),
        "{catalog:?}"
    );
}
