//! The inference worker with the real tiny DistilBERT: cancelling, a single request answered during a
//! long batch, a panicking batch failing its job only, errors reported as messages, and the
//! prediction cache (hit, corrupt file, key change);
//! with the tiny BERT as an embedding model, two workers sharing one set of embeddings.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use reviewlens::app::{Action, Command, Msg, Side, State, WorkerMsg, update};
use reviewlens::explain::Explanation;
use reviewlens::hub::Status;
use reviewlens::model::tokenize::{Encoded, Words};
use reviewlens::model::{Classifier, ModelFiles, ModelSource, Prediction, RunOptions};
use reviewlens::runtime::predictor::Predictor;
use reviewlens::runtime::vectors::Pool;
use reviewlens::runtime::worker::{self, Backend, Predict, Request};
use reviewlens::runtime::{ClassifierSpec, Session};
use reviewlens::ui::snapshot::render;

fn tiny_model() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/distilbert-tiny")
}

fn backend(dir: PathBuf, cache: Option<PathBuf>, data: &str) -> Session {
    session(
        ClassifierSpec::Sequence {
            model: ModelSource::Dir(dir),
        },
        cache,
        data,
    )
}

fn session(spec: ClassifierSpec, cache: Option<PathBuf>, data: &str) -> Session {
    Session::new(
        spec,
        vec!["negative".into(), "positive".into()],
        RunOptions::default(),
        cache,
        data.into(),
        "content".into(),
    )
}

