//! The pure heart: `update(state, msg)` changes `state` and returns effects. No I/O, no clock, no
//! drawing: what only a drawn frame knows comes back as `Msg::Drawn`.

mod cells;
mod classify;
mod complete;
mod copy;
mod duplicates;
mod edit;
mod escape;
mod explain;
mod export;
mod findings;
mod help;
mod issues;
mod jump;
mod nav;
mod search;
mod similar;
mod words;

use super::action::{Action, Command, Editing, Msg};
use super::prompt::Prompt;
use super::state::{Mode, State};

pub use export::default_name as default_export_name;

pub fn update(state: &mut State, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Resize(w, h) => {
            state.size = (w, h);
            state.keep_selection_visible();
            Vec::new()
        }
        Msg::Drawn(facts) => {
            state.facts = facts;
            nav::clamp_detail(state);
            help::clamp(state);
            Vec::new()
        }
        Msg::Action(action) => {
            state.notice = None;
            act(state, action)
        }
        Msg::Worker(side, report) => {
            classify::worker_report(state, side, report);
            Vec::new()
        }
        Msg::Exported(outcome) => {
            export::outcome(state, outcome);
            Vec::new()
        }
        Msg::Paste(text) => {
            state.notice = None;
            paste(state, &text);
            Vec::new()
        }
        Msg::Completions(names) => {
            complete::completions(state, names);
            Vec::new()
        }
        Msg::SearchStep => {
            state.search_step();
            Vec::new()
        }
        Msg::Edited {
            row,
            what: Editing::Review,
            text,
        } => edit::edited(state, row, text),
        Msg::Edited {
            row,
            what: Editing::Note,
            text,
        } => findings::noted(state, row, text),
        Msg::NotKept(why) => {
            let text = format!("findings are no longer kept: {why}");
            state.findings_writable = false;
            state.notice = Some(text.clone());
            state.alert = Some(text);
            Vec::new()
        }
    }
}

/// A paste goes into the open prompt in one piece and runs one search. Line breaks, tabs and other
/// control characters become spaces, so nothing pasted can act as a key; with no prompt open the
/// paste is dropped.
fn paste(state: &mut State, text: &str) {
    let text = controls_as_spaces(&text.replace("\r\n", "\n"));
    edit_prompt(state, |input| input.insert(&text));
}

