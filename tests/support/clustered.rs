//! Seeded synthetic embeddings for the neighbour search: unit vectors in clusters of different
//! spreads, as sentence embeddings of reviews on a few hundred topics are, with planted near
//! duplicates (a row copied with a little noise). Shared by tests/neighbours.rs and
//! examples/neighbours.rs.
#![allow(dead_code)]

/// Rows and the planted near-duplicate pairs (copy, original), copy > original.
pub struct Clustered {
    pub x: Vec<f32>,
    pub dim: usize,
    pub pairs: Vec<(usize, usize)>,
}

/// `n` rows of `dim` values in `clusters` clusters; every 100th row is a near copy of an earlier one.
pub fn clustered(n: usize, dim: usize, clusters: usize, seed: u64) -> Clustered {
    let mut g = Gauss::new(seed);
    let centres: Vec<Vec<f32>> = (0..clusters).map(|_| unit(g.vector(dim))).collect();
    // Spreads from tight to loose topics (noise norm relative to the centre's 1).
    let spreads: Vec<f32> = (0..clusters).map(|_| 0.6 + 0.6 * g.uniform()).collect();
    let (mut x, mut pairs) = (Vec::with_capacity(n * dim), Vec::new());
    for i in 0..n {
        let row: Vec<f32> = if i % 100 == 99 {
            let original = (g.uniform() * (i - 1) as f32) as usize;
            pairs.push((i, original));
            let noise = g.vector(dim);
            let from = &x[original * dim..(original + 1) * dim];
            (from.iter().zip(&noise))
                .map(|(&v, &e)| v + 0.002 * e / (dim as f32).sqrt())
                .collect()
        } else {
            let c = (g.uniform() * clusters as f32) as usize % clusters;
            let s = spreads[c] / (dim as f32).sqrt();
            let noise = g.vector(dim);
            (centres[c].iter().zip(&noise))
                .map(|(&v, &e)| v + s * e)
                .collect()
        };
        x.extend(unit(row));
    }
    Clustered { x, dim, pairs }
}

fn unit(v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|a| a * a).sum::<f32>().sqrt();
    v.into_iter().map(|a| a / norm).collect()
}

/// Standard normal values from a 64-bit LCG through Box–Muller: the same on every machine.
struct Gauss(u64);

impl Gauss {
    fn new(seed: u64) -> Self {
        Gauss(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    fn uniform(&mut self) -> f32 {
        self.0 = (self.0)
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 40) as f32 + 0.5) / (1u64 << 24) as f32
    }

    fn vector(&mut self, dim: usize) -> Vec<f32> {
        (0..dim)
            .map(|_| {
                let (a, b) = (self.uniform(), self.uniform());
                (-2.0 * a.ln()).sqrt() * (std::f32::consts::TAU * b).cos()
            })
            .collect()
    }
}
