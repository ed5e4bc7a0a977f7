//! Approximate nearest neighbours by cosine distance over unit vectors, from an HNSW graph
//! (hnsw_rs), for more rows than exact search can afford.
//!
//! A crate of its own so that the dev profile builds it optimised: hnsw_rs is generic over the
//! distance, so its code is compiled in the crate that names the distance (here), and unoptimised
//! it searches about ten times slower.
//!
//! The graph is deterministic: hnsw_rs draws each row's layer from a fixed seed, and rows are
//! inserted one at a time in row order (parallel insertion would make the graph depend on thread
//! timing). Searches only read the graph, so they run on every core and still give the same lists.

use hnsw_rs::anndists::dist::Distance;
use hnsw_rs::hnsw::Hnsw;

/// How the graph is built and searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Links per row and layer (hnsw_rs doubles it on the bottom layer).
    pub links: usize,
    /// Candidates kept while a row is inserted: more gives a better graph for a slower build.
    pub ef_construction: usize,
    /// Candidates kept while a row's neighbours are searched (at least k + 1 are).
    pub ef_search: usize,
}

/// hnsw_rs's most layers.
const LAYERS: usize = 16;

/// Cosine distance between unit rows, `1 - a·b`, in float32 (hnsw_rs's own `DistDot` sums without
/// SIMD and asserts `a·b ≤ 1`, which rounding breaks for equal rows).
#[derive(Clone, Copy, Default)]
struct UnitCosine;

impl Distance<f32> for UnitCosine {
    fn eval(&self, a: &[f32], b: &[f32]) -> f32 {
        (1.0 - reviewlens_kernels::dot(a, b)).max(0.0)
    }
}

/// For each row of `unit` (`dim` values each, scaled to unit length), the `k` rows the graph finds
/// nearest to it, itself included if found (so ask for one more than the neighbours wanted).
pub fn candidates(unit: &[f32], dim: usize, k: usize, p: Params) -> Vec<Vec<usize>> {
    let n = unit.len() / dim.max(1);
    let links = p.links.clamp(2, 255);
    let index: Hnsw<f32, UnitCosine> = Hnsw::new(links, n, LAYERS, p.ef_construction, UnitCosine);
    for (i, row) in unit.chunks_exact(dim).enumerate() {
        index.insert_slice((row, i));
    }
    let search = |i: usize| -> Vec<usize> {
        let row = &unit[i * dim..(i + 1) * dim];
        let found = index.search(row, k, p.ef_search.max(k));
        found.iter().map(|f| f.d_id).collect()
    };
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let chunk = n.div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let parts: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| {
                s.spawn(move || {
                    (start..n.min(start + chunk))
                        .map(search)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        (parts.into_iter())
            .flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}
