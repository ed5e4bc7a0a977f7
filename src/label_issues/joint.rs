//! The confident joint, `cleanlab.count.compute_confident_joint`: for each (given label, true label)
//! pair, how many rows are confidently of the true class while given the other; its calibration to
//! the label counts; and the joint distribution and per-pair error counts estimated from it.

use super::input::LabelProbs;
use super::numeric::{argmax, sum};
use super::rounding::round_preserving_row_totals;
use super::scores::confident_thresholds;

/// cleanlab's `TINY_VALUE`, the floor of every divisor here.
const TINY: f64 = 1e-100;
/// The slack under a class's threshold within which a probability still counts as confident.
const SLACK: f64 = 1e-6;

/// The raw (uncalibrated) confident joint and the rows off its diagonal.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfidentJoint {
    /// `counts[given][true]`; every diagonal entry at least 1, as cleanlab clips it.
    pub counts: Vec<Vec<i64>>,
    /// The rows counted off the diagonal (confidently another class than given), ascending.
    pub off_diagonal_rows: Vec<usize>,
}

/// `compute_confident_joint(labels, pred_probs, calibrate=False, return_indices_of_off_diagonals=True)`.
/// A row is confident in class `j` when `p[j] >= threshold[j] - 1e-6`; with several confident
/// classes its true label is guessed as the argmax, with one as that class, with none it is not
/// counted.
pub fn confident_joint(input: &LabelProbs) -> ConfidentJoint {
    let k = input.classes();
    let cut: Vec<f64> = confident_thresholds(input)
        .iter()
        .map(|t| t - SLACK)
        .collect();
    let mut counts = vec![vec![0i64; k]; k];
    let mut off_diagonal_rows = Vec::new();
    for (i, &given) in input.labels().iter().enumerate() {
        let row = input.row(i);
        let mut confident = (0..k).filter(|&j| row[j] >= cut[j]);
        let Some(first) = confident.next() else {
            continue;
        };
        let guess = if confident.next().is_some() {
            argmax(row)
        } else {
            first
        };
        counts[given][guess] += 1;
        if guess != given {
            off_diagonal_rows.push(i);
        }
    }
    for (c, row) in counts.iter_mut().enumerate() {
        row[c] = row[c].max(1);
    }
    ConfidentJoint {
        counts,
        off_diagonal_rows,
    }
}

/// `calibrate_confident_joint`: each row scaled to its class's label count, the whole to the row
/// count, then rounded keeping row totals.
pub fn calibrate_confident_joint(counts: &[Vec<i64>], label_counts: &[usize]) -> Vec<Vec<i64>> {
    let scaled: Vec<Vec<f64>> = counts
        .iter()
        .zip(label_counts)
        .map(|(row, &n)| {
            let total = (row.iter().sum::<i64>() as f64).max(TINY);
            row.iter().map(|&c| c as f64 / total * n as f64).collect()
        })
        .collect();
    let flat: Vec<f64> = scaled.iter().flatten().copied().collect();
    let total = sum(&flat).max(TINY);
    let rows = label_counts.iter().sum::<usize>() as f64;
    let scaled: Vec<Vec<f64>> = scaled
        .iter()
        .map(|row| row.iter().map(|x| x / total * rows).collect())
        .collect();
    round_preserving_row_totals(&scaled)
}

/// `compute_confident_joint(labels, pred_probs)` (calibrated, cleanlab's default).
pub fn calibrated_confident_joint(input: &LabelProbs) -> Vec<Vec<i64>> {
    calibrate_confident_joint(&confident_joint(input).counts, input.label_counts())
}

/// `estimate_joint(labels, pred_probs)`: the calibrated confident joint as a distribution,
/// `P(given label, true label)`.
pub fn estimate_joint(input: &LabelProbs) -> Vec<Vec<f64>> {
    joint_of(&calibrated_confident_joint(input))
}

/// A count matrix divided by its total.
pub(super) fn joint_of(counts: &[Vec<i64>]) -> Vec<Vec<f64>> {
    let total = (counts.iter().flatten().sum::<i64>() as f64).max(TINY);
    counts
        .iter()
        .map(|row| row.iter().map(|&c| c as f64 / total).collect())
        .collect()
}

/// The estimated number of label errors per class pair, `errors[given][true]` (zero on the
/// diagonal): the calibrated confident joint's off-diagonal, i.e. `estimate_joint × rows`, which is
/// what cleanlab's `dataset.health_summary` and `find_overlapping_classes` count. The entries add
/// up to `num_label_issues(estimation_method="off_diagonal_calibrated")` (up to its rounding).
pub fn label_errors_per_class_pair(input: &LabelProbs) -> Vec<Vec<i64>> {
    let mut errors = calibrated_confident_joint(input);
    for (c, row) in errors.iter_mut().enumerate() {
        row[c] = 0;
    }
    errors
}
