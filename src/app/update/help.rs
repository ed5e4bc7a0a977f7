//! The help overlay: opening and closing it, and scrolling it within what the last frame measured
//! (how many lines it has at this size, and how many show).

use crate::app::action::Action;
use crate::app::state::{Mode, State};

pub(super) fn act(state: &mut State, action: Action) {
    match action {
        Action::ToggleHelp if state.mode == Mode::Help => state.mode = Mode::Browse,
        Action::ToggleHelp => {
            state.mode = Mode::Help;
            state.help_scroll = 0;
        }
        Action::CloseHelp => state.mode = Mode::Browse,
        Action::HelpScroll(by) => scroll(state, by),
        Action::HelpPage(down) => {
            let page = state.facts.help.map_or(1, |h| h.shown.max(2) - 1) as i32;
            scroll(state, if down { page } else { -page });
        }
        _ => {}
    }
}

fn scroll(state: &mut State, by: i32) {
    let at = (state.help_scroll as i32).saturating_add(by);
    state.help_scroll = at.clamp(0, u16::MAX as i32) as u16;
    clamp(state);
}

/// Keeps the help from scrolling past its last line, as far as the last frame measured it.
pub(super) fn clamp(state: &mut State) {
    if let Some(help) = state.facts.help {
        state.help_scroll = state.help_scroll.min(help.max_scroll);
    }
}
