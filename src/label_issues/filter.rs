//! The issue set, `cleanlab.filter.find_label_issues` (single-label: cleanlab's `multi_label=False`),
//! its ranked order (`return_indices_ranked_by`), and the label suggested for each row.

use super::count::{Estimation, num_label_issues};
use super::error::LabelIssuesError;
use super::input::LabelProbs;
use super::joint::{calibrated_confident_joint, confident_joint};
use super::numeric::{argmax, argsort};
use super::prune::{prune_by_class, prune_by_count, prune_counts};
use super::scores::{ScoreMethod, label_quality_scores};

/// cleanlab's `FLOATING_POINT_COMPARISON`: a given label this close to the top is never an issue.
const EPS: f64 = 1e-6;

/// `find_label_issues(filter_by=...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FilterBy {
    /// For each off-diagonal cell of the (pruned) calibrated confident joint, that many rows of the
    /// given class with the largest margin towards the other class. cleanlab's default.
    #[default]
    PruneByNoiseRate,
    /// Per class, the rows least likely of their given class, as many as the joint says are wrong.
    PruneByClass,
    /// Rows both of the above flag.
    Both,
    /// The confident joint's off-diagonal rows: confidently another class than given.
    ConfidentLearning,
    /// Rows whose most probable class is not the given one.
    PredictedNeqGiven,
    /// The `num_label_issues` rows of lowest self-confidence.
    LowSelfConfidence,
    /// The `num_label_issues` rows of lowest normalized margin.
    LowNormalizedMargin,
}

impl FilterBy {
    pub const ALL: [FilterBy; 7] = [
        FilterBy::PruneByNoiseRate,
        FilterBy::PruneByClass,
        FilterBy::Both,
        FilterBy::ConfidentLearning,
        FilterBy::PredictedNeqGiven,
        FilterBy::LowSelfConfidence,
        FilterBy::LowNormalizedMargin,
    ];

    /// cleanlab's name for the filter.
    pub fn name(self) -> &'static str {
        match self {
            FilterBy::PruneByNoiseRate => "prune_by_noise_rate",
            FilterBy::PruneByClass => "prune_by_class",
            FilterBy::Both => "both",
            FilterBy::ConfidentLearning => "confident_learning",
            FilterBy::PredictedNeqGiven => "predicted_neq_given",
            FilterBy::LowSelfConfidence => "low_self_confidence",
            FilterBy::LowNormalizedMargin => "low_normalized_margin",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    fn prunes(self) -> bool {
        matches!(
            self,
            FilterBy::PruneByNoiseRate | FilterBy::PruneByClass | FilterBy::Both
        )
    }
}

/// `find_label_issues`' options, with cleanlab's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterOptions {
    pub filter_by: FilterBy,
    /// The fraction of the estimated errors to flag, in (0, 1]; pruning filters only.
    pub frac_noise: f64,
    /// Exactly how many rows of each class to flag; pruning filters only.
    pub num_to_remove_per_class: Option<Vec<usize>>,
    /// Rows kept unflagged per class (a class with no more rows than this is not examined).
    pub min_examples_per_class: usize,
}

impl Default for FilterOptions {
    fn default() -> Self {
        FilterOptions {
            filter_by: FilterBy::default(),
            frac_noise: 1.0,
            num_to_remove_per_class: None,
            min_examples_per_class: 1,
        }
    }
}

impl FilterOptions {
    pub fn with_filter(filter_by: FilterBy) -> Self {
        FilterOptions {
            filter_by,
            ..Self::default()
        }
    }
}

/// `find_label_issues(labels, pred_probs, ...)`: one flag per row, true for a likely label error.
pub fn find_label_issues(
    input: &LabelProbs,
    options: &FilterOptions,
) -> Result<Vec<bool>, LabelIssuesError> {
    check_options(input, options)?;
    let n = input.rows();
    let mut mask = match options.filter_by {
        FilterBy::LowSelfConfidence => return lowest(input, ScoreMethod::SelfConfidence),
        FilterBy::LowNormalizedMargin => return lowest(input, ScoreMethod::NormalizedMargin),
        FilterBy::ConfidentLearning => flags(n, &confident_joint(input).off_diagonal_rows),
        FilterBy::PredictedNeqGiven => (0..n)
            .map(|i| argmax(input.row(i)) != input.labels()[i])
            .collect(),
        _ => pruned(input, options)?,
    };
    for (flag, top) in mask.iter_mut().zip(given_label_is_top(input)) {
        *flag &= !top;
    }
    Ok(mask)
}

