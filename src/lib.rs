//! reviewlens: see where a text classifier goes wrong.
//!
//! `data` reads reviews, `app` holds the state and the pure `update`, `ui` draws it, `tui` runs it in
//! a real terminal. `main.rs` only parses arguments and reports errors.

pub mod app;
pub mod backend;
pub mod check;
pub mod cli;
pub mod data;
pub mod error;
pub mod eval;
pub mod export;
pub mod hash;
pub mod model;
pub mod predict;
pub mod predictor;
pub mod snapshot;
pub mod store;
pub mod training;
pub mod tui;
pub mod ui;
pub mod vectors;
pub mod worker;

use cli::{Cli, Command};
use error::Result;

pub fn run(cli: Cli) -> Result<()> {
    if let Some(Command::Check { goldens }) = &cli.command {
        return check::run(goldens, &cli.model.run_options()?);
    }
    let data = load_data(&cli.data)?;
    match cli.command {
        None => {
            let m = &cli.model;
            let cache = if m.no_cache {
                None
            } else {
                store::default_root()
            };
            let (backend, backend_b) = backend::ModelBackend::pair_from_args(&data, m, cache)?;
            let session = tui::Session {
                backend,
                backend_b,
                text: m.text,
                batch_size: m.batch_size,
                preload: m.preload,
            };
            tui::run(data, session)
        }
        Some(Command::Eval { split, json }) => {
            let cache = if cli.model.no_cache {
                None
            } else {
                store::default_root()
            };
            predict::eval(&data, &cli.model, split.as_deref(), json, cache)
        }
        Some(Command::Check { .. }) => unreachable!("handled before the data is loaded"),
        Some(Command::Sample { output }) => data::write::sample(&data, &output),
        Some(Command::Predict { split, output }) => {
            let cache = if cli.model.no_cache {
                None
            } else {
                store::default_root()
            };
            predict::run(&data, &cli.model, split.as_deref(), &output, cache)
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

/// The dataset the options name: the Hub, a path, or the bundled sample; sampled as asked.
fn load_data(args: &cli::DataArgs) -> Result<data::Dataset> {
    let sampling = args.sampling();
    let columns = args.columns();
    match &args.hub {
        Some(repo) => {
            let env = model::hub::HubEnv::from_env();
            let status: model::hub::Status = std::sync::Arc::new(|s| eprintln!("{s}"));
            let (dir, name) =
                data::hub::fetch(repo, args.revision.as_deref(), &env, &sampling, &status)?;
            let mut data = data::load_sampled(Some(&dir), &columns, &sampling)?;
            data.source = name;
            Ok(data)
        }
        None => data::load_sampled(args.data.as_deref(), &columns, &sampling),
    }
}
