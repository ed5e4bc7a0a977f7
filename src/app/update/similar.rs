//! `f` (the reviews most like the selected one) and `/~text` (every review ranked by similarity
//! to a text): asked of the worker, and shown as the list's rows in their order.

use crate::app::action::{Command, Side};
use crate::app::protocol::SimilarTo;
use crate::app::similar::NEAREST;
use crate::app::state::State;
use crate::format::thousands;

/// `f`: the selected review's nearest reviews.
pub(super) fn find(state: &mut State) -> Vec<Command> {
    let Some(row) = state.selected_row().map(|r| r as u32) else {
        state.notice = Some("nothing selected".into());
        return Vec::new();
    };
    state.notice = Some(format!(
        "finding the {NEAREST} reviews most like {} (every review embedded first, through the cache) · x stops it",
        name(state, row)
    ));
    ask(state, SimilarTo::Row(row), NEAREST)
}

/// `/~text`: every review ranked by similarity to `text`.
pub(super) fn search(state: &mut State, text: &str) -> Vec<Command> {
    state.notice = Some(format!("ranking every review by similarity to \"{text}\"…"));
    let all = state.data.rows.len();
    ask(state, SimilarTo::Text(text.to_owned()), all)
}

fn ask(state: &mut State, to: SimilarTo, k: usize) -> Vec<Command> {
    state.similar.asked = Some(to.clone());
    vec![Command::Similar {
        side: Side::A,
        to,
        k,
    }]
}

/// The worker's answer; one for something no longer asked is dropped.
pub(super) fn found(state: &mut State, to: SimilarTo, result: Result<Vec<(u32, f32)>, String>) {
    if state.similar.asked.as_ref() != Some(&to) {
        return;
    }
    state.similar.asked = None;
    let ranked = match result {
        Ok(ranked) => ranked,
        Err(e) => {
            let text = format!("similar reviews: {e}");
            state.notice = Some(text.clone());
            state.alert = Some(text);
            return;
        }
    };
    let what = match &to {
        SimilarTo::Row(r) => format!("the {} reviews most like {}", ranked.len(), name(state, *r)),
        SimilarTo::Text(t) => format!("every review by similarity to \"{t}\""),
    };
    state.similar.shown = Some((to, ranked));
    state.rebuild_view();
    state.select(0);
    state.notice = Some(format!("{what} · Esc: every review again"));
}

/// "train:123".
pub fn name(state: &State, row: u32) -> String {
    let r = row as usize;
    let index = thousands(state.data.rows.row_index(r) as usize);
    format!("{}:{index}", state.data.split_of(r))
}
