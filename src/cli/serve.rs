//! `jobtag serve`: an HTTP service for job boards (axum + tower).
//!
//! The model is loaded once and shared. Labelling is CPU work, so it runs on
//! the blocking pool, never on the async executor. Every error is JSON of one
//! shape, `{"error": {"code", "message"}}`, with the status that fits; no input
//! can panic the server. SIGTERM and Ctrl-C stop accepting connections and let
//! requests in flight finish. Only this module knows HTTP.
//!
//! # Layers
//!
//! Every route, outermost first: `SetRequestId` (`x-request-id`: the
//! client's, or a counter), `Trace` (a span per request with the id, method,
//! matched route, then status and latency; never a posting's text),
//! `PropagateRequestId`, the metrics recorder, axum's `DefaultBodyLimit`
//! (`--max-body`; over it is a JSON 413). `POST /v1/label` alone adds, outermost
//! first: `HandleError` (tower's `Overloaded` becomes a JSON 503 `overloaded`),
//! `LoadShed`, `ConcurrencyLimit` (`--max-concurrent`) and tower-http's
//! `RequestBodyTimeout` (a client that stops sending its body is cut off).
//! Health, readiness, metrics, the OpenAPI document and the review page
//! (`GET /`, see [`page`]) are outside the limit, so they answer when the
//! service is saturated.
//!
//! # A request's labelling never escapes the concurrency limit
//!
//! The old service wrapped the blocking job in `tokio::time::timeout`: at the
//! deadline the handler answered 503 and released its permit while the job
//! ran on, so `--max-concurrent` no longer capped CPU. Now:
//!
//! - the job gets the request's deadline (`--timeout-ms` from the moment the
//!   handler has the request's body) and a cancel flag, and checks both before each
//!   posting of a batch: it stops at the first posting boundary past either;
//! - the handler waits for the job until the deadline, then sets the flag and
//!   **keeps waiting until the job has returned**, and only then answers the
//!   JSON 503 `timeout`. The `ConcurrencyLimit` permit belongs to the
//!   handler's future, so it is held for as long as labelling runs;
//! - if the handler's future is dropped (the client went away), a drop guard
//!   sets the flag, so the job stops after the posting it is working on (the
//!   permit goes with the future: this is the only overrun, one posting,
//!   itself capped by `--max-body`).
//!
//! tower's `TimeoutLayer` is deliberately not put around the handler: it
//! would drop the handler at the deadline, and the permit with it, while the
//! job runs on, which is the bug above.

mod api;
mod metrics;
mod page;

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use axum::body::Bytes;
use axum::error_handling::HandleErrorLayer;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, MatchedPath, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{BoxError, Json, Router};
use clap::{Args, ValueEnum};
use jobtag::io::{add_json_labels, postings_from_body, FieldErrorKind};
use jobtag::{LabelOptions, Labeller, Posting};
use serde_json::{Map, Value};
use tower::ServiceBuilder;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;
use utoipa::OpenApi;

use api::{ApiError, LabelQuery, Status};
use metrics::Metrics;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    labeller: super::args::LabellerArgs,
    /// The default of `?min_confidence=` (a request's own value wins).
    #[command(flatten)]
    confidence: super::args::MinConfidenceArgs,
    /// Largest request body, in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    max_body: usize,
    /// Most postings in one request.
    #[arg(long, default_value_t = 100)]
    max_batch: usize,
    /// Labelling requests handled at once; more get 503 at once.
    #[arg(long, default_value_t = 256)]
    max_concurrent: usize,
    /// Time limit of a labelling request, in milliseconds: a batch stops
    /// between two postings once over it, and the request gets 503 `timeout`.
    #[arg(long, default_value_t = 10_000)]
    timeout_ms: u64,
    /// Log format on stderr: `text` (coloured only on a terminal) or `json`
    /// (one object per line, for log shippers).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Log lines that may wait for a slow stderr before lines are dropped
    /// (and counted in `jobtag_log_lines_dropped_total`); requests never
    /// wait for their log lines.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    log_queue_lines: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// Shared state of the service.
struct AppState {
    model: Labeller,
    model_json: Value,
    openapi_json: String,
    max_batch: usize,
    timeout: Duration,
    metrics: Metrics,
    /// `--min-confidence`: the default of `?min_confidence=`.
    min_confidence: Option<f32>,
    /// `--catalog-only`: the default of `?catalog_only=`.
    catalog_only: bool,
}

