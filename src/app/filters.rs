//! Which rows the list keeps, and the one rule for how the filters combine: a confusion-matrix cell
//! stands alone (it replaces the others, and they replace it); "misclassified only" and the
//! A/B comparison replace each other; the label filter goes with either of those; `&` (the search's
//! matches only) and `I` (label issues only) go with all of them.

use super::issues::Issues;
use super::predictions::Predictions;

/// `d` with two classifiers: which of their mistakes and disagreements to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CompareFilter {
    #[default]
    Off,
    AWrong,
    BWrong,
    Disagree,
}

impl CompareFilter {
    pub fn next(self) -> Self {
        match self {
            CompareFilter::Off => CompareFilter::AWrong,
            CompareFilter::AWrong => CompareFilter::BWrong,
            CompareFilter::BWrong => CompareFilter::Disagree,
            CompareFilter::Disagree => CompareFilter::Off,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CompareFilter::Off => "all",
            CompareFilter::AWrong => "A wrong",
            CompareFilter::BWrong => "B wrong",
            CompareFilter::Disagree => "A and B disagree",
        }
    }
}

/// One cell of the confusion matrix: the rows of gold class `gold` predicted as `predicted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub gold: u32,
    pub predicted: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Filters {
    /// `l`: only rows of one gold class.
    pub label: Option<u32>,
    /// `m`: only rows whose prediction differs from the gold label.
    pub misclassified: bool,
    /// `v`: only the rows of one confusion-matrix cell.
    pub cell: Option<Cell>,
    /// `d`: only where A or B is wrong, or they disagree.
    pub compare: CompareFilter,
    /// `&`: only the search's matches (it goes with every other filter).
    pub matches_only: bool,
    /// `I`: only the rows flagged as label issues (it goes with every other filter).
    pub issues_only: bool,
}

impl Filters {
    /// All labels → the first class → ... → the last → all.
    pub fn cycle_label(&mut self, classes: u32) {
        self.cell = None;
        self.label = match self.label {
            None if classes > 0 => Some(0),
            Some(l) if l + 1 < classes => Some(l + 1),
            _ => None,
        };
    }

    pub fn toggle_misclassified(&mut self) {
        self.cell = None;
        self.compare = CompareFilter::Off;
        self.misclassified = !self.misclassified;
    }

    pub fn cycle_compare(&mut self) {
        self.cell = None;
        self.misclassified = false;
        self.compare = self.compare.next();
    }

    pub fn set_cell(&mut self, cell: Cell) {
        *self = Filters {
            cell: Some(cell),
            matches_only: self.matches_only,
            issues_only: self.issues_only,
            ..Filters::default()
        };
    }

    /// Whether new predictions can move rows in or out.
    pub fn depend_on_predictions(&self) -> bool {
        self.misclassified
            || self.cell.is_some()
            || self.compare != CompareFilter::Off
            || self.issues_only
    }

    /// Whether row `row` of gold class `gold` is shown, given A's and (with `--compare`) B's
    /// predictions, and the label issues (with `I`, none found shows nothing).
    pub fn keep(
        &self,
        row: usize,
        gold: u32,
        (a, b): (&Predictions, Option<&Predictions>),
        issues: Option<&Issues>,
    ) -> bool {
        // Looked up only when a filter asks: the predictions of four million rows are 32 MB.
        let a_wrong = || a.is_wrong(row, gold);
        let compared = match self.compare {
            CompareFilter::Off => true,
            CompareFilter::AWrong => a_wrong(),
            CompareFilter::BWrong => b.is_some_and(|b| b.is_wrong(row, gold)),
            CompareFilter::Disagree => match (a.get(row), b.and_then(|b| b.get(row))) {
                (Some(pa), Some(pb)) => pa.label != pb.label,
                _ => false,
            },
        };
        let in_cell =
            |c: Cell| gold == c.gold && a.get(row).is_some_and(|p| p.label == c.predicted);
        self.label.is_none_or(|l| gold == l)
            && (!self.misclassified || a_wrong())
            && compared
            && self.cell.is_none_or(in_cell)
            && (!self.issues_only || issues.and_then(|i| i.get(row)).is_some_and(|i| i.flagged))
    }
}
