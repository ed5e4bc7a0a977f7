//! What explaining one review costs on the CPU (leave-one-word-out occlusion and the AblationFlip
//! search, src/explain), against classifying the very same sequences as plain batches: the
//! difference is what building the variants and steering the search add (goal: (a)/(b) ≤ 1.15).
//! `scripts/bench_explain.sh` runs it, then `scripts/bench_explain.py` (PyTorch + transformers, and
//! captum) on the same review and model, which holds its scores to ours.
//!
//! The review: among the first 200 rows of the reviews file, the one whose `content` has the median
//! word count (the tokenizer's words, as the explanation splits them; the lower median of 200, ties
//! by row). The output names it by its 0-based row.
//!
//! Timed, best of 3 after a warm-up run that also collects the sequences, batches of 16:
//! - (a) `explain(words, 16, ..)`: the whole explanation, splitting the text into words included;
//! - (b) `Classifier::predict` over exactly the batches (a) ran, in its order (the whole input
//!   alone, the word variants longest first, then the flip sets): the model's share of (a);
//! - (c) until the first word scores are known: the whole input, then the first batch of variants;
//! - (d) until every word is scored (leave-one-word-out alone: what the PyTorch script times).
//!
//! Settings are environment variables (`cargo bench` passes `--bench`, nothing else):
//!
//!   REVIEWLENS_BENCH_EXPLAIN_MODEL=DIR     a classifier with NEGATIVE/POSITIVE labels (required;
//!                                          scripts/bench_explain.sh makes a full-size DistilBERT)
//!   REVIEWLENS_BENCH_EXPLAIN_REVIEWS=FILE  JSONL with `content` (default: the bundled test sample)
//!   REVIEWLENS_BENCH_EXPLAIN_OUT=FILE      writes the review, our scores and times there (JSON)
//!   RAYON_NUM_THREADS=N                    candle's threads
//!
//!   REVIEWLENS_BENCH_EXPLAIN_MODEL=DIR cargo bench --offline --bench explain

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reviewlens::explain::{Explainer, Explanation, explain};
use reviewlens::model::tokenize::{Encoded, Words};
use reviewlens::model::{Classifier, ModelFiles, RunOptions};
use serde_json::json;

/// Sequences per forward pass: the explainer's default.
const BATCH: usize = 16;
/// The review is picked among this many first rows.
const ROWS: usize = 200;
/// Timed runs of each measurement; the best one counts.
const RUNS: usize = 3;

fn main() {
    let Some(model) = std::env::var_os("REVIEWLENS_BENCH_EXPLAIN_MODEL") else {
        eprintln!(
            "REVIEWLENS_BENCH_EXPLAIN_MODEL is not set: nothing to time (see scripts/bench_explain.sh)"
        );
        return;
    };
    if let Err(e) = run(Path::new(&model)) {
        eprintln!("bench explain: {e:#}");
        std::process::exit(1);
    }
}

fn run(model: &Path) -> Result<()> {
    let reviews = std::env::var_os("REVIEWLENS_BENCH_EXPLAIN_REVIEWS").map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("assets/source/amazon_polarity_test_sample.jsonl")
        },
        PathBuf::from,
    );
    print_machine();
    let files =
        ModelFiles::from_dir(model).with_context(|| format!("model {}", model.display()))?;
    // The dataset's class names match the model's NEGATIVE/POSITIVE case-insensitively: no map.
    let c = Classifier::load(
        &files,
        &["negative".into(), "positive".into()],
        &RunOptions::default(),
    )
    .with_context(|| format!("loading {}", model.display()))?;
    let texts = read_contents(&reviews, ROWS)?;
    let row = median_row(&c, &texts)?;
    let text = texts[row].as_str();
    let words = c.words(text)?;
    let (batches, explanation) = collect_batches(&c, words.clone())?;
    let sequences: usize = batches.iter().map(Vec::len).sum();
    let loo = 1 + explanation.words.len();
    println!(
        "review: row {row} of {} (median word count of the first {}), {} words, {} tokens{}",
        reviews.display(),
        texts.len(),
        words.spans.len(),
        words.encoded.ids.len(),
        if words.encoded.truncated {
            " (truncated)"
        } else {
            ""
        },
    );
    println!(
        "sequences run: {sequences} in {} batches of up to {BATCH} ({loo} for leave-one-word-out, {} for the flip search: {})",
        batches.len(),
        sequences - loo,
        flip_summary(&explanation),
    );
    let times = measure(&c, text, &words, &batches)?;
    report(&times);
    if let Some(out) = std::env::var_os("REVIEWLENS_BENCH_EXPLAIN_OUT") {
        write_scores(Path::new(&out), row, text, &explanation, &times, sequences)?;
    }
    Ok(())
}

