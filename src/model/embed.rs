//! Sentence embeddings as sentence-transformers computes them: a BERT encoder, then the pooling that
//! `1_Pooling/config.json` names (mean when there is none, and the caller is told), then L2
//! normalisation when `modules.json` lists a `Normalize` step. Truncation at
//! `sentence_bert_config.json`'s `max_seq_length`, as `SentenceTransformer.encode` does.

use std::path::Path;

use candle_core::{D, DType, Device, Tensor};

use super::bert;
use super::files::{map_weights, misfit};
use super::tokenize::{Encoded, TextTokenizer, Words};
use super::{ModelFiles, RunOptions, device, load, memory, not_finite};
use crate::error::{Error, Result};

/// Which pooled vectors are concatenated, in sentence-transformers' order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pooling {
    pub cls: bool,
    pub max: bool,
    pub mean: bool,
    pub mean_sqrt_len: bool,
}

impl Pooling {
    const MEAN: Pooling = Pooling {
        cls: false,
        max: false,
        mean: true,
        mean_sqrt_len: false,
    };

    /// The model folder's pooling; mean, with a note, when it has no `1_Pooling/config.json`
    /// (sentence-transformers' default).
    fn of_model(root: &Path, notes: &mut Vec<String>) -> Result<Self> {
        let path = root.join("1_Pooling").join("config.json");
        if path.is_file() {
            Pooling::parse(&path)
        } else {
            notes.push("no 1_Pooling/config.json: mean pooling".to_string());
            Ok(Pooling::MEAN)
        }
    }

    /// From `1_Pooling/config.json`; modes we do not compute are refused by name.
    fn parse(path: &Path) -> Result<Self> {
        let v = load::read_json(path)?;
        let flag = |k: &str| v.get(k).and_then(|b| b.as_bool()).unwrap_or(false);
        for unsupported in ["pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"] {
            if flag(unsupported) {
                return Err(Error::at_path(
                    path,
                    format!(
                        "{unsupported} is not supported (cls, max, mean and mean_sqrt_len are)"
                    ),
                ));
            }
        }
        let p = Pooling {
            cls: flag("pooling_mode_cls_token"),
            max: flag("pooling_mode_max_tokens"),
            mean: flag("pooling_mode_mean_tokens"),
            mean_sqrt_len: flag("pooling_mode_mean_sqrt_len_tokens"),
        };
        if !(p.cls || p.max || p.mean || p.mean_sqrt_len) {
            return Err(Error::at_path(path, "names no pooling mode"));
        }
        Ok(p)
    }

    fn parts(&self) -> usize {
        [self.cls, self.max, self.mean, self.mean_sqrt_len]
            .iter()
            .filter(|&&b| b)
            .count()
    }
}

pub struct Embedder {
    pub name: String,
    encoder: bert::Encoder,
    tokenizer: TextTokenizer,
    pub pooling: Pooling,
    pub normalize: bool,
    device: Device,
    /// "cpu f32", "cpu int8", "cuda:0 f16", for the status bar.
    device_label: String,
    /// What the embedding cache keys on for the device and precision (`Selected::cache_label`).
    pub cache_label: String,
    pub max_length: usize,
    /// Length of each vector.
    pub dim: usize,
    /// What identifies the weights in the caches.
    pub identity: String,
    /// Things the user should know (no pooling config, a CPU fallback).
    pub notes: Vec<String>,
    /// Cuts a batch too large for the memory at hand into passes that fit.
    planner: memory::Planner,
}

impl Embedder {
    pub fn load(files: &ModelFiles, opts: &RunOptions) -> Result<Self> {
        let root = files.config.parent().unwrap_or(Path::new("."));
        let cfg = bert_config(&files.config)?;
        let mut notes = Vec::new();
        let pooling = Pooling::of_model(root, &mut notes)?;
        let normalize = normalize_step(&root.join("modules.json"))?;
        let positions = load::positions(&files.config, cfg.max_position_embeddings)?;
        let max_length = match opts.max_length {
            Some(_) => {
                load::max_length(opts.max_length, positions, || positions, "embedding model")?
            }
            None => seq_length_within(root, positions)?,
        };
        let tokenizer = load::tokenizer(files, max_length, cfg.vocab_size, "embedding model")?;
        let selected = device::select(opts)?;
        let (device, dtype) = (selected.device.clone(), selected.dtype);
        notes.extend(selected.note.clone());
        let planner = memory::Planner::new(cfg.shape(), device.is_cpu())?;
        let vb = map_weights(&files.weights, dtype, &device)?;
        let mut encoder = bert::Encoder::load(&vb, &cfg, opts.kernels)
            .map_err(|e| misfit(&files.weights, "BERT", e))?;
        if selected.int8 {
            encoder
                .quantize()
                .map_err(|e| misfit(&files.weights, "BERT", e))?;
        }
        Ok(Embedder {
            name: files.name.clone(),
            encoder,
            tokenizer,
            dim: cfg.hidden_size * pooling.parts(),
            pooling,
            normalize,
            device,
            device_label: selected.label(),
            cache_label: selected.cache_label(),
            max_length,
            identity: files.identity.clone(),
            notes,
            planner,
        })
    }

