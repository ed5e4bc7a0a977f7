//! Label issues in the explorer (`i`): which rows' given labels are likely wrong, as cleanlab finds
//! them, over the rows of the split(s) in view that have out-of-sample probabilities. Those are the
//! classifier's predictions when it never trained on the data (a sequence or zero-shot model), or
//! K-fold cross-validated ones for the embedding head (which trains on the train split).

use super::predictions::Predictions;
use crate::data::Dataset;
use crate::label_issues::{FilterBy, Found, LabelProbs, ScoreMethod};

/// What the explorer shows for one checked row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowIssue {
    /// Label quality (`self_confidence`): the probability of the given label, 0 to 1.
    pub score: f64,
    /// In cleanlab's issue set (`prune_by_noise_rate`).
    pub flagged: bool,
    /// 1 = the most likely label error (flagged rows only).
    pub rank: Option<u32>,
    pub suggested: u32,
}

/// The issues found over the rows checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Issues {
    /// By data row; `None` for rows not checked.
    rows: Vec<Option<RowIssue>>,
    pub checked: usize,
    pub flagged: usize,
    /// cleanlab's estimate of the label errors, in all and per (given, true) class pair.
    pub estimated: usize,
    pub per_pair: Vec<Vec<i64>>,
}

impl Issues {
    pub fn get(&self, row: usize) -> Option<&RowIssue> {
        self.rows.get(row).and_then(Option::as_ref)
    }
}

/// Where the probabilities come from.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Probabilities {
    /// The classifier's predictions: out-of-sample, since it never trained on the data.
    #[default]
    Predictions,
    /// The embedding head trains on the train split, so its predictions there are in-sample: the
    /// worker cross-validates it first.
    CrossValidated {
        /// Out-of-fold probabilities by data row, once the worker sent them.
        probs: Option<Vec<(u32, Vec<f32>)>>,
        /// "5-fold stratified cross-validation (seed 0)".
        how: String,
    },
}

/// `i`: label issues on or off, what they were computed from, and what was found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabelIssues {
    pub on: bool,
    pub probabilities: Probabilities,
    /// What was found, or why nothing could be (too few rows of a class, nothing classified).
    pub found: Option<Result<Issues, String>>,
}

impl LabelIssues {
    /// The issues, when on and found.
    pub fn ready(&self) -> Option<&Issues> {
        match (&self.found, self.on) {
            (Some(Ok(issues)), true) => Some(issues),
            _ => None,
        }
    }

    /// The cross-validation still to be asked for or waited on.
    pub fn awaiting_cross_validation(&self) -> bool {
        matches!(
            self.probabilities,
            Probabilities::CrossValidated { probs: None, .. }
        )
    }

    /// As the status bar and the detail pane say where the probabilities come from.
    pub fn source(&self, model: &str) -> String {
        match &self.probabilities {
            Probabilities::Predictions => {
                format!("out-of-sample: {model}'s predictions (it never trained on these rows)")
            }
            Probabilities::CrossValidated { how, .. } => format!("out-of-fold: {how} of {model}"),
        }
    }
}

/// Label issues over `rows` (data rows, ascending) with probabilities from `probs_of`; the rows
/// without probabilities are not checked.
pub fn find<'a>(
    data: &Dataset,
    rows: impl Iterator<Item = u32>,
    probs_of: impl Fn(u32) -> Option<&'a [f32]>,
) -> Result<Issues, String> {
    let classes = data.label_names.len();
    let (mut checked, mut flat, mut labels) = (Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        let Some(p) = probs_of(row) else { continue };
        checked.push(row);
        flat.extend(p.iter().map(|&x| x as f64));
        labels.push(data.rows.label(row as usize) as usize);
    }
    if checked.is_empty() {
        return Err("nothing classified yet: C classifies the reviews in view".into());
    }
    let input = LabelProbs::new(flat, classes, labels).map_err(|e| e.to_string())?;
    let method = ScoreMethod::SelfConfidence;
    let found = Found::new(input, method, false, FilterBy::PruneByNoiseRate);
    let found = found.map_err(|e| e.to_string())?;
    let mut rows = vec![None; data.rows.len()];
    let mut rank = vec![None; checked.len()];
    for (position, &i) in found.ranked.iter().enumerate() {
        rank[i] = Some(position as u32 + 1);
    }
    for (i, &row) in checked.iter().enumerate() {
        rows[row as usize] = Some(RowIssue {
            score: found.scores[i],
            flagged: found.issues[i],
            rank: rank[i],
            suggested: found.suggested[i] as u32,
        });
    }
    Ok(Issues {
        rows,
        checked: checked.len(),
        flagged: found.flagged(),
        estimated: found.estimated,
        per_pair: found.per_pair,
    })
}

/// The probabilities of row `row` for label issues: A's prediction, or its out-of-fold ones.
pub fn probs_of<'a>(
    probabilities: &'a Probabilities,
    preds: &'a Predictions,
) -> impl Fn(u32) -> Option<&'a [f32]> {
    let oof = match probabilities {
        Probabilities::CrossValidated { probs, .. } => Some(probs.as_deref().unwrap_or(&[])),
        Probabilities::Predictions => None,
    };
    move |row| match oof {
        // Sorted by row: the worker answers in the order it was asked.
        Some(oof) => {
            (oof.binary_search_by_key(&row, |(r, _)| *r).ok()).map(|i| oof[i].1.as_slice())
        }
        None => preds.get(row as usize).map(|p| p.probs.as_slice()),
    }
}
