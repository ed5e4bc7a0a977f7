//! The real terminal: set-up and restore in one place, and the event loop, which turns events into
//! messages, runs `update`, carries out the commands it returns and draws. The terminal is restored
//! on every way out (return, error, signal, a panic on this thread) before anything is printed.

use std::collections::VecDeque;
use std::io::{Stdout, stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once, OnceLock};
use std::thread::ThreadId;

use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture, EventStream};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Command, Exported, Msg, Side, State, WorkerMsg, msg_for_event, update};
use crate::error::{Error, Result};
use crate::io::table::export_view;
use crate::runtime::Session;
use crate::runtime::worker::{self, Request};
use crate::ui;

/// Whether the terminal is in our raw, alternate-screen state (so restoring twice is harmless).
static ACTIVE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: Once = Once::new();
/// The thread that owns the terminal: only its panics end the explorer.
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

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

/// Restores the terminal before a panic on the UI thread is printed. Other threads' panics leave
/// it alone: the UI thread is still drawing, and a worker's panic is reported as its job's failure.
fn install_panic_hook() {
    let _ = UI_THREAD.set(std::thread::current().id());
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if UI_THREAD.get() == Some(&std::thread::current().id()) {
                restore();
            }
            previous(info);
        }));
    });
}

/// Owns the terminal while the UI runs; dropping it gives the terminal back.
struct Guard {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Guard {
    fn enter() -> Result<Self> {
        install_panic_hook();
        enable_raw_mode().map_err(Error::Terminal)?;
        ACTIVE.store(true, Ordering::SeqCst);
        let undo = |e: std::io::Error| {
            restore();
            Error::Terminal(e)
        };
        execute!(stdout(), EnterAlternateScreen, EnableMouseCapture).map_err(undo)?;
        let terminal = Terminal::new(CrosstermBackend::new(stdout())).map_err(undo)?;
        Ok(Guard { terminal })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// How the explorer classifies: the workers' sessions and what they are given.
pub struct Explorer {
    pub session: Session,
    /// The second classifier, with `--compare`.
    pub session_b: Option<Session>,
    /// `None`: the model's device picks.
    pub batch_size: Option<usize>,
    pub preload: bool,
}

/// Runs the explorer on `state` until the user quits.
pub fn run(state: State, explorer: Explorer) -> Result<()> {
    need_a_terminal()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Terminal)?;
    let mut guard = Guard::enter()?;
    end_on_signals()?;
    let result = runtime.block_on(event_loop(&mut guard.terminal, state, explorer));
    drop(guard);
    result
}

/// The explorer draws on stdout and reads keys from the controlling terminal: without them, say so
/// and name what works without one.
fn need_a_terminal() -> Result<()> {
    use std::io::IsTerminal;
    let tty = std::fs::File::options()
        .read(true)
        .write(true)
        .open("/dev/tty");
    if stdout().is_terminal() && (cfg!(not(unix)) || tty.is_ok()) {
        return Ok(());
    }
    Err(Error::input(
        "reviewlens",
        "the explorer needs a terminal (stdout is not one); without one, use reviewlens predict, eval, sample or snapshot",
    ))
}

/// The workers, by side. Dropping them stops the workers after their current batch.
struct Workers {
    a: Handle,
    b: Option<Handle>,
}

/// A worker's request channel, and what stops its load (it reads no request while it loads).
struct Handle {
    requests: std::sync::mpsc::Sender<Request>,
    stop: Arc<AtomicBool>,
}

impl Workers {
    /// Starts a worker per session; each one's reports arrive on `to_ui` tagged with its side.
    fn start(explorer: Explorer, to_ui: &UnboundedSender<Msg>) -> Self {
        let spawn = |session: Session, side: Side| {
            let to_ui = to_ui.clone();
            let out: worker::Out = Arc::new(move |m: WorkerMsg| {
                let _ = to_ui.send(Msg::Worker(side, m)); // the UI is gone: nothing left to tell
            });
            let stop = session.stopper();
            Handle {
                requests: worker::spawn(session, explorer.batch_size, out),
                stop,
            }
        };
        let workers = Workers {
            a: spawn(explorer.session, Side::A),
            b: explorer.session_b.map(|s| spawn(s, Side::B)),
        };
        if explorer.preload {
            workers.send_all(|| Request::Preload);
        }
        workers
    }

    fn side(&self, side: Side) -> Option<&Handle> {
        match side {
            Side::A => Some(&self.a),
            Side::B => self.b.as_ref(),
        }
    }

    fn send(&self, side: Side, request: Request) {
        if let Some(to) = self.side(side) {
            let _ = to.requests.send(request);
        }
    }

