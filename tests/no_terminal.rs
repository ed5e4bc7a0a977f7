//! Without a terminal the explorer says it needs one and names the headless commands, exit code 2
//! (it used to fail with "terminal: No such device or address (os error 6)" and exit code 1).

use std::process::{Command, Stdio};

#[test]
fn without_a_terminal_the_explorer_names_the_headless_commands() {
    let out = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .arg("--no-cache")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("the explorer needs a terminal"), "{stderr}");
    assert!(
        stderr.contains("predict, eval, sample or snapshot"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing drawn into the pipe");
}
