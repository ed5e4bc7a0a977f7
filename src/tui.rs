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
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    EventStream,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use tokio::sync::mpsc::UnboundedSender;

use crate::app::{
    Action, Command, Editing, Exported, Msg, Side, State, WorkerMsg, msg_for_event, update,
};
use crate::error::{Error, Result};
use crate::io::findings::Journal;
use crate::io::table::export_view;
use crate::runtime::Session;
use crate::runtime::worker::{self, Request};
use crate::ui;

/// The terminal as the explorer runs in it, in one type.
type Term = Terminal<CrosstermBackend<Stdout>>;

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
            DisableBracketedPaste,
            DisableMouseCapture,
            LeaveAlternateScreen,
            ratatui::crossterm::cursor::Show
        );
    }
}

/// Raw mode, the alternate screen, the mouse and bracketed paste (a paste arrives as one event, so
/// its line breaks are not Enter keys); undone by `restore` if any step fails.
fn take_terminal() -> Result<()> {
    enable_raw_mode().map_err(Error::Terminal)?;
    ACTIVE.store(true, Ordering::SeqCst);
    let modes = execute!(
        stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    );
    modes.map_err(|e| {
        restore();
        Error::Terminal(e)
    })
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
    terminal: Term,
}

impl Guard {
    fn enter() -> Result<Self> {
        install_panic_hook();
        take_terminal()?;
        let terminal = Terminal::new(CrosstermBackend::new(stdout())).map_err(|e| {
            restore();
            Error::Terminal(e)
        })?;
        Ok(Guard { terminal })
    }
}

/// Ctrl-Z or SIGTSTP: gives the shell its terminal back, then stops as SIGTSTP's default action
/// would, so the shell sees a stopped job. Continued (`fg`), it takes the terminal again and draws
/// everything.
fn suspend(terminal: &mut Term) -> Result<()> {
    restore();
    signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGTSTP)
        .map_err(Error::Terminal)?;
    redraw(terminal)
}

/// Ctrl-L or SIGCONT: sets the terminal's modes again (whoever ran meanwhile may have changed them)
/// and draws every cell on the next frame.
fn redraw(terminal: &mut Term) -> Result<()> {
    // crossterm skips enabling raw mode when it believes it is on: switch it off first.
    let _ = disable_raw_mode();
    take_terminal()?;
    // Clears the screen and forgets the last frame, so the next one draws every cell. Not
    // `terminal.clear()`: it asks the terminal where the cursor is, and the answer cannot be read
    // while crossterm's event thread holds the input waiting for a key (it hung until one came).
    let size = terminal.size().map_err(Error::Terminal)?;
    let area = ratatui::layout::Rect::new(0, 0, size.width, size.height);
    terminal.resize(area).map_err(Error::Terminal)
}

/// `text` to the terminal's clipboard with OSC 52: the terminal (or tmux) sets the system
/// clipboard, over ssh too; one without it ignores the sequence.
fn copy(terminal: &mut Term, text: &str) -> Result<()> {
    use base64::Engine;
    use std::io::Write;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let out = terminal.backend_mut();
    write!(out, "\x1b]52;c;{encoded}\x07")
        .and_then(|()| out.flush())
        .map_err(Error::Terminal)
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
    /// Where findings are kept (none with `--no-cache` and no `--findings`), and the data they
    /// belong to.
    pub findings: Option<(Journal, String)>,
}

/// Runs the explorer on `state` until the user quits.
pub fn run(state: State, mut explorer: Explorer) -> Result<()> {
    need_a_terminal()?;
    let mut findings = explorer.findings.take();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Terminal)?;
    let mut guard = Guard::enter()?;
    let (to_ui, reports) = tokio::sync::mpsc::unbounded_channel();
    handle_signals(to_ui.clone())?;
    let inbox = Inbox { to_ui, reports };
    let edges = Edges {
        findings: findings.as_mut().map(|(j, _)| j),
    };
    let result = runtime.block_on(event_loop(
        &mut guard.terminal,
        state,
        explorer,
        inbox,
        edges,
    ));
    drop(guard);
    // The journal rewritten in one piece (a damaged end dropped); the appends already hold it all.
    if let Some((journal, identity)) = &mut findings
        && let Err(e) = journal.compact(identity)
    {
        eprintln!("reviewlens: warning: findings kept, but not compacted: {e}");
    }
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

