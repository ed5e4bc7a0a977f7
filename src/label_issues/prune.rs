//! How `find_label_issues` prunes for `prune_by_class`, `prune_by_noise_rate` and `both`: a count of
//! rows to prune per (true label, given label) cell, then per class the rows that fit it least.

use super::error::LabelIssuesError;
use super::input::LabelProbs;
use super::numeric::{argsort, sum};
use super::rounding::round_preserving_row_totals;

/// `prune_count_matrix` as `find_label_issues` builds it from the calibrated confident joint:
/// transposed (`[true][given]`), at least `min_examples` kept per class, scaled by `frac_noise`, and
/// reshaped to `num_to_remove_per_class` when given.
pub(super) fn prune_counts(
    calibrated: &[Vec<i64>],
    label_counts: &[usize],
    frac_noise: f64,
    min_examples: usize,
    to_remove: Option<&[usize]>,
) -> Result<Vec<Vec<i64>>, LabelIssuesError> {
    let k = calibrated.len();
    let transposed: Vec<Vec<i64>> = (0..k)
        .map(|i| (0..k).map(|j| calibrated[j][i]).collect())
        .collect();
    let kept = keep_at_least_n_per_class(&transposed, min_examples as i64, frac_noise);
    match to_remove {
        None => Ok(kept),
        Some(n) => remove_per_class(&kept, n, label_counts),
    }
}

/// cleanlab's `_keep_at_least_n_per_class`: raise each diagonal entry to `n`, taking the difference
/// evenly from the column's other non-zero entries, then `_reduce_prune_counts`.
fn keep_at_least_n_per_class(pcm: &[Vec<i64>], n: i64, frac_noise: f64) -> Vec<Vec<i64>> {
    let k = pcm.len();
    let new_diag: Vec<i64> = (0..k).map(|j| pcm[j][j].max(n)).collect();
    let spread: Vec<f64> = (0..k)
        .map(|j| {
            let nonzero = (0..k).filter(|&i| pcm[i][j] != 0).count() as f64;
            (new_diag[j] - pcm[j][j]) as f64 / (nonzero - 1.0).max(1.0)
        })
        .collect();
    let mut m: Vec<Vec<f64>> = (0..k)
        .map(|i| {
            (0..k)
                .map(|j| (pcm[i][j] as f64 - spread[j]).max(0.0))
                .collect()
        })
        .collect();
    for j in 0..k {
        m[j][j] = new_diag[j] as f64;
    }
    let reduced = reduce_prune_counts(&m, frac_noise);
    let floats: Vec<Vec<f64>> = reduced
        .iter()
        .map(|r| r.iter().map(|&x| x as f64).collect())
        .collect();
    round_preserving_row_totals(&floats)
}

/// cleanlab's `_reduce_prune_counts`: off-diagonal entries times `frac_noise`, what they lose added
/// to their column's diagonal, truncated to integers (numpy's `astype(int)`).
fn reduce_prune_counts(m: &[Vec<f64>], frac_noise: f64) -> Vec<Vec<i64>> {
    let k = m.len();
    let mut scaled: Vec<Vec<f64>> = m
        .iter()
        .map(|r| r.iter().map(|x| x * frac_noise).collect())
        .collect();
    for j in 0..k {
        scaled[j][j] = m[j][j];
    }
    for j in 0..k {
        let lost = (0..k).fold(0.0, |s, i| s + (m[i][j] - scaled[i][j]));
        scaled[j][j] = m[j][j] + lost;
    }
    scaled
        .iter()
        .map(|r| r.iter().map(|&x| x as i64).collect())
        .collect()
}

/// The `num_to_remove_per_class` branch of `find_label_issues`, cleanlab's arithmetic as written
/// (the row sums divide the columns, as numpy broadcasts them).
fn remove_per_class(
    pcm: &[Vec<i64>],
    to_remove: &[usize],
    label_counts: &[usize],
) -> Result<Vec<Vec<i64>>, LabelIssuesError> {
    let k = pcm.len();
    let row_sums: Vec<f64> = pcm.iter().map(|r| r.iter().sum::<i64>() as f64).collect();
    let psy: Vec<Vec<f64>> = pcm
        .iter()
        .map(|r| {
            r.iter()
                .zip(&row_sums)
                .map(|(&c, s)| c as f64 / s)
                .collect()
        })
        .collect();
    let mut tmp = Vec::with_capacity(k);
    for (i, row) in psy.iter().enumerate() {
        let noise = sum(row) - row[i];
        if !(noise.is_finite() && noise > 0.0) {
            return Err(LabelIssuesError::Unsupported(format!(
                "num_to_remove_per_class: class {i} has no estimated label errors to spread the \
                 count over; leave num_to_remove_per_class unset"
            )));
        }
        let n = to_remove[i] as f64;
        let mut r: Vec<f64> = row.iter().map(|p| p * n / noise).collect();
        r[i] = label_counts[i] as f64 - n;
        tmp.push(r);
    }
    Ok(round_preserving_row_totals(&tmp))
}

/// cleanlab's `_prune_by_class` for class `k` (its rows given): the rows least likely of class `k`,
/// as many as the class's rows beyond the prune matrix's diagonal entry.
pub(super) fn prune_by_class(
    input: &LabelProbs,
    rows: &[usize],
    pcm: &[Vec<i64>],
    k: usize,
    min_examples: usize,
) -> Vec<bool> {
    let mut mask = vec![false; rows.len()];
    if rows.len() <= min_examples {
        return mask;
    }
    let num_issues = rows.len() as i64 - pcm[k][k];
    if num_issues >= 1 {
        let own: Vec<f64> = rows.iter().map(|&i| input.row(i)[k]).collect();
        for &r in argsort(&own).iter().take(num_issues as usize) {
            mask[r] = true;
        }
    }
    mask
}

/// cleanlab's `_prune_by_count` for class `k`: for every other class `j`, the `pcm[j][k]` rows with
/// the largest margin `p[j] - p[k]`.
pub(super) fn prune_by_count(
    input: &LabelProbs,
    rows: &[usize],
    pcm: &[Vec<i64>],
    k: usize,
    min_examples: usize,
) -> Vec<bool> {
    let mut mask = vec![false; rows.len()];
    if rows.len() <= min_examples {
        return mask;
    }
    for (j, prune) in pcm.iter().map(|r| r[k]).enumerate() {
        if j == k || prune <= 0 {
            continue;
        }
        let negative_margin: Vec<f64> = rows
            .iter()
            .map(|&i| -(input.row(i)[j] - input.row(i)[k]))
            .collect();
        for &r in argsort(&negative_margin).iter().take(prune as usize) {
            mask[r] = true;
        }
    }
    mask
}
