//! `a`: asking the worker to explain the selected review, taking in what it reports as batches
//! finish, and stopping it (`x`, Esc).

use crate::app::action::{Command, Side};
use crate::app::explanations::flip_line;
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
    // One explanation at a time: the one asked for last is the one looked at.
    let mut commands = cancel(state);
    let job = state.preds.new_job();
    let explanations = &mut state.explanations;
    explanations.running = Some((job, row));
    explanations.failed.remove(&row);
    explanations.of.remove(&row);
    state.notice = Some(format!(
        "explaining {}:{}: each word left out in turn, on the worker · x stops it",
        state.data.split_of(row as usize),
        thousands(state.data.rows[row as usize].row_index as usize)
    ));
    commands.push(Command::Explain {
        side: Side::A,
        job,
        row,
    });
    commands
}

/// Stops the running explanation, if any (the worker ends it after its batch in flight).
pub(super) fn cancel(state: &mut State) -> Vec<Command> {
    match state.explanations.running {
        Some((job, _)) => {
            state.notice = Some("stopping the explanation after the current batch…".into());
            vec![Command::Cancel { side: Side::A, job }]
        }
        None => Vec::new(),
    }
}

/// Whether `job` on `side` is the running explanation.
pub(super) fn is_running(state: &State, side: Side, job: JobId) -> bool {
    side == Side::A && state.explanations.running.is_some_and(|(j, _)| j == job)
}

/// What the worker knows so far of an explanation (a stale job's report is dropped).
pub(super) fn explained(
    state: &mut State,
    (job, row): (JobId, u32),
    explanation: Explanation,
    done: bool,
) {
    if !is_running(state, Side::A, job) {
        return;
    }
    if done {
        let text = state
            .texts(&[row])
            .pop()
            .map(|(_, t)| t)
            .unwrap_or_default();
        state.notice = Some(flip_line(&state.data, &text, &explanation, false));
    }
    state.explanations.of.insert(row, explanation);
}

/// The running explanation's job is over: finished (its last report came just before) or
/// stopped.
pub(super) fn finished(state: &mut State, cancelled: bool) {
    let Some((_, row)) = state.explanations.running.take() else {
        return;
    };
    if cancelled {
        state.notice = Some(match state.explanations.of.contains_key(&row) {
            true => "explanation stopped: the words scored so far stay in the review pane".into(),
            false => "explanation stopped".into(),
        });
    }
}

pub(super) fn failed(state: &mut State, error: String) {
    if let Some((_, row)) = state.explanations.running.take() {
        let text = format!("explanation failed: {error}");
        state.explanations.failed.insert(row, error);
        state.notice = Some(text.clone());
        state.alert = Some(text);
    }
}
