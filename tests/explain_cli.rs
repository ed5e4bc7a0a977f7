//! `reviewlens explain` through the binary, on the bundled sample and the tiny DistilBERT: the JSON
//! is the library's explanation (every word at its character offsets, the flip), the file agrees
//! with it, `--mistakes` picks the most confident mistakes, and bad input is one line and exit
//! code 2. (The scores themselves are held to transformers in tests/explain.rs.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use reviewlens::explain::{Flip, explain};
use reviewlens::model::tokenize::Encoded;
use reviewlens::model::{Classifier, ModelFiles, RunOptions};
use serde_json::Value;

fn model() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/distilbert-tiny")
}

fn run(cache: &Path, args: &[&str]) -> Output {
    let model = model();
    Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(["--model-dir", model.to_str().unwrap()])
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap()
}

fn json(o: &Output) -> Vec<Value> {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice::<Value>(&o.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn the_json_is_the_librarys_explanation_and_the_file_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("why.jsonl");
    let o = run(
        dir.path(),
        &[
            "explain",
            "--rows",
            "0,1",
            "--json",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    let reviews = json(&o);
    assert_eq!(reviews.len(), 2);
    let files = ModelFiles::from_dir(&model()).unwrap();
    let labels = ["negative".into(), "positive".into()];
    let c = Classifier::load(&files, &labels, &RunOptions::default()).unwrap();
    for r in &reviews {
        assert_eq!(r["split"], "test");
        let text = r["text"].as_str().unwrap();
        let e = explain(c.words(text).unwrap(), 16, |b: &[Encoded]| c.probs(b)).unwrap();
        let words = r["words"].as_array().unwrap();
        assert_eq!(words.len(), e.words.len());
        let chars: Vec<char> = text.chars().collect();
        for (w, ours) in words.iter().zip(&e.words) {
            let (s, end) = (w["start"].as_u64().unwrap(), w["end"].as_u64().unwrap());
            let sliced: String = chars[s as usize..end as usize].iter().collect();
            assert_eq!(sliced, w["word"].as_str().unwrap(), "character offsets");
            assert_eq!(&text[ours.start..ours.end], sliced);
            let score = w["score"].as_f64().unwrap();
            assert!((score - ours.score.unwrap() as f64).abs() < 1e-6);
        }
        assert_eq!(r["words_beyond"].as_u64().unwrap() as usize, e.beyond);
        match &e.flip {
            Some(Flip::Flipped { words, .. }) => {
                let listed: Vec<u64> = (r["flip"]["word_indices"].as_array().unwrap().iter())
                    .map(|v| v.as_u64().unwrap())
                    .collect();
                assert_eq!(listed, words.iter().map(|&w| w as u64).collect::<Vec<_>>());
            }
            Some(Flip::None { within }) => assert_eq!(r["flip"]["within"], *within),
            None => panic!("complete explanations only"),
        }
    }
    let file: Vec<Value> = (std::fs::read_to_string(&out).unwrap().lines())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(file, reviews);
    // Asked again: from the explanation cache, the same answer.
    let again = json(&run(dir.path(), &["explain", "--rows", "0,1", "--json"]));
    assert_eq!(again, reviews);
}

#[test]
fn mistakes_are_the_most_confident_ones_and_a_table_has_a_row_per_word() {
    let dir = tempfile::tempdir().unwrap();
    let predictions = dir.path().join("p.jsonl");
    let o = run(
        dir.path(),
        &[
            "predict",
            "--split",
            "test",
            "--output",
            predictions.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut wrong: Vec<(f64, u64)> = (std::fs::read_to_string(&predictions).unwrap().lines())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|p| p["label"] != p["predicted"])
        .map(|p| {
            let predicted = p["predicted"].as_str().unwrap();
            (
                p[format!("prob_{predicted}")].as_f64().unwrap(),
                p["row_index"].as_u64().unwrap(),
            )
        })
        .collect();
    wrong.sort_by(|a, b| b.0.total_cmp(&a.0));
    let reviews = json(&run(dir.path(), &["explain", "--mistakes", "3", "--json"]));
    let rows: Vec<u64> = reviews
        .iter()
        .map(|r| r["row_index"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, wrong[..3].iter().map(|w| w.1).collect::<Vec<_>>());
    let table = dir.path().join("words.csv");
    let o = run(
        dir.path(),
        &[
            "explain",
            "--mistakes",
            "3",
            "--output",
            table.to_str().unwrap(),
        ],
    );
    assert!(o.status.success());
    let lines = std::fs::read_to_string(&table).unwrap().lines().count();
    let words: usize = reviews
        .iter()
        .map(|r| r["words"].as_array().unwrap().len())
        .sum();
    assert_eq!(lines, words + 1, "a header and a row per word");
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["explain", "--rows", "99999999"],
            "no row 99999999 in test",
        ),
        (&["explain"], "--mistakes"),
        (
            &["explain", "--rows", "0", "--split", "nope"],
            "no split \"nope\"",
        ),
        (
            &["explain", "--rows", "0", "--output", "why.xlsx"],
            "unknown output type",
        ),
    ];
    for (args, says) in cases {
        let o = run(dir.path(), args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
