//! The inference worker with the real tiny DistilBERT: cancelling, a single request answered during a
//! long batch, errors reported as messages, and the prediction cache (hit, corrupt file, key change);
//! with the tiny BERT as an embedding model, two workers sharing one set of embeddings.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use reviewlens::backend::ModelBackend;
use reviewlens::model::{ModelSource, RunOptions};
use reviewlens::training::HeadSpec;
use reviewlens::vectors::Pool;
use reviewlens::worker::{self, Request, WorkerMsg};

fn tiny_model() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/distilbert-tiny")
}

fn backend(dir: PathBuf, cache: Option<PathBuf>, data: &str) -> ModelBackend {
    ModelBackend::new(
        ModelSource::Dir(dir),
        vec!["negative".into(), "positive".into()],
        RunOptions::default(),
        cache,
        data.into(),
        "content".into(),
    )
}

fn start(
    b: ModelBackend,
    batch_size: Option<usize>,
) -> (std::sync::mpsc::Sender<Request>, Receiver<WorkerMsg>) {
    let (tx, rx) = channel();
    let out: worker::Out = Arc::new(move |m| {
        let _ = tx.send(m);
    });
    (worker::spawn(b, batch_size, out), rx)
}

fn rows(n: u32) -> Vec<(u32, String)> {
    (0..n)
        .map(|i| {
            (
                i,
                format!(
                    "review number {i}: great product, would buy again {}",
                    "!".repeat(i as usize % 7)
                ),
            )
        })
        .collect()
}

fn next(rx: &Receiver<WorkerMsg>) -> WorkerMsg {
    rx.recv_timeout(Duration::from_secs(120))
        .expect("the worker answers")
}

#[test]
fn a_single_request_is_answered_within_one_batch_of_a_long_job() {
    let (tx, rx) = start(backend(tiny_model(), None, "d"), Some(8));
    tx.send(Request::Classify {
        job: 1,
        rows: rows(4000),
        urgent: false,
    })
    .unwrap();
    // Wait until the batch is under way, then ask for one row.
    loop {
        if let WorkerMsg::Results { job: 1, .. } = next(&rx) {
            break;
        }
    }
    tx.send(Request::Classify {
        job: 2,
        rows: vec![(9999, "Great CD!".into())],
        urgent: true,
    })
    .unwrap();
    let mut batch_results_before = 0;
    loop {
        match next(&rx) {
            WorkerMsg::Results {
                job: 2,
                predictions,
                ..
            } => {
                assert_eq!(predictions.len(), 1);
                assert_eq!(predictions[0].0, 9999);
                break;
            }
            WorkerMsg::Results { job: 1, .. } => batch_results_before += 1,
            _ => {}
        }
    }
    assert!(
        batch_results_before <= 1,
        "at most the batch in flight ran first, not {batch_results_before}"
    );
    tx.send(Request::Cancel { job: 1 }).unwrap();
}

#[test]
fn cancel_stops_a_job_between_batches() {
    let (tx, rx) = start(backend(tiny_model(), None, "d"), Some(4));
    tx.send(Request::Classify {
        job: 1,
        rows: rows(4000),
        urgent: false,
    })
    .unwrap();
    let mut done = 0;
    loop {
        match next(&rx) {
            WorkerMsg::Results { predictions, .. } => {
                done += predictions.len();
                if done >= 8 {
                    tx.send(Request::Cancel { job: 1 }).unwrap();
                }
            }
            WorkerMsg::Finished { job: 1, cancelled } => {
                assert!(cancelled);
                break;
            }
            _ => {}
        }
    }
    assert!(done < 4000, "stopped early, after {done}");
    // The worker is free again.
    tx.send(Request::Classify {
        job: 2,
        rows: rows(3),
        urgent: true,
    })
    .unwrap();
    loop {
        if let WorkerMsg::Finished { job: 2, cancelled } = next(&rx) {
            assert!(!cancelled);
            break;
        }
    }
}

