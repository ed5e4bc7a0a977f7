//! What can happen: user intents (`Action`), wrapped in `Msg` so worker results can join later, and the
//! effects `update` asks the edges to perform (`Command`).

/// A user intent, already decoupled from the key or mouse gesture that expressed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    /// Tab / Shift-Tab: train → test → all → train.
    NextSplit,
    PrevSplit,
    /// `l`: all labels → first class → ... → last class → all.
    CycleLabel,
    StartSearch,
    SearchInput(char),
    SearchBackspace,
    SearchClear,
    SearchConfirm,
    SearchCancel,
    NextMatch,
    PrevMatch,
    DetailDown,
    DetailUp,
    /// The mouse wheel at a screen position: scrolls whichever pane is under it.
    Scroll {
        column: u16,
        row: u16,
        down: bool,
    },
    /// A left click at a screen position: selects the list row under it.
    Click {
        column: u16,
        row: u16,
    },
    ToggleHelp,
    CloseHelp,
    Quit,
}

/// Everything `update` reacts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Action(Action),
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
}

impl From<Action> for Msg {
    fn from(a: Action) -> Self {
        Msg::Action(a)
    }
}

/// Effects for the event loop; `update` itself never does I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Quit,
}
