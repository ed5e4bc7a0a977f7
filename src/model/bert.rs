//! `BertForSequenceClassification`, as transformers computes it: embeddings (word + position +
//! token type, LayerNorm), post-norm encoder layers, pooler (dense + tanh on `[CLS]`), classifier.

use candle_core::{Module, Result, Tensor};
use candle_nn::{Embedding, LayerNorm, VarBuilder, embedding};
use serde::Deserialize;

use super::device::Kernels;
use super::layers::{Activation, Dense, EncoderLayer, FeedForward, SelfAttention, Stack, norm};

#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    #[serde(default = "default_activation")]
    pub hidden_act: String,
    pub max_position_embeddings: usize,
    #[serde(default = "default_type_vocab")]
    pub type_vocab_size: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    #[serde(default)]
    pub position_embedding_type: Option<String>,
}

impl Config {
    /// The sizes that decide a batch's memory.
    pub fn shape(&self) -> super::memory::Shape {
        super::memory::Shape {
            hidden: self.hidden_size,
            intermediate: self.intermediate_size,
            heads: self.num_attention_heads,
        }
    }
}

fn default_activation() -> String {
    "gelu".into()
}
fn default_type_vocab() -> usize {
    2
}
fn default_eps() -> f64 {
    1e-12
}

/// The encoder: embeddings and layers, giving one hidden state per token. `BertModel` checkpoints
/// (sentence-transformers) hold it at the top level, sequence classifiers under `bert.`.
pub struct Encoder {
    words: Embedding,
    positions: Embedding,
    token_types: Embedding,
    embed_norm: LayerNorm,
    stack: Stack,
}

/// Where the encoder's tensors are: under `bert.` or at the top.
fn base<'a>(vb: &VarBuilder<'a>) -> VarBuilder<'a> {
    if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
        vb.pp("bert")
    } else {
        vb.clone()
    }
}

impl Encoder {
    pub fn load(vb: &VarBuilder, cfg: &Config, kernels: Kernels) -> Result<Self> {
        if let Some(kind) = cfg
            .position_embedding_type
            .as_deref()
            .filter(|k| *k != "absolute")
        {
            candle_core::bail!(
                "position_embedding_type \"{kind}\" is not supported (only \"absolute\")"
            );
        }
        let activation = Activation::parse(&cfg.hidden_act).ok_or_else(|| {
            candle_core::Error::Msg(format!("unsupported hidden_act \"{}\"", cfg.hidden_act))
        })?;
        let base = base(vb);
        let (h, eps) = (cfg.hidden_size, cfg.layer_norm_eps);
        let emb = base.pp("embeddings");
        let layers = (0..cfg.num_hidden_layers)
            .map(|i| {
                let l = base.pp(format!("encoder.layer.{i}"));
                Ok(EncoderLayer {
                    attention: SelfAttention::load(
                        &l.pp("attention"),
                        h,
                        cfg.num_attention_heads,
                        ["self.query", "self.key", "self.value", "output.dense"],
                    )?,
                    attention_norm: norm(h, eps, l.pp("attention.output.LayerNorm"))?,
                    ffn: FeedForward::load(
                        l.pp("intermediate.dense"),
                        l.pp("output.dense"),
                        h,
                        cfg.intermediate_size,
                        activation,
                    )?,
                    output_norm: norm(h, eps, l.pp("output.LayerNorm"))?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Encoder {
            words: embedding(cfg.vocab_size, h, emb.pp("word_embeddings"))?,
            positions: embedding(
                cfg.max_position_embeddings,
                h,
                emb.pp("position_embeddings"),
            )?,
            token_types: embedding(cfg.type_vocab_size, h, emb.pp("token_type_embeddings"))?,
            embed_norm: norm(h, eps, emb.pp("LayerNorm"))?,
            stack: Stack::new(layers, kernels),
        })
    }

    /// The encoder's dense layers to int8 (embeddings and layer norms stay in f32).
    pub fn quantize(&mut self) -> Result<()> {
        self.stack.quantize()
    }

    /// `input_ids`, `attention_mask`: (batch, seq) u32; single sentences, so token type 0
    /// throughout. Returns (batch, seq, hidden).
    pub fn forward(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<Tensor> {
        self.stack.forward(self.embed(input_ids)?, attention_mask)
    }

    /// The `[CLS]` token's hidden state only, (batch, hidden).
    pub fn forward_first(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<Tensor> {
        self.stack
            .forward_first(self.embed(input_ids)?, attention_mask)
    }

    fn embed(&self, input_ids: &Tensor) -> Result<Tensor> {
        let (_, seq) = input_ids.dims2()?;
        let device = input_ids.device();
        let positions = Tensor::arange(0u32, seq as u32, device)?;
        let types = Tensor::zeros(seq, candle_core::DType::U32, device)?;
        let x = self
            .words
            .forward(input_ids)?
            .broadcast_add(&self.positions.forward(&positions)?)?
            .broadcast_add(&self.token_types.forward(&types)?)?;
        self.embed_norm.forward(&x)
    }
}

pub struct Bert {
    encoder: Encoder,
    /// Absent in checkpoints saved without a pooler: then the classifier reads `[CLS]` directly.
    pooler: Option<Dense>,
    classifier: Dense,
}

impl Bert {
    pub fn load(vb: VarBuilder, cfg: &Config, num_labels: usize, kernels: Kernels) -> Result<Self> {
        let encoder = Encoder::load(&vb, cfg, kernels)?;
        let h = cfg.hidden_size;
        let base = base(&vb);
        let pooler = if base.contains_tensor("pooler.dense.weight") {
            Some(Dense::load(h, h, base.pp("pooler.dense"))?)
        } else {
            None
        };
        Ok(Bert {
            encoder,
            pooler,
            classifier: Dense::load(h, num_labels, vb.pp("classifier"))?,
        })
    }

    /// The encoder's dense layers to int8; the pooler and the classifier stay in f32.
    pub fn quantize(&mut self) -> Result<()> {
        self.encoder.quantize()
    }

    pub fn forward(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<Tensor> {
        let cls = self.encoder.forward_first(input_ids, attention_mask)?;
        let pooled = match &self.pooler {
            Some(dense) => dense.forward(&cls)?.tanh()?,
            None => cls,
        };
        self.classifier.forward(&pooled)
    }
}
