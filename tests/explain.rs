//! Word attributions and flips against PyTorch + transformers (and sentence-transformers for the
//! zero-shot head on the real MiniLM): `tests/fixtures/explain/goldens.json`, written by
//! `scripts/make_explain_goldens.py`. Every word (its text, from our byte offsets), every score
//! within 1e-5, the words past the truncation and the flip set.

#[path = "support/minilm.rs"]
mod minilm;

use std::path::Path;

use reviewlens::explain::{Explanation, Flip, explain};
use reviewlens::model::embed::Embedder;
use reviewlens::model::heads::{Head, unit};
use reviewlens::model::tokenize::Encoded;
use reviewlens::model::{Classifier, ModelFiles, RunOptions};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn goldens() -> Value {
    let path = root().join("tests/fixtures/explain/goldens.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn tiny(name: &str, max_length: usize) -> Classifier {
    let files = ModelFiles::from_dir(&root().join("tests/fixtures/models").join(name)).unwrap();
    let opts = RunOptions {
        max_length: Some(max_length),
        ..RunOptions::default()
    };
    // Classes named as the model's labels: class k is output k, as in the goldens.
    Classifier::load(&files, &["NEGATIVE".into(), "POSITIVE".into()], &opts).unwrap()
}

/// Holds one explanation to its golden.
fn check(model: &str, golden: &Value, ours: &Explanation) {
    let name = format!("{model} {}", golden["name"]);
    let text = golden["text"].as_str().unwrap();
    assert_eq!(
        ours.predicted as u64,
        golden["predicted"].as_u64().unwrap(),
        "{name}"
    );
    let words: Vec<&str> = ours.words.iter().map(|w| &text[w.start..w.end]).collect();
    let want: Vec<&str> = (golden["words"].as_array().unwrap().iter())
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(words, want, "{name}: words");
    for (i, (w, s)) in ours
        .words
        .iter()
        .zip(golden["scores"].as_array().unwrap())
        .enumerate()
    {
        let (got, s) = (w.score.unwrap() as f64, s.as_f64().unwrap());
        assert!(
            (got - s).abs() <= 1e-5,
            "{name}: word {i} {:?}: {got} vs {s}",
            words[i]
        );
    }
    assert_eq!(
        ours.beyond as u64,
        golden["beyond"].as_u64().unwrap(),
        "{name}: beyond"
    );
    let flip = &golden["flip"];
    match (&ours.flip, flip.get("words")) {
        (Some(Flip::Flipped { words, to, prob }), Some(want)) => {
            let want: Vec<usize> = (want.as_array().unwrap().iter())
                .map(|w| w.as_u64().unwrap() as usize)
                .collect();
            assert_eq!(words, &want, "{name}: flip set");
            assert_eq!(*to as u64, flip["to"].as_u64().unwrap(), "{name}: flips to");
            let p = flip["prob"].as_f64().unwrap();
            assert!((*prob as f64 - p).abs() <= 1e-5, "{name}: {prob} vs {p}");
        }
        (Some(Flip::None { within }), None) => {
            assert_eq!(*within as u64, flip["within"].as_u64().unwrap(), "{name}")
        }
        (ours, _) => panic!("{name}: ours {ours:?}, golden {flip}"),
    }
}

#[test]
fn sequence_classifiers_match_transformers_word_for_word() {
    let g = goldens();
    let max_length = g["max_length"].as_u64().unwrap() as usize;
    for (model, cases) in g["models"].as_object().unwrap() {
        let c = tiny(model, max_length);
        for case in cases.as_array().unwrap() {
            let text = case["text"].as_str().unwrap();
            let words = c.words(text).unwrap();
            assert_eq!(
                words.encoded.ids.len() as u64,
                case["tokens"].as_u64().unwrap()
            );
            // Batches of 7: variants of different lengths padded together.
            let ours = explain(words, 7, |b: &[Encoded]| c.probs(b)).unwrap();
            check(model, case, &ours);
        }
    }
}

#[test]
fn the_zero_shot_head_on_real_minilm_matches_sentence_transformers() {
    let g = goldens();
    let zs = &g["zero_shot"];
    let files = ModelFiles::from_dir(minilm::model_dir()).unwrap();
    let e = Embedder::load(&files, &RunOptions::default()).unwrap();
    assert_eq!(e.max_length as u64, zs["max_length"].as_u64().unwrap());
    let descriptions: Vec<&str> = (zs["descriptions"].as_array().unwrap().iter())
        .map(|d| d.as_str().unwrap())
        .collect();
    let encoded = e.tokenize(&descriptions).unwrap();
    let labels = e.embed(&encoded.iter().collect::<Vec<_>>()).unwrap();
    let head = Head::ZeroShot(labels.iter().map(|v| unit(v)).collect());
    for case in zs["texts"].as_array().unwrap() {
        let words = e.words(case["text"].as_str().unwrap()).unwrap();
        let ours = explain(words, 16, |batch: &[Encoded]| {
            let vectors = e.embed(&batch.iter().collect::<Vec<_>>())?;
            Ok(vectors.iter().map(|v| head.probs(v)).collect())
        })
        .unwrap();
        check("zero-shot", case, &ours);
    }
}
