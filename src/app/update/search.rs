//! `/`: searching as you type, keeping or cancelling the search, jumping between matches, and `&`
//! (the matches only).

use super::nav::select;
use crate::app::action::Action;
use crate::app::prompt::Prompt;
use crate::app::state::{Mode, Search, State};

pub(super) fn act(state: &mut State, action: Action) {
    use Action::*;
    match action {
        StartSearch => {
            state.mode = Mode::Search {
                input: Prompt::new(
                    (state.search.as_ref())
                        .map(|s| s.query.clone())
                        .unwrap_or_default(),
                ),
                previous: state.search.clone(),
                selected_before: state.selected,
            };
        }
        SearchInput(c) => edit(state, |input| input.push(c)),
        SearchBackspace => edit(state, Prompt::backspace),
        SearchClear => edit(state, Prompt::kill_to_start),
        SearchConfirm => {
            state.mode = Mode::Browse;
            if state.search.as_ref().is_some_and(|s| s.query.is_empty()) {
                state.search = None;
                state.search_changed(None);
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
                state.search_changed(None);
                select(state, selected_before);
            }
        }
        ToggleMatchesOnly => toggle_matches_only(state),
        NextMatch => jump_to_match(state, true),
        PrevMatch => jump_to_match(state, false),
        _ => {}
    }
}

/// Applies an edit to the search being typed and, when it changed the text, re-runs it and moves to
/// the first match at or after where the search started (as incremental search does in less and
/// vim). Over a large view the search runs in slices, replaced by the next edit's: typed ahead, only
/// the last query runs on. Moving the cursor searches nothing.
pub(super) fn edit(state: &mut State, edit: impl FnOnce(&mut Prompt)) {
    let Mode::Search {
        input,
        selected_before,
        ..
    } = &mut state.mode
    else {
        return;
    };
    let old = input.as_str().to_owned();
    edit(input);
    if input.as_str() == old {
        return;
    }
    let query = input.as_str().to_owned();
    let from = *selected_before;
    let search = Search::new(query, &state.data);
    let among = narrowed(state, &search);
    state.search = Some(search);
    match among {
        Some(among) => state.start_search_among(Some(from), Some(among)),
        None => state.search_changed(Some(from)),
    }
}

/// The matches of the search before `search`, when it ran to its end over the same view and
/// `search` narrows it: then only those need looking at.
fn narrowed(state: &State, search: &Search) -> Option<Vec<usize>> {
    let before = state.search.as_ref()?;
    let complete = state.search_run.is_none() && !state.filters.matches_only;
    let narrows = match (&search.parsed, &before.parsed) {
        (Ok(new), Ok(old)) => new.narrows(old),
        _ => false,
    };
    (complete && narrows).then(|| before.matches.clone())
}

/// `&`: the list holds only the search's matches, or every row again (with the matches marked).
fn toggle_matches_only(state: &mut State) {
    if state.search.is_none() && !state.filters.matches_only {
        state.notice = Some("& keeps only a search's matches: search with / first".into());
        return;
    }
    state.filters.matches_only = !state.filters.matches_only;
    state.notice = Some(match state.filters.matches_only {
        true => "only the matches · & shows every row again".into(),
        false => "every row, the matches marked".into(),
    });
    state.rebuild_view();
}

fn jump_to_match(state: &mut State, forward: bool) {
    let Some(search) = &state.search else {
        state.notice = Some("no search; press / to search".into());
        return;
    };
    if let Err(e) = &search.parsed {
        state.notice = Some(e.clone());
        return;
    }
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
