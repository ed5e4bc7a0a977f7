//! Where the model runs. `auto` takes CUDA when this build has it and a device answers, else the CPU,
//! and says why; an explicit `cuda` that cannot be had is an error.

use candle_core::{DType, Device};

use super::RunOptions;
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
    /// The encoder's dense layers in int8 on the CPU (`reviewlens_kernels::linear_int8`), the
    /// rest in f32.
    Int8,
}

impl std::str::FromStr for DTypePref {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "f32" | "fp32" | "float32" => Ok(Self::F32),
            "f16" | "fp16" | "float16" => Ok(Self::F16),
            "bf16" | "bfloat16" => Ok(Self::Bf16),
            "int8" | "i8" | "q8" => Ok(Self::Int8),
            _ => Err(format!("\"{s}\" is not f32, int8, f16 or bf16")),
        }
    }
}

impl DTypePref {
    /// What the caches key on. int8 outputs also depend on the weights' range, which is 7 bits on
    /// CPUs whose int8 kernel could saturate (see `reviewlens_kernels::weight_levels`).
    pub fn cache_name(self) -> String {
        match self {
            Self::Int8 => format!("Int8 w{}", reviewlens_kernels::weight_levels()),
            other => format!("{other:?}"),
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

/// Where and in what precision a model runs.
pub struct Selected {
    pub device: Device,
    /// The tensors' dtype (F32 for int8, whose weights are quantized after loading).
    pub dtype: DType,
    /// The encoder's dense layers run in int8.
    pub int8: bool,
    /// Why `auto` fell back to the CPU, for the status bar.
    pub note: Option<String>,
}

impl Selected {
    /// What the status bar shows: "cpu f32", "cpu int8", "cuda:0 f16".
    pub fn label(&self) -> String {
        let precision = if self.int8 {
            "int8"
        } else {
            dtype_name(self.dtype)
        };
        format!("{} {precision}", describe(&self.device))
    }

    /// What the embedding cache keys on: the label, with int8's weight range (see
    /// [`DTypePref::cache_name`]), which the label leaves out.
    pub fn cache_label(&self) -> String {
        match self.int8 {
            true => format!(
                "{} {}",
                describe(&self.device),
                DTypePref::Int8.cache_name()
            ),
            false => self.label(),
        }
    }
}

/// The device and dtype to use. int8 runs on the CPU through the fused kernels only: `auto` then
/// means the CPU, and `--device cuda` or `--kernels candle` with it are refused.
pub fn select(opts: &RunOptions) -> Result<Selected> {
    check_rayon_threads()?;
    if opts.dtype == DTypePref::Int8 {
        return int8(opts);
    }
    let (dev, note) = match opts.device {
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
    let dtype = match (opts.dtype, dev.is_cpu()) {
        (DTypePref::F32, _) => DType::F32,
        (_, true) => {
            return Err(Error::input(
                "--dtype",
                "f16 and bf16 run on CUDA only; on the CPU use f32 (the default) or int8",
            ));
        }
        (DTypePref::F16, false) => DType::F16,
        (_, false) => DType::BF16,
    };
    Ok(Selected {
        device: dev,
        dtype,
        int8: false,
        note,
    })
}

fn int8(opts: &RunOptions) -> Result<Selected> {
    if let DevicePref::Cuda(_) = opts.device {
        return Err(Error::input(
            "--dtype",
            "int8 runs on the CPU only; on CUDA use f16 or bf16 (or --device cpu)",
        ));
    }
    if opts.kernels == Kernels::Candle {
        return Err(Error::input(
            "--dtype",
            "int8 runs through the fused kernels; drop --kernels candle (or REVIEWLENS_KERNELS)",
        ));
    }
    Ok(Selected {
        device: Device::Cpu,
        dtype: DType::F32,
        int8: true,
        note: None,
    })
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
