//! Encoder building blocks shared by BERT and DistilBERT (they differ in weight names and in where
//! the layer norms sit, not in the maths).

use candle_core::{DType, Module, Result, Storage, StorageRef, Tensor};
use candle_nn::{LayerNorm, VarBuilder, layer_norm};

use super::device::Kernels;
use reviewlens_kernels::{self as kernels, Act, Int8Scratch, QuantizedWeight, Queries};

/// A dense layer that multiplies a (batch, seq, in) input as one (batch·seq, in) matrix: one large
/// GEMM instead of a batch of small ones with a broadcast weight (what candle_nn::Linear does for 3-D
/// inputs), which is what makes batches pay off on the CPU.
pub struct Dense {
    weight_t: Tensor,
    bias: Tensor,
    /// The weight in int8 (`--dtype int8`), which the fused path then uses instead of `weight_t`.
    /// Boxed: most layers (the classifier heads, every layer in f32) have none.
    int8: Option<Box<QuantizedWeight>>,
}

impl Dense {
    pub fn load(in_dim: usize, out_dim: usize, vb: VarBuilder) -> Result<Self> {
        let weight = vb.get((out_dim, in_dim), "weight")?;
        Ok(Dense {
            // Transposed once at load, so every forward is a plain row-major matmul.
            weight_t: weight.t()?.contiguous()?,
            bias: vb.get(out_dim, "bias")?,
            int8: None,
        })
    }

    /// Several layers reading the same input as one, their outputs side by side: one GEMM for
    /// attention's query, key and value instead of three.
    fn concat(parts: &[Dense]) -> Result<Self> {
        let weights: Vec<&Tensor> = parts.iter().map(|d| &d.weight_t).collect();
        let biases: Vec<&Tensor> = parts.iter().map(|d| &d.bias).collect();
        Ok(Dense {
            weight_t: Tensor::cat(&weights, 1)?,
            bias: Tensor::cat(&biases, 0)?,
            int8: None,
        })
    }

    /// Quantizes the weight for the fused path (the f32 weight stays for candle's path, which a
    /// mask that is not right-padded falls back to).
    fn quantize(&mut self) -> Result<()> {
        let w = Cpu::borrow(&self.weight_t)?;
        let q = QuantizedWeight::new(w.get(), self.weight_t.dim(0)?);
        self.int8 = Some(Box::new(q));
        Ok(())
    }

    fn fused(
        &self,
        x: &[f32],
        act: Act,
        out: &mut Vec<f32>,
        scratch: &mut Int8Scratch,
    ) -> Result<()> {
        let b = Cpu::borrow(&self.bias)?;
        match &self.int8 {
            Some(w) => kernels::linear_int8(x, w, b.get(), act, out, scratch),
            None => {
                let w = Cpu::borrow(&self.weight_t)?;
                kernels::linear(x, self.weight_t.dim(0)?, w.get(), b.get(), act, out);
            }
        }
        Ok(())
    }
}

impl Module for Dense {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let dims = x.dims().to_vec();
        let (rows, inner) = match dims.as_slice() {
            [rows, inner] => (*rows, *inner),
            [lead @ .., inner] => (lead.iter().product(), *inner),
            [] => candle_core::bail!("a dense layer needs at least one dimension"),
        };
        let out = x
            .reshape((rows, inner))?
            .matmul(&self.weight_t)?
            .broadcast_add(&self.bias)?;
        let mut shape = dims;
        *shape.last_mut().expect("not empty") = out.dim(1)?;
        out.reshape(shape)
    }
}

/// The activations transformers' configs name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// "gelu": the exact, erf-based GELU (PyTorch's default).
    Gelu,
    /// "gelu_new", "gelu_pytorch_tanh", "gelu_fast": the tanh approximation.
    GeluTanh,
    Relu,
}

