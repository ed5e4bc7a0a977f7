//! Terminal events → messages, per mode, and the key list the help overlay shows. Both live here so
//! the help cannot drift from the bindings.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use super::action::{Action, Msg};
use super::state::{Mode, State};

/// Every key, as the help overlay lists it: (keys, what they do).
pub const HELP: &[(&str, &str)] = &[
    ("↑ ↓  j k", "previous / next review"),
    ("PgUp PgDn", "page up / down"),
    ("Home End  g G", "first / last review"),
    ("Tab  Shift-Tab", "next / previous split (train, test, all)"),
    (
        "l",
        "filter by gold label (cycles through the classes, then all)",
    ),
    (
        "/",
        "search title and content as you type (case-insensitive)",
    ),
    ("  Enter  Esc", "keep the search / cancel it"),
    ("  Ctrl-U", "clear the search text"),
    ("n N", "next / previous match"),
    ("c", "classify the selected review"),
    ("C", "classify every review in view (length-sorted batches)"),
    ("x  Esc", "cancel the running batch"),
    ("m", "misclassified only, on / off"),
    (
        "d",
        "with --compare: all → A wrong → B wrong → A and B disagree",
    ),
    (
        "r",
        "metrics pane: classification report and confusion matrix",
    ),
    (
        "v",
        "pick a confusion-matrix cell (arrows, Enter) to list its reviews",
    ),
    (
        "V",
        "clear the cell filter (click a cell to pick it directly)",
    ),
    ("e", "export the reviews shown (.csv, .parquet or .jsonl)"),
    (
        "s",
        "order: dataset → confident mistakes first → least confident first",
    ),
    ("J K  Shift-↓ ↑", "scroll the review text"),
    ("mouse wheel", "scroll the pane under the pointer"),
    ("click", "select a review"),
    ("?", "show / hide this help"),
    (
        "q  Esc  Ctrl-C",
        "quit (Esc first cancels a batch, then clears a cell filter)",
    ),
];

pub fn msg_for_event(event: &Event, state: &State) -> Option<Msg> {
    let mode = &state.mode;
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            key_action(key, mode, escape_action(state)).map(Msg::Action)
        }
        Event::Mouse(mouse) => {
            let (column, row) = (mouse.column, mouse.row);
            let action = match mouse.kind {
                MouseEventKind::ScrollDown => Action::Scroll {
                    column,
                    row,
                    down: true,
                },
                MouseEventKind::ScrollUp => Action::Scroll {
                    column,
                    row,
                    down: false,
                },
                MouseEventKind::Down(MouseButton::Left) => Action::Click { column, row },
                _ => return None,
            };
            (*mode == Mode::Browse).then_some(Msg::Action(action))
        }
        Event::Resize(w, h) => Some(Msg::Resize(*w, *h)),
        _ => None,
    }
}

/// What Esc means while browsing: undo the most recent thing still in effect, else quit.
fn escape_action(state: &State) -> Action {
    if state.preds.job.is_some() {
        Action::CancelJob
    } else if state.cell_filter.is_some() {
        Action::ClearCell
    } else {
        Action::Quit
    }
}

