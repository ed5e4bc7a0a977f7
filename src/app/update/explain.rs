//! `a`: asking the worker to explain the selected review (or, for `E`, its edited text), taking in
//! what it reports as batches finish, and stopping it (`x`, Esc).

use crate::app::action::{Command, Side};
use crate::app::explanations::{Running, flip_line};
use crate::app::protocol::JobId;
use crate::app::state::State;
use crate::explain::Explanation;
use crate::format::thousands;

pub(super) fn start(state: &mut State) -> Vec<Command> {
    let Some(row) = state.selected_row().map(|r| r as u32) else {
        state.notice = Some("nothing selected".into());
        return Vec::new();
    };
    let explanations = &mut state.explanations;
    if explanations.is_running(row) {
        state.notice = Some("explaining this review… x stops it".into());
        return Vec::new();
    }
    if explanations
        .of
        .get(&row)
        .is_some_and(Explanation::is_complete)
    {
        state.notice = Some("explained: the words and the flip are in the review pane".into());
        return Vec::new();
    }
    explanations.failed.remove(&row);
    explanations.of.remove(&row);
    let commands = run(state, row, None);
    state.notice = Some(format!(
        "explaining {}:{}: each word left out in turn, on the worker · x stops it",
        state.data.split_of(row as usize),
        thousands(state.data.rows.row_index(row as usize) as usize)
    ));
    commands
}

/// Stops what runs and explains row `row`'s text, or `edited` text of it.
pub(super) fn run(state: &mut State, row: u32, edited: Option<String>) -> Vec<Command> {
    let mut commands = cancel(state);
    let job = state.preds.new_job();
    state.explanations.running = Some(Running {
        job,
        row,
        edited: edited.is_some(),
    });
    commands.push(Command::Explain {
        side: Side::A,
        job,
        row,
        text: edited,
    });
    commands
}

/// Stops the running explanation and the words pane's queued ones, if any (the worker ends the
/// one running after its batch in flight).
pub(super) fn cancel(state: &mut State) -> Vec<Command> {
    let running = state.explanations.running.map(|r| r.job);
    let batch = state
        .explanations
        .batch
        .iter()
        .flat_map(|b| b.jobs.keys().copied());
    let mut jobs: Vec<JobId> = running.into_iter().chain(batch).collect();
    jobs.sort_unstable();
    if !jobs.is_empty() {
        state.notice = Some("stopping the explanation after the current batch…".into());
    }
    let cancel = |job| Command::Cancel { side: Side::A, job };
    jobs.into_iter().map(cancel).collect()
}

/// Whether `job` on `side` is an explanation: the running one, or one of the words pane's.
pub(super) fn is_explanation_job(state: &State, side: Side, job: JobId) -> bool {
    let ex = &state.explanations;
    side == Side::A
        && (ex.running.is_some_and(|r| r.job == job)
            || ex.batch.as_ref().is_some_and(|b| b.jobs.contains_key(&job)))
}

/// What the worker knows so far of an explanation (a stale job's report is dropped).
pub(super) fn explained(
    state: &mut State,
    (job, row): (JobId, u32),
    explanation: Explanation,
    done: bool,
) {
    let batch = state.explanations.batch.as_ref();
    if batch.is_some_and(|b| b.jobs.get(&job) == Some(&row)) {
        state.explanations.of.insert(row, explanation);
        return;
    }
    let Some(running) = state
        .explanations
        .running
        .filter(|r| r.job == job && r.row == row)
    else {
        return;
    };
    let text = match (running.edited, &state.explanations.edited) {
        (true, Some(edit)) => edit.text.clone(),
        _ => state.text_of(row),
    };
    if done {
        state.notice = Some(flip_line(&state.data, &text, &explanation, false));
    }
    match (running.edited, &mut state.explanations.edited) {
        (true, Some(edit)) => edit.explanation = Some(explanation),
        _ => drop(state.explanations.of.insert(row, explanation)),
    }
}

/// An explanation's job is over: finished (its last report came just before) or stopped.
pub(super) fn finished(state: &mut State, job: JobId, cancelled: bool) {
    if batch_job_over(state, job, false) {
        return;
    }
    let Some(running) = state.explanations.running.take() else {
        return;
    };
    if cancelled {
        let any = match running.edited {
            true => (state.explanations.edited.as_ref()).is_some_and(|e| e.explanation.is_some()),
            false => state.explanations.of.contains_key(&running.row),
        };
        state.notice = Some(match any {
            true => "explanation stopped: the words scored so far stay in the review pane".into(),
            false => "explanation stopped".into(),
        });
    }
}

/// Ends `job` if it is one of the words pane's; when the last one ends, says how it went.
fn batch_job_over(state: &mut State, job: JobId, failed: bool) -> bool {
    let Some(batch) = &mut state.explanations.batch else {
        return false;
    };
    if batch.jobs.remove(&job).is_none() {
        return false;
    }
    batch.failed += failed as usize;
    if batch.jobs.is_empty() {
        let explained = batch.total - batch.failed;
        let failed = match batch.failed {
            0 => String::new(),
            n => format!(" ({} failed)", thousands(n)),
        };
        state.notice = Some(format!(
            "explained {} of {} reviews{failed}",
            thousands(explained),
            thousands(batch.total)
        ));
        state.explanations.batch = None;
    }
    true
}

pub(super) fn failed(state: &mut State, job: JobId, error: String) {
    if let Some(&row) = (state.explanations.batch.as_ref()).and_then(|b| b.jobs.get(&job)) {
        state.explanations.failed.insert(row, error);
        batch_job_over(state, job, true);
        return;
    }
    let Some(running) = state.explanations.running.take() else {
        return;
    };
    let text = format!("explanation failed: {error}");
    match (running.edited, &mut state.explanations.edited) {
        (true, Some(edit)) => edit.failed = Some(error),
        _ => drop(state.explanations.failed.insert(running.row, error)),
    }
    state.notice = Some(text.clone());
    state.alert = Some(text);
}
