//! `jobtag serve` end to end: a real server on a random loopback port.

mod common;

use serde_json::{json, Value};

use common::server::{http, respond, Server};

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
    assert_eq!(model["format_version"], jobtag::model::FORMAT_VERSION);
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
        metrics
            .contains("jobtag_request_duration_seconds_bucket{route=\"/v1/label\",le=\"+Inf\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("jobtag_model_info{version="), "{metrics}");
    // Skills carry their ESCO and O*NET ids, as in `jobtag label`'s JSONL.
    let (code, label) = s.post(
        "/v1/label",
        r#"{"title":"Data Engineer","description":"Requirements: Python"}"#,
    );
    assert_eq!(code, 200);
    let python = label["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == "python")
        .unwrap();
    assert_eq!(
        python["esco"],
        "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
    );
    assert_eq!(
        (&python["onet"], &python["onet_code"]),
        (&json!("Python"), &json!("43232405"))
    );
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
    // The five most probable classes, most probable first; the first is the label.
    for (kind, alternatives) in [("role", 5), ("seniority", 5)] {
        let list = out[1][format!("{kind}_alternatives")].as_array().unwrap();
        assert_eq!(list.len(), alternatives, "{}", out[1]);
        assert_eq!(list[0]["label"], out[1][kind]);
        assert_eq!(list[0]["probability"], out[1][format!("{kind}_confidence")]);
        let p: Vec<f64> = list
            .iter()
            .map(|c| c["probability"].as_f64().unwrap())
            .collect();
        assert!(p.windows(2).all(|w| w[0] >= w[1]), "{p:?}");
    }
    let (_, plain) = s.post("/v1/label", r#"{"title":"Recruiter"}"#);
    assert!(plain.get("role_alternatives").is_none(), "{plain}");
    assert!(plain.get("role_terms").is_none(), "{plain}");
    let four = json!([{"title": "a"}, {"title": "b"}, {"title": "c"}, {"title": "d"}]).to_string();
    assert_error(s.post("/v1/label", &four), 413, "batch_too_large");
}

#[test]
fn min_confidence_per_request_and_per_server() {
    // A vague posting: its labels are far from certain.
    let body = r#"{"title":"Consultant","description":"Join our team."}"#;
    let s = Server::start(&[]);
    let (_, plain) = s.post("/v1/label", body);
    assert!(plain.get("role_guess").is_none(), "{plain}");
    let (code, all) = s.post("/v1/label?min_confidence=1", body);
    assert_eq!(code, 200);
    assert_eq!(all["role"], "uncertain");
    assert_eq!(all["role_guess"], plain["role"]);
    assert_eq!(all["seniority_guess"], plain["seniority"]);
    let (_, none) = s.post("/v1/label?min_confidence=0", body);
    assert_eq!(none["role"], plain["role"]);
    assert_eq!(none["role_guess"], plain["role"]);
    assert_error(
        s.post("/v1/label?min_confidence=2", body),
        400,
        "invalid_query",
    );
    // ?ids=true adds the role's occupation codes; an uncertain role has none.
    let backend = r#"{"title":"Backend Developer","description":"Java and Spring services"}"#;
    let (_, coded) = s.post("/v1/label?ids=true", backend);
    assert_eq!(coded["role"], "backend-developer");
    assert_eq!(coded["role_isco"], "2512");
    assert!(coded["role_esco"]
        .as_str()
        .is_some_and(|u| u.starts_with("http://data.europa.eu/esco/occupation/")));
    assert!(coded["role_onet"].as_array().is_some_and(|l| !l.is_empty()));
    assert!(s.post("/v1/label", backend).1.get("role_isco").is_none());
    let (_, uncertain) = s.post("/v1/label?ids=true&min_confidence=1", body);
    assert_eq!(uncertain["role"], "uncertain");
    assert!(uncertain.get("role_isco").is_none(), "{uncertain}");
    // The server's default, and a request overriding it.
    let strict = Server::start(&["--min-confidence", "1"]);
    assert_eq!(strict.post("/v1/label", body).1["role"], "uncertain");
    assert_eq!(
        strict.post("/v1/label?min_confidence=0", body).1["role"],
        plain["role"]
    );
}

/// `?catalog_only=true` (or the server's `--catalog-only`, which a request
/// may override) leaves out the learned tagger's `uncatalogued` skills.
#[test]
fn catalog_only_leaves_out_uncatalogued_skills() {
    // The first posting names knowledge the catalog lacks.
    let fixture = std::fs::read_to_string(common::fixture("uncatalogued.jsonl")).unwrap();
    let body = fixture.lines().next().unwrap();
    let names = |labels: &Value| -> Vec<String> {
        labels["skills"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{} ({})", s["name"], s["category"]))
            .collect()
    };
    let uncatalogued = |labels: &Value| {
        names(labels)
            .iter()
            .filter(|n| n.contains("uncatalogued"))
            .count()
    };
    let s = Server::start(&[]);
    let (code, all) = s.post("/v1/label", body);
    assert_eq!(code, 200);
    assert!(uncatalogued(&all) >= 1, "{all}");
    let (code, catalog) = s.post("/v1/label?catalog_only=true", body);
    assert_eq!(code, 200);
    assert_eq!(uncatalogued(&catalog), 0, "{catalog}");
    assert!(
        names(&catalog).iter().any(|n| n.contains("Python")),
        "{catalog}"
    );
    assert_eq!(catalog["role"], all["role"]);
    assert_error(
        s.post("/v1/label?catalog_only=perhaps", body),
        400,
        "invalid_query",
    );
    let fast = Server::start(&["--catalog-only", "--min-confidence", "0.9"]);
    assert_eq!(names(&fast.post("/v1/label", body).1), names(&catalog));
    // The model route says what a request gets when it does not say.
    let defaults = |s: &Server| {
        let info: Value = serde_json::from_str(&s.get("/v1/model").1).unwrap();
        info["defaults"].clone()
    };
    assert_eq!(
        defaults(&s),
        json!({"min_confidence": null, "catalog_only": false})
    );
    assert_eq!(
        defaults(&fast),
        json!({"min_confidence": 0.9, "catalog_only": true})
    );
    assert_eq!(
        names(&fast.post("/v1/label?catalog_only=false", body).1),
        names(&all)
    );
}

#[test]
fn bad_requests_get_json_errors() {
    let s = Server::start(&["--max-body", "2000"]);
    assert_error(s.post("/v1/label", "{not json"), 400, "invalid_json");
    assert_error(
        s.post("/v1/label?explain=maybe", r#"{"title":"ok"}"#),
        400,
        "invalid_query",
    );
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
            http()
                .post(&s.url("/v1/label"))
                .set("Content-Type", "text/plain")
                .send_string("{}"),
        ),
        415,
        "unsupported_media_type",
    );
    assert_error(
        respond(http().get(&s.url("/nope")).call()),
        404,
        "not_found",
    );
    assert_error(
        respond(http().get(&s.url("/v1/label")).call()),
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
                    let r = http().post(&format!("{base}/v1/label")).set("Content-Type", "application/json").send_string(&body.to_string()).unwrap();
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
            http()
                .post(&url)
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

// ---- metrics, parsed as Prometheus text ----

fn scrape(s: &Server) -> prometheus_parse::Scrape {
    let r = http().get(&s.url("/metrics")).call().unwrap();
    assert!(
        r.content_type().starts_with("text/plain"),
        "{}",
        r.content_type()
    );
    let text = r.into_string().unwrap();
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).unwrap()
}

/// The value of a counter or gauge sample with these labels.
fn sample(scrape: &prometheus_parse::Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == metric)
        .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .find_map(|s| match s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => Some(v),
            _ => None,
        })
}

#[test]
fn metrics_parse_as_prometheus_text() {
    let s = Server::start(&[]);
    let body = r#"[{"title":"Backend Developer"},{"title":"Nurse"}]"#;
    assert_eq!(s.post("/v1/label", body).0, 200);
    assert_eq!(s.post("/v1/label", "{oops").0, 400);
    assert_eq!(s.get("/healthz").0, 200);
    let m = scrape(&s);
    for family in [
        "jobtag_requests_total",
        "jobtag_request_duration_seconds",
        "jobtag_postings_labelled_total",
        "jobtag_label_jobs_running",
        "jobtag_model_info",
    ] {
        assert!(
            m.docs.contains_key(family),
            "no HELP for {family}: {:?}",
            m.docs
        );
    }
    let requests = |route, status| {
        sample(
            &m,
            "jobtag_requests_total",
            &[("route", route), ("status", status)],
        )
    };
    assert_eq!(requests("/v1/label", "200"), Some(1.0));
    assert_eq!(requests("/v1/label", "400"), Some(1.0));
    assert_eq!(requests("/healthz", "200"), Some(1.0));
    assert_eq!(sample(&m, "jobtag_postings_labelled_total", &[]), Some(2.0));
    assert_eq!(sample(&m, "jobtag_label_jobs_running", &[]), Some(0.0));
    let info = m
        .samples
        .iter()
        .find(|s| s.metric == "jobtag_model_info")
        .expect("jobtag_model_info");
    assert!(info.labels.get("version").is_some_and(|v| v.contains('@')));
    let latency = m
        .samples
        .iter()
        .find(|s| {
            s.metric == "jobtag_request_duration_seconds"
                && s.labels.get("route") == Some("/v1/label")
        })
        .expect("latency of /v1/label");
    match &latency.value {
        prometheus_parse::Value::Histogram(buckets) => {
            let all = buckets.iter().find(|b| b.less_than.is_infinite()).unwrap();
            assert_eq!(all.count, 2.0);
        }
        other => panic!("not a histogram: {other:?}"),
    }
}

// ---- logs ----

#[test]
fn requests_are_answered_when_nobody_reads_the_logs() {
    // Each answered request logs a line of about 130 bytes to stderr; a pipe
    // holds 64 KiB. With logs written in the request's own task the server
    // stopped answering after about 420 requests (the likely cause of a CI
    // run's hang). Now lines wait in a queue (16 here), then are dropped and
    // counted, and the server still exits cleanly.
    let s = Server::start_not_reading_stderr(&["--log-queue-lines", "16"]);
    for i in 0..1500 {
        let (status, _) = s.post("/v1/label", r#"{"title":"Nurse"}"#);
        assert_eq!(status, 200, "request {i}");
    }
    let (status, metrics) = s.get("/metrics");
    assert_eq!(status, 200);
    let dropped: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("jobtag_log_lines_dropped_total "))
        .expect("the dropped-lines counter")
        .parse()
        .unwrap();
    assert!(dropped > 0.0, "{metrics}");
    let output = s.terminate();
    assert!(output.status.success(), "{:?}", output.status);
}

// ---- request ids ----

#[test]
fn request_ids_are_kept_or_made() {
    let s = Server::start(&[]);
    let r = http()
        .get(&s.url("/healthz"))
        .set("x-request-id", "client-7")
        .call()
        .unwrap();
    assert_eq!(r.header("x-request-id"), Some("client-7"));
    let r = http().get(&s.url("/healthz")).call().unwrap();
    let made = r.header("x-request-id").unwrap();
    assert!(made.parse::<u64>().is_ok(), "{made}");
    // Errors carry one too.
    match http().get(&s.url("/nope")).call() {
        Err(ureq::Error::Status(404, r)) => assert!(r.header("x-request-id").is_some()),
        other => panic!("{other:?}"),
    }
}

// ---- concurrency limit and timeout ----

fn jobs_running(s: &Server) -> f64 {
    sample(&scrape(s), "jobtag_label_jobs_running", &[]).unwrap()
}

/// A request that timed out keeps its labelling slot until its work has
/// stopped: a second request sent after the first one's deadline, while its
/// work still runs, is refused; once the first has answered (with the
/// timeout), a new request is served.
#[test]
fn a_timed_out_request_keeps_its_slot_until_its_work_ends() {
    let s = Server::start(&[
        "--max-concurrent",
        "1",
        "--timeout-ms",
        "200",
        "--max-body",
        "100000000",
    ]);
    // Labelling stops only between postings: two postings so long that the
    // first one alone takes seconds (about 7 s in a debug build; a release
    // build labels about ten times faster, so its text is ten times longer:
    // 37 MB a posting, within --max-body).
    let repeats = if cfg!(debug_assertions) {
        60_000
    } else {
        600_000
    };
    let long = "Spark, Kafka and Airflow pipelines; Python and SQL required. ".repeat(repeats);
    let body = json!([
        {"id": 1, "title": "Data Engineer", "description": long},
        {"id": 2, "title": "Data Engineer", "description": long},
    ])
    .to_string();
    let url = s.url("/v1/label");
    let slow = std::thread::spawn(move || {
        respond(
            http()
                .post(&url)
                .set("Content-Type", "application/json")
                .send_string(&body),
        )
    });
    let mut polls = 0;
    while jobs_running(&s) < 1.0 {
        polls += 1;
        assert!(polls < 600, "the slow job never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Past the first request's deadline: the old service had released its
    // slot by now, with the work still running.
    std::thread::sleep(std::time::Duration::from_millis(600));
    let small = r#"{"title":"Backend Developer"}"#;
    assert_error(s.post("/v1/label", small), 503, "overloaded");
    assert!(
        !slow.is_finished(),
        "the slow request should still be working"
    );
    assert_eq!(jobs_running(&s), 1.0);
    // Health, readiness and metrics still answer while saturated.
    assert_eq!(s.get("/healthz").0, 200);
    assert_eq!(s.get("/readyz").0, 200);
    assert_error(slow.join().unwrap(), 503, "timeout");
    assert_eq!(jobs_running(&s), 0.0);
    let (code, labelled) = s.post("/v1/label", small);
    assert_eq!(code, 200, "{labelled}");
    assert_eq!(labelled["role"], "backend-developer");
    let m = scrape(&s);
    assert_eq!(
        sample(
            &m,
            "jobtag_requests_total",
            &[("route", "/v1/label"), ("status", "503")]
        ),
        Some(2.0)
    );
}

// ---- logs ----

#[test]
fn logs_to_a_pipe_have_no_colour() {
    let s = Server::start(&[]);
    assert_eq!(s.post("/v1/label", r#"{"title":"Nurse"}"#).0, 200);
    let output = s.terminate();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("answered"), "{log}");
    assert!(log.contains("/v1/label"), "{log}");
    assert!(!log.contains("\x1b["), "ANSI codes in a piped log: {log:?}");
}

#[test]
fn json_logs_are_one_object_per_line() {
    let s = Server::start(&["--log-format", "json"]);
    let r = http()
        .post(&s.url("/v1/label"))
        .set("Content-Type", "application/json")
        .set("x-request-id", "req-json-1")
        .send_string(r#"{"title":"Nurse","description":"Secret posting text"}"#)
        .unwrap();
    assert_eq!(r.status(), 200);
    let output = s.terminate();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(!log.contains("\x1b["), "{log:?}");
    assert!(!log.contains("Secret posting text"), "{log}");
    let lines: Vec<Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(lines.len() >= 3, "{log}");
    let answered = lines
        .iter()
        .find(|l| l["fields"]["message"] == "answered")
        .unwrap_or_else(|| panic!("no 'answered' line: {log}"));
    let span = &answered["span"];
    assert_eq!(span["request_id"], "req-json-1", "{answered}");
    assert_eq!(span["route"], "/v1/label", "{answered}");
    assert_eq!(span["method"], "POST", "{answered}");
    assert_eq!(span["status"], 200, "{answered}");
}

// ---- the OpenAPI document, generated from code, against the real service ----

fn openapi(s: &Server) -> Value {
    let (code, body) = s.get("/openapi.json");
    assert_eq!(code, 200);
    serde_json::from_str(&body).unwrap()
}

/// A validator for `schema`, whose `$ref`s point into the document's
/// components.
fn validator(spec: &Value, schema: &Value) -> jsonschema::Validator {
    let mut root = schema.clone();
    root.as_object_mut()
        .unwrap()
        .insert("components".into(), spec["components"].clone());
    jsonschema::validator_for(&root).unwrap()
}

fn response_schema<'a>(spec: &'a Value, path: &str, method: &str, status: u16) -> &'a Value {
    let schema = &spec["paths"][path][method]["responses"][status.to_string()]["content"]
        ["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path}: status {status} is not documented as JSON"
    );
    schema
}

fn assert_valid(spec: &Value, schema: &Value, value: &Value, what: &str) {
    let v = validator(spec, schema);
    let errors: Vec<String> = v.iter_errors(value).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{what}: {errors:?}\n{value}");
}

#[test]
fn the_openapi_document_lists_every_route() {
    let s = Server::start(&[]);
    let spec = openapi(&s);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let mut routes: Vec<String> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| format!("{m} {path}"))
        })
        .collect();
    routes.sort();
    assert_eq!(
        routes,
        [
            "get /",
            "get /favicon.svg",
            "get /healthz",
            "get /metrics",
            "get /openapi.json",
            "get /page.css",
            "get /page.js",
            "get /readyz",
            "get /v1/model",
            "post /v1/label",
        ]
    );
    let label = &spec["paths"]["/v1/label"]["post"];
    for status in ["200", "400", "413", "415", "422", "503"] {
        assert!(
            label["responses"][status].is_object(),
            "{status} undocumented"
        );
    }
    assert_eq!(label["parameters"][0]["name"], "explain");
    assert!(
        spec["paths"]["/metrics"]["get"]["responses"]["200"]["content"]["text/plain"].is_object()
    );
    assert!(spec["paths"]["/"]["get"]["responses"]["200"]["content"]["text/html"].is_object());
}

#[test]
fn real_responses_validate_against_the_openapi_document() {
    let s = Server::start(&["--max-body", "5000"]);
    let spec = openapi(&s);
    for path in ["/healthz", "/readyz", "/v1/model", "/openapi.json"] {
        let (code, body) = s.get(path);
        assert_eq!(code, 200);
        let value: Value = serde_json::from_str(&body).unwrap();
        assert_valid(
            &spec,
            response_schema(&spec, path, "get", 200),
            &value,
            path,
        );
    }
    let request_schema =
        &spec["paths"]["/v1/label"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    let ok = response_schema(&spec, "/v1/label", "post", 200);
    let one = json!({"id": 42, "title": "Senior Data Engineer", "company": "Acme",
        "description": "<p>Spark and Airflow pipelines, 6+ years of experience. Nice to have: Kubernetes.</p>"});
    for (query, body) in [
        ("", one.clone()),
        ("?explain=true", one.clone()),
        ("?explain=true", json!([one.clone(), {"title": "Nurse"}])),
    ] {
        assert_valid(&spec, request_schema, &body, "request");
        let (status, value) = s.post(&format!("/v1/label{query}"), &body.to_string());
        assert_eq!(status, 200, "{value}");
        assert_valid(&spec, ok, &value, &format!("/v1/label{query}"));
    }
    let big = json!({"title": "x", "description": "y".repeat(6000)}).to_string();
    for (body, status) in [
        ("{oops", 400),
        (r#"{"title": 5}"#, 400),
        (r#"{"title": ""}"#, 422),
        (big.as_str(), 413),
    ] {
        let (code, value) = s.post("/v1/label", body);
        assert_eq!(code, status, "{value}");
        assert_valid(
            &spec,
            response_schema(&spec, "/v1/label", "post", code),
            &value,
            &format!("{status}"),
        );
    }
}

#[test]
fn the_generated_schemas_reject_wrong_shapes() {
    let s = Server::start(&[]);
    let spec = openapi(&s);
    let schema = json!({"$ref": "#/components/schemas/SkillTag"});
    let span = json!({"field": "description", "start": 0, "end": 4, "requirement": "required"});
    let good = json!({"id": "x", "name": "X", "category": "tool", "requirement": "required", "years": null, "spans": [span]});
    assert!(validator(&spec, &schema).is_valid(&good));
    let with_ids = json!({"id": "python", "name": "Python", "category": "programming-language",
        "requirement": "required", "years": null, "spans": [span],
        "esco": "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d",
        "onet": "Python", "onet_code": "43232405"});
    assert!(validator(&spec, &schema).is_valid(&with_ids));
    let linked = json!({"id": "u:statistical-software", "name": "statistical software",
        "category": "uncatalogued", "requirement": "required", "years": null, "spans": [span],
        "esco": "http://data.europa.eu/esco/skill/bb165899-d95f-4433-95f2-173fefd716d2",
        "esco_similarity": 0.8261});
    assert!(validator(&spec, &schema).is_valid(&linked));
    let mut too_similar = linked.clone();
    too_similar["esco_similarity"] = json!(1.5);
    assert!(!validator(&spec, &schema).is_valid(&too_similar));
    let props = &spec["components"]["schemas"]["SkillTag"]["properties"];
    for id in ["esco", "onet", "onet_code"] {
        assert_eq!(props[id]["type"], "string", "{id}: {}", props[id]);
    }
    let null_id = json!({"id": "x", "name": "X", "category": "tool", "requirement": "required", "years": null, "spans": [], "esco": null});
    assert!(!validator(&spec, &schema).is_valid(&null_id));
    let bad = json!({"id": "x", "name": "X", "category": "tool", "requirement": "maybe", "years": null, "spans": []});
    assert!(!validator(&spec, &schema).is_valid(&bad));
    assert!(!validator(&spec, &schema).is_valid(&json!({"id": "x"})));
    let labelled = json!({"$ref": "#/components/schemas/LabelledPosting"});
    assert!(!validator(&spec, &labelled).is_valid(&json!({"title": "no labels"})));
    let error = json!({"$ref": "#/components/schemas/ErrorBody"});
    assert!(!validator(&spec, &error).is_valid(&json!({"error": "flat"})));
}
