//! The review page at `GET /`: a posting's labels and the reasons for them,
//! for people (moderators, recruiters) rather than programs.
//!
//! One HTML file, one stylesheet, one script and an icon, hand-written and embedded
//! in the binary with `include_str!`: no build step, no toolchain, nothing
//! fetched from another host. The page calls `POST /v1/label?explain=true`
//! and keeps nothing. Every page response carries a `Content-Security-Policy`
//! that allows only this origin and no inline script or style, so "no request
//! beyond the server" is enforced by the browser, not only promised; forms
//! never submit natively, so a posting's text cannot end up in a URL.
//!
//! The routes sit outside the labelling concurrency limit, like health and
//! metrics: the page still loads when labelling is saturated.

use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};

const INDEX_HTML: &str = include_str!("page/index.html");
const PAGE_CSS: &str = include_str!("page/page.css");
const PAGE_JS: &str = include_str!("page/page.js");
const FAVICON_SVG: &str = include_str!("page/favicon.svg");

/// Only this origin, nothing inline, never framed, never submitted.
pub(super) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let headers: [(HeaderName, HeaderValue); 5] = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        // Small files: revalidate, so a new binary shows its own page.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    (headers, body).into_response()
}

/// The review page: fields for a posting, its role, seniority and skills,
/// and the terms behind the labels.
#[utoipa::path(get, path = "/", tag = "page", responses((status = 200,
    description = "The review page (HTML; its stylesheet and script are `/page.css` and `/page.js`).",
    body = String, content_type = "text/html")))]
pub(super) async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

/// The review page's stylesheet.
#[utoipa::path(get, path = "/page.css", tag = "page", responses((status = 200,
    description = "CSS of the review page.", body = String, content_type = "text/css")))]
pub(super) async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", PAGE_CSS)
}

/// The review page's script.
#[utoipa::path(get, path = "/page.js", tag = "page", responses((status = 200,
    description = "JavaScript of the review page.", body = String, content_type = "text/javascript")))]
pub(super) async fn script() -> Response {
    asset("text/javascript; charset=utf-8", PAGE_JS)
}

/// The review page's icon (without it, browsers ask for `/favicon.ico`).
#[utoipa::path(get, path = "/favicon.svg", tag = "page", responses((status = 200,
    description = "Icon of the review page.", body = String, content_type = "image/svg+xml")))]
pub(super) async fn icon() -> Response {
    asset("image/svg+xml", FAVICON_SVG)
}
