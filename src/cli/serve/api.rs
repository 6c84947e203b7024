//! The HTTP API's types and its OpenAPI document, generated from code by
//! utoipa and served at `GET /openapi.json`.
//!
//! The labelled posting is built as JSON by `io::writer::add_json_labels`
//! (so the service answers exactly what `jobtag label --format jsonl`
//! writes); the types under [`schema`] describe that output for the document
//! and are checked against real responses in `tests/serve.rs`.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// Every error the service answers: `{"error": {"code", "message"}}`.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ErrorBody {
    error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ErrorDetail {
    /// Stable, machine-readable: `invalid_json`, `invalid_type`,
    /// `empty_posting`, `body_too_large`, `batch_too_large`,
    /// `unsupported_media_type`, `not_found`, `method_not_allowed`,
    /// `overloaded`, `timeout`, `internal`.
    #[schema(example = "invalid_type")]
    code: String,
    /// For people: which field of which posting, and why.
    #[schema(example = "[1].title: expected a string")]
    message: String,
}

/// An error response: a status and the JSON error body.
#[derive(Debug)]
pub(super) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

/// Liveness and readiness.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Status {
    /// `ok` (liveness) or `ready` (readiness).
    #[schema(example = "ok")]
    pub(super) status: &'static str,
}

/// Query of `POST /v1/label`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct LabelQuery {
    /// Add `role_terms` and `seniority_terms` (the terms behind each label)
    /// and `role_alternatives` and `seniority_alternatives` (the five most
    /// probable classes of each).
    #[serde(default)]
    #[param(default = false)]
    pub(super) explain: bool,
    /// Write `uncertain` for a role or seniority whose calibrated
    /// confidence is below this, and add `role_guess` / `seniority_guess`
    /// (the model's best labels). Default: the server's
    /// `--min-confidence`, else none.
    #[param(minimum = 0.0, maximum = 1.0)]
    pub(super) min_confidence: Option<f32>,
    /// Add the role's occupation codes: `role_isco` (ISCO-08 unit group),
    /// `role_esco` (ESCO occupation URI) and `role_onet` (O*NET-SOC codes),
    /// each when the role has one (as `jobtag label --ids`). Skills carry
    /// their ids either way.
    #[serde(default)]
    #[param(default = false)]
    pub(super) ids: bool,
    /// Tag skills with the catalog alone, without the learned span tagger
    /// (no `uncatalogued` skills; faster). Default: the server's
    /// `--catalog-only`, else false.
    pub(super) catalog_only: Option<bool>,
}

/// Types that only describe JSON the service builds elsewhere.
#[allow(dead_code)] // never constructed: they feed the OpenAPI document
pub(super) mod schema {
    use super::*;

    /// A posting. Fields other than these are kept and returned unchanged.
    #[derive(Serialize, ToSchema)]
    #[schema(example = json!({"id": "42", "title": "Senior Data Engineer", "description": "<p>Spark and Airflow pipelines, 6+ years of experience</p>"}))]
    pub struct Posting {
        /// The caller's identifier, carried through unchanged.
        id: Option<PostingId>,
        /// Job title. A posting needs a title or a description.
        title: Option<String>,
        /// Description: plain text or HTML.
        description: Option<String>,
        /// Any other field.
        #[serde(flatten)]
        other: BTreeMap<String, Value>,
    }

    /// A posting id: a string or a number.
    #[derive(Serialize, ToSchema)]
    #[serde(untagged)]
    pub enum PostingId {
        Text(String),
        Number(f64),
    }

    /// One posting, or an array of up to `--max-batch` postings.
    #[derive(Serialize, ToSchema)]
    #[serde(untagged)]
    pub enum LabelRequest {
        One(Posting),
        Batch(Vec<Posting>),
    }

    /// An object for an object, an array (in input order) for an array.
    #[derive(Serialize, ToSchema)]
    #[serde(untagged)]
    #[allow(clippy::large_enum_variant)] // never built: it only describes JSON
    pub enum LabelResponse {
        One(LabelledPosting),
        Batch(Vec<LabelledPosting>),
    }

