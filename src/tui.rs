//! The real terminal: set-up and restore in one place, and the event loop. The terminal is restored
//! on every way out (return, error, panic, signal) before anything is printed.

use std::io::{Stdout, stdout};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture, EventStream};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use crate::app::{Command, State, msg_for_event, update};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::ui;

/// Whether the terminal is in our raw, alternate-screen state (so restoring twice is harmless).
static ACTIVE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: Once = Once::new();

fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(
            stdout(),
            DisableMouseCapture,
            LeaveAlternateScreen,
            ratatui::crossterm::cursor::Show
        );
    }
}

/// Owns the terminal while the UI runs; dropping it gives the terminal back.
struct Guard {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Guard {
    fn enter() -> Result<Self> {
        PANIC_HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                restore();
                previous(info);
            }));
        });
        enable_raw_mode().map_err(Error::Terminal)?;
        ACTIVE.store(true, Ordering::SeqCst);
        let guard = |r: std::io::Result<()>| {
            r.map_err(|e| {
                restore();
                Error::Terminal(e)
            })
        };
        guard(execute!(stdout(), EnterAlternateScreen, EnableMouseCapture))?;
        let terminal = Terminal::new(CrosstermBackend::new(stdout())).map_err(|e| {
            restore();
            Error::Terminal(e)
        })?;
        Ok(Guard { terminal })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Runs the explorer on `data` until the user quits.
pub fn run(data: Dataset) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Terminal)?;
    let mut guard = Guard::enter()?;
    let result = runtime.block_on(event_loop(&mut guard.terminal, data));
    drop(guard);
    result
}

async fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    data: Dataset,
) -> Result<()> {
    let size = terminal.size().map_err(Error::Terminal)?;
    let mut state = State::new(data, (size.width, size.height));
    let mut events = EventStream::new();
    let mut signals = Signals::new()?;
    let draw = |terminal: &mut Terminal<_>, state: &State| {
        terminal
            .draw(|f| ui::draw(state, f))
            .map(drop)
            .map_err(Error::Terminal)
    };
    let mut dirty = true;
    loop {
        // `biased`: queued input is handled before drawing, so a burst (wheel, key repeat) costs one
        // redraw; the draw branch runs only when nothing is waiting and something changed. (Never poll
        // EventStream with a no-op waker such as `now_or_never`: it keeps the first waker it sees.)
        tokio::select! {
            biased;
            () = signals.recv() => return Ok(()),
            event = events.next() => {
                let Some(event) = event else { return Ok(()) }; // input closed
                let event = event.map_err(Error::Terminal)?;
                if let Some(msg) = msg_for_event(&event, &state.mode) {
                    if update(&mut state, msg).contains(&Command::Quit) {
                        return Ok(());
                    }
                    dirty = true;
                }
            }
            () = std::future::ready(()), if dirty => {
                draw(terminal, &state)?;
                dirty = false;
            }
        }
    }
}

/// SIGINT, SIGTERM and SIGHUP end the program cleanly (raw mode turns Ctrl-C into a key, but
/// `kill` and a closed terminal window still arrive as signals).
struct Signals {
    #[cfg(unix)]
    streams: Vec<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let kinds = [
                SignalKind::interrupt(),
                SignalKind::terminate(),
                SignalKind::hangup(),
            ];
            let streams = kinds
                .into_iter()
                .map(signal)
                .collect::<std::io::Result<_>>()
                .map_err(Error::Terminal)?;
            Ok(Signals { streams })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            let waits = self.streams.iter_mut().map(|s| Box::pin(s.recv()));
            futures_util::future::select_all(waits).await;
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
