//! Writing the result to stdout can fail: a full device (`> /dev/full`) is one line on stderr and
//! exit code 2, never a panic (exit code 101); a reader that went away (`| head`) ends the run
//! quietly with success, as Unix tools do.

use std::os::fd::{FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Five real test reviews as JSONL.
fn data(dir: &Path) -> PathBuf {
    let source =
        std::fs::read_to_string(root().join("assets/source/amazon_polarity_test_sample.jsonl"))
            .unwrap();
    let path = dir.join("test.jsonl");
    std::fs::write(&path, source.lines().take(5).collect::<Vec<_>>().join("\n")).unwrap();
    path
}

fn command(args: &[&str], cache: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_reviewlens"));
    c.args(args).env("XDG_CACHE_HOME", cache);
    c
}

/// `eval` with the tiny model on `data`.
fn eval_args(data: &Path, json: bool) -> Vec<String> {
    let model = root().join("tests/fixtures/models/distilbert-tiny");
    let mut args: Vec<String> = [
        "--data",
        data.to_str().unwrap(),
        "--model-dir",
        model.to_str().unwrap(),
        "--label-map",
        "NEGATIVE=0,POSITIVE=1",
        "eval",
    ]
    .map(String::from)
    .to_vec();
    if json {
        args.push("--json".into());
    }
    args
}

/// The command's stdout is /dev/full.
fn into_full_device(mut c: Command) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    c.stdout(full).output().unwrap()
}

/// The command's stdout is a pipe whose reading end is closed before it starts, so its first write
/// fails with EPIPE whatever the timing.
fn into_closed_pipe(mut c: Command) -> Output {
    let mut fds = [0; 2];
    // Safety: pipe fills the two descriptors it is given.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // Safety: both descriptors were just opened and are owned here alone.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    c.stdout(Stdio::from(write)).output().unwrap()
}

fn assert_one_line_exit_2(out: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("reviewlens: ") && last.contains("stdout"),
        "{what}: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
}

fn assert_quiet_success(out: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{what}: {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("reviewlens:"),
        "{what}: {stderr}"
    );
}

#[test]
fn a_full_device_is_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let data = data(dir.path());
    let out = into_full_device(command(&["snapshot"], &cache));
    assert_one_line_exit_2(&out, "snapshot");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).lines().count(),
        1,
        "snapshot"
    );
    for json in [true, false] {
        let args = eval_args(&data, json);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = into_full_device(command(&args, &cache));
        assert_one_line_exit_2(&out, &format!("eval, json {json}"));
    }
    let goldens = root().join("tests/fixtures/models/goldens.json");
    let out = into_full_device(command(
        &["check", "--goldens", goldens.to_str().unwrap()],
        &cache,
    ));
    assert_one_line_exit_2(&out, "check");
}

#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let data = data(dir.path());
    // A screen far larger than a pipe's buffer.
    let out = into_closed_pipe(command(
        &["snapshot", "--width", "400", "--height", "400"],
        &cache,
    ));
    assert_quiet_success(&out, "snapshot");
    for json in [true, false] {
        let args = eval_args(&data, json);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = into_closed_pipe(command(&args, &cache));
        assert_quiet_success(&out, &format!("eval, json {json}"));
    }
}
