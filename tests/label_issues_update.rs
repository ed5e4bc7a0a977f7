//! Label issues in the explorer (`i`, `I`): found over the split's out-of-sample probabilities as
//! the `label_issues` library finds them (which tests/label_issues.rs checks against cleanlab), an
//! order and a filter on them, and the worker's cross-validation for the embedding head.

mod common;

use common::*;
use reviewlens::app::{Action::*, Command, Msg, Order, Side, State, WorkerMsg, update};
use reviewlens::label_issues::{FilterBy, Found, LabelProbs, ScoreMethod};

/// What the library finds over `rows` with probabilities `probs` (by data row).
fn expected(s: &State, rows: &[u32], probs: impl Fn(u32) -> Vec<f32>) -> Found {
    let flat: Vec<f64> = rows.iter().flat_map(|&r| probs(r)).map(f64::from).collect();
    let labels = rows
        .iter()
        .map(|&r| s.data.rows.get(r as usize).label as usize)
        .collect();
    let input = LabelProbs::new(flat, 2, labels).unwrap();
    Found::new(
        input,
        ScoreMethod::SelfConfidence,
        false,
        FilterBy::PruneByNoiseRate,
    )
    .unwrap()
}

#[test]
fn i_scores_the_classified_rows_and_orders_likely_label_errors_first() {
    let mut s = State::new(bundled(), (120, 40));
    classify_first_60(&mut s);
    let commands = update(&mut s, ToggleLabelIssues.into());
    assert!(
        commands.is_empty(),
        "predictions are out-of-sample: nothing to ask the worker"
    );
    let rows: Vec<u32> = (0..60).collect();
    let probs = |r: u32| s.preds.get(r as usize).unwrap().probs.clone();
    let found = expected(&s, &rows, probs);
    let issues = s.label_issues.ready().expect("issues found");
    assert_eq!((issues.checked, issues.flagged), (60, found.flagged()));
    assert!(found.flagged() > 0, "the case flags something");
    for (i, &r) in rows.iter().enumerate() {
        let issue = issues.get(r as usize).unwrap();
        assert_eq!(
            (issue.score, issue.flagged),
            (found.scores[i], found.issues[i])
        );
    }
    assert!(
        issues.get(60).is_none(),
        "an unclassified row is not checked"
    );
    assert_eq!(s.order, Order::LabelErrors);
    let first: Vec<u32> = s.view[..found.flagged()].to_vec();
    let ranked: Vec<u32> = found.ranked.iter().map(|&i| rows[i]).collect();
    assert_eq!(
        first, ranked,
        "flagged rows first, most likely label error first"
    );
    assert_eq!(s.selected, 0);
    assert!(s.notice.as_deref().unwrap().starts_with("label issues: "));

    update(&mut s, ToggleIssuesOnly.into());
    assert_eq!(s.view, ranked, "I: the flagged rows only");
    update(&mut s, Escape.into());
    assert!(
        !s.filters.issues_only && s.view.len() == 6000,
        "Esc clears I first"
    );
    assert!(s.label_issues.on);
    update(&mut s, ToggleLabelIssues.into());
    assert_eq!((s.label_issues.on, s.filters.issues_only), (false, false));
    assert_eq!((s.order, s.view.len()), (Order::Dataset, 6000));
}

#[test]
fn with_nothing_classified_the_issues_say_why() {
    let mut s = State::new(bundled(), (120, 40));
    update(&mut s, ToggleIssuesOnly.into());
    assert!(s.view.is_empty());
    let found = s.label_issues.found.clone().unwrap();
    assert!(found.unwrap_err().starts_with("nothing classified yet"));
    // Predictions arriving fill the issues in.
    classify_first_60(&mut s);
    assert!(!s.view.is_empty());
    assert!(s.view.iter().all(|&r| r < 60));
}

