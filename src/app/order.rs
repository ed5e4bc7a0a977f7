//! The list's order: the dataset's, the error-analysis orders `s` cycles through, or a column picked
//! with `>` (the next column) and turned around with `<`.

use super::issues::Issues;
use super::predictions::Predictions;
use crate::data::Review;

/// The list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    Dataset,
    /// Mistakes first, the most probability given to the wrong class first.
    ConfidentMistakes,
    /// Classified rows by the probability of their predicted class, lowest first.
    LeastConfident,
    /// Label issues first, the most likely label error first; then the other checked rows by
    /// label quality, lowest first.
    LabelErrors,
    /// By one column; unclassified rows go last in either direction.
    Column { by: SortColumn, descending: bool },
}

/// The columns `>` and `<` sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Row,
    Gold,
    Predicted,
    Confidence,
    Length,
}

impl SortColumn {
    const ALL: [SortColumn; 5] = [
        SortColumn::Row,
        SortColumn::Gold,
        SortColumn::Predicted,
        SortColumn::Confidence,
        SortColumn::Length,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SortColumn::Row => "row",
            SortColumn::Gold => "gold",
            SortColumn::Predicted => "predicted",
            SortColumn::Confidence => "confidence",
            SortColumn::Length => "length",
        }
    }
}

impl Order {
    /// `s`: dataset → confident mistakes → least confident → dataset (a column order goes back to
    /// the dataset's).
    pub fn next(self) -> Self {
        match self {
            Order::Dataset => Order::ConfidentMistakes,
            Order::ConfidentMistakes => Order::LeastConfident,
            Order::LeastConfident | Order::LabelErrors | Order::Column { .. } => Order::Dataset,
        }
    }

    /// `>`: by the next column (the first, from any other order), ascending.
    pub fn next_column(self) -> Self {
        let by = match self {
            Order::Column { by, .. } => {
                let i = SortColumn::ALL.iter().position(|&c| c == by).unwrap_or(0);
                SortColumn::ALL[(i + 1) % SortColumn::ALL.len()]
            }
            _ => SortColumn::ALL[0],
        };
        Order::Column {
            by,
            descending: false,
        }
    }

    /// `<`: the same column the other way round (by row, descending, from any other order).
    pub fn reversed(self) -> Self {
        match self {
            Order::Column { by, descending } => Order::Column {
                by,
                descending: !descending,
            },
            _ => Order::Column {
                by: SortColumn::Row,
                descending: true,
            },
        }
    }

    /// As the status bar says it.
    pub fn name(self) -> String {
        match self {
            Order::Dataset => "dataset order".into(),
            Order::ConfidentMistakes => "confident mistakes first".into(),
            Order::LeastConfident => "least confident first".into(),
            Order::LabelErrors => "likely label errors first".into(),
            Order::Column { by, descending } => {
                format!("by {} {}", by.name(), if descending { "↓" } else { "↑" })
            }
        }
    }

    /// As an export's default file name says it.
    pub fn slug(self) -> Option<String> {
        match self {
            Order::Dataset => None,
            Order::ConfidentMistakes => Some("confident-mistakes".into()),
            Order::LeastConfident => Some("least-confident".into()),
            Order::LabelErrors => Some("label-errors".into()),
            Order::Column { by, descending } => Some(format!(
                "by-{}-{}",
                by.name(),
                if descending { "desc" } else { "asc" }
            )),
        }
    }
}

/// Orders `view` (indices into `rows`) as `order` says; stable, so ties keep dataset order.
pub fn sort(
    view: &mut [u32],
    order: Order,
    rows: &[Review],
    (preds, issues): (&Predictions, Option<&Issues>),
) {
    let confidence = |i: u32| preds.get(i as usize).map(|p| p.probs[p.label as usize]);
    match order {
        Order::Dataset => {}
        Order::ConfidentMistakes => view.sort_by(|&a, &b| {
            // Mistakes first, the most confident mistake first.
            let key = |i: u32| match preds.is_wrong(i as usize, rows[i as usize].label) {
                true => (false, -confidence(i).unwrap_or(0.0)),
                false => (true, 0.0),
            };
            let (ka, kb) = (key(a), key(b));
            ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
        }),
        Order::LeastConfident => view.sort_by(|&a, &b| last_if_none(confidence(a), confidence(b))),
        Order::LabelErrors => {
            // Flagged rows by rank, then checked ones by score; unchecked rows last.
            let key = |i: u32| {
                let issue = issues.and_then(|s| s.get(i as usize));
                issue.map(|x| match x.rank {
                    Some(rank) => (0, rank as f64),
                    None => (1, x.score),
                })
            };
            view.sort_by(|&a, &b| last_if_none(key(a), key(b)));
        }
        Order::Column { by, descending } => {
            let key = |i: u32| -> Option<f64> {
                let review = &rows[i as usize];
                match by {
                    SortColumn::Row => Some(review.row_index as f64),
                    SortColumn::Gold => Some(review.label as f64),
                    SortColumn::Predicted => preds.get(i as usize).map(|p| p.label as f64),
                    SortColumn::Confidence => confidence(i).map(f64::from),
                    SortColumn::Length => Some(review.length() as f64),
                }
            };
            view.sort_by(|&a, &b| {
                let (ka, kb) = (key(a), key(b));
                match (ka, kb, descending) {
                    (Some(x), Some(y), true) => y.total_cmp(&x),
                    _ => last_if_none(ka, kb),
                }
            });
        }
    }
}

/// Ascending, rows without a value last.
fn last_if_none<T: PartialOrd>(a: Option<T>, b: Option<T>) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a, b) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Equal),
        (Some(_), None) => Less,
        (None, Some(_)) => Greater,
        (None, None) => Equal,
    }
}
