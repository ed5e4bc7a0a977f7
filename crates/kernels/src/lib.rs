//! Fused F32 kernels for the encoder on the CPU, on plain row-major slices.
//!
//! candle runs a layer as a dozen separate ops (matmul, bias add, erf, transposes, mask add,
//! softmax, residual add, layer norm), each a pass over memory with its own allocation and thread
//! barrier; perf put two thirds of MiniLM's time outside the GEMMs, much of it in scalar libm `erff`
//! and `expf`. Here a dense layer is one GEMM per thread with the bias folded into the output and the
//! activation applied while the rows are still in cache, attention runs one (sequence, head) per
//! task over only the real tokens, and the residual add is fused into the layer norm. The maths is
//! transformers'; reviewlens' `tests/model_parity.rs` and `tests/minilm.rs` hold it to the PyTorch
//! and sentence-transformers goldens.

use gemm::{Parallelism, gemm};

mod int8;
pub use int8::{
    Int8Scratch, QuantizedWeight, int8_kernel, linear_int8, quantize_row, weight_levels,
};

use multiversion::multiversion;
use rayon::prelude::*;

/// The SIMD code these kernels run on this CPU, for logs and benchmarks: the f32 level (the
/// `gemm` crate's kernels and our element-wise loops pick the widest the CPU has) and the int8
/// GEMM, e.g. "f32 AVX-512, int8 x86_64-u8i8i32-avx512 (VNNI: no saturation, 8-bit weights)".
pub fn describe() -> String {
    format!("f32 {}, int8 {}", f32_level(), int8_kernel())
}

fn f32_level() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            return "AVX-512";
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            return "AVX2+FMA";
        }
    }
    #[cfg(target_arch = "aarch64")]
    return "NEON";
    #[allow(unreachable_code)]
    "no SIMD past the baseline"
}

/// What follows a dense layer's bias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    None,
    /// The exact, erf-based GELU.
    Gelu,
    /// The tanh approximation.
    GeluTanh,
    Relu,
}

/// A `*mut f32` that parallel tasks may share because each writes its own disjoint rows.
#[derive(Clone, Copy)]
struct SharedOut(*mut f32);
unsafe impl Send for SharedOut {}
unsafe impl Sync for SharedOut {}

impl SharedOut {
    /// A method, not a field access, so closures capture the whole (Sync) wrapper.
    fn at(&self, offset: usize) -> *mut f32 {
        self.0.wrapping_add(offset)
    }
}

/// A read-only matrix in memory: its shape, its first element and the steps (in elements) to the
/// next row and the next column, so transposes and column slices need no copy.
#[derive(Clone, Copy)]
struct View {
    ptr: *const f32,
    rows: usize,
    cols: usize,
    row_step: usize,
    col_step: usize,
}

impl View {
    /// Rows `row_step` apart, columns adjacent.
    fn rows(ptr: *const f32, rows: usize, cols: usize, row_step: usize) -> Self {
        View {
            ptr,
            rows,
            cols,
            row_step,
            col_step: 1,
        }
    }
}

/// `dst = scale · lhs · rhs` on this thread; dst has lhs's rows and rhs's columns, its rows
/// `dst_row` apart and its columns adjacent. dst is only written, never read.
///
/// # Safety
/// Every element the views and dst describe must be in bounds, and dst must not overlap them.
unsafe fn matmul(dst: *mut f32, dst_row: usize, lhs: View, rhs: View, scale: f32) {
    debug_assert_eq!(lhs.cols, rhs.rows, "inner dimensions differ");
    // SAFETY: the caller's promise; read_dst false means dst's old contents are ignored.
    unsafe {
        gemm(
            lhs.rows,
            rhs.cols,
            lhs.cols,
            dst,
            1,
            dst_row as isize,
            false,
            lhs.ptr,
            lhs.col_step as isize,
            lhs.row_step as isize,
            rhs.ptr,
            rhs.col_step as isize,
            rhs.row_step as isize,
            0.0,
            scale,
            false,
            false,
            false,
            Parallelism::None,
        )
    }
}

