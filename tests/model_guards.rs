//! Models and settings that used to crash, hang or answer nonsense, each now one line and exit code
//! 2 (or, for a batch too large for the memory, run in pieces with the same answers): a tokenizer
//! whose regex hits Oniguruma's backtracking limit, an absurd `RAYON_NUM_THREADS`, a batch larger
//! than the memory at hand, token ids past the embedding table, a `max_seq_length` of 0 or 1, and
//! weights that are not numbers. Each case starts from the tiny BERT fixture and breaks one thing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the tiny BERT classifier (also usable as an embedding model) with `edit` applied.
fn bert(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixture = root().join("tests/fixtures/models/bert-tiny");
    for entry in std::fs::read_dir(fixture).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    edit(dir.path());
    dir
}

fn edit_json(path: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(path, v.to_string()).unwrap();
}

/// A pre-tokenizer regex that backtracks exponentially on a long run of `a` not followed by the end.
fn catastrophic_tokenizer(dir: &Path) {
    edit_json(&dir.join("tokenizer.json"), |t| {
        t["pre_tokenizer"] = serde_json::json!({
            "type": "Split",
            "pattern": { "Regex": "(a|aa)+$" },
            "behavior": "Isolated",
            "invert": false
        });
    });
}

/// The text that sets it off.
fn long_a() -> String {
    format!("{}b", "a".repeat(200))
}

/// A JSONL file of the first `n` real test reviews, then `extra` texts.
fn data(dir: &Path, n: usize, extra: &[&str]) -> PathBuf {
    let source =
        std::fs::read_to_string(root().join("assets/source/amazon_polarity_test_sample.jsonl"))
            .unwrap();
    let mut lines: Vec<String> = source.lines().take(n).map(String::from).collect();
    for text in extra {
        lines.push(serde_json::json!({ "label": 0, "title": "", "content": text }).to_string());
    }
    let path = dir.join("data.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    path
}

fn run(args: &[&str], env: &[(&str, &str)], cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .env_remove("RAYON_NUM_THREADS")
        .env_remove("REVIEWLENS_BATCH_MEMORY_MB")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// `predict` with the classifier in `model`: exit code 2 and one line holding every fragment, no
/// panic message or backtrace, no output file.
fn predict_refused(model: &Path, extra: &[&str], env: &[(&str, &str)], fragments: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let data = data(dir.path(), 5, extra);
    let output = dir.path().join("p.csv");
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
    let out = run(&args, env, &dir.path().join("cache"));
    refused(&out, fragments);
    assert!(!output.exists(), "nothing written");
}

/// `eval` with zero-shot on the embedding model in `model`, refused.
fn zero_shot_refused(model: &Path, descriptions: &str, fragments: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let data = data(dir.path(), 5, &[]);
    let args = [
        "--data",
        data.to_str().unwrap(),
        "--classifier",
        "zero-shot",
        "--embed-model-dir",
        model.to_str().unwrap(),
        "--label-descriptions",
        descriptions,
        "eval",
    ];
    let out = run(&args, &[], &dir.path().join("cache"));
    refused(&out, fragments);
}

fn refused(out: &Output, fragments: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("reviewlens: "), "{stderr}");
    for noise in ["panicked", "backtrace", "RUST_BACKTRACE"] {
        assert!(!stderr.contains(noise), "{stderr}");
    }
    for f in fragments {
        assert!(last.contains(f), "{last:?} should contain {f:?}");
    }
}

#[test]
fn a_tokenizer_regex_that_backtracks_too_far_is_one_line() {
    let model = bert(catastrophic_tokenizer);
    predict_refused(
        model.path(),
        &[&long_a()],
        &[],
        &["tokenizer", "crashed on a text", "retry-limit-in-match"],
    );
}

#[test]
fn zero_shot_descriptions_that_crash_the_tokenizer_are_one_line() {
    let model = bert(catastrophic_tokenizer);
    let descriptions = format!("{}|good", long_a());
    zero_shot_refused(
        model.path(),
        &descriptions,
        &["tokenizer", "crashed on a text"],
    );
}

#[test]
fn an_absurd_rayon_num_threads_is_refused_before_any_thread_starts() {
    let model = bert(|_| {});
    predict_refused(
        model.path(),
        &[],
        &[("RAYON_NUM_THREADS", "20000")],
        &["RAYON_NUM_THREADS", "20000 threads", "set at most"],
    );
}

/// `predict --batch-size 64` into a CSV under `env`: (stderr, the output's lines).
fn predict_batch(model: &Path, env: &[(&str, &str)]) -> (String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let data = data(dir.path(), 40, &[]);
    let output = dir.path().join("p.csv");
    let args = [
        "--data",
        data.to_str().unwrap(),
        "--model-dir",
        model.to_str().unwrap(),
        "--label-map",
        "NEGATIVE=0,POSITIVE=1",
        "--batch-size",
        "64",
        "--no-cache",
        "predict",
        "--output",
        output.to_str().unwrap(),
    ];
    let out = run(&args, env, &dir.path().join("cache"));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    let lines = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    (stderr, lines)
}

#[test]
fn a_batch_larger_than_the_memory_runs_in_pieces_with_the_same_predictions() {
    let model = bert(|_| {});
    let (_, whole) = predict_batch(model.path(), &[]);
    // 40 texts of up to 64 tokens need about 7 MB in the tiny model; 1 MB takes 5 at a time.
    let (stderr, pieces) = predict_batch(model.path(), &[("REVIEWLENS_BATCH_MEMORY_MB", "1")]);
    assert!(
        stderr.contains("warning: a batch of 40 texts of up to 64 tokens needs about"),
        "{stderr}"
    );
    assert!(
        stderr.contains("REVIEWLENS_BATCH_MEMORY_MB allows: running it 5 at a time"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("running it").count(),
        1,
        "said once: {stderr}"
    );
    assert_eq!(whole.len(), 41, "a header and 40 rows");
    for (a, b) in whole.iter().zip(&pieces) {
        let (a, b): (Vec<&str>, Vec<&str>) = (a.split(',').collect(), b.split(',').collect());
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(x), Ok(y)) => assert!((x - y).abs() < 1e-4, "{x} vs {y}"),
                _ => assert_eq!(x, y),
            }
        }
    }
}

