//! Classifying rows without a terminal UI, for `predict` and `eval`: the same worker, batching and
//! prediction cache as the explorer, with progress on stderr.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::WorkerMsg;
use crate::cli::ModelArgs;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::Prediction;
use crate::runtime::Session;
use crate::runtime::worker::{self, Backend, Request};
use crate::throttle::Throttle;

/// Indices into `data.rows` of one split, or of every split.
pub fn split_rows(data: &Dataset, split: Option<&str>) -> Result<Vec<usize>> {
    match split {
        None => Ok((0..data.rows.len()).collect()),
        Some(name) => {
            let s = data.splits.iter().find(|s| s.name == name).ok_or_else(|| {
                let have: Vec<&str> = data.splits.iter().map(|s| s.name.as_str()).collect();
                Error::input(
                    "--split",
                    format!(
                        "no split \"{name}\" in {} (splits: {})",
                        data.source,
                        have.join(", ")
                    ),
                )
            })?;
            Ok(s.rows.clone().collect())
        }
    }
}

/// A prediction for every row in `rows` (indexed by row), from the cache where it has them and
/// from `session`'s model for the rest.
pub fn predict_rows(
    data: &Dataset,
    m: &ModelArgs,
    mut session: Session,
    rows: &[usize],
) -> Result<Vec<Option<Prediction>>> {
    let mut predictions: Vec<Option<Prediction>> = vec![None; data.rows.len()];
    let (cached, warnings) = session.cached();
    for w in warnings {
        eprintln!("reviewlens: warning: {w}");
    }
    for (row, p) in cached {
        if let Some(slot) = predictions.get_mut(row as usize) {
            *slot = Some(p);
        }
    }
    let todo: Vec<(u32, String)> = rows
        .iter()
        .filter(|&&r| predictions[r].is_none())
        .map(|&r| (r as u32, m.text.text(data.rows.get(r))))
        .collect();
    let from_cache = rows.len() - todo.len();
    if from_cache > 0 {
        eprintln!("{from_cache} of {} predictions from the cache", rows.len());
    }
    if !todo.is_empty() {
        classify(session, m.batch_size, todo, &mut predictions)?;
    }
    Ok(predictions)
}

/// Runs the worker on this thread's behalf and collects its results, reporting progress on stderr.
fn classify(
    session: Session,
    batch_size: Option<usize>,
    todo: Vec<(u32, String)>,
    predictions: &mut [Option<Prediction>],
) -> Result<()> {
    let (tx, reports) = std::sync::mpsc::channel();
    let out: worker::Out = Arc::new(move |m| {
        let _ = tx.send(m);
    });
    let requests = worker::spawn(session, batch_size, out);
    let mut progress = Progress::new(todo.len());
    let _ = requests.send(Request::Classify {
        job: 1,
        rows: todo,
        urgent: false,
    });
    drop(requests); // the worker finishes the job, then stops and closes `reports`
    for report in reports {
        match report {
            WorkerMsg::LoadFailed(e) => return Err(Error::Message(e)),
            WorkerMsg::Failed { error, .. } => {
                return Err(Error::Message(format!("classification failed: {error}")));
            }
            WorkerMsg::Cached(rows)
            | WorkerMsg::Results {
                predictions: rows, ..
            } => {
                for (row, p) in rows {
                    predictions[row as usize] = Some(p);
                }
            }
            other => progress.show(other),
        }
    }
    progress.finish()
}

/// What stderr says while the worker runs: its steps, the model once loaded, and a progress line
/// (redrawn in place on a terminal, a few lines a minute in a log).
pub(super) struct Progress {
    total: usize,
    done: usize,
    tty: bool,
    throttle: Throttle,
    /// Since the model was ready: the rate at the end is inference alone.
    started: Instant,
}

impl Progress {
    pub(super) fn new(total: usize) -> Self {
        let tty = std::io::stderr().is_terminal();
        let every = Duration::from_millis(if tty { 100 } else { 2000 });
        Progress {
            total,
            done: 0,
            tty,
            throttle: Throttle::new(every),
            started: Instant::now(),
        }
    }

    pub(super) fn show(&mut self, report: WorkerMsg) {
        match report {
            WorkerMsg::Status(s) => eprintln!("{s}"),
            WorkerMsg::Warning(w) => eprintln!("reviewlens: warning: {w}"),
            WorkerMsg::Ready {
                model,
                device,
                note,
                batch_size,
            } => {
                eprintln!(
                    "{model} on {device}{}, batches of {batch_size}, loaded in {:.2} s",
                    note.map(|n| format!(" ({n})")).unwrap_or_default(),
                    self.started.elapsed().as_secs_f64()
                );
                if device.starts_with("cpu") {
                    eprintln!("kernels: {}", reviewlens_kernels::describe());
                }
                self.started = Instant::now();
            }
            WorkerMsg::Progress {
                done,
                elapsed,
                done_chars,
                total_chars,
                ..
            } => self.line(done, elapsed, done_chars, total_chars),
            _ => {}
        }
    }

    fn line(&mut self, done: usize, elapsed: Duration, done_chars: usize, total_chars: usize) {
        self.done = done;
        if !self.throttle.ready() && done < self.total {
            return;
        }
        let rate = done as f64 / elapsed.as_secs_f64().max(1e-9);
        let eta =
            elapsed.as_secs_f64() * (total_chars - done_chars) as f64 / done_chars.max(1) as f64;
        let line = format!(
            "classified {done}/{} ({rate:.1}/s, ETA {eta:.0} s)",
            self.total
        );
        if self.tty {
            eprint!("\r{line}   ");
        } else {
            eprintln!("{line}");
        }
    }

    /// The closing line, or the error when the worker stopped short.
    fn finish(self) -> Result<()> {
        if self.tty {
            eprintln!();
        }
        if self.done < self.total {
            return Err(Error::Message(format!(
                "the classifier stopped after {} of {} reviews",
                self.done, self.total
            )));
        }
        let _ = std::io::stderr().flush();
        let secs = self.started.elapsed().as_secs_f64();
        eprintln!(
            "classified {} reviews in {secs:.2} s ({:.1}/s)",
            self.total,
            self.total as f64 / secs
        );
        Ok(())
    }
}
