//! rten-gemm's u8×i8→i32 GEMM (weights prepacked once, activations per-row zero points) against
//! the `gemm` crate's f32 GEMM on one thread (ours runs it one thread per row block), at the shapes
//! of a DistilBERT/MiniLM layer: 880 tokens × 384/768 in × 1536/3072 out, and a short batch.
//! Best of 15 after a warm-up; the int8 side runs on rayon's threads (`RAYON_NUM_THREADS`).

use std::time::Instant;

use rten_gemm::{GemmExecutor, GemmInputA, GemmInputB, GemmOptions, QuantParams};
use rten_tensor::NdTensorView;

fn best(mut f: impl FnMut()) -> f64 {
    f();
    (0..15)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

fn f32_gemm(m: usize, k: usize, n: usize) -> f64 {
    let a: Vec<f32> = (0..m * k)
        .map(|i| ((i * 7919) % 255) as f32 / 255.0 - 0.5)
        .collect();
    let b: Vec<f32> = (0..k * n)
        .map(|i| ((i * 104729) % 251) as f32 / 251.0 - 0.5)
        .collect();
    let mut c = vec![0f32; m * n];
    best(|| unsafe {
        // SAFETY: the pointers cover m×k, k×n and m×n row-major matrices.
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            1,
            n as isize,
            false,
            a.as_ptr(),
            1,
            k as isize,
            b.as_ptr(),
            1,
            n as isize,
            0.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    })
}

fn int8_gemm(m: usize, k: usize, n: usize) -> (f64, String) {
    let a: Vec<u8> = (0..m * k).map(|i| ((i * 7919) % 255) as u8).collect();
    let b: Vec<i8> = (0..k * n)
        .map(|i| (((i * 104729) % 255) as i32 - 127) as i8)
        .collect();
    let exec = GemmExecutor::<u8, i8, i32>::new();
    let packed = exec.prepack_b(NdTensorView::from_data([k, n], &b[..]));
    let (zero_a, zero_b) = (vec![128u8; m], vec![0i8; n]);
    let mut c = vec![0i32; m * n];
    let t = best(|| {
        let a = GemmInputA::Unpacked(NdTensorView::from_data([m, k], &a[..]));
        let opts = GemmOptions {
            a_quant: Some(QuantParams {
                zero_point: &zero_a,
            }),
            b_quant: Some(QuantParams {
                zero_point: &zero_b,
            }),
            ..Default::default()
        };
        exec.gemm(&mut c, a, GemmInputB::Packed(&packed), opts)
            .unwrap();
    });
    (t, exec.kernel_name().to_owned())
}

fn main() {
    for (m, k, n) in [
        (880, 384, 1536),
        (880, 1536, 384),
        (880, 768, 3072),
        (16, 768, 3072),
    ] {
        let ops = |t: f64| 2.0 * (m * n * k) as f64 / t / 1e9;
        let t32 = f32_gemm(m, k, n);
        let (t8, kernel) = int8_gemm(m, k, n);
        println!(
            "{m}×{k}×{n}: f32 {:.2} ms ({:.0} GFLOP/s) | int8 {kernel} {:.2} ms ({:.0} GOP/s) | {:.2}×",
            t32 * 1e3,
            ops(t32),
            t8 * 1e3,
            ops(t8),
            t32 / t8
        );
    }
}