/// Routes, error fallbacks and the layers described in the module docs.
fn router(state: Arc<AppState>, max_body: usize, max_concurrent: usize) -> Router {
    let label_limits = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(limit_error))
        .load_shed()
        .concurrency_limit(max_concurrent)
        .layer(RequestBodyTimeoutLayer::new(state.timeout));
    let trace = TraceLayer::new_for_http()
        .make_span_with(request_span)
        .on_request(())
        .on_response(|response: &Response, latency: Duration, span: &Span| {
            span.record("status", response.status().as_u16());
            span.record("latency_ms", latency.as_secs_f64() * 1e3);
            tracing::info!("answered");
        })
        .on_failure(());
    Router::new()
        .route("/v1/label", post(label).layer(label_limits))
        .route("/v1/model", get(model_info))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi_json))
        .route("/", get(page::index))
        .route("/page.css", get(page::stylesheet))
        .route("/page.js", get(page::script))
        .route("/favicon.svg", get(page::icon))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "method not allowed on this route",
            )
        })
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(RequestCounter::default()))
                .layer(trace)
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(middleware::from_fn_with_state(state.clone(), record))
                .layer(DefaultBodyLimit::max(max_body)),
        )
        .with_state(state)
}

/// Request ids for requests that come without one: 1, 2, 3, ...
#[derive(Clone, Default)]
struct RequestCounter(Arc<AtomicU64>);

impl MakeRequestId for RequestCounter {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let id = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        Some(RequestId::new(HeaderValue::from(id)))
    }
}

/// The span of one request: id, method and route now, status and latency
/// when answered. The URI and the body are not logged.
fn request_span(request: &Request) -> Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        route = route_of(request),
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

fn route_of(request: &Request) -> &str {
    request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
}

/// Requests by route and status, latency by route.
async fn record(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = route_of(&request).to_string();
    let response = next.run(request).await;
    state
        .metrics
        .record(&route, response.status().as_u16(), start.elapsed());
    response
}

/// `LoadShed` says `Overloaded` when every labelling slot is taken.
async fn limit_error(error: BoxError) -> ApiError {
    if error.is::<tower::load_shed::error::Overloaded>() {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "too many requests in flight; retry later",
        )
    } else {
        tracing::error!(%error, "labelling route failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the request failed",
        )
    }
}

/// Liveness: the process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "The process is up.", body = Status)))]
async fn healthz() -> Json<Status> {
    Json(Status { status: "ok" })
}

/// Readiness: the model is loaded (it is before the service listens).
#[utoipa::path(get, path = "/readyz", tag = "operations", responses((status = 200, description = "Ready to label.", body = Status)))]
async fn readyz() -> Json<Status> {
    Json(Status { status: "ready" })
}

/// Prometheus metrics (text format 0.0.4).
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200,
    description = "jobtag_requests_total{route,status}, jobtag_request_duration_seconds{route} \
                   (histogram), jobtag_postings_labelled_total, jobtag_label_jobs_running, \
                   jobtag_log_lines_dropped_total, jobtag_model_info{version}.",
    body = String, content_type = "text/plain")))]
async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, metrics::CONTENT_TYPE)],
        state.metrics.render(),
    )
        .into_response()
}

/// Metadata of the model being served.
#[utoipa::path(get, path = "/v1/model", tag = "labelling", responses((status = 200,
    description = "Format version, labels, training data and metrics, and the server's defaults \
                   of the label query.", body = api::schema::ModelInfo)))]
async fn model_info(State(state): State<Arc<AppState>>) -> Json<Value> {
    let mut info = state.model_json.clone();
    if let Value::Object(fields) = &mut info {
        fields.insert(
            "defaults".into(),
            serde_json::json!({
                // As given (0.9, not the f32's 0.8999999761581421).
                "min_confidence": state.min_confidence.map(|p| p.to_string().parse::<f64>().unwrap_or(f64::from(p))),
                "catalog_only": state.catalog_only,
            }),
        );
    }
    Json(info)
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations", responses((status = 200,
    description = "The OpenAPI document of the service.", body = Object)))]
