//! The headless commands' results on stdout, written so that a failed write is an answer rather than
//! a panic: a full device is one line and exit code 2, and a reader that went away (`| head`) ends
//! the output quietly, as Unix tools do (Rust ignores SIGPIPE, so the write reports EPIPE instead).

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// Set once stdout's reader has gone: nothing more is written, and the run goes on to succeed.
static READER_GONE: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout, flushed.
pub fn print(text: &str) -> Result<()> {
    if READER_GONE.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {
            READER_GONE.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(Error::input(
            "stdout",
            format!("cannot write the output ({e}); check the disk or file it goes to"),
        )),
    }
}

/// `text` and a newline, as `println!` would write them.
pub fn println(text: impl std::fmt::Display) -> Result<()> {
    print(&format!("{text}\n"))
}
