//! The list's order: the dataset's, the error-analysis orders `s` cycles through, or a column picked
//! with `>` (the next column) and turned around with `<`.

use super::issues::Issues;
use super::predictions::Predictions;
use crate::data::Rows;

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

/// Orders `view` (indices into `rows`) as `order` says; stable, so ties keep dataset order. Each
/// row's key is computed once and packed with the row into one `u64`, which is radix-sorted by its
/// key half: linear in the rows, a pass only for the key bytes that differ, and no gathering
/// through a permutation afterwards (a length sort of four million rows: two passes over 32 MB,
/// where comparing would look each key up some forty times).
pub fn sort(
    view: &mut [u32],
    order: Order,
    rows: &Rows,
    (preds, issues): (&Predictions, Option<&Issues>),
) {
    let confidence = |i: u32| preds.get(i as usize).map(|p| p.probs[p.label as usize]);
    match order {
        Order::Dataset => {}
        Order::ConfidentMistakes => by_key(
            view,
            |i| {
                // Mistakes first, the most confident mistake first.
                let wrong = preds.is_wrong(i as usize, rows.label(i as usize));
                confidence(i).filter(|_| wrong).map(f32_key)
            },
            true,
        ),
        Order::LeastConfident => by_key(view, |i| confidence(i).map(f32_key), false),
        Order::LabelErrors => radsort::sort_by_cached_key(view, |&i| {
            // Flagged rows by rank, then checked ones by score; unchecked rows last.
            let issue = issues.and_then(|s| s.get(i as usize));
            match issue.map(|x| (x.rank, x.score)) {
                Some((Some(rank), _)) => (0u8, rank as u64),
                Some((None, score)) => (1, f64_key(score)),
                None => (2, 0),
            }
        }),
        Order::Column { by, descending } => by_key(
            view,
            |i| {
                let row = i as usize;
                match by {
                    SortColumn::Row => Some(rows.row_index(row).min(u32::MAX as u64) as u32),
                    SortColumn::Gold => Some(rows.label(row)),
                    SortColumn::Predicted => preds.get(row).map(|p| p.label),
                    SortColumn::Confidence => confidence(i).map(f32_key),
                    SortColumn::Length => Some(rows.length(row).min(u32::MAX as usize) as u32),
                }
            },
            descending,
        ),
    }
}

/// Keys below this are sorted by counting (a row position, a length, a class): one pass to count,
/// one to place; wider ones (probabilities) are radix-sorted.
const COUNTING_BELOW: u32 = 1 << 23;

/// Sorts `view` by `key` (largest first when `descending`), stably, rows without a key last.
fn by_key(view: &mut [u32], key: impl Fn(u32) -> Option<u32>, descending: bool) {
    // Rows without a key keep their order at the end: only the others are sorted (a sort by
    // probability over four million rows of which 400k are classified sorts 400k).
    let mut keyed = Vec::with_capacity(view.len());
    let mut keys = Vec::with_capacity(view.len());
    let mut rest = Vec::new();
    for &r in view.iter() {
        match key(r) {
            Some(k) => {
                keyed.push(r);
                keys.push(k);
            }
            None => rest.push(r),
        }
    }
    let max = keys.iter().copied().max().unwrap_or(0);
    let turn = |k: u32| if descending { max - k } else { k };
    if max < COUNTING_BELOW {
        counting_sort(&mut keyed, &keys, max as usize + 1, |k| turn(k) as usize);
    } else {
        let mut packed: Vec<u64> = (keys.iter().zip(&keyed))
            .map(|(&k, &r)| u64::from(turn(k)) << 32 | u64::from(r))
            .collect();
        radsort::sort_by_key(&mut packed, |k| (k >> 32) as u32);
        for (v, k) in keyed.iter_mut().zip(packed) {
            *v = k as u32;
        }
    }
    view[..keyed.len()].copy_from_slice(&keyed);
    view[keyed.len()..].copy_from_slice(&rest);
}

/// Stably places each `view[i]` by `slot(keys[i])`, of `slots`.
fn counting_sort(view: &mut [u32], keys: &[u32], slots: usize, slot: impl Fn(u32) -> usize) {
    let mut starts = vec![0u32; slots + 1];
    for &k in keys {
        starts[slot(k) + 1] += 1;
    }
    for s in 1..=slots {
        starts[s] += starts[s - 1];
    }
    let mut sorted = vec![0u32; view.len()];
    for (&k, &row) in keys.iter().zip(view.iter()) {
        let at = &mut starts[slot(k)];
        sorted[*at as usize] = row;
        *at += 1;
    }
    view.copy_from_slice(&sorted);
}

/// `x`'s bits, flipped so that unsigned order is `f32::total_cmp`'s.
fn f32_key(x: f32) -> u32 {
    let bits = x.to_bits();
    if bits >> 31 == 1 {
        !bits
    } else {
        bits | 1 << 31
    }
}

/// As `f32_key`, for an `f64`.
fn f64_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_keys_order_as_total_cmp() {
        let xs = [
            -f32::INFINITY,
            -2.5,
            -0.0,
            0.0,
            1e-30,
            0.25,
            0.9999,
            1.0,
            f32::INFINITY,
        ];
        for w in xs.windows(2) {
            assert!(f32_key(w[0]) < f32_key(w[1]), "{} {}", w[0], w[1]);
            assert!(
                f64_key(w[0].into()) < f64_key(w[1].into()),
                "{} {}",
                w[0],
                w[1]
            );
        }
        // Counted (small keys) and radix-sorted (wide ones), each way: stable, none last.
        for (wide, big) in [(false, 7), (true, u32::MAX)] {
            let keys = [Some(big), None, Some(3), Some(big), Some(0), None];
            let sorted = |descending| {
                let mut view = vec![5, 0, 1, 2, 3, 4];
                by_key(&mut view, |r| keys[r as usize], descending);
                view
            };
            assert_eq!(sorted(false), [4, 2, 0, 3, 5, 1], "wide: {wide}");
            assert_eq!(sorted(true), [0, 3, 2, 4, 5, 1], "wide: {wide}");
        }
    }
}