#[test]
fn the_embedding_head_is_cross_validated_on_the_worker_first() {
    let how = "5-fold stratified cross-validation (seed 0)".to_owned();
    let mut s = State::new(tiny(), (120, 40)).with_cross_validation(how);
    let commands = update(&mut s, ToggleLabelIssues.into());
    let asked = vec![Command::CrossValidate {
        side: Side::A,
        rows: (0..6).collect(),
    }];
    assert_eq!(commands, asked, "the train split's rows");
    assert!(s.label_issues.ready().is_none(), "waiting for the worker");
    // Out-of-fold probabilities, answered in any order: row 1 (gold negative) looks positive.
    let oof: Vec<(u32, Vec<f32>)> = [5u32, 4, 3, 2, 1, 0]
        .iter()
        .map(|&r| {
            let gold = s.data.rows.get(r as usize).label as usize;
            let p = if r == 1 { 0.05 } else { 0.9 };
            let mut probs = vec![1.0 - p; 2];
            probs[gold] = p;
            (r, probs)
        })
        .collect();
    let report = WorkerMsg::CrossValidated(Ok(oof));
    update(&mut s, Msg::Worker(Side::A, report));
    let issues = s.label_issues.ready().expect("found once the folds are in");
    assert_eq!(issues.checked, 6);
    let row1 = issues.get(1).unwrap();
    assert!((row1.score - 0.05).abs() < 1e-6);
    assert_eq!(s.view[0], 1, "the likely label error first");

    let failed = WorkerMsg::CrossValidated(Err("stopped after 2 of 5 folds".into()));
    let mut s = State::new(tiny(), (120, 40)).with_cross_validation("5-fold".into());
    update(&mut s, ToggleLabelIssues.into());
    update(&mut s, Msg::Worker(Side::A, failed));
    let notice = s.notice.clone().unwrap();
    assert_eq!(
        notice,
        "label issues: cross-validation: stopped after 2 of 5 folds"
    );
}

#[test]
fn d_asks_for_near_duplicates_and_the_review_goes_to_them() {
    let mut s = State::new(tiny(), (120, 40));
    let commands = update(&mut s, FindDuplicates.into());
    let asked = vec![Command::NearDuplicates {
        side: Side::A,
        rows: (0..10).collect(),
    }];
    assert_eq!(commands, asked, "every row of every split");
    assert!(
        update(&mut s, FindDuplicates.into()).is_empty(),
        "asked once"
    );
    // Train row 1 (negative) and test rows 6 (negative) and 9 (negative, "Great? No.") are
    // near duplicates; train row 2 (positive) and test row 8 (positive) too.
    let sets = vec![
        (1, vec![6, 9]),
        (6, vec![1, 9]),
        (9, vec![1, 6]),
        (2, vec![8]),
        (8, vec![2]),
    ];
    update(
        &mut s,
        Msg::Worker(Side::A, WorkerMsg::NearDuplicates(Ok(sets))),
    );
    assert_eq!(
        s.notice.as_deref(),
        Some(
            "near duplicates: 5 rows have one, 0 labelled unlike it, 3 test rows leaked into train"
        )
    );
    let c = s.duplicates.counts(&s.data, 0..6);
    assert_eq!((c.near, c.conflicting, c.leaked), (2, 0, 0));
    // In the review of train row 2, Enter goes to its duplicate: test row 8 is not in view.
    apply(&mut s, &[Down, Down, FocusDetail, JumpDuplicate(0)]);
    assert!(
        s.notice
            .as_deref()
            .unwrap()
            .starts_with("test:2 is not in this view")
    );
    apply(&mut s, &[FocusList, NextSplit, NextSplit]); // train → test → all
    apply(&mut s, &[Home, Down, Down, FocusDetail, JumpDuplicate(0)]);
    assert_eq!(s.selected_row(), Some(8), "all: the duplicate is selected");
    apply(&mut s, &[JumpDuplicate(1)]);
    assert_eq!(s.notice.as_deref(), Some("no near duplicate #2"));
    // Without duplicates, Enter leaves the review.
    apply(&mut s, &[Home, FocusDetail, JumpDuplicate(0)]);
    assert_eq!(s.mode, reviewlens::app::Mode::Browse);
}
