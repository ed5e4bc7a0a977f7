//! Inference on its own thread. The worker owns the classifier (loaded on the first request, or at
//! start with `--preload`), takes requests on a channel and sends results, progress and errors back.
//! It never touches UI state. A long batch job is cut into length-sorted batches; between two batches
//! the worker reads new requests, so a cancel or a single "classify this row" waits one batch at most.
//! A batch that panics fails its job with the panic's message; the worker goes on serving.

mod explaining;

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::time::{Duration, Instant};

use crate::app::{JobId, SimilarTo, WorkerMsg};
use crate::data::{Dataset, TextField};
use crate::error::{Error, Result};
use crate::explain::Explanation;
use crate::guard::panic_message;
use crate::hub::Status;
use crate::model::Prediction;
use crate::model::tokenize::{Encoded, Words};
use explaining::Explaining;

/// Where the worker's reports go.
pub type Out = Arc<dyn Fn(WorkerMsg) + Send + Sync>;

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
    /// Classify `rows` of `data`, each row's text (`field`) read as its batch runs: the explorer's
    /// way, so a job over four million rows does not copy their text into the request.
    ClassifyRows {
        job: JobId,
        data: Arc<Dataset>,
        field: TextField,
        rows: Vec<u32>,
        urgent: bool,
    },
    Cancel {
        job: JobId,
    },
    /// Out-of-fold probabilities of (row, text, label), for label issues.
    CrossValidate {
        rows: Vec<(u32, String, u32)>,
    },
    /// The near duplicates among (row, text, label).
    NearDuplicates {
        rows: Vec<(u32, String, u32)>,
    },
    /// The `k` rows of (row, text, label) most similar to `to`, by embedding cosine.
    Similar {
        to: SimilarTo,
        rows: Vec<(u32, String, u32)>,
        k: usize,
    },
    /// Word attributions and the smallest flip for one review's text; goes before every
    /// classification job.
    Explain {
        job: JobId,
        row: u32,
        text: String,
    },
}

/// A loaded classifier, as the worker uses it.
pub trait Predict {
    /// The model as the status bar names it.
    fn name(&self) -> String;
    /// "cpu f32", "cuda:0 f16".
    fn device_label(&self) -> String;
    /// What the status bar should add: a CPU fallback, a missing pooling config.
    fn note(&self) -> Option<String>;
    /// Rows per batch when `--batch-size` is not given.
    fn default_batch_size(&self) -> usize;
    /// One batch of (row, text): a prediction per row, in order.
    fn classify(&mut self, rows: &[(u32, &str)]) -> Result<Vec<Prediction>>;
    /// Warnings (about caches) since the last call.
    fn take_warnings(&mut self) -> Vec<String>;
    /// A text's words and the model's input, for an explanation.
    fn words(&self, text: &str) -> Result<Words>;
    /// Class probabilities of a batch of token sequences, in order.
    fn probs(&mut self, batch: &[Encoded]) -> Result<Vec<Vec<f32>>>;
}

/// How the worker gets its classifier (and how results are kept); the I/O lives behind these.
pub trait Backend: Send + 'static {
    type Model: Predict;
    /// Fetches and loads the model, reporting steps through `status`.
    fn load(&mut self, status: &Status) -> Result<Self::Model>;
    /// Predictions saved by an earlier run, and warnings about the cache. Asked at start and again
    /// once the model is loaded (a Hub model's identity may only be known then); each store is read
    /// once.
    fn cached(&mut self) -> (Vec<(u32, Prediction)>, Vec<String>) {
        (Vec::new(), Vec::new())
    }
    /// Out-of-fold probabilities of `rows` (row, text, label), in order, for a classifier that
    /// trains on the data.
    fn cross_validate(
        &mut self,
        _rows: &[(u32, String, u32)],
        _status: &Status,
    ) -> Result<Vec<Vec<f32>>> {
        Err(Error::Message(
            "this classifier never trained on the data: its predictions are out-of-sample".into(),
        ))
    }
    /// Each row's near duplicates (positions in `rows`), from an embedding model.
    fn near_duplicates(
        &mut self,
        _rows: &[(u32, String, u32)],
        _status: &Status,
    ) -> Result<Vec<Vec<usize>>> {
        Err(Error::Message(
            "no embedding model for near duplicates".into(),
        ))
    }

    /// The `k` rows most similar to `to` among `rows` (row id, cosine), from an embedding model.
    fn similar(
        &mut self,
        _rows: &[(u32, String, u32)],
        _to: &SimilarTo,
        _k: usize,
        _status: &Status,
    ) -> Result<Vec<(u32, f32)>> {
        Err(Error::Message(
            "no embedding model for similar reviews".into(),
        ))
    }
    /// A complete explanation of `text` kept by an earlier run.
    fn explained(&mut self, _text: &str) -> Option<Explanation> {
        None
    }
    /// Keeps a complete explanation.
    fn save_explanation(
        &mut self,
        _text: &str,
        _explanation: &Explanation,
    ) -> std::result::Result<(), String> {
        Ok(())
    }

    /// Keeps a batch of new predictions (called after every batch).
    fn save(&mut self, _predictions: &[(u32, Prediction)]) -> std::result::Result<(), String> {
        Ok(())
    }
}

