//! Dense layers in int8: each weight column (output channel) quantized once, symmetric, to i8 with
//! its own scale; each input row quantized as it arrives, asymmetric, to u8 with its own scale and
//! zero point; the u8 × i8 products summed in i32 by rten-gemm (AVX-512 VNNI's `vpdpbusd` where
//! the CPU has it, `vpmaddubsw` + `vpmaddwd` on AVX2, NEON dot products on ARM), then scaled back to
//! f32, where the bias and the activation are applied as in [`crate::linear`]. Layer norm, softmax,
//! GELU and attention's own products stay in f32.
//!
//! The scheme is ONNX Runtime's dynamic quantization with per-channel weights (u8 activations, s8
//! weights). Without VNNI, `vpmaddubsw` adds two u8 × i8 products into an i16, which saturates past
//! 32,767 (255 · 127 · 2 = 64,770): there the weights use 7 bits (±63), ONNX Runtime's
//! `reduce_range`, so that no sum can overflow; see [`weight_levels`].
//!
//! rten-gemm takes per-row zero points for its left input, but (0.25 to 0.27) its packing gives
//! every 8-row panel after a block's first the first panel's zero points, so rows 8 and on come out
//! wrong. The zero points are applied here instead: Σ (q − z)·w = Σ q·w − z·Σ w, with each
//! column's Σ w kept with the weight.

use std::cell::OnceCell;
use std::mem::MaybeUninit;

use rayon::prelude::*;
use rten_gemm::{GemmExecutor, GemmInputA, GemmInputB, GemmUninitOptions, PackedBMatrix};
use rten_tensor::NdTensorView;

use crate::{Act, LANES, activate};

type Executor = GemmExecutor<u8, i8, i32>;

thread_local! {
    // An executor is Sync but not Send (its kernel is a `Box<dyn Kernel>`), so each thread that
    // calls the GEMM picks its own; every one picks the same kernel, so a matrix packed by one
    // suits all.
    static EXECUTOR: OnceCell<Executor> = const { OnceCell::new() };
}

fn with_executor<R>(f: impl FnOnce(&Executor) -> R) -> R {
    EXECUTOR.with(|cell| f(cell.get_or_init(Executor::default)))
}

/// The largest |value| a quantized weight takes: 127, or 63 where the CPU's int8 kernel adds
/// pairs of products in i16 (AVX2 or AVX-512 without VNNI) and a full-range weight could saturate.
pub fn weight_levels() -> i8 {
    if with_executor(Executor::may_saturate) {
        63
    } else {
        127
    }
}

/// The int8 GEMM this CPU runs, as a benchmark's machine line names it: rten-gemm's kernel name,
/// and whether it has VNNI (no saturation, 8-bit weights) or not (7-bit weights).
pub fn int8_kernel() -> String {
    with_executor(|e| {
        let how = match e.may_saturate() {
            true => "no VNNI: 7-bit weights",
            false => "VNNI: no saturation, 8-bit weights",
        };
        format!("{} ({how})", e.kernel_name())
    })
}

/// A k × n weight (in features × out features, row-major: the transposed weight a dense layer
/// multiplies by) in i8, packed for the GEMM, with each column's scale.
pub struct QuantizedWeight {
    packed: PackedBMatrix<i8>,
    /// `w[·, c] ≈ scales[c] · q[·, c]`.
    scales: Vec<f32>,
    /// `Σ q[·, c]`, for the inputs' zero points.
    sums: Vec<i32>,
    k: usize,
}

