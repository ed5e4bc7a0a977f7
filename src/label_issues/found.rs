//! Everything label-issues finds on one input, computed in one place for the headless command and
//! the explorer: scores, the issue set and its order, suggested labels, and the estimated counts.

use super::{
    Estimation, FilterBy, FilterOptions, LabelIssuesError, LabelProbs, ScoreMethod,
    find_label_issues, label_errors_per_class_pair, label_quality_scores, num_label_issues,
    rank_label_issues, suggested_labels,
};

/// What was found, row by row (in the input's row order).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub input: LabelProbs,
    pub scores: Vec<f64>,
    pub issues: Vec<bool>,
    /// Row indices, most likely label error first.
    pub ranked: Vec<usize>,
    pub suggested: Vec<usize>,
    /// cleanlab's `num_label_issues` (calibrated below four classes).
    pub estimated: usize,
    /// Estimated label errors per (given, true) class pair.
    pub per_pair: Vec<Vec<i64>>,
}

impl Found {
    pub fn new(
        input: LabelProbs,
        method: ScoreMethod,
        adjust: bool,
        filter_by: FilterBy,
    ) -> Result<Found, LabelIssuesError> {
        let scores = label_quality_scores(&input, method, adjust)?;
        let issues = find_label_issues(&input, &FilterOptions::with_filter(filter_by))?;
        let ranked = rank_label_issues(&input, &issues, method, adjust)?;
        let classes = input.classes();
        Ok(Found {
            suggested: suggested_labels(&input),
            estimated: num_label_issues(&input, Estimation::default_for(classes)),
            per_pair: label_errors_per_class_pair(&input),
            scores,
            issues,
            ranked,
            input,
        })
    }

    /// How many rows are flagged.
    pub fn flagged(&self) -> usize {
        self.issues.iter().filter(|&&f| f).count()
    }
}