struct Job {
    id: JobId,
    /// Rows still to do, in the order they will run (by text length, so batches pad little), with
    /// their text unless `shared` holds it.
    todo: VecDeque<(u32, Option<String>)>,
    shared: Option<(Arc<Dataset>, TextField)>,
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
        let todo = rows.into_iter().map(|(r, t)| (r, Some(t))).collect();
        Job::of(id, todo, total_chars, None)
    }

    /// A job over `rows` of `data`, their texts read batch by batch.
    fn of_rows(id: JobId, data: Arc<Dataset>, field: TextField, rows: Vec<u32>) -> Self {
        let length = |r: u32| field.len(data.rows.get(r as usize));
        let mut rows: Vec<(u32, usize)> = rows.into_iter().map(|r| (r, length(r))).collect();
        rows.sort_by_key(|&(_, len)| len);
        let total_chars = rows.iter().map(|(_, len)| len).sum();
        let todo = rows.into_iter().map(|(r, _)| (r, None)).collect();
        Job::of(id, todo, total_chars, Some((data, field)))
    }

    fn of(
        id: JobId,
        todo: VecDeque<(u32, Option<String>)>,
        total_chars: usize,
        shared: Option<(Arc<Dataset>, TextField)>,
    ) -> Self {
        Job {
            id,
            total: todo.len(),
            todo,
            shared,
            done: 0,
            total_chars,
            done_chars: 0,
            started: Instant::now(),
        }
    }

    /// The next `n` rows to run, with their texts.
    fn take(&mut self, n: usize) -> Vec<(u32, String)> {
        let shared = &self.shared;
        let text = |r: u32| {
            let (data, field) = shared
                .as_ref()
                .expect("rows without a text come with the data set");
            field.text(data.rows.get(r as usize))
        };
        (self.todo.drain(..n))
            .map(|(r, t)| (r, t.unwrap_or_else(|| text(r))))
            .collect()
    }

    fn progress(&self) -> WorkerMsg {
        WorkerMsg::Progress {
            job: self.id,
            done: self.done,
            total: self.total,
            done_chars: self.done_chars,
            total_chars: self.total_chars,
            elapsed: self.started.elapsed(),
        }
    }
}

/// The worker's own state: its backend, the model once loaded, and the two queues.
struct Worker<B: Backend> {
    backend: B,
    batch_size: Option<usize>,
    out: Out,
    model: Option<B::Model>,
    urgent: VecDeque<Job>,
    batch: VecDeque<Job>,
    /// Explanations go first: the user is looking at the review.
    explains: VecDeque<Explaining>,
    /// The request channel is closed: finish what is queued (headless `predict` relies on it),
    /// then stop.
    closed: bool,
}

/// Runs the worker loop until the request channel closes and the queues are empty.
/// `batch_size`: rows per batch; `None` lets the loaded model's device choose.
pub fn run(
    backend: impl Backend,
    batch_size: Option<usize>,
    requests: Receiver<Request>,
    out: Out,
) {
    let mut worker = Worker {
        backend,
        batch_size,
        out,
        model: None,
        urgent: VecDeque::new(),
        batch: VecDeque::new(),
        explains: VecDeque::new(),
        closed: false,
    };
    worker.deliver_cached();
    while worker.take_requests(&requests) {
        worker.run_batch();
    }
}

impl<B: Backend> Worker<B> {
    /// Takes every waiting request, blocking only when there is nothing to do; `false` once there
    /// is nothing left to do and nobody to ask for more.
    fn take_requests(&mut self, requests: &Receiver<Request>) -> bool {
        loop {
            let idle = self.urgent.is_empty() && self.batch.is_empty() && self.explains.is_empty();
            let request = match (self.closed, idle) {
                (true, idle) => return !idle,
                (false, true) => match requests.recv() {
                    Ok(r) => r,
                    Err(_) => return false,
                },
                (false, false) => match requests.try_recv() {
                    Ok(r) => r,
                    Err(TryRecvError::Empty) => return true,
                    Err(TryRecvError::Disconnected) => {
                        self.closed = true;
                        continue;
                    }
                },
            };
            self.handle(request);
        }
    }

