//! Stratified, seeded K-fold assignment for out-of-fold probabilities: scikit-learn's
//! `StratifiedKFold(n_splits, shuffle=True, random_state=seed)`, fold for fold.
//!
//! How the folds are drawn (scikit-learn's `_make_test_folds`): classes are numbered in the order
//! they first appear; the labels, sorted by that number, are dealt round-robin to the folds, which
//! fixes how many rows of each class each fold gets (sizes differ by at most one per class); then,
//! class by class, that list of fold numbers is shuffled with numpy's legacy
//! `RandomState(seed).shuffle` (Mersenne Twister MT19937, Fisher–Yates from the end) and handed to
//! the class's rows in row order.

use super::error::LabelIssuesError;
use rand_mt::Mt;

/// The test fold (`0..n_splits`) of every row; a row's out-of-fold probabilities come from a model
/// trained on the other folds.
pub fn stratified_folds(
    labels: &[usize],
    n_splits: usize,
    seed: u32,
) -> Result<Vec<usize>, LabelIssuesError> {
    if n_splits < 2 {
        return Err(LabelIssuesError::TooFewFolds { folds: n_splits });
    }
    if n_splits > labels.len() {
        return Err(LabelIssuesError::MoreFoldsThanRows {
            folds: n_splits,
            rows: labels.len(),
        });
    }
    let (encoded, counts) = encode_by_first_appearance(labels);
    if counts.iter().all(|&c| c < n_splits) {
        return Err(LabelIssuesError::MoreFoldsThanClassRows { folds: n_splits });
    }
    let allocation = deal(&counts, n_splits);
    let mut rng = Mt::new(seed);
    let mut folds = vec![0; labels.len()];
    for (class, per_fold) in allocation.iter().enumerate() {
        let mut class_folds: Vec<usize> = per_fold
            .iter()
            .enumerate()
            .flat_map(|(fold, &n)| std::iter::repeat_n(fold, n))
            .collect();
        shuffle(&mut rng, &mut class_folds);
        let rows = (0..labels.len()).filter(|&i| encoded[i] == class);
        for (row, fold) in rows.zip(class_folds) {
            folds[row] = fold;
        }
    }
    Ok(folds)
}

/// Each row's class renumbered by first appearance, and the rows per renumbered class.
fn encode_by_first_appearance(labels: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut seen: Vec<usize> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    let encoded = labels
        .iter()
        .map(|label| {
            let class = seen.iter().position(|s| s == label).unwrap_or_else(|| {
                seen.push(*label);
                counts.push(0);
                seen.len() - 1
            });
            counts[class] += 1;
            class
        })
        .collect();
    (encoded, counts)
}

/// `allocation[class][fold]`: the sorted labels dealt round-robin, position `p` to fold `p % n`.
fn deal(counts: &[usize], n_splits: usize) -> Vec<Vec<usize>> {
    let mut allocation = vec![vec![0; n_splits]; counts.len()];
    let mut position = 0;
    for (class, &count) in counts.iter().enumerate() {
        for _ in 0..count {
            allocation[class][position % n_splits] += 1;
            position += 1;
        }
    }
    allocation
}

/// numpy's legacy `RandomState.shuffle` of a 1-D array: Fisher–Yates from the last position.
fn shuffle(rng: &mut Mt, values: &mut [usize]) {
    for i in (1..values.len()).rev() {
        let j = random_interval(rng, i as u64) as usize;
        values.swap(i, j);
    }
}

/// numpy's `random_interval(max)` on MT19937: uniform in `0..=max` by masked rejection, 32-bit
/// draws while `max` fits in 32 bits, 64-bit ones (high word drawn first) above.
fn random_interval(rng: &mut Mt, max: u64) -> u64 {
    if max == 0 {
        return 0;
    }
    let mask = u64::MAX >> max.leading_zeros();
    loop {
        let value = if max <= u64::from(u32::MAX) {
            u64::from(rng.next_u32())
        } else {
            (u64::from(rng.next_u32()) << 32) | u64::from(rng.next_u32())
        };
        if value & mask <= max {
            return value & mask;
        }
    }
}
