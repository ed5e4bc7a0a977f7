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
        "s",
        "order: dataset → confident mistakes first → least confident first",
    ),
    ("J K  Shift-↓ ↑", "scroll the review text"),
    ("mouse wheel", "scroll the pane under the pointer"),
    ("click", "select a review"),
    ("?", "show / hide this help"),
    ("q  Esc  Ctrl-C", "quit (Esc cancels a running batch first)"),
];

pub fn msg_for_event(event: &Event, state: &State) -> Option<Msg> {
    let mode = &state.mode;
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            key_action(key, mode, state.preds.job.is_some()).map(Msg::Action)
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

fn key_action(key: &KeyEvent, mode: &Mode, batch_running: bool) -> Option<Action> {
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
            KeyCode::Esc if batch_running => Some(CancelJob),
            KeyCode::Char('m') => Some(ToggleMisclassified),
            KeyCode::Char('s') => Some(CycleOrder),
            KeyCode::Char('?') => Some(ToggleHelp),
            KeyCode::Char('q') | KeyCode::Esc => Some(Quit),
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
        assert_eq!(key_action(&q, &Mode::Browse, false), Some(Action::Quit));
        assert_eq!(key_action(&q, &Mode::Help, false), Some(Action::CloseHelp));
        let typing = Mode::Search {
            input: String::new(),
            previous: None,
            selected_before: 0,
        };
        assert_eq!(
            key_action(&q, &typing, false),
            Some(Action::SearchInput('q'))
        );
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for mode in [Mode::Browse, Mode::Help, typing] {
            assert_eq!(key_action(&ctrl_c, &mode, true), Some(Action::Quit));
        }
    }

    #[test]
    fn shift_arrows_scroll_the_detail_pane() {
        let e = key(KeyCode::Down, KeyModifiers::SHIFT);
        assert_eq!(
            key_action(&e, &Mode::Browse, false),
            Some(Action::DetailDown)
        );
        let e = key(KeyCode::Char('K'), KeyModifiers::SHIFT);
        assert_eq!(key_action(&e, &Mode::Browse, false), Some(Action::DetailUp));
    }

    #[test]
    fn esc_cancels_a_running_batch_before_it_quits() {
        let esc = key(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(
            key_action(&esc, &Mode::Browse, true),
            Some(Action::CancelJob)
        );
        assert_eq!(key_action(&esc, &Mode::Browse, false), Some(Action::Quit));
    }
}
