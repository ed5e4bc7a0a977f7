//! A stand-in Hugging Face Hub on 127.0.0.1 that can lie: the part of the Hub's protocol the client
//! uses (the repo info API, `resolve/` with Range requests, the `etag` / `x-repo-commit` headers),
//! with every answer open to tampering, or no answer at all. Shared by the `hub_*` tests through
//! `#[path]`; not a test target of its own.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const COMMIT: &str = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

/// What the client asked for.
pub struct Req {
    pub path: String,
    /// `Range: bytes=a-b`.
    pub range: Option<(u64, Option<u64>)>,
}

pub enum Reply {
    /// Raw response bytes (status line, headers, body).
    Raw(Vec<u8>),
    /// Keep the connection open and never answer.
    Hang,
    /// Send these bytes (headers and part of a body), then go silent with the connection open.
    Stall(Vec<u8>),
}

pub struct Hub {
    pub url: String,
}

/// Serves `handler`'s replies, one thread per connection.
pub fn serve(handler: impl Fn(&Req) -> Reply + Send + Sync + 'static) -> Hub {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handler = Arc::new(handler);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handler = handler.clone();
            std::thread::spawn(move || {
                let Some(req) = read_request(&stream) else {
                    return;
                };
                match handler(&req) {
                    Reply::Raw(bytes) => {
                        let mut out = stream;
                        let _ = out.write_all(&bytes);
                        let _ = out.flush();
                    }
                    Reply::Hang => hold(stream),
                    Reply::Stall(bytes) => {
                        let mut out = stream;
                        let _ = out.write_all(&bytes);
                        let _ = out.flush();
                        hold(out);
                    }
                }
            });
        }
    });
    Hub { url }
}

/// Keeps `stream` open, silent, until the test process ends.
fn hold(stream: std::net::TcpStream) -> ! {
    loop {
        std::thread::sleep(Duration::from_secs(3600));
        let _ = stream.peer_addr();
    }
}

fn read_request(stream: &std::net::TcpStream) -> Option<Req> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut range = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("range: bytes=") {
            let (a, b) = v.trim().split_once('-')?;
            range = Some((a.parse().ok()?, b.parse().ok()));
        }
    }
    Some(Req { path, range })
}

/// A Hub serving `files` (repo path → bytes) for any repo, with each answer open to tampering.
#[derive(Clone)]
pub struct Files {
    pub files: BTreeMap<String, Vec<u8>>,
    /// The `sha` of the info API.
    pub sha: String,
    /// `x-repo-commit` on file answers.
    pub commit_header: String,
    /// `etag` on file answers (default: a hash of the bytes).
    pub etag: Option<String>,
    /// Size claimed in `content-range` (repo path → bytes), whatever is sent.
    pub claimed: BTreeMap<String, u64>,
}

impl Files {
    pub fn new(files: BTreeMap<String, Vec<u8>>) -> Self {
        Files {
            files,
            sha: COMMIT.into(),
            commit_header: COMMIT.into(),
            etag: None,
            claimed: BTreeMap::new(),
        }
    }

    pub fn reply(&self, req: &Req) -> Reply {
        if req.path.starts_with("/api/") {
            let siblings: Vec<_> = self
                .files
                .keys()
                .map(|k| serde_json::json!({ "rfilename": k }))
                .collect();
            let body = serde_json::json!({ "sha": self.sha, "siblings": siblings }).to_string();
            return raw(
                "200 OK",
                "content-type: application/json\r\n",
                body.as_bytes(),
            );
        }
        let name = req
            .path
            .split_once("/resolve/")
            .and_then(|(_, rest)| rest.split_once('/'))
            .map(|(_, f)| f.to_owned());
        let Some((name, bytes)) = name.and_then(|n| self.files.get(&n).map(|b| (n, b))) else {
            return raw("404 Not Found", "", b"");
        };
        let total = self
            .claimed
            .get(&name)
            .copied()
            .unwrap_or(bytes.len() as u64);
        let last = bytes.len().saturating_sub(1);
        let (a, b) = match req.range {
            Some((a, b)) => (a as usize, b.map_or(last, |b| (b as usize).min(last))),
            None => (0, last),
        };
        let body = bytes.get(a..=b).unwrap_or_default();
        let etag = self.etag.clone().unwrap_or_else(|| {
            let h = bytes
                .iter()
                .fold(0u64, |h, &x| h.wrapping_mul(31).wrapping_add(x as u64));
            format!("{:016x}{h:016x}", bytes.len())
        });
        let headers = format!(
            "etag: \"{etag}\"\r\nx-repo-commit: {}\r\ncontent-range: bytes {a}-{b}/{total}\r\n",
            self.commit_header
        );
        raw("206 Partial Content", &headers, body)
    }
}

