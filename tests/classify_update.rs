//! `update` with predictions: what `c`, `C`, `x`, `m` and `s` ask for, and how worker reports change
//! the state. No model here: the reports are the messages the worker sends.

mod common;

use std::time::Duration;

use common::*;
use reviewlens::app::WorkerMsg;
use reviewlens::app::{Action::*, Command, ModelStatus, Msg, Order, Side, State, update};
use reviewlens::model::Prediction;

fn pred(label: u32, p_positive: f32) -> Prediction {
    Prediction {
        label,
        probs: vec![1.0 - p_positive, p_positive],
        tokens: 12,
        truncated: false,
    }
}

fn report(state: &mut State, msg: WorkerMsg) {
    update(state, Msg::Worker(Side::A, msg));
}

fn results(state: &mut State, job: u64, rows: Vec<(u32, Prediction)>) {
    report(
        state,
        WorkerMsg::Results {
            job,
            predictions: rows,
            batch_time: Duration::from_millis(7),
        },
    );
}

#[test]
fn c_asks_for_the_selected_row_ahead_of_batches() {
    let mut s = State::new(tiny(), (120, 40));
    apply(&mut s, &[Down]);
    let commands = update(&mut s, ClassifySelected.into());
    assert_eq!(
        commands,
        vec![Command::Classify {
            side: Side::A,
            job: 1,
            rows: vec![1],
            urgent: true
        }]
    );
    assert_eq!(s.preds.pending, Some((1, 1)));
    results(&mut s, 1, vec![(1, pred(0, 0.1))]);
    assert_eq!(s.preds.pending, None);
    assert_eq!(s.preds.latency, Some((1, Duration::from_millis(7))));
    assert_eq!(s.preds.get(1).unwrap().label, 0);
}

#[test]
fn capital_c_asks_for_every_unclassified_row_in_view_once() {
    let mut s = State::new(tiny(), (120, 40));
    results(&mut s, 99, vec![(0, pred(1, 0.9))]);
    let commands = update(&mut s, ClassifyView.into());
    assert_eq!(
        commands,
        vec![Command::Classify {
            side: Side::A,
            job: 1,
            rows: vec![1, 2, 3, 4, 5],
            urgent: false
        }]
    );
    assert_eq!(s.preds.job.as_ref().unwrap().total, 5);
    // A second C while it runs starts nothing.
    assert!(update(&mut s, ClassifyView.into()).is_empty());
    assert!(s.notice.as_deref().unwrap().contains("x cancels it"));
    // x asks the worker to cancel; the job ends when the worker says so.
    assert_eq!(
        update(&mut s, CancelJob.into()),
        vec![Command::Cancel {
            side: Side::A,
            job: 1
        }]
    );
    report(
        &mut s,
        WorkerMsg::Finished {
            job: 1,
            cancelled: true,
        },
    );
    assert!(s.preds.job.is_none());
    assert_eq!(s.notice.as_deref(), Some("cancelled: 0 of 5 classified"));
}

#[test]
fn progress_gives_rate_and_eta() {
    let mut s = State::new(tiny(), (120, 40));
    update(&mut s, ClassifyView.into());
    report(
        &mut s,
        WorkerMsg::Progress {
            job: 1,
            done: 2,
            total: 6,
            done_chars: 100,
            total_chars: 400,
            elapsed: Duration::from_secs(1),
        },
    );
    let job = s.preds.job.as_ref().unwrap();
    assert_eq!(job.rate(), 2.0);
    assert_eq!(
        job.eta(),
        Some(Duration::from_secs(3)),
        "300 chars left at 100 chars/s"
    );
}

#[test]
fn tallies_follow_predictions_and_replacements() {
    let mut s = State::new(tiny(), (120, 40));
    // Train gold labels: 1 0 1 0 0 1.
    results(
        &mut s,
        1,
        vec![(0, pred(1, 0.9)), (1, pred(1, 0.8)), (2, pred(0, 0.3))],
    );
    let t = s.preds.tally(0);
    assert_eq!(
        (t.classified, t.correct(), t.predicted()),
        (3, 1, vec![1, 2])
    );
    results(&mut s, 2, vec![(1, pred(0, 0.2))]); // row 1 re-classified, now right
    let t = s.preds.tally(0);
    assert_eq!(
        (t.classified, t.correct(), t.predicted()),
        (3, 2, vec![2, 1])
    );
    assert_eq!(s.preds.tally(1).classified, 0);
}

