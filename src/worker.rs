//! Inference on its own thread. The worker owns the classifier (loaded on the first request, or at
//! start with `--preload`), takes requests on a channel and sends results, progress and errors back.
//! It never touches UI state. A long batch job is cut into length-sorted batches; between two batches
//! the worker reads new requests, so a cancel or a single "classify this row" waits one batch at most.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::time::{Duration, Instant};

use crate::model::Prediction;
use crate::model::hub::Status;
use crate::predictor::Predictor;

/// Where the worker's reports go.
pub type Out = Arc<dyn Fn(WorkerMsg) + Send + Sync>;

pub type JobId = u64;

#[derive(Debug)]
pub enum Request {
    /// Load the model now rather than on the first classification.
    Preload,
    /// Classify `rows` (global row id, text). `urgent` jobs go before batch jobs.
    Classify {
        job: JobId,
        rows: Vec<(u32, String)>,
        urgent: bool,
    },
    Cancel {
        job: JobId,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum WorkerMsg {
    /// What the worker is busy with before it can classify (fetching, loading).
    Status(String),
    /// The model is ready on `device` (e.g. "cpu f32"); `note` says why `auto` fell back, if it did.
    Ready {
        model: String,
        device: String,
        note: Option<String>,
        /// Rows per batch from now on (`--batch-size`, or the device's default).
        batch_size: usize,
    },
    /// The model could not be had; the explorer goes on without it.
    LoadFailed(String),
    /// Predictions from the prediction cache, shown at once.
    Cached(Vec<(u32, Prediction)>),
    Results {
        job: JobId,
        predictions: Vec<(u32, Prediction)>,
        /// Wall time of the batch these came from.
        batch_time: Duration,
    },
    Progress {
        job: JobId,
        done: usize,
        total: usize,
        /// Characters classified and in all: the cost still ahead, for the ETA.
        done_chars: usize,
        total_chars: usize,
        elapsed: Duration,
    },
    Finished {
        job: JobId,
        cancelled: bool,
    },
    Failed {
        job: JobId,
        error: String,
    },
    /// A warning that is not fatal (e.g. a corrupt cache file that was set aside).
    Warning(String),
}

/// How the worker gets its classifier (and how results are kept); the I/O lives behind these.
pub trait Backend: Send + 'static {
    /// Fetches and loads the model, reporting steps through `status`.
    fn load(&mut self, status: &Status) -> crate::error::Result<Predictor>;
    /// Predictions saved by an earlier run, and warnings about the cache. Asked at start and again
    /// once the model is loaded (a Hub model's identity may only be known then); each store is read
    /// once.
    fn cached(&mut self) -> (Vec<(u32, Prediction)>, Vec<String>) {
        (Vec::new(), Vec::new())
    }
    /// Keeps a batch of new predictions (called after every batch).
    fn save(&mut self, _predictions: &[(u32, Prediction)]) -> Result<(), String> {
        Ok(())
    }
}

struct Job {
    id: JobId,
    /// Rows still to do, in the order they will run (by text length, so batches pad little).
    todo: VecDeque<(u32, String)>,
    total: usize,
    done: usize,
    total_chars: usize,
    done_chars: usize,
    started: Instant,
}

impl Job {
    fn new(id: JobId, mut rows: Vec<(u32, String)>) -> Self {
        rows.sort_by_key(|(_, text)| text.len());
        let total_chars = rows.iter().map(|(_, t)| t.len()).sum();
        Job {
            id,
            total: rows.len(),
            todo: rows.into(),
            done: 0,
            total_chars,
            done_chars: 0,
            started: Instant::now(),
        }
    }
}

/// Runs the worker loop until the request channel closes.
/// `batch_size`: rows per batch; `None` lets the loaded model's device choose.
pub fn run(
    mut backend: impl Backend,
    batch_size: Option<usize>,
    requests: Receiver<Request>,
    out: Out,
) {
    deliver_cached(&mut backend, &out);
    let mut model: Option<Predictor> = None;
    let mut urgent: VecDeque<Job> = VecDeque::new();
    let mut batch: VecDeque<Job> = VecDeque::new();
    // Once the sender is gone, finish what is queued (headless `predict` relies on it), then stop.
    let mut closed = false;
    loop {
        // Take every waiting request; block only when there is nothing to do.
        loop {
            let idle = urgent.is_empty() && batch.is_empty();
            let request = if closed {
                if idle {
                    return;
                }
                break;
            } else if idle {
                match requests.recv() {
                    Ok(r) => r,
                    Err(_) => return,
                }
            } else {
                match requests.try_recv() {
                    Ok(r) => r,
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        closed = true;
                        continue;
                    }
                }
            };
            match request {
                Request::Preload => {
                    let _ = ensure_loaded(&mut model, &mut backend, batch_size, &out);
                }
                Request::Classify {
                    job,
                    rows,
                    urgent: u,
                } => {
                    let queue = if u { &mut urgent } else { &mut batch };
                    queue.push_back(Job::new(job, rows));
                }
                Request::Cancel { job } => {
                    for queue in [&mut urgent, &mut batch] {
                        if let Some(i) = queue.iter().position(|j| j.id == job) {
                            queue.remove(i);
                            out(WorkerMsg::Finished {
                                job,
                                cancelled: true,
                            });
                        }
                    }
                }
            }
        }
        let queue = if urgent.is_empty() {
            &mut batch
        } else {
            &mut urgent
        };
        let Some(job) = queue.front_mut() else {
            continue;
        };
        let classifier = match ensure_loaded(&mut model, &mut backend, batch_size, &out) {
            Ok(c) => c,
            Err(e) => {
                out(WorkerMsg::Failed {
                    job: job.id,
                    error: e,
                });
                queue.pop_front();
                continue;
            }
        };
        let n = rows_per_batch(batch_size, classifier).min(job.todo.len());
        let rows: Vec<(u32, String)> = job.todo.drain(..n).collect();
        let started = Instant::now();
        let result = classify(classifier, &rows);
        for w in classifier.take_warnings() {
            out(WorkerMsg::Warning(w));
        }
        match result {
            Ok(predictions) => {
                let chars: usize = rows.iter().map(|(_, t)| t.len()).sum();
                job.done += rows.len();
                job.done_chars += chars;
                if let Err(e) = backend.save(&predictions) {
                    out(WorkerMsg::Warning(format!(
                        "prediction cache not updated: {e}"
                    )));
                }
                out(WorkerMsg::Results {
                    job: job.id,
                    predictions,
                    batch_time: started.elapsed(),
                });
                out(WorkerMsg::Progress {
                    job: job.id,
                    done: job.done,
                    total: job.total,
                    done_chars: job.done_chars,
                    total_chars: job.total_chars,
                    elapsed: job.started.elapsed(),
                });
                if job.todo.is_empty() {
                    out(WorkerMsg::Finished {
                        job: job.id,
                        cancelled: false,
                    });
                    queue.pop_front();
                }
            }
            Err(error) => {
                out(WorkerMsg::Failed { job: job.id, error });
                queue.pop_front();
            }
        }
    }
}