/// What reaches the UI besides terminal events: workers' reports and signals, as messages.
struct Inbox {
    to_ui: UnboundedSender<Msg>,
    reports: tokio::sync::mpsc::UnboundedReceiver<Msg>,
}

/// What the event loop writes besides the screen.
struct Edges<'a> {
    findings: Option<&'a mut Journal>,
}

async fn event_loop(
    terminal: &mut Term,
    mut state: State,
    explorer: Explorer,
    inbox: Inbox,
    mut edges: Edges<'_>,
) -> Result<()> {
    let size = terminal.size().map_err(Error::Terminal)?;
    update(&mut state, Msg::Resize(size.width, size.height));
    let Inbox { to_ui, mut reports } = inbox;
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
            // A large search goes on a slice at a time, after input and a frame: typing ahead
            // replaces it rather than waiting for it.
            () = std::future::ready(()), if state.search_run.is_some() => Some(Msg::SearchStep),
        };
        if let Some(msg) = msg {
            dirty = true;
            let mut flow = carry_out(terminal, &mut state, msg, (&workers, &mut edges))?;
            if let Flow::Edit { row, what, text } = flow {
                // crossterm's reader thread would take the keys meant for the editor: stop it.
                drop(events);
                let editor = state.editor.clone().unwrap_or_default();
                let text = edit_in_terminal(terminal, &editor, &text)?;
                events = EventStream::new();
                flow = carry_out(
                    terminal,
                    &mut state,
                    Msg::Edited { row, what, text },
                    (&workers, &mut edges),
                )?;
            }
            if flow == Flow::Quit {
                return Ok(());
            }
        }
    }
}

/// What the event loop does after a message.
#[derive(Debug, PartialEq)]
enum Flow {
    Go,
    Quit,
    /// Open row `row`'s `text` (its review or its note) in the user's editor (the loop holds the
    /// terminal's input).
    Edit {
        row: u32,
        what: Editing,
        text: String,
    },
}

/// The terminal handed to the user's `editor` on `text`, then taken back and redrawn: the edited
/// text, or why there is none.
fn edit_in_terminal(
    terminal: &mut Term,
    editor: &str,
    text: &str,
) -> Result<std::result::Result<String, String>> {
    restore();
    let edited = crate::editor::edit(editor, text);
    redraw(terminal)?;
    Ok(edited)
}

/// Runs `msg` through `update` and carries out the commands it returns; a command's outcome (an
/// export's) comes back as a message of its own.
fn carry_out(
    terminal: &mut Term,
    state: &mut State,
    msg: Msg,
    (workers, edges): (&Workers, &mut Edges),
) -> Result<Flow> {
    let mut queue = VecDeque::from([msg]);
    while let Some(msg) = queue.pop_front() {
        for command in update(state, msg) {
            match command {
                Command::Quit => return Ok(Flow::Quit),
                Command::EditText { row, what, text } => {
                    return Ok(Flow::Edit { row, what, text });
                }
                Command::RecordFinding(entry) => {
                    let kept = match edges.findings.as_deref_mut() {
                        Some(journal) => journal.append(&entry),
                        None => Ok(()),
                    };
                    if let Err(e) = kept {
                        queue.push_back(Msg::NotKept(e));
                    }
                }
                Command::Suspend => suspend(terminal)?,
                Command::Redraw => redraw(terminal)?,
                Command::Copy { text } => copy(terminal, &text)?,
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
                Command::Complete { dir } => queue.push_back(Msg::Completions(entries(&dir))),
                to_worker => send_to_worker(state, workers, to_worker),
            }
        }
    }
    Ok(Flow::Go)
}