fn check_options(input: &LabelProbs, options: &FilterOptions) -> Result<(), LabelIssuesError> {
    let unsupported = |what: String| Err(LabelIssuesError::Unsupported(what));
    if !(options.frac_noise > 0.0 && options.frac_noise <= 1.0) {
        return unsupported(format!(
            "frac_noise {} is not in (0, 1]",
            options.frac_noise
        ));
    }
    if let Some(counts) = &options.num_to_remove_per_class {
        if !options.filter_by.prunes() {
            return unsupported(format!(
                "num_to_remove_per_class is not supported with filter_by {} (as in cleanlab); \
                 use prune_by_noise_rate, prune_by_class or both",
                options.filter_by.name()
            ));
        }
        if counts.len() != input.classes() {
            return unsupported(format!(
                "num_to_remove_per_class has {} counts for {} classes",
                counts.len(),
                input.classes()
            ));
        }
    }
    Ok(())
}

/// A flag per row, set for `rows`.
fn flags(n: usize, rows: &[usize]) -> Vec<bool> {
    let mut mask = vec![false; n];
    for &i in rows {
        mask[i] = true;
    }
    mask
}

/// The `low_*` filters: the `num_label_issues` (off-diagonal) rows of lowest score.
fn lowest(input: &LabelProbs, method: ScoreMethod) -> Result<Vec<bool>, LabelIssuesError> {
    let scores = label_quality_scores(input, method, false)?;
    let count = num_label_issues(input, Estimation::OffDiagonal);
    let order = argsort(&scores);
    Ok(flags(input.rows(), &order[..count.min(order.len())]))
}

/// The pruning filters, class by class.
fn pruned(input: &LabelProbs, options: &FilterOptions) -> Result<Vec<bool>, LabelIssuesError> {
    let min = options.min_examples_per_class;
    let pcm = prune_counts(
        &calibrated_confident_joint(input),
        input.label_counts(),
        options.frac_noise,
        min,
        options.num_to_remove_per_class.as_deref(),
    )?;
    let filter = options.filter_by;
    let mut mask = vec![false; input.rows()];
    for (k, rows) in rows_by_class(input).iter().enumerate() {
        let by_class = (filter != FilterBy::PruneByNoiseRate)
            .then(|| prune_by_class(input, rows, &pcm, k, min));
        let by_count =
            (filter != FilterBy::PruneByClass).then(|| prune_by_count(input, rows, &pcm, k, min));
        for (r, &i) in rows.iter().enumerate() {
            let flagged = |m: &Option<Vec<bool>>| m.as_ref().is_none_or(|m| m[r]);
            mask[i] = flagged(&by_class) && flagged(&by_count);
        }
    }
    Ok(mask)
}

/// The rows given each class, in row order.
fn rows_by_class(input: &LabelProbs) -> Vec<Vec<usize>> {
    let mut rows = vec![Vec::new(); input.classes()];
    for (i, &label) in input.labels().iter().enumerate() {
        rows[label].push(i);
    }
    rows
}

/// cleanlab's `_reduce_issues`: rows whose given label is the most probable class, or within 1e-6
/// of it (those are never issues).
pub(super) fn given_label_is_top(input: &LabelProbs) -> Vec<bool> {
    (0..input.rows())
        .map(|i| {
            let label = input.labels()[i];
            let mut row = input.row(i).to_vec();
            row[label] += EPS;
            argmax(&row) == label
        })
        .collect()
}

/// `find_label_issues(..., return_indices_ranked_by=method, rank_by_kwargs={"adjust_pred_probs":
/// adjust})` given the mask: the flagged rows, most likely label error first (lowest score; equal
/// scores in row order).
pub fn rank_label_issues(
    input: &LabelProbs,
    mask: &[bool],
    method: ScoreMethod,
    adjust: bool,
) -> Result<Vec<usize>, LabelIssuesError> {
    if mask.len() != input.rows() {
        return Err(LabelIssuesError::Unsupported(format!(
            "{} issue flags for {} rows; rank the mask find_label_issues gave for these rows",
            mask.len(),
            input.rows()
        )));
    }
    let scores = label_quality_scores(input, method, adjust)?;
    let flagged: Vec<usize> = (0..input.rows()).filter(|&i| mask[i]).collect();
    let keys: Vec<f64> = flagged.iter().map(|&i| scores[i]).collect();
    Ok(argsort(&keys).into_iter().map(|r| flagged[r]).collect())
}

/// The label suggested for each row: its most probable class (the first of equal maxima), as
/// cleanlab's `predicted_label` (`pred_probs.argmax(axis=1)`).
pub fn suggested_labels(input: &LabelProbs) -> Vec<usize> {
    (0..input.rows()).map(|i| argmax(input.row(i))).collect()
}
