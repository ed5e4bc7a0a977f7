//! Whole screens of the bundled sample at 120×40, as text snapshots (insta). Review a change with
//! `cargo insta review`; CI fails on any difference.

mod common;

use common::*;
use reviewlens::app::{Action::*, Msg, State, update};
use reviewlens::snapshot::render_ref;

fn start() -> State {
    State::new(bundled(), (120, 40))
}

#[test]
fn start_up() {
    insta::assert_snapshot!("start_up", render_ref(&start()));
}

#[test]
fn search_active() {
    let mut s = start();
    apply(&mut s, &[NextSplit, StartSearch]);
    type_text(&mut s, "soundtrack");
    insta::assert_snapshot!("search_active", render_ref(&s));
}

#[test]
fn label_filter() {
    let mut s = start();
    apply(&mut s, &[CycleLabel, Down, Down]);
    insta::assert_snapshot!("label_filter", render_ref(&s));
}

#[test]
fn help_overlay() {
    let mut s = start();
    apply(&mut s, &[ToggleHelp]);
    insta::assert_snapshot!("help_overlay", render_ref(&s));
}

#[test]
fn too_small() {
    let mut s = start();
    update(&mut s, Msg::Resize(50, 10));
    insta::assert_snapshot!("too_small", render_ref(&s));
}

#[test]
fn misclassified_only_after_a_batch() {
    use reviewlens::model::Prediction;
    use reviewlens::worker::WorkerMsg;
    let mut s = start();
    update(&mut s, ClassifyView.into());
    // Every third train row predicted wrong, with a confidence that varies by row.
    let predictions = (0..60u32)
        .map(|row| {
            let gold = s.data.rows[row as usize].label;
            let label = if row % 3 == 0 { 1 - gold } else { gold };
            let p = 0.5 + (row % 50) as f32 / 100.0;
            let mut probs = vec![1.0 - p; 2];
            probs[label as usize] = p;
            (
                row,
                Prediction {
                    label,
                    probs,
                    tokens: 100 + row,
                    truncated: row == 3,
                },
            )
        })
        .collect();
    update(
        &mut s,
        Msg::Worker(WorkerMsg::Ready {
            model: "tiny".into(),
            device: "cpu f32".into(),
            note: None,
        }),
    );
    update(
        &mut s,
        Msg::Worker(WorkerMsg::Results {
            job: 1,
            predictions,
            batch_time: std::time::Duration::from_millis(90),
        }),
    );
    apply(&mut s, &[ToggleMisclassified, CycleOrder]);
    insta::assert_snapshot!("misclassified_only_after_a_batch", render_ref(&s));
}
