//! `E`: the selected review's text edited (in the user's editor, or the line editor when there is
//! none) and predicted, with its attributions, beside the original's. The data never changes.

use super::{edit_prompt, explain};
use crate::app::action::{Action, Command, Editing};
use crate::app::explanations::Edited;
use crate::app::prompt::Prompt;
use crate::app::state::{Mode, State};

pub(super) fn act(state: &mut State, action: Action) -> Vec<Command> {
    match action {
        Action::EditReview => return start(state),
        Action::EditInput(c) => edit_prompt(state, |input| input.push(c)),
        Action::EditBackspace => edit_prompt(state, Prompt::backspace),
        Action::EditConfirm => {
            if let Mode::EditText { input, row } = std::mem::replace(&mut state.mode, Mode::Browse)
            {
                return edited(state, row, Ok(input.as_str().to_owned()));
            }
        }
        Action::EditCancel => {
            state.mode = Mode::Browse;
            state.notice = Some("edit cancelled".into());
        }
        _ => {}
    }
    Vec::new()
}

/// Opens the selected review's text (its last edit, when it has one) for editing.
fn start(state: &mut State) -> Vec<Command> {
    let Some(row) = state.selected_row().map(|r| r as u32) else {
        state.notice = Some("nothing selected".into());
        return Vec::new();
    };
    let text = match state.explanations.edit_of(row) {
        Some(edit) => edit.text.clone(),
        None => state.text_of(row),
    };
    match state.editor {
        Some(_) => vec![Command::EditText {
            row,
            what: Editing::Review,
            text,
        }],
        None => {
            // One line: line breaks become spaces (the model reads them as spaces anyway).
            let line: String = (text.chars())
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            state.mode = Mode::EditText {
                input: Prompt::new(line),
                row,
            };
            Vec::new()
        }
    }
}

/// The edited text of row `row` (or why the editor failed): predicted and explained on the worker.
pub(super) fn edited(state: &mut State, row: u32, text: Result<String, String>) -> Vec<Command> {
    let text = match text {
        Ok(text) => text,
        Err(why) => {
            let why = format!("the editor failed: {why}");
            state.notice = Some(why.clone());
            state.alert = Some(why);
            return Vec::new();
        }
    };
    if text.trim() == state.text_of(row).trim() {
        state.notice = Some("the text is unchanged: nothing new to predict".into());
        return Vec::new();
    }
    state.explanations.edited = Some(Edited {
        row,
        text: text.clone(),
        explanation: None,
        failed: None,
    });
    state.notice = Some("predicting the edited text, then its words · x stops it".into());
    explain::run(state, row, Some(text))
}
