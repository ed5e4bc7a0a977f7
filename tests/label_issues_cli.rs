//! `reviewlens label-issues` through the binary: the summary, the JSON and the output file agree
//! with each other; cross-validation folds are stratified and reuse the embedding cache; bad input
//! is one line and exit code 2. (The numbers themselves are cleanlab's: tests/label_issues.rs.)

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/models")
        .join(name)
}

fn run(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap()
}

fn rows_of(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn the_summary_the_json_and_the_file_agree() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("issues.jsonl");
    let model = fixture("distilbert-tiny");
    let args = [
        "--model-dir",
        model.to_str().unwrap(),
        "--label-map",
        "NEGATIVE=negative,POSITIVE=positive",
        "label-issues",
        "--split",
        "test",
        "--json",
        "--output",
        out.to_str().unwrap(),
    ];
    let o = run(dir.path(), &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = rows_of(&out);
    assert_eq!(summary["rows"], rows.len());
    let flagged: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| r["is_label_issue"] == true)
        .collect();
    assert_eq!(summary["issues"], flagged.len());
    assert!(!flagged.is_empty());
    // The ranked list is the flagged rows by issue_rank, lowest score first.
    let mut by_rank = flagged.clone();
    by_rank.sort_by_key(|r| r["issue_rank"].as_i64().unwrap());
    let ranked: Vec<&serde_json::Value> = summary["ranked"].as_array().unwrap().iter().collect();
    assert_eq!(ranked.len(), by_rank.len());
    for (r, s) in by_rank.iter().zip(&ranked) {
        assert_eq!(r["row_index"], s["row_index"]);
    }
    let scores: Vec<f64> = by_rank
        .iter()
        .map(|r| r["label_quality"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] <= w[1]),
        "lowest score first"
    );
    // self_confidence is the probability of the given label.
    assert!(
        rows.iter()
            .all(|r| r["label_quality"] == r["p_label"] && r["fold"].is_null())
    );
    let source = summary["probabilities"]["source"].as_str().unwrap();
    assert!(source.starts_with("out-of-sample"), "{source}");
    assert_eq!(
        summary["num_label_issues"]["estimation"],
        "off_diagonal_calibrated"
    );
}

#[test]
fn the_embedding_head_is_cross_validated_on_stratified_folds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("issues.csv");
    let model = fixture("bert-tiny");
    let args = [
        "--classifier",
        "embed",
        "--embed-model-dir",
        model.to_str().unwrap(),
        "--test",
        "300",
        "label-issues",
        "--split",
        "test",
        "--folds",
        "3",
        "--output",
        out.to_str().unwrap(),
    ];
    let o = run(dir.path(), &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("out-of-fold: 3-fold stratified cross-validation (seed 0)"),
        "{stdout}"
    );
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let mut per_fold = std::collections::BTreeMap::<(String, String), usize>::new();
    for record in reader.records() {
        let r = record.unwrap();
        *per_fold
            .entry((r[8].to_string(), r[2].to_string()))
            .or_default() += 1;
    }
    // Every row has a fold of 0..3, and each class is spread over the folds within one row.
    let folds: std::collections::BTreeSet<&String> = per_fold.keys().map(|(f, _)| f).collect();
    assert_eq!(
        folds.into_iter().cloned().collect::<Vec<_>>(),
        ["0", "1", "2"]
    );
    for class in ["negative", "positive"] {
        let sizes: Vec<usize> = (per_fold.iter())
            .filter(|((_, c), _)| c == class)
            .map(|(_, n)| *n)
            .collect();
        assert!(
            sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1,
            "{sizes:?}"
        );
    }
    // A second run finds every embedding in the cache.
    let embedded = common::embedded_rows(&dir.path().join("reviewlens"));
    assert_eq!(embedded, 300);
    let o = run(dir.path(), &args[..args.len() - 2]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(common::embedded_rows(&dir.path().join("reviewlens")), 300);
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let bert = fixture("bert-tiny");
    let embed = [
        "--classifier",
        "embed",
        "--embed-model-dir",
        bert.to_str().unwrap(),
    ];
    let cases: [(&[&str], &str); 3] = [
        (&["label-issues", "--split", "nope"], "no split \"nope\""),
        (&["label-issues", "--folds", "1"], "--folds"),
        (&["label-issues", "--method", "vibes"], "possible values"),
    ];
    for (args, fragment) in cases {
        let all: Vec<&str> = embed.iter().chain(args).copied().collect();
        let o = run(dir.path(), &all);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(fragment), "{args:?}: {stderr}");
    }
}

