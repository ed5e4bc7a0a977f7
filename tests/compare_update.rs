//! `--compare`: two classifiers over the same rows. `update` sends each request to both, keeps their
//! predictions apart, and `d` filters to where A is wrong, B is wrong, or they disagree; the list,
//! the detail pane and the metrics pane show both.

mod common;

use common::*;
use reviewlens::app::WorkerMsg;
use reviewlens::app::{Action::*, Command, CompareFilter, Msg, Side, State, update};
use reviewlens::model::Prediction;
use reviewlens::ui::snapshot::render as render_ref;

fn pred(label: u32) -> Prediction {
    let mut probs = vec![0.2, 0.2];
    probs[label as usize] = 0.8;
    Prediction {
        label,
        probs,
        tokens: 9,
        truncated: false,
    }
}

fn results(labels: &[u32]) -> WorkerMsg {
    WorkerMsg::Results {
        job: 1,
        predictions: labels
            .iter()
            .enumerate()
            .map(|(r, &l)| (r as u32, pred(l)))
            .collect(),
        batch_time: Default::default(),
    }
}

/// Train gold: 1 0 1 0 0 1. A gets rows 0 and 1 wrong; B gets rows 1 and 2 wrong.
fn compared() -> State {
    let mut s = State::new(tiny(), (120, 40)).with_compare("B model".into());
    update(&mut s, Msg::Worker(Side::A, results(&[0, 1, 1, 0, 0, 1])));
    update(&mut s, Msg::Worker(Side::B, results(&[1, 1, 0, 0, 0, 1])));
    s
}

#[test]
fn requests_go_to_both_classifiers() {
    let mut s = State::new(tiny(), (120, 40)).with_compare("B".into());
    let commands = update(&mut s, ClassifySelected.into());
    let sides: Vec<Side> = commands
        .iter()
        .map(|c| match c {
            Command::Classify {
                side,
                urgent: true,
                rows,
                ..
            } if rows == &[0] => *side,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(sides, [Side::A, Side::B]);
    // B already has row 0 (say, from its cache): `C` asks B for the rest only.
    update(&mut s, Msg::Worker(Side::B, results(&[1])));
    let commands = update(&mut s, ClassifyView.into());
    let rows: Vec<(Side, usize)> = commands
        .iter()
        .map(|c| match c {
            Command::Classify {
                side,
                rows,
                urgent: false,
                ..
            } => (*side, rows.len()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(rows, [(Side::A, 6), (Side::B, 5)]);
    let cancels = update(&mut s, CancelJob.into());
    assert_eq!(cancels.len(), 2, "{cancels:?}");
}

#[test]
fn predictions_stay_apart_and_d_filters_by_who_is_wrong() {
    let mut s = compared();
    assert_eq!(s.preds.tally(0).correct(), 4);
    assert_eq!(s.preds_b.as_ref().unwrap().tally(0).correct(), 4);
    apply(&mut s, &[CycleCompare]);
    assert_eq!(s.filters.compare, CompareFilter::AWrong);
    assert_eq!(view_titles(&s), ["Great CD", "Broken on arrival"]);
    apply(&mut s, &[CycleCompare]);
    assert_eq!(view_titles(&s), ["Broken on arrival", "Works fine"]);
    apply(&mut s, &[CycleCompare]);
    assert_eq!(s.filters.compare, CompareFilter::Disagree);
    assert_eq!(view_titles(&s), ["Great CD", "Works fine"]);
    let status = render_ref(&s);
    assert!(
        status.lines().last().unwrap().contains("A and B disagree"),
        "{status}"
    );
    apply(&mut s, &[CycleCompare]);
    assert_eq!((s.filters.compare, s.view.len()), (CompareFilter::Off, 6));
}

#[test]
fn the_panes_show_both_classifiers() {
    let mut s = compared();
    apply(&mut s, &[ToggleMetrics]);
    let screen = render_ref(&s);
    let header = screen.lines().nth(1).unwrap();
    assert!(
        header.contains(" p B ") && header.contains("title"),
        "list header: {header}"
    );
    assert!(
        screen.contains("A predicted negative ✗"),
        "detail, A: {screen}"
    );
    assert!(
        screen.contains("B predicted positive"),
        "detail, B: {screen}"
    );
    assert!(
        screen.contains("A 6 · B 6 of 6 classified"),
        "metrics: {screen}"
    );
    assert!(
        screen.contains("accuracy               0.6667               0.6667"),
        "{screen}"
    );
    assert!(screen.contains("A gold ╲ pred"), "{screen}");
}

#[test]
fn d_without_a_second_classifier_says_how_to_get_one() {
    let mut s = State::new(tiny(), (120, 40));
    apply(&mut s, &[CycleCompare]);
    assert_eq!(s.filters.compare, CompareFilter::Off);
    assert!(s.notice.as_deref().unwrap().contains("--compare"));
}
