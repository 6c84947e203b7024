//! `jobtag serve` end to end: a real server on a random loopback port.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("jobtag"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line.trim().rsplit(' ').next().unwrap().to_string();
        assert!(base.starts_with("http://127.0.0.1:"), "{line}");
        Server { child, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    fn post(&self, path: &str, body: &str) -> (u16, Value) {
        respond(
            ureq::post(&self.url(path))
                .set("Content-Type", "application/json")
                .send_string(body),
        )
    }

    fn get(&self, path: &str) -> (u16, String) {
        match ureq::get(&self.url(path)).call() {
            Ok(r) => (r.status(), r.into_string().unwrap()),
            Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
            Err(e) => panic!("{e}"),
        }
    }

    fn terminate(mut self) -> std::process::Output {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        let mut stderr = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            use std::io::Read;
            e.read_to_string(&mut stderr).unwrap();
        }
        std::process::Output {
            status,
            stdout: Vec::new(),
            stderr: stderr.into_bytes(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn respond(r: Result<ureq::Response, ureq::Error>) -> (u16, Value) {
    match r {
        Ok(r) => (r.status(), r.into_json().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_json().unwrap()),
        Err(e) => panic!("{e}"),
    }
}

fn assert_error(resp: (u16, Value), status: u16, code: &str) {
    assert_eq!(resp.0, status, "{}", resp.1);
    assert_eq!(resp.1["error"]["code"], code, "{}", resp.1);
    assert!(resp.1["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
}

#[test]
fn every_route_answers() {
    let s = Server::start(&[]);
    assert_eq!(s.get("/healthz"), (200, "{\"status\":\"ok\"}".to_string()));
    assert_eq!(s.get("/readyz").0, 200);
    let (code, body) = s.get("/v1/model");
    assert_eq!(code, 200);
    let model: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(model["format_version"], 1);
    assert_eq!(model["roles"].as_array().unwrap().len(), 21);
    let (code, label) = s.post("/v1/label", r#"{"id":"a","title":"Senior Data Engineer","description":"Spark and Airflow, 6+ years of experience"}"#);
    assert_eq!(code, 200);
    assert_eq!(label["id"], "a");
    assert_eq!(label["role"], "data-engineer");
    assert_eq!(label["seniority"], "senior");
    assert!(label["skills"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["name"] == "Apache Airflow"));
    let (code, metrics) = s.get("/metrics");
    assert_eq!(code, 200);
    assert!(
        metrics.contains("jobtag_requests_total{route=\"/v1/label\",status=\"200\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("jobtag_postings_labelled_total 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("jobtag_request_duration_seconds_bucket{le=\"+Inf\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("jobtag_model_info{version="), "{metrics}");
}

#[test]
fn batches_and_explanations() {
    let s = Server::start(&["--max-batch", "3"]);
    let (code, out) = s.post("/v1/label?explain=true", r#"[{"title":"iOS Developer"},{"title":"Recruiter","description":"Hiring for tech teams"}]"#);
    assert_eq!(code, 200);
    let out = out.as_array().unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0]["role"], "mobile-developer");
    assert!(out[0]["role_terms"]
        .as_array()
        .is_some_and(|t| !t.is_empty()));
    let four = json!([{"title": "a"}, {"title": "b"}, {"title": "c"}, {"title": "d"}]).to_string();
    assert_error(s.post("/v1/label", &four), 413, "batch_too_large");
}

#[test]
fn bad_requests_get_json_errors() {
    let s = Server::start(&["--max-body", "2000"]);
    assert_error(s.post("/v1/label", "{not json"), 400, "invalid_json");
    assert_error(s.post("/v1/label", r#"{"title": 5}"#), 400, "invalid_type");
    assert_error(
        s.post("/v1/label", r#"[{"title":"ok"}, 7]"#),
        400,
        "invalid_type",
    );
    assert_error(
        s.post("/v1/label", r#"{"title": "", "description": null}"#),
        422,
        "empty_posting",
    );
    let big = json!({"title": "x", "description": "y".repeat(5000)}).to_string();
    assert_error(s.post("/v1/label", &big), 413, "body_too_large");
    assert_error(
        respond(
            ureq::post(&s.url("/v1/label"))
                .set("Content-Type", "text/plain")
                .send_string("{}"),
        ),
        415,
        "unsupported_media_type",
    );
    assert_error(respond(ureq::get(&s.url("/nope")).call()), 404, "not_found");
    assert_error(
        respond(ureq::get(&s.url("/v1/label")).call()),
        405,
        "method_not_allowed",
    );
    // The server is still healthy afterwards.
    assert_eq!(s.get("/healthz").0, 200);
}

#[test]
fn same_labels_as_the_cli() {
    let s = Server::start(&[]);
    let fixture = std::fs::read_to_string(common::fixture("postings.jsonl")).unwrap();
    let cli = assert_cmd::Command::cargo_bin("jobtag")
        .unwrap()
        .arg("label")
        .arg(common::fixture("postings.jsonl"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let cli_rows: Vec<Value> = String::from_utf8(cli)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let inputs: Vec<Value> = fixture
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for (input, expected) in inputs.iter().zip(&cli_rows) {
        let (code, got) = s.post("/v1/label", &input.to_string());
        assert_eq!(code, 200);
        assert_eq!(&got, expected);
    }
    let (_, batch) = s.post("/v1/label", &Value::Array(inputs).to_string());
    assert_eq!(batch.as_array().unwrap(), &cli_rows);
}

#[test]
fn concurrent_clients() {
    let s = Server::start(&[]);
    let base = s.base.clone();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let base = base.clone();
            std::thread::spawn(move || {
                for i in 0..20 {
                    let body = json!({"id": format!("{t}-{i}"), "title": "Backend Developer", "description": "Java, Spring and PostgreSQL"});
                    let r = ureq::post(&format!("{base}/v1/label")).set("Content-Type", "application/json").send_string(&body.to_string()).unwrap();
                    let v: Value = r.into_json().unwrap();
                    assert_eq!(v["id"], format!("{t}-{i}"));
                    assert_eq!(v["role"], "backend-developer");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let (_, metrics) = s.get("/metrics");
    assert!(
        metrics.contains("jobtag_postings_labelled_total 160"),
        "{metrics}"
    );
}

#[test]
fn sigterm_drains_requests_in_flight() {
    let s = Server::start(&[]);
    let url = s.url("/v1/label");
    // A slow request: 100 long postings.
    let postings: Vec<Value> = (0..100)
        .map(|i| json!({"id": i, "title": "Data Engineer", "description": "Spark, Kafka and Airflow pipelines. ".repeat(250)}))
        .collect();
    let body = Value::Array(postings).to_string();
    let slow = std::thread::spawn(move || {
        respond(
            ureq::post(&url)
                .set("Content-Type", "application/json")
                .send_string(&body),
        )
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let output = s.terminate();
    let (code, labelled) = slow.join().unwrap();
    assert_eq!(code, 200, "{labelled}");
    assert_eq!(labelled.as_array().unwrap().len(), 100);
    assert!(output.status.success(), "{:?}", output.status);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("shutting down"), "{log}");
    assert!(
        !log.contains("Spark, Kafka"),
        "posting text must not be logged"
    );
}

// ---- docs/openapi.yaml against the real service ----

fn load_spec() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.yaml")).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let path = r.trim_start_matches("#/");
            let target = path.split('/').fold(spec, |v, k| &v[k]);
            resolve(spec, target)
        }
        None => schema,
    }
}

/// A small validator for the subset of JSON Schema the spec uses.
fn check(spec: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(spec, schema);
    if value.is_null() {
        return if schema["nullable"] == true
            || schema.get("type").is_none() && schema.get("oneOf").is_none()
        {
            Ok(())
        } else {
            Err(format!("{at}: null is not allowed"))
        };
    }
    if let Some(options) = schema["oneOf"].as_array() {
        return if options.iter().any(|o| check(spec, o, value, at).is_ok()) {
            Ok(())
        } else {
            Err(format!("{at}: matches no oneOf option"))
        };
    }
    if let Some(all) = schema["allOf"].as_array() {
        for s in all {
            check(spec, s, value, at)?;
        }
    }
    match schema["type"].as_str() {
        Some("object") => {
            let obj = value
                .as_object()
                .ok_or(format!("{at}: expected an object"))?;
            for r in schema["required"].as_array().into_iter().flatten() {
                let key = r.as_str().unwrap();
                if !obj.contains_key(key) {
                    return Err(format!("{at}: missing required {key}"));
                }
            }
            if let Some(props) = schema["properties"].as_object() {
                for (k, s) in props {
                    if let Some(v) = obj.get(k) {
                        check(spec, s, v, &format!("{at}.{k}"))?;
                    }
                }
            }
        }
        Some("array") => {
            let items = value.as_array().ok_or(format!("{at}: expected an array"))?;
            for (i, v) in items.iter().enumerate() {
                check(spec, &schema["items"], v, &format!("{at}[{i}]"))?;
            }
        }
        Some("string") => {
            let s = value.as_str().ok_or(format!("{at}: expected a string"))?;
            if let Some(e) = schema["enum"].as_array() {
                if !e.iter().any(|x| x == s) {
                    return Err(format!("{at}: {s:?} is not in the enum"));
                }
            }
        }
        Some("integer") => {
            value.as_i64().ok_or(format!("{at}: expected an integer"))?;
        }
        Some("number") => {
            let n = value.as_f64().ok_or(format!("{at}: expected a number"))?;
            if schema["minimum"].as_f64().is_some_and(|m| n < m)
                || schema["maximum"].as_f64().is_some_and(|m| n > m)
            {
                return Err(format!("{at}: {n} out of range"));
            }
        }
        Some("boolean") => {
            value.as_bool().ok_or(format!("{at}: expected a boolean"))?;
        }
        _ => {}
    }
    Ok(())
}

fn response_schema<'a>(
    spec: &'a Value,
    path: &str,
    method: &str,
    status: u16,
    mime: &str,
) -> &'a Value {
    let responses = &spec["paths"][path][method]["responses"];
    let response = resolve(spec, &responses[status.to_string()]);
    assert!(
        !response.is_null(),
        "{method} {path}: status {status} is not documented"
    );
    &response["content"][mime]["schema"]
}

#[test]
fn the_openapi_document_matches_the_service() {
    let spec = load_spec();
    let s = Server::start(&[]);
    let paths = spec["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 5);
    for (path, methods) in paths {
        for (method, op) in methods.as_object().unwrap() {
            match method.as_str() {
                "get" => {
                    let r = ureq::get(&s.url(path)).call().unwrap();
                    let status = r.status();
                    let mime = r.content_type().to_string();
                    let body = r.into_string().unwrap();
                    if mime == "application/json" {
                        let schema =
                            response_schema(&spec, path, "get", status, "application/json");
                        let value: Value = serde_json::from_str(&body).unwrap();
                        check(&spec, schema, &value, path).unwrap();
                    } else {
                        assert_eq!(mime, "text/plain", "{path}");
                        assert!(
                            !response_schema(&spec, path, "get", status, "text/plain").is_null()
                        );
                    }
                }
                "post" => {
                    let example = &op["requestBody"]["content"]["application/json"]["example"];
                    for (query, body) in [
                        ("", example.clone()),
                        (
                            "?explain=true",
                            Value::Array(vec![example.clone(), example.clone()]),
                        ),
                    ] {
                        let (status, value) = s.post(&format!("{path}{query}"), &body.to_string());
                        assert_eq!(status, 200);
                        check(
                            &spec,
                            response_schema(&spec, path, "post", status, "application/json"),
                            &value,
                            path,
                        )
                        .unwrap();
                    }
                    for (body, status) in [("{oops", 400), (r#"{"title": ""}"#, 422)] {
                        let (code, value) = s.post(path, body);
                        assert_eq!(code, status);
                        check(
                            &spec,
                            response_schema(&spec, path, "post", code, "application/json"),
                            &value,
                            path,
                        )
                        .unwrap();
                    }
                }
                other => panic!("undocumented method {other}"),
            }
        }
    }
}

#[test]
fn the_validator_rejects_wrong_shapes() {
    let spec = load_spec();
    let schema = json!({"$ref": "#/components/schemas/SkillTag"});
    let good = json!({"id": "x", "name": "X", "category": "tool", "requirement": "required", "years": null, "spans": []});
    assert!(check(&spec, &schema, &good, "$").is_ok());
    let bad = json!({"id": "x", "name": "X", "category": "tool", "requirement": "maybe", "years": null, "spans": []});
    assert!(check(&spec, &schema, &bad, "$").is_err());
    let missing = json!({"id": "x"});
    assert!(check(&spec, &schema, &missing, "$").is_err());
}
