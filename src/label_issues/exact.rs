//! Exact nearest neighbours by cosine distance, quadratic in the rows: tiles of similarities (one
//! single-threaded GEMM each, small enough to stay in cache) are scanned as they are made, each row
//! keeping only its best `k`. When every row is a query, each pair is computed once and offered to
//! both of its rows (the products are symmetric), which halves the work; the cores take row blocks
//! in turn, each with lists of its own, merged at the end.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::neighbours::{List, closest, distance};

/// Query rows in one tile.
const TILE_ROWS: usize = 256;
/// Rows compared with them in one tile: 256 × 1024 similarities (1 MB) stay in a core's L2 cache.
const TILE_COLS: usize = 1024;

/// The `k` nearest other rows of each row in `queries` (in that order); `unit` holds `n` rows of
/// `dim` values scaled to unit length.
pub fn exact(unit: &[f32], dim: usize, k: usize, queries: &[usize]) -> Vec<List> {
    let n = unit.len() / dim.max(1);
    let every_row = queries.len() == n && queries.iter().enumerate().all(|(i, &q)| i == q);
    let blocks: Vec<&[usize]> = queries.chunks(TILE_ROWS).collect();
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let next = AtomicUsize::new(0);
    let per_thread: Vec<Lists> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(blocks.len()).max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut lists = Lists::new(if every_row { n } else { queries.len() }, k);
                    // Row blocks go out in order: the first ones, with the most columns to their
                    // right when every row is a query, first.
                    loop {
                        let b = next.fetch_add(1, Ordering::Relaxed);
                        let Some(block) = blocks.get(b) else { break };
                        let tile = Tile::new(unit, dim, block, b * TILE_ROWS, every_row);
                        tile.scan(&mut lists);
                    }
                    lists
                })
            })
            .collect();
        let joined = workers.into_iter().map(|w| w.join());
        joined.map(|l| l.expect("no panic in a scan")).collect()
    });
    merge(per_thread, k)
}

/// One row block's similarities against the rows to compare it with, made and scanned a tile of
/// columns at a time.
struct Tile<'a> {
    unit: &'a [f32],
    dim: usize,
    /// The block's rows (indices into `unit`).
    rows: &'a [usize],
    /// The block's first position among the queries: where its rows' lists are.
    first: usize,
    /// Every row is a query: only columns after a row are compared, and both rows are offered
    /// the pair.
    symmetric: bool,
}

impl<'a> Tile<'a> {
    fn new(unit: &'a [f32], dim: usize, rows: &'a [usize], first: usize, sym: bool) -> Self {
        Tile {
            unit,
            dim,
            rows,
            first,
            symmetric: sym,
        }
    }

    fn scan(&self, lists: &mut Lists) {
        let dim = self.dim;
        let n = self.unit.len() / dim;
        let a: Vec<f32> = (self.rows.iter())
            .flat_map(|&r| &self.unit[r * dim..(r + 1) * dim])
            .copied()
            .collect();
        let from = if self.symmetric { self.rows[0] } else { 0 };
        let mut sims = vec![0f32; self.rows.len() * TILE_COLS];
        for start in (from..n).step_by(TILE_COLS) {
            let end = (start + TILE_COLS).min(n);
            let sims = &mut sims[..self.rows.len() * (end - start)];
            reviewlens_kernels::products(&a, &self.unit[start * dim..end * dim], dim, sims);
            self.offer(lists, sims, start, end - start);
        }
    }

    /// Offers each similarity in `sims` (the block's rows against `cols` rows from `start`).
    fn offer(&self, lists: &mut Lists, sims: &[f32], start: usize, cols: usize) {
        for (a, row) in sims.chunks_exact(cols).enumerate() {
            let i = self.rows[a];
            if self.symmetric {
                // Pairs with j ≤ i were offered from j's block, or are i itself.
                let skip = (i + 1).saturating_sub(start).min(cols);
                for (b, &s) in row.iter().enumerate().skip(skip) {
                    lists.offer(i, s, start + b);
                    lists.offer(start + b, s, i);
                }
            } else {
                let at = self.first + a;
                for (b, &s) in row.iter().enumerate() {
                    if start + b != i {
                        lists.offer(at, s, start + b);
                    }
                }
            }
        }
    }
}

/// Each row's best `k` so far, and the similarity below which nothing can enter its list.
struct Lists {
    k: usize,
    lists: Vec<List>,
    floor: Vec<f64>,
}

impl Lists {
    fn new(rows: usize, k: usize) -> Self {
        Lists {
            k,
            lists: vec![Vec::new(); rows],
            floor: vec![f64::NEG_INFINITY; rows],
        }
    }

