//! Confusion-matrix cells as filters: picking one with the arrows (or a click), applying it, clearing
//! it (a cell filter stands alone: see `Filters`).

use super::NO_PREDICTIONS;
use crate::app::action::Action;
use crate::app::filters::Cell;
use crate::app::state::{Mode, State};

pub(super) fn act(state: &mut State, action: Action) {
    match action {
        Action::PickCell => start_pick(state),
        Action::MoveCell { gold, predicted } => move_cursor(state, gold, predicted),
        Action::ConfirmCell => {
            if let Mode::PickCell(cell) = state.mode {
                apply(state, cell);
            }
        }
        Action::CancelPick => state.mode = Mode::Browse,
        Action::ClearCell => clear(state),
        _ => {}
    }
}

/// `v`: opens the metrics pane and puts the cursor on the current cell filter, else on the mistake
/// cell with the most rows (the confusion most worth reading), else the top-left cell.
fn start_pick(state: &mut State) {
    let classes = state.data.label_names.len() as u32;
    if classes == 0 {
        state.notice = Some("no classes to pick from".into());
        return;
    }
    let tally = state.tally();
    if tally.classified == 0 && state.filters.cell.is_none() {
        state.notice = Some(format!(
            "nothing to pick yet: no review of {} is classified (c classifies the selected one, C all in view)",
            state.split_name()
        ));
        return;
    }
    state.show_metrics = true;
    let biggest_mistake = (0..classes)
        .flat_map(|g| (0..classes).map(move |p| (g, p)))
        .filter(|&(g, p)| g != p && tally.confusion[g as usize][p as usize] > 0)
        .max_by_key(|&(g, p)| {
            (
                tally.confusion[g as usize][p as usize],
                std::cmp::Reverse((g, p)),
            )
        })
        .map(|(gold, predicted)| Cell { gold, predicted });
    let start = state.filters.cell.or(biggest_mistake).unwrap_or(Cell {
        gold: 0,
        predicted: 0,
    });
    state.mode = Mode::PickCell(start);
}

/// Moves the cursor, stopping at the matrix's edges.
fn move_cursor(state: &mut State, gold: i32, predicted: i32) {
    let last = state.data.label_names.len().saturating_sub(1) as i32;
    if let Mode::PickCell(cell) = &mut state.mode {
        cell.gold = (cell.gold as i32 + gold).clamp(0, last) as u32;
        cell.predicted = (cell.predicted as i32 + predicted).clamp(0, last) as u32;
    }
}

/// Filters the list to `cell`'s rows in the current split(s).
pub(super) fn apply(state: &mut State, cell: Cell) {
    state.mode = Mode::Browse;
    state.filters.set_cell(cell);
    state.rebuild_view();
    if !state.preds.any() {
        state.notice = Some(NO_PREDICTIONS.into());
    }
}

fn clear(state: &mut State) {
    if state.filters.cell.take().is_some() {
        state.notice = Some("cell filter cleared".into());
        state.rebuild_view();
    } else {
        state.notice = Some("no cell filter to clear".into());
    }
}