#[test]
fn misclassified_only_and_the_orders() {
    let mut s = State::new(tiny(), (120, 40));
    // Gold: 0→1, 1→0, 2→1, 3→0, 4→0, 5→1.
    results(
        &mut s,
        1,
        vec![
            (0, pred(0, 0.40)), // wrong, 0.60 on the wrong class
            (1, pred(1, 0.95)), // wrong, 0.95
            (2, pred(1, 0.55)), // right, 0.55
            (3, pred(0, 0.10)), // right, 0.90
            (5, pred(0, 0.30)), // wrong, 0.70
        ],
    );
    apply(&mut s, &[ToggleMisclassified]);
    assert_eq!(view_titles(&s), ["Great CD", "Broken on arrival", "Lovely"]);
    apply(&mut s, &[CycleOrder]);
    assert_eq!(s.order, Order::ConfidentMistakes);
    assert_eq!(
        view_titles(&s),
        ["Broken on arrival", "Lovely", "Great CD"],
        "0.95, 0.70, 0.60"
    );
    apply(&mut s, &[ToggleMisclassified]);
    assert_eq!(
        view_titles(&s),
        [
            "Broken on arrival",
            "Lovely",
            "Great CD",
            "Works fine",
            "Boring",
            "Meh"
        ],
        "mistakes first, then the rest in dataset order"
    );
    apply(&mut s, &[CycleOrder]);
    assert_eq!(s.order, Order::LeastConfident);
    assert_eq!(
        view_titles(&s),
        [
            "Works fine",
            "Great CD",
            "Lovely",
            "Boring",
            "Broken on arrival",
            "Meh"
        ],
        "0.55, 0.60, 0.70, 0.90, 0.95, then unclassified"
    );
    apply(&mut s, &[CycleOrder]);
    assert_eq!(s.order, Order::Dataset);
}

#[test]
fn streaming_results_keep_the_selected_review_selected() {
    let mut s = State::new(tiny(), (120, 40));
    apply(&mut s, &[ToggleMisclassified]);
    assert!(s.view.is_empty());
    assert!(
        s.notice
            .as_deref()
            .unwrap()
            .starts_with("no predictions yet")
    );
    results(&mut s, 1, vec![(1, pred(1, 0.9))]);
    assert_eq!(view_titles(&s), ["Broken on arrival"]);
    results(&mut s, 1, vec![(0, pred(0, 0.2))]);
    assert_eq!(view_titles(&s), ["Great CD", "Broken on arrival"]);
    assert_eq!(
        selected_title(&s),
        "Broken on arrival",
        "a row arriving above does not move the selection"
    );
}

#[test]
fn model_states_and_failures_are_reported() {
    let mut s = State::new(tiny(), (120, 40));
    report(
        &mut s,
        WorkerMsg::Status("downloading model.safetensors 1.0/268.0 MB, 9.9 MB/s".into()),
    );
    assert!(matches!(&s.preds.status, ModelStatus::Busy(m) if m.starts_with("downloading")));
    update(&mut s, ClassifySelected.into());
    report(
        &mut s,
        WorkerMsg::LoadFailed("model: no config.json".into()),
    );
    assert_eq!(
        s.preds.status,
        ModelStatus::Failed("model: no config.json".into())
    );
    assert_eq!(
        s.preds.pending, None,
        "the explorer goes on without a model"
    );
    apply(&mut s, &[Down]);
    assert_eq!(s.selected, 1);
    report(
        &mut s,
        WorkerMsg::Ready {
            model: "m".into(),
            device: "cpu f32".into(),
            note: None,
            batch_size: 16,
        },
    );
    assert!(matches!(s.preds.status, ModelStatus::Ready { .. }));
}