impl Activation {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "gelu" => Some(Self::Gelu),
            "gelu_new" | "gelu_pytorch_tanh" | "gelu_fast" => Some(Self::GeluTanh),
            "relu" => Some(Self::Relu),
            _ => None,
        }
    }

    fn fused(self) -> Act {
        match self {
            Self::Gelu => Act::Gelu,
            Self::GeluTanh => Act::GeluTanh,
            Self::Relu => Act::Relu,
        }
    }

    pub fn apply(self, x: &Tensor) -> Result<Tensor> {
        match self {
            Self::Gelu => x.gelu_erf(),
            Self::GeluTanh => x.gelu(),
            Self::Relu => x.relu(),
        }
    }
}

/// Multi-head self-attention: `q`, `k`, `v` projections, scaled dot product, output projection.
pub struct SelfAttention {
    /// Query, key and value projections side by side (hidden → 3 · hidden).
    qkv: Dense,
    out: Dense,
    heads: usize,
    head_dim: usize,
}

impl SelfAttention {
    /// `names`: the weight names of (query, key, value, output) under `vb`.
    pub fn load(vb: &VarBuilder, dim: usize, heads: usize, names: [&str; 4]) -> Result<Self> {
        if heads == 0 || !dim.is_multiple_of(heads) {
            candle_core::bail!(
                "hidden size {dim} is not a multiple of the {heads} attention heads"
            );
        }
        let part = |name: &str| Dense::load(dim, dim, vb.pp(name));
        Ok(SelfAttention {
            qkv: Dense::concat(&[part(names[0])?, part(names[1])?, part(names[2])?])?,
            out: Dense::load(dim, dim, vb.pp(names[3]))?,
            heads,
            head_dim: dim / heads,
        })
    }

    /// `x`: (batch, seq, dim); `mask`: additive, (batch, 1, 1, seq), 0 to keep, a large negative to drop.
    pub fn forward(&self, x: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let (b, s, dim) = x.dims3()?;
        let qkv = self.qkv.forward(x)?;
        let split = |i: usize| -> Result<Tensor> {
            qkv.narrow(2, i * dim, dim)?
                .reshape((b, s, self.heads, self.head_dim))?
                .transpose(1, 2)?
                .contiguous()
        };
        let scale = 1.0 / (self.head_dim as f64).sqrt();
        let q = (split(0)? * scale)?;
        let (k, v) = (split(1)?, split(2)?);
        let scores = q.matmul(&k.t()?)?.broadcast_add(mask)?;
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        let context = probs.matmul(&v)?.transpose(1, 2)?.reshape((b, s, dim))?;
        self.out.forward(&context)
    }
}

/// Position-wise feed-forward: `up`, activation, `down`.
pub struct FeedForward {
    up: Dense,
    down: Dense,
    activation: Activation,
}

impl FeedForward {
    pub fn load(
        up: VarBuilder,
        down: VarBuilder,
        dim: usize,
        hidden: usize,
        activation: Activation,
    ) -> Result<Self> {
        Ok(FeedForward {
            up: Dense::load(dim, hidden, up)?,
            down: Dense::load(hidden, dim, down)?,
            activation,
        })
    }

    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.down
            .forward(&self.activation.apply(&self.up.forward(x)?)?)
    }
}

/// A post-norm transformer layer, the shape both BERT and DistilBERT use:
/// `x = norm1(x + attention(x))`, then `x = norm2(x + ffn(x))`.
pub struct EncoderLayer {
    pub attention: SelfAttention,
    pub attention_norm: LayerNorm,
    pub ffn: FeedForward,
    pub output_norm: LayerNorm,
}

impl EncoderLayer {
    pub fn forward(&self, x: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let x = self
            .attention_norm
            .forward(&(self.attention.forward(x, mask)? + x)?)?;
        self.output_norm.forward(&(self.ffn.forward(&x)? + x)?)
    }

