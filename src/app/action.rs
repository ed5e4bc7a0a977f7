//! What can happen: user intents (`Action`), wrapped in `Msg` beside the worker's reports, and the
//! effects `update` asks the edges to perform (`Command`).

use crate::worker::{JobId, WorkerMsg};

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
    /// `c`: classify the selected review now (ahead of any batch).
    ClassifySelected,
    /// `C`: classify every row of the view not classified yet.
    ClassifyView,
    /// `x` (or Esc while a batch runs).
    CancelJob,
    /// `m`: misclassified rows only.
    ToggleMisclassified,
    /// `s`: dataset order → confident mistakes first → least confident first.
    CycleOrder,
    ToggleHelp,
    CloseHelp,
    Quit,
}

/// Everything `update` reacts to.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Action(Action),
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
    /// What the inference worker reported.
    Worker(WorkerMsg),
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
    /// Send rows to the worker; `urgent` ones go before any batch.
    Classify {
        job: JobId,
        rows: Vec<u32>,
        urgent: bool,
    },
    Cancel {
        job: JobId,
    },
}
