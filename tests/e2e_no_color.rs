//! Issue 14, item 3: under NO_COLOR the real binary in a real terminal (tmux) draws no colour, and
//! the selected row is in reverse video from end to end (a colour that crossterm may not write
//! becomes a full reset, which used to end the reverse video after the first cell).

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux(String);

impl Tmux {
    fn start(command: &str) -> Tmux {
        let tmux = Tmux(format!("reviewlens-e2e-nocolor-{}", std::process::id()));
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
                command,
            ])
            .status()
            .expect("tmux must be installed (.ci/run installs it)");
        assert!(status.success(), "tmux new-session failed");
        tmux
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-L").arg(&self.0).args(args);
        c
    }

    /// The screen with its attributes as escape sequences.
    fn screen(&self) -> String {
        let out = self
            .cmd(&["capture-pane", "-e", "-p", "-t", "e2e"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen shows `text` (a liveness bound, not a performance check).
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(Instant::now() < deadline, "never saw {text:?}:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]).status();
    }
}

/// The SGR parameter lists (`ESC [ ... m`) in `line`, with the text each applies to.
fn runs(line: &str) -> Vec<(Vec<u32>, String)> {
    let mut out = vec![(Vec::new(), String::new())];
    let mut rest = line;
    while let Some(at) = rest.find("\x1b[") {
        out.last_mut().unwrap().1.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after.find('m').expect("an SGR sequence ends in m");
        let params = after[..end]
            .split(';')
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        out.push((params, String::new()));
        rest = &after[end + 1..];
    }
    out.last_mut().unwrap().1.push_str(rest);
    out
}

#[test]
fn no_color_draws_no_colour_and_reverses_the_whole_selected_row() {
    let bin = env!("CARGO_BIN_EXE_reviewlens");
    let tmux = Tmux::start(&format!("NO_COLOR=1 {bin}"));
    let screen = tmux.wait_for("1 of 6,000");
    // No colour at all: only tmux's own "default colour" (39, 49) after a reset.
    let colour = |p: &u32| matches!(p, 30..=38 | 40..=48 | 90..=97 | 100..=107);
    for (params, text) in screen.lines().flat_map(runs) {
        assert!(
            !params.iter().any(colour),
            "a colour {params:?} before {text:?}:\n{screen}"
        );
    }
    // The selected row (the first review) is reversed up to its title's end.
    let plain = |l: &str| runs(l).into_iter().map(|(_, t)| t).collect::<String>();
    let row = screen
        .lines()
        .find(|&l| plain(l).contains("0 positive Stuning even for the non-gamer"))
        .unwrap_or_else(|| panic!("no selected row:\n{screen}"));
    let mut reversed = false;
    for (params, text) in runs(row) {
        for p in &params {
            match p {
                0 | 27 => reversed = false,
                7 => reversed = true,
                _ => {}
            }
        }
        if params.is_empty() && text.is_empty() {
            continue;
        }
        if text.contains("Stuning") {
            assert!(reversed, "the title is not reversed: {row:?}");
            return;
        }
        if text.contains("positive") {
            assert!(reversed, "the gold label is not reversed: {row:?}");
        }
    }
    panic!("the title was never reached: {row:?}");
}
