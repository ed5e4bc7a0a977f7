//! Asking the workers to classify (the selected review ahead of everything, or every review in
//! view), cancelling, and taking in what the workers report.

use std::time::Duration;

use crate::app::action::{Command, Side};
use crate::app::predictions::{BatchJob, ModelStatus, Predictions};
use crate::app::protocol::WorkerMsg;
use crate::app::state::State;
use crate::format::thousands;

/// `c`: the selected review, on each classifier, before any batch.
pub(super) fn selected(state: &mut State) -> Vec<Command> {
    let Some(row) = state.selected_row() else {
        state.notice = Some("nothing selected".into());
        return Vec::new();
    };
    sides(state)
        .map(|(side, preds)| {
            let job = preds.new_job();
            preds.pending = Some((job, row as u32));
            Command::Classify {
                side,
                job,
                rows: vec![row as u32],
                urgent: true,
            }
        })
        .collect()
}

/// `C`: every review in view that a classifier has no prediction for, as one batch job each. With
/// a filter on predictions (mistakes, a cell, A/B), the rows it waits on instead: unclassified rows
/// can never enter its view, so "all in view" would be nothing at all.
pub(super) fn view(state: &mut State) -> Vec<Command> {
    let candidates = if state.view_waits_on_predictions() {
        state.candidate_rows()
    } else {
        state.view.clone()
    };
    let mut commands = Vec::new();
    let mut running = false;
    for (side, preds) in sides(state) {
        if preds.job.is_some() {
            running = true;
            continue;
        }
        let rows: Vec<u32> = (candidates.iter().copied())
            .filter(|&r| preds.get(r as usize).is_none())
            .collect();
        if rows.is_empty() {
            continue;
        }
        let job = preds.new_job();
        preds.job = Some(BatchJob::new(job, rows.len()));
        commands.push(Command::Classify {
            side,
            job,
            rows,
            urgent: false,
        });
    }
    if commands.is_empty() {
        // No count here: it would go stale while the progress bar beside it moves on.
        state.notice = Some(if running {
            "a batch is already running; x cancels it".into()
        } else {
            "every review in view is classified already".into()
        });
    }
    commands
}

/// `x`: cancels the running batches (after the batch in flight), and stops a classifier that is
/// still loading (training a head stops after its batch in flight).
pub(super) fn cancel(state: &mut State) -> Vec<Command> {
    let mut commands = super::explain::cancel(state);
    for (side, preds) in sides(state) {
        if let Some(j) = &preds.job {
            commands.push(Command::Cancel { side, job: j.id });
        }
        if matches!(preds.status, ModelStatus::Busy(_)) {
            commands.push(Command::StopLoading { side });
        }
    }
    state.notice = Some(if commands.is_empty() {
        "no batch is running".into()
    } else {
        "cancelling after the current batch…".into()
    });
    commands
}

/// Each classifier in turn (A, then B with `--compare`) with its predictions.
fn sides(state: &mut State) -> impl Iterator<Item = (Side, &mut Predictions)> {
    std::iter::once((Side::A, &mut state.preds)).chain(state.preds_b.as_mut().map(|b| (Side::B, b)))
}

/// Takes in a worker's report; new predictions can move rows in or out of a filtered or sorted view.
pub(super) fn worker_report(state: &mut State, side: Side, report: WorkerMsg) {
    let report = match report {
        WorkerMsg::CrossValidated(result) => {
            side_work_done(state);
            return super::issues::cross_validated(state, result);
        }
        WorkerMsg::NearDuplicates(result) => {
            side_work_done(state);
            return super::duplicates::found(state, result);
        }
        WorkerMsg::Similar { to, result } => {
            side_work_done(state);
            return super::similar::found(state, to, result);
        }
        WorkerMsg::Explained {
            job,
            row,
            explanation,
            done,
        } => return super::explain::explained(state, (job, row), explanation, done),
        WorkerMsg::Finished { job, cancelled }
            if super::explain::is_explanation_job(state, side, job) =>
        {
            return super::explain::finished(state, job, cancelled);
        }
        WorkerMsg::Failed { job, error }
            if super::explain::is_explanation_job(state, side, job) =>
        {
            return super::explain::failed(state, job, error);
        }
        report => report,
    };
    let State {
        preds,
        preds_b,
        data,
        notice,
        alert,
        ..
    } = state;
    let preds = match (side, preds_b.as_mut()) {
        (Side::A, _) => preds,
        (Side::B, Some(b)) => b,
        (Side::B, None) => return,
    };
    let gold = |row: u32| ((row as usize) < data.rows.len()).then(|| data.rows.label(row as usize));
    let reorder = matches!(report, WorkerMsg::Cached(_) | WorkerMsg::Results { .. });
    // B's notices say whose they are.
    let prefix = if side == Side::B { "B: " } else { "" };
    match take_report(preds, report, gold) {
        Some(Report::Notice(text)) => *notice = Some(format!("{prefix}{text}")),
        Some(Report::Error(text)) => {
            *notice = Some(format!("{prefix}{text}"));
            *alert = notice.clone();
        }
        None => {}
    }
    if reorder && state.shown_depends_on_predictions() {
        state.refresh_issues();
        state.rebuild_view();
    }
}

