//! Findings at scale (issue 18's speed checks): opening a journal of 100,000 changes (read,
//! parse, replay), and making one change with 10,000 findings in the file (the change applied
//! and its line written and synced, what happens before the next frame).
//!
//! `cargo run --release --example findings_speed [DIR]` (DIR: where the journals go; default a
//! temporary folder, on the disk the cache folder is usually on).

use std::time::Instant;

use reviewlens::findings::{Field, Findings, RowKey};
use reviewlens::io::findings::Journal;

fn key(i: u64) -> RowKey {
    RowKey {
        split: if i.is_multiple_of(2) { "train" } else { "test" }.into(),
        row_index: i * 7919 % 400_000,
    }
}

/// A journal of `n` changes (marks, tags and notes over `rows` reviews) at `path`.
fn make(path: &std::path::Path, n: u64, rows: u64) -> Findings {
    let _ = std::fs::remove_file(path); // a journal of an earlier run
    let mut journal = Journal::open(path, "speed").unwrap().journal;
    let mut f = Findings::default();
    let mut text = String::new();
    for i in 0..n {
        let row = key(i % rows);
        let field = match i % 3 {
            0 => Field::Marked(!f.get(&row).is_some_and(|x| x.marked)),
            1 => Field::Tags([format!("tag{}", i % 50)].into()),
            _ => Field::Note(Some(format!("note {i}"))),
        };
        if let Some(e) = f.change(&row, field) {
            text.push_str(&serde_json::to_string(&e).unwrap());
            text.push('\n');
            f.apply(&e);
        }
    }
    drop(journal.compact("speed")); // the header alone
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
    f
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::args()
        .nth(1)
        .map_or(tmp.path().to_owned(), Into::into);
    let big = dir.join("big.jsonl");
    let made = make(&big, 100_000, 30_000);
    let mut best = f64::MAX;
    for _ in 0..5 {
        let started = Instant::now();
        let opened = Journal::open(&big, "speed").unwrap();
        let replayed = Findings::replay(&opened.entries);
        best = best.min(started.elapsed().as_secs_f64());
        assert_eq!(replayed, made);
    }
    let size = std::fs::metadata(&big).unwrap().len();
    println!(
        "open + replay 100,000 changes ({:.1} MB): {:.1} ms (best of 5)",
        size as f64 / 1e6,
        best * 1e3
    );
    let small = dir.join("small.jsonl");
    let mut f = make(&small, 10_000, 10_000);
    let mut journal = Journal::open(&small, "speed").unwrap().journal;
    let mut times: Vec<f64> = (0..200u64)
        .map(|i| {
            let started = Instant::now();
            let row = key(i);
            let e = f
                .change(&row, Field::Marked(!f.get(&row).is_some_and(|x| x.marked)))
                .unwrap();
            f.apply(&e);
            journal.append(&e).unwrap();
            started.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "one change with 10,000 in the file (applied, written, fsync'd): median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times[100] * 1e3,
        times[198] * 1e3,
        times[199] * 1e3
    );
}
