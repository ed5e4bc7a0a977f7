//! An output never replaces an input: `predict --output` naming the data (or a link to it, or a new
//! file in a folder the data is read from) and `sample --output` into a folder holding the data are
//! refused with one line and exit code 2, leaving the data as it was. An existing output is replaced
//! only with `--force`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Five real test reviews as JSONL, at `path`.
fn jsonl(path: &Path) -> PathBuf {
    let source =
        std::fs::read_to_string(root().join("assets/source/amazon_polarity_test_sample.jsonl"))
            .unwrap();
    std::fs::write(path, source.lines().take(5).collect::<Vec<_>>().join("\n")).unwrap();
    path.to_owned()
}

fn run(args: &[&str], cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap()
}

/// `predict` with the tiny model on `data` into `output`, plus `extra` after the subcommand.
fn predict(data: &Path, output: &Path, extra: &[&str], cache: &Path) -> Output {
    let model = root().join("tests/fixtures/models/distilbert-tiny");
    let args = [
        "--data",
        data.to_str().unwrap(),
        "--model-dir",
        model.to_str().unwrap(),
        "--label-map",
        "NEGATIVE=0,POSITIVE=1",
        "predict",
        "--output",
        output.to_str().unwrap(),
    ];
    run(&[&args[..], extra].concat(), cache)
}

fn sample(data: &Path, output: &Path, extra: &[&str], cache: &Path) -> Output {
    let args = [
        "--data",
        data.to_str().unwrap(),
        "--first",
        "--train",
        "2",
        "sample",
        "--output",
        output.to_str().unwrap(),
    ];
    run(&[&args[..], extra].concat(), cache)
}

/// Exit code 2 and one line holding every fragment.
fn assert_refused(out: &Output, fragments: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    for f in fragments {
        assert!(stderr.contains(f), "{stderr:?} should contain {f:?}");
    }
}

fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn predict_never_writes_over_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let data = jsonl(&dir.path().join("test.jsonl"));
    let before = std::fs::read(&data).unwrap();
    // The same file, named as it was, through another path, and through a link; --force or not.
    let other_path = dir.path().join(".").join("test.jsonl");
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink(&data, &link).unwrap();
    for output in [&data, &other_path, &link] {
        for extra in [&[][..], &["--force"]] {
            let out = predict(&data, output, extra, &cache);
            assert_refused(&out, &["is an input of this run", "pick another"]);
        }
    }
    assert_eq!(
        std::fs::read(&data).unwrap(),
        before,
        "the data is untouched"
    );
}

#[test]
fn predict_never_adds_a_file_to_a_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    std::fs::create_dir(&folder).unwrap();
    jsonl(&folder.join("test.jsonl"));
    let out = predict(
        &folder,
        &folder.join("predictions.csv"),
        &[],
        &dir.path().join("c"),
    );
    assert_refused(&out, &["the data is read from this folder"]);
    assert!(!folder.join("predictions.csv").exists());
}

#[test]
fn an_existing_prediction_file_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let data = jsonl(&dir.path().join("test.jsonl"));
    let output = dir.path().join("p.csv");
    std::fs::write(&output, "mine").unwrap();
    let out = predict(&data, &output, &[], &cache);
    assert_refused(&out, &["p.csv", "already exists", "--force"]);
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "mine");
    assert_ok(&predict(&data, &output, &["--force"], &cache));
    let written = std::fs::read_to_string(&output).unwrap();
    assert!(written.starts_with("split,row_index"), "{written}");
}

/// A directory in the Hub's flat layout: train.parquet and test.parquet (the bundled sample's).
fn parquet_folder(dir: &Path) -> PathBuf {
    let folder = dir.join("data");
    std::fs::create_dir(&folder).unwrap();
    for split in ["train", "test"] {
        let name = format!("{split}.parquet");
        std::fs::copy(root().join("assets/sample").join(&name), folder.join(&name)).unwrap();
    }
    folder
}

#[test]
fn sample_never_writes_into_the_folder_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let folder = parquet_folder(dir.path());
    let before = std::fs::read(folder.join("train.parquet")).unwrap();
    for extra in [&[][..], &["--force"]] {
        let out = sample(&folder, &folder, extra, &cache);
        assert_refused(&out, &["the data is read from this folder", "pick another"]);
    }
    // The folder holding a single --data file, named another way.
    let train = folder.join("train.parquet");
    let out = sample(&train, &folder.join("."), &["--force"], &cache);
    assert_refused(&out, &["the data is read from this folder"]);
    assert_eq!(std::fs::read(folder.join("train.parquet")).unwrap(), before);
}

#[test]
fn an_existing_sample_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let folder = parquet_folder(dir.path());
    let output = dir.path().join("out");
    assert_ok(&sample(&folder, &output, &[], &cache));
    std::fs::write(output.join("test.parquet"), "mine").unwrap();
    let train_before = std::fs::read(output.join("train.parquet")).unwrap();
    let out = sample(&folder, &output, &[], &cache);
    assert_refused(&out, &["already exists", "--force"]);
    assert_eq!(
        std::fs::read_to_string(output.join("test.parquet")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read(output.join("train.parquet")).unwrap(),
        train_before
    );
    assert_ok(&sample(&folder, &output, &["--force"], &cache));
    assert_ne!(std::fs::read(output.join("test.parquet")).unwrap(), b"mine");
}

#[test]
fn an_export_never_replaces_the_data_even_when_told_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = jsonl(&dir.path().join("test.jsonl"));
    let before = std::fs::read(&path).unwrap();
    let data = reviewlens::data::load(Some(&path), &Default::default()).unwrap();
    let sides = reviewlens::io::table::Sides {
        a: vec![None; data.rows.len()],
        b: None,
        findings: Vec::new(),
    };
    let rows: Vec<usize> = (0..data.rows.len()).collect();
    let err = reviewlens::io::table::export_view(&path, &data, &rows, &sides, true).unwrap_err();
    assert!(err.to_string().contains("is an input of this run"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
