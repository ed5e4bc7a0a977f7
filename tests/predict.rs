//! `reviewlens predict` end to end with the tiny DistilBERT: the output file round-trips through the
//! parquet reader and a CSV parser, the predictions equal the classifier's own, the second run comes
//! from the cache, and a Hub model is found in a hand-built Hugging Face cache with HF_HUB_OFFLINE=1.

use std::path::{Path, PathBuf};
use std::process::Command;

use arrow::array::AsArray;
use arrow::datatypes::Float32Type;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use reviewlens::model::{Classifier, ModelFiles, RunOptions};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn tiny() -> PathBuf {
    root().join("tests/fixtures/models/distilbert-tiny")
}

/// A small data file: five real test reviews.
fn data(dir: &Path) -> PathBuf {
    let source =
        std::fs::read_to_string(root().join("assets/source/amazon_polarity_test_sample.jsonl"))
            .unwrap();
    let path = dir.join("test.jsonl");
    std::fs::write(&path, source.lines().take(5).collect::<Vec<_>>().join("\n")).unwrap();
    path
}

fn predict(
    args: &[&str],
    data: &Path,
    output: &Path,
    cache: &Path,
    env: &[(&str, &str)],
) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .arg("--data")
        .arg(data)
        .args(["predict", "--output"])
        .arg(output)
        .env("XDG_CACHE_HOME", cache)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    stderr
}

#[test]
fn writes_parquet_and_csv_that_round_trip_and_reuses_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let data = data(dir.path());
    let tiny_dir = tiny();
    // JSONL labels are plain 0/1, so the model's NEGATIVE/POSITIVE need a map.
    let model = [
        "--model-dir",
        tiny_dir.to_str().unwrap(),
        "--label-map",
        "NEGATIVE=0,POSITIVE=1",
    ];
    let parquet = dir.path().join("p.parquet");
    let log = predict(&model, &data, &parquet, &cache, &[]);
    assert!(log.contains("classified 5 reviews"), "{log}");
    assert!(
        log.contains("on cpu f32, batches of 16, loaded in"),
        "no --batch-size: the CPU's default, said on stderr: {log}"
    );

    // The classifier's own predictions for the same texts.
    let files = ModelFiles::from_dir(&tiny()).unwrap();
    let opts = RunOptions {
        label_map: Some(vec![
            ("NEGATIVE".into(), "0".into()),
            ("POSITIVE".into(), "1".into()),
        ]),
        ..RunOptions::default()
    };
    let classifier = Classifier::load(&files, &["0".into(), "1".into()], &opts).unwrap();
    let texts: Vec<String> = std::fs::read_to_string(&data)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["content"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let encoded = classifier.tokenize(&refs).unwrap();
    let expected: Vec<_> = encoded
        .iter()
        .map(|e| classifier.predict(&[e]).unwrap().remove(0))
        .collect();

    let reader =
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&parquet).unwrap()).unwrap();
    let names: Vec<String> = reader
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(
        names,
        [
            "split",
            "row_index",
            "label",
            "predicted",
            "prob_0",
            "prob_1",
            "tokens",
            "truncated"
        ]
    );
    let batch = reader.build().unwrap().next().unwrap().unwrap();
    assert_eq!(batch.num_rows(), 5);
    let p1 = batch.column(5).as_primitive::<Float32Type>();
    for (i, e) in expected.iter().enumerate() {
        assert!((p1.value(i) - e.probs[1]).abs() < 1e-5, "row {i}");
        assert_eq!(
            batch.column(3).as_string::<i32>().value(i),
            e.label.to_string()
        );
    }

    // Second run, CSV: all from the cache, same numbers.
    let csv_path = dir.path().join("p.csv");
    let log = predict(&model, &data, &csv_path, &cache, &[]);
    assert!(log.contains("5 of 5 predictions from the cache"), "{log}");
    assert!(!log.contains("classified"), "no model work: {log}");
    let mut csv = csv::Reader::from_path(&csv_path).unwrap();
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    for (row, e) in rows.iter().zip(&expected) {
        assert_eq!(row[0].to_string(), "test");
        let p: f32 = row[5].parse().unwrap();
        assert!((p - e.probs[1]).abs() < 1e-5);
        assert_eq!(row[6].parse::<u32>().unwrap(), e.tokens);
    }
}

#[test]
fn with_compare_the_second_classifier_is_written_beside_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let data = data(dir.path());
    let (distil, bert) = (tiny(), root().join("tests/fixtures/models/bert-tiny"));
    let args = [
        "--model-dir",
        distil.to_str().unwrap(),
        "--label-map",
        "NEGATIVE=0,POSITIVE=1",
        "--compare",
        "zero-shot",
        "--embed-model-dir",
        bert.to_str().unwrap(),
        "--label-descriptions",
        "bad|good",
    ];
    let out = dir.path().join("both.jsonl");
    predict(&args, &data, &out, &dir.path().join("cache"), &[]);
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    for line in &lines {
        let (a, b) = (&line["prob_1"], &line["b_prob_1"]);
        assert!(a.is_f64() && b.is_f64() && a != b, "{line}");
        assert!(["0", "1"].contains(&line["b_predicted"].as_str().unwrap()));
        // Each side reports the tokens its own tokenizer made.
        assert!(
            line["tokens"].is_u64() && line["b_tokens"].is_u64(),
            "{line}"
        );
    }
}

#[test]
fn a_hub_model_from_a_hand_built_offline_cache() {
    let dir = tempfile::tempdir().unwrap();
    let commit = "0123456789abcdef0123456789abcdef01234567";
    let repo = dir.path().join("hub/models--someone--tiny-sst2");
    let snapshot = repo.join("snapshots").join(commit);
    std::fs::create_dir_all(&snapshot).unwrap();
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), commit).unwrap();
    for f in [
        "config.json",
        "model.safetensors",
        "vocab.txt",
        "tokenizer_config.json",
    ] {
        std::fs::copy(tiny().join(f), snapshot.join(f)).unwrap();
    }
    let data = data(dir.path());
    let hub = dir.path().join("hub");
    let env = [
        ("HF_HUB_OFFLINE", "1"),
        ("HF_HUB_CACHE", hub.to_str().unwrap()),
    ];
    let out = dir.path().join("p.jsonl");
    predict(
        &[
            "--model",
            "someone/tiny-sst2",
            "--label-map",
            "NEGATIVE=0,POSITIVE=1",
        ],
        &data,
        &out,
        &dir.path().join("cache"),
        &env,
    );
    let lines = std::fs::read_to_string(&out).unwrap();
    assert_eq!(lines.lines().count(), 5);
    let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert!(first["prob_1"].as_f64().is_some());
    // A pinned commit resolves through snapshots/ directly.
    predict(
        &[
            "--model",
            &format!("someone/tiny-sst2@{commit}"),
            "--label-map",
            "NEGATIVE=0,POSITIVE=1",
        ],
        &data,
        &dir.path().join("pinned.jsonl"),
        &dir.path().join("cache"),
        &env,
    );
}
