//! Findings from the keyboard: a mark (Space) and the next marked row ('), a corrected label (L),
//! tags (t), a note (o), undo (u) and redo (Ctrl-R), and the filters on them (F, T). Each change is
//! applied here and handed to the edge as a journal entry to keep (`Command::RecordFinding`).

use super::edit_prompt;
use crate::app::action::{Action, Command, Editing};
use crate::app::findings::FindingFilter;
use crate::app::prompt::Prompt;
use crate::app::state::{Mode, State};
use crate::findings::{Entry, Field};
use crate::format::thousands;

pub(super) fn act(state: &mut State, action: Action) -> Vec<Command> {
    use Action::*;
    match action {
        ToggleMark => return change(state, |f| Field::Marked(!f.is_some_and(|f| f.marked))),
        CorrectLabel => {
            let classes = state.data.label_names.len() as u32;
            let gold = state.selected_row().map(|r| state.data.rows.label(r));
            return change(state, |f| {
                Field::Label(next_label(f.and_then(|f| f.label), gold, classes))
            });
        }
        StartTag => prompt(state, |_| String::new(), |input| Mode::Tag { input }),
        StartNote => return start_note(state),
        FindingInput(c) => edit_prompt(state, |input| input.push(c)),
        FindingBackspace => edit_prompt(state, Prompt::backspace),
        CompleteTag => complete_tag(state),
        FindingConfirm => return confirm(state),
        FindingCancel => state.mode = Mode::Browse,
        NextMarked => next_marked(state),
        Undo => return undo_redo(state, true),
        Redo => return undo_redo(state, false),
        CycleFindingFilter => {
            state.finding_filter = FindingFilter::next(state.finding_filter.as_ref());
            filtered(state);
        }
        CycleTagFilter => cycle_tag(state),
        _ => {}
    }
    Vec::new()
}

/// The corrected label after `current`: the classes other than the gold one in turn, then none.
fn next_label(current: Option<u32>, gold: Option<u32>, classes: u32) -> Option<u32> {
    let start = current.map_or(0, |c| c + 1);
    (start..classes).find(|&c| Some(c) != gold)
}

/// Sets a field of the selected review's finding to what `value` makes of the finding now.
fn change(
    state: &mut State,
    value: impl FnOnce(Option<&crate::findings::Finding>) -> Field,
) -> Vec<Command> {
    let Some(row) = state.selected_row() else {
        state.notice = Some("nothing selected".into());
        return Vec::new();
    };
    let key = state.row_key(row);
    let after = value(state.findings.get(&key));
    match state.findings.change(&key, after) {
        Some(entry) => record(state, entry),
        None => Vec::new(),
    }
}

/// Applies a journal entry and asks the edge to keep it; the view follows a filter on findings.
fn record(state: &mut State, entry: Entry) -> Vec<Command> {
    state.findings.apply(&entry);
    if state.finding_filter.is_some() {
        state.rebuild_view();
    }
    if !state.findings_writable {
        state.notice = Some("findings are read-only here: this change is not kept".into());
        return Vec::new();
    }
    vec![Command::RecordFinding(entry)]
}

/// Opens the tag or note prompt on the selected review, holding what `text` gives.
fn prompt(
    state: &mut State,
    text: impl FnOnce(Option<&crate::findings::Finding>) -> String,
    mode: impl FnOnce(Prompt) -> Mode,
) {
    let Some(row) = state.selected_row() else {
        state.notice = Some("nothing selected".into());
        return;
    };
    let input = Prompt::new(text(state.finding(row)));
    state.mode = mode(input);
}

/// `o`: the note in the user's editor (several lines), or in the note prompt (one).
fn start_note(state: &mut State) -> Vec<Command> {
    let note = |f: Option<&crate::findings::Finding>| f.and_then(|f| f.note.clone());
    match (state.editor.is_some(), state.selected_row()) {
        (true, Some(row)) => vec![Command::EditText {
            row: row as u32,
            what: Editing::Note,
            text: note(state.finding(row)).unwrap_or_default(),
        }],
        _ => {
            prompt(
                state,
                |f| note(f).unwrap_or_default(),
                |input| Mode::Note { input },
            );
            Vec::new()
        }
    }
}

/// The note the user's editor gave back for row `row` (an empty one removes it).
pub(super) fn noted(state: &mut State, row: u32, text: Result<String, String>) -> Vec<Command> {
    let text = match text {
        Ok(text) => text.trim().to_owned(),
        Err(why) => {
            state.alert = Some(format!("the editor failed: {why}"));
            return Vec::new();
        }
    };
    let key = state.row_key(row as usize);
    match state
        .findings
        .change(&key, Field::Note((!text.is_empty()).then_some(text)))
    {
        Some(entry) => record(state, entry),
        None => Vec::new(),
    }
}

