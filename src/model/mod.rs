//! The classifier: a BERT-family sequence-classification checkpoint run with candle, its tokenizer,
//! and the mapping from its labels to the dataset's classes.

mod bert;
pub mod device;
mod distilbert;
pub mod embed;
pub mod files;
pub mod heads;
pub mod hub;
pub mod labels;
mod layers;
pub mod logreg;
mod math;
pub mod tokenize;

use std::path::Path;

use candle_core::{DType, Device, Tensor};

pub use device::{DTypePref, DevicePref, Kernels};
pub use files::{ModelFiles, ModelSource};
pub use math::{Real, argmax, softmax};
pub use tokenize::Encoded;

use crate::error::{Error, Result};

/// The architectures `config.json` may name.
pub const SUPPORTED: [&str; 2] = [
    "DistilBertForSequenceClassification",
    "BertForSequenceClassification",
];

/// What the user chose about running the model.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub device: DevicePref,
    pub dtype: DTypePref,
    /// `--kernels`: fused CPU kernels or candle's ops (F32 on the CPU only).
    pub kernels: Kernels,
    /// Tokens per text, special tokens included; default: the model's `max_position_embeddings`.
    pub max_length: Option<usize>,
    /// `--label-map`: (model label, dataset class name or id).
    pub label_map: Option<Vec<(String, String)>>,
}

/// One review's prediction, in dataset classes.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub label: u32,
    /// Probability of each dataset class (0 for a class the model has no output for).
    pub probs: Vec<f32>,
    /// Tokens the model saw, special tokens included.
    pub tokens: u32,
    pub truncated: bool,
}

// The old name of `argmax`, kept while src/predictor.rs still imports it.
pub(crate) use math::argmax as best;

enum Net {
    DistilBert(distilbert::DistilBert),
    Bert(bert::Bert),
}

pub struct Classifier {
    /// The model as the status bar names it.
    pub name: String,
    net: Net,
    tokenizer: tokenize::TextTokenizer,
    device: Device,
    dtype: DType,
    pub max_length: usize,
    /// For each model output, the dataset class it stands for.
    class_of_output: Vec<u32>,
    classes: usize,
    /// Why `auto` ended up on the CPU, when it did.
    pub device_note: Option<String>,
}

impl Classifier {
    /// Loads the model in `files` for a dataset whose classes are `dataset_labels`.
    pub fn load(files: &ModelFiles, dataset_labels: &[String], opts: &RunOptions) -> Result<Self> {
        let config_text = std::fs::read_to_string(&files.config)
            .map_err(|e| Error::at_path(&files.config, format!("cannot read ({e})")))?;
        let config: serde_json::Value = serde_json::from_str(&config_text)
            .map_err(|e| Error::at_path(&files.config, format!("not JSON ({e})")))?;
        let architecture = config
            .get("architectures")
            .and_then(|a| a.get(0))
            .and_then(|a| a.as_str())
            .unwrap_or("(none)")
            .to_owned();
        if !SUPPORTED.contains(&architecture.as_str()) {
            return Err(Error::at_path(
                &files.config,
                format!(
                    "architecture {architecture} is not supported (supported: {})",
                    SUPPORTED.join(", ")
                ),
            ));
        }
        let id2label = id2label(&config).map_err(|e| Error::at_path(&files.config, e))?;
        let class_of_output =
            labels::match_labels(&id2label, dataset_labels, opts.label_map.as_deref())?;
        let bad_config = |e: serde_json::Error| {
            Error::at_path(&files.config, format!("bad {architecture} config ({e})"))
        };
        let (max_positions, vocab_size) = match architecture.as_str() {
            "DistilBertForSequenceClassification" => {
                let c: distilbert::Config =
                    serde_json::from_value(config.clone()).map_err(bad_config)?;
                (c.max_position_embeddings, c.vocab_size)
            }
            _ => {
                let c: bert::Config = serde_json::from_value(config.clone()).map_err(bad_config)?;
                (c.max_position_embeddings, c.vocab_size)
            }
        };
        let max_length = match opts.max_length {
            None => max_positions,
            Some(n) if (2..=max_positions).contains(&n) => n,
            Some(n) => {
                return Err(Error::input(
                    "--max-length",
                    format!(
                        "{n} is outside 2..={max_positions} (the model's max_position_embeddings)"
                    ),
                ));
            }
        };
        let tokenizer = tokenize::TextTokenizer::load(
            files.tokenizer_json.as_deref(),
            files.vocab.as_deref(),
            files.tokenizer_config.as_deref(),
            max_length,
        )?;
        if tokenizer.vocab_size() > vocab_size {
            return Err(Error::input(
                "model",
                format!(
                    "its tokenizer has {} tokens but the model's vocabulary has {vocab_size}; the tokenizer belongs to another model",
                    tokenizer.vocab_size()
                ),
            ));
        }
        let (device, dtype, device_note) = device::select(opts.device, opts.dtype)?;
        let net = load_net(
            &files.weights,
            &architecture,
            &config,
            id2label.len(),
            &device,
            dtype,
            opts.kernels,
        )?;
        Ok(Classifier {
            name: files.name.clone(),
            net,
            tokenizer,
            device,
            dtype,
            max_length,
            class_of_output,
            classes: dataset_labels.len(),
            device_note,
        })
    }

