//! Each row's nearest rows by cosine distance, behind one function ([`nearest`]): exact search (one
//! matrix product per block of rows, quadratic in the rows) up to [`EXACT_UP_TO`] rows, an HNSW
//! index above that (`hnsw.rs`, over the `reviewlens-ann` crate), whose recall against exact
//! search is then measured on a seeded sample of rows ([`recall`]).

use candle_core::{Device, Tensor};

/// Exact search up to this many rows: the bundled 17k rows (and cleanlab's goldens) stay exact.
/// At 50,000 rows exact search takes about 100 s on two cores and the index half that; beyond, exact
/// grows with the square of the rows and the index about linearly (README, Label issues).
pub const EXACT_UP_TO: usize = 50_000;
/// Rows whose neighbours are checked against exact search after an approximate search.
pub const RECALL_SAMPLE: usize = 1_000;
/// The seed that picks the sampled rows.
const RECALL_SEED: u64 = 0;
/// Query rows whose distances to every row are computed at once, at most.
const BLOCK: usize = 512;
/// Distances held at once, at most (256 MB of them): fewer query rows a block over many rows.
const BLOCK_DISTANCES: usize = 1 << 26;
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
pub fn nearest(
    unit: &[f32],
    dim: usize,
    k: usize,
    search: Search,
) -> Result<(Vec<List>, Method), String> {
    let n = unit.len() / dim.max(1);
    let all: Vec<usize> = (0..n).collect();
    if n <= search.exact_up_to {
        let lists =
            exact(unit, dim, k, &all).map_err(|e| format!("cannot compare the rows ({e})"))?;
        return Ok((lists, Method::Exact));
    }
    let lists = super::hnsw::nearest(unit, dim, k);
    let recall = recall(unit, dim, &lists, search.recall_sample)?;
    Ok((lists, Method::Hnsw(recall)))
}

/// Exact search: the `k` nearest other rows of each row in `queries`, by one matrix product per
/// block of queries against every row.
pub fn exact(
    unit: &[f32],
    dim: usize,
    k: usize,
    queries: &[usize],
) -> candle_core::Result<Vec<List>> {
    let n = unit.len() / dim;
    let all = Tensor::from_slice(unit, (n, dim), &Device::Cpu)?;
    let all_t = all.t()?.contiguous()?;
    let mut out = Vec::with_capacity(queries.len());
    for block in queries.chunks((BLOCK_DISTANCES / n.max(1)).clamp(1, BLOCK)) {
        let rows: Vec<f32> = (block.iter())
            .flat_map(|&q| &unit[q * dim..(q + 1) * dim])
            .copied()
            .collect();
        let rows = Tensor::from_vec(rows, (block.len(), dim), &Device::Cpu)?;
        let sims: Vec<f32> = rows.matmul(&all_t)?.flatten_all()?.to_vec1()?;
        out.extend(closest_in_rows(block, &sims, n, k));
    }
    Ok(out)
}

/// Each query's `k` closest rows from its row of similarities (`sims`: one row of `n` per query),
/// the queries split between the cores.
fn closest_in_rows(queries: &[usize], sims: &[f32], n: usize, k: usize) -> Vec<List> {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let per = queries.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = (queries.chunks(per).zip(sims.chunks(per * n)))
            .map(|(qs, rows)| {
                scope.spawn(move || {
                    (qs.iter().zip(rows.chunks_exact(n)))
                        .map(|(&q, sim)| closest_of(sim, q, k))
                        .collect::<Vec<List>>()
                })
            })
            .collect();
        let lists = parts
            .into_iter()
            .map(|p| p.join().expect("no panic in a selection"));
        lists.flatten().collect()
    })
}

/// The `k` closest rows to query `q` (itself left out) from its similarities to every row: as
/// `closest` orders them, keeping only the best `k` as it goes (most rows are rejected by one
/// comparison with the worst kept).
fn closest_of(sim: &[f32], q: usize, k: usize) -> List {
    let mut best: List = Vec::with_capacity(k + 1);
    for (j, &s) in sim.iter().enumerate() {
        let candidate = (distance(s), j);
        let full = best.len() == k;
        if j == q || (full && !nearer(&candidate, &best[k - 1])) {
            continue;
        }
        let at = best.partition_point(|b| nearer(b, &candidate));
        best.insert(at, candidate);
        best.truncate(k);
    }
    best
}

/// Whether `a` comes before `b`: nearer, or as near with a lower row.
fn nearer(a: &(f64, usize), b: &(f64, usize)) -> bool {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)) == std::cmp::Ordering::Less
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
pub fn recall(unit: &[f32], dim: usize, lists: &[List], sample: usize) -> Result<Recall, String> {
    let rows = sampled_rows(lists.len(), sample, RECALL_SEED);
    let k = lists.iter().map(Vec::len).max().unwrap_or(0);
    let truth =
        exact(unit, dim, k, &rows).map_err(|e| format!("cannot measure the recall ({e})"))?;
    let found: usize = (rows.iter().zip(&truth))
        .map(|(&r, exact)| {
            let kth = exact.last().map_or(0.0, |&(d, _)| d);
            let hits = lists[r].iter().filter(|(d, _)| *d <= kth + SAME_DISTANCE);
            hits.count().min(exact.len())
        })
        .sum();
    let wanted: usize = truth.iter().map(Vec::len).sum();
    Ok(Recall {
        k,
        at_k: found as f64 / wanted.max(1) as f64,
        sampled: rows.len(),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Keeping the best k as it goes picks what sorting every distance picks, ties and the
    /// clamp at distance 0 included.
    #[test]
    fn the_running_selection_equals_the_full_sort() {
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Few distinct values, so ties are common; some above 1, as rounding gives.
            ((state >> 33) % 7) as f32 / 6.0 + if state % 5 == 0 { 1e-6 } else { 0.0 }
        };
        for n in [1, 2, 11, 40, 300] {
            let sim: Vec<f32> = (0..n).map(|_| next()).collect();
            for k in [1, 3, 10] {
                for q in [0, n / 2, n - 1] {
                    let all: List = (sim.iter().enumerate())
                        .filter(|&(j, _)| j != q)
                        .map(|(j, &s)| (distance(s), j))
                        .collect();
                    assert_eq!(closest_of(&sim, q, k), closest(all, k), "n {n} k {k} q {q}");
                }
            }
        }
        let sims = [0.5f32, 0.9, 0.1, 0.2, 0.8, 0.3];
        let lists = closest_in_rows(&[0, 1], &sims, 3, 1);
        assert_eq!(
            lists,
            vec![vec![(distance(0.9), 1)], vec![(distance(0.3), 2)]]
        );
    }
}