impl QuantizedWeight {
    /// `w` is k × n, row-major. Each column is scaled so that its largest |value| maps to
    /// [`weight_levels`] and rounded to the nearest step (ties to even).
    pub fn new(w: &[f32], k: usize) -> Self {
        assert!(k > 0 && w.len().is_multiple_of(k), "weight is not k × n");
        let n = w.len() / k;
        let levels = f32::from(weight_levels());
        let mut largest = vec![0f32; n];
        for row in w.chunks_exact(n) {
            largest
                .iter_mut()
                .zip(row)
                .for_each(|(m, v)| *m = m.max(v.abs()));
        }
        let scales: Vec<f32> = largest
            .iter()
            .map(|&m| if m > 0.0 { m / levels } else { 1.0 })
            .collect();
        let inverse: Vec<f32> = scales.iter().map(|s| 1.0 / s).collect();
        let q: Vec<i8> = w
            .chunks_exact(n)
            .flat_map(|row| row.iter().zip(&inverse))
            .map(|(v, inv)| (v * inv).round_ties_even().clamp(-levels, levels) as i8)
            .collect();
        let mut sums = vec![0i32; n];
        for row in q.chunks_exact(n) {
            sums.iter_mut()
                .zip(row)
                .for_each(|(s, &v)| *s += i32::from(v));
        }
        let packed = with_executor(|e| e.prepack_b(NdTensorView::from_data([k, n], &q[..])));
        QuantizedWeight {
            packed,
            scales,
            sums,
            k,
        }
    }

    /// Input features.
    pub fn rows(&self) -> usize {
        self.k
    }

    /// Output features.
    pub fn cols(&self) -> usize {
        self.scales.len()
    }
}

/// The buffers an int8 layer needs besides its output, kept from call to call (fresh pages cost
/// more than the quantization itself).
#[derive(Default)]
pub struct Int8Scratch {
    x: Vec<u8>,
    zero: Vec<u8>,
    scale: Vec<f32>,
    acc: Vec<i32>,
}

/// [`crate::linear`] with a quantized weight: `act(x · w + bias)`, `x` rows × k in f32, quantized
/// here row by row. The result replaces `out`'s contents.
pub fn linear_int8(
    x: &[f32],
    w: &QuantizedWeight,
    bias: &[f32],
    act: Act,
    out: &mut Vec<f32>,
    scratch: &mut Int8Scratch,
) {
    let (k, n) = (w.rows(), w.cols());
    assert_eq!(bias.len(), n, "bias is not n long");
    assert_eq!(x.len() % k, 0, "input is not rows × k");
    out.clear();
    let rows = x.len() / k;
    if rows == 0 {
        return;
    }
    quantize_rows(x, k, scratch);
    let Int8Scratch {
        x: qx,
        zero,
        scale,
        acc,
    } = scratch;
    acc.clear();
    acc.reserve(rows * n);
    let sums = with_executor(|e| {
        let a = GemmInputA::Unpacked(NdTensorView::from_data([rows, k], &qx[..]));
        let dst = &mut acc.spare_capacity_mut()[..rows * n];
        let opts = GemmUninitOptions::default();
        e.gemm_uninit(dst, a, GemmInputB::Packed(&w.packed), opts)
            .expect("shapes checked above")
    });
    out.reserve(rows * n);
    let block = rows.div_ceil(rayon::current_num_threads()).max(1);
    out.spare_capacity_mut()[..rows * n]
        .par_chunks_mut(block * n)
        .zip(sums.par_chunks(block * n))
        .zip(scale.par_chunks(block).zip(zero.par_chunks(block)))
        .for_each(|((dst, sums), (row_scales, zeros))| {
            let rows = dst.chunks_exact_mut(n).zip(sums.chunks_exact(n));
            for ((row, sums), (s, z)) in rows.zip(row_scales.iter().zip(zeros)) {
                let row = dequantize_row(row, sums, (*s, i32::from(*z)), w, bias);
                activate(row, act);
            }
        });
    // SAFETY: the blocks above cover 0..rows · n and each row was written in full.
    unsafe { out.set_len(rows * n) };
}

/// Each row of `x` to u8 with its own scale and zero point, into `scratch`.
fn quantize_rows(x: &[f32], k: usize, scratch: &mut Int8Scratch) {
    let rows = x.len() / k;
    scratch.x.resize(rows * k, 0);
    scratch.zero.resize(rows, 0);
    scratch.scale.resize(rows, 0.0);
    let block = rows.div_ceil(rayon::current_num_threads()).max(1);
    scratch
        .x
        .par_chunks_mut(block * k)
        .zip(x.par_chunks(block * k))
        .zip(scratch.zero.par_chunks_mut(block))
        .zip(scratch.scale.par_chunks_mut(block))
        .for_each(|(((q, x), zeros), scales)| {
            let rows = q.chunks_exact_mut(k).zip(x.chunks_exact(k));
            for ((q, x), (zero, scale)) in rows.zip(zeros.iter_mut().zip(scales.iter_mut())) {
                (*zero, *scale) = quantize_row(x, q);
            }
        });
}