/// `text` with line breaks, tabs and other control characters as spaces: one line of plain text.
fn controls_as_spaces(text: &str) -> String {
    (text.chars())
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Applies `edit` to the open prompt (search, export name, row), if any; an edit that changes the
/// search's text runs the search again.
fn edit_prompt(state: &mut State, edit: impl FnOnce(&mut Prompt)) {
    match &mut state.mode {
        Mode::Search { .. } => search::edit(state, edit),
        Mode::Export { input }
        | Mode::Jump { input }
        | Mode::EditText { input, .. }
        | Mode::Tag { input }
        | Mode::Note { input } => edit(input),
        _ => {}
    }
}

/// Hands each action to the part of `update` that owns it.
fn act(state: &mut State, action: Action) -> Vec<Command> {
    use Action::*;
    match action {
        Quit => return vec![Command::Quit],
        Suspend => return vec![Command::Suspend],
        Redraw => return vec![Command::Redraw],
        CopyReview | CopyView => return copy::act(state, action),
        FocusDetail => state.mode = Mode::Detail,
        FocusList => state.mode = Mode::Browse,
        DetailPage(_) | DetailTop | DetailEnd => nav::act(state, action),
        Escape => return escape::escape(state),
        DismissAlert => state.alert = None,
        Up
        | Down
        | PageUp
        | PageDown
        | Home
        | End
        | NextSplit
        | PrevSplit
        | DetailDown
        | DetailUp
        | Scroll { .. }
        | Click { .. } => nav::act(state, action),
        SearchConfirm if semantic(state).is_some() => {
            let text = semantic(state).unwrap_or_default();
            state.mode = Mode::Browse;
            state.search = None;
            state.search_changed(None);
            return similar::search(state, &text);
        }
        StartSearch | SearchInput(_) | SearchBackspace | SearchClear | SearchConfirm
        | SearchCancel | NextMatch | PrevMatch | ToggleMatchesOnly => search::act(state, action),
        ToggleLabelIssues | ToggleIssuesOnly => return issues::act(state, action),
        FindDuplicates | JumpDuplicate(_) => return duplicates::act(state, action),
        Explain => return explain::start(state),
        FindSimilar => return similar::find(state),
        ToggleMark | NextMarked | CorrectLabel | StartTag | StartNote | FindingInput(_)
        | CompleteTag | FindingBackspace | FindingConfirm | FindingCancel | Undo | Redo
        | CycleFindingFilter | CycleTagFilter => return findings::act(state, action),
        ToggleCorrectedLabels => {
            state.corrected_labels = !state.corrected_labels;
            state.show_metrics = true;
            state.words = None;
            state.notice = Some(match state.corrected_labels {
                true => {
                    "metrics: the corrected labels (L) count as gold · R for the given ones".into()
                }
                false => "metrics: the given labels count as gold".into(),
            });
        }
        ToggleWords | WordsUp | WordsDown | WordsFilter | WordsExplain => {
            return words::act(state, action);
        }
        EditReview | EditInput(_) | EditBackspace | EditConfirm | EditCancel => {
            return edit::act(state, action);
        }
        ClassifySelected => return classify::selected(state),
        ClassifyView => return classify::view(state),
        CancelJob => return classify::cancel(state),
        CycleLabel | ToggleMisclassified | CycleCompare | CycleOrder | SortNextColumn
        | SortReverse => filter(state, action),
        ToggleMetrics => {
            state.show_metrics = !state.show_metrics;
            state.words = None;
        }
        PickCell | MoveCell { .. } | ConfirmCell | CancelPick | ClearCell => {
            cells::act(state, action)
        }
        Edit(e) => edit_prompt(state, |input| input.apply(e)),
        Complete => return complete::tab(state),
        StartJump | JumpInput(_) | JumpBackspace | JumpConfirm | JumpCancel => {
            jump::act(state, action)
        }
        StartExport | ExportInput(_) | ExportBackspace | ExportClear | ExportConfirm
        | ExportCancel | Overwrite(_) => return export::act(state, action),
        ToggleHelp | CloseHelp | HelpScroll(_) | HelpPage(_) => help::act(state, action),
    }
    Vec::new()
}

/// The list's filters and order (which filter replaces which is `Filters`' rule).
fn filter(state: &mut State, action: Action) {
    match action {
        Action::CycleLabel => {
            let classes = state.data.label_names.len() as u32;
            state.filters.cycle_label(classes);
        }
        Action::ToggleMisclassified => {
            state.filters.toggle_misclassified();
            if state.filters.misclassified && state.tally().classified == 0 {
                state.notice = Some(NO_PREDICTIONS.into());
            }
        }
        Action::CycleCompare => {
            if state.preds_b.is_none() {
                state.notice = Some(
                    "one classifier only: start with --compare embed (or zero-shot, sequence) for a second"
                        .into(),
                );
                return;
            }
            state.filters.cycle_compare();
        }
        Action::CycleOrder => {
            state.order = state.order.next();
            state.reorder(); // the same rows in another order
            return;
        }
        Action::SortNextColumn | Action::SortReverse => {
            state.order = match action {
                Action::SortNextColumn => state.order.next_column(),
                _ => state.order.reversed(),
            };
            // A new order starts at its top, as csvlens and visidata do; the rows stay the same.
            state.reorder();
            state.select_top();
            return;
        }
        _ => return,
    }
    state.rebuild_view();
}

/// What a filter on predictions says before there are any.
const NO_PREDICTIONS: &str = "no predictions yet: c classifies the selected review, C all in view";

/// The text of a search typed as `~text` (a semantic search), while it is being typed.
fn semantic(state: &State) -> Option<String> {
    let Mode::Search { input, .. } = &state.mode else {
        return None;
    };
    let text = input.as_str().trim().strip_prefix('~')?.trim();
    (!text.is_empty()).then(|| text.to_owned())
}
