//! A real `jobtag serve` on a random loopback port, for the service's and
//! the review page's end-to-end tests.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// The tests' HTTP client. ureq's global agent waits for ever and pools
/// connections across tests: a request on a connection pooled by a test whose
/// server was gone hung a CI run once. This one pools nothing and gives up on
/// a request after a minute, so a stuck request fails its test instead.
pub fn http() -> &'static ureq::Agent {
    static AGENT: std::sync::OnceLock<ureq::Agent> = std::sync::OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::AgentBuilder::new()
            .max_idle_connections(0)
            .timeout(std::time::Duration::from_secs(60))
            .build()
    })
}

/// A running server; killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    /// What the server writes to stderr (its request log), read as it comes
    /// by a thread of its own: a pipe nobody reads fills after about 420
    /// logged requests (64 KiB), and a server that wrote its logs itself
    /// then blocked on its next log line.
    stderr: Option<std::thread::JoinHandle<Vec<u8>>>,
    /// Stderr left unread ([`Server::start_not_reading_stderr`]).
    _unread: Option<std::process::ChildStderr>,
}

impl Server {
    pub fn start(extra: &[&str]) -> Server {
        Self::start_with(extra, true)
    }

    /// A server whose stderr pipe nobody reads, as under a careless
    /// supervisor: it fills after about 420 logged requests. `terminate`
    /// returns no stderr for it.
    pub fn start_not_reading_stderr(extra: &[&str]) -> Server {
        Self::start_with(extra, false)
    }

    fn start_with(extra: &[&str], read_stderr: bool) -> Server {
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
        let mut err = child.stderr.take().unwrap();
        if !read_stderr {
            return Server {
                child,
                base,
                stderr: None,
                _unread: Some(err),
            };
        }
        let stderr = std::thread::spawn(move || {
            use std::io::Read;
            let mut all = Vec::new();
            let _ = err.read_to_end(&mut all);
            all
        });
        Server {
            child,
            base,
            stderr: Some(stderr),
            _unread: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn post(&self, path: &str, body: &str) -> (u16, Value) {
        respond(
            http()
                .post(&self.url(path))
                .set("Content-Type", "application/json")
                .send_string(body),
        )
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        match http().get(&self.url(path)).call() {
            Ok(r) => (r.status(), r.into_string().unwrap()),
            Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
            Err(e) => panic!("{e}"),
        }
    }

    pub fn terminate(mut self) -> std::process::Output {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        let stderr = self
            .stderr
            .take()
            .map(|reader| reader.join().unwrap())
            .unwrap_or_default();
        std::process::Output {
            status,
            stdout: Vec::new(),
            stderr,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

pub fn respond(r: Result<ureq::Response, ureq::Error>) -> (u16, Value) {
    match r {
        Ok(r) => (r.status(), r.into_json().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_json().unwrap()),
        Err(e) => panic!("{e}"),
    }
}