fn deliver_cached(backend: &mut impl Backend, out: &Out) {
    let (predictions, warnings) = backend.cached();
    for w in warnings {
        out(WorkerMsg::Warning(w));
    }
    if !predictions.is_empty() {
        out(WorkerMsg::Cached(predictions));
    }
}

/// `--batch-size` when given, else what suits the model's device.
fn rows_per_batch(batch_size: Option<usize>, classifier: &Predictor) -> usize {
    batch_size
        .unwrap_or_else(|| classifier.default_batch_size())
        .max(1)
}

/// The classifier, loading it first if needed. A failed load is reported and not remembered, so the
/// next request tries again (the network may be back, the file fixed).
fn ensure_loaded<'a>(
    model: &'a mut Option<Predictor>,
    backend: &mut impl Backend,
    batch_size: Option<usize>,
    out: &Out,
) -> Result<&'a mut Predictor, String> {
    if model.is_none() {
        let to_out = out.clone();
        let status: Status = Arc::new(move |s| to_out(WorkerMsg::Status(s)));
        match backend.load(&status) {
            Ok(mut c) => {
                out(WorkerMsg::Ready {
                    model: c.name(),
                    device: c.device_label(),
                    note: c.note(),
                    batch_size: rows_per_batch(batch_size, &c),
                });
                for w in c.take_warnings() {
                    out(WorkerMsg::Warning(w));
                }
                *model = Some(c);
                deliver_cached(backend, out);
            }
            Err(e) => {
                let e = e.to_string();
                out(WorkerMsg::LoadFailed(e.clone()));
                return Err(e);
            }
        }
    }
    Ok(model.as_mut().expect("set above"))
}

fn classify(
    classifier: &mut Predictor,
    rows: &[(u32, String)],
) -> Result<Vec<(u32, Prediction)>, String> {
    let rows_text: Vec<(u32, &str)> = rows.iter().map(|(r, t)| (*r, t.as_str())).collect();
    let predictions = classifier.classify(&rows_text).map_err(|e| e.to_string())?;
    Ok(rows.iter().map(|(r, _)| *r).zip(predictions).collect())
}

/// Starts the worker thread; messages go to `out`.
pub fn spawn(backend: impl Backend, batch_size: Option<usize>, out: Out) -> Sender<Request> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("reviewlens-inference".into())
        .spawn(move || run(backend, batch_size, rx, out))
        .expect("the OS can start a thread");
    tx
}