/// The CPU, the instruction sets candle's and gemm's kernels pick from, and the thread count.
fn print_machine() {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        (info.lines())
            .find(|l| l.split(':').next().is_some_and(|k| k.trim() == name))
            .and_then(|l| l.split_once(':'))
            .map_or(String::new(), |(_, v)| v.trim().to_owned())
    };
    let flags = field("flags");
    let has = |f: &str| {
        let yes = flags.split_whitespace().any(|x| x == f);
        format!("{f} {}", if yes { "yes" } else { "no" })
    };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let threads =
        std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| format!("unset (all {cores} cores)"));
    println!(
        "cpu: {} | {}, {}, {} | {cores} cores, RAYON_NUM_THREADS={threads}",
        field("model name"),
        has("avx512f"),
        has("amx_tile"),
        has("avx2"),
    );
}

/// `content` of the first `n` lines of a JSONL file.
fn read_contents(path: &Path, n: usize) -> Result<Vec<String>> {
    let data =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    (data.lines().take(n).enumerate())
        .map(|(i, line)| {
            let v: serde_json::Value = serde_json::from_str(line)
                .with_context(|| format!("{} line {}: not JSON", path.display(), i + 1))?;
            v["content"].as_str().map(str::to_owned).with_context(|| {
                format!("{} line {}: no \"content\" string", path.display(), i + 1)
            })
        })
        .collect()
}

/// The row whose text has the median word count (the lower median; ties: the earlier row).
fn median_row(c: &Classifier, texts: &[String]) -> Result<usize> {
    if texts.is_empty() {
        bail!("no reviews to pick from");
    }
    let mut counts = Vec::with_capacity(texts.len());
    for (row, text) in texts.iter().enumerate() {
        counts.push((c.words(text)?.spans.len(), row));
    }
    counts.sort_unstable();
    Ok(counts[(counts.len() - 1) / 2].1)
}

/// A batch's class probabilities, as the explainer wants them.
fn probs(c: &Classifier, batch: &[Encoded]) -> reviewlens::error::Result<Vec<Vec<f32>>> {
    let refs: Vec<&Encoded> = batch.iter().collect();
    Ok(c.predict(&refs)?.into_iter().map(|p| p.probs).collect())
}

/// Drives an explainer to the end and keeps every batch it handed out (the warm-up run).
fn collect_batches(c: &Classifier, words: Words) -> Result<(Vec<Vec<Encoded>>, Explanation)> {
    let mut explainer = Explainer::new(words);
    let mut batches = Vec::new();
    loop {
        let batch = explainer.next_batch(BATCH);
        if batch.is_empty() {
            break;
        }
        explainer.take(probs(c, &batch)?);
        batches.push(batch);
    }
    let explanation = explainer
        .explanation()
        .context("the whole input never ran")?;
    Ok((batches, explanation.clone()))
}

/// Best of [`RUNS`] runs of (a) to (d).
struct Times {
    explain: Duration,
    predict: Duration,
    first_scores: Duration,
    all_scores: Duration,
}