    /// "cpu f32", "cuda:0 f16", for the status bar.
    pub fn device_label(&self) -> String {
        device::label(&self.device, self.dtype)
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    pub fn tokenize(&self, texts: &[&str]) -> Result<Vec<Encoded>> {
        self.tokenizer.encode(texts)
    }

    /// Runs one batch (padded to its longest text) and returns a prediction per text.
    pub fn predict(&self, batch: &[&Encoded]) -> Result<Vec<Prediction>> {
        let logits = self.logits(batch)?;
        Ok(batch
            .iter()
            .zip(logits)
            .map(|(e, logits)| self.prediction(&logits, e))
            .collect())
    }

    /// Raw logits of one batch, padded to its longest text, in the model's output order.
    pub fn logits(&self, batch: &[&Encoded]) -> Result<Vec<Vec<f32>>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let (ids, mask, longest) = self.tokenizer.pad(batch);
        let run = || -> candle_core::Result<Vec<Vec<f32>>> {
            let ids = Tensor::from_vec(ids, (batch.len(), longest), &self.device)?;
            let mask = Tensor::from_vec(mask, (batch.len(), longest), &self.device)?;
            let logits = match &self.net {
                Net::DistilBert(m) => m.forward(&ids, &mask)?,
                Net::Bert(m) => m.forward(&ids, &mask)?,
            };
            // Softmax happens on the host in f32: a handful of numbers per text.
            logits.to_dtype(DType::F32)?.to_vec2::<f32>()
        };
        run().map_err(|e| Error::input("model", format!("inference failed ({e})")))
    }

    fn prediction(&self, logits: &[f32], e: &Encoded) -> Prediction {
        let by_output = softmax(logits);
        let mut probs = vec![0.0; self.classes];
        for (out, &p) in by_output.iter().enumerate() {
            probs[self.class_of_output[out] as usize] = p;
        }
        Prediction {
            label: self.class_of_output[argmax(&by_output) as usize],
            probs,
            tokens: e.ids.len() as u32,
            truncated: e.truncated,
        }
    }
}

/// `max_position_embeddings` from a `config.json`, the default truncation length.
pub fn max_positions(config: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(config).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value
        .get("max_position_embeddings")?
        .as_u64()
        .map(|n| n as usize)
}

/// `id2label` as a list in output order; `{"0": "NEGATIVE", "1": "POSITIVE"}` in config.json.
fn id2label(config: &serde_json::Value) -> std::result::Result<Vec<String>, String> {
    let Some(map) = config.get("id2label").and_then(|m| m.as_object()) else {
        return Ok(vec!["LABEL_0".into(), "LABEL_1".into()]); // transformers' default: two labels
    };
    let mut labels = vec![None; map.len()];
    for (k, v) in map {
        let i: usize = k
            .parse()
            .map_err(|_| format!("id2label key \"{k}\" is not an integer"))?;
        let slot = labels
            .get_mut(i)
            .ok_or_else(|| format!("id2label has a gap before {i}"))?;
        *slot = Some(
            v.as_str()
                .ok_or_else(|| format!("id2label[{k}] is not a string"))?
                .to_owned(),
        );
    }
    Ok(labels.into_iter().map(|l| l.expect("filled")).collect())
}

fn load_net(
    weights: &Path,
    architecture: &str,
    config: &serde_json::Value,
    labels: usize,
    device: &Device,
    dtype: DType,
    kernels: Kernels,
) -> Result<Net> {
    let bad = |e| files::misfit(weights, architecture, e);
    let vb = files::map_weights(weights, dtype, device)?;
    Ok(match architecture {
        "DistilBertForSequenceClassification" => {
            let cfg = serde_json::from_value(config.clone()).expect("checked by the caller");
            Net::DistilBert(distilbert::DistilBert::load(vb, &cfg, labels, kernels).map_err(bad)?)
        }
        _ => {
            let cfg = serde_json::from_value(config.clone()).expect("checked by the caller");
            Net::Bert(bert::Bert::load(vb, &cfg, labels, kernels).map_err(bad)?)
        }
    })
}