#[test]
fn cached_predictions_show_at_once() {
    let mut s = State::new(tiny(), (120, 40));
    report(
        &mut s,
        WorkerMsg::Cached(vec![
            (0, pred(1, 0.9)),
            (7, pred(1, 0.8)),
            (999, pred(1, 0.8)),
        ]),
    );
    assert!(s.preds.get(0).is_some());
    assert_eq!(s.preds.tally(1).classified, 1, "row 7 is in the test split");
    assert!(
        s.preds.get(999).is_none(),
        "rows beyond the data are ignored"
    );
}

/// `x` while the classifier still loads (training its head: bug 18 of issue 14) stops the load; the
/// worker's "stopped" report ends the job waiting for it with that report as the notice, and the
/// job's own "cancelled" report after it changes nothing.
#[test]
fn x_while_a_head_trains_stops_the_training() {
    let mut s = State::new(tiny(), (120, 40));
    update(&mut s, ClassifyView.into());
    report(
        &mut s,
        WorkerMsg::Status("embedding the train split 32/100, 40/s, ETA 0:02 · x stops".into()),
    );
    assert_eq!(
        update(&mut s, CancelJob.into()),
        vec![
            Command::Cancel {
                side: Side::A,
                job: 1
            },
            Command::StopLoading { side: Side::A }
        ]
    );
    let why = "stopped embedding the train split: 32 of 100 rows done (kept: asking again goes on from there)";
    report(&mut s, WorkerMsg::LoadStopped(why.into()));
    report(
        &mut s,
        WorkerMsg::Finished {
            job: 1,
            cancelled: true,
        },
    );
    assert_eq!(s.preds.status, ModelStatus::Idle);
    assert!(s.preds.job.is_none());
    assert_eq!(s.notice.as_deref(), Some(why));
    // Nothing loading, nothing running: x says so and asks nothing.
    assert!(update(&mut s, CancelJob.into()).is_empty());
    assert_eq!(s.notice.as_deref(), Some("no batch is running"));
}

/// `>` sorts by the next column and `<` turns it around (issue 14's habits); each new order starts
/// at its top, and unclassified rows go last either way.
#[test]
fn column_sorts_with_greater_and_less_than() {
    let mut s = State::new(tiny(), (120, 40));
    results(
        &mut s,
        9,
        vec![(0, pred(1, 0.9)), (3, pred(0, 0.2)), (4, pred(1, 0.6))],
    );
    apply(&mut s, &[Down, Down]);
    let view = |s: &State| s.view.clone();
    update(&mut s, SortNextColumn.into());
    assert_eq!(s.order.name(), "by row ↑");
    assert_eq!((view(&s), s.selected), (vec![0, 1, 2, 3, 4, 5], 0));
    update(&mut s, SortReverse.into());
    assert_eq!(view(&s), vec![5, 4, 3, 2, 1, 0]);
    update(&mut s, SortNextColumn.into()); // gold ↑: negatives (1, 3, 4) first, ties in row order
    assert_eq!(view(&s), vec![1, 3, 4, 0, 2, 5]);
    apply(&mut s, &[SortNextColumn, SortNextColumn]); // confidence ↑
    assert_eq!(s.order.name(), "by confidence ↑");
    // p(predicted): row 0 0.9, row 3 0.8 (it predicts class 0 at 1 - 0.2), row 4 0.6.
    assert_eq!(view(&s), vec![4, 3, 0, 1, 2, 5]);
    update(&mut s, SortReverse.into());
    assert_eq!(view(&s), vec![0, 3, 4, 1, 2, 5]);
    update(&mut s, SortNextColumn.into()); // length ↑
    let lengths: Vec<usize> = (view(&s).iter())
        .map(|&r| {
            s.data.rows.get(r as usize).title.len() + s.data.rows.get(r as usize).content.len()
        })
        .collect();
    assert!(lengths.windows(2).all(|w| w[0] <= w[1]), "{lengths:?}");
    // `s` leaves a column order for the dataset's.
    update(&mut s, CycleOrder.into());
    assert_eq!(s.order, Order::Dataset);
}