    fn handle(&mut self, request: Request) {
        match request {
            Request::Preload => {
                let _ = self.ensure_loaded();
            }
            Request::Classify { job, rows, urgent } => {
                self.queue_for(urgent).push_back(Job::new(job, rows));
            }
            Request::ClassifyRows {
                job,
                data,
                field,
                rows,
                urgent,
            } => {
                let job = Job::of_rows(job, data, field, rows);
                self.queue_for(urgent).push_back(job);
            }
            Request::Explain { job, row, text } => self.explains.push_back(Explaining {
                job,
                row,
                text,
                explainer: None,
            }),
            Request::CrossValidate { rows } => self.cross_validate(rows),
            Request::Similar { to, rows, k } => {
                let status = self.status();
                let result = self.backend.similar(&rows, &to, k, &status);
                self.ready_again();
                let result = result.map_err(|e| e.to_string());
                (self.out)(WorkerMsg::Similar { to, result });
            }
            Request::NearDuplicates { rows } => self.near_duplicates(rows),
            Request::Cancel { job } => {
                if let Some(i) = self.explains.iter().position(|e| e.job == job) {
                    self.explains.remove(i);
                    (self.out)(WorkerMsg::Finished {
                        job,
                        cancelled: true,
                    });
                }
                for queue in [&mut self.urgent, &mut self.batch] {
                    if let Some(i) = queue.iter().position(|j| j.id == job) {
                        queue.remove(i);
                        (self.out)(WorkerMsg::Finished {
                            job,
                            cancelled: true,
                        });
                    }
                }
            }
        }
    }

    /// Runs the next batch of the first explanation, else of the first urgent job, else of the
    /// first batch job.
    fn run_batch(&mut self) {
        if !self.explains.is_empty() {
            return self.explain_batch();
        }
        let Some(id) = self.queue().front().map(|j| j.id) else {
            return;
        };
        if let Err(error) = self.ensure_loaded() {
            // A stopped load has already ended every job.
            if self.queue().front().is_some_and(|j| j.id == id) {
                self.fail(id, error);
            }
            return;
        }
        let size = self.rows_per_batch();
        let job = self.queue().front_mut().expect("checked above");
        let n = size.min(job.todo.len());
        let rows = job.take(n);
        let started = Instant::now();
        let model = self.model.as_mut().expect("loaded above");
        let result = classify_guarded(model, &rows);
        for w in model.take_warnings() {
            (self.out)(WorkerMsg::Warning(w));
        }
        match result {
            Ok(predictions) => self.finish_batch(&rows, predictions, started.elapsed()),
            Err(error) => self.fail(id, error),
        }
    }

    /// Saves and reports a batch's predictions and the job's progress; ends the job when done.
    fn finish_batch(
        &mut self,
        rows: &[(u32, String)],
        predictions: Vec<(u32, Prediction)>,
        batch_time: Duration,
    ) {
        if let Err(e) = self.backend.save(&predictions) {
            (self.out)(WorkerMsg::Warning(format!(
                "prediction cache not updated: {e}"
            )));
        }
        let out = self.out.clone();
        let queue = self.queue();
        let job = queue.front_mut().expect("the job of this batch");
        job.done += rows.len();
        job.done_chars += rows.iter().map(|(_, t)| t.len()).sum::<usize>();
        out(WorkerMsg::Results {
            job: job.id,
            predictions,
            batch_time,
        });
        out(job.progress());
        if job.todo.is_empty() {
            out(WorkerMsg::Finished {
                job: job.id,
                cancelled: false,
            });
            queue.pop_front();
        }
    }

    /// Reports job `id` failed and drops it.
    fn fail(&mut self, id: JobId, error: String) {
        (self.out)(WorkerMsg::Failed { job: id, error });
        self.queue().pop_front();
    }

    /// Ends every queued job as cancelled (the user stopped the load they were waiting for).
    fn cancel_all(&mut self) {
        let explains = self.explains.drain(..).map(|e| e.job);
        let jobs = self
            .urgent
            .drain(..)
            .chain(self.batch.drain(..))
            .map(|j| j.id);
        for job in explains.chain(jobs).collect::<Vec<_>>() {
            (self.out)(WorkerMsg::Finished {
                job,
                cancelled: true,
            });
        }
    }

    /// The queue whose job runs next.
    /// Where a new job goes: urgent jobs run before batch jobs.
    fn queue_for(&mut self, urgent: bool) -> &mut VecDeque<Job> {
        if urgent {
            &mut self.urgent
        } else {
            &mut self.batch
        }
    }

    fn queue(&mut self) -> &mut VecDeque<Job> {
        if self.urgent.is_empty() {
            &mut self.batch
        } else {
            &mut self.urgent
        }
    }

    fn deliver_cached(&mut self) {
        let (predictions, warnings) = self.backend.cached();
        for w in warnings {
            (self.out)(WorkerMsg::Warning(w));
        }
        if !predictions.is_empty() {
            (self.out)(WorkerMsg::Cached(predictions));
        }
    }

