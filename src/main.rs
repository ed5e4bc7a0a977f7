use std::process::ExitCode;

use clap::error::ErrorKind;
use reviewlens::{cli, config, ui};

fn main() -> ExitCode {
    let config = match config::load() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("reviewlens: {e}");
            return ExitCode::from(2);
        }
    };
    let cli = match cli::parse(&config.args) {
        Ok(cli) => cli,
        // --help and --version print in full; a bad argument is one line, like every bad input.
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            e.exit()
        }
        Err(e) => {
            eprintln!("reviewlens: {}", cli::one_line_error(&e.to_string()));
            return ExitCode::from(2);
        }
    };
    if let Err(e) = cli.model.check() {
        eprintln!("reviewlens: {e}");
        return ExitCode::from(2);
    }
    // Decided once, before anything is drawn (https://no-color.org).
    ui::set_theme(ui::Theme::from_no_color(
        std::env::var_os("NO_COLOR").as_deref(),
    ));
    match reviewlens::run(cli, config.keys) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reviewlens: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
