//! The explorer's speed goals, each beside a baseline measured in the same run:
//! - first frame (load the bundled sample, build the state, draw 120×40) < 100 ms;
//!   baseline: the same rows from the JSONL they were built from.
//! - one redraw < 2 ms; baseline: the same list drawn without virtualisation (every row built).
//! - one search over all 16,980 rows < 20 ms; baseline: lower-casing each row per search
//!   (`text.to_lowercase().contains(q)`), what a first version would do.
//!
//! `cargo bench --bench explorer`; `scripts/bench.sh` adds process start-up with hyperfine.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::widgets::{Row, Table};
use reviewlens::app::{Action, Msg, Query, SplitView, State, matching, update};
use reviewlens::data::{Columns, DataFile, Format, SplitFiles, load, load_splits};
use reviewlens::ui;

const SIZE: (u16, u16) = (120, 40);

fn first_frame(c: &mut Criterion) {
    let mut g = c.benchmark_group("first_frame");
    let draw_first = |data| {
        let state = State::new(data, SIZE);
        let mut t = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).unwrap();
        t.draw(|f| {
            ui::draw(&state, f);
        })
        .unwrap();
        black_box(t.backend().buffer().area);
    };
    g.bench_function("bundled_parquet", |b| {
        b.iter(|| draw_first(load(None, &Columns::default()).unwrap()))
    });
    // The same rows from the JSONL they were built from, read the same way (a thread per split).
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/source");
    let splits: Vec<SplitFiles> = ["train", "test"]
        .into_iter()
        .map(|name| SplitFiles {
            name: name.into(),
            files: vec![DataFile {
                path: source.join(format!("amazon_polarity_{name}_sample.jsonl")),
                format: Format::Jsonl,
            }],
        })
        .collect();
    g.bench_function("baseline_jsonl", |b| {
        b.iter(|| {
            draw_first(
                load_splits(
                    "jsonl".into(),
                    &splits,
                    &Columns::default(),
                    &Default::default(),
                )
                .unwrap(),
            )
        })
    });
    g.finish();
}

fn redraw(c: &mut Criterion) {
    let mut g = c.benchmark_group("redraw");
    let mut state = State::new(load(None, &Columns::default()).unwrap(), SIZE);
    update(&mut state, Msg::Action(Action::PrevSplit)); // train → all (16,980 rows)
    assert_eq!(state.split, SplitView::All);
    let mut t = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).unwrap();
    g.bench_function("frame", |b| {
        b.iter(|| {
            t.draw(|f| {
                ui::draw(&state, f);
            })
            .unwrap();
        })
    });
    g.bench_function("baseline_unvirtualised_list", |b| {
        b.iter(|| {
            t.draw(|f| {
                ui::draw(&state, f);
                let rows = state.view.iter().map(|&r| {
                    let review = state.data.rows.get(r as usize);
                    Row::new([review.row_index.to_string(), review.title.to_owned()])
                });
                let table = Table::new(rows, [ratatui::layout::Constraint::Length(8); 2]);
                f.render_widget(table, reviewlens::app::layout::layout(&state).unwrap().list);
            })
            .unwrap();
        })
    });
    g.finish();
}

fn search(c: &mut Criterion) {
    let mut g = c.benchmark_group("search_all_rows");
    let mut state = State::new(load(None, &Columns::default()).unwrap(), SIZE);
    update(&mut state, Msg::Action(Action::PrevSplit)); // train → all
    assert_eq!(state.view.len(), 16_980);
    for query in ["great", "Chrono Cross", "zzqxj"] {
        let parsed = Query::parse(query, &state.data.label_names).unwrap();
        g.bench_function(format!("ours/{query}"), |b| {
            b.iter(|| black_box(matching(&state.data, &state.preds, &state.view, &parsed)))
        });
        g.bench_function(format!("baseline_lowercase_each/{query}"), |b| {
            b.iter(|| {
                let q = query.to_lowercase();
                let hits: Vec<usize> = state
                    .view
                    .iter()
                    .enumerate()
                    .filter(|&(_, &r)| {
                        let review = state.data.rows.get(r as usize);
                        review.title.to_lowercase().contains(&q)
                            || review.content.to_lowercase().contains(&q)
                    })
                    .map(|(i, _)| i)
                    .collect();
                black_box(hits)
            })
        });
    }
    // Two keystrokes in the search box (type, erase): two searches and selection moves, via `update`.
    update(&mut state, Msg::Action(Action::StartSearch));
    g.bench_function("two_keystrokes_via_update", |b| {
        b.iter(|| {
            update(&mut state, Msg::Action(Action::SearchInput('g')));
            update(&mut state, Msg::Action(Action::SearchBackspace));
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = first_frame, redraw, search
}
criterion_main!(benches);