/// `act(x · w + bias)`: `x` is rows × k, `w` k × n (the transposed weight), `bias` n long.
/// The work is split into one block per thread; each block is a single-threaded GEMM (no thread
/// waits on another inside it), then one pass adds the bias and applies the activation while the
/// block is still in cache. The result replaces `out`'s contents, reusing its allocation.
///
/// Each GEMM packs the part of the weight it reads. Split by rows, every thread packs the whole
/// weight, which for a short batch (a review alone: ~100 rows, 50 a thread) costs as much as the
/// multiplication; below [`ROWS_A_THREAD`] rows a thread the columns are split instead, so each
/// thread packs only its share.
pub fn linear(x: &[f32], k: usize, w: &[f32], bias: &[f32], act: Act, out: &mut Vec<f32>) {
    let n = bias.len();
    out.clear();
    if x.is_empty() || n == 0 {
        return; // nothing to multiply (and k = 0 would divide by zero below)
    }
    assert_eq!(w.len(), k * n, "weight is not k × n");
    assert_eq!(x.len() % k, 0, "input is not rows × k");
    let rows = x.len() / k;
    out.reserve(rows * n);
    let threads = rayon::current_num_threads();
    let split = if threads > 1 && rows < threads * ROWS_A_THREAD {
        linear_by_columns
    } else {
        linear_by_rows
    };
    split(
        x,
        k,
        w,
        bias,
        act,
        &mut out.spare_capacity_mut()[..rows * n],
    );
    // SAFETY: both write every element of 0..rows · n.
    unsafe { out.set_len(rows * n) };
}

/// Below this many rows a thread, [`linear`] splits the weight's columns between threads.
pub const ROWS_A_THREAD: usize = 128;

/// [`linear`] with one block of rows a thread; writes every element of `dst` (rows × n).
pub fn linear_by_rows(
    x: &[f32],
    k: usize,
    w: &[f32],
    bias: &[f32],
    act: Act,
    dst: &mut [std::mem::MaybeUninit<f32>],
) {
    let (n, rows) = (bias.len(), x.len() / k);
    let block = rows.div_ceil(rayon::current_num_threads()).max(1);
    dst.par_chunks_mut(block * n)
        .zip(x.par_chunks(block * k))
        .for_each(|(dst, src)| {
            let m = src.len() / k;
            // SAFETY: dst is m × n, src m × k and w k × n, all row-major and in bounds; with
            // read_dst false the GEMM only writes dst, every element of it.
            let dst = unsafe {
                let x = View::rows(src.as_ptr(), m, k, k);
                let w = View::rows(w.as_ptr(), k, n, n);
                matmul(dst.as_mut_ptr().cast::<f32>(), n, x, w, 1.0);
                std::slice::from_raw_parts_mut(dst.as_mut_ptr().cast::<f32>(), dst.len())
            };
            for row in dst.chunks_exact_mut(n) {
                bias_act(row, bias, act);
            }
        });
}

/// [`linear`] with one block of columns a thread (a multiple of 16, one AVX-512 register);
/// writes every element of `dst` (rows × n).
pub fn linear_by_columns(
    x: &[f32],
    k: usize,
    w: &[f32],
    bias: &[f32],
    act: Act,
    dst: &mut [std::mem::MaybeUninit<f32>],
) {
    let (n, rows) = (bias.len(), x.len() / k);
    let width = n
        .div_ceil(rayon::current_num_threads())
        .next_multiple_of(16)
        .min(n);
    let shared = SharedOut(dst.as_mut_ptr().cast::<f32>());
    (0..n.div_ceil(width)).into_par_iter().for_each(|block| {
        let (start, end) = (block * width, ((block + 1) * width).min(n));
        // SAFETY: x is rows × k and w k × n, row-major; this task writes columns start..end of
        // dst's rows × n (rows n apart) and no other task writes them; read_dst false means the
        // GEMM only writes them, every one.
        unsafe {
            let src = View::rows(x.as_ptr(), rows, k, k);
            let w = View::rows(w.as_ptr().add(start), k, end - start, n);
            matmul(shared.at(start), n, src, w, 1.0);
            for r in 0..rows {
                let row = std::slice::from_raw_parts_mut(shared.at(r * n + start), end - start);
                bias_act(row, &bias[start..end], act);
            }
        }
    });
}