    /// `--batch-size` when given, else what suits the model's device.
    fn rows_per_batch(&self) -> usize {
        let default = || self.model.as_ref().map_or(1, |m| m.default_batch_size());
        self.batch_size.unwrap_or_else(default).max(1)
    }

    /// Loads the classifier if it is not yet. A failed load is reported and not remembered, so the
    /// next request tries again (the network may be back, the file fixed).
    /// Cross-validates between batches; the status bar follows its steps, and shows the model
    /// again once it is done.
    fn cross_validate(&mut self, rows: Vec<(u32, String, u32)>) {
        let status = self.status();
        let result = match self.backend.cross_validate(&rows, &status) {
            Ok(probs) => Ok(rows.iter().map(|r| r.0).zip(probs).collect()),
            Err(e) => Err(e.to_string()),
        };
        self.ready_again();
        (self.out)(WorkerMsg::CrossValidated(result));
    }

    /// Finds near duplicates between batches, reporting them by row.
    fn near_duplicates(&mut self, rows: Vec<(u32, String, u32)>) {
        let status = self.status();
        let result = match self.backend.near_duplicates(&rows, &status) {
            Ok(sets) => Ok((rows.iter().zip(sets))
                .filter(|(_, set)| !set.is_empty())
                .map(|(r, set)| (r.0, set.iter().map(|&j| rows[j].0).collect()))
                .collect()),
            Err(e) => Err(e.to_string()),
        };
        self.ready_again();
        (self.out)(WorkerMsg::NearDuplicates(result));
    }

    /// Status lines for the status bar.
    fn status(&self) -> Status {
        let to_out = self.out.clone();
        Arc::new(move |s| to_out(WorkerMsg::Status(s)))
    }

    /// After work beside classifying: the model again in the status bar, when it is loaded.
    fn ready_again(&mut self) {
        if let Some(model) = &self.model {
            let (model, device, note) = (model.name(), model.device_label(), model.note());
            let batch_size = self.rows_per_batch();
            (self.out)(WorkerMsg::Ready {
                model,
                device,
                note,
                batch_size,
            });
        }
    }

    fn ensure_loaded(&mut self) -> std::result::Result<(), String> {
        if self.model.is_some() {
            return Ok(());
        }
        let to_out = self.out.clone();
        let status: Status = Arc::new(move |s| to_out(WorkerMsg::Status(s)));
        match self.backend.load(&status) {
            Ok(mut model) => {
                let warnings = model.take_warnings();
                let (name, device, note) = (model.name(), model.device_label(), model.note());
                self.model = Some(model);
                (self.out)(WorkerMsg::Ready {
                    model: name,
                    device,
                    note,
                    batch_size: self.rows_per_batch(),
                });
                for w in warnings {
                    (self.out)(WorkerMsg::Warning(w));
                }
                self.deliver_cached();
                Ok(())
            }
            Err(Error::Stopped(why)) => {
                (self.out)(WorkerMsg::LoadStopped(why.clone()));
                self.cancel_all();
                Err(why)
            }
            Err(e) => {
                let e = e.to_string();
                (self.out)(WorkerMsg::LoadFailed(e.clone()));
                Err(e)
            }
        }
    }
}

/// Classifies one batch (see [`guarded`]).
fn classify_guarded(
    model: &mut impl Predict,
    rows: &[(u32, String)],
) -> std::result::Result<Vec<(u32, Prediction)>, String> {
    let texts: Vec<(u32, &str)> = rows.iter().map(|(r, t)| (*r, t.as_str())).collect();
    let predictions = guarded(|| model.classify(&texts))?;
    Ok(rows.iter().map(|(r, _)| *r).zip(predictions).collect())
}

/// Runs one step of model work; a panic inside becomes the step's error (its message kept), so one
/// bad input cannot take the worker, or the explorer waiting on it, down.
pub(super) fn guarded<T>(step: impl FnOnce() -> Result<T>) -> std::result::Result<T, String> {
    match catch_unwind(AssertUnwindSafe(step)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => Err(format!(
            "the classifier crashed ({})",
            panic_message(&*panic, "no message")
        )),
    }
}

/// Starts the worker thread; messages go to `out`.
pub fn spawn(backend: impl Backend, batch_size: Option<usize>, out: Out) -> Sender<Request> {
    quiet_worker_panics();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(THREAD_NAME.into())
        .spawn(move || run(backend, batch_size, rx, out))
        .expect("the OS can start a thread");
    tx
}

/// The worker threads' name (the panic hook leaves the terminal alone for them).
pub const THREAD_NAME: &str = "reviewlens-inference";

/// A worker's panic is reported as its job's failure, so the panic hook prints nothing for it (a
/// message printed over the explorer's screen would garble it); other threads' panics go on to the
/// hook that was there.
fn quiet_worker_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(THREAD_NAME) {
                previous(info);
            }
        }));
    });
}
