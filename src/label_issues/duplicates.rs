//! Near duplicates as cleanlab 2.7.1's Datalab finds them (its `near_duplicate` issue manager, with
//! its defaults): each row's [`NEIGHBOURS`] nearest rows by cosine distance (exact search up to
//! [`super::neighbours::EXACT_UP_TO`] rows, an HNSW index above: [`super::neighbours`]), exact
//! duplicates put first at distance 0 (cleanlab's `correct_knn_graph`), and a row's near duplicates
//! those of its neighbours closer than [`THRESHOLD`] × the median nearest-neighbour distance, made
//! mutual. Each row also gets cleanlab's score, `1 - exp(-d / median)` of its nearest distance (0 for
//! an exact duplicate; lower is more of a duplicate).
//!
//! Distances are computed from the rows' dot products in f32, so they agree with scikit-learn's float64 ones to about 1e-7; the sets are identical on cleanlab's
//! goldens (tests/duplicates.rs, scripts/make_duplicate_goldens.py).

use super::neighbours::{self, List, Method, Search};

/// Datalab's `k`.
pub const NEIGHBOURS: usize = 10;
/// Datalab's `threshold`: a fraction of the median nearest-neighbour distance.
pub const THRESHOLD: f64 = 0.13;
/// cleanlab's `EPSILON`: the median distance is at least this (all rows exact duplicates).
const EPSILON: f64 = 1e-6;

/// The near-duplicate check of every row.
#[derive(Debug, Clone, PartialEq)]
pub struct NearDuplicates {
    /// Each row's distance to its nearest other row.
    pub nn_distance: Vec<f64>,
    pub median_nn_distance: f64,
    /// cleanlab's near-duplicate score, in [0, 1].
    pub score: Vec<f64>,
    /// Each row's near duplicates, ascending (empty for most rows).
    pub sets: Vec<Vec<usize>>,
    /// Which search found the neighbours (and, for the index, its recall).
    pub neighbours: Method,
}

impl NearDuplicates {
    /// Whether a row has a near (or exact) duplicate.
    pub fn is_issue(&self, row: usize) -> bool {
        !self.sets[row].is_empty()
    }
}

/// The check on `x`: `rows × dim` features, row-major (e.g. sentence embeddings), with the default
/// [`Search`] (exact up to 400,000 rows). Needs at least [`NEIGHBOURS`] + 1 rows.
pub fn near_duplicates(x: &[f32], dim: usize) -> Result<NearDuplicates, String> {
    near_duplicates_with(x, dim, Search::default())
}

/// The check on `x` with the neighbours found as `search` says.
pub fn near_duplicates_with(
    x: &[f32],
    dim: usize,
    search: Search,
) -> Result<NearDuplicates, String> {
    let n = x.len() / dim.max(1);
    if n <= NEIGHBOURS || x.len() != n * dim {
        return Err(format!(
            "{n} rows: near duplicates need more than {NEIGHBOURS} (each row's {NEIGHBOURS} nearest rows are compared)"
        ));
    }
    let unit: Vec<f32> = x.chunks_exact(dim).flat_map(normalised).collect();
    let (mut neighbours, method) = neighbours::nearest(&unit, dim, NEIGHBOURS, search);
    for set in exact_duplicate_sets(x, dim) {
        put_duplicates_first(&mut neighbours, &set);
    }
    let nn_distance: Vec<f64> = neighbours.iter().map(|r| r[0].0).collect();
    let median_nn_distance = median(&nn_distance).max(EPSILON);
    let radius = THRESHOLD * median_nn_distance;
    let mut sets: Vec<Vec<usize>> = (neighbours.iter())
        .map(|r| {
            r.iter()
                .filter(|(d, _)| *d < radius)
                .map(|&(_, j)| j)
                .collect()
        })
        .collect();
    for i in 0..n {
        for j in sets[i].clone() {
            if !sets[j].contains(&i) {
                sets[j].push(i);
            }
        }
    }
    sets.iter_mut().for_each(|s| s.sort_unstable());
    let score = (nn_distance.iter())
        .map(|&d| match d.abs() <= 1e-8 {
            true => 0.0,
            false => 1.0 - (-d / median_nn_distance).exp(),
        })
        .collect();
    Ok(NearDuplicates {
        nn_distance,
        median_nn_distance,
        score,
        sets,
        neighbours: method,
    })
}

/// `v / ‖v‖` (a zero row stays zero, as scikit-learn's `normalize` leaves it).
fn normalised(v: &[f32]) -> Vec<f32> {
    let norm = v.iter().map(|&a| a as f64 * a as f64).sum::<f64>().sqrt();
    let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
    v.iter().map(|&a| (a as f64 * scale) as f32).collect()
}

/// Sets of rows with identical features (bit for bit), each ascending, in order of first row.
fn exact_duplicate_sets(x: &[f32], dim: usize) -> Vec<Vec<usize>> {
    let mut by_value: std::collections::HashMap<Vec<u32>, Vec<usize>> = Default::default();
    for (i, row) in x.chunks_exact(dim).enumerate() {
        by_value
            .entry(row.iter().map(|v| v.to_bits()).collect())
            .or_default()
            .push(i);
    }
    let mut sets: Vec<Vec<usize>> = by_value.into_values().filter(|s| s.len() > 1).collect();
    sets.sort_unstable();
    sets
}

/// cleanlab's correction for one set of exact duplicates: the other duplicates become a row's
/// nearest neighbours at distance 0 (at most [`NEIGHBOURS`] of them: with more, the first
/// `NEIGHBOURS + 1` rows of the set take each other and the rest take the first `NEIGHBOURS`),
/// followed by its nearest rows outside the set.
fn put_duplicates_first(neighbours: &mut [List], set: &[usize]) {
    let k = NEIGHBOURS;
    let first = &set[..set.len().min(k + 1)];
    for (position, &i) in set.iter().enumerate() {
        let same: Vec<usize> = match position <= k {
            true => first.iter().copied().filter(|&j| j != i).collect(),
            false => set[..k].to_vec(),
        };
        let others = (neighbours[i].iter())
            .filter(|(_, j)| !set.contains(j))
            .copied()
            .take(k - same.len());
        let mut row: List = same.into_iter().map(|j| (0.0, j)).collect();
        row.extend(others);
        neighbours[i] = row;
    }
}

/// numpy's median: the middle value, or the mean of the two middle values.
fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    let mid = v.len() / 2;
    match v.len() % 2 {
        1 => v[mid],
        _ => (v[mid - 1] + v[mid]) / 2.0,
    }
}
