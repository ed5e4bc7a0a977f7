//! Panics inside the parquet and arrow decoders, turned into the usual corrupt-data error: a file
//! that makes a decoder panic is bad input (one line, exit code 2), not a crash. The panic hook
//! stays silent for them, so no panic message or backtrace reaches the user.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{Error, Result};

thread_local! {
    /// Set while this thread decodes inside `contain`.
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `decode`; a panic inside it becomes an error naming `place`.
pub fn contain<T>(place: &str, decode: impl FnOnce() -> Result<T>) -> Result<T> {
    quiet_contained_panics();
    let outer = CONTAINED.with(|c| c.replace(true));
    let result = catch_unwind(AssertUnwindSafe(decode));
    CONTAINED.with(|c| c.set(outer));
    result.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the decoder gave up".into());
        Err(Error::input(
            place,
            one_line(&format!(
                "corrupt data ({message}); re-download or re-create the file"
            )),
        ))
    })
}

/// Installs, once, a panic hook that says nothing for panics `contain` will report, and hands every
/// other panic to the hook that was there.
fn quiet_contained_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CONTAINED.try_with(Cell::get).unwrap_or(false) {
                previous(info);
            }
        }));
    });
}

/// `text` with control characters (newlines from a file's column names, say) escaped, so a
/// message stays one line.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_and_control_characters_are_escaped() {
        let e = contain::<()>("f.parquet", || panic!("index out of bounds")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.parquet: corrupt data (index out of bounds); re-download or re-create the file"
        );
        assert_eq!(contain("f", || Ok(3)).unwrap(), 3);
        assert_eq!(one_line("named \"\nitle\""), "named \"\\nitle\"");
    }
}
