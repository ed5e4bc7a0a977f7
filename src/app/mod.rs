//! The Elm-style core: `State` (everything the screen shows), `Msg` (what happened), a pure `update`
//! that changes the state and returns `Command`s for the edges to carry out.

mod action;
mod cells;
mod export;
mod keys;
mod predictions;
mod search;
mod state;
mod update;

pub use action::{Action, Command, Exported, Msg, Side};
pub use cells::describe as describe_cell;
pub use export::default_name as default_export_name;
pub use keys::{HELP, msg_for_event};
pub use predictions::{BatchJob, ModelStatus, Predictions, Tally};
pub use search::{find_ci, matching};
pub use state::{Cell, CompareFilter, Mode, Order, Search, SplitView, State};
pub use update::update;