/// An HTTP/1.1 response that closes the connection.
pub fn raw(status: &str, headers: &str, body: &[u8]) -> Reply {
    let mut out = format!(
        "HTTP/1.1 {status}\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    Reply::Raw(out)
}

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The tiny DistilBERT fixture's files, by name.
pub fn model_files() -> BTreeMap<String, Vec<u8>> {
    let dir = root().join("tests/fixtures/models/distilbert-tiny");
    std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A dataset of the bundled sample's two parquet files under `amazon_polarity/`.
pub fn dataset_files() -> BTreeMap<String, Vec<u8>> {
    let sample = root().join("assets/sample");
    BTreeMap::from([
        (
            "amazon_polarity/train-00000-of-00001.parquet".into(),
            std::fs::read(sample.join("train.parquet")).unwrap(),
        ),
        (
            "amazon_polarity/test-00000-of-00001.parquet".into(),
            std::fs::read(sample.join("test.parquet")).unwrap(),
        ),
    ])
}

/// A place for one run: `<root>/victim` (a file the run must not touch), `<root>/data.csv`, and
/// the Hub cache deep inside, at `<root>/a/b/hub`, so that a name climbing five levels out of a
/// cache folder lands in `<root>`.
pub struct Place {
    pub dir: tempfile::TempDir,
}

pub const VICTIM: &[u8] = b"precious, not the cache's\n";

impl Place {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("victim"), VICTIM).unwrap();
        std::fs::write(
            dir.path().join("data.csv"),
            "\"2\",\"Great\",\"Lovely CD\"\n\"1\",\"Bad\",\"Broke\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("a/b/hub")).unwrap();
        std::fs::create_dir_all(dir.path().join("out")).unwrap();
        Place { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn cache(&self) -> PathBuf {
        self.root().join("a/b/hub")
    }

    pub fn data(&self) -> PathBuf {
        self.root().join("data.csv")
    }

    pub fn output(&self) -> PathBuf {
        self.root().join("out/p.csv")
    }

    /// Every file and folder outside the Hub cache, our own cache and the output folder, with the
    /// files' bytes.
    pub fn outside(&self) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
        let skip = [
            self.cache(),
            self.root().join("xdg"),
            self.root().join("out"),
        ];
        let mut seen = BTreeMap::new();
        let mut stack = vec![self.root().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = e.path();
                if skip.contains(&path) {
                    continue;
                }
                let meta = std::fs::symlink_metadata(&path).unwrap();
                if meta.is_dir() {
                    stack.push(path.clone());
                    seen.insert(path, None);
                } else {
                    seen.insert(path.clone(), Some(std::fs::read(&path).unwrap_or_default()));
                }
            }
        }
        seen
    }

    /// Runs the binary against `hub` with this place's caches; (exit code, stderr). A run that has
    /// not ended after two minutes is killed and reported as a hang (exit code -1).
    pub fn run(&self, hub: &Hub, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
            .args(args)
            .env("HF_ENDPOINT", &hub.url)
            .env("HF_HUB_CACHE", self.cache())
            .env("XDG_CACHE_HOME", self.root().join("xdg"))
            .env_remove("HF_HUB_OFFLINE")
            .env_remove("HF_TOKEN")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap());
        let started = Instant::now();
        let code = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status.code().unwrap_or(-1);
            }
            if started.elapsed() > Duration::from_secs(120) {
                child.kill().unwrap();
                child.wait().unwrap();
                break -1;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        (code, reader.join().unwrap())
    }

    /// `predict` with `model` (a Hub repo) on this place's data.
    pub fn predict(&self, hub: &Hub, model: &str, env: &[(&str, &str)]) -> (i32, String) {
        let (data, out) = (self.data(), self.output());
        let args = [
            "--data",
            data.to_str().unwrap(),
            "--model",
            model,
            "predict",
            "--output",
            out.to_str().unwrap(),
        ];
        self.run(hub, &args, env)
    }
}

/// Exit code 2 and one line naming every fragment, no panic.
pub fn assert_refused(code: i32, stderr: &str, fragments: &[&str]) {
    assert_eq!(code, 2, "exit code (-1: hung): {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("reviewlens: "), "{stderr}");
    for f in fragments {
        assert!(last.contains(f), "{last:?} should contain {f:?}\n{stderr}");
    }
}
