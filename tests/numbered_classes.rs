//! Numbered classes and a model with names (issue 15): integer labels without class names ("0",
//! "1") and a model with exactly as many labels (NEGATIVE, POSITIVE) pair up in order, said once;
//! names that match still match by name, and --label-map still decides.

use std::path::{Path, PathBuf};
use std::process::Command;

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/distilbert-tiny")
}

fn jsonl(dir: &Path, labels: &[u32]) -> PathBuf {
    let path = dir.join("test.jsonl");
    let texts = ["great", "awful, broke at once", "I love it", "meh", "fine"];
    let lines: Vec<String> = labels
        .iter()
        .zip(texts.iter().cycle())
        .map(|(l, t)| format!("{{\"label\": {l}, \"title\": \"t\", \"content\": \"{t}\"}}"))
        .collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    path
}

/// `predict` on `data` with the tiny model and `args`: exit code, stderr and the output's rows.
fn predict(data: &Path, args: &[&str]) -> (Option<i32>, String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .arg("--data")
        .arg(data)
        .arg("--model-dir")
        .arg(tiny())
        .args(args)
        .args(["--no-cache", "predict", "--output"])
        .arg(&output)
        .env("XDG_CACHE_HOME", dir.path())
        .output()
        .unwrap();
    let rows = std::fs::read_to_string(&output)
        .map(|t| t.lines().map(str::to_owned).collect())
        .unwrap_or_default();
    (
        out.status.code(),
        String::from_utf8(out.stderr).unwrap(),
        rows,
    )
}

const SAID: &str = "model labels NEGATIVE, POSITIVE taken as classes 0, 1; --label-map to change";

#[test]
fn a_model_with_names_takes_numbered_classes_in_order_and_says_so_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = jsonl(dir.path(), &[1, 1, 0, 1, 0]);
    let (code, stderr, rows) = predict(&data, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr.matches(SAID).count(), 1, "{stderr}");
    assert_eq!(rows[0].split(',').nth(5), Some("prob_1"), "{}", rows[0]);
    // The same as saying it with --label-map, which says nothing more.
    let (code, mapped_stderr, mapped) = predict(&data, &["--label-map", "NEGATIVE=0,POSITIVE=1"]);
    assert_eq!(code, Some(0), "{mapped_stderr}");
    assert!(
        !mapped_stderr.contains("taken as classes"),
        "{mapped_stderr}"
    );
    assert_eq!(rows, mapped);
    assert_eq!(rows.len(), 6);
}

#[test]
fn label_map_still_decides() {
    let dir = tempfile::tempdir().unwrap();
    let data = jsonl(dir.path(), &[1, 0, 1]);
    let (_, _, rows) = predict(&data, &[]);
    assert_eq!(rows.len(), 4, "no map needed");
    let (code, stderr, swapped) = predict(&data, &["--label-map", "NEGATIVE=1,POSITIVE=0"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("taken as classes"), "{stderr}");
    // Columns: split,row_index,label,predicted,prob_0,prob_1,...
    for (a, b) in rows.iter().zip(&swapped).skip(1) {
        let a: Vec<&str> = a.split(',').collect();
        let b: Vec<&str> = b.split(',').collect();
        assert_eq!(a[3], if b[3] == "0" { "1" } else { "0" }, "{a:?} {b:?}");
        assert_eq!((a[4], a[5]), (b[5], b[4]));
    }
}

#[test]
fn a_model_with_another_number_of_labels_is_still_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = jsonl(dir.path(), &[0, 1, 2]);
    let (code, stderr, _) = predict(&data, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    let last = stderr.lines().last().unwrap();
    assert!(
        last.contains("\"NEGATIVE\" (output 0) matches none of the dataset's classes (0, 1, 2)"),
        "{last}"
    );
}
