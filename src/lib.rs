//! reviewlens: see where a text classifier goes wrong.
//!
//! `data` reads reviews, `app` holds the state and the pure `update`, `ui` draws it, `tui` runs it in
//! a real terminal. `main.rs` only parses arguments and reports errors.

pub mod app;
pub mod cli;
pub mod data;
pub mod error;
pub mod model;
pub mod snapshot;
pub mod tui;
pub mod ui;
pub mod worker;

use cli::{Cli, Command};
use error::Result;

pub fn run(cli: Cli) -> Result<()> {
    let data = data::load(cli.data.data.as_deref(), &cli.data.columns())?;
    match cli.command {
        None => tui::run(data),
        Some(Command::Snapshot { width, height }) => {
            print!(
                "{}",
                snapshot::render(app::State::new(data, (width, height)))
            );
            Ok(())
        }
    }
}
