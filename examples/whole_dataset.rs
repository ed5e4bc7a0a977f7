//! The whole dataset in the explorer's core: what `scripts/bench_whole.sh` measures in-process,
//! beside pandas, polars and `datasets` loading the same shards.
//!
//!     cargo run --release --example whole_dataset -- DIR [CACHE_DIR]
//!
//! DIR is a dataset folder in the Hub's layout (`scripts/make_synthetic_shards.py` makes the
//! full-size one: 3.6M train + 400k test rows). It prints, one line each:
//! - load + first frame (load every row, build the state, draw 120×40), the text's size, what the
//!   rows hold in memory and the peak resident memory against the text;
//! - typing a search one key at a time through `update` (each key's search run to its end, and the
//!   longest single step, which is how long a key can wait), and fresh full scans;
//! - the label and mistake filters and the sorts, each a full rebuild of the 4M-row view (the
//!   predictions for the test split are made-up values, given through the same message the
//!   prediction cache uses: what is timed is the filtering and sorting, not the values);
//! - the prediction cache for the test split: written as the worker writes it (a part per batch
//!   of 16), then opened twice (the first open also merges the parts);
//! - the embedding cache for the test split (made-up 384-wide unit vectors, as the worker writes
//!   them): opened into the mapped file, then every vector read once (a similarity scan), with the
//!   process's heap (RssAnon) and mapped-file pages (RssFile) after each.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reviewlens::app::{Action, Msg, Query, Side, SplitView, State, WorkerMsg, matching, update};
use reviewlens::data::{Columns, load};
use reviewlens::io::store::{CacheKey, Embedded, Store};
use reviewlens::model::Prediction;
use reviewlens::runtime::vectors::Vectors;
use reviewlens::ui;

const SIZE: (u16, u16) = (120, 40);
const MB: f64 = 1e6;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: whole_dataset DIR [CACHE_DIR]"));
    let cache = args.next().map_or_else(std::env::temp_dir, PathBuf::from);
    let mut state = first_frame(&dir);
    while state.split != SplitView::All {
        update(&mut state, Msg::Action(Action::NextSplit));
    }
    println!("view: {} rows (all splits)", state.view.len());
    search(&mut state);
    let test = predictions(&state);
    update(
        &mut state,
        Msg::Worker(Side::A, WorkerMsg::Cached(test.clone())),
    );
    filters_and_sorts(&mut state);
    prediction_cache(&cache.join("reviewlens-whole-bench"), &test);
    let rows: Vec<u32> = test.iter().map(|(r, _)| *r).collect();
    drop(test);
    drop(state);
    embedding_cache(&cache.join("reviewlens-whole-bench"), &rows);
}

fn embedding_cache(root: &std::path::Path, rows: &[u32]) {
    const DIM: usize = 384;
    let _ = std::fs::remove_dir_all(root);
    let key = cache_key(256);
    let mut store = Store::<Embedded>::open_with_width(root, &key, DIM)
        .unwrap()
        .store;
    for batch in rows.chunks(16) {
        let records: Vec<(u32, Embedded)> = (batch.iter())
            .map(|&r| {
                let mut vector: Vec<f32> = (0..DIM)
                    .map(|d| ((r as usize * 31 + d * 17) % 101) as f32 - 50.0)
                    .collect();
                let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
                vector.iter_mut().for_each(|x| *x /= norm);
                (
                    r,
                    Embedded {
                        vector,
                        tokens: 100,
                        truncated: false,
                    },
                )
            })
            .collect();
        store.save(&records).unwrap();
    }
    drop(store);
    println!(
        "embedding cache: {} rows × {DIM} written; {}",
        rows.len(),
        memory()
    );
    let start = Instant::now();
    let vectors = Vectors::open(root, &key, DIM);
    println!(
        "embedding cache opened: {:.0} ms; {}",
        ms(start.elapsed()),
        memory()
    );
    let start = Instant::now();
    let query = vectors.get(rows[0]).unwrap().vector.to_vec();
    let best = (rows.iter())
        .map(|&r| reviewlens_kernels::dot(vectors.get(r).unwrap().vector, &query))
        .fold(f32::MIN, f32::max);
    println!(
        "every vector read (a similarity scan, best {best:.3}): {:.0} ms; {}",
        ms(start.elapsed()),
        memory()
    );
    drop(vectors);
    let _ = std::fs::remove_dir_all(root);
}

/// The process's heap and mapped-file pages now, and its peak.
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        let line = status.lines().find(|l| l.starts_with(name));
        let kb = line.and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok());
        kb.unwrap_or(0.0) / 1e3
    };
    format!(
        "RssAnon {:.0} MB, RssFile {:.0} MB (peak RSS {:.0} MB)",
        field("RssAnon:"),
        field("RssFile:"),
        field("VmHWM:")
    )
}

