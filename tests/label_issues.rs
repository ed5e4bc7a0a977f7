//! `label_issues` against cleanlab 2.7.1 and scikit-learn (tests/fixtures/cleanlab/goldens.json,
//! written by scripts/make_cleanlab_goldens.py): scores within 1e-6, identical confident joints,
//! issue sets, counts and ranked orders on every golden matrix; identical stratified folds; and every
//! bad input as one line.

use reviewlens::label_issues::{
    Estimation, FilterBy, FilterOptions, LabelIssuesError, LabelProbs, ScoreMethod,
    calibrated_confident_joint, confident_joint, confident_thresholds, estimate_joint,
    find_label_issues, label_errors_per_class_pair, label_quality_scores, num_label_issues,
    rank_label_issues, stratified_folds, suggested_labels,
};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Deserialize)]
struct Goldens {
    cleanlab: String,
    cases: Vec<Case>,
    folds: Vec<FoldCase>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    ties: bool,
    labels: Vec<usize>,
    pred_probs: Vec<Vec<f64>>,
    score_rows: Option<Vec<usize>>,
    scores: HashMap<String, Vec<f64>>,
    confident_thresholds: Vec<f64>,
    confident_joint: Vec<Vec<i64>>,
    confident_joint_calibrated: Vec<Vec<i64>>,
    joint: Vec<Vec<f64>>,
    num_label_issues: HashMap<String, usize>,
    issues: HashMap<String, Vec<usize>>,
    plain_agrees: HashMap<String, bool>,
    suggested: Vec<usize>,
    ranked: HashMap<String, Vec<usize>>,
    options: Vec<OptionRun>,
}

#[derive(Deserialize)]
struct OptionRun {
    filter_by: String,
    frac_noise: Option<f64>,
    min_examples_per_class: Option<usize>,
    num_to_remove_per_class: Option<Vec<usize>>,
    issues: Vec<usize>,
}

#[derive(Deserialize)]
struct FoldCase {
    name: String,
    labels: Vec<usize>,
    n_splits: usize,
    seed: u32,
    folds: Vec<usize>,
}

fn goldens() -> &'static Goldens {
    static GOLDENS: OnceLock<Goldens> = OnceLock::new();
    GOLDENS.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/cleanlab/goldens.json"
        );
        let text = std::fs::read_to_string(path).expect("goldens.json");
        let goldens: Goldens = serde_json::from_str(&text).expect("goldens.json parses");
        assert_eq!(goldens.cleanlab, "2.7.1");
        goldens
    })
}

fn input(case: &Case) -> LabelProbs {
    let classes = case.pred_probs[0].len();
    let probs = case.pred_probs.iter().flatten().copied().collect();
    LabelProbs::new(probs, classes, case.labels.clone()).expect("golden input is valid")
}

/// The flagged rows of a mask.
fn rows(mask: &[bool]) -> Vec<usize> {
    (0..mask.len()).filter(|&i| mask[i]).collect()
}

/// The goldens' key for a method with or without adjusted probabilities.
fn key(method: ScoreMethod, adjust: bool) -> String {
    format!("{}{}", method.name(), if adjust { "_adjusted" } else { "" })
}

const SCORED: [(ScoreMethod, bool); 5] = [
    (ScoreMethod::SelfConfidence, false),
    (ScoreMethod::SelfConfidence, true),
    (ScoreMethod::NormalizedMargin, false),
    (ScoreMethod::NormalizedMargin, true),
    (ScoreMethod::ConfidenceWeightedEntropy, false),
];

#[test]
fn the_goldens_cover_what_the_issue_asks_for() {
    let g = goldens();
    let classes: Vec<usize> = g.cases.iter().map(|c| c.pred_probs[0].len()).collect();
    for k in [2, 3, 5] {
        assert!(classes.contains(&k), "no golden with {k} classes");
    }
    assert!(g.cases.iter().any(|c| c.name.starts_with("imbalanced")));
    assert!(g.cases.iter().any(|c| c.name.starts_with("bundled")));
    assert!(g.cases.iter().any(|c| c.ties));
    for case in &g.cases {
        let flagged = case.issues["prune_by_noise_rate"].len();
        assert!(
            flagged > 0 && flagged < case.labels.len() / 4,
            "{}: {flagged} issues",
            case.name
        );
    }
}