/// A command for a worker, with the texts of the rows it names.
fn send_to_worker(state: &State, workers: &Workers, command: Command) {
    let (side, request) = match command {
        Command::Classify {
            side,
            job,
            rows,
            urgent,
        } => {
            let data = std::sync::Arc::clone(&state.data);
            let field = state.text;
            let request = Request::ClassifyRows {
                job,
                data,
                field,
                rows,
                urgent,
            };
            (side, request)
        }
        Command::Cancel { side, job } => (side, Request::Cancel { job }),
        Command::Explain {
            side,
            job,
            row,
            text,
        } => {
            let text = text.unwrap_or_else(|| state.text_of(row));
            (side, Request::Explain { job, row, text })
        }
        Command::Similar { side, to, k } => {
            let all: Vec<u32> = (0..state.data.rows.len() as u32).collect();
            let rows = state.labelled_texts(&all);
            (side, Request::Similar { to, rows, k })
        }
        Command::NearDuplicates { side, rows } => {
            let rows = state.labelled_texts(&rows);
            (side, Request::NearDuplicates { rows })
        }
        Command::CrossValidate { side, rows } => {
            let rows = state.labelled_texts(&rows);
            (side, Request::CrossValidate { rows })
        }
        _ => return, // carried out by `carry_out` itself
    };
    workers.send(side, request);
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

/// At most this many names of a directory are offered for completion.
const MAX_ENTRIES: usize = 10_000;

/// The names in `dir` for path completion, directories (links to them included) ending in `/`;
/// none when it cannot be read (the prompt then says nothing fits).
fn entries(dir: &std::path::Path) -> Vec<String> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    (read.flatten().take(MAX_ENTRIES))
        .filter_map(|e| {
            let mut name = e.file_name().into_string().ok()?; // a name that is not UTF-8 cannot be typed
            if std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir()) {
                name.push('/');
            }
            Some(name)
        })
        .collect()
}

/// Signals, on a thread of their own. SIGHUP, SIGINT, SIGQUIT and SIGTERM end the explorer from
/// there: it restores the terminal and exits with 128 + the signal, as shells report it. Not from
/// the event loop: the UI thread may be busy, and after a hang-up crossterm's reader spins on the
/// closed terminal and never returns to it. (Raw mode turns Ctrl-C into a key; `kill`, a closed
/// window or a dropped ssh session still arrive as signals.) Nothing is lost: every file we write
/// is renamed into place whole. SIGTSTP (`kill -TSTP`) and SIGCONT go to the event loop as Ctrl-Z
/// and Ctrl-L would, since only it may write to the terminal: it restores the terminal before
/// stopping, and after any stop (SIGSTOP included) sets its modes again and redraws.
fn handle_signals(to_ui: UnboundedSender<Msg>) -> Result<()> {
    use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
    let watched = [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGCONT];
    let mut signals = signal_hook::iterator::Signals::new(watched).map_err(Error::Terminal)?;
    std::thread::Builder::new()
        .name("reviewlens-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let action = match signal {
                    SIGTSTP => Action::Suspend,
                    SIGCONT => Action::Redraw,
                    _ => {
                        restore();
                        std::process::exit(128 + signal);
                    }
                };
                let _ = to_ui.send(Msg::Action(action)); // the UI is gone: nothing to redraw
            }
        })
        .map_err(Error::Terminal)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_are_listed_with_a_slash() {
        let dir = std::env::temp_dir().join(format!("reviewlens-entries-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("a.csv"), "").unwrap();
        let mut names = super::entries(&dir);
        names.sort();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(names, ["a.csv", "sub/"]);
        assert!(super::entries(std::path::Path::new("/no/such/dir")).is_empty());
    }

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