/// `out = a · bᵀ` on this thread: every row of `a` against every row of `b`, both row-major with
/// `dim` values a row; `out` is a.rows × b.rows, row-major. The caller splits the work between
/// threads (the exact neighbour search runs one tile per task).
pub fn products(a: &[f32], b: &[f32], dim: usize, out: &mut [f32]) {
    let (m, n) = (a.len() / dim.max(1), b.len() / dim.max(1));
    assert!(
        a.len() == m * dim && b.len() == n * dim,
        "rows are not dim long"
    );
    assert_eq!(out.len(), m * n, "out is not a.rows × b.rows");
    if m == 0 || n == 0 || dim == 0 {
        out.fill(0.0);
        return;
    }
    // SAFETY: a is m × dim, b (read as its transpose, dim × n) n × dim and out m × n, all in bounds
    // and out apart from both.
    unsafe {
        let lhs = View::rows(a.as_ptr(), m, dim, dim);
        let rhs = View {
            ptr: b.as_ptr(),
            rows: dim,
            cols: n,
            row_step: 1,
            col_step: dim,
        };
        matmul(out.as_mut_ptr(), n, lhs, rhs, 1.0);
    }
}

/// Which query rows attention computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queries {
    All,
    /// Only each sequence's first token: a classifier's last layer needs nothing else (`[CLS]`),
    /// while its keys and values still come from every token.
    First,
}

/// Scaled dot-product attention for every sequence and head.
/// `qkv`: (batch · seq) rows of `[q | k | v]`, each `dim` wide; `lengths`: real tokens per sequence
/// (padding is on the right, as the tokenizer pads). Keys past a sequence's length are left out of
/// its softmax, which is what transformers' additive mask of the dtype's minimum amounts to; rows
/// past it are padding, never read by the pooling or the classifier, and are left at zero. The
/// result replaces `out`'s contents: (batch · seq) × dim rows, or batch × dim with
/// [`Queries::First`].
pub fn attention(
    qkv: &[f32],
    seq: usize,
    lengths: &[usize],
    heads: usize,
    dim: usize,
    queries: Queries,
    out: &mut Vec<f32>,
) {
    let width = 3 * dim;
    assert_eq!(
        qkv.len(),
        lengths.len() * seq * width,
        "qkv is not (batch · seq) × 3·dim"
    );
    assert!(
        heads > 0 && dim.is_multiple_of(heads),
        "dim is not a multiple of heads"
    );
    let head_dim = dim / heads;
    let scale = 1.0 / (head_dim as f32).sqrt();
    let rows_out = match queries {
        Queries::All => seq,
        Queries::First => 1,
    };
    out.clear();
    out.resize(lengths.len() * rows_out * dim, 0.0);
    let shared = SharedOut(out.as_mut_ptr());
    (0..lengths.len() * heads).into_par_iter().for_each(|task| {
        let (b, h) = (task / heads, task % heads);
        let len = lengths[b].min(seq);
        if len == 0 {
            return;
        }
        let base = b * seq * width + h * head_dim;
        let (q, k, v) = (&qkv[base..], &qkv[base + dim..], &qkv[base + 2 * dim..]);
        let m = len.min(rows_out);
        let mut scores = Vec::<f32>::with_capacity(m * len);
        // SAFETY: q, k and v rows are `width` apart and `len` ≤ seq of them exist from `base`;
        // scores is m × len; this task's output block (rows b·rows_out.., columns h·head_dim..)
        // is written by no other task.
        unsafe {
            // scores = scale · q kᵀ: kᵀ's column j is k's row j.
            let q = View::rows(q.as_ptr(), m, head_dim, width);
            let kt = View {
                ptr: k.as_ptr(),
                rows: head_dim,
                cols: len,
                row_step: 1,
                col_step: width,
            };
            let out = scores.spare_capacity_mut().as_mut_ptr().cast::<f32>();
            matmul(out, len, q, kt, scale);
            // Written in full by the GEMM (read_dst false).
            scores.set_len(m * len);
            for row in scores.chunks_exact_mut(len) {
                softmax(row);
            }
            let dst = shared.at(b * rows_out * dim + h * head_dim);
            let p = View::rows(scores.as_ptr(), m, len, len);
            let v = View::rows(v.as_ptr(), len, head_dim, width);
            matmul(dst, dim, p, v, 1.0);
        }
    });
}

