//! reviewlens: see where a text classifier goes wrong.
//!
//! `data` reads reviews, `app` holds the state and the pure `update`, `ui` draws it, `tui` runs it in
//! a real terminal. `main.rs` only parses arguments and reports errors.

pub mod app;
pub mod backend;
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
        None => {
            let m = &cli.model;
            let backend = backend::ModelBackend {
                source: m.source(),
                labels: data.label_names.clone(),
                opts: m.run_options()?,
                hub: model::hub::HubEnv::from_env(),
            };
            let session = tui::Session {
                backend,
                text: m.text,
                batch_size: m.batch_size,
                preload: m.preload,
            };
            tui::run(data, session)
        }
        Some(Command::Snapshot { width, height }) => {
            print!(
                "{}",
                snapshot::render(app::State::new(data, (width, height)))
            );
            Ok(())
        }
    }
}
