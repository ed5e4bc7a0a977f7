//! Label issues and near duplicates at scale, on inputs written by `scripts/bench_label_issues.py`
//! (which times cleanlab and scikit-learn on the same files); `scripts/bench_label_issues.sh` runs
//! both:
//!
//! - scores (`self_confidence`) and the issue set (`prune_by_noise_rate`) for 400,000 rows of
//!   seeded synthetic probabilities, 2 classes (`probs.f64`: little-endian float64 rows;
//!   `labels.u32`), against cleanlab's `get_label_quality_scores` + `find_label_issues`;
//! - near duplicates among the 16,980 bundled reviews' all-MiniLM-L6-v2 embeddings (`emb.f32`,
//!   rows of 384 float32), against scikit-learn's `NearestNeighbors` and cleanlab's Datalab.
//!
//! Before timing, each result is written beside the inputs (`rust_issues.u8`, `rust_scores.f64`,
//! `rust_dup_sets.txt`) so that the script checks that both sides found the same rows.
//!
//!   REVIEWLENS_BENCH_LABEL_ISSUES=DIR cargo bench --bench label_issues

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use reviewlens::label_issues::{
    FilterOptions, LabelProbs, ScoreMethod, find_label_issues, label_quality_scores,
    near_duplicates,
};

fn dir() -> Option<PathBuf> {
    let dir = std::env::var_os("REVIEWLENS_BENCH_LABEL_ISSUES");
    if dir.is_none() {
        eprintln!(
            "REVIEWLENS_BENCH_LABEL_ISSUES is not set: nothing to time (see scripts/bench_label_issues.sh)"
        );
    }
    dir.map(PathBuf::from)
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).expect("run scripts/bench_label_issues.sh")
}

/// What is timed: the input checked, every row's score, the issue set.
fn scores_and_issues(probs: &[f64], labels: &[usize]) -> (Vec<f64>, Vec<bool>) {
    let input = LabelProbs::new(probs.to_vec(), 2, labels.to_vec()).unwrap();
    let scores = label_quality_scores(&input, ScoreMethod::SelfConfidence, false).unwrap();
    let issues = find_label_issues(&input, &FilterOptions::default()).unwrap();
    (scores, issues)
}

fn label_issues(c: &mut Criterion) {
    let Some(dir) = dir() else { return };
    let probs: Vec<f64> = read(&dir, "probs.f64")
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
        .collect();
    let labels: Vec<usize> = read(&dir, "labels.u32")
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes(b.try_into().unwrap()) as usize)
        .collect();
    let (scores, issues) = scores_and_issues(&probs, &labels);
    let flags: Vec<u8> = issues.iter().map(|&f| f as u8).collect();
    std::fs::write(dir.join("rust_issues.u8"), flags).unwrap();
    let bytes: Vec<u8> = scores.iter().flat_map(|s| s.to_le_bytes()).collect();
    std::fs::write(dir.join("rust_scores.f64"), bytes).unwrap();
    eprintln!(
        "{} rows, {} flagged",
        labels.len(),
        issues.iter().filter(|&&f| f).count()
    );
    c.bench_function("label issues, scores + issue set", |b| {
        b.iter(|| scores_and_issues(&probs, &labels))
    });
}

fn duplicates(c: &mut Criterion) {
    let Some(dir) = dir() else { return };
    let x: Vec<f32> = read(&dir, "emb.f32")
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect();
    let dim = 384;
    let found = near_duplicates(&x, dim).unwrap();
    let sets: String = (found.sets.iter())
        .map(|s| {
            let s: Vec<String> = s.iter().map(|i| i.to_string()).collect();
            s.join(" ") + "\n"
        })
        .collect();
    std::fs::write(dir.join("rust_dup_sets.txt"), sets).unwrap();
    eprintln!(
        "{} rows, {} with a near duplicate, median nearest distance {:.6}",
        found.sets.len(),
        (0..found.sets.len()).filter(|&i| found.is_issue(i)).count(),
        found.median_nn_distance
    );
    c.bench_function("near duplicates", |b| {
        b.iter(|| near_duplicates(&x, dim).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = label_issues, duplicates
}
criterion_main!(benches);
