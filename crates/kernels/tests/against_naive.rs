//! Each fused kernel against a straightforward f64 version of the same maths, on shapes that split
//! unevenly across threads and sequences with padding.

use std::mem::MaybeUninit;

use reviewlens_kernels::{
    Act, Queries, ROWS_A_THREAD, add_layer_norm, attention, dot, erf, exp, linear,
    linear_by_columns, linear_by_rows,
};

/// Deterministic values in [-1, 1).
fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

fn assert_close(got: &[f32], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!((g as f64 - w).abs() <= tol, "{what}[{i}]: {g} vs {w}");
    }
}

/// `x · w + b` in f64: x is rows × k, w k × n, both row-major.
fn naive_linear(x: &[f32], k: usize, w: &[f32], b: &[f32]) -> Vec<f64> {
    let n = b.len();
    (0..x.len() / k * n)
        .map(|i| {
            let (r, c) = (i / n, i % n);
            let dot: f64 = (0..k)
                .map(|j| x[r * k + j] as f64 * w[j * n + c] as f64)
                .sum();
            b[c] as f64 + dot
        })
        .collect()
}

fn gelu(x: f64) -> f64 {
    0.5 * x * (1.0 + erf((x / std::f64::consts::SQRT_2) as f32) as f64)
}

#[test]
fn linear_matches_a_plain_matrix_product_for_every_activation() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let (rows, k, n) = (7, 5, 6);
    let (x, w, b) = (values(rows * k, 1), values(k * n, 2), values(n, 3));
    for act in [Act::None, Act::Relu, Act::Gelu, Act::GeluTanh] {
        let mut out = vec![f32::NAN; 3]; // replaced, whatever it held
        pool.install(|| linear(&x, k, &w, &b, act, &mut out));
        let want: Vec<f64> = naive_linear(&x, k, &w, &b)
            .into_iter()
            .map(|v| match act {
                Act::None => v,
                Act::Relu => v.max(0.0),
                Act::Gelu => gelu(v),
                Act::GeluTanh => {
                    0.5 * v
                        * (1.0
                            + ((2.0 / std::f64::consts::PI).sqrt() * (v + 0.044715 * v.powi(3)))
                                .tanh())
                }
            })
            .collect();
        assert_close(&out, &want, 1e-5, &format!("{act:?}"));
    }
}

/// `linear_by_rows` or `linear_by_columns`.
type Split = fn(&[f32], usize, &[f32], &[f32], Act, &mut [MaybeUninit<f32>]);

/// Both ways `linear` splits the work between threads, on shapes whose rows and columns divide
/// unevenly (50 columns in blocks of 32 and 18; 301 rows in blocks of 101 and 99), and `linear`
/// itself on each side of the switch between them.
#[test]
fn linear_splits_by_rows_or_by_columns_alike() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let (k, n) = (19, 50);
    let (w, b) = (values(k * n, 5), values(n, 6));
    let few = 3 * ROWS_A_THREAD - 1;
    for rows in [1, 301, few, few + 1] {
        let x = values(rows * k, 7);
        let want: Vec<f64> = naive_linear(&x, k, &w, &b)
            .into_iter()
            .map(|v| v.max(0.0))
            .collect();
        let split = |f: Split| {
            let mut dst = vec![MaybeUninit::new(f32::NAN); rows * n];
            pool.install(|| f(&x, k, &w, &b, Act::Relu, &mut dst));
            dst.iter()
                .map(|v| unsafe { v.assume_init() })
                .collect::<Vec<f32>>()
        };
        assert_close(
            &split(linear_by_rows),
            &want,
            1e-5,
            &format!("{rows} rows by rows"),
        );
        assert_close(
            &split(linear_by_columns),
            &want,
            1e-5,
            &format!("{rows} rows by columns"),
        );
        let mut out = Vec::new();
        pool.install(|| linear(&x, k, &w, &b, Act::Relu, &mut out));
        assert_close(&out, &want, 1e-5, &format!("{rows} rows"));
    }
}

