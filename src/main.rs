use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

fn main() -> ExitCode {
    let cli = match reviewlens::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version print in full; a bad argument is one line, like every bad input.
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            e.exit()
        }
        Err(e) => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("reviewlens: {first}; see reviewlens --help");
            return ExitCode::from(2);
        }
    };
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
