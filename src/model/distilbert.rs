//! `DistilBertForSequenceClassification`, as transformers computes it: embeddings (word + position,
//! LayerNorm), post-norm transformer blocks, then `pre_classifier` → ReLU → `classifier` on the
//! `[CLS]` vector. Written here because candle-transformers' DistilBERT has no head, inverts the
//! attention mask and fails in F16/BF16.

use candle_core::{Module, Result, Tensor};
use candle_nn::{Embedding, LayerNorm, VarBuilder, embedding};
use serde::Deserialize;

use super::device::Kernels;
use super::layers::{Activation, Dense, EncoderLayer, FeedForward, SelfAttention, Stack, norm};

/// transformers hard-codes DistilBERT's LayerNorm epsilon.
const EPS: f64 = 1e-12;

#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub vocab_size: usize,
    pub dim: usize,
    pub n_layers: usize,
    pub n_heads: usize,
    pub hidden_dim: usize,
    #[serde(default = "default_activation")]
    pub activation: String,
    pub max_position_embeddings: usize,
}

fn default_activation() -> String {
    "gelu".into()
}

pub struct DistilBert {
    words: Embedding,
    positions: Embedding,
    embed_norm: LayerNorm,
    blocks: Stack,
    pre_classifier: Dense,
    classifier: Dense,
}

impl DistilBert {
    pub fn load(vb: VarBuilder, cfg: &Config, num_labels: usize, kernels: Kernels) -> Result<Self> {
        let activation = Activation::parse(&cfg.activation).ok_or_else(|| {
            candle_core::Error::Msg(format!("unsupported activation \"{}\"", cfg.activation))
        })?;
        let base = if vb.contains_tensor("distilbert.embeddings.word_embeddings.weight") {
            vb.pp("distilbert")
        } else {
            vb.clone()
        };
        let emb = base.pp("embeddings");
        let blocks = (0..cfg.n_layers)
            .map(|i| {
                let l = base.pp(format!("transformer.layer.{i}"));
                Ok(EncoderLayer {
                    attention: SelfAttention::load(
                        &l.pp("attention"),
                        cfg.dim,
                        cfg.n_heads,
                        ["q_lin", "k_lin", "v_lin", "out_lin"],
                    )?,
                    attention_norm: norm(cfg.dim, EPS, l.pp("sa_layer_norm"))?,
                    ffn: FeedForward::load(
                        l.pp("ffn.lin1"),
                        l.pp("ffn.lin2"),
                        cfg.dim,
                        cfg.hidden_dim,
                        activation,
                    )?,
                    output_norm: norm(cfg.dim, EPS, l.pp("output_layer_norm"))?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(DistilBert {
            words: embedding(cfg.vocab_size, cfg.dim, emb.pp("word_embeddings"))?,
            positions: embedding(
                cfg.max_position_embeddings,
                cfg.dim,
                emb.pp("position_embeddings"),
            )?,
            embed_norm: norm(cfg.dim, EPS, emb.pp("LayerNorm"))?,
            blocks: Stack::new(blocks, kernels),
            pre_classifier: Dense::load(cfg.dim, cfg.dim, vb.pp("pre_classifier"))?,
            classifier: Dense::load(cfg.dim, num_labels, vb.pp("classifier"))?,
        })
    }

    /// The encoder's dense layers to int8; the classifier head stays in f32.
    pub fn quantize(&mut self) -> Result<()> {
        self.blocks.quantize()
    }

    /// `input_ids`, `attention_mask`: (batch, seq) u32. Returns logits (batch, labels).
    pub fn forward(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<Tensor> {
        let (_, seq) = input_ids.dims2()?;
        let positions = Tensor::arange(0u32, seq as u32, input_ids.device())?;
        let x = self
            .words
            .forward(input_ids)?
            .broadcast_add(&self.positions.forward(&positions)?)?;
        let cls = self
            .blocks
            .forward_first(self.embed_norm.forward(&x)?, attention_mask)?;
        let hidden = self.pre_classifier.forward(&cls)?.relu()?;
        self.classifier.forward(&hidden)
    }
}