/// `x = layer_norm(x + residual) · gamma + beta`, row by row, in place.
pub fn add_layer_norm(x: &mut [f32], residual: &[f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let dim = gamma.len();
    assert_eq!(x.len(), residual.len(), "residual differs in size");
    if dim == 0 || x.is_empty() {
        return;
    }
    let block = (x.len() / dim)
        .div_ceil(rayon::current_num_threads())
        .max(1)
        * dim;
    x.par_chunks_mut(block)
        .zip(residual.par_chunks(block))
        .for_each(|(x, r)| {
            for (row, res) in x.chunks_exact_mut(dim).zip(r.chunks_exact(dim)) {
                norm_row(row, res, gamma, beta, eps);
            }
        });
}

#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx512bw",
    "x86_64+avx2+fma",
    "aarch64+neon"
))]
fn norm_row(row: &mut [f32], residual: &[f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let n = row.len() as f32;
    row.iter_mut().zip(residual).for_each(|(x, r)| *x += r);
    let mean = lane_sum(row, |x| x) / n;
    let var = lane_sum(row, |x| (x - mean) * (x - mean)) / n;
    let inv = 1.0 / (var + eps).sqrt();
    for ((x, g), b) in row.iter_mut().zip(gamma).zip(beta) {
        *x = (*x - mean) * inv * g + b;
    }
}

#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx512bw",
    "x86_64+avx2+fma",
    "aarch64+neon"
))]
fn bias_act(row: &mut [f32], bias: &[f32], act: Act) {
    let row = row.iter_mut().zip(bias);
    match act {
        Act::None => row.for_each(|(v, b)| *v += b),
        Act::Relu => row.for_each(|(v, b)| *v = (*v + b).max(0.0)),
        Act::Gelu => row.for_each(|(v, b)| *v = gelu(*v + b)),
        Act::GeluTanh => row.for_each(|(v, b)| *v = gelu_tanh(*v + b)),
    }
}

/// The activation alone, in place (the int8 path adds the bias as it scales the sums back).
#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx512bw",
    "x86_64+avx2+fma",
    "aarch64+neon"
))]
fn activate(row: &mut [f32], act: Act) {
    match act {
        Act::None => {}
        Act::Relu => row.iter_mut().for_each(|v| *v = v.max(0.0)),
        Act::Gelu => row.iter_mut().for_each(|v| *v = gelu(*v)),
        Act::GeluTanh => row.iter_mut().for_each(|v| *v = gelu_tanh(*v)),
    }
}

#[inline(always)]
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

#[inline(always)]
fn gelu_tanh(x: f32) -> f32 {
    const C: f32 = 0.797_884_6; // sqrt(2 / π)
    0.5 * x * (1.0 + tanh(C * (x + 0.044_715 * x * x * x)))
}

/// A softmax over one row, in place.
#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx512bw",
    "x86_64+avx2+fma",
    "aarch64+neon"
))]
fn softmax(row: &mut [f32]) {
    let max = lane_max(row);
    row.iter_mut().for_each(|v| *v = exp(*v - max));
    let inv = 1.0 / lane_sum(row, |v| v);
    row.iter_mut().for_each(|v| *v *= inv);
}

