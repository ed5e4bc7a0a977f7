//! The embedding classifiers with the tiny BERT fixture as the encoder (no pooling config, so mean
//! pooling, said out loud): `eval` end to end for logistic regression and zero-shot, the trained head
//! and the embeddings cached and reused (by every head, for every split), and every bad input as one
//! line and exit code 2.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use reviewlens::model::embed::Embedder;
use reviewlens::model::{ModelFiles, RunOptions};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn tiny_bert() -> PathBuf {
    root().join("tests/fixtures/models/bert-tiny")
}

/// A JSONL file of `n` real train rows, with gold labels replaced by `label` when given.
fn data(dir: &Path, n: usize, label: Option<u64>) -> PathBuf {
    let source =
        std::fs::read_to_string(root().join("assets/source/amazon_polarity_train_sample.jsonl"))
            .unwrap();
    let lines: Vec<String> = source
        .lines()
        .take(n)
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            if let Some(label) = label {
                v["label"] = label.into();
            }
            v.to_string()
        })
        .collect();
    let path = dir.join("train.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    path
}

fn run(args: &[&str], cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap()
}

fn refused(args: &[&str], fragments: &[&str]) {
    let cache = tempfile::tempdir().unwrap();
    let out = run(args, cache.path());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("reviewlens: ") && !stderr.contains("panicked"),
        "{stderr}"
    );
    for f in fragments {
        assert!(last.contains(f), "{last:?} should contain {f:?}");
    }
}

#[test]
fn a_model_without_pooling_config_uses_mean_pooling_and_says_so() {
    let files = ModelFiles::from_dir(&tiny_bert()).unwrap();
    let e = Embedder::load(&files, &RunOptions::default()).unwrap();
    assert_eq!(e.notes, ["no 1_Pooling/config.json: mean pooling"]);
    assert!(e.pooling.mean && !e.pooling.cls && !e.normalize);
    assert_eq!(
        (e.dim, e.max_length),
        (32, 64),
        "hidden size; max_position_embeddings"
    );
    // Mean pooling ignores padding: one text alone and padded in a batch give the same vector.
    let encoded = e
        .tokenize(&[
            "great",
            "a much longer text that needs padding of the first",
        ])
        .unwrap();
    let alone = e.embed(&[&encoded[0]]).unwrap();
    let batch = e.embed(&[&encoded[0], &encoded[1]]).unwrap();
    for (a, b) in alone[0].iter().zip(&batch[0]) {
        assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    }
}

#[test]
fn logistic_regression_trains_caches_its_head_and_evaluates() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let data = data(dir.path(), 60, None);
    let model = tiny_bert();
    let args = [
        "--data",
        data.to_str().unwrap(),
        "--classifier",
        "embed",
        "--embed-model-dir",
        model.to_str().unwrap(),
        "eval",
        "--split",
        "train",
        "--json",
    ];
    let out = run(&args, &cache);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("embedding the train split 60/60"),
        "{stderr}"
    );
    assert!(stderr.contains("logistic regression: "), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let accuracy = report["accuracy"].as_f64().unwrap();
    // Scored on its own training rows, a fitted head does better than the majority class.
    assert!(accuracy > 0.6, "{report}");
    let heads = std::fs::read_dir(cache.join("reviewlens/heads"))
        .unwrap()
        .count();
    let embeddings = std::fs::read_dir(cache.join("reviewlens/embeddings"))
        .unwrap()
        .count();
    assert_eq!((heads, embeddings), (1, 1));

    // A head of the wrong size in the cache is noticed and replaced; the answer is the same.
    let head = std::fs::read_dir(cache.join("reviewlens/heads"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&head).unwrap()).unwrap();
    v["model"]["dim"] = 3.into();
    std::fs::write(&head, v.to_string()).unwrap();
    let out = run(&[&args[..], &["--no-cache"]].concat(), &cache);
    assert!(out.status.success());
    std::fs::remove_dir_all(cache.join("reviewlens/predictions")).unwrap();
    let out = run(&args, &cache);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("has 3 dimensions but the embedding model gives 32; trained again"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("embedding the train split"),
        "embeddings came from the cache: {stderr}"
    );
    let again: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again["accuracy"], report["accuracy"]);
}

#[test]
fn every_head_shares_one_embedding_per_review() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let data = data(dir.path(), 40, None);
    let model = tiny_bert();
    let eval = |classifier: &str, extra: &[&str]| -> String {
        let head = [
            "--data",
            data.to_str().unwrap(),
            "--classifier",
            classifier,
            "--embed-model-dir",
            model.to_str().unwrap(),
        ];
        let args = [&head[..], extra, &["eval", "--split", "train"]].concat();
        let out = run(&args, &cache);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{stderr}");
        stderr
    };
    // Zero-shot embeds the 40 reviews it classifies, and keeps them.
    eval("zero-shot", &["--label-descriptions", "bad|good"]);
    assert_eq!(common::embedded_rows(&cache.join("reviewlens")), 40);
    // New descriptions, then a logistic regression trained and evaluated on the same reviews: the
    // predictions are new, the embeddings are not.
    eval("zero-shot", &["--label-descriptions", "awful|great"]);
    let stderr = eval("embed", &[]);
    assert!(stderr.contains("logistic regression: "), "{stderr}");
    assert!(
        !stderr.contains("embedding the train split"),
        "the train split came from the cache: {stderr}"
    );
    assert_eq!(common::embedded_rows(&cache.join("reviewlens")), 40);
}

