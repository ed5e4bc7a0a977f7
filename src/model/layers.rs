//! Encoder building blocks shared by BERT and DistilBERT (they differ in weight names and in where
//! the layer norms sit, not in the maths).

use candle_core::{DType, Module, Result, Tensor};
use candle_nn::{LayerNorm, VarBuilder, layer_norm};

/// A dense layer that multiplies a (batch, seq, in) input as one (batch·seq, in) matrix: one large
/// GEMM instead of a batch of small ones with a broadcast weight (what candle_nn::Linear does for 3-D
/// inputs), which is what makes batches pay off on the CPU.
#[derive(Debug, Clone)]
pub struct Dense {
    weight_t: Tensor,
    bias: Tensor,
}

impl Dense {
    pub fn load(in_dim: usize, out_dim: usize, vb: VarBuilder) -> Result<Self> {
        let weight = vb.get((out_dim, in_dim), "weight")?;
        Ok(Dense {
            // Transposed once at load, so every forward is a plain row-major matmul.
            weight_t: weight.t()?.contiguous()?,
            bias: vb.get(out_dim, "bias")?,
        })
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
    q: Dense,
    k: Dense,
    v: Dense,
    out: Dense,
    heads: usize,
    head_dim: usize,
}

impl SelfAttention {
    /// `names`: the weight names of (query, key, value, output) under `vb`.
    pub fn load(vb: &VarBuilder, dim: usize, heads: usize, names: [&str; 4]) -> Result<Self> {
        if heads == 0 || dim % heads != 0 {
            candle_core::bail!(
                "hidden size {dim} is not a multiple of the {heads} attention heads"
            );
        }
        Ok(SelfAttention {
            q: Dense::load(dim, dim, vb.pp(names[0]))?,
            k: Dense::load(dim, dim, vb.pp(names[1]))?,
            v: Dense::load(dim, dim, vb.pp(names[2]))?,
            out: Dense::load(dim, dim, vb.pp(names[3]))?,
            heads,
            head_dim: dim / heads,
        })
    }

    /// `x`: (batch, seq, dim); `mask`: additive, (batch, 1, 1, seq), 0 to keep, a large negative to drop.
    pub fn forward(&self, x: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let (b, s, dim) = x.dims3()?;
        let split = |t: Tensor| -> Result<Tensor> {
            t.reshape((b, s, self.heads, self.head_dim))?
                .transpose(1, 2)?
                .contiguous()
        };
        let scale = 1.0 / (self.head_dim as f64).sqrt();
        let q = split((self.q.forward(x)? * scale)?)?;
        let k = split(self.k.forward(x)?)?;
        let v = split(self.v.forward(x)?)?;
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
