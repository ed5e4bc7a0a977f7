//! The numpy operations whose exact results cleanlab's numbers depend on: the order of a sum, the
//! rounding of halves, which of equal maxima `argmax` picks, and (where numpy itself is not
//! deterministic) how ties are ordered.

use std::cmp::Ordering;

/// numpy's block size for pairwise summation (`PW_BLOCKSIZE`).
const BLOCK: usize = 128;

/// `np.sum` of contiguous float64 values, bit for bit: numpy starts the reduction from 0 and adds
/// the pairwise sum (8 interleaved accumulators up to 128 values, halves above that, split at a
/// multiple of 8).
pub fn sum(a: &[f64]) -> f64 {
    0.0 + pairwise(a)
}

fn pairwise(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        return a.iter().fold(0.0, |s, &x| s + x);
    }
    if n <= BLOCK {
        let mut r = [0.0; 8];
        r.copy_from_slice(&a[..8]);
        let whole = n - n % 8;
        for chunk in a[8..whole].chunks_exact(8) {
            for (acc, &x) in r.iter_mut().zip(chunk) {
                *acc += x;
            }
        }
        let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        return a[whole..].iter().fold(res, |s, &x| s + x);
    }
    let half = n / 2;
    let half = half - half % 8;
    pairwise(&a[..half]) + pairwise(&a[half..])
}

/// `np.mean` of contiguous float64 values.
pub fn mean(a: &[f64]) -> f64 {
    sum(a) / a.len() as f64
}

/// `np.round`: halves to even.
pub fn round(x: f64) -> f64 {
    x.round_ties_even()
}

/// `np.argmax` of a row: the first of equal maxima.
pub fn argmax(row: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in row.iter().enumerate().skip(1) {
        if x > row[best] {
            best = i;
        }
    }
    best
}

/// How two sort keys compare for `np.argsort`: -0.0 equals 0.0 (numpy compares with `<`), and the
/// order is total, so a sort cannot panic.
fn compare(a: f64, b: f64) -> Ordering {
    let unsign = |x: f64| if x == 0.0 { 0.0 } else { x };
    unsign(a).total_cmp(&unsign(b))
}

/// `np.argsort(keys, kind="stable")`: ascending, equal keys in index order. cleanlab calls the
/// default, unstable quicksort, whose order among equal keys differs between CPUs (numpy sorts with
/// SIMD networks on AVX-512); ties by index are what it gives with a stable sort.
pub fn argsort(keys: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| compare(keys[a], keys[b]));
    order
}