async fn openapi_json(State(state): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.openapi_json.clone(),
    )
        .into_response()
}

/// Sets the job's cancel flag when dropped: when the handler's future is
/// dropped, or when the handler gives up at the deadline.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Label one posting, or an array of postings (up to `--max-batch`).
///
/// Returns exactly what `jobtag label --format jsonl` writes for the same
/// input: the posting's own fields plus the label fields.
#[utoipa::path(post, path = "/v1/label", tag = "labelling", params(LabelQuery),
    request_body(content = api::schema::LabelRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The labelled posting (an object for an object, an array for an array).",
            body = api::schema::LabelResponse),
        (status = 400, description = "Malformed JSON, a field of the wrong type, or a bad query.", body = api::ErrorBody),
        (status = 413, description = "Body or batch too large.", body = api::ErrorBody),
        (status = 415, description = "Not `application/json`.", body = api::ErrorBody),
        (status = 422, description = "A posting with no title and no description.", body = api::ErrorBody),
        (status = 503, description = "`overloaded` (every labelling slot is taken; retry later) \
            or `timeout` (over `--timeout-ms`).", body = api::ErrorBody),
    ))]
async fn label(
    State(state): State<Arc<AppState>>,
    query: Result<Query<LabelQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let admitted = Instant::now();
    if !is_json(&headers) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send Content-Type: application/json",
        ));
    }
    let Query(query) = query
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", e.body_text()))?;
    let min_confidence = match query.min_confidence {
        Some(p) if !(0.0..=1.0).contains(&p) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                format!("min_confidence must be between 0 and 1, got {p}"),
            ))
        }
        Some(p) => Some(p),
        None => state.min_confidence,
    };
    let mut options = LabelOptions::default()
        .with_explain(query.explain)
        .with_min_confidence(min_confidence);
    options.ids = query.ids;
    options.catalog_only = query.catalog_only.unwrap_or(state.catalog_only);
    let (items, batch) = postings_of(&body.map_err(body_error)?, state.max_batch)?;
    let labelled = label_blocking(&state, items, options, admitted + state.timeout).await?;
    state.metrics.labelled(labelled.len());
    let body = if batch {
        Value::Array(labelled)
    } else {
        labelled.into_iter().next().unwrap_or(Value::Null)
    };
    Ok(Json(body).into_response())
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        })
}

/// A posting as sent (its JSON object, answered with the labels added) and
/// as the model reads it.
type Item = (Map<String, Value>, Posting);

/// The postings of a request body (one object, or an array of at most
/// `max_batch`), and whether it was an array; the error as its HTTP
/// answer, with the error's message.
fn postings_of(bytes: &[u8], max_batch: usize) -> Result<(Vec<Item>, bool), ApiError> {
    postings_from_body(bytes, max_batch).map_err(|e| {
        let (status, code) = match &e {
            jobtag::Error::InvalidJson(_) => (StatusCode::BAD_REQUEST, "invalid_json"),
            jobtag::Error::BatchTooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, "batch_too_large")
            }
            jobtag::Error::BadPosting { error, .. } if error.kind == FieldErrorKind::Empty => {
                (StatusCode::UNPROCESSABLE_ENTITY, "empty_posting")
            }
            jobtag::Error::BadPosting { .. } => (StatusCode::BAD_REQUEST, "invalid_type"),
            // postings_from_body returns no other error.
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        ApiError::new(status, code, e.to_string())
    })
}

/// Label on the blocking pool, by `deadline`; the caller's concurrency slot
/// is held until the job has returned (see the module docs).
async fn label_blocking(
    state: &Arc<AppState>,
    items: Vec<Item>,
    options: LabelOptions,
    deadline: Instant,
) -> Result<Vec<Value>, ApiError> {
    let cancel = Arc::new(AtomicBool::new(false));
    let cancel_guard = CancelOnDrop(cancel.clone());
    let worker = state.clone();
    let mut job = tokio::task::spawn_blocking(move || {
        let _running = worker.metrics.job_started();
        let mut labelled = Vec::with_capacity(items.len());
        for (mut obj, posting) in items {
            if cancel.load(Ordering::Relaxed) || Instant::now() >= deadline {
                return None;
            }
            let labels = worker.model.label_with(&posting, &options);
            add_json_labels(&mut obj, &labels, &options);
            labelled.push(Value::Object(obj));
        }
        Some(labelled)
    });
    let timeout = || {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "the request took too long",
        )
    };
    let joined = match tokio::time::timeout_at(deadline.into(), &mut job).await {
        Ok(joined) => joined,
        Err(_elapsed) => {
            // Stop the job at its next posting, and hold the concurrency
            // slot until it has returned.
            drop(cancel_guard);
            let _ = job.await;
            return Err(timeout());
        }
    };
    match joined {
        Ok(Some(labelled)) => Ok(labelled),
        // The deadline passed between two postings as the timer fired.
        Ok(None) => Err(timeout()),
        Err(_) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "labelling failed",
        )),
    }
}

