//! The Rust models against transformers: tiny random checkpoints and golden logits made by
//! `scripts/make_test_models.py` (PyTorch + transformers), committed under `tests/fixtures/models/`.
//! DistilBERT's tokenizer is rebuilt from `vocab.txt` (no tokenizer.json, like the SST-2 repo); BERT's
//! comes from `tokenizer.json`.

use std::path::{Path, PathBuf};

use reviewlens::commands::check::Goldens;
use reviewlens::model::{Classifier, Kernels, ModelFiles, RunOptions};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models")
}

fn goldens() -> Goldens {
    serde_json::from_str(&std::fs::read_to_string(fixtures().join("goldens.json")).unwrap())
        .unwrap()
}

fn load(name: &str, max_length: usize, kernels: Kernels) -> Classifier {
    let files = ModelFiles::from_dir(&fixtures().join(name)).unwrap();
    let opts = RunOptions {
        max_length: Some(max_length),
        kernels,
        ..Default::default()
    };
    Classifier::load(&files, &["negative".into(), "positive".into()], &opts).unwrap()
}

fn assert_close(ours: &[f32], theirs: &[f32], tol: f32, what: &str) {
    assert_eq!(ours.len(), theirs.len(), "{what}");
    for (a, b) in ours.iter().zip(theirs) {
        assert!(
            (a - b).abs() <= tol,
            "{what}: {ours:?} vs transformers {theirs:?}"
        );
    }
}

/// Both ways the CPU runs the encoder in F32: the fused kernels (the default) and candle's ops
/// (what CUDA, F16 and BF16 use).
fn check_model(name: &str) {
    for kernels in [Kernels::Fused, Kernels::Candle] {
        check_model_with(name, kernels);
    }
}

fn check_model_with(name: &str, kernels: Kernels) {
    let g = goldens();
    let golden = &g.models[name];
    let model = load(name, g.max_length, kernels);
    let name = &format!("{name} ({kernels:?})");
    let texts: Vec<&str> = g.texts.iter().map(|t| t.text.as_str()).collect();
    let encoded = model.tokenize(&texts).unwrap();
    let mut any_truncated = false;
    for ((text, enc), gold) in g.texts.iter().zip(&encoded).zip(&golden.per_text) {
        assert_eq!(text.name, gold.name);
        assert_eq!(
            enc.ids, gold.input_ids,
            "{name} token ids for {:?}",
            text.name
        );
        assert_eq!(
            enc.truncated, gold.truncated,
            "{name} truncation of {:?}",
            text.name
        );
        any_truncated |= enc.truncated;
        let logits = model.logits(&[enc]).unwrap();
        assert_close(
            &logits[0],
            &gold.logits,
            1e-4,
            &format!("{name} logits of {:?}", text.name),
        );
        let pred = &model.predict(&[enc]).unwrap()[0];
        let gold_class = if gold.label == "POSITIVE" { 1 } else { 0 };
        assert_eq!(pred.label, gold_class, "{name} label of {:?}", text.name);
        assert_eq!(pred.tokens as usize, gold.input_ids.len());
        let sum: f32 = pred.probs.iter().sum();
        assert!((sum - 1.0).abs() < 1e-5);
    }
    assert!(any_truncated, "the fixtures include a truncated text");
    // One padded batch gives what one text at a time gives.
    let refs: Vec<_> = encoded.iter().collect();
    let batch = model.logits(&refs).unwrap();
    for ((ours, gold), text) in batch.iter().zip(&golden.batch.logits).zip(&g.texts) {
        assert_close(
            ours,
            gold,
            1e-4,
            &format!("{name} batched logits of {:?}", text.name),
        );
    }
}

#[test]
fn distilbert_matches_transformers_with_a_tokenizer_built_from_vocab_txt() {
    let files = ModelFiles::from_dir(&fixtures().join("distilbert-tiny")).unwrap();
    assert!(
        files.tokenizer_json.is_none(),
        "this fixture has only vocab.txt, like the SST-2 repo"
    );
    check_model("distilbert-tiny");
}

#[test]
fn bert_matches_transformers_with_tokenizer_json() {
    check_model("bert-tiny");
}

#[test]
fn labels_are_mapped_to_the_dataset_classes() {
    let files = ModelFiles::from_dir(&fixtures().join("distilbert-tiny")).unwrap();
    // The dataset lists its classes the other way round: predictions follow the names.
    let flipped = Classifier::load(
        &files,
        &["positive".into(), "negative".into()],
        &RunOptions::default(),
    )
    .unwrap();
    let normal = load("distilbert-tiny", 64, Kernels::Fused);
    let enc = normal.tokenize(&["Great CD!"]).unwrap();
    let a = &normal.predict(&[&enc[0]]).unwrap()[0];
    let b = &flipped.predict(&[&enc[0]]).unwrap()[0];
    assert_eq!(a.probs, vec![b.probs[1], b.probs[0]]);
    assert_eq!(a.label, 1 - b.label);
}

/// `reviewlens check` (how the CUDA build is proven on a card) passes here on the CPU, and fails,
/// naming the model, when a golden is off.
#[test]
fn the_check_subcommand_compares_against_the_goldens() {
    let run = |goldens: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_reviewlens"))
            .args(["--device", "cpu", "check", "--goldens"])
            .arg(goldens)
            .output()
            .unwrap()
    };
    let out = run(&fixtures().join("goldens.json"));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    assert_eq!(stdout.matches("labels 13/13: ok").count(), 2, "{stdout}");

    // The same fixtures with one golden logit moved by 0.01 (over F32's 1e-3 tolerance).
    let dir = tempfile::tempdir().unwrap();
    for name in ["distilbert-tiny", "bert-tiny"] {
        let to = dir.path().join(name);
        std::fs::create_dir(&to).unwrap();
        for entry in std::fs::read_dir(fixtures().join(name)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
    let text = std::fs::read_to_string(fixtures().join("goldens.json")).unwrap();
    let mut g: serde_json::Value = serde_json::from_str(&text).unwrap();
    let logit = &mut g["models"]["bert-tiny"]["per_text"][0]["logits"][0];
    *logit = (logit.as_f64().unwrap() + 0.01).into();
    let moved = dir.path().join("goldens.json");
    std::fs::write(&moved, g.to_string()).unwrap();
    let out = run(&moved);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stdout.contains("bert-tiny ") && stdout.contains("FAILED"),
        "{stdout}"
    );
    assert!(
        stderr.contains("1 differ from the goldens beyond the tolerance: bert-tiny"),
        "{stderr}"
    );
}
