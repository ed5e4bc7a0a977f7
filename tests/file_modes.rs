//! Every file we write follows the umask, as other tools' outputs do: explorer exports used to be
//! 0600 (tempfile's default) while `predict` and `sample` outputs were 0644.
#![cfg(unix)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use reviewlens::io::table::{Sides, export_view};

/// The umask this process runs under (inherited by the shell asked for it).
fn umask() -> u32 {
    let out = Command::new("sh").args(["-c", "umask"]).output().unwrap();
    u32::from_str_radix(String::from_utf8(out.stdout).unwrap().trim(), 8).unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn exports_and_sample_files_follow_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::tiny();
    let rows = [0, 1];
    let sides = Sides {
        a: vec![None, None],
        b: None,
        findings: Vec::new(),
    };
    let export = dir.path().join("view.csv");
    assert!(export_view(&export, &data, &rows, &sides, false).unwrap());
    let expected = 0o666 & !umask();
    assert_eq!(mode(&export), expected, "explorer export");

    let out = dir.path().join("sample");
    let status = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(["--train", "5", "--test", "5", "sample", "--output"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    assert_eq!(mode(&out.join("train.parquet")), expected, "sample output");
}