#[test]
fn scores_are_within_1e_6_of_cleanlab() {
    for case in &goldens().cases {
        let input = input(case);
        for (method, adjust) in SCORED {
            let ours = label_quality_scores(&input, method, adjust).unwrap();
            let theirs = &case.scores[&key(method, adjust)];
            let picked: Vec<usize> = match &case.score_rows {
                Some(r) => r.clone(),
                None => (0..ours.len()).collect(),
            };
            assert_eq!(picked.len(), theirs.len());
            for (&i, &want) in picked.iter().zip(theirs) {
                assert!(
                    (ours[i] - want).abs() <= 1e-6,
                    "{} {}: row {i}: {} vs cleanlab {want}",
                    case.name,
                    key(method, adjust),
                    ours[i]
                );
            }
        }
    }
}

#[test]
fn confident_thresholds_are_cleanlabs_exactly() {
    for case in &goldens().cases {
        assert_eq!(
            confident_thresholds(&input(case)),
            case.confident_thresholds,
            "{}",
            case.name
        );
    }
}

#[test]
fn confident_joints_and_their_calibration_are_cleanlabs() {
    for case in &goldens().cases {
        let input = input(case);
        assert_eq!(
            confident_joint(&input).counts,
            case.confident_joint,
            "{}",
            case.name
        );
        let calibrated = calibrated_confident_joint(&input);
        assert_eq!(calibrated, case.confident_joint_calibrated, "{}", case.name);
        let joint = estimate_joint(&input);
        for (ours, theirs) in joint.iter().flatten().zip(case.joint.iter().flatten()) {
            assert!((ours - theirs).abs() <= 1e-15, "{}: joint", case.name);
        }
    }
}

#[test]
fn label_errors_per_class_pair_are_the_joint_times_the_rows_off_its_diagonal() {
    for case in &goldens().cases {
        let errors = label_errors_per_class_pair(&input(case));
        let n = case.labels.len() as f64;
        for (given, row) in errors.iter().enumerate() {
            for (truth, &count) in row.iter().enumerate() {
                let want = if given == truth {
                    0
                } else {
                    (case.joint[given][truth] * n).round() as i64
                };
                assert_eq!(count, want, "{}: [{given}][{truth}]", case.name);
            }
        }
        let total: i64 = errors.iter().flatten().sum();
        let calibrated = case.num_label_issues["off_diagonal_calibrated"] as i64;
        assert!((total - calibrated).abs() <= 1, "{}", case.name);
    }
}

#[test]
fn every_filter_flags_the_rows_cleanlab_flags() {
    for case in &goldens().cases {
        let input = input(case);
        for filter in FilterBy::ALL {
            let mask = find_label_issues(&input, &FilterOptions::with_filter(filter)).unwrap();
            assert_eq!(
                rows(&mask),
                case.issues[filter.name()],
                "{}: {}",
                case.name,
                filter.name()
            );
        }
    }
}

#[test]
fn the_default_filter_is_prune_by_noise_rate_with_cleanlabs_defaults() {
    let o = FilterOptions::default();
    assert_eq!(o.filter_by, FilterBy::PruneByNoiseRate);
    assert_eq!(
        (
            o.frac_noise,
            o.num_to_remove_per_class,
            o.min_examples_per_class
        ),
        (1.0, None, 1)
    );
}

#[test]
fn non_default_filter_options_match_cleanlab() {
    let mut runs = 0;
    for case in goldens().cases.iter().filter(|c| !c.options.is_empty()) {
        let input = input(case);
        for run in &case.options {
            let options = FilterOptions {
                filter_by: FilterBy::from_name(&run.filter_by).unwrap(),
                frac_noise: run.frac_noise.unwrap_or(1.0),
                num_to_remove_per_class: run.num_to_remove_per_class.clone(),
                min_examples_per_class: run.min_examples_per_class.unwrap_or(1),
            };
            let mask = find_label_issues(&input, &options).unwrap();
            assert_eq!(rows(&mask), run.issues, "{}: {options:?}", case.name);
            runs += 1;
        }
    }
    assert!(runs >= 15);
}

