//! `:` jumps to a row, as `:` does in less and vim: by its `row_index` (`:123`), by its split and
//! `row_index` in the "all" view (`:test:123`), or by its position in the list (`:#40`, from 1).

use super::{edit_prompt, nav};
use crate::app::action::Action;
use crate::app::prompt::Prompt;
use crate::app::state::{Mode, State};
use crate::format::thousands;

pub(super) fn act(state: &mut State, action: Action) {
    match action {
        Action::StartJump => {
            state.mode = Mode::Jump {
                input: Prompt::default(),
            }
        }
        Action::JumpInput(c) => edit_prompt(state, |input| input.push(c)),
        Action::JumpBackspace => edit_prompt(state, Prompt::backspace),
        Action::JumpConfirm => confirm(state),
        Action::JumpCancel => state.mode = Mode::Browse,
        _ => {}
    }
}

/// Enter: selects the row asked for, or says why it cannot (the prompt closes either way).
fn confirm(state: &mut State) {
    let Mode::Jump { input } = std::mem::replace(&mut state.mode, Mode::Browse) else {
        return;
    };
    match target(state, input.as_str().trim()) {
        Ok(pos) => nav::select(state, pos),
        Err(why) => state.notice = Some(why),
    }
}

/// The view position `text` names.
fn target(state: &State, text: &str) -> Result<usize, String> {
    let number = |s: &str| {
        s.trim().parse::<u64>().map_err(|_| {
            format!("\"{text}\" is not a row: type a row number (:123), split:row (:test:123) or #position (:#40)")
        })
    };
    if let Some(position) = text.strip_prefix('#') {
        let n = number(position)? as usize;
        let len = state.view.len();
        return match n {
            1.. if n <= len => Ok(n - 1),
            _ => Err(format!(
                "no position {n}: the list shows {} rows",
                thousands(len)
            )),
        };
    }
    let (split, row) = match text.rsplit_once(':') {
        Some((split, row)) => (Some(split.trim()), number(row)?),
        None => (None, number(text)?),
    };
    let data = &state.data;
    (state.view.iter())
        .position(|&r| {
            let r = r as usize;
            data.rows.row_index(r) == row && split.is_none_or(|s| data.split_of(r) == s)
        })
        .ok_or_else(|| format!("row {text} is not in this view (the filters or the split hide it)"))
}
