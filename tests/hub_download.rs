//! The real hf-hub download path against a stand-in Hub: a small HTTP server in this test speaking the
//! part of the Hub's protocol hf-hub uses (the repo info API, `resolve/` with Range requests, the
//! `etag` / `x-repo-commit` headers), reached through `HF_ENDPOINT`. It checks the files land in the
//! standard cache layout (blobs, snapshots, refs), that a second run is served from the cache, and
//! that a connection dropped mid-download is one clear line with nothing half-written in snapshots.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const COMMIT: &str = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

struct FakeHub {
    url: String,
    /// Bytes of file bodies served (a second, cached run serves none).
    served: Arc<AtomicUsize>,
    /// When set, every file body is cut off half way.
    drop_mid_file: Arc<AtomicBool>,
}

/// Serves `files` (repo path → bytes) for any repo: `GET /api/<kind>/<repo>/revision/<rev>` lists
/// them; `GET /[datasets/]<repo>/resolve/<rev>/<path>` returns them, honouring `Range`.
fn serve(files: HashMap<String, Vec<u8>>) -> FakeHub {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let files = Arc::new(Mutex::new(files));
    let served = Arc::new(AtomicUsize::new(0));
    let drop_mid_file = Arc::new(AtomicBool::new(false));
    let (served2, drop2) = (served.clone(), drop_mid_file.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (files, served, drop_mid) = (files.clone(), served2.clone(), drop2.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let mut range = None;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                    if let Some(v) = h.to_ascii_lowercase().strip_prefix("range: bytes=") {
                        let (a, b) = v.trim().split_once('-').unwrap();
                        range = Some((a.parse::<usize>().unwrap(), b.parse::<usize>().ok()));
                    }
                }
                let mut out = stream;
                let files = files.lock().unwrap();
                if path.starts_with("/api/") {
                    let siblings: Vec<_> = files
                        .keys()
                        .map(|k| serde_json::json!({ "rfilename": k }))
                        .collect();
                    let body =
                        serde_json::json!({ "sha": COMMIT, "siblings": siblings }).to_string();
                    let _ = write!(
                        out,
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    return;
                }
                let name = path
                    .split_once("/resolve/")
                    .and_then(|(_, rest)| rest.split_once('/'))
                    .map(|(_, f)| f.to_owned());
                let Some(bytes) = name.and_then(|n| files.get(&n).cloned()) else {
                    let _ = write!(
                        out,
                        "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    return;
                };
                let (a, b) = match range {
                    Some((a, b)) => (a, b.unwrap_or(bytes.len() - 1).min(bytes.len() - 1)),
                    None => (0, bytes.len() - 1),
                };
                let body = &bytes[a..=b];
                let etag = format!(
                    "{:016x}{:016x}",
                    bytes.len(),
                    bytes
                        .iter()
                        .fold(0u64, |h, &x| h.wrapping_mul(31).wrapping_add(x as u64))
                );
                let _ = write!(
                    out,
                    "HTTP/1.1 206 Partial Content\r\netag: \"{etag}\"\r\nx-repo-commit: {COMMIT}\r\ncontent-range: bytes {a}-{b}/{}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    bytes.len(),
                    body.len()
                );
                let send = if drop_mid.load(Ordering::SeqCst) && body.len() > 1 {
                    &body[..body.len() / 2]
                } else {
                    body
                };
                if body.len() > 1 {
                    served.fetch_add(send.len(), Ordering::SeqCst);
                }
                let _ = out.write_all(send);
                let _ = out.flush();
            });
        }
    });
    FakeHub {
        url,
        served,
        drop_mid_file,
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str], hub: &FakeHub, cache: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .env("HF_ENDPOINT", &hub.url)
        .env("HF_HUB_CACHE", cache.join("hub"))
        .env("XDG_CACHE_HOME", cache.join("xdg"))
        .env_remove("HF_HUB_OFFLINE")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn dataset_files() -> HashMap<String, Vec<u8>> {
    let sample = root().join("assets/sample");
    HashMap::from([
        (
            "amazon_polarity/train-00000-of-00001.parquet".into(),
            std::fs::read(sample.join("train.parquet")).unwrap(),
        ),
        (
            "amazon_polarity/test-00000-of-00001.parquet".into(),
            std::fs::read(sample.join("test.parquet")).unwrap(),
        ),
        ("README.md".into(), b"# amazon_polarity\n".to_vec()),
    ])
}

