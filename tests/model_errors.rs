//! A model that cannot be used gets one clear line and exit code 2 from `predict` (the explorer shows
//! the same text in its status bar and goes on). Each case starts from the tiny DistilBERT fixture and
//! breaks one thing.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/distilbert-tiny")
}

/// A copy of the fixture with `edit` applied.
fn broken(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    edit(dir.path());
    dir
}

fn edit_config(dir: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join("config.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(&path, v.to_string()).unwrap();
}

/// `predict` with the model in `dir`: exit code 2 and one line holding every fragment.
fn refused(args: &[&str], env: &[(&str, &str)], fragments: &[&str]) {
    let out_dir = tempfile::tempdir().unwrap();
    let output = out_dir.path().join("p.csv");
    let cache = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .args(["predict", "--split", "train", "--output"])
        .arg(&output)
        .env("XDG_CACHE_HOME", cache.path())
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("reviewlens: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for f in fragments {
        assert!(last.contains(f), "{last:?} should contain {f:?}");
    }
    assert!(!output.exists(), "nothing written");
}

fn with_dir(dir: &Path, env: &[(&str, &str)], fragments: &[&str]) {
    refused(&["--model-dir", dir.to_str().unwrap()], env, fragments);
}

#[test]
fn a_folder_missing_a_file() {
    let dir = broken(|d| std::fs::remove_file(d.join("model.safetensors")).unwrap());
    with_dir(dir.path(), &[], &["model folder has no model.safetensors"]);
    let dir = broken(|d| std::fs::remove_file(d.join("vocab.txt")).unwrap());
    with_dir(dir.path(), &[], &["has no tokenizer.json"]);
}

#[test]
fn config_that_is_not_json() {
    let dir = broken(|d| std::fs::write(d.join("config.json"), "{\"dim\": 32,").unwrap());
    with_dir(dir.path(), &[], &["config.json: not JSON"]);
}

#[test]
fn an_unknown_architecture() {
    let dir = broken(|d| {
        edit_config(d, |c| {
            c["architectures"] = serde_json::json!(["RobertaForSequenceClassification"])
        })
    });
    with_dir(
        dir.path(),
        &[],
        &[
            "architecture RobertaForSequenceClassification is not supported (supported: DistilBertForSequenceClassification, BertForSequenceClassification)",
        ],
    );
}

#[test]
fn weights_of_the_wrong_shape() {
    let dir = broken(|d| edit_config(d, |c| c["dim"] = serde_json::json!(48)));
    with_dir(
        dir.path(),
        &[],
        &[
            "model.safetensors: weights do not fit the DistilBertForSequenceClassification",
            "shape",
        ],
    );
}

#[test]
fn a_tokenizer_larger_than_the_vocabulary() {
    let dir = broken(|d| edit_config(d, |c| c["vocab_size"] = serde_json::json!(100)));
    with_dir(
        dir.path(),
        &[],
        &["its tokenizer has 612 tokens but the model's vocabulary has 100"],
    );
}

#[test]
fn labels_that_match_no_class() {
    let dir = broken(|d| {
        edit_config(d, |c| {
            c["id2label"] = serde_json::json!({"0": "LABEL_0", "1": "LABEL_1"});
        })
    });
    with_dir(
        dir.path(),
        &[],
        &[
            "\"LABEL_0\" (output 0) matches none of the dataset's classes",
            "--label-map",
        ],
    );
    // ...and the fix it suggests works.
    let out_dir = tempfile::tempdir().unwrap();
    let data = out_dir.path().join("train.csv");
    std::fs::write(
        &data,
        "\"2\",\"Great\",\"Lovely CD\"\n\"1\",\"Bad\",\"Broke\"\n",
    )
    .unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args([
            "--model-dir",
            dir.path().to_str().unwrap(),
            "--label-map",
            "LABEL_0=0,LABEL_1=1",
            "--no-cache",
        ])
        .arg("--data")
        .arg(&data)
        .args(["predict", "--output"])
        .arg(out_dir.path().join("p.jsonl"))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn offline_with_nothing_cached() {
    let hub = tempfile::tempdir().unwrap();
    refused(
        &[
            "--model",
            "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
        ],
        &[
            ("HF_HUB_OFFLINE", "1"),
            ("HF_HUB_CACHE", hub.path().to_str().unwrap()),
        ],
        &[
            "not in the Hugging Face cache",
            "HF_HUB_OFFLINE is set",
            "--model-dir",
        ],
    );
}

#[test]
fn int8_runs_only_on_the_cpu_through_the_fused_kernels() {
    let dir = fixture();
    let dir = dir.to_str().unwrap();
    refused(
        &["--model-dir", dir, "--device", "cuda", "--dtype", "int8"],
        &[],
        &["--dtype: int8 runs on the CPU only", "--device cpu"],
    );
    refused(
        &["--model-dir", dir, "--dtype", "q8"],
        &[("REVIEWLENS_KERNELS", "candle")],
        &[
            "--dtype: int8 runs through the fused kernels",
            "--kernels candle",
        ],
    );
}

#[test]
fn f16_on_the_cpu_and_cuda_without_the_feature() {
    let dir = fixture();
    let dir = dir.to_str().unwrap();
    refused(
        &["--model-dir", dir, "--device", "cpu", "--dtype", "f16"],
        &[],
        &["--dtype: f16 and bf16 run on CUDA only"],
    );
    if !cfg!(feature = "cuda") {
        refused(
            &["--model-dir", dir, "--device", "cuda"],
            &[],
            &[
                "--device: this build has no CUDA support",
                "--features cuda",
            ],
        );
    }
}