    /// The input posting's own fields, unchanged, plus the label fields:
    /// what `jobtag label --format jsonl` writes.
    #[derive(Serialize, ToSchema)]
    pub struct LabelledPosting {
        /// A role id of the model's taxonomy (see `GET /v1/model`), or
        /// `uncertain` when its confidence is below `min_confidence`.
        #[schema(example = "data-engineer")]
        role: String,
        /// With `min_confidence`: the model's best role, whatever its
        /// confidence.
        #[serde(default)]
        role_guess: String,
        /// With `ids=true`: the role's ISCO-08 unit group, when it has one
        /// (never for an uncertain role).
        #[serde(default)]
        #[schema(example = "2512")]
        role_isco: String,
        /// With `ids=true`: the role's ESCO occupation URI, when it has one.
        #[serde(default)]
        role_esco: String,
        /// With `ids=true`: the role's O*NET-SOC codes, most fitting first.
        #[serde(default)]
        role_onet: Vec<String>,
        /// Probability of the role, rounded to 4 decimals.
        #[schema(minimum = 0.0, maximum = 1.0)]
        role_confidence: f64,
        /// A seniority id of the model's taxonomy, or `uncertain` below
        /// `min_confidence`; absent when the model has no seniority head.
        #[serde(default)]
        #[schema(example = "senior")]
        seniority: String,
        /// With `min_confidence`: the model's best seniority.
        #[serde(default)]
        seniority_guess: String,
        /// Probability of the seniority, rounded to 4 decimals.
        #[serde(default)]
        #[schema(minimum = 0.0, maximum = 1.0)]
        seniority_confidence: f64,
        /// Skills the posting asks for, in order of first mention.
        skills: Vec<SkillTag>,
        /// With `?explain=true`: the terms behind the role.
        #[serde(default)]
        role_terms: Vec<Contribution>,
        /// With `?explain=true`: the terms behind the seniority.
        #[serde(default)]
        seniority_terms: Vec<Contribution>,
        /// With `?explain=true`: the five most probable roles, most probable
        /// first (the first is `role`).
        #[serde(default)]
        role_alternatives: Vec<ClassProbability>,
        /// With `?explain=true`: the five most probable seniorities, most
        /// probable first; absent when the model has no seniority head.
        #[serde(default)]
        seniority_alternatives: Vec<ClassProbability>,
        /// The posting's own fields.
        #[serde(flatten)]
        posting: BTreeMap<String, Value>,
    }

    /// Where a term or a skill was found.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "lowercase")]
    pub enum Field {
        Title,
        Description,
        /// A derived cue (a title level word, years of experience).
        Cue,
    }

    /// How strongly a posting asks for a skill.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "lowercase")]
    pub enum Requirement {
        Required,
        Preferred,
        Mentioned,
    }

