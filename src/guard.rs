//! Panics inside libraries we call with the user's files, contained: a `tokenizer.json` whose
//! regex hits Oniguruma's backtracking limit panics inside tokenizers, a corrupt parquet page inside
//! the parquet or arrow decoders. Inside [`contained`] such a panic is returned to the caller and
//! prints nothing (no message or backtrace over the explorer's screen or before a command's one
//! line), whatever thread it runs on; panics elsewhere still print.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    /// This thread is inside `contained`.
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` on this thread; a panic inside it is returned as its message, `otherwise` when it has
/// none.
pub fn contained<T>(f: impl FnOnce() -> T, otherwise: &str) -> Result<T, String> {
    quiet_when_contained();
    let outer = CONTAINED.with(|c| c.replace(true));
    // The library's state after a panic is not looked at again by the caller, which gives up.
    let result = catch_unwind(AssertUnwindSafe(f));
    CONTAINED.with(|c| c.set(outer));
    result.map_err(|panic| panic_message(&*panic, otherwise))
}

/// The text a panic was raised with, `otherwise` when it has none.
pub fn panic_message(panic: &(dyn std::any::Any + Send), otherwise: &str) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        otherwise.into()
    }
}

/// Adds, once, a panic hook that says nothing for a panic inside `contained` and hands every
/// other panic to the hook that was there.
fn quiet_when_contained() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // `try_with`: a panic while the thread's locals are torn down still prints.
            if !CONTAINED.try_with(Cell::get).unwrap_or(false) {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_becomes_its_message_and_the_thread_goes_on() {
        assert_eq!(contained(|| 7, "-"), Ok(7));
        let e = contained(|| -> u32 { panic!("on purpose {}", 1) }, "-").unwrap_err();
        assert_eq!(e, "on purpose 1");
        assert!(!CONTAINED.with(Cell::get), "reset after the panic");
        assert_eq!(contained(|| contained(|| 1, "-"), "-"), Ok(Ok(1)));
        let e = contained(|| std::panic::panic_any(7u8), "no text").unwrap_err();
        assert_eq!(e, "no text");
    }
}
