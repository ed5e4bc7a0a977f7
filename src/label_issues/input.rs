//! The checked input every computation takes: one probability row per labelled row.

use super::error::LabelIssuesError;

/// How far a row's probabilities may sum from 1: loose enough for probabilities rounded to four
/// decimals or a float32 softmax, tight enough to catch scores that are not a distribution.
pub const SUM_TOLERANCE: f64 = 1e-3;

/// Rows each class needs: cleanlab skips (with a warning) any class with no more rows than
/// `min_examples_per_class` (1 by default), so it could never flag a row there.
pub const MIN_ROWS_PER_CLASS: usize = 2;

/// Predicted probabilities (`rows × classes`, row-major, float64) and the given label of each row,
/// checked once: at least two classes, every class given to at least two rows, every row a
/// probability distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelProbs {
    classes: usize,
    probs: Vec<f64>,
    labels: Vec<usize>,
    counts: Vec<usize>,
}

impl LabelProbs {
    /// Checks `probs` (row-major, `labels.len() × classes`) and `labels` (class indices).
    pub fn new(
        probs: Vec<f64>,
        classes: usize,
        labels: Vec<usize>,
    ) -> Result<Self, LabelIssuesError> {
        check_shape(&probs, classes, &labels)?;
        for (row, p) in probs.chunks_exact(classes).enumerate() {
            check_row(row, p)?;
        }
        let counts = check_labels(&labels, classes)?;
        Ok(LabelProbs {
            classes,
            probs,
            labels,
            counts,
        })
    }

    pub fn rows(&self) -> usize {
        self.labels.len()
    }

    pub fn classes(&self) -> usize {
        self.classes
    }

    /// All probabilities, row-major.
    pub fn probs(&self) -> &[f64] {
        &self.probs
    }

    pub fn row(&self, i: usize) -> &[f64] {
        &self.probs[i * self.classes..(i + 1) * self.classes]
    }

    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// How many rows carry each class as their given label.
    pub fn label_counts(&self) -> &[usize] {
        &self.counts
    }
}

fn check_shape(probs: &[f64], classes: usize, labels: &[usize]) -> Result<(), LabelIssuesError> {
    if classes < 2 {
        return Err(LabelIssuesError::TooFewClasses { classes });
    }
    if probs.len() != labels.len() * classes {
        return Err(LabelIssuesError::Shape {
            values: probs.len(),
            rows: labels.len(),
            classes,
        });
    }
    if labels.is_empty() {
        return Err(LabelIssuesError::NoRows);
    }
    Ok(())
}

fn check_row(row: usize, p: &[f64]) -> Result<(), LabelIssuesError> {
    if let Some((class, &value)) = p
        .iter()
        .enumerate()
        .find(|(_, x)| !(0.0..=1.0).contains(*x))
    {
        return Err(LabelIssuesError::NotAProbability { row, class, value });
    }
    let sum: f64 = p.iter().sum();
    if (sum - 1.0).abs() > SUM_TOLERANCE {
        return Err(LabelIssuesError::NotADistribution { row, sum });
    }
    Ok(())
}

/// Labels in range, at least two classes given, every class given to enough rows; the counts.
fn check_labels(labels: &[usize], classes: usize) -> Result<Vec<usize>, LabelIssuesError> {
    let mut counts = vec![0; classes];
    for (row, &label) in labels.iter().enumerate() {
        if label >= classes {
            return Err(LabelIssuesError::LabelOutOfRange {
                row,
                label,
                classes,
            });
        }
        counts[label] += 1;
    }
    if let Some(class) = counts.iter().position(|&c| c == labels.len()) {
        return Err(LabelIssuesError::SingleClass { class });
    }
    if let Some((class, &count)) = counts
        .iter()
        .enumerate()
        .find(|(_, c)| **c < MIN_ROWS_PER_CLASS)
    {
        return Err(LabelIssuesError::TooFewExamples {
            class,
            count,
            needed: MIN_ROWS_PER_CLASS,
        });
    }
    Ok(counts)
}
