//! Moving through the list and the review: keys, the wheel over either pane, clicks on a row or a
//! confusion-matrix cell, switching splits, and scrolling the review within its wrapped length.

use super::cells;
use crate::app::action::Action;
use crate::app::layout::{self, contains};
use crate::app::state::{SplitView, State};

/// Lines the wheel moves per notch.
const WHEEL_STEP: isize = 3;

pub(super) fn act(state: &mut State, action: Action) {
    use Action::*;
    match action {
        Up => move_by(state, -1),
        Down => move_by(state, 1),
        PageUp => move_by(state, -(state.list_height() as isize)),
        PageDown => move_by(state, state.list_height() as isize),
        Home => select(state, 0),
        End => select(state, state.view.len().saturating_sub(1)),
        NextSplit => cycle_split(state, true),
        PrevSplit => cycle_split(state, false),
        DetailDown => scroll_detail(state, 1),
        DetailUp => scroll_detail(state, -1),
        DetailPage(pages) => {
            // A page is the pane's height less its border and a line kept for context.
            let page =
                layout::layout(state).map_or(1, |l| l.detail.height.saturating_sub(3).max(1));
            scroll_detail(state, pages as isize * page as isize)
        }
        DetailTop => state.detail_scroll = 0,
        DetailEnd => scroll_detail(state, u16::MAX as isize),
        Scroll { column, row, down } => {
            let step = if down { WHEEL_STEP } else { -WHEEL_STEP };
            match layout::layout(state) {
                Some(l) if contains(l.detail, column, row) => scroll_detail(state, step),
                Some(l) if contains(l.list, column, row) => move_by(state, step),
                _ => {}
            }
        }
        Click { column, row } => click(state, column, row),
        _ => {}
    }
}

/// A click on a confusion-matrix cell filters to it; on a list row, selects it.
fn click(state: &mut State, column: u16, row: u16) {
    let Some(l) = layout::layout(state) else {
        return;
    };
    // The matrix is drawn (and clickable) once something is classified.
    if state.show_metrics
        && state.tally().classified > 0
        && let Some(cell) = layout::cell_at(state, l.stats, column, row)
    {
        cells::apply(state, cell);
    } else if let Some(line) = layout::list_row_at(l.list, column, row)
        && state.offset + line < state.view.len()
    {
        select(state, state.offset + line);
    }
}

pub(super) fn move_by(state: &mut State, delta: isize) {
    let target = state.selected.saturating_add_signed(delta);
    select(state, target);
}

/// Selects position `pos` of the view (clamped), resetting the detail scroll when the review changes.
/// A search still running over a large view then no longer jumps when it is done: the user has
/// moved on.
pub(super) fn select(state: &mut State, pos: usize) {
    if let Some(run) = &mut state.search_run {
        run.select_from = None;
    }
    state.select(pos);
}

fn cycle_split(state: &mut State, forward: bool) {
    // train → test → ... → all → train; with a single split, Tab still toggles it and "all".
    let n = state.data.splits.len();
    let order: Vec<SplitView> = (0..n).map(SplitView::One).chain([SplitView::All]).collect();
    let at = order.iter().position(|s| *s == state.split).unwrap_or(0);
    let next = if forward {
        (at + 1) % order.len()
    } else {
        (at + order.len() - 1) % order.len()
    };
    state.split = order[next];
    // Label issues are found over the split(s) in view.
    state.refresh_issues();
    state.rebuild_view();
}

fn scroll_detail(state: &mut State, delta: isize) {
    state.detail_scroll = (state.detail_scroll as isize + delta).clamp(0, u16::MAX as isize) as u16;
    clamp_detail(state);
}

/// Keeps the detail pane from scrolling past the end of the wrapped review, as far as the last
/// frame measured it (a review not drawn yet is clamped once it is).
pub(super) fn clamp_detail(state: &mut State) {
    if let Some((row, max)) = state.facts.detail
        && state.selected_row() == Some(row)
    {
        state.detail_scroll = state.detail_scroll.min(max);
    }
}
