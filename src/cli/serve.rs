//! `jobtag serve`: an HTTP service for job boards (axum + tokio).
//!
//! The model is loaded once and shared. Labelling is CPU work, so it runs on
//! the blocking pool, never on the async executor. Every error is JSON of one
//! shape, `{"error": {"code", "message"}}`, with the status that fits; no input
//! can panic the server. SIGTERM and Ctrl-C stop accepting connections and let
//! requests in flight finish. Only this module knows HTTP.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use axum::body::to_bytes;
use axum::extract::{MatchedPath, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use clap::Args;
use jobtag::io::add_json_labels;
use jobtag::{LabelOptions, Labeller, Posting};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use tokio::sync::Semaphore;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    labeller: super::args::LabellerArgs,
    /// Largest request body, in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    max_body: usize,
    /// Most postings in one request.
    #[arg(long, default_value_t = 100)]
    max_batch: usize,
    /// Labelling requests handled at once; more get 503 at once.
    #[arg(long, default_value_t = 256)]
    max_concurrent: usize,
    /// Per-request time limit, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    timeout_ms: u64,
}

/// Shared state of the service.
struct AppState {
    model: Labeller,
    model_json: Value,
    max_body: usize,
    max_batch: usize,
    timeout: Duration,
    permits: Semaphore,
    metrics: Metrics,
}

/// Prometheus counters and the latency histogram.
#[derive(Default)]
struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    latency_sum_us: AtomicU64,
    latency_count: AtomicU64,
    postings: AtomicU64,
    next_request_id: AtomicU64,
}

/// Latency histogram bucket bounds, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

impl Metrics {
    fn record(&self, route: &str, status: u16, elapsed: Duration) {
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((route.to_string(), status)).or_insert(0) += 1;
        }
        let secs = elapsed.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if secs <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_sum_us
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
        self.latency_count.fetch_add(1, Ordering::Relaxed);
    }

    fn render(&self, model_version: &str) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# HELP jobtag_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(s, "# TYPE jobtag_requests_total counter");
        if let Ok(r) = self.requests.lock() {
            for ((route, status), n) in r.iter() {
                let _ = writeln!(
                    s,
                    "jobtag_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        let _ = writeln!(s, "# HELP jobtag_request_duration_seconds Request latency.");
        let _ = writeln!(s, "# TYPE jobtag_request_duration_seconds histogram");
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                s,
                "jobtag_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(
            s,
            "jobtag_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            s,
            "jobtag_request_duration_seconds_sum {}",
            self.latency_sum_us.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(s, "jobtag_request_duration_seconds_count {count}");
        let _ = writeln!(
            s,
            "# HELP jobtag_postings_labelled_total Postings labelled."
        );
        let _ = writeln!(s, "# TYPE jobtag_postings_labelled_total counter");
        let _ = writeln!(
            s,
            "jobtag_postings_labelled_total {}",
            self.postings.load(Ordering::Relaxed)
        );
        let _ = writeln!(s, "# HELP jobtag_model_info The model being served.");
        let _ = writeln!(s, "# TYPE jobtag_model_info gauge");
        let _ = writeln!(s, "jobtag_model_info{{version=\"{model_version}\"}} 1");
        s
    }
}

/// An error response: `{"error": {"code", "message"}}`.
struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({"error": {"code": self.code, "message": self.message}})),
        )
            .into_response()
    }
}

#[derive(Debug, Deserialize)]
struct LabelQuery {
    #[serde(default)]
    explain: bool,
}