#[test]
fn ties_are_broken_by_row_index_where_cleanlabs_own_order_is_not_fixed() {
    // On the tie matrices plain cleanlab (numpy's unstable sort) differed from its stable-sort run
    // somewhere when the goldens were made; every other matrix agreed, so there they are plain
    // cleanlab's sets.
    let g = goldens();
    let tie_case = g.cases.iter().find(|c| c.name == "ties_three_classes");
    assert!(tie_case.unwrap().plain_agrees.values().any(|a| !a));
    for case in g.cases.iter().filter(|c| !c.ties) {
        assert!(case.plain_agrees.values().all(|a| *a), "{}", case.name);
    }
}

#[test]
fn num_label_issues_is_cleanlabs_for_both_methods() {
    for case in &goldens().cases {
        let input = input(case);
        for method in [Estimation::OffDiagonal, Estimation::OffDiagonalCalibrated] {
            assert_eq!(
                num_label_issues(&input, method),
                case.num_label_issues[method.name()],
                "{}: {}",
                case.name,
                method.name()
            );
        }
        // off_diagonal is the size of the confident_learning set, as cleanlab documents.
        assert_eq!(
            case.num_label_issues["off_diagonal"],
            case.issues["confident_learning"].len()
        );
    }
}

#[test]
fn the_calibrated_count_is_the_default_below_four_classes() {
    assert_eq!(
        Estimation::default_for(2),
        Estimation::OffDiagonalCalibrated
    );
    assert_eq!(
        Estimation::default_for(3),
        Estimation::OffDiagonalCalibrated
    );
    assert_eq!(Estimation::default_for(4), Estimation::OffDiagonal);
    assert_eq!(Estimation::default_for(10), Estimation::OffDiagonal);
}

#[test]
fn ranked_orders_are_cleanlabs() {
    for case in &goldens().cases {
        let input = input(case);
        let mask = find_label_issues(&input, &FilterOptions::default()).unwrap();
        for (method, adjust) in SCORED {
            let order = rank_label_issues(&input, &mask, method, adjust).unwrap();
            let want = &case.ranked[&key(method, adjust)];
            assert_eq!(&order, want, "{}: {}", case.name, key(method, adjust));
        }
    }
}

#[test]
fn the_suggested_label_is_the_most_probable_class() {
    for case in &goldens().cases {
        let input = input(case);
        let suggested = suggested_labels(&input);
        let flagged = &case.issues["prune_by_noise_rate"];
        let ours: Vec<usize> = flagged.iter().map(|&i| suggested[i]).collect();
        assert_eq!(ours, case.suggested, "{}", case.name);
        // A flagged row's suggestion is never its given label.
        assert!(flagged.iter().all(|&i| suggested[i] != case.labels[i]));
    }
    // The first of equal maxima, as numpy's argmax.
    let probs = vec![
        0.4, 0.4, 0.2, 0.1, 0.45, 0.45, 0.3, 0.3, 0.4, //
        0.2, 0.2, 0.6, 0.5, 0.25, 0.25, 0.25, 0.5, 0.25,
    ];
    let tied = LabelProbs::new(probs, 3, vec![2, 0, 1, 2, 0, 1]).unwrap();
    assert_eq!(suggested_labels(&tied), vec![0, 1, 2, 2, 0, 1]);
}

#[test]
fn stratified_folds_are_scikit_learns() {
    for case in &goldens().folds {
        let folds = stratified_folds(&case.labels, case.n_splits, case.seed).unwrap();
        assert_eq!(folds, case.folds, "{}", case.name);
    }
}

