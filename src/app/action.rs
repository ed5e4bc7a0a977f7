//! What can happen: user intents (`Action`), wrapped in `Msg` beside the worker's reports, and the
//! effects `update` asks the edges to perform (`Command`).

use std::path::PathBuf;

use super::layout::ViewFacts;
use super::prompt::Edit;
use super::protocol::{JobId, WorkerMsg};

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
    /// `&`: only the search's matches, or every row again.
    ToggleMatchesOnly,
    /// `i`: label issues (a score column, most likely label errors first), on / off.
    ToggleLabelIssues,
    /// `I`: only the rows flagged as label issues, on / off.
    ToggleIssuesOnly,
    /// `D`: find the near duplicates of every row (on the worker).
    FindDuplicates,
    /// `f`: the reviews most like the selected one (by embedding cosine, on the worker).
    FindSimilar,
    /// `a`: word attributions and the smallest flip of the selected review (on the worker).
    Explain,
    /// `w`: the words pane (the words that carry the predictions in view), open / closed.
    ToggleWords,
    WordsUp,
    WordsDown,
    /// Enter in the words pane: only the rows whose text contains the word.
    WordsFilter,
    /// `a` in the words pane: explain the rows in view that are not yet.
    WordsExplain,
    /// Space: mark the selected review, or unmark it.
    ToggleMark,
    /// `'`: the next marked review in view.
    NextMarked,
    /// `L`: the selected review's corrected label: the other classes in turn, then none.
    CorrectLabel,
    /// `t`: tag the selected review (a prompt).
    StartTag,
    /// `o`: the selected review's note (a prompt).
    StartNote,
    FindingInput(char),
    /// Tab in the tag prompt: complete the tag being typed from the tags in use.
    CompleteTag,
    FindingBackspace,
    FindingConfirm,
    FindingCancel,
    /// `u` / Ctrl-R: undo / redo the last finding change.
    Undo,
    Redo,
    /// `R`: the metrics with the corrected labels as gold, or the given ones again.
    ToggleCorrectedLabels,
    /// `F`: only marked → corrected → noted → tagged reviews → all.
    CycleFindingFilter,
    /// `T`: only the reviews with one tag, each tag in turn, then all.
    CycleTagFilter,
    /// `E`: edit the selected review's text ($EDITOR, else the line editor) and predict it.
    EditReview,
    EditInput(char),
    EditBackspace,
    EditConfirm,
    EditCancel,
    /// In the review: go to its `n`th near duplicate (Enter: the first, else back to the list).
    JumpDuplicate(u8),
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
    /// `d` (with `--compare`): all → A wrong → B wrong → A and B disagree → all.
    CycleCompare,
    /// `s`: dataset order → confident mistakes first → least confident first.
    CycleOrder,
    /// `:`: go to a row, typed in a prompt.
    StartJump,
    JumpInput(char),
    JumpBackspace,
    JumpConfirm,
    JumpCancel,
    /// `Enter`: the review pane takes the keys; `Esc` or `Enter` gives them back.
    FocusDetail,
    FocusList,
    /// In the review pane: a page down or up, the top, the end.
    DetailPage(i8),
    DetailTop,
    DetailEnd,
    /// `>`: sort by the next column (row, gold, predicted, confidence, length).
    SortNextColumn,
    /// `<`: the column sort the other way round.
    SortReverse,
    /// `r`: metrics pane on / off.
    ToggleMetrics,
    /// `v`: choose a confusion-matrix cell (opens the metrics pane).
    PickCell,
    /// Moves the cell cursor by rows (gold) and columns (predicted).
    MoveCell {
        gold: i32,
        predicted: i32,
    },
    /// Enter while picking: filter the list to the cell.
    ConfirmCell,
    /// Esc while picking.
    CancelPick,
    /// `V` (or Esc while a cell filter is on).
    ClearCell,
    /// `e`: ask for a file name and export the rows shown.
    StartExport,
    ExportInput(char),
    ExportBackspace,
    ExportClear,
    ExportConfirm,
    ExportCancel,
    /// A cursor move or deletion in the open prompt (search or export name).
    Edit(Edit),
    /// Tab in the export prompt: complete the file or directory name before the cursor.
    Complete,
    /// The answer to "overwrite?".
    Overwrite(bool),
    ToggleHelp,
    CloseHelp,
    /// Scrolls the help overlay by lines (`i32::MIN` / `i32::MAX`: to the top / bottom).
    HelpScroll(i32),
    /// Scrolls the help overlay a page down (`true`) or up.
    HelpPage(bool),
    /// Any key while an error is shown: dismisses it.
    DismissAlert,
    /// Esc while browsing: clears what is active (search, cell filter, mistakes and label filters,
    /// order), else cancels the running batch, else quits.
    Escape,
    Quit,
    /// Ctrl-Z (or SIGTSTP): give the shell its terminal back and stop until `fg`.
    Suspend,
    /// Ctrl-L (or SIGCONT): draw the whole screen again, whatever is on it.
    Redraw,
    /// `y`: the selected review's title and text to the terminal's clipboard.
    CopyReview,
    /// `Y`: the rows in view, as TSV, to the terminal's clipboard.
    CopyView,
}

