//! The caches' writes: a cache that cannot be written (a full disk) is said once per run, then
//! nothing more is cached; temporary files a killed run left in the cache folders are cleared on
//! start (only ours, and only old ones).

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `n` real train reviews as JSONL.
fn data(dir: &Path, n: usize) -> PathBuf {
    let source =
        std::fs::read_to_string(root().join("assets/source/amazon_polarity_train_sample.jsonl"))
            .unwrap();
    let path = dir.join("train.jsonl");
    std::fs::write(&path, source.lines().take(n).collect::<Vec<_>>().join("\n")).unwrap();
    path
}

fn classifier_args(kind: &str) -> Vec<String> {
    let models = root().join("tests/fixtures/models");
    let args: Vec<String> = match kind {
        "sequence" => vec![
            "--model-dir".into(),
            models.join("distilbert-tiny").display().to_string(),
            "--label-map".into(),
            "NEGATIVE=0,POSITIVE=1".into(),
        ],
        _ => vec![
            "--classifier".into(),
            kind.into(),
            "--embed-model-dir".into(),
            models.join("bert-tiny").display().to_string(),
            "--label-descriptions".into(),
            "bad|good".into(),
        ],
    };
    args
}

/// `eval --split train` with `kind`, in batches of one review; with `max_file`, no file the run
/// writes may grow past that many bytes (RLIMIT_FSIZE, SIGXFSZ ignored: a write past it fails with
/// EFBIG, as on a full disk).
fn eval(data: &Path, kind: &str, cache: &Path, max_file: Option<u64>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_reviewlens"));
    c.arg("--data").arg(data).args(classifier_args(kind));
    c.args(["--batch-size", "1", "eval", "--split", "train"]);
    c.env("XDG_CACHE_HOME", cache);
    if let Some(bytes) = max_file {
        // Safety: only async-signal-safe calls between fork and exec.
        unsafe {
            c.pre_exec(move || {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                let limit = libc::rlimit {
                    rlim_cur: bytes,
                    rlim_max: bytes,
                };
                if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    c.output().unwrap()
}

#[test]
fn a_cache_that_cannot_be_written_is_said_once_then_left_alone() {
    for kind in ["sequence", "zero-shot", "embed"] {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        let data = data(dir.path(), 30);
        // Room for key.json, none for a part file.
        let out = eval(&data, kind, &cache, Some(1000));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{kind}: {stderr}");
        let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
        assert_eq!(warnings.len(), 1, "{kind}: said once: {stderr}");
        assert!(
            warnings[0].contains("nothing more is cached this run"),
            "{kind}: {stderr}"
        );
        // The report is the same as with a cache.
        let uncached = eval(&data, kind, &dir.path().join("other"), None);
        assert_eq!(out.stdout, uncached.stdout, "{kind}");
    }
}

/// Every folder under `dir`, itself included.
fn folders(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_owned()];
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_dir() {
            out.extend(folders(&entry.path()));
        }
    }
    out
}

fn touch(path: &Path, age: Duration) {
    let file = std::fs::File::create(path).unwrap();
    file.set_modified(SystemTime::now() - age).unwrap();
}

#[test]
fn stale_temporary_files_of_ours_are_cleared_on_start() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let data = data(dir.path(), 30);
    for kind in ["embed", "sequence"] {
        assert!(eval(&data, kind, &cache, None).status.success());
    }
    let ours = cache.join("reviewlens");
    let planted = folders(&ours);
    assert!(planted.len() >= 5, "{planted:?}");
    let old = Duration::from_secs(600);
    for folder in &planted {
        touch(&folder.join(".reviewlens-killed.tmp"), old);
        touch(&folder.join(".reviewlens-writing.tmp"), Duration::ZERO);
        touch(&folder.join(".someone-else.tmp"), old);
    }
    for kind in ["embed", "sequence"] {
        assert!(eval(&data, kind, &cache, None).status.success());
    }
    for folder in &planted {
        let has = |name: &str| folder.join(name).exists();
        let is_store = folder.parent() != Some(ours.as_path()) || folder.ends_with("heads");
        if folder != &ours && is_store {
            assert!(!has(".reviewlens-killed.tmp"), "{}", folder.display());
        }
        assert!(
            has(".reviewlens-writing.tmp"),
            "a fresh one may be another run's"
        );
        assert!(has(".someone-else.tmp"), "not ours");
    }
}