#[test]
fn a_model_that_will_not_load_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.json"), "{not json").unwrap();
    std::fs::write(dir.path().join("model.safetensors"), b"").unwrap();
    std::fs::write(dir.path().join("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n").unwrap();
    let (tx, rx) = start(backend(dir.path().into(), None, "d"), Some(4));
    tx.send(Request::Classify {
        job: 1,
        rows: rows(2),
        urgent: true,
    })
    .unwrap();
    let mut saw = Vec::new();
    loop {
        match next(&rx) {
            WorkerMsg::LoadFailed(e) => saw.push(e),
            WorkerMsg::Failed { job: 1, error } => {
                saw.push(error);
                break;
            }
            _ => {}
        }
    }
    assert!(saw[0].contains("config.json: not JSON"), "{saw:?}");
    // The next request tries again (and fails again, the same way): the worker lives on.
    tx.send(Request::Classify {
        job: 2,
        rows: rows(1),
        urgent: true,
    })
    .unwrap();
    loop {
        if let WorkerMsg::Failed { job: 2, .. } = next(&rx) {
            break;
        }
    }
}

/// Runs `n` rows through a worker with a cache, returning what was cached at start and the results.
fn run_with_cache(cache: &Path, data: &str, n: u32) -> (usize, Vec<String>, usize) {
    let (tx, rx) = start(backend(tiny_model(), Some(cache.into()), data), None);
    tx.send(Request::Classify {
        job: 1,
        rows: rows(n),
        urgent: false,
    })
    .unwrap();
    drop(tx);
    let (mut cached, mut warnings, mut computed) = (0, Vec::new(), 0);
    while let Ok(msg) = rx.recv_timeout(Duration::from_secs(120)) {
        match msg {
            WorkerMsg::Cached(p) => cached += p.len(),
            WorkerMsg::Warning(w) => warnings.push(w),
            WorkerMsg::Results { predictions, .. } => computed += predictions.len(),
            _ => {}
        }
    }
    (cached, warnings, computed)
}

fn parts(cache: &Path) -> Vec<PathBuf> {
    let dirs: Vec<PathBuf> = std::fs::read_dir(cache.join("predictions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap().map(|e| e.unwrap().path()))
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect()
}

#[test]
fn the_prediction_cache_is_reused_rebuilt_when_corrupt_and_keyed() {
    let cache = tempfile::tempdir().unwrap();
    let (cached, warnings, computed) = run_with_cache(cache.path(), "data-a", 40);
    assert_eq!((cached, computed), (0, 40));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        parts(cache.path()).len(),
        3,
        "no --batch-size on the CPU: one file per batch of 16, 16 + 16 + 8"
    );
    assert!(
        std::fs::read_dir(cache.path().join("predictions"))
            .unwrap()
            .flatten()
            .all(|d| std::fs::read_dir(d.path())
                .unwrap()
                .flatten()
                .all(|f| !f.file_name().to_string_lossy().ends_with(".tmp"))),
        "no temporary files left behind"
    );

    // Reopening the same model and data: everything comes from the cache.
    let (cached, _, _) = run_with_cache(cache.path(), "data-a", 0);
    assert_eq!(cached, 40);

    // A corrupt part: a warning, its rows are dropped, the rest is kept.
    let victim = parts(cache.path())[0].clone();
    std::fs::write(&victim, b"PAR1 this is not parquet").unwrap();
    let (cached, warnings, _) = run_with_cache(cache.path(), "data-a", 0);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("ignored the unreadable cache file"),
        "{warnings:?}"
    );
    assert!((24..40).contains(&cached), "{cached}");
    assert!(!victim.exists(), "the bad file was set aside");

    // Other data: a different key, nothing cached.
    let (cached, _, computed) = run_with_cache(cache.path(), "data-b", 5);
    assert_eq!((cached, computed), (0, 5));
}

/// Two zero-shot heads on one embedding model, each on its own worker, loaded before any work (so
/// neither finds the other's vectors on disk), then asked for the same 40 rows at once.
fn two_heads_embed(shared: bool) -> i64 {
    let cache = tempfile::tempdir().unwrap();
    let bert = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/bert-tiny");
    let pool = Pool::default();
    let workers: Vec<_> = [["bad", "good"], ["awful", "great"]]
        .into_iter()
        .map(|descriptions| {
            let mut b = backend(bert.clone(), Some(cache.path().into()), "d");
            b.head = HeadSpec::ZeroShot(descriptions.map(String::from).to_vec());
            b.vectors = if shared {
                pool.clone()
            } else {
                Pool::default()
            };
            let (tx, rx) = start(b, Some(8));
            tx.send(Request::Preload).unwrap();
            loop {
                match next(&rx) {
                    WorkerMsg::Ready { .. } => break,
                    WorkerMsg::LoadFailed(e) => panic!("{e}"),
                    _ => {}
                }
            }
            (tx, rx)
        })
        .collect();
    for (tx, _) in &workers {
        tx.send(Request::Classify {
            job: 1,
            rows: rows(40),
            urgent: false,
        })
        .unwrap();
    }
    for (_, rx) in &workers {
        let mut done = 0;
        while done < 40 {
            if let WorkerMsg::Results { predictions, .. } = next(rx) {
                done += predictions.len();
            }
        }
    }
    common::embedded_rows(cache.path())
}

#[test]
fn two_workers_with_one_pool_embed_each_review_once() {
    assert_eq!(two_heads_embed(true), 40);
    // The same without sharing: each worker embeds all 40 (so the count above means something).
    assert_eq!(two_heads_embed(false), 80);
}