#[test]
fn one_text_larger_than_the_memory_is_refused_with_the_numbers() {
    let model = bert(|_| {});
    predict_refused(
        model.path(),
        &[],
        &[("REVIEWLENS_BATCH_MEMORY_MB", "0.1")],
        &[
            "a text of 64 tokens needs about 0.2 MB",
            "0.1 MB REVIEWLENS_BATCH_MEMORY_MB allows",
        ],
    );
}

#[test]
fn token_ids_past_the_embedding_table_are_refused_at_load() {
    // Same number of tokens, one of them renumbered past the model's 612.
    let model = bert(|d| {
        edit_json(&d.join("tokenizer.json"), |t| {
            t["model"]["vocab"]["great"] = 5000.into()
        });
    });
    predict_refused(
        model.path(),
        &[],
        &[],
        &["token ids up to 5000", "vocabulary has 612"],
    );
    // A special token the post-processor adds, numbered past the table.
    let model = bert(|d| {
        edit_json(&d.join("tokenizer.json"), |t| {
            t["post_processor"]["special_tokens"]["[CLS]"]["ids"] = serde_json::json!([9999]);
        });
    });
    predict_refused(
        model.path(),
        &[],
        &[],
        &["token ids up to 9999", "vocabulary has 612"],
    );
}

#[test]
fn a_max_seq_length_of_0_or_1_is_refused() {
    for n in [0, 1] {
        let model = bert(|d| {
            let config = serde_json::json!({ "max_seq_length": n, "do_lower_case": true });
            std::fs::write(d.join("sentence_bert_config.json"), config.to_string()).unwrap();
        });
        zero_shot_refused(
            model.path(),
            "bad|good",
            &[
                "sentence_bert_config.json",
                &format!("max_seq_length {n} leaves no room"),
            ],
        );
    }
    let model = bert(|d| {
        edit_json(&d.join("config.json"), |c| {
            c["max_position_embeddings"] = 1.into()
        })
    });
    predict_refused(
        model.path(),
        &[],
        &[],
        &["config.json", "max_position_embeddings 1"],
    );
}

/// Overwrites tensor `name` of the folder's model.safetensors with NaN.
fn nan_tensor(dir: &Path, name: &str) {
    let path = dir.join("model.safetensors");
    let mut bytes = std::fs::read(&path).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    let offsets = &header[name]["data_offsets"];
    let (a, b) = (
        offsets[0].as_u64().unwrap() as usize,
        offsets[1].as_u64().unwrap() as usize,
    );
    for chunk in bytes[8 + n + a..8 + n + b].chunks_exact_mut(4) {
        chunk.copy_from_slice(&f32::NAN.to_le_bytes());
    }
    std::fs::write(&path, bytes).unwrap();
}

#[test]
fn weights_that_are_not_numbers_give_no_label() {
    let model = bert(|d| nan_tensor(d, "classifier.weight"));
    let name = model
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    predict_refused(
        model.path(),
        &[],
        &[],
        &[&name, "not numbers (NaN or infinity)"],
    );
    let model = bert(|d| nan_tensor(d, "bert.encoder.layer.1.output.dense.bias"));
    zero_shot_refused(
        model.path(),
        "bad|good",
        &["embeddings that are not numbers"],
    );
}
