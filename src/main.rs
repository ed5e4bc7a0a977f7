use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = reviewlens::cli::Cli::parse();
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