fn snapshot_files(cache: &Path, folder: &str) -> Vec<PathBuf> {
    let snap = cache
        .join("hub")
        .join(folder)
        .join("snapshots")
        .join(COMMIT);
    let mut out = Vec::new();
    let mut stack = vec![snap];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

#[test]
fn a_dataset_is_downloaded_into_the_hf_cache_then_reused() {
    let hub = serve(dataset_files());
    let cache = tempfile::tempdir().unwrap();
    let out = cache.path().join("out");
    let args = [
        "--hub",
        "--train",
        "50",
        "--test",
        "20",
        "sample",
        "--output",
        out.to_str().unwrap(),
        // The second run writes the sample again.
        "--force",
    ];
    let (code, stderr) = run(&args, &hub, cache.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("downloading train-00000-of-00001.parquet"),
        "progress on stderr: {stderr}"
    );
    assert!(stderr.contains("MB/s"), "{stderr}");
    let repo = cache.path().join("hub/datasets--fancyzhx--amazon_polarity");
    assert_eq!(
        std::fs::read_to_string(repo.join("refs/main"))
            .unwrap()
            .trim(),
        COMMIT
    );
    let blobs: Vec<String> = std::fs::read_dir(repo.join("blobs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // hf-hub keeps a `.lock` beside each blob; no partial download may remain.
    let whole: Vec<&String> = blobs.iter().filter(|b| !b.ends_with(".lock")).collect();
    assert_eq!(
        whole.len(),
        2,
        "one blob per shard, README not fetched: {blobs:?}"
    );
    assert!(
        whole.iter().all(|b| !b.contains('.')),
        "no partial files: {blobs:?}"
    );
    // The sample is the bundled files' rows, shuffled as datasets would.
    let bundled = reviewlens::data::load_sampled(
        Some(&root().join("assets/sample")),
        &Default::default(),
        &reviewlens::data::Sampling {
            train: Some(reviewlens::data::Count::Rows(50)),
            test: Some(reviewlens::data::Count::Rows(20)),
            seed: 42,
            first: false,
        },
    )
    .unwrap();
    let written = reviewlens::data::load(Some(&out), &Default::default()).unwrap();
    assert_eq!(written.rows.to_vec(), bundled.rows.to_vec());

    // Again: everything from the cache, no file body served.
    let before = hub.served.load(Ordering::SeqCst);
    let (code, stderr) = run(&args, &hub, cache.path());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        hub.served.load(Ordering::SeqCst),
        before,
        "nothing downloaded twice"
    );
}

#[test]
fn a_model_is_downloaded_and_a_dropped_connection_is_one_clear_line() {
    let dir = root().join("tests/fixtures/models/distilbert-tiny");
    let files: HashMap<String, Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    let hub = serve(files);
    let cache = tempfile::tempdir().unwrap();
    let data = cache.path().join("train.csv");
    std::fs::write(
        &data,
        "\"2\",\"Great\",\"Lovely CD\"\n\"1\",\"Bad\",\"Broke\"\n",
    )
    .unwrap();
    let out = cache.path().join("p.csv");
    let args = [
        "--data",
        data.to_str().unwrap(),
        "--model",
        "someone/tiny",
        "predict",
        "--output",
        out.to_str().unwrap(),
    ];

    hub.drop_mid_file.store(true, Ordering::SeqCst);
    let (code, stderr) = run(&args, &hub, cache.path());
    assert_eq!(code, 2, "{stderr}");
    let last = stderr.lines().last().unwrap();
    assert!(
        last.starts_with("reviewlens: someone/tiny@main: cannot download"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
    for f in snapshot_files(cache.path(), "models--someone--tiny") {
        let len = std::fs::metadata(&f).map(|m| m.len()).unwrap_or(0);
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            len as usize,
            std::fs::read(dir.join(&name)).unwrap().len(),
            "{name} is whole or absent"
        );
    }
    assert!(!out.exists());

    hub.drop_mid_file.store(false, Ordering::SeqCst);
    let (code, stderr) = run(&args, &hub, cache.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(std::fs::read_to_string(&out).unwrap().lines().count() == 3);
    let ours = snapshot_files(cache.path(), "models--someone--tiny");
    assert!(
        ours.iter().any(|p| p.ends_with("model.safetensors")),
        "{ours:?}"
    );
}