/// Work beside classifying (cross-validation, near duplicates) is over: its status lines are too,
/// so an unloaded model is idle again (a loaded one was reported ready just before).
fn side_work_done(state: &mut State) {
    if matches!(state.preds.status, ModelStatus::Busy(_)) {
        state.preds.status = ModelStatus::Idle;
    }
}

/// What a worker's report asks the user to read: a notice for the status bar, or an error to read
/// in full as well.
enum Report {
    Notice(String),
    Error(String),
}

/// Applies one report to a classifier's predictions; returns what it calls for telling, if anything.
fn take_report(
    preds: &mut Predictions,
    report: WorkerMsg,
    gold: impl Fn(u32) -> Option<u32>,
) -> Option<Report> {
    match report {
        WorkerMsg::Status(s) => preds.status = ModelStatus::Busy(s),
        WorkerMsg::Ready {
            model,
            device,
            note,
            batch_size,
        } => {
            preds.model_name = model;
            preds.status = ModelStatus::Ready {
                device,
                note,
                batch_size,
            };
        }
        WorkerMsg::LoadFailed(e) => {
            preds.status = ModelStatus::Failed(e.clone());
            preds.job = None;
            preds.pending = None;
            return Some(Report::Error(format!("model unavailable: {e}")));
        }
        WorkerMsg::LoadStopped(why) => {
            // The jobs that waited for it end too; their "cancelled" reports then find no job.
            preds.status = ModelStatus::Idle;
            preds.job = None;
            preds.pending = None;
            return Some(Report::Notice(why));
        }
        WorkerMsg::Cached(rows) => insert(preds, rows, &gold),
        WorkerMsg::Results {
            job,
            predictions,
            batch_time,
        } => {
            if let Some((pending_job, row)) = preds.pending
                && pending_job == job
                && predictions.iter().any(|(r, _)| *r == row)
            {
                preds.latency = Some((row, batch_time));
                preds.pending = None;
            }
            insert(preds, predictions, &gold);
        }
        progress @ WorkerMsg::Progress { .. } => take_progress(preds, progress),
        WorkerMsg::Finished { job, cancelled } => {
            let j = preds.job.take_if(|j| j.id == job)?;
            return Some(Report::Notice(finished(&j, cancelled)));
        }
        WorkerMsg::Failed { job, error } => {
            preds.job.take_if(|j| j.id == job);
            preds.pending.take_if(|(j, _)| *j == job);
            return Some(Report::Error(format!("classification failed: {error}")));
        }
        WorkerMsg::Warning(w) => return Some(Report::Notice(w)),
        // The label issues, near duplicates and explanations take these (`worker_report`).
        WorkerMsg::CrossValidated(_)
        | WorkerMsg::NearDuplicates(_)
        | WorkerMsg::Similar { .. }
        | WorkerMsg::Explained { .. } => {}
    }
    None
}

/// A batch job's progress, if it is the running job's.
fn take_progress(preds: &mut Predictions, progress: WorkerMsg) {
    let WorkerMsg::Progress {
        job,
        done,
        total,
        done_chars,
        total_chars,
        elapsed,
    } = progress
    else {
        return;
    };
    if let Some(j) = preds.job.as_mut().filter(|j| j.id == job) {
        *j = BatchJob {
            id: job,
            done,
            total,
            done_chars,
            total_chars,
            elapsed,
        };
    }
}

fn insert(
    preds: &mut Predictions,
    rows: Vec<(u32, crate::model::Prediction)>,
    gold: &impl Fn(u32) -> Option<u32>,
) {
    for (row, p) in rows {
        if let Some(g) = gold(row) {
            preds.insert(row, g, p);
        }
    }
}

fn finished(j: &BatchJob, cancelled: bool) -> String {
    if cancelled {
        return format!(
            "cancelled: {} of {} classified",
            thousands(j.done),
            thousands(j.total)
        );
    }
    format!(
        "classified {} reviews in {:.1} s ({:.0}/s)",
        thousands(j.total),
        j.elapsed.as_secs_f64(),
        j.rate()
    )
}

/// A batch job that has not started yet.
impl BatchJob {
    fn new(id: crate::app::JobId, total: usize) -> Self {
        BatchJob {
            id,
            done: 0,
            total,
            done_chars: 0,
            total_chars: 0,
            elapsed: Duration::ZERO,
        }
    }
}
