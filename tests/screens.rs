//! Whole screens of the bundled sample at 120×40, as text snapshots (insta). Review a change with
//! `cargo insta review`; CI fails on any difference.

mod common;

use common::*;
use reviewlens::app::{Action::*, Msg, Side, State, update};
use reviewlens::ui::snapshot::render as render_ref;

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
    let mut s = start();
    classify_first_60(&mut s);
    apply(&mut s, &[ToggleMisclassified, CycleOrder]);
    insta::assert_snapshot!("misclassified_only_after_a_batch", render_ref(&s));
}

#[test]
fn label_issues_after_a_batch() {
    let mut s = start();
    classify_first_60(&mut s);
    apply(&mut s, &[ToggleLabelIssues]);
    insta::assert_snapshot!("label_issues_list", render_ref(&s));
    apply(&mut s, &[ToggleIssuesOnly, ToggleMetrics]);
    insta::assert_snapshot!("label_issues_only_metrics", render_ref(&s));
}

#[test]
fn metrics_pane_with_a_cell_picked() {
    let mut s = start();
    classify_first_60(&mut s);
    apply(&mut s, &[PickCell]);
    insta::assert_snapshot!("metrics_pane_picking", render_ref(&s));
    apply(&mut s, &[ConfirmCell, Down]);
    insta::assert_snapshot!("metrics_pane_cell_filter", render_ref(&s));
}

#[test]
fn two_classifiers_side_by_side() {
    use reviewlens::app::WorkerMsg;
    use reviewlens::model::Prediction;
    let mut s = start().with_compare("sentence-transformers/all-MiniLM-L6-v2".into());
    classify_first_60(&mut s);
    // B: wrong on every fourth row, with a fixed confidence.
    let predictions = (0..60u32)
        .map(|row| {
            let gold = s.data.rows.get(row as usize).label;
            let label = if row % 4 == 0 { 1 - gold } else { gold };
            let mut probs = vec![0.3; 2];
            probs[label as usize] = 0.7;
            let p = Prediction {
                label,
                probs,
                tokens: 50,
                truncated: false,
            };
            (row, p)
        })
        .collect();
    let results = WorkerMsg::Results {
        job: 1,
        predictions,
        batch_time: Default::default(),
    };
    update(&mut s, Msg::Worker(Side::B, results));
    let finished = WorkerMsg::Finished {
        job: 1,
        cancelled: false,
    };
    update(&mut s, Msg::Worker(Side::B, finished));
    apply(
        &mut s,
        &[ToggleMetrics, CycleCompare, CycleCompare, CycleCompare],
    );
    insta::assert_snapshot!("two_classifiers_side_by_side", render_ref(&s));
}
