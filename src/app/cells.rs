//! Confusion-matrix cells as filters: picking one with the arrows (or a click), applying it, clearing
//! it. A cell filter stands alone: it replaces the label and misclassified filters, and they replace it.

use super::state::{Cell, Mode, State};

/// `v`: opens the metrics pane and puts the cursor on the current cell filter, else on the mistake
/// cell with the most rows (the confusion most worth reading), else the top-left cell.
pub(crate) fn start_pick(state: &mut State) {
    let classes = state.data.label_names.len() as u32;
    if classes == 0 {
        state.notice = Some("no classes to pick from".into());
        return;
    }
    state.show_metrics = true;
    let tally = state.tally();
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
    let start = state.cell_filter.or(biggest_mistake).unwrap_or(Cell {
        gold: 0,
        predicted: 0,
    });
    state.mode = Mode::PickCell(start);
}

/// Moves the cursor, stopping at the matrix's edges.
pub(crate) fn move_cursor(state: &mut State, gold: i32, predicted: i32) {
    let last = state.data.label_names.len().saturating_sub(1) as i32;
    if let Mode::PickCell(cell) = &mut state.mode {
        cell.gold = (cell.gold as i32 + gold).clamp(0, last) as u32;
        cell.predicted = (cell.predicted as i32 + predicted).clamp(0, last) as u32;
    }
}

/// Filters the list to `cell`'s rows in the current split(s).
pub(crate) fn apply(state: &mut State, cell: Cell) {
    state.mode = Mode::Browse;
    state.cell_filter = Some(cell);
    state.label_filter = None;
    state.misclassified_only = false;
    state.compare_filter = super::state::CompareFilter::Off;
    state.rebuild_view();
    if !state.preds.any() {
        state.notice =
            Some("no predictions yet: c classifies the selected review, C all in view".into());
    }
}

pub(crate) fn clear(state: &mut State) {
    if state.cell_filter.take().is_some() {
        state.notice = Some("cell filter cleared".into());
        state.rebuild_view();
    } else {
        state.notice = Some("no cell filter to clear".into());
    }
}

/// "gold positive → predicted negative", for the status bar and notices.
pub fn describe(state: &State, cell: Cell) -> String {
    format!(
        "gold {} → predicted {}",
        state.data.label_name(cell.gold),
        state.data.label_name(cell.predicted)
    )
}
