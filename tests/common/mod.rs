//! Shared test helpers: small datasets built through the public constructors, a screen renderer, and
//! a count of the embedding cache's rows.
#![allow(dead_code)]

use reviewlens::app::{Action, Msg, Side, State, update};
use reviewlens::data::{Dataset, Review, Split};

/// Two splits of tiny reviews: train rows 0..6, test rows 0..4, labels negative/positive.
pub fn tiny() -> Dataset {
    let review = |row_index: u64, label: u32, title: &str, content: &str| Review {
        row_index,
        label,
        title: title.into(),
        content: content.into(),
    };
    let rows = vec![
        review(
            0,
            1,
            "Great CD",
            "My lovely Pat has one of the GREAT voices.",
        ),
        review(1, 0, "Broken on arrival", "The case was cracked."),
        review(2, 1, "Works fine", "Does what it says; great value."),
        review(3, 0, "Boring", "Fell asleep twice."),
        review(4, 0, "Meh", "Nothing great about it."),
        review(5, 1, "Lovely", "A lovely gift for my mother."),
        review(0, 0, "Terrible", "Stopped working after a week."),
        review(1, 1, "Great book", "Read it in one sitting."),
        review(2, 1, "Fine", "Ok."),
        review(3, 0, "Great? No.", "Not great at all."),
    ];
    Dataset::new(
        "tiny".into(),
        vec!["negative".into(), "positive".into()],
        rows,
        vec![
            Split {
                name: "train".into(),
                rows: 0..6,
            },
            Split {
                name: "test".into(),
                rows: 6..10,
            },
        ],
    )
}

pub fn bundled() -> Dataset {
    reviewlens::data::load(None, &Default::default()).expect("bundled sample loads")
}

/// Applies actions in order, returning the state.
pub fn apply(state: &mut State, actions: &[Action]) {
    for a in actions {
        update(state, Msg::Action(a.clone()));
    }
}

/// Draws `state` off-terminal and hands `update` what the frame measured, as the event loop does.
pub fn drawn(state: &mut State) {
    let (w, h) = state.size;
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    let mut facts = Default::default();
    terminal
        .draw(|f| facts = reviewlens::ui::draw(state, f))
        .unwrap();
    update(state, Msg::Drawn(facts));
}

pub fn type_text(state: &mut State, text: &str) {
    for c in text.chars() {
        update(state, Msg::Action(Action::SearchInput(c)));
    }
}

/// Titles of the rows in the current view.
pub fn view_titles(state: &State) -> Vec<&str> {
    state
        .view
        .iter()
        .map(|&r| state.data.rows.get(r as usize).title)
        .collect()
}

pub fn selected_title(state: &State) -> &str {
    state
        .data
        .rows
        .get(state.selected_row().expect("a selection"))
        .title
}

/// A batch over train rows 0..60 as the worker would report it: every third row predicted wrong,
/// with a confidence that varies by row.
pub fn classify_first_60(s: &mut State) {
    use reviewlens::app::WorkerMsg;
    use reviewlens::model::Prediction;
    update(s, Action::ClassifyView.into());
    let predictions = (0..60u32)
        .map(|row| {
            let gold = s.data.rows.get(row as usize).label;
            let label = if row % 3 == 0 { 1 - gold } else { gold };
            let p = 0.5 + (row % 50) as f32 / 100.0;
            let mut probs = vec![1.0 - p; 2];
            probs[label as usize] = p;
            let prediction = Prediction {
                label,
                probs,
                tokens: 100 + row,
                truncated: row == 3,
            };
            (row, prediction)
        })
        .collect();
    let ready = WorkerMsg::Ready {
        model: "tiny".into(),
        device: "cpu f32".into(),
        note: None,
        batch_size: 16,
    };
    update(s, Msg::Worker(Side::A, ready));
    let results = WorkerMsg::Results {
        job: 1,
        predictions,
        batch_time: std::time::Duration::from_millis(90),
    };
    update(s, Msg::Worker(Side::A, results));
    let finished = WorkerMsg::Finished {
        job: 1,
        cancelled: false,
    };
    update(s, Msg::Worker(Side::A, finished));
}

/// Rows in the embedding cache under `root` (a `reviewlens` cache folder), summed over its part
/// files: a review embedded twice counts twice.
pub fn embedded_rows(root: &std::path::Path) -> i64 {
    std::fs::read_dir(root.join("embeddings"))
        .unwrap()
        .flatten()
        .flat_map(|key| std::fs::read_dir(key.path()).unwrap().flatten())
        .filter(|f| f.path().extension().is_some_and(|e| e == "parquet"))
        .map(|f| {
            let file = std::fs::File::open(f.path()).unwrap();
            let reader =
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                    .unwrap();
            reader.metadata().file_metadata().num_rows()
        })
        .sum()
}