/// A body that could not be read: too large (413), too slow (503), or cut.
fn body_error(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            rejection.body_text(),
        );
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&rejection);
    while let Some(e) = source {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "the request body came too slowly",
            );
        }
        source = e.source();
    }
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_body",
        rejection.body_text(),
    )
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

/// Logs on stderr: `RUST_LOG` (default `info`), colour only on a terminal,
/// text or JSON lines. A thread of their own writes them: when stderr is not
/// read fast enough (a pipe nobody drains fills after about 420 request
/// lines), up to `queue_lines` lines wait, then lines are dropped and
/// counted instead of blocking the requests that log them. Keep the guard
/// until [`finish_logs`].
fn init_logs(
    format: LogFormat,
    queue_lines: usize,
) -> (
    tracing_appender::non_blocking::WorkerGuard,
    tracing_appender::non_blocking::ErrorCounter,
) {
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(queue_lines)
        .thread_name("jobtag-logs")
        .finish(std::io::stderr());
    let dropped = writer.error_counter();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    let _ = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        LogFormat::Json => builder.json().with_ansi(false).try_init(),
    };
    (guard, dropped)
}

/// The last log lines, then the queued lines flushed, unless stderr was
/// ever too slow: then a flush may never finish (the queue may be full
/// again, or a filter may have kept the last line from showing that it is),
/// and the log writer's guard would report its failure on stdout (which a
/// supervisor may have closed: a panic) instead of exiting quietly. Lines
/// still queued are then lost, as dropped ones were.
fn finish_logs(
    guard: tracing_appender::non_blocking::WorkerGuard,
    dropped_log_lines: &tracing_appender::non_blocking::ErrorCounter,
) {
    let dropped = dropped_log_lines.dropped_lines();
    if dropped > 0 {
        tracing::warn!(
            dropped,
            "log lines dropped: stderr was not read fast enough"
        );
    }
    tracing::info!("stopped");
    if dropped_log_lines.dropped_lines() > 0 {
        std::mem::forget(guard);
    } else {
        drop(guard);
    }
}

pub fn run(args: ServeArgs) -> Result<()> {
    let queue_lines = usize::try_from(args.log_queue_lines).unwrap_or(usize::MAX);
    let (log_guard, dropped_log_lines) = init_logs(args.log_format, queue_lines);
    let model = args.labeller.build()?;
    let model_json = super::info::model_json(model.model());
    let version = format!(
        "{}@{}",
        model_json["name"].as_str().unwrap_or("model"),
        model_json["trained_on"].as_str().unwrap_or("unknown")
    );
    let state = Arc::new(AppState {
        metrics: Metrics::new(&version, Some(dropped_log_lines.clone())),
        model_json,
        model,
        openapi_json: api::ApiDoc::openapi()
            .to_json()
            .context("writing the OpenAPI document")?,
        max_batch: args.max_batch.max(1),
        timeout: Duration::from_millis(args.timeout_ms.max(1)),
        min_confidence: args.confidence.min_confidence,
        catalog_only: args.labeller.catalog_only,
    });
    let app = router(state, args.max_body, args.max_concurrent.max(1));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("binding {}", args.addr))?;
        let local = listener.local_addr()?;
        // The first stdout line says where the service listens (tests and
        // scripts read it when --addr has port 0).
        println!("jobtag serve listening on http://{local}");
        tracing::info!(%local, "listening");
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("serving")?;
        anyhow::Ok(())
    });
    finish_logs(log_guard, &dropped_log_lines);
    served
}