    /// A skill of the catalog that the posting asks for.
    #[derive(Serialize, ToSchema)]
    pub struct SkillTag {
        /// Catalog id.
        id: String,
        /// Canonical name.
        name: String,
        /// Category.
        category: String,
        /// The highest level among its spans.
        requirement: Requirement,
        /// Minimum years of experience asked for this skill, when stated.
        #[schema(minimum = 0)]
        years: Option<u32>,
        /// Every place it was found.
        spans: Vec<SkillSpan>,
        /// ESCO skill URI: the catalog entry's, or for an `uncatalogued`
        /// skill the ESCO skill its name was linked to; absent when none.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(
            nullable = false,
            example = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
        )]
        esco: Option<String>,
        /// For an `uncatalogued` skill linked to ESCO by its name: the
        /// similarity (0 to 1) of the name and the ESCO label; absent
        /// otherwise.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false, minimum = 0, maximum = 1, example = 0.8261)]
        esco_similarity: Option<f64>,
        /// O*NET Technology Skills example name; absent when it has none.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false, example = "Python")]
        onet: Option<String>,
        /// The UNSPSC commodity code O*NET lists that example under.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false, example = "43232405")]
        onet_code: Option<String>,
    }

    /// One place a skill was found.
    #[derive(Serialize, ToSchema)]
    pub struct SkillSpan {
        /// `title` or `description`.
        field: Field,
        /// Start byte in the original field text.
        start: usize,
        /// End byte in the original field text.
        end: usize,
        /// How this place asks for the skill.
        requirement: Requirement,
    }

    /// A term that moved a decision: its weight times its feature value.
    #[derive(Serialize, ToSchema)]
    pub struct Contribution {
        field: Field,
        /// The (stemmed) term or cue name.
        term: String,
        score: f64,
        /// Byte spans `[start, end]` of the term in the original field text.
        spans: Vec<(usize, usize)>,
    }

    /// A class of a head and its probability.
    #[derive(Serialize, ToSchema)]
    pub struct ClassProbability {
        /// A role or seniority id of the model's taxonomy.
        #[schema(example = "data-engineer")]
        label: String,
        /// Rounded to 4 decimals.
        #[schema(minimum = 0.0, maximum = 1.0)]
        probability: f64,
    }

    /// Metadata of the model being served (as `jobtag info --json`).
    #[derive(Serialize, ToSchema)]
    pub struct ModelInfo {
        format_version: u32,
        name: String,
        jobtag_version: String,
        /// Training date, `YYYY-MM-DD`.
        trained_on: String,
        /// Width of the feature space.
        features: u64,
        /// What the learned skill-span tagger was trained on; null when the
        /// model's skills are the catalog's alone.
        skill_span_tagger: Option<String>,
        roles: Vec<String>,
        seniorities: Vec<String>,
        data_files: Vec<DataFile>,
        examples: ExampleCounts,
        role_training: TrainingReport,
        seniority_training: Option<TrainingReport>,
        /// Cross-validated metrics, when training ran them.
        #[schema(value_type = Option<Object>)]
        metrics: Option<Value>,
        /// The recipe (TOML) the model was trained from.
        recipe: String,
        /// What `POST /v1/label` does when a request does not say (the
        /// server's flags). Only in the service, not in `jobtag info`.
        defaults: LabelDefaults,
    }

    /// The server's defaults of the label query.
    #[derive(Serialize, ToSchema)]
    pub struct LabelDefaults {
        /// `?min_confidence=` (`serve --min-confidence`); null for none.
        min_confidence: Option<f32>,
        /// `?catalog_only=` (`serve --catalog-only`).
        catalog_only: bool,
    }

    /// A training data file.
    #[derive(Serialize, ToSchema)]
    pub struct DataFile {
        path: String,
        sha256: String,
        rows: u64,
    }

    /// Training-set sizes.
    #[derive(Serialize, ToSchema)]
    pub struct ExampleCounts {
        role: u64,
        seniority: u64,
    }

    /// How a head's training ended.
    #[derive(Serialize, ToSchema)]
    pub struct TrainingReport {
        iterations: u64,
        converged: bool,
        stop_reason: String,
        final_loss: f64,
    }
}

/// The OpenAPI document of the service.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "jobtag",
        description = "Job-posting classification over HTTP: role, seniority and skills for each \
                       posting (`jobtag serve`). Every error is JSON of the shape \
                       `{\"error\": {\"code\", \"message\"}}`."
    ),
    paths(
        super::label,
        super::model_info,
        super::healthz,
        super::readyz,
        super::metrics,
        super::openapi_json,
        super::page::index,
        super::page::stylesheet,
        super::page::script,
        super::page::icon
    ),
    components(schemas(ErrorBody, Status, schema::ModelInfo, schema::LabelledPosting)),
    tags(
        (name = "labelling", description = "Labels for postings, and the model behind them."),
        (name = "operations", description = "Health, readiness, metrics and this document."),
        (name = "page", description = "The review page for people: a posting's labels and why, \
                                       in a browser (it calls `POST /v1/label?explain=true`).")
    )
)]
pub(super) struct ApiDoc;