    /// The same layer through the fused CPU kernels: `x` is (batch · seq) × hidden, replaced by
    /// the layer's output, which with [`Queries::First`] is each sequence's first token only
    /// (batch × hidden).
    fn forward_fused(
        &self,
        x: &mut Vec<f32>,
        seq: usize,
        lengths: &[usize],
        queries: Queries,
        ws: &mut Workspace,
    ) -> Result<()> {
        let att = &self.attention;
        let dim = att.heads * att.head_dim;
        att.qkv.fused(x, Act::None, &mut ws.qkv, &mut ws.int8)?;
        kernels::attention(
            &ws.qkv,
            seq,
            lengths,
            att.heads,
            dim,
            queries,
            &mut ws.context,
        );
        if queries == Queries::First {
            // The residual is the first tokens' rows.
            let firsts: Vec<f32> = x
                .chunks_exact(seq * dim)
                .flat_map(|s| &s[..dim])
                .copied()
                .collect();
            *x = firsts;
        }
        att.out
            .fused(&ws.context, Act::None, &mut ws.h, &mut ws.int8)?;
        fused_norm(&self.attention_norm, &mut ws.h, x)?;
        let act = self.ffn.activation.fused();
        self.ffn.up.fused(&ws.h, act, &mut ws.up, &mut ws.int8)?;
        self.ffn.down.fused(&ws.up, Act::None, x, &mut ws.int8)?;
        fused_norm(&self.output_norm, x, &ws.h)
    }
}

/// The fused layers' intermediate buffers, kept from batch to batch: fresh allocations of this
/// size come back from the allocator as new pages, and faulting them in cost 6% of the time.
#[derive(Default)]
pub struct Workspace {
    qkv: Vec<f32>,
    context: Vec<f32>,
    h: Vec<f32>,
    up: Vec<f32>,
    int8: Int8Scratch,
}

fn fused_norm(norm: &LayerNorm, x: &mut [f32], residual: &[f32]) -> Result<()> {
    let gamma = Cpu::borrow(norm.weight())?;
    let beta = match norm.bias() {
        Some(b) => Cpu::borrow(b)?,
        None => candle_core::bail!("the fused layer norm needs a bias"),
    };
    kernels::add_layer_norm(x, residual, gamma.get(), beta.get(), norm.eps() as f32);
    Ok(())
}

/// The encoder's layers, run through the fused CPU kernels when the hidden states are F32 on the
/// CPU (and `--kernels` was not set to candle), else op by op through candle (CUDA, F16, BF16).
pub struct Stack {
    layers: Vec<EncoderLayer>,
    kernels: Kernels,
    /// Only the fused path uses it; one model serves one batch at a time, so it is never contended.
    workspace: std::sync::Mutex<Workspace>,
}

impl Stack {
    pub fn new(layers: Vec<EncoderLayer>, kernels: Kernels) -> Self {
        Stack {
            layers,
            kernels,
            workspace: Default::default(),
        }
    }

    /// Every layer's four dense layers (query/key/value, attention output, up, down) to int8.
    pub fn quantize(&mut self) -> Result<()> {
        for layer in &mut self.layers {
            let (att, ffn) = (&mut layer.attention, &mut layer.ffn);
            for dense in [&mut att.qkv, &mut att.out, &mut ffn.up, &mut ffn.down] {
                dense.quantize()?;
            }
        }
        Ok(())
    }

    /// `x`: (batch, seq, hidden) embeddings; `attention_mask`: (batch, seq) u32, 1 = real token.
    /// Returns every token's hidden state, (batch, seq, hidden).
    pub fn forward(&self, x: Tensor, attention_mask: &Tensor) -> Result<Tensor> {
        self.run(x, attention_mask, Queries::All)
    }

    /// Only each sequence's first token's hidden state, (batch, hidden): what a classifier reads.
    /// The fused path computes the last layer for that token alone (its query, key and value
    /// projections still for every token): about an eighth less work in a six-layer model.
    pub fn forward_first(&self, x: Tensor, attention_mask: &Tensor) -> Result<Tensor> {
        self.run(x, attention_mask, Queries::First)
    }