/// For every class, the rows per fold differ by at most one.
fn assert_stratified(labels: &[usize], folds: &[usize], k: usize) {
    let classes = labels.iter().max().unwrap() + 1;
    let mut counts = vec![vec![0usize; k]; classes];
    for (&label, &fold) in labels.iter().zip(folds) {
        assert!(fold < k);
        counts[label][fold] += 1;
    }
    for per_fold in counts {
        let (lo, hi) = (per_fold.iter().min(), per_fold.iter().max());
        assert!(hi.unwrap() - lo.unwrap() <= 1, "{per_fold:?}");
    }
}

#[test]
fn folds_are_stratified_seeded_and_cover_every_row() {
    // A fixed, uneven label pattern over 1,003 rows and 4 classes.
    let labels: Vec<usize> = (0..1003usize).map(|i| (i * i + i / 7) % 4).collect();
    for k in [2, 3, 5, 10] {
        let folds = stratified_folds(&labels, k, 7).unwrap();
        assert_eq!(folds.len(), labels.len());
        assert_stratified(&labels, &folds, k);
        let sizes: Vec<usize> = (0..k)
            .map(|f| folds.iter().filter(|&&x| x == f).count())
            .collect();
        assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 4);
    }
    let a = stratified_folds(&labels, 5, 1).unwrap();
    assert_eq!(a, stratified_folds(&labels, 5, 1).unwrap());
    assert_ne!(a, stratified_folds(&labels, 5, 2).unwrap());
}

fn error(probs: Vec<f64>, classes: usize, labels: Vec<usize>) -> LabelIssuesError {
    LabelProbs::new(probs, classes, labels).unwrap_err()
}

/// Four valid binary rows, two of each class.
fn binary() -> (Vec<f64>, Vec<usize>) {
    (
        vec![0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.4, 0.6],
        vec![0, 0, 1, 1],
    )
}

#[test]
fn bad_probabilities_are_one_clear_line() {
    let (probs, labels) = binary();
    let cases: Vec<(Vec<f64>, &str)> = vec![
        (
            vec![0.9, 0.1, f64::NAN, 0.2, 0.3, 0.7, 0.4, 0.6],
            "row 1, class 0: probability NaN is not a number in [0, 1]",
        ),
        (
            vec![0.9, 0.1, 0.8, 0.2, 0.3, f64::INFINITY, 0.4, 0.6],
            "row 2, class 1: probability inf is not a number in [0, 1]",
        ),
        (
            vec![1.2, -0.2, 0.8, 0.2, 0.3, 0.7, 0.4, 0.6],
            "row 0, class 0: probability 1.2 is not a number in [0, 1]",
        ),
        (
            vec![0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.4, 0.5],
            "row 3: probabilities sum to 0.9, not 1; give a probability distribution per row (e.g. a softmax)",
        ),
        (
            vec![0.9, 0.1, 0.8],
            "3 probabilities for 4 labels is not 2 per row; give one row of 2 per label",
        ),
    ];
    for (bad, want) in cases {
        assert_eq!(error(bad, 2, labels.clone()).to_string(), want);
    }
    // Rounded probabilities (sums off by less than 1e-3) are accepted.
    let rounded = vec![0.9004, 0.1, 0.8, 0.2, 0.3, 0.7, 0.4, 0.6];
    assert!(LabelProbs::new(rounded, 2, labels.clone()).is_ok());
    assert!(LabelProbs::new(probs, 2, labels).is_ok());
}

#[test]
fn bad_labels_and_classes_are_one_clear_line() {
    let (probs, _) = binary();
    let cases: Vec<(Vec<f64>, usize, Vec<usize>, &str)> = vec![
        (
            probs.clone(),
            2,
            vec![0, 0, 0, 0],
            "every row is labelled class 0; label issues need rows of at least 2 classes",
        ),
        (
            probs.clone(),
            2,
            vec![0, 0, 0, 1],
            "class 1 labels 1 row(s); label issues need at least 2 rows of every class",
        ),
        (
            vec![
                0.5, 0.25, 0.25, 0.5, 0.25, 0.25, 0.2, 0.4, 0.4, 0.3, 0.3, 0.4,
            ],
            3,
            vec![0, 0, 1, 1],
            "class 2 labels 0 row(s); label issues need at least 2 rows of every class",
        ),
        (
            probs.clone(),
            2,
            vec![0, 0, 2, 1],
            "row 2: label 2 is not a class (there are 2: 0 to 1)",
        ),
        (
            vec![1.0; 4],
            1,
            vec![0, 0, 0, 0],
            "1 class(es) of probabilities; label issues need at least 2 classes",
        ),
        (
            vec![],
            2,
            vec![],
            "no rows to check; label issues need at least one row per class",
        ),
    ];
    for (p, k, labels, want) in cases {
        let e = error(p, k, labels);
        assert_eq!(e.to_string(), want);
        let program: reviewlens::error::Error = e.into();
        assert_eq!(program.exit_code(), 2);
        assert_eq!(program.to_string(), format!("label issues: {want}"));
    }
}