fn first_frame(dir: &std::path::Path) -> State {
    let start = Instant::now();
    let data = load(Some(dir), &Columns::default()).expect("the dataset loads");
    let loaded = start.elapsed();
    let (text, held) = (data.rows.text_bytes(), data.rows.allocated());
    let rows = data.rows.len();
    let state = State::new(data, SIZE);
    let mut t = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).unwrap();
    t.draw(|f| {
        ui::draw(&state, f);
    })
    .unwrap();
    let frame = start.elapsed();
    let peak = peak_rss();
    println!(
        "load {rows} rows: {:.2} s; first frame: {:.2} s; text {:.0} MB, rows hold {:.0} MB \
         ({:.3}× the text); peak RSS {:.0} MB ({:.2}× the text)",
        loaded.as_secs_f64(),
        frame.as_secs_f64(),
        text as f64 / MB,
        held as f64 / MB,
        held as f64 / text as f64,
        peak as f64 / MB,
        peak as f64 / text as f64,
    );
    state
}

/// Peak resident memory of this process so far (`VmHWM`), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmHWM:"));
    let kb = line.and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok());
    kb.unwrap_or(0) * 1024
}

fn search(state: &mut State) {
    update(state, Msg::Action(Action::StartSearch));
    for query in ["chrono cross", "battery life"] {
        let mut typed = String::new();
        for c in query.chars() {
            typed.push(c);
            let (all, longest) = timed_key(state, Action::SearchInput(c));
            let found = state.search.as_ref().map_or(0, |s| s.matches.len());
            println!(
                "search key {typed:?}: done in {:.1} ms (longest step {:.1} ms), {found} matches",
                ms(all),
                ms(longest)
            );
        }
        update(state, Msg::Action(Action::SearchClear));
        while state.search_run.is_some() {
            update(state, Msg::SearchStep);
        }
    }
    update(state, Msg::Action(Action::SearchCancel));
    for text in ["zzqxj", "the", "great", "chrono cross"] {
        let query = Query::parse(text, &state.data.label_names).unwrap();
        let start = Instant::now();
        let found = matching(&state.data, &state.preds, &state.view, &query);
        let took = start.elapsed();
        println!(
            "full scan {text:?}: {:.1} ms, {} matches",
            ms(took),
            found.len()
        );
    }
}

/// One key through `update`, then the search steps the event loop would send until the search
/// is done: (all of it, the longest single call).
fn timed_key(state: &mut State, action: Action) -> (Duration, Duration) {
    let start = Instant::now();
    update(state, Msg::Action(action));
    let mut longest = start.elapsed();
    while state.search_run.is_some() {
        let step = Instant::now();
        update(state, Msg::SearchStep);
        longest = longest.max(step.elapsed());
    }
    (start.elapsed(), longest)
}

/// Made-up predictions for every row of the test split (see the module's comment).
fn predictions(state: &State) -> Vec<(u32, Prediction)> {
    let split = state.data.splits.iter().find(|s| s.name == "test").unwrap();
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    (split.rows.clone())
        .map(|r| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let p = (x >> 40) as f32 / (1u64 << 24) as f32;
            let label = u32::from(p > 0.5);
            let prediction = Prediction {
                label,
                probs: vec![1.0 - p, p],
                tokens: 128,
                truncated: false,
            };
            (r as u32, prediction)
        })
        .collect()
}

fn filters_and_sorts(state: &mut State) {
    let mut act = |name: &str, action: Action| {
        let start = Instant::now();
        update(state, Msg::Action(action));
        let took = start.elapsed();
        println!(
            "{name}: {:.1} ms, {} rows in view",
            ms(took),
            state.view.len()
        );
    };
    act("label filter on", Action::CycleLabel);
    act("label filter next", Action::CycleLabel);
    act("label filter off", Action::CycleLabel);
    act("mistakes filter on", Action::ToggleMisclassified);
    act("mistakes filter off", Action::ToggleMisclassified);
    for _ in 0..5 {
        act("sort: next column", Action::SortNextColumn);
        act("sort: reversed", Action::SortReverse);
    }
    act("order: next", Action::CycleOrder);
    act("order: next", Action::CycleOrder);
}

fn prediction_cache(root: &std::path::Path, test: &[(u32, Prediction)]) {
    let _ = std::fs::remove_dir_all(root);
    let key = cache_key(512);
    let mut store = Store::<Prediction>::open(root, &key).unwrap().store;
    let start = Instant::now();
    for batch in test.chunks(16) {
        store.save(batch).unwrap();
    }
    println!(
        "prediction cache: {} rows written in parts of 16: {:.1} s",
        test.len(),
        start.elapsed().as_secs_f64()
    );
    for open in ["first open (merges the parts)", "second open"] {
        let start = Instant::now();
        let opened = Store::<Prediction>::open(root, &key).unwrap();
        println!(
            "prediction cache {open}: {:.0} ms, {} rows",
            ms(start.elapsed()),
            opened.predictions.len()
        );
    }
    let _ = std::fs::remove_dir_all(root);
}

/// The key both caches are written under (the model and data named for the benchmark).
fn cache_key(max_length: usize) -> CacheKey {
    CacheKey {
        model: "bench".into(),
        data: "whole".into(),
        text: "content".into(),
        max_length,
        label_map: String::new(),
        dtype: "f32".into(),
        classes: vec!["negative".into(), "positive".into()],
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
