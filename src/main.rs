use std::process::ExitCode;

use clap::error::ErrorKind;
use reviewlens::{cli, ui};

fn main() -> ExitCode {
    let cli = match cli::parse() {
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
    match reviewlens::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reviewlens: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
