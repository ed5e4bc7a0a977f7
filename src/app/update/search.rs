//! `/`: searching as you type, keeping or cancelling the search, and jumping between matches.

use super::nav::select;
use crate::app::action::Action;
use crate::app::state::{Mode, Search, State};

pub(super) fn act(state: &mut State, action: Action) {
    use Action::*;
    match action {
        StartSearch => {
            state.mode = Mode::Search {
                input: (state.search.as_ref())
                    .map(|s| s.query.clone())
                    .unwrap_or_default(),
                previous: state.search.clone(),
                selected_before: state.selected,
            };
        }
        SearchInput(c) => edit(state, |input| input.push(c)),
        SearchBackspace => edit(state, |input| {
            input.pop();
        }),
        SearchClear => edit(state, String::clear),
        SearchConfirm => {
            state.mode = Mode::Browse;
            if state.search.as_ref().is_some_and(|s| s.query.is_empty()) {
                state.search = None;
            }
        }
        SearchCancel => {
            if let Mode::Search {
                previous,
                selected_before,
                ..
            } = std::mem::replace(&mut state.mode, Mode::Browse)
            {
                state.search = previous;
                state.start_search(None);
                select(state, selected_before);
            }
        }
        NextMatch => jump_to_match(state, true),
        PrevMatch => jump_to_match(state, false),
        _ => {}
    }
}

/// Pasted text (already one line) typed into the search at once: one search, not one a character.
pub(super) fn insert(state: &mut State, text: &str) {
    edit(state, |input| input.push_str(text));
}

/// Applies an edit to the search being typed, re-runs it, and moves to the first match at or after
/// where the search started (as incremental search does in less and vim). Over a large view the
/// search runs in slices, replaced by the next edit's: typed ahead, only the last query runs on.
fn edit(state: &mut State, edit: impl FnOnce(&mut String)) {
    let Mode::Search {
        input,
        selected_before,
        ..
    } = &mut state.mode
    else {
        return;
    };
    edit(input);
    let query = input.clone();
    let from = *selected_before;
    state.search = Some(Search {
        query,
        matches: Vec::new(),
    });
    state.start_search(Some(from));
}

fn jump_to_match(state: &mut State, forward: bool) {
    let Some(search) = &state.search else {
        state.notice = Some("no search; press / to search".into());
        return;
    };
    let matches = &search.matches;
    if matches.is_empty() {
        state.notice = Some(format!("no matches for \"{}\"", search.query));
        return;
    }
    let cur = state.selected;
    let next = if forward {
        matches.iter().find(|&&m| m > cur)
    } else {
        matches.iter().rev().find(|&&m| m < cur)
    };
    let (target, wrapped) = match (next, forward) {
        (Some(&m), _) => (m, None),
        (None, true) => (matches[0], Some("search wrapped to the top")),
        (None, false) => (
            matches[matches.len() - 1],
            Some("search wrapped to the bottom"),
        ),
    };
    if let Some(wrapped) = wrapped {
        state.notice = Some(wrapped.into());
    }
    select(state, target);
}