#[test]
fn unsupported_options_are_one_clear_line() {
    let (probs, labels) = binary();
    let input = LabelProbs::new(probs, 2, labels).unwrap();
    let e = label_quality_scores(&input, ScoreMethod::ConfidenceWeightedEntropy, true);
    assert_eq!(
        e.unwrap_err().to_string(),
        "adjusted probabilities are not supported for confidence_weighted_entropy (as in cleanlab); use another method"
    );
    let bad_frac = FilterOptions {
        frac_noise: 0.0,
        ..FilterOptions::default()
    };
    let e = find_label_issues(&input, &bad_frac).unwrap_err();
    assert_eq!(e.to_string(), "frac_noise 0 is not in (0, 1]");
    let with_counts = |filter_by, counts: Vec<usize>| FilterOptions {
        filter_by,
        num_to_remove_per_class: Some(counts),
        ..FilterOptions::default()
    };
    let e = find_label_issues(
        &input,
        &with_counts(FilterBy::ConfidentLearning, vec![1, 1]),
    );
    assert_eq!(
        e.unwrap_err().to_string(),
        "num_to_remove_per_class is not supported with filter_by confident_learning (as in \
         cleanlab); use prune_by_noise_rate, prune_by_class or both"
    );
    let e = find_label_issues(&input, &with_counts(FilterBy::PruneByClass, vec![1]));
    assert_eq!(
        e.unwrap_err().to_string(),
        "num_to_remove_per_class has 1 counts for 2 classes"
    );
    let e = rank_label_issues(&input, &[true], ScoreMethod::SelfConfidence, false);
    assert_eq!(
        e.unwrap_err().to_string(),
        "1 issue flags for 4 rows; rank the mask find_label_issues gave for these rows"
    );
    // Nothing off the diagonal to spread over: cleanlab would divide by zero.
    let e = find_label_issues(&input, &with_counts(FilterBy::PruneByClass, vec![1, 1]));
    assert!(
        e.unwrap_err()
            .to_string()
            .starts_with("num_to_remove_per_class: class 0")
    );
}

#[test]
fn bad_fold_requests_are_one_clear_line() {
    let labels = [0, 1, 0, 1, 0, 1];
    let cases = [
        (1, "1 folds: cross-validation needs at least 2"),
        (7, "7 folds for 6 rows: give at most one fold per row"),
        (4, "4 folds, but no class has 4 rows: give fewer folds"),
    ];
    for (k, want) in cases {
        assert_eq!(
            stratified_folds(&labels, k, 0).unwrap_err().to_string(),
            want
        );
    }
    // Fewer rows than folds in some classes (not all) is allowed, as in scikit-learn.
    assert!(stratified_folds(&[0, 0, 0, 0, 1], 4, 0).is_ok());
}

#[test]
fn names_round_trip() {
    for m in ScoreMethod::ALL {
        assert_eq!(ScoreMethod::from_name(m.name()), Some(m));
    }
    for f in FilterBy::ALL {
        assert_eq!(FilterBy::from_name(f.name()), Some(f));
    }
    assert_eq!(ScoreMethod::default(), ScoreMethod::SelfConfidence);
    assert_eq!(
        Estimation::from_name("off_diagonal_calibrated"),
        Some(Estimation::OffDiagonalCalibrated)
    );
    assert_eq!(FilterBy::from_name("nope"), None);
}