fn start(
    b: Session,
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

/// A real session whose worker waits after its first batch (before saving it) until the test opens
/// the gate: what the test sends meanwhile is waiting when the worker next looks, so the order of
/// events is the test's, not the scheduler's.
struct Gated {
    session: Session,
    /// Told when the first batch is done (and waiting), then waited on until the test opens it.
    gate: Option<(std::sync::mpsc::Sender<()>, Receiver<()>)>,
}

impl Backend for Gated {
    type Model = Predictor;

    fn load(&mut self, status: &Status) -> reviewlens::error::Result<Predictor> {
        self.session.load(status)
    }

    fn cached(&mut self) -> (Vec<(u32, Prediction)>, Vec<String>) {
        self.session.cached()
    }

    fn save(&mut self, predictions: &[(u32, Prediction)]) -> Result<(), String> {
        if let Some((waiting, gate)) = self.gate.take() {
            waiting
                .send(())
                .expect("the test waits for the first batch");
            gate.recv().expect("the test opens the gate");
        }
        self.session.save(predictions)
    }
}

/// The sides of a gate: wait on `held` for the worker to stop after its first batch, then send on
/// `open` to let it go on.
struct Gate {
    held: Receiver<()>,
    open: std::sync::mpsc::Sender<()>,
}

/// A worker on the tiny model held after its first batch.
fn start_gated(batch_size: usize) -> (std::sync::mpsc::Sender<Request>, Receiver<WorkerMsg>, Gate) {
    let (open, gate) = channel();
    let (waiting, held) = channel();
    let gated = Gated {
        session: backend(tiny_model(), None, "d"),
        gate: Some((waiting, gate)),
    };
    let (tx, rx) = channel();
    let out: worker::Out = Arc::new(move |m| {
        let _ = tx.send(m);
    });
    (
        worker::spawn(gated, Some(batch_size), out),
        rx,
        Gate { held, open },
    )
}

#[test]
fn a_single_request_is_answered_within_one_batch_of_a_long_job() {
    let (tx, rx, gate) = start_gated(8);
    tx.send(Request::Classify {
        job: 1,
        rows: rows(4000),
        urgent: false,
    })
    .unwrap();
    // The first batch is classified; ask for one row while it waits, then let it go on.
    gate.held.recv().unwrap();
    tx.send(Request::Classify {
        job: 2,
        rows: vec![(9999, "Great CD!".into())],
        urgent: true,
    })
    .unwrap();
    gate.open.send(()).unwrap();
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
    assert_eq!(
        batch_results_before, 1,
        "only the batch in flight ran before the urgent row"
    );
    tx.send(Request::Cancel { job: 1 }).unwrap();
}

#[test]
fn cancel_stops_a_job_between_batches() {
    let (tx, rx, gate) = start_gated(4);
    tx.send(Request::Classify {
        job: 1,
        rows: rows(4000),
        urgent: false,
    })
    .unwrap();
    // Cancelled while its first batch is being saved: that batch is the last.
    gate.held.recv().unwrap();
    tx.send(Request::Cancel { job: 1 }).unwrap();
    gate.open.send(()).unwrap();
    let mut done = 0;
    loop {
        match next(&rx) {
            WorkerMsg::Results { predictions, .. } => done += predictions.len(),
            WorkerMsg::Finished { job: 1, cancelled } => {
                assert!(cancelled);
                break;
            }
            _ => {}
        }
    }
    assert_eq!(done, 4, "one batch of 4, then the cancel");
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

/// The real tiny model, made to panic on purpose on any text with PANIC in it.
struct PanicsOnPurpose(Predictor);

impl Predict for PanicsOnPurpose {
    fn name(&self) -> String {
        self.0.name()
    }
    fn device_label(&self) -> String {
        self.0.device_label()
    }
    fn note(&self) -> Option<String> {
        self.0.note()
    }
    fn default_batch_size(&self) -> usize {
        self.0.default_batch_size()
    }
    fn classify(&mut self, rows: &[(u32, &str)]) -> reviewlens::error::Result<Vec<Prediction>> {
        if rows.iter().any(|(_, text)| text.contains("PANIC")) {
            panic!("a panic on purpose");
        }
        self.0.classify(rows)
    }
    fn take_warnings(&mut self) -> Vec<String> {
        self.0.take_warnings()
    }
    fn words(&self, text: &str) -> reviewlens::error::Result<Words> {
        self.0.words(text)
    }
    /// Runs the whole input (a batch of one), then panics on the first batch of variants: a
    /// model that fails mid-explanation.
    fn probs(&mut self, batch: &[Encoded]) -> reviewlens::error::Result<Vec<Vec<f32>>> {
        if batch.len() > 1 {
            panic!("a panic on purpose, mid-explanation");
        }
        self.0.probs(batch)
    }
}

struct Panicking(Session);

impl Backend for Panicking {
    type Model = PanicsOnPurpose;

    fn load(&mut self, status: &Status) -> reviewlens::error::Result<PanicsOnPurpose> {
        self.0.load(status).map(PanicsOnPurpose)
    }
}

#[test]
fn a_panicking_batch_fails_its_job_and_the_worker_and_explorer_go_on() {
    let (tx, rx) = channel();
    let out: worker::Out = Arc::new(move |m| {
        let _ = tx.send(m);
    });
    let requests = worker::spawn(Panicking(backend(tiny_model(), None, "d")), None, out);
    let mut state = State::new(common::tiny(), (120, 30));
    // `c` on the first review, whose text the model panics on; then `C` on the rest.
    let send = |commands: Vec<Command>, text: &str| {
        for c in commands {
            if let Command::Classify {
                job, rows, urgent, ..
            } = c
            {
                let rows = rows
                    .into_iter()
                    .map(|r| (r, format!("{text} {r}")))
                    .collect();
                requests
                    .send(Request::Classify { job, rows, urgent })
                    .unwrap();
            }
        }
    };
    send(
        update(&mut state, Msg::Action(Action::ClassifySelected)),
        "PANIC",
    );
    let failed = loop {
        let msg = next(&rx);
        let failed = matches!(msg, WorkerMsg::Failed { .. });
        update(&mut state, Msg::Worker(Side::A, msg));
        if failed {
            break state.notice.clone().unwrap_or_default();
        }
    };
    assert!(
        failed.contains("classification failed: the classifier crashed (a panic on purpose)"),
        "{failed}"
    );
    let screen = render(&state);
    assert!(screen.contains("the classifier crashed"), "{screen}");
    // The explorer is usable: keys move, and the worker classifies the next request.
    update(&mut state, Msg::Action(Action::Down));
    assert_eq!(state.selected, 1);
    send(
        update(&mut state, Msg::Action(Action::ClassifyView)),
        "fine",
    );
    loop {
        let msg = next(&rx);
        let finished = matches!(msg, WorkerMsg::Finished { .. });
        update(&mut state, Msg::Worker(Side::A, msg));
        if finished {
            break;
        }
    }
    assert_eq!(state.tally().classified, 6, "every train row classified");
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
            let spec = ClassifierSpec::ZeroShot {
                model: ModelSource::Dir(bert.clone()),
                descriptions: descriptions.map(String::from).to_vec(),
            };
            let mut b = session(spec, Some(cache.path().into()), "d");
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

/// `x` while a head trains (bug 18 of issue 14): the embedding of the train split stops after the
/// batch in flight, the job waiting for it ends as cancelled, and asking again goes on from the rows
/// already embedded, embedding none of them twice. The stop is set from the worker's own first
/// progress report, so nothing depends on timing.
#[test]
fn stopping_a_head_in_training_keeps_what_was_embedded() {
    let cache = tempfile::tempdir().unwrap();
    let bert = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/bert-tiny");
    let train: Vec<(u32, String, u32)> = (1000..1100)
        .map(|i| {
            (
                i,
                format!("train review {i} {}", "word ".repeat(i as usize % 7)),
                i % 2,
            )
        })
        .collect();
    let spec = ClassifierSpec::Logistic {
        model: ModelSource::Dir(bert),
        train: Arc::new(train),
    };
    let b = session(spec, Some(cache.path().into()), "d");
    let stop = b.stopper();
    let (tx, rx) = channel();
    let once = std::sync::Once::new();
    let out: worker::Out = Arc::new(move |m| {
        if matches!(&m, WorkerMsg::Status(s) if s.starts_with("embedding the train split")) {
            once.call_once(|| stop.store(true, std::sync::atomic::Ordering::Relaxed));
        }
        let _ = tx.send(m);
    });
    let requests = worker::spawn(b, Some(8), out);
    let classify = |job| Request::Classify {
        job,
        rows: rows(10),
        urgent: false,
    };
    requests.send(classify(1)).unwrap();
    let why = loop {
        match next(&rx) {
            WorkerMsg::LoadStopped(why) => break why,
            WorkerMsg::Ready { .. } | WorkerMsg::Results { .. } => panic!("not stopped"),
            _ => {}
        }
    };
    assert_eq!(
        why,
        "stopped embedding the train split: 32 of 100 rows done (kept: asking again goes on from there)"
    );
    assert_eq!(
        next(&rx),
        WorkerMsg::Finished {
            job: 1,
            cancelled: true
        }
    );
    assert_eq!(common::embedded_rows(cache.path()), 32);

    // Asked again: the load starts afresh (the stop is spent) and embeds only the 68 left.
    requests.send(classify(2)).unwrap();
    let mut done = 0;
    while done < 10 {
        match next(&rx) {
            WorkerMsg::Results { predictions, .. } => done += predictions.len(),
            WorkerMsg::LoadStopped(why) | WorkerMsg::LoadFailed(why) => panic!("{why}"),
            _ => {}
        }
    }
    assert_eq!(common::embedded_rows(cache.path()), 100 + 10);
}

/// (row, text, label) rows that a tiny BERT can tell apart a little: two words per class.
fn labelled(n: u32) -> Vec<(u32, String, u32)> {
    (0..n)
        .map(|i| {
            let label = i % 2;
            let word = ["awful dull", "great lovely"][label as usize];
            (i, format!("{word} review number {i}"), label)
        })
        .collect()
}

/// `i` with the embedding head: the worker cross-validates it (5 stratified folds) and answers with
/// a distribution per row, in the order asked; a sequence model says it needs none.
#[test]
fn the_worker_cross_validates_the_embedding_head_for_label_issues() {
    let bert = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/bert-tiny");
    let train = Arc::new(labelled(30));
    let spec = ClassifierSpec::Logistic {
        model: ModelSource::Dir(bert),
        train,
    };
    let cache = tempfile::tempdir().unwrap();
    let rows = labelled(20);
    let cross_validate = || {
        let b = session(spec.clone(), Some(cache.path().into()), "d");
        let (tx, rx) = start(b, Some(8));
        tx.send(Request::CrossValidate { rows: rows.clone() })
            .unwrap();
        let mut trained = 0;
        loop {
            match next(&rx) {
                WorkerMsg::CrossValidated(result) => {
                    break (result.expect("cross-validated"), trained);
                }
                WorkerMsg::Status(s) => {
                    trained += s.starts_with("cross-validating: training") as usize
                }
                other => panic!("{other:?}"),
            }
        }
    };
    let (probs, trained) = cross_validate();
    assert_eq!(trained, 5, "five folds trained");
    let heads = || {
        std::fs::read_dir(cache.path().join("heads"))
            .unwrap()
            .count()
    };
    assert_eq!(heads(), 5, "one cached head per fold");
    let (again, trained) = cross_validate();
    assert_eq!(
        (&again, trained, heads()),
        (&probs, 0, 5),
        "every fold from the cache"
    );
    let asked: Vec<u32> = rows.iter().map(|r| r.0).collect();
    let answered: Vec<u32> = probs.iter().map(|(r, _)| *r).collect();
    assert_eq!(answered, asked);
    for (_, p) in &probs {
        assert_eq!(p.len(), 2);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-4, "{p:?}");
    }

    let (tx, rx) = start(backend(tiny_model(), None, "d"), Some(8));
    tx.send(Request::CrossValidate { rows }).unwrap();
    match next(&rx) {
        WorkerMsg::CrossValidated(Err(e)) => {
            assert_eq!(e, "only the embedding head trains on the data")
        }
        other => panic!("{other:?}"),
    }
}

/// `D`: the worker embeds every row with the neighbours model (a sequence classifier has none of
/// its own) and reports each row's near duplicates by row; exact copies are always among them.
#[test]
fn the_worker_finds_near_duplicates_with_the_neighbours_model() {
    let bert = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/bert-tiny");
    let mut rows = labelled(20);
    rows[10].1 = rows[0].1.clone();
    rows[15].1 = rows[5].1.clone();
    let (tx, rx) = start(backend(tiny_model(), None, "d"), Some(8));
    tx.send(Request::NearDuplicates { rows: rows.clone() })
        .unwrap();
    let reply = |rx: &Receiver<WorkerMsg>| loop {
        match next(rx) {
            WorkerMsg::NearDuplicates(result) => break result,
            WorkerMsg::Status(_) => {}
            other => panic!("{other:?}"),
        }
    };
    let e = reply(&rx).unwrap_err();
    assert_eq!(
        e,
        "no embedding model for near duplicates: give --embed-model"
    );

    let cache = tempfile::tempdir().unwrap();
    let find = || {
        let mut b = backend(tiny_model(), Some(cache.path().into()), "d");
        b.neighbours_model = Some(ModelSource::Dir(bert.clone()));
        let (tx, rx) = start(b, Some(8));
        tx.send(Request::NearDuplicates { rows: rows.clone() })
            .unwrap();
        reply(&rx).expect("near duplicates")
    };
    let sets = find();
    let cached = || {
        std::fs::read_dir(cache.path().join("neighbours"))
            .unwrap()
            .count()
    };
    assert_eq!(cached(), 1, "the sets are cached");
    assert_eq!((find(), cached()), (sets.clone(), 1), "and read back");
    // What is read is the file: a set changed there comes back.
    let file = std::fs::read_dir(cache.path().join("neighbours"))
        .unwrap()
        .next()
        .unwrap();
    let path = file.unwrap().path();
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    json["sets"][3] = serde_json::json!([4]);
    std::fs::write(&path, json.to_string()).unwrap();
    assert!(find().contains(&(3, vec![4])));
    let of = |row: u32| sets.iter().find(|(r, _)| *r == row).map(|(_, s)| s.clone());
    assert!(
        of(0).unwrap().contains(&10) && of(10).unwrap().contains(&0),
        "{sets:?}"
    );
    assert!(
        of(5).unwrap().contains(&15) && of(15).unwrap().contains(&5),
        "{sets:?}"
    );
}

const EXPLAINED: &str =
    "Great CD, but the second half is boring and the sound is thin. Would not buy again, sadly.";

/// The worker's reports of one explanation job until it ends: every `Explained`, and whether it
/// was cancelled.
fn explained(rx: &Receiver<WorkerMsg>, job: u64) -> (Vec<(Explanation, bool)>, bool) {
    let mut reports = Vec::new();
    loop {
        match next(rx) {
            WorkerMsg::Explained {
                job: j,
                explanation,
                done,
                ..
            } if j == job => reports.push((explanation, done)),
            WorkerMsg::Finished { job: j, cancelled } if j == job => return (reports, cancelled),
            WorkerMsg::Failed { job: j, error } if j == job => panic!("failed: {error}"),
            _ => {}
        }
    }
}

/// An explanation streams in batch by batch (scores only ever added), ends complete and equal to
/// the headless one, and is cached: a second worker answers it at once, from the file.
#[test]
fn the_worker_explains_a_review_batch_by_batch_and_caches_it() {
    let cache = tempfile::tempdir().unwrap();
    let (tx, rx) = start(
        backend(tiny_model(), Some(cache.path().into()), "d"),
        Some(4),
    );
    let explain = |tx: &std::sync::mpsc::Sender<Request>, job| {
        tx.send(Request::Explain {
            job,
            row: 3,
            text: EXPLAINED.into(),
        })
        .unwrap()
    };
    explain(&tx, 1);
    let (reports, cancelled) = explained(&rx, 1);
    assert!(!cancelled);
    assert!(reports.len() > 3, "{} reports", reports.len());
    let scored = |e: &Explanation| e.words.iter().filter(|w| w.score.is_some()).count();
    assert!(
        reports
            .windows(2)
            .all(|w| scored(&w[0].0) <= scored(&w[1].0))
    );
    assert_eq!(reports.iter().filter(|(_, done)| *done).count(), 1);
    let (last, done) = reports.last().unwrap();
    assert!(*done && last.is_complete());
    // The same as explaining it directly, in batches of 4.
    let files = ModelFiles::from_dir(&tiny_model()).unwrap();
    let c = Classifier::load(
        &files,
        &["negative".into(), "positive".into()],
        &RunOptions::default(),
    )
    .unwrap();
    let direct =
        reviewlens::explain::explain(c.words(EXPLAINED).unwrap(), 4, |b: &[Encoded]| c.probs(b))
            .unwrap();
    assert_eq!(last, &direct);
    drop(tx);
    let explain_files = std::fs::read_dir(cache.path().join("explain"))
        .unwrap()
        .count();
    assert_eq!(explain_files, 1);
    // A new worker over the same cache: one report, complete, before any model work.
    let (tx, rx) = start(
        backend(tiny_model(), Some(cache.path().into()), "d"),
        Some(4),
    );
    explain(&tx, 2);
    let (reports, _) = explained(&rx, 2);
    assert_eq!(reports, vec![(direct, true)]);
}

/// `x` between batches ends the explanation, not done; a model that fails mid-explanation fails
/// its job only, and the worker classifies the next request.
#[test]
fn an_explanation_can_be_stopped_and_a_failing_model_fails_only_its_job() {
    let (tx, rx) = start(backend(tiny_model(), None, "d"), Some(1));
    let text = EXPLAINED.to_owned();
    tx.send(Request::Explain {
        job: 1,
        row: 0,
        text,
    })
    .unwrap();
    tx.send(Request::Cancel { job: 1 }).unwrap();
    let (reports, cancelled) = explained(&rx, 1);
    assert!(cancelled);
    assert!(reports.iter().all(|(_, done)| !done));

    let (tx2, rx2) = channel();
    let out: worker::Out = Arc::new(move |m| {
        let _ = tx2.send(m);
    });
    let requests = worker::spawn(Panicking(backend(tiny_model(), None, "d")), None, out);
    let text = EXPLAINED.to_owned();
    requests
        .send(Request::Explain {
            job: 7,
            row: 0,
            text,
        })
        .unwrap();
    let error = loop {
        if let WorkerMsg::Failed { job: 7, error } = next(&rx2) {
            break error;
        }
    };
    assert!(error.contains("mid-explanation"), "{error}");
    requests
        .send(Request::Classify {
            job: 8,
            rows: rows(1),
            urgent: true,
        })
        .unwrap();
    loop {
        match next(&rx2) {
            WorkerMsg::Results {
                job: 8,
                predictions,
                ..
            } => break assert_eq!(predictions.len(), 1),
            WorkerMsg::Failed { error, .. } => panic!("{error}"),
            _ => {}
        }
    }
}

/// The explorer's requests name rows of the shared data set; the worker reads each row's text
/// (`--text`) as its batch runs, and the predictions are those of the same texts sent whole.
#[test]
fn rows_of_a_shared_data_set_classify_as_their_texts_do() {
    use reviewlens::data::{Dataset, Review, Split, TextField};
    let reviews: Vec<Review> = (0..40u64)
        .map(|i| Review {
            row_index: i,
            label: (i % 2) as u32,
            title: if i % 3 == 0 {
                String::new()
            } else {
                format!("title {i}")
            },
            content: format!(
                "review {i}: {}",
                "great value, works well ".repeat(i as usize % 9)
            ),
        })
        .collect();
    let split = Split {
        name: "test".into(),
        rows: 0..40,
    };
    let names = vec!["negative".into(), "positive".into()];
    let data = Arc::new(Dataset::new("t".into(), names, reviews, vec![split]));
    let field = TextField::TitleContent;
    let wanted: Vec<u32> = (0..40).rev().step_by(3).collect();
    let collect = |rx: &Receiver<WorkerMsg>, job| {
        let mut got = Vec::new();
        loop {
            match next(rx) {
                WorkerMsg::Results { predictions, .. } => got.extend(predictions),
                WorkerMsg::Finished { job: j, .. } if j == job => break,
                _ => {}
            }
        }
        got.sort_by_key(|(r, _)| *r);
        got
    };
    let (tx, rx) = start(backend(tiny_model(), None, "d"), Some(4));
    let shared = Request::ClassifyRows {
        job: 1,
        data: Arc::clone(&data),
        field,
        rows: wanted.clone(),
        urgent: false,
    };
    tx.send(shared).unwrap();
    let from_rows = collect(&rx, 1);
    // Another worker, so nothing the first one kept can answer.
    let (tx, rx) = start(backend(tiny_model(), None, "d"), Some(4));
    let texts = (wanted.iter())
        .map(|&r| (r, field.text(data.rows.get(r as usize))))
        .collect();
    tx.send(Request::Classify {
        job: 2,
        rows: texts,
        urgent: false,
    })
    .unwrap();
    let from_texts = collect(&rx, 2);
    assert_eq!(from_rows.len(), wanted.len());
    assert_eq!(from_rows, from_texts);
}