    fn send_all(&self, request: impl Fn() -> Request) {
        self.send(Side::A, request());
        self.send(Side::B, request());
    }
}

async fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    mut state: State,
    explorer: Explorer,
) -> Result<()> {
    let size = terminal.size().map_err(Error::Terminal)?;
    update(&mut state, Msg::Resize(size.width, size.height));
    let (to_ui, mut reports) = tokio::sync::mpsc::unbounded_channel();
    let workers = Workers::start(explorer, &to_ui);
    let mut events = EventStream::new();
    let mut dirty = true;
    loop {
        // `biased`: queued input is handled before drawing, so a burst (wheel, key repeat, a stream of
        // results) costs one redraw; the draw branch runs only when nothing is waiting and something
        // changed. (Never poll EventStream with a no-op waker such as `now_or_never`: it keeps the
        // first waker it sees.)
        let msg = tokio::select! {
            biased;
            event = events.next() => {
                let Some(event) = event else { return Ok(()) }; // input closed
                msg_for_event(&event.map_err(Error::Terminal)?, &state)
            }
            Some(report) = reports.recv() => Some(report),
            () = std::future::ready(()), if dirty => {
                let mut facts = Default::default();
                terminal.draw(|f| facts = ui::draw(&state, f)).map_err(Error::Terminal)?;
                // What the frame measured; the frame itself already showed it right.
                update(&mut state, Msg::Drawn(facts));
                dirty = false;
                None
            }
        };
        if let Some(msg) = msg {
            dirty = true;
            if !carry_out(&mut state, msg, &workers) {
                return Ok(());
            }
        }
    }
}

/// Runs `msg` through `update` and carries out the commands it returns; a command's outcome (an
/// export's) comes back as a message of its own. `false` when the user quit.
fn carry_out(state: &mut State, msg: Msg, workers: &Workers) -> bool {
    let mut queue = VecDeque::from([msg]);
    while let Some(msg) = queue.pop_front() {
        for command in update(state, msg) {
            match command {
                Command::Quit => return false,
                Command::Classify {
                    side,
                    job,
                    rows,
                    urgent,
                } => {
                    let rows = state.texts(&rows);
                    workers.send(side, Request::Classify { job, rows, urgent });
                }
                Command::Cancel { side, job } => workers.send(side, Request::Cancel { job }),
                Command::StopLoading { side } => {
                    if let Some(w) = workers.side(side) {
                        w.stop.store(true, Ordering::Relaxed);
                    }
                }
                Command::Export {
                    path,
                    rows,
                    overwrite,
                } => queue.push_back(Msg::Exported(export(state, &path, &rows, overwrite))),
            }
        }
    }
    true
}

/// Writes the rows an export asked for (a few milliseconds for the whole sample, so inline).
fn export(state: &State, path: &std::path::Path, rows: &[u32], overwrite: bool) -> Exported {
    let rows: Vec<usize> = rows.iter().map(|&r| r as usize).collect();
    match export_view(path, &state.data, &rows, &state.sides(&rows), overwrite) {
        Ok(true) => Exported::Written {
            path: std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
            rows: rows.len(),
        },
        Ok(false) => Exported::Exists,
        Err(e) => Exported::Failed(e.to_string()),
    }
}

/// SIGHUP, SIGINT, SIGQUIT and SIGTERM end the explorer from a thread of their own, which restores
/// the terminal and exits with 128 + the signal, as shells report it. Not from the event loop: the
/// UI thread may be busy, and after a hang-up crossterm's reader spins on the closed terminal and
/// never returns to it. (Raw mode turns Ctrl-C into a key; `kill`, a closed window or a dropped ssh
/// session still arrive as signals.) Nothing is lost: every file we write is renamed into place
/// whole.
fn end_on_signals() -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGHUP, SIGINT, SIGQUIT, SIGTERM])
        .map_err(Error::Terminal)?;
    std::thread::Builder::new()
        .name("reviewlens-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                restore();
                std::process::exit(128 + signal);
            }
        })
        .map_err(Error::Terminal)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_panic_on_the_ui_thread_restores_the_terminal() {
        install_panic_hook(); // this test's thread stands for the UI thread
        ACTIVE.store(true, Ordering::SeqCst);
        let other = std::thread::spawn(|| panic!("another thread's panic on purpose")).join();
        assert!(other.is_err());
        assert!(
            ACTIVE.load(Ordering::SeqCst),
            "another thread's panic leaves the terminal to the UI, which still draws"
        );
        let ui = std::panic::catch_unwind(|| panic!("the UI thread's panic on purpose"));
        assert!(ui.is_err());
        assert!(
            !ACTIVE.load(Ordering::SeqCst),
            "a UI panic restores the terminal before it is printed"
        );
    }
}
