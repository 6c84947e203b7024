//! The review page (`GET /`) as the server sends it: embedded, same-origin
//! only, under a strict Content-Security-Policy, outside the labelling limit.
//! What the page does in a browser is tested by `tests/browser/` (Chromium).

mod common;

use common::server::{http, Server};

struct Fetched {
    status: u16,
    content_type: String,
    csp: String,
    body: String,
}

fn fetch(s: &Server, path: &str) -> Fetched {
    fetch_with(http(), s, path)
}

/// [`fetch`] through `agent`.
fn fetch_with(agent: &ureq::Agent, s: &Server, path: &str) -> Fetched {
    let r = agent.get(&s.url(path)).call().unwrap();
    let header = |name: &str| r.header(name).unwrap_or_default().to_string();
    Fetched {
        status: r.status(),
        content_type: header("content-type"),
        csp: header("content-security-policy"),
        body: r.into_string().unwrap(),
    }
}

/// `href="..."` and `src="..."` values of an HTML document.
fn links(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(&rest[..end]);
        }
    }
    out
}

#[test]
fn the_page_and_its_assets_are_served_under_a_strict_policy() {
    let s = Server::start(&[]);
    let page = fetch(&s, "/");
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    for field in [
        "<label for=\"title\">Title</label>",
        "<label for=\"description\">Description</label>",
    ] {
        assert!(page.body.contains(field), "{field}");
    }
    assert!(page.body.contains(">Label</button>"));
    assert!(page.body.contains("aria-live=\"polite\""));
    // Only relative links: nothing from another host, nothing inline.
    let linked = links(&page.body);
    assert_eq!(
        linked,
        ["favicon.svg", "page.css", "#result", "page.js"],
        "{linked:?}"
    );
    assert!(!page.body.contains("<style"));
    assert!(!page.body.contains(" style="));
    assert!(!page.body.contains("<script>"));
    let inline_handler = page.body.match_indices(" on").any(|(at, _)| {
        let rest = &page.body[at + 3..];
        let name = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        name > 0 && rest[name..].starts_with('=')
    });
    assert!(!inline_handler, "no inline event handlers");
    for (path, content_type) in [
        ("/page.css", "text/css; charset=utf-8"),
        ("/page.js", "text/javascript; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
    ] {
        let asset = fetch(&s, path);
        assert_eq!(asset.status, 200, "{path}");
        assert_eq!(asset.content_type, content_type, "{path}");
        assert_eq!(asset.csp, page.csp, "{path}");
        // No absolute URL (the SVG namespace is a name, never fetched).
        let without_namespace = asset
            .body
            .replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        for scheme in ["http:", "https:", "//cdn", "@import", "url("] {
            assert!(
                !without_namespace.contains(scheme),
                "{path} contains {scheme}"
            );
        }
    }
    let js = fetch(&s, "/page.js").body;
    assert!(js.contains("'v1/label?explain=true'"));
    assert!(
        !js.contains("localStorage")
            && !js.contains("sessionStorage")
            && !js.contains("document.cookie")
    );
}

#[test]
fn the_policy_allows_this_origin_only() {
    let s = Server::start(&[]);
    let csp = fetch(&s, "/").csp;
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    for expected in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ] {
        assert!(directives.contains(&expected), "{expected} missing: {csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    assert!(!csp.contains("http"), "{csp}");
    // JSON routes are not pages and carry no page policy.
    let r = http().get(&s.url("/healthz")).call().unwrap();
    assert!(r.header("content-security-policy").is_none());
}

#[test]
fn the_page_loads_while_labelling_is_saturated() {
    // --max-concurrent 1 and a slow body hold the only labelling slot; the
    // page must still load (it is outside the limit, like /healthz).
    use std::io::{Read, Write};
    let s = Server::start(&["--max-concurrent", "1", "--timeout-ms", "5000"]);
    let addr = s.base.trim_start_matches("http://").to_string();
    let hold = || {
        let mut slow = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            slow,
            "POST /v1/label HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
        )
        .unwrap();
        slow.flush().unwrap();
        slow.set_nonblocking(true).unwrap();
        slow
    };
    let mut slow = hold();
    // Wait until the held request has its slot: a second label request is
    // shed. Up to 10 s: on a loaded machine the held request can take a while
    // to be dispatched, and a probe read before it takes the slot first.
    // An agent of this test's own, pooling no connection and giving up on a
    // request after 10 s: a request on a connection pooled by another test
    // (whose server is gone) hung this test for good once.
    let agent = ureq::AgentBuilder::new()
        .max_idle_connections(0)
        .timeout(std::time::Duration::from_secs(10))
        .build();
    let mut shed = false;
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for _ in 0..500 {
        match agent
            .post(&s.url("/v1/label"))
            .set("Content-Type", "application/json")
            .send_string(r#"{"title":"Nurse"}"#)
        {
            Err(ureq::Error::Status(503, _)) => {
                shed = true;
                break;
            }
            other => {
                let outcome = match other {
                    Ok(r) => format!("{}", r.status()),
                    Err(ureq::Error::Status(code, _)) => format!("{code}"),
                    Err(e) => format!("{:?}", e.kind()),
                };
                *seen.entry(outcome).or_default() += 1;
                // The server may have read this request before the held
                // one (on a busy machine it reads connections in any order)
                // and shed the held one: its connection then has an answer
                // or is closed. Hold the slot with a new one.
                let mut byte = [0u8; 1];
                if !matches!(slow.read(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
                {
                    *seen.entry("held request answered".into()).or_default() += 1;
                    slow = hold();
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
    }
    assert!(
        shed,
        "the slow request never held the slot; answers: {seen:?}"
    );
    assert_eq!(fetch_with(&agent, &s, "/").status, 200);
    assert_eq!(fetch_with(&agent, &s, "/page.js").status, 200);
    drop(slow);
}
