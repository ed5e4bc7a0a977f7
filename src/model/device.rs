//! Where the model runs. `auto` takes CUDA when this build has it and a device answers, else the CPU,
//! and says why; an explicit `cuda` that cannot be had is an error.

use candle_core::{DType, Device};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DevicePref {
    #[default]
    Auto,
    Cpu,
    Cuda(usize),
}

impl std::str::FromStr for DevicePref {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "auto" => Ok(Self::Auto),
            "cpu" => Ok(Self::Cpu),
            "cuda" => Ok(Self::Cuda(0)),
            _ => s
                .strip_prefix("cuda:")
                .and_then(|n| n.parse().ok())
                .map(Self::Cuda)
                .ok_or_else(|| format!("\"{s}\" is not auto, cpu, cuda or cuda:N")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DTypePref {
    #[default]
    F32,
    F16,
    Bf16,
}

impl std::str::FromStr for DTypePref {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "f32" | "fp32" | "float32" => Ok(Self::F32),
            "f16" | "fp16" | "float16" => Ok(Self::F16),
            "bf16" | "bfloat16" => Ok(Self::Bf16),
            _ => Err(format!("\"{s}\" is not f32, f16 or bf16")),
        }
    }
}

/// How the encoder runs on the CPU in F32: our fused kernels (`crates/kernels`), or candle's
/// ops one at a time (what CUDA, F16 and BF16 always use). `candle` is there to compare the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kernels {
    #[default]
    Fused,
    Candle,
}

impl std::str::FromStr for Kernels {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "fused" => Ok(Self::Fused),
            "candle" => Ok(Self::Candle),
            _ => Err(format!("\"{s}\" is not fused or candle")),
        }
    }
}

/// The device and dtype to use, and a note for the status bar when `auto` fell back to the CPU.
pub fn select(device: DevicePref, dtype: DTypePref) -> Result<(Device, DType, Option<String>)> {
    check_rayon_threads()?;
    let (dev, note) = match device {
        DevicePref::Cpu => (Device::Cpu, None),
        DevicePref::Cuda(n) => (cuda(n).map_err(|why| Error::input("--device", why))?, None),
        DevicePref::Auto => match cuda(0) {
            Ok(dev) => (dev, None),
            Err(why) => (
                Device::Cpu,
                cfg!(feature = "cuda").then(|| format!("CPU fallback: {why}")),
            ),
        },
    };
    let dtype = match (dtype, dev.is_cpu()) {
        (DTypePref::F32, _) => DType::F32,
        (_, true) => {
            return Err(Error::input(
                "--dtype",
                "f16 and bf16 run on CUDA only; on the CPU use f32 (the default)",
            ));
        }
        (DTypePref::F16, false) => DType::F16,
        (DTypePref::Bf16, false) => DType::BF16,
    };
    Ok((dev, dtype, note))
}

/// `RAYON_NUM_THREADS` past 8 threads a core (and past 64) is refused before any runs: the
/// kernels would start that many threads, which only slows them, and at 20,000 the thread pool
/// fails to start and panics a minute in. Rayon itself ignores a value that is not a number.
fn check_rayon_threads() -> Result<()> {
    let Ok(text) = std::env::var("RAYON_NUM_THREADS") else {
        return Ok(());
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let most = (8 * cores).max(64);
    match text.trim().parse::<usize>() {
        Ok(n) if n > most => Err(Error::input(
            "RAYON_NUM_THREADS",
            format!(
                "{n} threads on {cores} cores would only slow the model down; set at most {most} (or unset it: one a core)"
            ),
        )),
        _ => Ok(()),
    }
}

#[cfg(feature = "cuda")]
fn cuda(n: usize) -> std::result::Result<Device, String> {
    Device::new_cuda(n).map_err(|e| format!("no CUDA device {n} ({})", first_line(&e.to_string())))
}

#[cfg(not(feature = "cuda"))]
fn cuda(_: usize) -> std::result::Result<Device, String> {
    Err("this build has no CUDA support; rebuild with `--features cuda` (see README)".into())
}

#[cfg(feature = "cuda")]
fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// What the status bar shows: "cpu f32", "cuda:0 f16".
pub fn label(device: &Device, dtype: DType) -> String {
    format!("{} {}", describe(device), dtype_name(dtype))
}

/// Rows per batch unless `--batch-size` says otherwise. On 2 CPU cores 8 to 16 is fastest (larger
/// batches pad more and leave the cache); on an H100, 128 is within 8% of the best in F32 and F16
/// while 16 leaves half the card idle (`benches/results/gpu-h100-*`).
pub fn default_batch_size(device: &Device) -> usize {
    if device.is_cuda() { 128 } else { 16 }
}

/// "cpu" or "cuda:0", for the status bar.
pub fn describe(device: &Device) -> String {
    match device.location() {
        candle_core::DeviceLocation::Cpu => "cpu".into(),
        candle_core::DeviceLocation::Cuda { gpu_id } => format!("cuda:{gpu_id}"),
        candle_core::DeviceLocation::Metal { gpu_id } => format!("metal:{gpu_id}"),
    }
}

pub fn dtype_name(dtype: DType) -> &'static str {
    match dtype {
        DType::F16 => "f16",
        DType::BF16 => "bf16",
        _ => "f32",
    }
}