/// `eval --json` carries cleanlab's estimate for the evaluated rows, the same as `label-issues`
/// gives on the same predictions.
#[test]
fn eval_json_estimates_the_label_errors_as_label_issues_does() {
    let dir = tempfile::tempdir().unwrap();
    let model = fixture("distilbert-tiny");
    let common = [
        "--model-dir",
        model.to_str().unwrap(),
        "--label-map",
        "NEGATIVE=negative,POSITIVE=positive",
    ];
    let eval = run(dir.path(), &[&common[..], &["eval", "--json"]].concat());
    assert!(
        eval.status.success(),
        "{}",
        String::from_utf8_lossy(&eval.stderr)
    );
    let eval: serde_json::Value = serde_json::from_slice(&eval.stdout).unwrap();
    let issues = run(
        dir.path(),
        &[&common[..], &["label-issues", "--split", "test", "--json"]].concat(),
    );
    assert!(
        issues.status.success(),
        "{}",
        String::from_utf8_lossy(&issues.stderr)
    );
    let issues: serde_json::Value = serde_json::from_slice(&issues.stdout).unwrap();
    let estimate = &eval["label_issues"];
    assert_eq!(estimate["estimation"], "off_diagonal_calibrated");
    assert_eq!(estimate["count"], issues["num_label_issues"]["count"]);
    let pairs = &issues["label_errors_per_class_pair"];
    assert_eq!(
        estimate["per_class_pair"][0][1],
        pairs["negative"]["positive"]
    );
    assert_eq!(
        estimate["per_class_pair"][1][0],
        pairs["positive"]["negative"]
    );
}

/// Train and test reviews where train row 24 has a copy labelled the other way (train row 25) and
/// another in test (test row 12), written to `dir/data`.
fn write_copies(dir: &std::path::Path) -> std::path::PathBuf {
    let data = dir.join("data");
    std::fs::create_dir(&data).unwrap();
    let line = |label: u32, text: &str| {
        format!("{{\"label\": {label}, \"title\": \"\", \"content\": \"{text}\"}}\n")
    };
    let words = [
        "battery", "screen", "plot", "cover", "sound", "price", "strap", "lid", "wheel",
    ];
    let mut train: String = (0..24)
        .map(|i| {
            line(
                i % 2,
                &format!(
                    "the {} of item {i} was {}",
                    words[i as usize % 9],
                    ["bad", "fine"][i as usize % 2]
                ),
            )
        })
        .collect();
    train += &line(0, "Stopped working after a week, sent it back."); // train row 24
    train += &line(1, "Stopped working after a week, sent it back."); // row 25: its copy, other label
    let mut test: String = (0..12)
        .map(|i| {
            line(
                i % 2,
                &format!("a different {} entirely, number {i}", words[i as usize % 9]),
            )
        })
        .collect();
    test += &line(0, "Stopped working after a week, sent it back."); // test row 12: leaked
    std::fs::write(data.join("train.jsonl"), train).unwrap();
    std::fs::write(data.join("test.jsonl"), test).unwrap();
    data
}

/// `label-issues --duplicates --json --output FILE` on `write_copies`' data, with `extra` options:
/// the summary and the file's rows.
fn duplicates_of_copies(extra: &[&str]) -> (serde_json::Value, Vec<serde_json::Value>) {
    let dir = tempfile::tempdir().unwrap();
    let data = write_copies(dir.path());
    let out = dir.path().join("issues.jsonl");
    let (seq, bert) = (fixture("distilbert-tiny"), fixture("bert-tiny"));
    let mut args = vec![
        "--data",
        data.to_str().unwrap(),
        "--model-dir",
        seq.to_str().unwrap(),
        "--label-map",
        "NEGATIVE=0,POSITIVE=1",
        "--embed-model-dir",
        bert.to_str().unwrap(),
        "label-issues",
        "--duplicates",
        "--json",
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = run(dir.path(), &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    (summary, rows_of(&out))
}

/// `--duplicates`: a review copied from train into test is leaked, a copy labelled the other way
/// conflicts, and the output names each row's near duplicates by split and row_index.
#[test]
fn duplicates_find_copies_conflicts_and_leakage() {
    let (summary, rows) = duplicates_of_copies(&[]);
    let row = |split: &str, index: u64| {
        rows.iter()
            .find(|r| r["split"] == split && r["row_index"] == index)
            .unwrap()
    };
    assert_eq!(row("test", 12)["near_duplicates"], "train:24 train:25");
    assert_eq!(row("test", 12)["leaked"], true);
    assert_eq!(row("train", 24)["conflicting_label"], true);
    assert_eq!(row("train", 25)["near_duplicates"], "train:24 test:12");
    assert_eq!(row("train", 24)["leaked"], false, "only test rows leak");
    let d = &summary["duplicates"];
    assert_eq!(d["leaked_test_rows"], 1);
    assert!(d["conflicting_label"].as_u64().unwrap() >= 3, "{d}");
    assert_eq!(d["neighbours"], serde_json::json!({"method": "exact"}));
}

/// `--exact-up-to` below the rows forces the HNSW index: the same near duplicates, and the JSON says
/// which search ran and its recall against exact search on the sampled rows (here all 39).
#[test]
fn duplicates_through_the_index_report_its_recall() {
    let (exact, exact_rows) = duplicates_of_copies(&[]);
    let (ann, ann_rows) = duplicates_of_copies(&["--exact-up-to", "20"]);
    let n = &ann["duplicates"]["neighbours"];
    assert_eq!(n["method"], "hnsw", "{n}");
    assert_eq!(n["sampled"], 39, "{n}");
    let recall = n["recall_at_10"].as_f64().unwrap();
    assert!((0.9..=1.0).contains(&recall), "{n}");
    let columns = |rows: &[serde_json::Value]| -> Vec<serde_json::Value> {
        rows.iter().map(|r| r["near_duplicates"].clone()).collect()
    };
    assert_eq!(columns(&ann_rows), columns(&exact_rows));
    assert_eq!(
        ann["duplicates"]["leaked_test_rows"],
        exact["duplicates"]["leaked_test_rows"]
    );
}