/// The dot product of two equally long rows (one accumulator per SIMD lane, so it vectorises): the
/// cosine similarity of unit rows, which the approximate neighbour index compares millions of times.
#[multiversion(targets(
    "x86_64+avx512f+avx512vl+avx512dq+avx512bw",
    "x86_64+avx2+fma",
    "aarch64+neon"
))]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len(), "rows of different lengths");
    let mut acc = [0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = (ca.remainder().iter().zip(cb.remainder()))
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for ((s, &x), &y) in acc.iter_mut().zip(x).zip(y) {
            *s += x * y;
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// Float reductions do not vectorise on their own (the compiler may not reorder the additions):
/// these keep one accumulator per SIMD lane.
pub(crate) const LANES: usize = 16;

#[inline(always)]
fn lane_sum(xs: &[f32], map: impl Fn(f32) -> f32) -> f32 {
    let mut acc = [0f32; LANES];
    let chunks = xs.chunks_exact(LANES);
    let tail: f32 = chunks.remainder().iter().map(|&x| map(x)).sum();
    for c in chunks {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a += map(x);
        }
    }
    acc.iter().sum::<f32>() + tail
}

#[inline(always)]
fn lane_max(xs: &[f32]) -> f32 {
    let mut acc = [f32::NEG_INFINITY; LANES];
    let chunks = xs.chunks_exact(LANES);
    let tail = chunks
        .remainder()
        .iter()
        .fold(f32::NEG_INFINITY, |m, &x| m.max(x));
    for c in chunks {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a = a.max(x);
        }
    }
    acc.iter().fold(tail, |m, &x| m.max(x))
}

/// e^x for f32, branch-free so loops over it vectorise: Cephes' `expf` (range reduction by ln 2,
/// degree-6 polynomial, about 1 ulp), with the input clamped to where the result is a normal float.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    // max/min (not clamp) and an unchecked conversion keep the loop in SIMD registers; a NaN is
    // clamped to a number here and put back at the end.
    #[allow(clippy::manual_clamp)] // clamp keeps NaN, which the conversion below must not see
    let c = x.max(-87.33).min(88.37);
    let n = (c * std::f32::consts::LOG2_E + 0.5).floor();
    let r = c - n * 0.693_359_4 - n * -2.121_944_4e-4;
    let p = ((((1.987_569_1e-4 * r + 1.398_2e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 0.166_666_65)
        * r
        + 0.5;
    let e = p * r * r + r + 1.0;
    // SAFETY: n is a whole number in -126..=127 after the clamp.
    let n = unsafe { n.to_int_unchecked::<i32>() };
    let e = e * f32::from_bits(((n + 127) as u32) << 23);
    if x.is_nan() { x } else { e }
}

/// erf for f32, branch-free: Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7, 5e-7 in f32 arithmetic), the
/// approximation PyTorch's vectorised CPU GELU uses.
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = ((((1.061_405_4 * t - 1.453_152_1) * t + 1.421_413_8) * t - 0.284_496_72) * t
        + 0.254_829_6)
        * t;
    (1.0 - poly * exp(-a * a)).copysign(x)
}

#[inline(always)]
fn tanh(x: f32) -> f32 {
    // 1 - 2 / (e^{2x} + 1): exact at both ends after the clamp inside exp.
    1.0 - 2.0 / (exp(2.0 * x) + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_and_erf_match_libm() {
        let mut worst = (0f32, 0f32);
        for i in -20_000..=20_000 {
            let x = i as f32 / 1000.0;
            let e = ((exp(x) - x.exp()) / x.exp()).abs();
            let f = (erf(x) - libm_erf(x)).abs();
            worst = (worst.0.max(e), worst.1.max(f));
        }
        assert!(worst.0 < 3e-7, "exp relative error {}", worst.0);
        assert!(worst.1 < 5e-7, "erf absolute error {}", worst.1);
    }

    /// erf in f64 from its Taylor series (no cancellation to speak of below 4); above 4 erf is
    /// 1 to within 2e-8.
    fn libm_erf(x: f32) -> f32 {
        let x = x as f64;
        if x.abs() >= 4.0 {
            return x.signum() as f32;
        }
        let (mut term, mut sum, mut n) = (x, x, 0.0);
        while term.abs() > 1e-17 {
            n += 1.0;
            term *= -x * x / n;
            sum += term / (2.0 * n + 1.0);
        }
        (sum * 2.0 / std::f64::consts::PI.sqrt()) as f32
    }

    #[test]
    fn softmax_sums_to_one_and_keeps_order() {
        let mut row = vec![1.0, 3.0, -2.0, 3.0, 1000.0 - 1000.0];
        softmax(&mut row);
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert_eq!(row[1], row[3]);
        assert!(row[1] > row[0] && row[0] > row[2]);
    }
}
