//! `i` and `I`: label issues on and off, "label issues only", and the worker's cross-validation
//! when the classifier trains on the data.

use crate::app::action::{Action, Command, Side};
use crate::app::issues::Probabilities;
use crate::app::state::{Order, State};
use crate::format::thousands;

pub(super) fn act(state: &mut State, action: Action) -> Vec<Command> {
    match action {
        Action::ToggleLabelIssues if state.label_issues.on => {
            turn_off(state);
            Vec::new()
        }
        Action::ToggleLabelIssues => turn_on(state),
        Action::ToggleIssuesOnly => {
            let commands = match state.label_issues.on {
                true => Vec::new(),
                false => turn_on(state),
            };
            state.filters.issues_only = !state.filters.issues_only;
            state.rebuild_view();
            state.select_top();
            commands
        }
        _ => Vec::new(),
    }
}

/// Finds the issues (or asks the worker to cross-validate first) and orders the list by them.
fn turn_on(state: &mut State) -> Vec<Command> {
    state.label_issues.on = true;
    state.order = Order::LabelErrors;
    let mut commands = Vec::new();
    if state.label_issues.awaiting_cross_validation() {
        let rows: Vec<u32> = state.split_rows().map(|r| r as u32).collect();
        state.notice = Some(format!(
            "cross-validating the embedding head over {} rows for out-of-fold probabilities · x stops",
            thousands(rows.len())
        ));
        commands.push(Command::CrossValidate {
            side: Side::A,
            rows,
        });
    } else {
        state.refresh_issues();
        state.notice = Some(summary(state));
    }
    state.rebuild_view();
    state.select_top();
    commands
}

fn turn_off(state: &mut State) {
    let li = &mut state.label_issues;
    li.on = false;
    li.found = None;
    state.filters.issues_only = false;
    if state.order == Order::LabelErrors {
        state.order = Order::Dataset;
    }
    state.notice = Some("label issues off".into());
    state.rebuild_view();
}

/// The worker's out-of-fold probabilities: the issues can be found now.
pub(super) fn cross_validated(state: &mut State, result: Result<Vec<(u32, Vec<f32>)>, String>) {
    let li = &mut state.label_issues;
    let Probabilities::CrossValidated { probs, .. } = &mut li.probabilities else {
        return;
    };
    match result {
        Ok(mut oof) => {
            oof.sort_by_key(|(row, _)| *row);
            *probs = Some(oof);
            state.refresh_issues();
            state.notice = Some(summary(state));
        }
        Err(e) => {
            li.found = Some(Err(format!("cross-validation: {e}")));
            state.notice = Some(format!("label issues: cross-validation: {e}"));
        }
    }
    state.rebuild_view();
}

/// "label issues: 312 of 5,454 rows flagged; cleanlab estimates 215 label errors".
pub fn summary(state: &State) -> String {
    match &state.label_issues.found {
        Some(Ok(i)) => format!(
            "label issues: {} of {} rows flagged; cleanlab estimates {} label errors",
            thousands(i.flagged),
            thousands(i.checked),
            thousands(i.estimated)
        ),
        Some(Err(e)) => format!("label issues: {e}"),
        None => "label issues: waiting for cross-validation".into(),
    }
}