/// Routes, error fallbacks and the observing middleware.
fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/label", post(label))
        .route("/v1/model", get(model_info))
        .route("/healthz", get(|| async { Json(json!({"status": "ok"})) }))
        .route(
            "/readyz",
            get(|| async { Json(json!({"status": "ready"})) }),
        )
        .route("/metrics", get(metrics))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "method not allowed on this route",
            )
        })
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Request id, structured log line (no posting text), metrics.
async fn observe(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let id = state
        .metrics
        .next_request_id
        .fetch_add(1, Ordering::Relaxed)
        + 1;
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = request.method().clone();
    let mut response = next.run(request).await;
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    state.metrics.record(&route, status, elapsed);
    if let Ok(v) = HeaderValue::from_str(&id.to_string()) {
        response.headers_mut().insert("x-request-id", v);
    }
    tracing::info!(request_id = id, %method, route, status, latency_us = elapsed.as_micros() as u64, "request");
    response
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let version = state.model_json["trained_on"]
        .as_str()
        .unwrap_or("unknown")
        .to_string();
    let body = state.metrics.render(&format!(
        "{}@{}",
        state.model_json["name"].as_str().unwrap_or("model"),
        version
    ));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

async fn model_info(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(state.model_json.clone())
}

/// Turn one JSON value into a posting, or say which field is wrong.
fn posting_of(
    value: &Value,
    index: Option<usize>,
) -> Result<(Map<String, Value>, Posting), ApiError> {
    let at = |field: &str| match index {
        Some(i) => format!("[{i}].{field}"),
        None => field.to_string(),
    };
    let Value::Object(obj) = value else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_type",
            format!("{}: expected a posting object", at("$")),
        ));
    };
    let text = |field: &str| -> Result<String, ApiError> {
        match obj.get(field) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Number(n)) if field == "id" => Ok(n.to_string()),
            Some(_) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_type",
                format!("{}: expected a string", at(field)),
            )),
        }
    };
    let posting = Posting {
        id: Some(text("id")?).filter(|s| !s.is_empty()),
        title: text("title")?,
        description: text("description")?,
    };
    if posting.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_posting",
            format!("{}: a posting needs a title or a description", at("$")),
        ));
    }
    Ok((obj.clone(), posting))
}

async fn label(
    State(state): State<Arc<AppState>>,
    Query(query): Query<LabelQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let json_content = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if !json_content {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send Content-Type: application/json",
        ));
    }
    let Ok(_permit) = state.permits.try_acquire() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "too many requests in flight; retry later",
        ));
    };
    let bytes = to_bytes(request.into_body(), state.max_body)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!("the body is over {} bytes", state.max_body),
            )
        })?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("invalid JSON: {e}"),
        )
    })?;
    let (items, batch) = match &value {
        Value::Array(list) => {
            if list.len() > state.max_batch {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "batch_too_large",
                    format!(
                        "{} postings; at most {} per request",
                        list.len(),
                        state.max_batch
                    ),
                ));
            }
            let items = list
                .iter()
                .enumerate()
                .map(|(i, v)| posting_of(v, Some(i)))
                .collect::<Result<Vec<_>, _>>()?;
            (items, true)
        }
        other => (vec![posting_of(other, None)?], false),
    };
    let explain = query.explain;
    let worker = state.clone();
    let job = tokio::task::spawn_blocking(move || {
        items
            .into_iter()
            .map(|(mut obj, posting)| {
                let labels = worker
                    .model
                    .label_with(&posting, &LabelOptions::default().with_explain(explain));
                add_json_labels(&mut obj, &labels, explain);
                Value::Object(obj)
            })
            .collect::<Vec<Value>>()
    });
    let labelled = match tokio::time::timeout(state.timeout, job).await {
        Ok(Ok(v)) => v,
        Ok(Err(_)) => {
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "labelling failed",
            ))
        }
        Err(_) => {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "the request took too long",
            ))
        }
    };
    state
        .metrics
        .postings
        .fetch_add(labelled.len() as u64, Ordering::Relaxed);
    let body = if batch {
        Value::Array(labelled)
    } else {
        labelled.into_iter().next().unwrap_or(Value::Null)
    };
    Ok(Json(body).into_response())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: draining requests in flight");
}

pub fn run(args: ServeArgs) -> Result<()> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let model = args.labeller.build()?;
    let state = Arc::new(AppState {
        model_json: super::info::model_json(model.model()),
        model,
        max_body: args.max_body,
        max_batch: args.max_batch.max(1),
        timeout: Duration::from_millis(args.timeout_ms.max(1)),
        permits: Semaphore::new(args.max_concurrent.max(1)),
        metrics: Metrics::default(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("binding {}", args.addr))?;
        let local = listener.local_addr()?;
        // The first stdout line says where the service listens (tests and
        // scripts read it when --addr has port 0).
        println!("jobtag serve listening on http://{local}");
        tracing::info!(%local, "listening");
        axum::serve(listener, router(state))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("serving")?;
        tracing::info!("stopped");
        Ok(())
    })
}
