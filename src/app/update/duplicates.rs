//! `D`: asking the worker for near duplicates, taking its answer in, and going from a review to
//! one of its near duplicates (Enter or 1–9 in the review).

use crate::app::action::{Action, Command, Side};
use crate::app::state::{Mode, State};
use crate::format::thousands;

pub(super) fn act(state: &mut State, action: Action) -> Vec<Command> {
    match action {
        Action::FindDuplicates => find(state),
        Action::JumpDuplicate(n) => {
            jump(state, n as usize);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn find(state: &mut State) -> Vec<Command> {
    let dups = &mut state.duplicates;
    if dups.asked {
        state.notice = Some("finding near duplicates… x stops it".into());
        return Vec::new();
    }
    if let Some(Ok(_)) = dups.found {
        state.notice = Some(summary(state));
        return Vec::new();
    }
    dups.asked = true;
    let rows: Vec<u32> = (0..state.data.rows.len() as u32).collect();
    state.notice = Some(format!(
        "finding near duplicates among all {} rows (embedding them first, through the cache) · x stops it",
        thousands(rows.len())
    ));
    vec![Command::NearDuplicates {
        side: Side::A,
        rows,
    }]
}

/// The worker's answer.
pub(super) fn found(state: &mut State, result: Result<Vec<(u32, Vec<u32>)>, String>) {
    let dups = &mut state.duplicates;
    dups.asked = false;
    dups.found = Some(result.map(|sets| sets.into_iter().collect()));
    state.notice = Some(summary(state));
}

/// "near duplicates: 120 rows have one, 8 labelled unlike it, 3 test rows leaked".
pub fn summary(state: &State) -> String {
    match &state.duplicates.found {
        Some(Ok(_)) => {
            let all = 0..state.data.rows.len() as u32;
            let c = state.duplicates.counts(&state.data, all);
            format!(
                "near duplicates: {} rows have one, {} labelled unlike it, {} test rows leaked into train",
                thousands(c.near),
                thousands(c.conflicting),
                thousands(c.leaked)
            )
        }
        Some(Err(e)) => format!("near duplicates: {e}"),
        None => "near duplicates: not looked for (D)".into(),
    }
}

/// The `n`th near duplicate of the selected review (0: the first; with none, Enter leaves the
/// review as it always did).
fn jump(state: &mut State, n: usize) {
    let Some(row) = state.selected_row() else {
        return;
    };
    let targets = state.duplicates.of(row as u32).to_vec();
    let Some(&target) = targets.get(n) else {
        match n {
            0 => state.mode = Mode::Browse,
            _ => state.notice = Some(format!("no near duplicate #{}", n + 1)),
        }
        return;
    };
    let name = |r: u32| {
        let r = r as usize;
        format!(
            "{}:{}",
            state.data.split_of(r),
            state.data.rows.row_index(r)
        )
    };
    match state.view.iter().position(|&r| r == target) {
        Some(pos) => {
            state.notice = Some(format!("near duplicate of {}", name(row as u32)));
            state.select(pos);
        }
        None => {
            state.notice = Some(format!(
                "{} is not in this view: Tab to \"all\" and clear the filters (Esc) to see it",
                name(target)
            ))
        }
    }
}
