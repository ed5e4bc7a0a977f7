//! The Elm-style core: `State` (everything the screen shows), `Msg` (what happened), a pure `update`
//! that changes the state and returns `Command`s for the edges to carry out. It knows neither the
//! terminal, nor how panes are drawn, nor the worker thread: workers speak `protocol`'s vocabulary,
//! and drawn frames report back through `layout::ViewFacts`.

mod action;
mod duplicates;
mod explanations;
mod filters;
mod find;
mod findings;
mod issues;
mod key;
pub mod keymap;
pub mod layout;
mod order;
mod predictions;
mod prompt;
mod protocol;
mod query;
mod similar;
mod state;
mod update;
mod words;

pub use crate::format::thousands;
pub use action::{Action, Command, Editing, Exported, Msg, Side};
pub use duplicates::{DuplicateCounts, Duplicates};
pub use explanations::{Edited, ExplainBatch, Explanations, Running, flip_line, signed, top_words};
pub use filters::{Cell, CompareFilter, Filters};
pub use find::{find_ci, matching};
pub use findings::{FindingFilter, finding_line};
pub use issues::{Issues, LabelIssues, Probabilities, RowIssue};
pub use keymap::msg_for_event;
pub use order::SortColumn;
pub use predictions::{BatchJob, ModelStatus, Predictions, Tally};
pub use prompt::{Edit, Prompt};
pub use protocol::{JobId, SimilarTo, WorkerMsg};
pub use query::{FIELDS, Query};
pub use similar::{NEAREST, Similar};
pub use state::{Completion, Mode, Order, Search, SearchRun, SplitView, State};
pub use update::{default_export_name, update};
pub use words::{Ranking, WordRank, WordsPane, rank, unexplained};