    fn run(&self, x: Tensor, attention_mask: &Tensor, last: Queries) -> Result<Tensor> {
        if self.kernels == Kernels::Fused
            && x.device().is_cpu()
            && x.dtype() == DType::F32
            && x.elem_count() > 0
            && !self.layers.is_empty()
            && let Some(lengths) = right_padded_lengths(attention_mask)?
        {
            let (b, seq, hidden) = x.dims3()?;
            let mut h = x.flatten_all()?.to_vec1::<f32>()?;
            let mut guard = self.workspace.lock().unwrap_or_else(|e| e.into_inner());
            let ws: &mut Workspace = &mut guard;
            // candle's own pool, so its ops and ours never have twice as many busy threads as cores.
            candle_core::utils::with_threadpool(|| -> Result<()> {
                let n = self.layers.len();
                for (i, layer) in self.layers.iter().enumerate() {
                    let queries = if i + 1 == n { last } else { Queries::All };
                    layer.forward_fused(&mut h, seq, &lengths, queries, ws)?;
                }
                Ok(())
            })?;
            // The last layer ran for the first tokens alone when asked to.
            return match last {
                Queries::First => Tensor::from_vec(h, (b, hidden), x.device()),
                Queries::All => Tensor::from_vec(h, (b, seq, hidden), x.device()),
            };
        }
        let mask = additive_mask(attention_mask, x.dtype())?;
        let mut x = x;
        for layer in &self.layers {
            x = layer.forward(&x, &mask)?;
        }
        match last {
            Queries::All => Ok(x),
            Queries::First => x.narrow(1, 0, 1)?.squeeze(1),
        }
    }
}

/// Real tokens per row when every row is ones then zeros (how the tokenizer pads); `None` for any
/// other mask, which the op-by-op path handles.
fn right_padded_lengths(attention_mask: &Tensor) -> Result<Option<Vec<usize>>> {
    let rows = attention_mask.to_dtype(DType::U32)?.to_vec2::<u32>()?;
    Ok(rows
        .iter()
        .map(|row| {
            let len = row.iter().take_while(|&&m| m != 0).count();
            row[len..].iter().all(|&m| m == 0).then_some(len)
        })
        .collect())
}

/// A contiguous F32 CPU tensor's data, borrowed for as long as this lives.
struct Cpu<'a> {
    storage: StorageRef<'a>,
    range: std::ops::Range<usize>,
}

impl<'a> Cpu<'a> {
    fn borrow(t: &'a Tensor) -> Result<Self> {
        let (storage, layout) = t.storage_and_layout();
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("the fused kernels need contiguous tensors");
        };
        match &*storage {
            Storage::Cpu(cpu) => {
                cpu.as_slice::<f32>()?;
            }
            _ => candle_core::bail!("the fused kernels run on the CPU only"),
        }
        Ok(Cpu {
            storage,
            range: start..end,
        })
    }

    fn get(&self) -> &[f32] {
        match &*self.storage {
            Storage::Cpu(cpu) => {
                &cpu.as_slice::<f32>().expect("checked in borrow")[self.range.clone()]
            }
            _ => unreachable!("checked in borrow"),
        }
    }
}

pub fn norm(dim: usize, eps: f64, vb: VarBuilder) -> Result<LayerNorm> {
    layer_norm(dim, eps, vb)
}

/// A tokenizer's attention mask (batch, seq; 1 = real token) as the additive mask attention wants:
/// (batch, 1, 1, seq), 0 where kept and the dtype's most negative value where padded.
pub fn additive_mask(attention_mask: &Tensor, dtype: DType) -> Result<Tensor> {
    let (b, s) = attention_mask.dims2()?;
    let negative = match dtype {
        DType::F16 => -65504.0,
        DType::BF16 => -3.38e38,
        _ => f32::MIN as f64,
    };
    let keep = attention_mask.to_dtype(DType::F32)?;
    ((keep - 1.0)? * -negative)?
        .to_dtype(dtype)?
        .reshape((b, 1, 1, s))
}