#[test]
fn zero_shot_evaluates_with_default_and_given_descriptions() {
    let dir = tempfile::tempdir().unwrap();
    let data = data(dir.path(), 30, None);
    let model = tiny_bert();
    // The bundled sample's classes have names ("A negative review" by default); a JSONL file's are
    // only numbered, so it needs descriptions.
    let bundled = ["--first", "--train", "30"];
    let described = [
        "--data",
        data.to_str().unwrap(),
        "--label-descriptions",
        "bad|good",
    ];
    for source in [&bundled[..], &described[..]] {
        let mut args = source.to_vec();
        args.extend([
            "--classifier",
            "zero-shot",
            "--embed-model-dir",
            model.to_str().unwrap(),
        ]);
        args.extend(["eval", "--split", "train"]);
        let out = run(&args, &dir.path().join("cache"));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{stderr}");
        let report = String::from_utf8(out.stdout).unwrap();
        assert!(
            report.contains("weighted avg") && report.contains("        30\n"),
            "{report}"
        );
    }
}

#[test]
fn bad_embedding_input_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let model = tiny_bert();
    let model = model.to_str().unwrap();
    let few = data(dir.path(), 6, None);
    let few = few.to_str().unwrap();
    refused(
        &[
            "--data",
            few,
            "--classifier",
            "embed",
            "--embed-model-dir",
            model,
            "eval",
        ],
        &["6 rows", "at least 10"],
    );
    let one_dir = tempfile::tempdir().unwrap();
    let one = data(one_dir.path(), 20, Some(1));
    refused(
        &[
            "--data",
            one.to_str().unwrap(),
            "--classifier",
            "embed",
            "--embed-model-dir",
            model,
            "eval",
        ],
        &["single class"],
    );
    // Zero-shot on `few` with these options, then `eval`.
    let zero_shot = |options: &[&'static str]| {
        let head = [
            "--data",
            few,
            "--classifier",
            "zero-shot",
            "--embed-model-dir",
            model,
        ];
        [&head[..], options, &["eval"]].concat()
    };
    refused(
        &zero_shot(&["--label-descriptions", "A negative review|"]),
        &["--label-descriptions", "description of 1 is empty"],
    );
    refused(
        &zero_shot(&["--label-descriptions", "only one"]),
        &["1 descriptions for 2 classes"],
    );
    refused(
        &zero_shot(&[]),
        &[
            "--classifier zero-shot",
            "only numbered (0, 1)",
            "--label-descriptions",
        ],
    );
    // B's options are checked before A does any work.
    let distil_tiny = root().join("tests/fixtures/models/distilbert-tiny");
    let cache = tempfile::tempdir().unwrap();
    let out = run(
        &[
            "--data",
            few,
            "--model-dir",
            distil_tiny.to_str().unwrap(),
            "--label-map",
            "NEGATIVE=0,POSITIVE=1",
            "--compare",
            "zero-shot",
            "--embed-model-dir",
            model,
            "eval",
        ],
        cache.path(),
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("only numbered") && !stderr.contains("classified"),
        "{stderr}"
    );
    // A test split alone has nothing to train on.
    let test_only = dir.path().join("test.jsonl");
    std::fs::copy(few, &test_only).unwrap();
    let test_dir = tempfile::tempdir().unwrap();
    std::fs::copy(&test_only, test_dir.path().join("test.jsonl")).unwrap();
    refused(
        &[
            "--data",
            test_dir.path().to_str().unwrap(),
            "--classifier",
            "embed",
            "--embed-model-dir",
            model,
            "eval",
        ],
        &["train split", "zero-shot"],
    );
    // A sequence classifier that is not BERT cannot embed.
    let distil = root().join("tests/fixtures/models/distilbert-tiny");
    refused(
        &[
            "--data",
            few,
            "--classifier",
            "zero-shot",
            "--embed-model-dir",
            distil.to_str().unwrap(),
            "--label-descriptions",
            "bad|good",
            "eval",
        ],
        &["model_type distilbert is not supported for embeddings"],
    );
}

#[test]
fn eval_compares_two_classifiers() {
    let dir = tempfile::tempdir().unwrap();
    let data = data(dir.path(), 30, None);
    let distil = root().join("tests/fixtures/models/distilbert-tiny");
    let model = tiny_bert();
    let args = [
        "--data",
        data.to_str().unwrap(),
        "--model-dir",
        distil.to_str().unwrap(),
        "--label-map",
        "NEGATIVE=0,POSITIVE=1",
        "--compare",
        "zero-shot",
        "--embed-model-dir",
        model.to_str().unwrap(),
        "--label-descriptions",
        "bad|good",
        "eval",
        "--split",
        "train",
    ];
    let out = run(&args, &dir.path().join("cache"));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("A: ") && text.contains("(Sequence)"),
        "{text}"
    );
    assert!(
        text.contains("\nB: ") && text.contains("(ZeroShot)"),
        "{text}"
    );
    assert_eq!(text.matches("weighted avg").count(), 2, "{text}");
    assert!(text.contains("A and B disagree on "), "{text}");
    let out = run(
        &[&args[..], &["--json"]].concat(),
        &dir.path().join("cache"),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["A"]["report"]["accuracy"].is_number() && v["B"]["report"]["accuracy"].is_number());
    assert!(v["disagree"].is_number());
}
