//! Inputs that used to get a wrong or unclear message (issue 13): each is now read, or refused with
//! one true line on stderr and exit code 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, StringArray, UInt64Array};
use arrow::datatypes::{Field, Schema};
use reviewlens::data::{Columns, load};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str], cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap()
}

/// One line holding every fragment, exit code 2.
fn refused(args: &[&str], fragments: &[&str]) -> String {
    let cache = tempfile::tempdir().unwrap();
    let out = run(args, cache.path());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    for f in fragments {
        assert!(stderr.contains(f), "{stderr:?} should contain {f:?}");
    }
    stderr
}

#[test]
fn a_jsonl_file_may_start_with_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.jsonl");
    std::fs::write(
        &path,
        "\u{feff}{\"label\": 1, \"title\": \"a\", \"content\": \"good\"}\n{\"label\": 0, \"title\": \"b\", \"content\": \"bad\"}\n",
    )
    .unwrap();
    let data = load(Some(&path), &Columns::default()).unwrap();
    assert_eq!(data.rows.len(), 2);
    assert_eq!((data.rows.get(0).label, data.rows.get(0).title), (1, "a"));
}

fn parquet_with_labels(path: &Path, labels: Vec<Option<u64>>) {
    let n = labels.len();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(UInt64Array::from(labels)),
        Arc::new(StringArray::from(vec!["text"; n])),
    ];
    let schema = Arc::new(Schema::new(vec![
        Field::new("label", columns[0].data_type().clone(), true),
        Field::new("content", columns[1].data_type().clone(), true),
    ]));
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let mut writer =
        parquet::arrow::ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, None)
            .unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

#[test]
fn a_label_too_large_for_a_class_id_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.parquet");
    parquet_with_labels(&path, vec![Some(0), Some(u64::MAX)]);
    let stderr = refused(
        &["--data", path.to_str().unwrap(), "snapshot"],
        &["row 2", "18446744073709551615", "too large"],
    );
    assert!(!stderr.contains("null"), "{stderr}");
    // A real null is still called one.
    parquet_with_labels(&path, vec![Some(0), None]);
    refused(
        &["--data", path.to_str().unwrap(), "snapshot"],
        &["row 2: label is empty (null)"],
    );
    // The same in JSONL.
    let jsonl = dir.path().join("test.jsonl");
    std::fs::write(
        &jsonl,
        "{\"label\": 18446744073709551615, \"content\": \"x\"}\n",
    )
    .unwrap();
    refused(
        &["--data", jsonl.to_str().unwrap(), "snapshot"],
        &["line 1", "18446744073709551615", "too large"],
    );
}

#[test]
fn train_0_asks_for_no_rows_and_is_refused_as_such() {
    refused(
        &["--train", "0", "snapshot"],
        &["--train", "'0'", "at least 1"],
    );
    refused(&["--test", "0", "snapshot"], &["--test", "at least 1"]);
}

#[test]
fn a_fifo_or_a_device_as_data_is_not_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("reviews.jsonl");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // Safety: mkfifo reads the NUL-terminated path it is given.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for path in [fifo.as_path(), Path::new("/dev/null")] {
        let stderr = refused(
            &["--data", path.to_str().unwrap(), "snapshot"],
            &["not a regular file or a directory"],
        );
        assert!(!stderr.contains("Not a directory"), "{stderr}");
    }
}

#[test]
fn an_empty_revision_after_at_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("test.jsonl");
    std::fs::write(&data, "{\"label\": 1, \"content\": \"x\"}\n").unwrap();
    let hub = dir.path().join("hub");
    let out = dir.path().join("p.csv");
    let cache = dir.path().join("cache");
    let o = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(["--data", data.to_str().unwrap(), "--model", "org/name@"])
        .args(["predict", "--output", out.to_str().unwrap()])
        .env("XDG_CACHE_HOME", &cache)
        .env("HF_HUB_CACHE", &hub)
        .env("HF_HUB_OFFLINE", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    let last = stderr.lines().last().unwrap();
    assert!(
        last.contains("org/name@") && last.contains("revision after @ is empty"),
        "{stderr}"
    );
    assert!(!stderr.contains("Is a directory"), "{stderr}");
}

fn goldens_without(dir: &Path, emptied: &str) -> PathBuf {
    let source = root().join("tests/fixtures/models/goldens.json");
    let mut g: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(source).unwrap()).unwrap();
    g[emptied] = if emptied == "texts" {
        serde_json::json!([])
    } else {
        serde_json::json!({})
    };
    let path = dir.join(format!("goldens-no-{emptied}.json"));
    std::fs::write(&path, g.to_string()).unwrap();
    path
}

#[test]
fn check_with_nothing_to_check_fails() {
    let dir = tempfile::tempdir().unwrap();
    // The models are looked for beside the goldens file.
    for model in ["distilbert-tiny", "bert-tiny"] {
        let to = dir.path().join(model);
        std::fs::create_dir(&to).unwrap();
        for f in std::fs::read_dir(root().join("tests/fixtures/models").join(model)).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
        }
    }
    for (emptied, says) in [("models", "names no models"), ("texts", "holds no texts")] {
        let goldens = goldens_without(dir.path(), emptied);
        refused(
            &["check", "--goldens", goldens.to_str().unwrap()],
            &["goldens-no-", says],
        );
    }
}

#[test]
fn names_with_control_characters_stay_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.parquet");
    let columns: Vec<ArrayRef> = vec![
        Arc::new(UInt64Array::from(vec![0u64])),
        Arc::new(StringArray::from(vec!["text"])),
    ];
    let schema = Arc::new(Schema::new(vec![
        Field::new("label", columns[0].data_type().clone(), true),
        Field::new("con\ntent", columns[1].data_type().clone(), true),
    ]));
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let mut writer =
        parquet::arrow::ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, None)
            .unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    refused(
        &["--data", path.to_str().unwrap(), "snapshot"],
        &["column \"content\" is missing", "con\\ntent"],
    );
}

#[test]
fn check_outside_a_checkout_says_which_goldens_file_to_pass() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .arg("check")
        .current_dir(dir.path())
        .env("XDG_CACHE_HOME", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    for f in [
        "tests/fixtures/models/goldens.json",
        "reviewlens checkout",
        "--goldens",
    ] {
        assert!(stderr.contains(f), "{stderr:?} should contain {f:?}");
    }
    assert!(!stderr.contains("os error"), "{stderr}");
    // From the checkout's root the default is found.
    let out = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(["check", "--device", "cpu"])
        .current_dir(root())
        .env("XDG_CACHE_HOME", dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
