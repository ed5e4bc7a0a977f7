//! The real terminal: set-up and restore in one place, and the event loop. The terminal is restored
//! on every way out (return, error, panic, signal) before anything is printed.

use std::io::{Stdout, stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};

use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture, EventStream};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use crate::app::{Command, Exported, Msg, Side, State, msg_for_event, update};
use crate::backend::ModelBackend;
use crate::data::Dataset;
use crate::data::TextField;
use crate::error::{Error, Result};
use crate::ui;
use crate::worker::{self, Request};

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

/// How the explorer classifies: the worker's backend and what it is given.
pub struct Session {
    pub backend: ModelBackend,
    /// The second classifier, with `--compare`.
    pub backend_b: Option<ModelBackend>,
    pub text: TextField,
    /// `None`: the model's device picks ([`crate::model::Predictor::default_batch_size`]).
    pub batch_size: Option<usize>,
    pub preload: bool,
}

/// Runs the explorer on `data` until the user quits.
pub fn run(data: Dataset, session: Session) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Terminal)?;
    let mut guard = Guard::enter()?;
    let result = runtime.block_on(event_loop(&mut guard.terminal, data, session));
    drop(guard);
    result
}

async fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    data: Dataset,
    session: Session,
) -> Result<()> {
    let size = terminal.size().map_err(Error::Terminal)?;
    let mut state = State::new(data, (size.width, size.height));
    state.preds.model_name = session.backend.source.name();
    if let Some(b) = &session.backend_b {
        state = state.with_compare(b.source.name());
    }
    let (to_ui, mut reports) = tokio::sync::mpsc::unbounded_channel();
    // Each worker's reports arrive tagged with their side. Dropping the request senders when this
    // function returns stops the workers after their current batch.
    let spawn = |backend, wrap: fn(worker::WorkerMsg) -> Msg| {
        let to_ui = to_ui.clone();
        let out: worker::Out = Arc::new(move |m| {
            let _ = to_ui.send(wrap(m)); // the UI is gone: nothing left to tell
        });
        worker::spawn(backend, session.batch_size, out)
    };
    let requests = spawn(session.backend, Msg::Worker);
    let requests_b = session.backend_b.map(|b| spawn(b, Msg::WorkerB));
    if session.preload {
        let _ = requests.send(Request::Preload);
        if let Some(r) = &requests_b {
            let _ = r.send(Request::Preload);
        }
    }
    let to = |side: Side| match side {
        Side::A => Some(&requests),
        Side::B => requests_b.as_ref(),
    };
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
        // `biased`: queued input is handled before drawing, so a burst (wheel, key repeat, a stream of
        // results) costs one redraw; the draw branch runs only when nothing is waiting and something
        // changed. (Never poll EventStream with a no-op waker such as `now_or_never`: it keeps the
        // first waker it sees.)
        let msg = tokio::select! {
            biased;
            () = signals.recv() => return Ok(()),
            event = events.next() => {
                let Some(event) = event else { return Ok(()) }; // input closed
                msg_for_event(&event.map_err(Error::Terminal)?, &state)
            }
            Some(report) = reports.recv() => Some(report),
            () = std::future::ready(()), if dirty => {
                draw(terminal, &state)?;
                dirty = false;
                None
            }
        };
        // A command's outcome (an export's) comes back as a message of its own.
        let mut queue: std::collections::VecDeque<Msg> = msg.into_iter().collect();
        while let Some(msg) = queue.pop_front() {
            dirty = true;
            for command in update(&mut state, msg) {
                match command {
                    Command::Quit => return Ok(()),
                    Command::Classify {
                        side,
                        job,
                        rows,
                        urgent,
                    } => {
                        let rows = rows
                            .into_iter()
                            .map(|r| (r, session.text.text(&state.data.rows[r as usize])))
                            .collect();
                        if let Some(r) = to(side) {
                            let _ = r.send(Request::Classify { job, rows, urgent });
                        }
                    }
                    Command::Cancel { side, job } => {
                        if let Some(r) = to(side) {
                            let _ = r.send(Request::Cancel { job });
                        }
                    }
                    Command::Export {
                        path,
                        rows,
                        overwrite,
                    } => queue.push_back(Msg::Exported(export(&state, &path, &rows, overwrite))),
                }
            }
        }
    }
}

/// Writes the rows an export asked for (a few milliseconds for the whole sample, so inline).
fn export(state: &State, path: &std::path::Path, rows: &[u32], overwrite: bool) -> Exported {
    let rows: Vec<usize> = rows.iter().map(|&r| r as usize).collect();
    let sides = crate::export::Sides {
        a: rows.iter().map(|&r| state.preds.get(r)).collect(),
        b: (state.preds_b.as_ref()).map(|b| rows.iter().map(|&r| b.get(r)).collect()),
    };
    match crate::export::export_view(path, &state.data, &rows, &sides, overwrite) {
        Ok(true) => Exported::Written {
            path: std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
            rows: rows.len(),
        },
        Ok(false) => Exported::Exists,
        Err(e) => Exported::Failed(e.to_string()),
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
