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
//! Timed, best of 3 rounds (each round runs (a) to (d) once, so that load from elsewhere falls on
//! all alike) after a warm-up run that also collects the sequences, batches of 16:
//! - (a) `explain(words, 16, ..)`: the whole explanation, splitting the text into words included;
//! - (b) `Classifier::predict` over exactly the batches (a) ran, in its order (the whole input
//!   alone, the word variants longest first, then the flip sets): the model's share of (a);
//! - (c) until the first word scores are known: the whole input, then the first batch of variants;
//! - (d) until every word is scored (leave-one-word-out alone: what the PyTorch script times);
//! - (e) the explainer without the model: splitting the words, building every variant and steering
//!   the search, fed the probabilities the warm-up run recorded. (a) ≈ (b) + (e); on a shared
//!   machine (a)/(b) moves with the load by ±10%, 1 + (e)/(b) is the overhead without that noise.
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
use std::time::Instant;

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
    let recorded = record(&c, words.clone())?;
    let (batches, explanation) = (&recorded.batches, &recorded.explanation);
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
        flip_summary(explanation),
    );
    let times = measure(&c, text, &words, &recorded)?;
    report(&times);
    if let Some(out) = std::env::var_os("REVIEWLENS_BENCH_EXPLAIN_OUT") {
        write_scores(Path::new(&out), row, text, explanation, &times, sequences)?;
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

/// What the warm-up run handed out and got back.
struct Recorded {
    batches: Vec<Vec<Encoded>>,
    probs: Vec<Vec<Vec<f32>>>,
    explanation: Explanation,
}

/// Drives an explainer to the end and keeps every batch it handed out (the warm-up run).
fn record(c: &Classifier, words: Words) -> Result<Recorded> {
    let mut explainer = Explainer::new(words);
    let (mut batches, mut probs_of) = (Vec::new(), Vec::new());
    loop {
        let batch = explainer.next_batch(BATCH);
        if batch.is_empty() {
            break;
        }
        let p = probs(c, &batch)?;
        explainer.take(p.clone());
        batches.push(batch);
        probs_of.push(p);
    }
    let explanation = explainer
        .explanation()
        .context("the whole input never ran")?;
    Ok(Recorded {
        batches,
        probs: probs_of,
        explanation: explanation.clone(),
    })
}

/// Each measurement's runs, in seconds.
#[derive(Default)]
struct Times {
    explain: Vec<f64>,
    predict: Vec<f64>,
    first_scores: Vec<f64>,
    all_scores: Vec<f64>,
    explainer_alone: Vec<f64>,
}

/// [`RUNS`] rounds of (a) to (d), one of each per round, so that load from elsewhere on the machine
/// falls on all of them alike rather than on whichever ran last.
fn measure(c: &Classifier, text: &str, words: &Words, recorded: &Recorded) -> Result<Times> {
    let any_scored = |e: &Explanation| e.words.iter().any(|w| w.score.is_some());
    let all_scored = |e: &Explanation| e.words.iter().all(|w| w.score.is_some());
    let mut t = Times::default();
    for _ in 0..RUNS {
        let start = Instant::now();
        explain(c.words(text)?, BATCH, |batch| probs(c, batch))?;
        t.explain.push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        for batch in &recorded.batches {
            let refs: Vec<&Encoded> = batch.iter().collect();
            c.predict(&refs)?;
        }
        t.predict.push(start.elapsed().as_secs_f64());
        t.first_scores.push(until(c, words.clone(), any_scored)?);
        t.all_scores.push(until(c, words.clone(), all_scored)?);
        t.explainer_alone.push(replay(c, text, &recorded.probs)?);
    }
    Ok(t)
}

/// The explainer's own work, fed recorded probabilities instead of the model's: the words, every
/// variant, the search.
fn replay(c: &Classifier, text: &str, recorded: &[Vec<Vec<f32>>]) -> Result<f64> {
    let feed = recorded.to_vec();
    let start = Instant::now();
    let mut explainer = Explainer::new(c.words(text)?);
    for probs in feed {
        let batch = explainer.next_batch(BATCH);
        if batch.len() != probs.len() {
            bail!("the replay asked for other batches than the warm-up run");
        }
        explainer.take(probs);
    }
    let elapsed = start.elapsed().as_secs_f64();
    if !explainer.is_done() {
        bail!("the replay did not finish the explanation");
    }
    Ok(elapsed)
}

/// Time to run the explainer's batches until `done` holds of its explanation (or it ends).
fn until(c: &Classifier, words: Words, done: impl Fn(&Explanation) -> bool) -> Result<f64> {
    let start = Instant::now();
    let mut explainer = Explainer::new(words);
    while !explainer.explanation().is_some_and(&done) {
        let batch = explainer.next_batch(BATCH);
        if batch.is_empty() {
            break;
        }
        explainer.take(probs(c, &batch)?);
    }
    Ok(start.elapsed().as_secs_f64())
}

fn best(runs: &[f64]) -> f64 {
    runs.iter().copied().fold(f64::INFINITY, f64::min)
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
    let line = |what: &str, runs: &[f64]| {
        let all: Vec<String> = runs.iter().map(|s| format!("{s:.3}")).collect();
        println!("{what} {:8.3} s   (runs: {})", best(runs), all.join(", "));
    };
    println!("best of {RUNS}, batches of {BATCH}:");
    line("(a) whole explanation (explain):           ", &t.explain);
    line("(b) the same batches through predict alone:", &t.predict);
    line(
        "(c) until the first word scores:           ",
        &t.first_scores,
    );
    line("(d) until every word is scored:            ", &t.all_scores);
    let alone: Vec<f64> = t.explainer_alone.iter().map(|s| s * 1e3).collect();
    let all: Vec<String> = alone.iter().map(|ms| format!("{ms:.2}")).collect();
    println!(
        "(e) the explainer alone, probs replayed:     {:8.2} ms (runs: {})",
        best(&alone),
        all.join(", ")
    );
    println!(
        "(a)/(b) = {:.3}; 1 + (e)/(b) = {:.4} (overhead of the variants and the search; goal <= 1.15)",
        best(&t.explain) / best(&t.predict),
        1.0 + best(&t.explainer_alone) / best(&t.predict)
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
            "explain": best(&t.explain),
            "predict_same_batches": best(&t.predict),
            "first_scores": best(&t.first_scores),
            "all_scores": best(&t.all_scores),
            "explainer_alone": best(&t.explainer_alone),
        },
    });
    let body = serde_json::to_string_pretty(&doc)?;
    std::fs::write(out, body).with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}
