//! Panics inside the parquet and arrow decoders, turned into the usual corrupt-data error: a file
//! that makes a decoder panic is bad input (one line, exit code 2), not a crash. They are
//! [`crate::guard::contained`], so no panic message or backtrace reaches the user.

use crate::error::{Error, Result};
use crate::guard::contained;

/// Runs `decode`; a panic inside it becomes an error naming `place`.
pub fn contain<T>(place: &str, decode: impl FnOnce() -> Result<T>) -> Result<T> {
    contained(decode, "the decoder gave up").unwrap_or_else(|message| {
        Err(Error::input(
            place,
            one_line(&format!(
                "corrupt data ({message}); re-download or re-create the file"
            )),
        ))
    })
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
