//! The near-duplicate neighbour search at scale, on seeded synthetic clustered unit vectors (the
//! README's numbers come from this): the HNSW index's build + query time and its recall@10 against
//! exact search on 1,000 sampled rows, the planted near duplicates it finds, and exact search's time,
//! measured on a sample of query rows and scaled to every row (or run on all of them with `--all`;
//! `--exact-only` skips the index).
//!
//! `cargo run --release --example neighbours -- [ROWS] [--all] [--exact-only]` (ROWS defaults to
//! 400,000).

#[path = "../tests/support/clustered.rs"]
mod clustered;

use std::time::Instant;

use reviewlens::label_issues::neighbours::{self, Method, Search, exact, nearest};

const DIM: usize = 384;
const K: usize = 10;
/// Query rows whose exact neighbours are timed, unless `--all`.
const EXACT_SAMPLE: usize = 4_096;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let all = args.iter().any(|a| a == "--all");
    let rows = match args.iter().find(|a| !a.starts_with("--")) {
        Some(n) => n.replace([',', '_'], "").parse().unwrap_or_else(|_| {
            eprintln!("neighbours: {n} is not a number of rows; give e.g. 400000");
            std::process::exit(2)
        }),
        None => 400_000,
    };
    let clusters = (rows / 200).max(2);
    let started = Instant::now();
    let data = clustered::clustered(rows, DIM, clusters, 1);
    println!(
        "{rows} rows x {DIM} dims, {clusters} clusters, {} planted near copies (generated in {:.1} s); {} threads",
        data.pairs.len(),
        started.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |t| t.get())
    );
    if args.iter().any(|a| a == "--exact-only") {
        return exact_time(&data.x, rows, all);
    }
    let index = Search {
        exact_up_to: 0,
        recall_sample: neighbours::RECALL_SAMPLE,
    };
    let started = Instant::now();
    let (lists, method) = nearest(&data.x, DIM, K, index);
    let with_recall = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let again = neighbours::recall(&data.x, DIM, &lists, neighbours::RECALL_SAMPLE);
    let recall_time = started.elapsed().as_secs_f64();
    let Method::Hnsw(recall) = method else {
        fail("the index was not used")
    };
    assert_eq!(again, recall, "the recall is measured the same way twice");
    println!(
        "hnsw: build + query {:.1} s; recall@{} {:.4} on {} sampled rows (measured in {recall_time:.1} s)",
        with_recall - recall_time,
        recall.k,
        recall.at_k,
        recall.sampled
    );
    let found = (data.pairs.iter())
        .filter(|&&(copy, original)| lists[copy].iter().any(|&(_, j)| j == original))
        .count();
    println!(
        "hnsw: {found} of {} planted near copies found; peak memory so far {}",
        data.pairs.len(),
        peak()
    );
    exact_time(&data.x, rows, all);
}

/// Exact search's time for every row: run on all of them with `all`, otherwise on a sample of
/// evenly spaced query rows (each query costs the same: one pass over every row) and scaled.
fn exact_time(x: &[f32], rows: usize, all: bool) {
    let queries: Vec<usize> = match all {
        true => (0..rows).collect(),
        false => (0..rows).step_by((rows / EXACT_SAMPLE).max(1)).collect(),
    };
    let started = Instant::now();
    exact(x, DIM, K, &queries);
    let took = started.elapsed().as_secs_f64();
    match all {
        true => println!("exact: {took:.1} s for all {rows} rows"),
        // A search over every row computes each pair once, for both rows: half the work per row
        // of a search over some of them.
        false => println!(
            "exact: {took:.1} s for {} query rows, so about {:.0} s for all {rows} (extrapolated, halved for symmetry)",
            queries.len(),
            took * rows as f64 / queries.len() as f64 / 2.0
        ),
    }
}

/// The process's peak resident memory (Linux's VmHWM), as /proc says it.
fn peak() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmHWM:"));
    line.map_or("unknown".into(), |l| l["VmHWM:".len()..].trim().to_owned())
}

fn fail(e: &str) -> ! {
    eprintln!("neighbours: {e}");
    std::process::exit(2)
}