/// One row to u8: the range [min(x, 0), max(x, 0)] in 255 steps (0 stays exactly representable,
/// so padding and ReLU zeros stay zero), `x ≈ scale · (q − zero)`. Returns (zero, scale).
#[multiversion::multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx512bw",
    "x86_64+avx2+fma",
    "aarch64+neon"
))]
pub fn quantize_row(x: &[f32], q: &mut [u8]) -> (u8, f32) {
    let (lo, hi, poison) = range(x);
    // `poison` is NaN for a NaN or an infinity in the row: such a row gives NaN outputs, as in
    // f32, which the model's callers report, instead of numbers quantization made up.
    if poison.is_nan() || hi - lo <= 0.0 {
        q.fill(0);
        return (0, if poison.is_nan() { f32::NAN } else { 1.0 });
    }
    let scale = (hi - lo) / 255.0;
    let zero = (-lo / scale).round_ties_even().clamp(0.0, 255.0);
    let inv = 1.0 / scale;
    for (q, v) in q.iter_mut().zip(x) {
        // Clamped before the unchecked conversion: the value is a number in 0..=255.
        let y = (v * inv + zero).round_ties_even().clamp(0.0, 255.0);
        // SAFETY: y is finite and within 0..=255 (the row holds no NaN or infinity).
        *q = unsafe { y.to_int_unchecked::<i32>() } as u8;
    }
    (zero as u8, scale)
}

/// (min(x, 0), max(x, 0), 0 or NaN when x holds a NaN or an infinity), one accumulator per SIMD
/// lane so the loop vectorises.
#[inline(always)]
fn range(x: &[f32]) -> (f32, f32, f32) {
    let (mut lo, mut hi, mut poison) = ([0f32; LANES], [0f32; LANES], [0f32; LANES]);
    let chunks = x.chunks_exact(LANES);
    let tail = chunks.remainder();
    for c in chunks {
        for i in 0..LANES {
            lo[i] = lo[i].min(c[i]);
            hi[i] = hi[i].max(c[i]);
            poison[i] += c[i] * 0.0;
        }
    }
    let fold = |acc: [f32; LANES], f: fn(f32, f32) -> f32, init: f32| {
        tail.iter().chain(&acc).fold(init, |a, &v| f(a, v))
    };
    let p = poison.iter().sum::<f32>() + tail.iter().map(|v| v * 0.0).sum::<f32>();
    (fold(lo, f32::min, 0.0), fold(hi, f32::max, 0.0), p)
}

/// `row = (Σ q·w − zero · Σ w) · row scale · column scale + bias`; `(scale, zero)` are the row's.
/// Writes every element of `row` and returns it.
fn dequantize_row<'a>(
    row: &'a mut [MaybeUninit<f32>],
    products: &[i32],
    (scale, zero): (f32, i32),
    w: &QuantizedWeight,
    bias: &[f32],
) -> &'a mut [f32] {
    assert_eq!(row.len(), w.sums.len(), "a row is n long");
    dequantize(row, products, (scale, zero), (&w.scales, &w.sums), bias);
    // SAFETY: dequantize wrote each of the row's elements (its zips stop at the shortest, and
    // products, scales and sums are n long as the row is).
    unsafe { std::slice::from_raw_parts_mut(row.as_mut_ptr().cast::<f32>(), row.len()) }
}

#[multiversion::multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx512bw",
    "x86_64+avx2+fma",
    "aarch64+neon"
))]
fn dequantize(
    row: &mut [MaybeUninit<f32>],
    products: &[i32],
    (scale, zero): (f32, i32),
    (scales, sums): (&[f32], &[i32]),
    bias: &[f32],
) {
    let columns = scales.iter().zip(sums).zip(bias);
    for ((v, &p), ((c, &s), b)) in row.iter_mut().zip(products).zip(columns) {
        v.write((p - zero * s) as f32 * scale * c + b);
    }
}
