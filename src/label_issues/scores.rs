//! Label quality per row, as `cleanlab.rank.get_label_quality_scores`: a number in [0, 1], lower for
//! a label more likely wrong.

use super::error::LabelIssuesError;
use super::input::LabelProbs;
use super::numeric::{mean, sum};

/// cleanlab's `CLIPPING_LOWER_BOUND`.
const CLIP: f64 = 1e-6;
/// cleanlab's `CONFIDENT_THRESHOLDS_LOWER_BOUND`.
const THRESHOLD_FLOOR: f64 = 2e-6;

/// The scoring methods of `get_label_quality_scores`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScoreMethod {
    /// `P(given label)`: the model's probability of the given label. cleanlab's default; catches
    /// rows that fit no class well as well as rows that fit another class.
    #[default]
    SelfConfidence,
    /// `(P(given) - max P(other) + 1) / 2`: how far the given label is ahead of (or behind) the
    /// best other class; best for labels swapped between classes.
    NormalizedMargin,
    /// `log(1 + x) / x` with `x = normalized entropy / P(given)`: low for confident predictions
    /// of another class.
    ConfidenceWeightedEntropy,
}

impl ScoreMethod {
    pub const ALL: [ScoreMethod; 3] = [
        ScoreMethod::SelfConfidence,
        ScoreMethod::NormalizedMargin,
        ScoreMethod::ConfidenceWeightedEntropy,
    ];

    /// cleanlab's name for the method.
    pub fn name(self) -> &'static str {
        match self {
            ScoreMethod::SelfConfidence => "self_confidence",
            ScoreMethod::NormalizedMargin => "normalized_margin",
            ScoreMethod::ConfidenceWeightedEntropy => "confidence_weighted_entropy",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// `cleanlab.count.get_confident_thresholds`: per class, the mean probability of that class over
/// the rows given it (every class has rows in a checked input), at least 2e-6.
pub fn confident_thresholds(input: &LabelProbs) -> Vec<f64> {
    let k = input.classes();
    (0..k)
        .map(|c| {
            let own: Vec<f64> = (0..input.rows())
                .filter(|&i| input.labels()[i] == c)
                .map(|i| input.probs()[i * k + c])
                .collect();
            mean(&own).max(THRESHOLD_FLOOR)
        })
        .collect()
}

/// `get_label_quality_scores(labels, pred_probs, method=..., adjust_pred_probs=...)`. With `adjust`,
/// each class's confident threshold is subtracted first (and rows renormalised), which accounts for
/// class imbalance; cleanlab does not support it for confidence-weighted entropy.
pub fn label_quality_scores(
    input: &LabelProbs,
    method: ScoreMethod,
    adjust: bool,
) -> Result<Vec<f64>, LabelIssuesError> {
    let k = input.classes();
    if !adjust {
        return Ok(score_rows(input.probs(), k, input.labels(), method));
    }
    if method == ScoreMethod::ConfidenceWeightedEntropy {
        return Err(LabelIssuesError::Unsupported(format!(
            "adjusted probabilities are not supported for {} (as in cleanlab); use another method",
            method.name()
        )));
    }
    let adjusted = adjusted_probs(input, &confident_thresholds(input));
    Ok(score_rows(&adjusted, k, input.labels(), method))
}

/// cleanlab's `_subtract_confident_thresholds`: `p - t`, shifted by `max(t)` and renormalised.
fn adjusted_probs(input: &LabelProbs, thresholds: &[f64]) -> Vec<f64> {
    let shift = thresholds.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut out = Vec::with_capacity(input.probs().len());
    for i in 0..input.rows() {
        let row: Vec<f64> = input
            .row(i)
            .iter()
            .zip(thresholds)
            .map(|(p, t)| (p - t) + shift)
            .collect();
        let total = sum(&row);
        out.extend(row.iter().map(|x| x / total));
    }
    out
}

fn score_rows(probs: &[f64], k: usize, labels: &[usize], method: ScoreMethod) -> Vec<f64> {
    probs
        .chunks_exact(k)
        .zip(labels)
        .map(|(row, &label)| match method {
            ScoreMethod::SelfConfidence => row[label],
            ScoreMethod::NormalizedMargin => normalized_margin(row, label),
            ScoreMethod::ConfidenceWeightedEntropy => confidence_weighted_entropy(row, label),
        })
        .collect()
}

fn normalized_margin(row: &[f64], label: usize) -> f64 {
    let other = row
        .iter()
        .enumerate()
        .filter(|(c, _)| *c != label)
        .map(|(_, &p)| p)
        .fold(f64::NEG_INFINITY, f64::max);
    (row[label] - other + 1.0) / 2.0
}

/// `get_normalized_entropy`: `-Σ p log p / log K` (with `0 log 0 = 0`, as scipy's `xlogy`).
fn normalized_entropy(row: &[f64]) -> f64 {
    let terms: Vec<f64> = row
        .iter()
        .map(|&p| if p == 0.0 { 0.0 } else { p * p.ln() })
        .collect();
    -sum(&terms) / (row.len() as f64).ln()
}

fn confidence_weighted_entropy(row: &[f64], label: usize) -> f64 {
    let x = normalized_entropy(row) / row[label].max(CLIP);
    (x + 1.0).ln() / x.max(CLIP)
}
