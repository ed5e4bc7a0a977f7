//! Logistic-regression training time on real sentence embeddings: the 6,000 bundled train reviews as
//! all-MiniLM-L6-v2 embeds them, written by `scripts/bench_embed_baselines.py` (which times
//! scikit-learn on the same file). `scripts/bench_embed.sh` runs both.
//!
//!   REVIEWLENS_BENCH_EMBEDDINGS=DIR cargo bench --bench logreg

use criterion::{Criterion, criterion_group, criterion_main};
use reviewlens::model::logreg::LogReg;

fn logreg(c: &mut Criterion) {
    let Some(dir) = std::env::var_os("REVIEWLENS_BENCH_EMBEDDINGS") else {
        eprintln!(
            "REVIEWLENS_BENCH_EMBEDDINGS is not set: nothing to time (see scripts/bench_embed.sh)"
        );
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let floats = |name: &str| std::fs::read(dir.join(name)).expect("run scripts/bench_embed.sh");
    let x: Vec<f32> = floats("train.f32")
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let y: Vec<u32> = floats("train.labels")
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let dim = x.len() / y.len();
    let m = LogReg::train(&x, &y, dim, 2, 1.0, |_, _| {}).unwrap();
    eprintln!("{} iterations, loss {:.6}", m.iterations, m.loss);
    c.bench_function("logistic regression, 6,000 × 384", |b| {
        b.iter(|| LogReg::train(&x, &y, dim, 2, 1.0, |_, _| {}).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = logreg
}
criterion_main!(benches);