/// Enter in the tag prompt (tags separated by commas; `-tag` takes one off) or the note prompt
/// (an empty note removes it).
fn confirm(state: &mut State) -> Vec<Command> {
    let mode = std::mem::replace(&mut state.mode, Mode::Browse);
    let Some(row) = state.selected_row() else {
        return Vec::new();
    };
    match mode {
        Mode::Tag { input } => {
            let mut tags = state
                .finding(row)
                .map(|f| f.tags.clone())
                .unwrap_or_default();
            for word in input
                .as_str()
                .split(',')
                .map(str::trim)
                .filter(|w| !w.is_empty())
            {
                match word.strip_prefix('-') {
                    Some(gone) => drop(tags.remove(gone.trim())),
                    None => drop(tags.insert(word.to_owned())),
                }
            }
            change(state, |_| Field::Tags(tags))
        }
        Mode::Note { input } => {
            let note = input.as_str().trim().to_owned();
            change(state, |_| Field::Note((!note.is_empty()).then_some(note)))
        }
        other => {
            state.mode = other;
            Vec::new()
        }
    }
}

/// Tab in the tag prompt: the tag being typed (after the last comma) completed as far as the tags
/// in use that start with it agree; when that adds nothing, they are listed.
fn complete_tag(state: &mut State) {
    let Mode::Tag { input } = &state.mode else {
        return;
    };
    let text = input.as_str().to_owned();
    let start = text.rfind(',').map_or(0, |i| i + 1);
    let typed = text[start..].trim_start();
    let lead = &text[..text.len() - typed.len()];
    let tags = state.findings.tags();
    let fits: Vec<&str> = tags
        .keys()
        .copied()
        .filter(|t| t.starts_with(typed))
        .collect();
    let Some(first) = fits.first() else {
        state.notice = Some(format!("no tag starts with \"{typed}\""));
        return;
    };
    let common = fits.iter().fold(first.to_string(), |common, t| {
        let n = common
            .chars()
            .zip(t.chars())
            .take_while(|(a, b)| a == b)
            .count();
        common.chars().take(n).collect()
    });
    if common.len() > typed.len() {
        let done = if fits.len() == 1 { ", " } else { "" };
        state.mode = Mode::Tag {
            input: Prompt::new(format!("{lead}{common}{done}")),
        };
    } else {
        state.notice = Some(format!("tags: {}", fits.join(", ")));
    }
}

/// `'`: the next marked row in view after the selection, wrapping around.
fn next_marked(state: &mut State) {
    let n = state.view.len();
    let marked = |pos: usize| {
        let row = state.view[pos] as usize;
        state.finding(row).is_some_and(|f| f.marked)
    };
    let found = (1..=n)
        .map(|i| (state.selected + i) % n.max(1))
        .find(|&p| n > 0 && marked(p));
    match found {
        Some(pos) => state.select(pos),
        None => state.notice = Some("no marked review in view (Space marks one)".into()),
    }
}

fn undo_redo(state: &mut State, undo: bool) -> Vec<Command> {
    let step = match undo {
        true => state.findings.undo(),
        false => state.findings.redo(),
    };
    let Some((entry, change)) = step else {
        state.notice = Some(format!("nothing to {}", if undo { "undo" } else { "redo" }));
        return Vec::new();
    };
    state.notice = Some(format!(
        "{} on {}:{}",
        if undo { "undone" } else { "redone" },
        change.row.split,
        thousands(change.row.row_index as usize)
    ));
    record(state, entry)
}

/// `T`: the tags in use in turn as a filter, then none.
fn cycle_tag(state: &mut State) {
    let tags: Vec<(String, usize)> = (state.findings.tags().into_iter())
        .map(|(t, n)| (t.to_owned(), n))
        .collect();
    let at = match &state.finding_filter {
        Some(FindingFilter::Tag(t)) => tags.iter().position(|(x, _)| x == t).map(|i| i + 1),
        _ => Some(0),
    };
    state.finding_filter = at
        .and_then(|i| tags.get(i))
        .map(|(t, _)| FindingFilter::Tag(t.clone()));
    if tags.is_empty() {
        state.notice = Some("no tags yet: t tags the selected review".into());
        return;
    }
    let listed: Vec<String> = tags.iter().map(|(t, n)| format!("{t} ({n})")).collect();
    filtered(state);
    state.notice = Some(format!(
        "{} · tags: {}",
        state.notice.take().unwrap_or_default(),
        listed.join(", ")
    ));
}

fn filtered(state: &mut State) {
    state.rebuild_view();
    state.notice = Some(match &state.finding_filter {
        Some(f) => format!(
            "only the reviews {}: {}",
            f.describe(),
            thousands(state.view.len())
        ),
        None => "findings filter off".into(),
    });
}