    /// "cpu f32", "cuda:0 f16".
    pub fn device_label(&self) -> String {
        self.device_label.clone()
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    pub fn tokenize(&self, texts: &[&str]) -> Result<Vec<Encoded>> {
        self.tokenizer.encode(texts)
    }

    /// `text`'s words and the model's input, each token with its word.
    pub fn words(&self, text: &str) -> Result<Words> {
        self.tokenizer.words(text)
    }

    /// One vector per text of a batch: in passes that fit the memory at hand, each padded to its
    /// longest text. Vectors that are not numbers (broken weights) are refused.
    pub fn embed(&self, batch: &[&Encoded]) -> Result<Vec<Vec<f32>>> {
        let longest = batch.iter().map(|e| e.ids.len()).max().unwrap_or(0);
        let per_pass = self
            .planner
            .rows_per_pass(&self.name, batch.len(), longest)?;
        let mut vectors = Vec::with_capacity(batch.len());
        for pass in batch.chunks(per_pass) {
            vectors.extend(self.pass(pass)?);
        }
        if vectors.iter().flatten().any(|x| !x.is_finite()) {
            return Err(not_finite(&self.name, "embeddings"));
        }
        Ok(vectors)
    }

    /// What the model should say once: that a batch ran in pieces.
    pub fn take_note(&self) -> Option<String> {
        self.planner.take_note()
    }

    /// One forward pass, padded to the longest text of `batch`.
    fn pass(&self, batch: &[&Encoded]) -> Result<Vec<Vec<f32>>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let (ids, mask, longest) = self.tokenizer.pad(batch);
        let run = || -> candle_core::Result<Vec<Vec<f32>>> {
            let shape = (batch.len(), longest);
            let ids = Tensor::from_vec(ids, shape, &self.device)?;
            let mask = Tensor::from_vec(mask, shape, &self.device)?;
            let hidden = self.encoder.forward(&ids, &mask)?.to_dtype(DType::F32)?;
            let pooled = self.pool(&hidden, &mask)?;
            let pooled = if self.normalize {
                // torch.nn.functional.normalize: x / max(‖x‖, 1e-12).
                let norm = pooled.sqr()?.sum_keepdim(1)?.sqrt()?.maximum(1e-12)?;
                pooled.broadcast_div(&norm)?
            } else {
                pooled
            };
            pooled.to_vec2::<f32>()
        };
        run().map_err(|e| Error::input("embedding model", format!("inference failed ({e})")))
    }

    /// `hidden`: (batch, seq, h) f32; `mask`: (batch, seq) u32.
    fn pool(&self, hidden: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
        let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?; // (b, s, 1)
        let mut parts = Vec::new();
        if self.pooling.cls {
            parts.push(hidden.narrow(1, 0, 1)?.squeeze(1)?);
        }
        if self.pooling.max {
            // Padding set to -1e9 first, as sentence-transformers does.
            let masked = hidden.broadcast_add(&((m.clone() - 1.0)? * 1e9)?)?;
            parts.push(masked.max(1)?);
        }
        if self.pooling.mean || self.pooling.mean_sqrt_len {
            let sum = hidden.broadcast_mul(&m)?.sum(1)?; // (b, h)
            let count = m.sum(1)?.maximum(1e-9)?; // (b, 1)
            if self.pooling.mean {
                parts.push(sum.broadcast_div(&count)?);
            }
            if self.pooling.mean_sqrt_len {
                parts.push(sum.broadcast_div(&count.sqrt()?)?);
            }
        }
        Tensor::cat(&parts, D::Minus1)
    }
}

/// The truncation length an embedding model uses unless told otherwise: `max_seq_length`, else
/// `max_position_embeddings`; `None` when the model folder says something unusable.
pub fn default_max_length(files: &ModelFiles) -> Option<usize> {
    let root = files.config.parent()?;
    let positions = super::max_positions(&files.config)?;
    seq_length_within(root, positions).ok()
}

/// `sentence_bert_config.json`'s `max_seq_length`, capped at the position embeddings (longer
/// would index past them); `positions` when the file does not say. Below 2 there is no room for
/// `[CLS]` and `[SEP]`, and tokenizers would stop truncating: refused.
fn seq_length_within(root: &Path, positions: usize) -> Result<usize> {
    let path = root.join("sentence_bert_config.json");
    match max_seq_length(&path) {
        Some(n) if n < 2 => Err(Error::at_path(
            &path,
            format!(
                "max_seq_length {n} leaves no room for the [CLS] and [SEP] tokens (at least 2); fix it, or pass --max-length"
            ),
        )),
        Some(n) => Ok(n.min(positions)),
        None => Ok(positions),
    }
}

/// `config.json` as a BERT config; only BERT encoders are embedded (MiniLM is one).
fn bert_config(path: &Path) -> Result<bert::Config> {
    let config = load::read_json(path)?;
    let model_type = config.get("model_type").and_then(|t| t.as_str());
    if model_type != Some("bert") {
        return Err(Error::at_path(
            path,
            format!(
                "model_type {} is not supported for embeddings (supported: bert, e.g. sentence-transformers/all-MiniLM-L6-v2)",
                model_type.unwrap_or("(none)")
            ),
        ));
    }
    load::typed_config(path, config, "BERT")
}

/// Whether `modules.json` ends the pipeline with sentence-transformers' `Normalize`.
fn normalize_step(path: &Path) -> Result<bool> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(false);
    };
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Error::at_path(path, format!("not JSON ({e})")))?;
    Ok(v.as_array().is_some_and(|modules| {
        modules.iter().any(|m| {
            m.get("type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.ends_with(".Normalize"))
        })
    }))
}

fn max_seq_length(path: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("max_seq_length")?.as_u64().map(|n| n as usize)
}
