//! The real binary in a real terminal (tmux): it starts, shows the first review, moves, searches,
//! switches split, quits, and the shell gets its terminal back (cooked mode, main screen).

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    /// A private tmux server running an interactive shell in a 120×40 window.
    fn start(name: &str) -> Tmux {
        let socket = format!("reviewlens-e2e-{name}-{}", std::process::id());
        let tmux = Tmux { socket };
        let status = tmux
            .cmd(&[
                "new-session",
                "-d",
                "-x",
                "120",
                "-y",
                "40",
                "-s",
                "e2e",
                "sh",
            ])
            .status()
            .expect("tmux must be installed (.ci/run installs it)");
        assert!(status.success(), "tmux new-session failed");
        tmux.cmd(&["set-option", "-g", "history-limit", "0"])
            .status()
            .unwrap();
        tmux
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-L").arg(&self.socket).args(args);
        c
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        assert!(self.cmd(&args).status().unwrap().success());
    }

    fn screen(&self) -> String {
        let out = self
            .cmd(&["capture-pane", "-p", "-t", "e2e"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn display(&self, format: &str) -> String {
        let out = self
            .cmd(&["display-message", "-p", "-t", "e2e", format])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Waits until the screen shows `text` (a liveness bound, not a performance check).
    fn wait_for(&self, text: &str) -> String {
        self.wait_for_all(&[text])
    }

    /// Waits until the screen shows every one of `texts` at once. A capture can fall between the
    /// writes of one frame (rows are redrawn top to bottom), so what a test checks together is
    /// waited for together rather than asserted on the first capture that shows one of them.
    fn wait_for_all(&self, texts: &[&str]) -> String {
        self.wait_until(&[], texts, Instant::now() + Duration::from_secs(30))
    }

    /// Waits until the screen shows every one of `texts` and none of `gone`, by `deadline`.
    fn wait_until(&self, gone: &[&str], texts: &[&str], deadline: Instant) -> String {
        loop {
            let screen = self.screen();
            if texts.iter().all(|text| screen.contains(text))
                && !gone.iter().any(|text| screen.contains(text))
            {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "never saw all of {texts:?} without {gone:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen no longer shows `text`.
    fn wait_gone(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.screen().contains(text) {
            assert!(Instant::now() < deadline, "{text:?} never went away");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Pastes `text` as a terminal does: inside bracketed-paste codes when the program asked for
    /// them, else as plain typing (line feeds become carriage returns, as tmux sends them).
    fn paste(&self, text: &str) {
        let set = self.cmd(&["set-buffer", "-b", "e2e", "--", text]).status();
        assert!(set.unwrap().success());
        let paste = (self.cmd(&["paste-buffer", "-p", "-b", "e2e", "-t", "e2e"])).status();
        assert!(paste.unwrap().success());
    }

    /// Pastes the contents of `file` (too long for a command line), as `paste` does.
    fn paste_file(&self, file: &std::path::Path) {
        let load = (self.cmd(&["load-buffer", "-b", "e2e"]).arg(file)).status();
        assert!(load.unwrap().success());
        let paste = (self.cmd(&["paste-buffer", "-p", "-b", "e2e", "-t", "e2e"])).status();
        assert!(paste.unwrap().success());
    }

    /// The shell's terminal is back: not in the alternate screen, canonical mode and echo on.
    fn assert_restored(&self) {
        assert_eq!(
            self.display("#{alternate_on}"),
            "0",
            "left the alternate screen"
        );
        self.keys(&["clear; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo -e -icanon -e -echo | sort | tr '\\n' ,; echo", "Enter"]);
        self.wait_for("echo,icanon,");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]).status();
    }
}

fn launch(tmux: &Tmux) {
    launch_with(tmux, "");
}

fn launch_with(tmux: &Tmux, args: &str) {
    let bin = env!("CARGO_BIN_EXE_reviewlens");
    tmux.keys(&[&format!("{bin} {args}; echo EXIT=$?"), "Enter"]);
    tmux.wait_for("Reviews · train");
}

#[test]
fn browse_search_switch_split_and_quit() {
    let tmux = Tmux::start("browse");
    launch(&tmux);
    tmux.wait_for_all(&[
        "Stuning even for the non-gamer",
        "bundled sample │ train │ 6,000 of 6,000 rows │ label: all",
        "1 of 6,000",
    ]);
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "1",
        "runs in the alternate screen"
    );

    tmux.keys(&["j"]);
    tmux.wait_for_all(&["2 of 6,000", "train · row 1 · gold positive"]);

    tmux.keys(&["/", "chrono"]);
    tmux.wait_for("/chrono");
    tmux.keys(&["Enter"]);
    tmux.wait_for_all(&["│ /chrono ", "matches ("]);

    tmux.keys(&["Tab"]);
    tmux.wait_for_all(&["Reviews · test", "│ test │ 10,980 of 10,980 rows"]);

    tmux.keys(&["l"]);
    tmux.wait_for("label: negative");

    tmux.keys(&["?"]);
    tmux.wait_for("? or Esc to close");
    tmux.keys(&["Escape"]);
    // A key right behind Esc would read as Alt+key: wait for the overlay to go first.
    tmux.wait_gone("? or Esc to close");

    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    tmux.assert_restored();
}

#[test]
fn ctrl_c_quits_and_restores() {
    let tmux = Tmux::start("ctrlc");
    launch(&tmux);
    tmux.keys(&["C-c"]);
    tmux.wait_for("EXIT=0");
    tmux.assert_restored();
}

#[test]
fn sigterm_quits_and_restores() {
    let tmux = Tmux::start("sigterm");
    launch(&tmux);
    // This pane's reviewlens, not another test's: the child of the pane's shell.
    let shell = tmux.display("#{pane_pid}");
    let pid = Command::new("pgrep")
        .args(["-P", &shell, "-x", "reviewlens"])
        .output()
        .unwrap();
    let pid = String::from_utf8(pid.stdout).unwrap();
    assert!(
        Command::new("kill")
            .args(["-TERM", pid.trim()])
            .status()
            .unwrap()
            .success()
    );
    tmux.wait_for("EXIT=143"); // 128 + SIGTERM, as shells report it
    tmux.assert_restored();
}

/// The pid of the reviewlens this tmux's shell runs.
fn reviewlens_pid(tmux: &Tmux) -> String {
    let shell = tmux.display("#{pane_pid}");
    let pid = Command::new("pgrep")
        .args(["-P", &shell, "-x", "reviewlens"])
        .output()
        .unwrap();
    String::from_utf8(pid.stdout).unwrap().trim().to_owned()
}

/// A terminal that closes while the explorer is busy (a backlog of search keys over many rows)
/// used to leave it spinning forever inside crossterm's reader, deaf to SIGHUP and SIGTERM.
#[test]
fn a_terminal_closed_while_busy_ends_the_explorer() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("big_test.jsonl");
    let mut text = String::new();
    for i in 0..200_000 {
        text.push_str(&format!(
            "{{\"label\": {}, \"title\": \"review {i}\", \"content\": \"a long enough review text number {i} about nothing in particular\"}}\n",
            i % 2
        ));
    }
    std::fs::write(&data, text).unwrap();
    let tmux = Tmux::start("hangup");
    let bin = env!("CARGO_BIN_EXE_reviewlens");
    tmux.keys(&[
        &format!("{bin} --no-cache --data {}", data.display()),
        "Enter",
    ]);
    tmux.wait_for("Reviews · test");
    let pid = reviewlens_pid(&tmux);
    tmux.keys(&["/", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"]);
    assert!(
        tmux.cmd(&["kill-session", "-t", "e2e"])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while Command::new("kill")
        .args(["-0", &pid])
        .status()
        .unwrap()
        .success()
    {
        assert!(
            Instant::now() < deadline,
            "reviewlens {pid} still runs after its terminal closed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_bad_path_prints_one_line_after_nothing_was_drawn() {
    let tmux = Tmux::start("bad");
    let bin = env!("CARGO_BIN_EXE_reviewlens");
    tmux.keys(&[
        &format!("clear; {bin} --data /nope.parquet; echo EXIT=$?"),
        "Enter",
    ]);
    let screen = tmux.wait_for("EXIT=2");
    assert!(
        screen.contains("reviewlens: /nope.parquet: no such file or directory"),
        "{screen}"
    );
    tmux.assert_restored();
}

/// 40 real train reviews as the original CSV (`train.csv` in `dir`), for the tiny DistilBERT.
fn forty_rows(dir: &std::path::Path) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let source =
        std::fs::read_to_string(root.join("assets/source/amazon_polarity_train_sample.jsonl"))
            .unwrap();
    let mut csv = csv::Writer::from_path(dir.join("train.csv")).unwrap();
    for line in source.lines().take(40) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let class = (v["label"].as_u64().unwrap() + 1).to_string();
        csv.write_record([
            class.as_str(),
            v["title"].as_str().unwrap(),
            v["content"].as_str().unwrap(),
        ])
        .unwrap();
    }
    csv.flush().unwrap();
}

/// The explorer on `forty_rows` in `dir`, with the tiny DistilBERT and no cache.
fn launch_on_forty_rows(tmux: &Tmux, dir: &std::path::Path) {
    forty_rows(dir);
    let model = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/models/distilbert-tiny");
    let args = format!(
        "--data {} --model-dir {} --no-cache",
        dir.join("train.csv").display(),
        model.display()
    );
    launch_with(tmux, &args);
}

/// Label issues (`i`, `I`) and a search on predictions kept as the only rows (`&`), in the real
/// terminal with the tiny DistilBERT.
#[test]
fn label_issues_and_a_search_on_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = Tmux::start("issues");
    launch_on_forty_rows(&tmux, dir.path());
    tmux.keys(&["C"]);
    tmux.wait_for("classified 40 reviews");
    tmux.keys(&["i"]);
    // The column, and the detail pane's reason (flagged or not, it names P(given label)).
    tmux.wait_for_all(&["label?", "P(", "label issues: "]);
    tmux.keys(&["I"]);
    tmux.wait_for("label issues only");
    // Esc on its own: an Esc and a key at once read as Alt and the key.
    tmux.keys(&["Escape"]);
    tmux.wait_for("label issues filter cleared");
    tmux.keys(&["i"]);
    tmux.wait_gone("label?");
    tmux.keys(&["/"]);
    tmux.keys(&["-l", "wrong"]);
    tmux.keys(&["Enter", "&"]);
    tmux.wait_for("only (&)");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    tmux.assert_restored();
}

#[test]
fn classify_one_then_all_then_show_the_mistakes() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = Tmux::start("classify");
    launch_on_forty_rows(&tmux, dir.path());

    // The prediction in the detail pane, the single request's latency, device and dtype.
    tmux.keys(&["c"]);
    tmux.wait_for_all(&[" tokens", "│ predicted ", " ms", "cpu f32"]);

    tmux.keys(&["C"]);
    tmux.wait_for_all(&["classified 39 reviews", "accuracy", "of 40 classified"]);

    tmux.keys(&["m"]);
    let screen = tmux.wait_for("misclassified only");
    let list: Vec<&str> = screen
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('│'))
        .collect();
    assert!(!list.is_empty());
    let mut shown = 0;
    for line in &list {
        // The list pane's part of the line: between its left border and the next one.
        let inner: String = line.chars().skip(1).take_while(|&c| c != '│').collect();
        if !inner.trim().is_empty() {
            assert!(inner.contains('✗'), "only mistakes are listed: {inner}");
            shown += 1;
        }
    }
    assert!(shown > 0, "{screen}");

    // The metrics pane, a confusion cell as the filter, and the view exported.
    tmux.keys(&["r"]);
    tmux.wait_for_all(&["40 of 40 classified", "weighted avg"]);
    tmux.keys(&["v"]);
    tmux.wait_for("pick a cell: gold");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("V clears");
    let rows: usize = screen
        .lines()
        .last()
        .and_then(|l| l.split(" │ ").nth(2))
        .and_then(|part| part.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the status bar counts the rows shown");
    let out = dir.path().join("cell.csv");
    for attempt in 0..2 {
        tmux.keys(&["e"]);
        tmux.wait_for("export to: reviewlens-train-");
        tmux.keys(&["C-u", &out.display().to_string(), "Enter"]);
        if attempt == 0 {
            tmux.wait_for("exported ");
        } else {
            tmux.wait_for("exists. Overwrite?");
            tmux.keys(&["n"]);
            tmux.wait_for("not overwritten");
            tmux.keys(&["Escape"]);
            tmux.wait_gone("export to:");
        }
    }
    let written = csv::Reader::from_path(&out).unwrap().records().count();
    assert_eq!(written, rows, "the file holds the rows shown");

    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    tmux.assert_restored();
}

/// A paste arrives whole, in bracketed-paste codes: its line breaks go into the prompt as spaces
/// instead of running the rest as commands (`battery⏎GGGlq` used to search, jump, filter and quit),
/// and a paste while no prompt is open does nothing.
#[test]
fn a_paste_goes_into_the_prompt_and_never_runs_as_keys() {
    let tmux = Tmux::start("paste");
    launch(&tmux);
    tmux.wait_for("1 of 6,000");
    tmux.keys(&["/"]);
    tmux.wait_for("Enter keep");
    tmux.paste("battery\nGGGlq");
    tmux.wait_for_all(&["/battery GGGlq", "Enter keep", "1 of 6,000"]);
    tmux.keys(&["Escape"]);
    tmux.wait_gone("Enter keep");

    // 100 kB at once: one search, not one a character (it froze the explorer for 43 s).
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("paste.txt");
    std::fs::write(&big, "charger battery ".repeat(6_400)).unwrap();
    tmux.keys(&["/"]);
    tmux.wait_for("Enter keep");
    tmux.paste_file(&big);
    // The prompt shows the end of what was pasted, where the cursor is.
    tmux.wait_for_all(&["/…", "charger battery charger battery", "1 of 6,000"]);
    tmux.keys(&["C-u"]);
    tmux.wait_for_all(&["Enter keep", "1 of 6,000"]);
    tmux.wait_gone("charger battery");
    tmux.keys(&["Escape"]);
    tmux.wait_gone("Enter keep");

    // Browsing: the paste is ignored, not typed (q would quit, G would jump to the end).
    tmux.paste("G\nq");
    tmux.keys(&["j"]);
    tmux.wait_for_all(&["2 of 6,000", "label: all"]);
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    tmux.assert_restored();
}

/// Ctrl-Z gives the shell its terminal back (cooked mode, main screen) and stops the explorer;
/// `fg` brings it back drawn in full, where it was.
#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_brings_the_explorer_back() {
    let tmux = Tmux::start("suspend");
    let bin = env!("CARGO_BIN_EXE_reviewlens");
    // No `; echo` after it: a shell goes on with a list once its job stops.
    tmux.keys(&[bin, "Enter"]);
    tmux.wait_for("Reviews · train");
    tmux.keys(&["j"]);
    tmux.wait_for("2 of 6,000");
    tmux.keys(&["C-z"]);
    tmux.wait_for("Stopped");
    tmux.assert_restored();
    tmux.keys(&["clear; fg", "Enter"]);
    tmux.wait_for_all(&[
        "Reviews · train",
        "2 of 6,000",
        "train · row 1 · gold positive",
    ]);
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "1",
        "back on the alternate screen"
    );
    tmux.keys(&["q"]);
    tmux.wait_gone("Reviews · train");
    tmux.keys(&["echo EXIT=$?", "Enter"]);
    tmux.wait_for("EXIT=0");
    tmux.assert_restored();
}

/// `kill -TSTP` from outside suspends the same way: the terminal is restored before it stops.
#[test]
fn sigtstp_from_outside_restores_the_terminal_before_stopping() {
    let tmux = Tmux::start("sigtstp");
    let bin = env!("CARGO_BIN_EXE_reviewlens");
    tmux.keys(&[bin, "Enter"]);
    tmux.wait_for("Reviews · train");
    let pid = reviewlens_pid(&tmux);
    assert!(
        Command::new("kill")
            .args(["-TSTP", &pid])
            .status()
            .unwrap()
            .success()
    );
    tmux.wait_for("Stopped");
    tmux.assert_restored();
    tmux.keys(&["clear; fg", "Enter"]);
    tmux.wait_for_all(&["Reviews · train", "1 of 6,000"]);
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "1",
        "back on the alternate screen"
    );
    tmux.keys(&["q"]);
    tmux.wait_gone("Reviews · train");
    tmux.keys(&["echo EXIT=$?", "Enter"]);
    tmux.wait_for("EXIT=0");
    tmux.assert_restored();
}

#[test]
fn sigquit_quits_with_131_and_restores() {
    let tmux = Tmux::start("sigquit");
    launch(&tmux);
    let pid = reviewlens_pid(&tmux);
    assert!(
        Command::new("kill")
            .args(["-QUIT", &pid])
            .status()
            .unwrap()
            .success()
    );
    tmux.wait_for("EXIT=131"); // 128 + SIGQUIT
    tmux.assert_restored();
}

/// Ctrl-L draws the whole screen again, over whatever another program wrote on it.
#[test]
fn ctrl_l_redraws_a_garbled_screen() {
    use std::io::Write;
    let tmux = Tmux::start("redraw");
    launch(&tmux);
    tmux.wait_for_all(&["Stuning even for the non-gamer", "1 of 6,000"]);
    let tty = tmux.display("#{pane_tty}");
    let mut tty = std::fs::OpenOptions::new().write(true).open(tty).unwrap();
    // What a stray `wall` or a background job would do: clear the screen and write over it.
    tty.write_all(b"\x1b[2J\x1b[HGARBLED").unwrap();
    tmux.wait_until(&["Reviews · train"], &["GARBLED"], deadline(30));
    tmux.keys(&["C-l"]);
    tmux.wait_until(
        &["GARBLED"],
        &[
            "Reviews · train",
            "Stuning even for the non-gamer",
            "1 of 6,000",
        ],
        deadline(30),
    );
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    tmux.assert_restored();
}

fn deadline(secs: u64) -> Instant {
    Instant::now() + Duration::from_secs(secs)
}

/// A table whose first review is 10 MB on one line and whose second has a 1 MB title: `snapshot`
/// draws it, and the explorer answers key after key with the huge review selected (it took 3.5 s a
/// key). One generous deadline for the whole conversation, not a measurement of any key.
#[test]
fn a_ten_megabyte_review_keeps_the_explorer_answering() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("huge_test.jsonl");
    let words = "lorem ipsum dolor sit amet consectetur ";
    let mut content = words.repeat(10_000_000 / words.len());
    content.push_str("zebra");
    content.push_str(&"x".repeat(10_000_000 - content.len()));
    let rows = [
        serde_json::json!({"label": 0, "title": "The huge one", "content": content}),
        serde_json::json!({"label": 1, "title": "t".repeat(1_000_000), "content": "short"}),
        serde_json::json!({"label": 1, "title": "A short one", "content": "fine"}),
    ];
    let lines: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
    std::fs::write(&data, lines.join("\n")).unwrap();
    let end = deadline(60);

    let bin = env!("CARGO_BIN_EXE_reviewlens");
    let out = Command::new(bin)
        .args(["snapshot", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(screen.contains("10,000,000 chars"), "{screen}");
    assert!(screen.contains("lines 1–"), "{screen}");

    let tmux = Tmux::start("huge");
    launch_args(&tmux, &format!("--no-cache --data {}", data.display()));
    tmux.wait_until(&[], &["10,000,000 chars", "1 of 3"], end);
    for line in 2..=41 {
        tmux.keys(&["J"]);
        tmux.wait_until(&[], &[&format!(" J/K scroll · lines {line}–")], end);
    }
    tmux.keys(&["j"]);
    tmux.wait_until(&[], &["2 of 3", "ttttttttttttttttttttttttttttttt"], end);
    tmux.keys(&["j"]);
    tmux.wait_until(&[], &["3 of 3", "A short one"], end);
    tmux.keys(&["g"]);
    tmux.wait_until(&[], &["1 of 3", " J/K scroll · lines 1–"], end);
    tmux.keys(&["/", "zebra"]);
    tmux.wait_until(&[], &["/zebra", "1 match"], end);
    tmux.keys(&["Enter"]);
    tmux.wait_until(&["Enter keep"], &["/zebra"], end);
    tmux.keys(&["q"]);
    tmux.wait_until(&[], &["EXIT=0"], end);
    tmux.assert_restored();
}

/// Starts the binary with `args` and waits for its first frame (any split).
fn launch_args(tmux: &Tmux, args: &str) {
    let bin = env!("CARGO_BIN_EXE_reviewlens");
    tmux.keys(&[&format!("{bin} {args}; echo EXIT=$?"), "Enter"]);
    tmux.wait_for("Reviews · ");
}

/// `a` explains the selected review in the real terminal; `E` hands the terminal to $EDITOR (a
/// script that rewrites the text), takes it back, and predicts the edit beside the original.
#[test]
fn a_explains_and_e_predicts_an_edit_made_in_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("editor.sh");
    std::fs::write(
        &script,
        "printf 'Terrible. It broke on the first day.' > \"$1\"\n",
    )
    .unwrap();
    forty_rows(dir.path());
    let model = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/models/distilbert-tiny");
    let tmux = Tmux::start("explain");
    let bin = env!("CARGO_BIN_EXE_reviewlens");
    let command = format!(
        "EDITOR='sh {}' {bin} --data {} --model-dir {} --no-cache; echo EXIT=$?",
        script.display(),
        dir.path().join("train.csv").display(),
        model.display()
    );
    tmux.keys(&[&command, "Enter"]);
    tmux.wait_for("Reviews · train");
    tmux.keys(&["a"]);
    // The top words, then the flip search's end ("flips it to …" or "no flip within 5 words").
    tmux.wait_for_all(&["pushed to ", "flip"]);
    tmux.keys(&["E"]);
    tmux.wait_for_all(&["edited text predicted", "Terrible. It broke"]);
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    tmux.assert_restored();
}
