//! The int8 dense layer against the exact product in f64, held to the error its rounding allows:
//! with x ≈ sa·(qx − z) (each value off by at most one step sa: half a step from rounding, half
//! more where the row's extreme is clamped) and w ≈ sw·qw (half a step sw/2), an output is off by at
//! most sw/2·Σ|x| + sa·Σ|w| + k·sa·sw/2. The same tests check that typical errors are far smaller
//! than that bound (so a kernel that rounded wrongly or mixed up scales would fail).

use reviewlens_kernels::{
    Act, Int8Scratch, QuantizedWeight, linear_int8, quantize_row, weight_levels,
};

/// Deterministic values in [-1, 1).
fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

/// Rows of different ranges and offsets, as layer outputs have (GELU's are mostly ≥ −0.17): every
/// row gets its own zero point, from 0 (all ≥ 0) to about 200.
fn rows_of_many_ranges(rows: usize, k: usize, seed: u64) -> Vec<f32> {
    let mut x = values(rows * k, seed);
    for (r, row) in x.chunks_exact_mut(k).enumerate() {
        let (scale, shift) = (0.2 + (r % 7) as f32, (r % 5) as f32 * 0.3 - 0.3);
        row.iter_mut().for_each(|v| *v = *v * scale + shift * scale);
    }
    x
}

/// (exact x·w + b in f64, the bound on each output's error) for a rows × k input.
fn exact_and_bound(x: &[f32], w: &[f32], b: &[f32], k: usize) -> (Vec<f64>, Vec<f64>) {
    let (n, rows) = (b.len(), x.len() / k);
    let levels = f64::from(weight_levels());
    let col_max: Vec<f64> = (0..n)
        .map(|c| {
            (0..k)
                .map(|j| w[j * n + c].abs() as f64)
                .fold(0.0, f64::max)
        })
        .collect();
    let (mut exact, mut bound) = (Vec::new(), Vec::new());
    for r in 0..rows {
        let row = &x[r * k..(r + 1) * k];
        let lo = row.iter().fold(0f32, |m, &v| m.min(v)) as f64;
        let hi = row.iter().fold(0f32, |m, &v| m.max(v)) as f64;
        let sa = (hi - lo) / 255.0;
        let abs_x: f64 = row.iter().map(|v| v.abs() as f64).sum();
        for c in 0..n {
            let sw = col_max[c] / levels;
            let abs_w: f64 = (0..k).map(|j| w[j * n + c].abs() as f64).sum();
            let dot: f64 = (0..k).map(|j| row[j] as f64 * w[j * n + c] as f64).sum();
            exact.push(dot + b[c] as f64);
            bound.push(sw / 2.0 * abs_x + sa * abs_w + k as f64 * sa * sw / 2.0 + 1e-5);
        }
    }
    (exact, bound)
}

fn run(x: &[f32], w: &QuantizedWeight, b: &[f32], act: Act) -> Vec<f32> {
    let mut out = vec![f32::NAN; 3]; // replaced, whatever it held
    linear_int8(x, w, b, act, &mut out, &mut Int8Scratch::default());
    out
}

#[test]
fn int8_linear_stays_within_its_rounding_bound_and_well_inside_it() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    // 1 row takes the GEMM's matrix-vector path; 37 rows split unevenly over 3 threads.
    for (rows, k, n) in [
        (1, 384, 96),
        (37, 384, 200),
        (9, 70, 33),
        (520, 32, 96),
        (520, 64, 32),
    ] {
        let (x, w, b) = (
            rows_of_many_ranges(rows, k, 1),
            values(k * n, 2),
            values(n, 3),
        );
        let q = QuantizedWeight::new(&w, k);
        assert_eq!((q.rows(), q.cols()), (k, n));
        let got = pool.install(|| run(&x, &q, &b, Act::None));
        let (exact, bound) = exact_and_bound(&x, &w, &b, k);
        assert_eq!(got.len(), rows * n);
        let (mut err2, mut val2) = (0.0, 0.0);
        for (i, ((&g, e), m)) in got.iter().zip(&exact).zip(&bound).enumerate() {
            let d = (g as f64 - e).abs();
            assert!(
                d <= *m,
                "{rows}×{k}×{n} [{i}]: {g} vs {e}, off by {d} > bound {m}"
            );
            err2 += d * d;
            val2 += e * e;
        }
        // Rounding errors are independent and partly cancel: for uniform values the typical error
        // is about 0.6% of the typical output (0.5–0.8% in these three), the worst case ~10%.
        let relative = (err2 / val2).sqrt();
        assert!(
            relative < 0.015,
            "{rows}×{k}×{n}: relative RMS error {relative}"
        );
    }
}

#[test]
fn int8_linear_applies_the_activation_after_the_bias() {
    let (rows, k, n) = (5, 64, 24);
    let (x, w, b) = (values(rows * k, 4), values(k * n, 5), values(n, 6));
    let q = QuantizedWeight::new(&w, k);
    let plain = run(&x, &q, &b, Act::None);
    let relu = run(&x, &q, &b, Act::Relu);
    for (p, r) in plain.iter().zip(&relu) {
        assert_eq!(*r, p.max(0.0));
    }
    assert!(plain.iter().any(|&v| v < 0.0), "some outputs are negative");
}

#[test]
fn quantized_rows_keep_zero_exact_and_their_extremes_within_a_step() {
    let x = [-0.3f32, 0.0, 1.7, 0.25, -0.01];
    let mut q = [0u8; 5];
    let (zero, scale) = quantize_row(&x, &mut q);
    assert!(
        (scale - 2.0 / 255.0).abs() < 1e-7,
        "range -0.3..1.7 in 255 steps: {scale}"
    );
    assert_eq!(q[1], zero, "0 is exactly the zero point");
    for (&v, &q) in x.iter().zip(&q) {
        let back = scale * (q as f32 - zero as f32);
        assert!((back - v).abs() <= scale, "{v} came back as {back}");
    }
    assert_eq!((q[0], q[2]), (0, 255), "the extremes use the whole range");

    // All positive: the range still starts at 0, so zero point 0.
    let (zero, _) = quantize_row(&[0.5, 2.0], &mut q[..2]);
    assert_eq!(zero, 0);
    // All zeros: no range; every value is the zero point and dequantizes to 0.
    let (zero, scale) = quantize_row(&[0.0; 3], &mut q[..3]);
    assert_eq!(scale * (q[0] as f32 - zero as f32), 0.0);
}

#[test]
fn a_nan_or_infinite_input_gives_nan_outputs_as_in_f32() {
    let (k, n) = (8, 4);
    let w = values(k * n, 7);
    let q = QuantizedWeight::new(&w, k);
    for bad in [f32::NAN, f32::INFINITY] {
        let mut x = values(2 * k, 8);
        x[3] = bad;
        let out = run(&x, &q, &[0.0; 4], Act::Gelu);
        assert!(
            out[..n].iter().all(|v| v.is_nan()),
            "row 0 held {bad}: {out:?}"
        );
        assert!(out[n..].iter().all(|v| v.is_finite()), "row 1 is fine");
    }
}

#[test]
fn a_zero_weight_column_gives_the_bias() {
    let (k, n) = (16, 3);
    let mut w = values(k * n, 9);
    for j in 0..k {
        w[j * n + 1] = 0.0;
    }
    let q = QuantizedWeight::new(&w, k);
    let out = run(&values(k, 10), &q, &[0.5, -2.0, 0.25], Act::None);
    assert_eq!(out[1], -2.0);
}