/// Everything `update` reacts to.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Action(Action),
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
    /// What a frame found out about the panes, after it was drawn.
    Drawn(ViewFacts),
    /// What classifier `Side`'s worker reported (A is the only one without `--compare`).
    Worker(Side, WorkerMsg),
    /// How an export the edge was asked for went.
    Exported(Exported),
    /// Text pasted in one piece (bracketed paste): typed into the open prompt all at once.
    Paste(String),
    /// The entries of the directory `Command::Complete` asked for (directories end in `/`).
    Completions(Vec<String>),
    /// Time for the next slice of a search too large to run in one go (the event loop sends it
    /// when no input is waiting).
    SearchStep,
    /// A finding change could not be kept (the findings file failed): why.
    NotKept(String),
    /// The text row `row`'s review (or note) was edited into, or why the editor failed.
    Edited {
        row: u32,
        what: Editing,
        text: Result<String, String>,
    },
}

/// What the user's editor is opened on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Editing {
    /// `E`: the review's text, to predict the edit.
    Review,
    /// `o`: the review's note (several lines, in the editor).
    Note,
}

/// Which classifier: A (`--classifier`) or B (`--compare`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    A,
    B,
}

/// The outcome of `Command::Export`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exported {
    /// `rows` rows went to `path` (absolute).
    Written {
        path: PathBuf,
        rows: usize,
    },
    /// The file is there and overwriting was not allowed: nothing was written.
    Exists,
    Failed(String),
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
    /// Send rows to a classifier's worker; `urgent` ones go before any batch.
    Classify {
        side: Side,
        job: JobId,
        rows: Vec<u32>,
        urgent: bool,
    },
    Cancel {
        side: Side,
        job: JobId,
    },
    /// Stop a classifier's load (training its head) or its cross-validation between batches.
    StopLoading {
        side: Side,
    },
    /// Find the near duplicates among `rows` (indices into `data.rows`), answered with
    /// `WorkerMsg::NearDuplicates`.
    NearDuplicates {
        side: Side,
        rows: Vec<u32>,
    },
    /// Explain row `row` (an index into `data.rows`): its text, or `text` (an edit of it);
    /// answered with `WorkerMsg::Explained`.
    Explain {
        side: Side,
        job: JobId,
        row: u32,
        text: Option<String>,
    },
    /// Rank the rows by similarity to `to`, the `k` most similar; answered with
    /// `WorkerMsg::Similar`.
    Similar {
        side: Side,
        to: super::protocol::SimilarTo,
        k: usize,
    },
    /// Keep a finding change in the findings journal.
    RecordFinding(crate::findings::Entry),
    /// Open `text` (row `row`'s review or note) in the user's editor; answered with `Msg::Edited`.
    EditText {
        row: u32,
        what: Editing,
        text: String,
    },
    /// Cross-validate a classifier that trains on the data over `rows` (indices into `data.rows`),
    /// answered with `WorkerMsg::CrossValidated`.
    CrossValidate {
        side: Side,
        rows: Vec<u32>,
    },
    /// Write these rows (indices into `data.rows`) with their predictions to `path`.
    Export {
        path: PathBuf,
        rows: Vec<u32>,
        overwrite: bool,
    },
    /// List the entries of `dir` (`.` for an empty path) and answer with `Msg::Completions`.
    Complete {
        dir: PathBuf,
    },
    /// Restore the terminal and stop the process; on `fg`, take the terminal again and redraw.
    Suspend,
    /// Clear the screen and draw every cell again.
    Redraw,
    /// Put `text` on the terminal's clipboard (OSC 52, so it works over ssh).
    Copy {
        text: String,
    },
}