fn key_action(key: &KeyEvent, mode: &Mode, escape: Action) -> Option<Action> {
    use Action::*;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Quit);
    }
    match mode {
        Mode::Help => match key.code {
            KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Esc | KeyCode::Enter => {
                Some(CloseHelp)
            }
            _ => None,
        },
        Mode::Search { .. } => match key.code {
            KeyCode::Esc => Some(SearchCancel),
            KeyCode::Enter => Some(SearchConfirm),
            KeyCode::Backspace => Some(SearchBackspace),
            KeyCode::Char('u') if ctrl => Some(SearchClear),
            KeyCode::Char(c) if !ctrl => Some(SearchInput(c)),
            KeyCode::Up => Some(Up),
            KeyCode::Down => Some(Down),
            _ => None,
        },
        Mode::PickCell(_) => match key.code {
            KeyCode::Up | KeyCode::Char('k') => Some(MoveCell {
                gold: -1,
                predicted: 0,
            }),
            KeyCode::Down | KeyCode::Char('j') => Some(MoveCell {
                gold: 1,
                predicted: 0,
            }),
            KeyCode::Left | KeyCode::Char('h') => Some(MoveCell {
                gold: 0,
                predicted: -1,
            }),
            KeyCode::Right | KeyCode::Char('l') => Some(MoveCell {
                gold: 0,
                predicted: 1,
            }),
            KeyCode::Enter => Some(ConfirmCell),
            KeyCode::Esc | KeyCode::Char('v') | KeyCode::Char('q') => Some(CancelPick),
            _ => None,
        },
        Mode::Export { .. } => match key.code {
            KeyCode::Esc => Some(ExportCancel),
            KeyCode::Enter => Some(ExportConfirm),
            KeyCode::Backspace => Some(ExportBackspace),
            KeyCode::Char('u') if ctrl => Some(ExportClear),
            KeyCode::Char(c) if !ctrl => Some(ExportInput(c)),
            _ => None,
        },
        Mode::ConfirmOverwrite { .. } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => Some(Overwrite(true)),
            _ => Some(Overwrite(false)),
        },
        Mode::Browse => match key.code {
            KeyCode::Up if shift => Some(DetailUp),
            KeyCode::Down if shift => Some(DetailDown),
            KeyCode::Up | KeyCode::Char('k') => Some(Up),
            KeyCode::Down | KeyCode::Char('j') => Some(Down),
            KeyCode::PageUp => Some(PageUp),
            KeyCode::PageDown => Some(PageDown),
            KeyCode::Home | KeyCode::Char('g') => Some(Home),
            KeyCode::End | KeyCode::Char('G') => Some(End),
            KeyCode::Tab => Some(NextSplit),
            KeyCode::BackTab => Some(PrevSplit),
            KeyCode::Char('l') => Some(CycleLabel),
            KeyCode::Char('/') => Some(StartSearch),
            KeyCode::Char('n') => Some(NextMatch),
            KeyCode::Char('N') => Some(PrevMatch),
            KeyCode::Char('J') => Some(DetailDown),
            KeyCode::Char('K') => Some(DetailUp),
            KeyCode::Char('c') => Some(ClassifySelected),
            KeyCode::Char('C') => Some(ClassifyView),
            KeyCode::Char('x') => Some(CancelJob),
            KeyCode::Esc => Some(escape),
            KeyCode::Char('m') => Some(ToggleMisclassified),
            KeyCode::Char('d') => Some(CycleCompare),
            KeyCode::Char('r') => Some(ToggleMetrics),
            KeyCode::Char('v') => Some(PickCell),
            KeyCode::Char('V') => Some(ClearCell),
            KeyCode::Char('e') => Some(StartExport),
            KeyCode::Char('s') => Some(CycleOrder),
            KeyCode::Char('?') => Some(ToggleHelp),
            KeyCode::Char('q') => Some(Quit),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn the_same_key_means_different_things_per_mode() {
        let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(
            key_action(&q, &Mode::Browse, Action::Quit),
            Some(Action::Quit)
        );
        assert_eq!(
            key_action(&q, &Mode::Help, Action::Quit),
            Some(Action::CloseHelp)
        );
        let typing = Mode::Search {
            input: String::new(),
            previous: None,
            selected_before: 0,
        };
        assert_eq!(
            key_action(&q, &typing, Action::Quit),
            Some(Action::SearchInput('q'))
        );
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for mode in [Mode::Browse, Mode::Help, typing] {
            assert_eq!(
                key_action(&ctrl_c, &mode, Action::CancelJob),
                Some(Action::Quit)
            );
        }
    }

    #[test]
    fn shift_arrows_scroll_the_detail_pane() {
        let e = key(KeyCode::Down, KeyModifiers::SHIFT);
        assert_eq!(
            key_action(&e, &Mode::Browse, Action::Quit),
            Some(Action::DetailDown)
        );
        let e = key(KeyCode::Char('K'), KeyModifiers::SHIFT);
        assert_eq!(
            key_action(&e, &Mode::Browse, Action::Quit),
            Some(Action::DetailUp)
        );
    }

    #[test]
    fn esc_undoes_what_is_in_effect_before_it_quits() {
        let esc = key(KeyCode::Esc, KeyModifiers::NONE);
        let mut state = State::new(
            crate::data::load(None, &Default::default()).expect("bundled sample"),
            (120, 40),
        );
        assert_eq!(escape_action(&state), Action::Quit);
        state.cell_filter = Some(crate::app::Cell {
            gold: 0,
            predicted: 1,
        });
        assert_eq!(escape_action(&state), Action::ClearCell);
        state.preds.job = Some(crate::app::BatchJob {
            id: 1,
            done: 0,
            total: 1,
            done_chars: 0,
            total_chars: 0,
            elapsed: Default::default(),
        });
        assert_eq!(escape_action(&state), Action::CancelJob);
        assert_eq!(
            key_action(&esc, &Mode::Browse, Action::CancelJob),
            Some(Action::CancelJob)
        );
    }

    #[test]
    fn a_pending_overwrite_takes_only_y_as_yes() {
        let mode = Mode::ConfirmOverwrite {
            input: "out.csv".into(),
        };
        let y = key(KeyCode::Char('y'), KeyModifiers::NONE);
        let n = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(
            key_action(&y, &mode, Action::Quit),
            Some(Action::Overwrite(true))
        );
        assert_eq!(
            key_action(&n, &mode, Action::Quit),
            Some(Action::Overwrite(false))
        );
    }
}
