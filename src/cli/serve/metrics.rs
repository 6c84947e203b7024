//! Prometheus metrics of `jobtag serve`, kept in a `prometheus-client`
//! registry and written in the Prometheus text format (0.0.4), which the
//! crate escapes (a route or model name with a quote, a backslash or a
//! newline stays one well-formed sample).
//!
//! Families: `jobtag_requests_total{route,status}`,
//! `jobtag_request_duration_seconds{route}` (histogram),
//! `jobtag_postings_labelled_total`, `jobtag_label_jobs_running` (labelling
//! jobs on the blocking pool: with the concurrency design of `serve` it never
//! exceeds `--max-concurrent`), `jobtag_log_lines_dropped_total` (log lines
//! dropped because stderr was not read fast enough) and
//! `jobtag_model_info{version} 1`.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::{prometheus_text, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;

/// The `Content-Type` of `GET /metrics`.
pub(super) const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// Latency histogram bucket bounds, in seconds (1 ms to 10 s: one posting
/// takes about a millisecond in a release build, a full batch about a second).
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteStatus {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The service's metrics and the registry that writes them.
pub(super) struct Metrics {
    registry: Registry,
    requests: Family<RouteStatus, Counter>,
    latency: Family<RouteLabel, Histogram, fn() -> Histogram>,
    postings: Counter,
    jobs_running: Gauge<i64, std::sync::atomic::AtomicI64>,
    log_lines_dropped: Counter,
    /// The log writer's own count, carried into `log_lines_dropped` when
    /// the metrics are read (the lock keeps two reads from both adding it).
    dropped_source: Option<std::sync::Mutex<tracing_appender::non_blocking::ErrorCounter>>,
}

/// Marks a labelling job as running until dropped.
pub(super) struct RunningJob(Gauge<i64, std::sync::atomic::AtomicI64>);

impl Drop for RunningJob {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl Metrics {
    /// Metrics of a service serving the model `model_version`, whose log
    /// writer counts its dropped lines in `dropped_log_lines`.
    pub(super) fn new(
        model_version: &str,
        dropped_log_lines: Option<tracing_appender::non_blocking::ErrorCounter>,
    ) -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RouteStatus, Counter>::default();
        registry.register(
            "jobtag_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        let latency: Family<RouteLabel, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        registry.register(
            "jobtag_request_duration_seconds",
            "Request latency by route",
            latency.clone(),
        );
        let postings = Counter::<u64, AtomicU64>::default();
        registry.register(
            "jobtag_postings_labelled",
            "Postings labelled",
            postings.clone(),
        );
        let jobs_running = Gauge::default();
        registry.register(
            "jobtag_label_jobs_running",
            "Labelling jobs running on the blocking pool",
            jobs_running.clone(),
        );
        let log_lines_dropped = Counter::<u64, AtomicU64>::default();
        registry.register(
            "jobtag_log_lines_dropped",
            "Log lines dropped because stderr was not read fast enough",
            log_lines_dropped.clone(),
        );
        registry.register(
            "jobtag_model",
            "The model being served",
            Info::new(vec![("version".to_string(), model_version.to_string())]),
        );
        Metrics {
            registry,
            requests,
            latency,
            postings,
            jobs_running,
            log_lines_dropped,
            dropped_source: dropped_log_lines.map(std::sync::Mutex::new),
        }
    }

    /// Count one answered request.
    pub(super) fn record(&self, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .get_or_create(&RouteStatus {
                route: route.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabel {
                route: route.to_string(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Count postings labelled.
    pub(super) fn labelled(&self, n: usize) {
        self.postings.inc_by(n as u64);
    }

    /// A labelling job starts; it counts as running until the guard drops.
    pub(super) fn job_started(&self) -> RunningJob {
        self.jobs_running.inc();
        RunningJob(self.jobs_running.clone())
    }

    /// The Prometheus text exposition.
    pub(super) fn render(&self) -> String {
        if let Some(source) = &self.dropped_source {
            let source = source
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let now = source.dropped_lines() as u64;
            let seen = self.log_lines_dropped.get();
            if now > seen {
                self.log_lines_dropped.inc_by(now - seen);
            }
        }
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        let m = Metrics::new("we\"ird\\name\n@2026-01-01", None);
        m.record("/v1/\"x\"", 200, Duration::from_millis(3));
        let text = m.render();
        assert!(
            text.contains(r#"jobtag_model_info{version="we\"ird\\name\n@2026-01-01"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"jobtag_requests_total{route="/v1/\"x\"",status="200"} 1"#),
            "{text}"
        );
    }
}