fn measure(c: &Classifier, text: &str, words: &Words, batches: &[Vec<Encoded>]) -> Result<Times> {
    let explain = best_of(|| {
        let start = Instant::now();
        let words = c.words(text)?;
        explain(words, BATCH, |batch| probs(c, batch))?;
        Ok(start.elapsed())
    })?;
    let predict = best_of(|| {
        let start = Instant::now();
        for batch in batches {
            let refs: Vec<&Encoded> = batch.iter().collect();
            c.predict(&refs)?;
        }
        Ok(start.elapsed())
    })?;
    let any_scored = |e: &Explanation| e.words.iter().any(|w| w.score.is_some());
    let first_scores = best_of(|| until(c, words.clone(), any_scored))?;
    let all_scored = |e: &Explanation| e.words.iter().all(|w| w.score.is_some());
    let all_scores = best_of(|| until(c, words.clone(), all_scored))?;
    Ok(Times {
        explain,
        predict,
        first_scores,
        all_scores,
    })
}

/// Time to run the explainer's batches until `done` holds of its explanation (or it ends).
fn until(c: &Classifier, words: Words, done: impl Fn(&Explanation) -> bool) -> Result<Duration> {
    let start = Instant::now();
    let mut explainer = Explainer::new(words);
    while !explainer.explanation().is_some_and(&done) {
        let batch = explainer.next_batch(BATCH);
        if batch.is_empty() {
            break;
        }
        explainer.take(probs(c, &batch)?);
    }
    Ok(start.elapsed())
}

fn best_of(mut run: impl FnMut() -> Result<Duration>) -> Result<Duration> {
    let mut best = Duration::MAX;
    for _ in 0..RUNS {
        best = best.min(run()?);
    }
    Ok(best)
}

fn flip_summary(e: &Explanation) -> String {
    match &e.flip {
        Some(reviewlens::explain::Flip::Flipped { words, .. }) => {
            format!("flipped by {} word(s)", words.len())
        }
        Some(reviewlens::explain::Flip::None { within }) => {
            format!("no flip within {within} words")
        }
        None => "not searched".into(),
    }
}

fn report(t: &Times) {
    let s = |d: Duration| d.as_secs_f64();
    println!("best of {RUNS}, batches of {BATCH}:");
    println!(
        "(a) whole explanation (explain):            {:8.3} s",
        s(t.explain)
    );
    println!(
        "(b) the same batches through predict alone: {:8.3} s",
        s(t.predict)
    );
    println!(
        "(c) until the first word scores:            {:8.3} s",
        s(t.first_scores)
    );
    println!(
        "(d) until every word is scored:             {:8.3} s",
        s(t.all_scores)
    );
    println!(
        "(a)/(b) = {:.3} (overhead of the variants and the search; goal <= 1.15)",
        s(t.explain) / s(t.predict)
    );
}

/// What the PyTorch script checks its scores against and prints its ratios with.
fn write_scores(
    out: &Path,
    row: usize,
    text: &str,
    e: &Explanation,
    t: &Times,
    sequences: usize,
) -> Result<()> {
    let words: Vec<&str> = e.words.iter().map(|w| &text[w.start..w.end]).collect();
    let scores: Vec<Option<f32>> = e.words.iter().map(|w| w.score).collect();
    let doc = json!({
        "row": row,
        "text": text,
        "predicted": e.predicted,
        "probs": e.probs,
        "words": words,
        "scores": scores,
        "beyond": e.beyond,
        "flip": e.flip,
        "batch_size": BATCH,
        "sequences": sequences,
        "threads": std::env::var("RAYON_NUM_THREADS").ok(),
        "seconds": {
            "explain": t.explain.as_secs_f64(),
            "predict_same_batches": t.predict.as_secs_f64(),
            "first_scores": t.first_scores.as_secs_f64(),
            "all_scores": t.all_scores.as_secs_f64(),
        },
    });
    let body = serde_json::to_string_pretty(&doc)?;
    std::fs::write(out, body).with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}
