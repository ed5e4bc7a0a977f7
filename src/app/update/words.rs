//! `w`: the words pane: moving through the ranked words, filtering the list to one, and explaining
//! the rows in view that are not yet (one worker job each, stopped with `x`).

use std::collections::HashMap;

use crate::app::action::{Action, Command, Side};
use crate::app::explanations::ExplainBatch;
use crate::app::query::Query;
use crate::app::state::{Mode, Search, State};
use crate::app::words::{WordsPane, rank, unexplained};
use crate::format::thousands;

pub(super) fn act(state: &mut State, action: Action) -> Vec<Command> {
    match action {
        Action::ToggleWords => toggle(state),
        Action::WordsUp | Action::WordsDown => step(state, action == Action::WordsDown),
        Action::WordsFilter => filter(state),
        Action::WordsExplain => return explain_view(state),
        _ => {}
    }
    Vec::new()
}

/// `w`: opens the pane and gives it the keys; with the pane open but the list's keys (after
/// Enter filtered it), gives it the keys back; in the pane, closes it.
fn toggle(state: &mut State) {
    if state.words.is_some() {
        match state.mode == Mode::Words {
            true => (state.words, state.mode) = (None, Mode::Browse),
            false => state.mode = Mode::Words,
        }
        return;
    }
    state.words = Some(WordsPane::default());
    state.show_metrics = false;
    state.mode = Mode::Words;
    let ranking = rank(state);
    if ranking.explained == 0 {
        state.notice = Some(format!(
            "no review in view is explained yet: a explains the {} in view (or a on one review)",
            thousands(ranking.in_view)
        ));
    }
}

fn step(state: &mut State, down: bool) {
    let words = rank(state).words.len();
    if let Some(pane) = &mut state.words {
        pane.selected = match down {
            true => (pane.selected + 1).min(words.saturating_sub(1)),
            false => pane.selected.saturating_sub(1),
        };
    }
}

/// Enter: the rows whose text contains the selected word (a search for it, matches only).
fn filter(state: &mut State) {
    let Some(pane) = state.words else { return };
    let ranking = rank(state);
    let Some(word) = ranking.words.get(pane.selected) else {
        state.notice = Some("no word to filter by".into());
        return;
    };
    // The word as typed; quoted when it would read as a field word (`wrong`, `truncated`).
    let bare = word.word.replace('"', "");
    let text_only = Query::parse(&bare, &state.data.label_names).is_ok_and(|q| q.is_text_only());
    let query = if text_only {
        bare
    } else {
        format!("\"{bare}\"")
    };
    state.search = Some(Search::new(query, &state.data));
    state.filters.matches_only = true;
    state.search_changed(Some(0));
    state.mode = Mode::Browse;
    state.notice = Some(format!(
        "reviews with \"{}\" · Esc clears it, w goes back to the words",
        word.word
    ));
}

/// `a` in the pane: one explanation job per row in view not explained yet.
fn explain_view(state: &mut State) -> Vec<Command> {
    if state.explanations.batch.is_some() {
        state.notice = Some("already explaining the view… x stops it".into());
        return Vec::new();
    }
    let rows = unexplained(state);
    if rows.is_empty() {
        state.notice = Some("every review in view is explained".into());
        return Vec::new();
    }
    let mut jobs = HashMap::new();
    let mut commands = Vec::new();
    for row in rows {
        let job = state.preds.new_job();
        jobs.insert(job, row);
        let text = None;
        commands.push(Command::Explain {
            side: Side::A,
            job,
            row,
            text,
        });
    }
    state.notice = Some(format!(
        "explaining {} reviews, one after another · x stops",
        thousands(jobs.len())
    ));
    state.explanations.batch = Some(ExplainBatch {
        total: jobs.len(),
        jobs,
        failed: 0,
    });
    commands
}