    /// Offers row `j`, at similarity `s`, to list `at`. Most offers fail the one comparison with
    /// the floor; the rest are placed as [`closest`] orders them (by distance, then row), so the
    /// order of the offers does not matter.
    #[inline(always)]
    fn offer(&mut self, at: usize, s: f32, j: usize) {
        if (s as f64) < self.floor[at] || self.k == 0 {
            return;
        }
        let list = &mut self.lists[at];
        let candidate = (distance(s), j);
        if list.len() == self.k && !nearer(&candidate, &list[self.k - 1]) {
            return;
        }
        let place = list.partition_point(|b| nearer(b, &candidate));
        list.insert(place, candidate);
        list.truncate(self.k);
        if list.len() == self.k {
            self.floor[at] = floor(list[self.k - 1].0);
        }
    }
}

/// The similarity below which a row is farther than `worst` (a distance): any `s < floor` has
/// `1 − s > worst + 1e-12`, far more than the rounding of [`distance`]'s `1 − s` in f64, so an
/// equally distant row is never rejected (it still competes by row).
fn floor(worst: f64) -> f64 {
    match worst >= 2.0 {
        true => f64::NEG_INFINITY, // the clamp at 2 makes every farther row a tie
        false => 1.0 - worst - 1e-12,
    }
}

/// Whether `a` comes before `b`: nearer, or as near with a lower row.
fn nearer(a: &(f64, usize), b: &(f64, usize)) -> bool {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)) == std::cmp::Ordering::Less
}

/// Each row's `k` nearest from every thread's lists: each pair was offered by one thread only.
fn merge(per_thread: Vec<Lists>, k: usize) -> Vec<List> {
    let mut parts = per_thread.into_iter();
    let Some(first) = parts.next() else {
        return Vec::new();
    };
    let mut lists = first.lists;
    for part in parts {
        for (list, more) in lists.iter_mut().zip(part.lists) {
            list.extend(more);
        }
    }
    lists.into_iter().map(|l| closest(l, k)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of quarters (their products are exact in any order of summing, so a tie is a tie
    /// however it is computed), half of them copies of a few directions, so ties are common.
    fn rows(n: usize, dim: usize) -> Vec<f32> {
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (((state >> 33) % 3) as f32 - 1.0) * 0.25
        };
        let dirs: Vec<Vec<f32>> = (0..7).map(|_| (0..dim).map(|_| next()).collect()).collect();
        (0..n)
            .flat_map(|i| match i % 2 {
                0 => dirs[(i * 5 + i / 3) % dirs.len()].clone(),
                _ => (0..dim).map(|_| next()).collect(),
            })
            .collect()
    }

    /// Every distance to every other row, sorted: what the search must equal.
    fn by_full_sort(unit: &[f32], dim: usize, k: usize, q: usize) -> List {
        let n = unit.len() / dim;
        let row = |i: usize| &unit[i * dim..(i + 1) * dim];
        let all: List = (0..n)
            .filter(|&j| j != q)
            .map(|j| {
                let s: f32 = row(q).iter().zip(row(j)).map(|(a, b)| a * b).sum();
                (distance(s), j)
            })
            .collect();
        closest(all, k)
    }

    /// Tiles, the symmetric halving, the floors and the merge pick the rows sorting every
    /// distance picks, ties by row included, for all rows and for a subset of queries (row counts
    /// across several tiles, and fewer rows than k).
    #[test]
    fn the_tiled_search_equals_the_full_sort() {
        let dim = 8;
        for n in [1, 3, 12, 300, 1300] {
            let unit = rows(n, dim);
            for k in [1, 3, 10] {
                let all: Vec<usize> = (0..n).collect();
                let found = exact(&unit, dim, k, &all);
                for q in [0, n / 2, n - 1] {
                    let want = by_full_sort(&unit, dim, k, q);
                    let got: Vec<usize> = found[q].iter().map(|&(_, j)| j).collect();
                    let want: Vec<usize> = want.iter().map(|&(_, j)| j).collect();
                    assert_eq!(got, want, "n {n} k {k} q {q}");
                }
                let some = [n - 1, 0, n / 2];
                let found = exact(&unit, dim, k, &some);
                for (q, got) in some.iter().zip(&found) {
                    let got: Vec<usize> = got.iter().map(|&(_, j)| j).collect();
                    let want: Vec<usize> = (by_full_sort(&unit, dim, k, *q).iter())
                        .map(|&(_, j)| j)
                        .collect();
                    assert_eq!(got, want, "queries n {n} k {k} q {q}");
                }
            }
        }
    }

    #[test]
    fn the_floor_never_rejects_an_equal_distance() {
        for s in [-1.0f32, -0.3, 0.0, 0.1, 0.5, 0.999_999, 1.0] {
            let worst = distance(s);
            assert!(
                s as f64 >= floor(worst),
                "{s} below the floor of its own distance"
            );
        }
        assert_eq!(floor(2.0), f64::NEG_INFINITY);
    }
}
