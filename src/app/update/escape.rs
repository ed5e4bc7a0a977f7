//! Esc while browsing undoes one thing at a time, the most transient first: a running explanation,
//! the search (and `&`), a
//! cell filter, the mistakes (or A/B) filter, "label issues only", the label filter, the order, then
//! a running batch. Only on
//! a clean view does it quit, so a stray Esc never loses a filtered view.

use super::{cells, classify};
use crate::app::action::{Action, Command};
use crate::app::filters::CompareFilter;
use crate::app::state::{Order, State};

pub(super) fn escape(state: &mut State) -> Vec<Command> {
    if state.explanations.running.is_some() {
        return super::explain::cancel(state);
    }
    let filters = &mut state.filters;
    let cleared = if state.similar.shown.take().is_some() {
        "back to every review"
    } else if state.search.take().is_some() {
        filters.matches_only = false;
        "search cleared"
    } else if filters.cell.is_some() {
        cells::act(state, Action::ClearCell);
        return Vec::new();
    } else if filters.misclassified || filters.compare != CompareFilter::Off {
        filters.misclassified = false;
        filters.compare = CompareFilter::Off;
        "mistakes filter cleared"
    } else if state.finding_filter.take().is_some() {
        "findings filter cleared"
    } else if filters.issues_only {
        filters.issues_only = false;
        "label issues filter cleared"
    } else if filters.label.take().is_some() {
        "label filter cleared"
    } else if state.order != Order::Dataset {
        state.order = Order::Dataset;
        "back to dataset order"
    } else if state.preds.job.is_some() || state.preds_b.as_ref().is_some_and(|b| b.job.is_some()) {
        return classify::cancel(state);
    } else {
        return vec![Command::Quit];
    };
    state.rebuild_view();
    state.notice = Some(format!("{cleared} · Esc again clears the next, q quits"));
    Vec::new()
}