#[test]
fn attention_uses_only_each_sequences_real_tokens() {
    let (seq, heads, dim) = (5, 2, 4);
    let lengths = [5, 2, 0];
    let qkv = values(lengths.len() * seq * 3 * dim, 4);
    let mut out = vec![f32::NAN; 1];
    attention(&qkv, seq, &lengths, heads, dim, Queries::All, &mut out);
    let hd = dim / heads;
    let at = |b: usize, t: usize, part: usize, h: usize, d: usize| {
        qkv[(b * seq + t) * 3 * dim + part * dim + h * hd + d] as f64
    };
    let mut want = vec![0f64; lengths.len() * seq * dim];
    for (b, &len) in lengths.iter().enumerate() {
        for h in 0..heads {
            for i in 0..len {
                let scores: Vec<f64> = (0..len)
                    .map(|j| {
                        (0..hd)
                            .map(|d| at(b, i, 0, h, d) * at(b, j, 1, h, d))
                            .sum::<f64>()
                            / (hd as f64).sqrt()
                    })
                    .collect();
                let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
                let total: f64 = e.iter().sum();
                for d in 0..hd {
                    want[(b * seq + i) * dim + h * hd + d] =
                        (0..len).map(|j| e[j] / total * at(b, j, 2, h, d)).sum();
                }
            }
        }
    }
    // Padded rows (and the empty sequence) stay zero.
    assert_close(&out, &want, 1e-6, "context");

    // Only the first token's row of each sequence, from the same keys and values.
    attention(&qkv, seq, &lengths, heads, dim, Queries::First, &mut out);
    let firsts: Vec<f64> = want
        .chunks(seq * dim)
        .flat_map(|s| s[..dim].to_vec())
        .collect();
    assert_close(&out, &firsts, 1e-6, "first rows");
}

#[test]
fn add_layer_norm_normalises_the_sum() {
    let (rows, dim) = (5, 8);
    let (mut x, r) = (values(rows * dim, 5), values(rows * dim, 6));
    let (g, b) = (values(dim, 7), values(dim, 8));
    let want: Vec<f64> = (0..rows)
        .flat_map(|row| {
            let v: Vec<f64> = (0..dim)
                .map(|i| x[row * dim + i] as f64 + r[row * dim + i] as f64)
                .collect();
            let mean = v.iter().sum::<f64>() / dim as f64;
            let var = v.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / dim as f64;
            (0..dim)
                .map(|i| (v[i] - mean) / (var + 1e-12).sqrt() * g[i] as f64 + b[i] as f64)
                .collect::<Vec<_>>()
        })
        .collect();
    add_layer_norm(&mut x, &r, &g, &b, 1e-12);
    assert_close(&x, &want, 1e-5, "layer norm");
}

#[test]
fn empty_inputs_give_empty_outputs() {
    let mut out = vec![1.0; 4];
    linear(&[], 3, &values(6, 9), &values(2, 10), Act::Gelu, &mut out);
    assert!(out.is_empty());
    let mut x: Vec<f32> = Vec::new();
    add_layer_norm(&mut x, &[], &[1.0; 4], &[0.0; 4], 1e-12);
    attention(&[], 4, &[], 2, 4, Queries::All, &mut out);
    assert!(out.is_empty());
}

#[test]
fn exp_keeps_nan_and_saturates() {
    assert!(exp(f32::NAN).is_nan());
    assert!(exp(-1000.0) < 1e-37);
    assert!(exp(1000.0) > 1e38 && exp(1000.0).is_finite());
    assert_eq!(exp(0.0), 1.0);
}

#[test]
fn dot_is_the_plain_sum_of_products_at_every_length() {
    // Lengths below, at and past a multiple of the 16 lanes, so the tail is used and skipped.
    for n in [0, 1, 15, 16, 17, 384, 389] {
        let (a, b) = (values(n, 11), values(n, 12));
        let want: f64 = a.iter().zip(&b).map(|(&x, &y)| x as f64 * y as f64).sum();
        assert_close(&[dot(&a, &b)], &[want], 1e-5, &format!("dot of {n}"));
    }
}
