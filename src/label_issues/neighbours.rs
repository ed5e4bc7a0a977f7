//! Each row's nearest rows by cosine distance, behind one function ([`nearest`]): exact search
//! (`exact.rs`: tiles of products scanned as they are made, quadratic in the rows) up to
//! [`EXACT_UP_TO`] rows, an HNSW
//! index above that (`hnsw.rs`, over the `reviewlens-ann` crate), whose recall against exact
//! search is then measured on a seeded sample of rows ([`recall`]).

pub use super::exact::exact;

/// Exact search up to this many rows, the whole 400,000-row test split included: there it took
/// 469 s on two cores against the index's 577 s at a recall of 0.90, and at 50,000 rows 6.4 s
/// against 33 s. Beyond, exact search grows with the square of the rows and the index about
/// linearly, so the 3.6M-row train split and the whole dataset use the index (README, Label issues).
pub const EXACT_UP_TO: usize = 400_000;
/// Rows whose neighbours are checked against exact search after an approximate search.
pub const RECALL_SAMPLE: usize = 1_000;
/// The seed that picks the sampled rows.
const RECALL_SEED: u64 = 0;
/// An approximate neighbour still counts when within this of the exact k-th distance: the two
/// searches sum the same products in different orders (float32), which moves distances by ~1e-7.
const SAME_DISTANCE: f64 = 1e-6;

/// A row's neighbours: (cosine distance, row), nearest first, equal distances by row.
pub type List = Vec<(f64, usize)>;

/// How neighbours are searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Search {
    /// Exact search up to this many rows, the HNSW index above.
    pub exact_up_to: usize,
    /// Rows sampled to measure the index's recall.
    pub recall_sample: usize,
}

impl Default for Search {
    fn default() -> Self {
        Search {
            exact_up_to: EXACT_UP_TO,
            recall_sample: RECALL_SAMPLE,
        }
    }
}

/// Which search found the neighbours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    Exact,
    /// The HNSW index, with its recall against exact search.
    Hnsw(Recall),
}

/// Recall@k of approximate neighbours against exact search, on `sampled` rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recall {
    pub k: usize,
    /// The share of the sampled rows' exact k nearest rows the index found, in [0, 1].
    pub at_k: f64,
    pub sampled: usize,
}

/// Each of the `n` rows' `k` nearest other rows; `unit` holds the rows scaled to unit length,
/// row-major, `dim` values each. Deterministic: the same rows give the same lists.
pub fn nearest(unit: &[f32], dim: usize, k: usize, search: Search) -> (Vec<List>, Method) {
    let n = unit.len() / dim.max(1);
    let all: Vec<usize> = (0..n).collect();
    if n <= search.exact_up_to {
        return (exact(unit, dim, k, &all), Method::Exact);
    }
    let lists = super::hnsw::nearest(unit, dim, k);
    let recall = recall(unit, dim, &lists, search.recall_sample);
    (lists, Method::Hnsw(recall))
}

/// Cosine distance from the cosine similarity of two unit rows, clamped to [0, 2] as scikit-learn's.
pub fn distance(similarity: f32) -> f64 {
    (1.0 - similarity as f64).clamp(0.0, 2.0)
}

/// The `k` closest of `d`, nearest first (equal distances by row).
pub fn closest(mut d: List, k: usize) -> List {
    let by = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    if d.len() > k {
        d.select_nth_unstable_by(k - 1, by);
        d.truncate(k);
    }
    d.sort_unstable_by(by);
    d
}

/// Recall@k of `lists` (every row's approximate neighbours) against exact search, on up to `sample`
/// rows drawn with a fixed seed: the share of each sampled row's exact k nearest rows that its list
/// holds. A listed row counts as found when it is no farther than the exact k-th nearest (so ties
/// among equally distant rows, exact duplicates above all, count whichever of them was listed), as
/// ann-benchmarks counts recall.
pub fn recall(unit: &[f32], dim: usize, lists: &[List], sample: usize) -> Recall {
    let rows = sampled_rows(lists.len(), sample, RECALL_SEED);
    let k = lists.iter().map(Vec::len).max().unwrap_or(0);
    let truth = exact(unit, dim, k, &rows);
    let found: usize = (rows.iter().zip(&truth))
        .map(|(&r, exact)| {
            let kth = exact.last().map_or(0.0, |&(d, _)| d);
            let hits = lists[r].iter().filter(|(d, _)| *d <= kth + SAME_DISTANCE);
            hits.count().min(exact.len())
        })
        .sum();
    let wanted: usize = truth.iter().map(Vec::len).sum();
    Recall {
        k,
        at_k: found as f64 / wanted.max(1) as f64,
        sampled: rows.len(),
    }
}

/// `sample` distinct rows of `0..n` (all of them when `n` is smaller), ascending: the first
/// `sample` of a seeded Fisher–Yates shuffle.
fn sampled_rows(n: usize, sample: usize, seed: u64) -> Vec<usize> {
    let mut rng = rand_mt::Mt64::new(seed);
    let mut rows: Vec<usize> = (0..n).collect();
    let take = sample.min(n);
    for i in 0..take {
        let j = i + (rng.next_u64() % (n - i) as u64) as usize;
        rows.swap(i, j);
    }
    rows.truncate(take);
    rows.sort_unstable();
    rows
}
