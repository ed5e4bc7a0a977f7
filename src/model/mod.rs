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
mod load;
pub mod logreg;
mod math;
pub mod memory;
pub mod tokenize;

use std::path::Path;

use candle_core::{DType, Device, Tensor};

pub use device::{DTypePref, DevicePref, Kernels};
pub use files::{ModelFiles, ModelSource};
pub use math::{argmax, softmax};
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

enum Net {
    DistilBert(distilbert::DistilBert),
    Bert(bert::Bert),
}

impl Net {
    /// The encoder's dense layers to int8 (`--dtype int8`).
    fn quantize(&mut self) -> candle_core::Result<()> {
        match self {
            Net::DistilBert(m) => m.quantize(),
            Net::Bert(m) => m.quantize(),
        }
    }
}

pub struct Classifier {
    /// The model as the status bar names it.
    pub name: String,
    net: Net,
    tokenizer: tokenize::TextTokenizer,
    device: Device,
    /// "cpu f32", "cpu int8", "cuda:0 f16", for the status bar.
    device_label: String,
    pub max_length: usize,
    /// For each model output, the dataset class it stands for.
    class_of_output: Vec<u32>,
    classes: usize,
    /// Why `auto` ended up on the CPU, when it did.
    pub device_note: Option<String>,
    /// Cuts a batch too large for the memory at hand into passes that fit.
    planner: memory::Planner,
    /// That the model's labels were taken as numbered classes in order, until said.
    label_note: Option<String>,
}

impl Classifier {
    /// Loads the model in `files` for a dataset whose classes are `dataset_labels`.
    pub fn load(files: &ModelFiles, dataset_labels: &[String], opts: &RunOptions) -> Result<Self> {
        let config = load::read_json(&files.config)?;
        let architecture = architecture(&files.config, &config)?;
        let id2label = id2label(&config).map_err(|e| Error::at_path(&files.config, e))?;
        let (class_of_output, label_note) =
            labels::match_labels(&id2label, dataset_labels, opts.label_map.as_deref())?;
        let net_config = NetConfig::parse(&files.config, architecture, config)?;
        let (max_positions, vocab_size) = net_config.sizes();
        let max_positions = load::positions(&files.config, max_positions)?;
        let max_length =
            load::max_length(opts.max_length, max_positions, || max_positions, "model")?;
        let tokenizer = load::tokenizer(files, max_length, vocab_size, "model")?;
        let selected = device::select(opts)?;
        let (device, dtype) = (selected.device.clone(), selected.dtype);
        let planner = memory::Planner::new(net_config.shape(), device.is_cpu())?;
        let vb = files::map_weights(&files.weights, dtype, &device)?;
        let mut net = net_config
            .build(vb, id2label.len(), opts.kernels)
            .map_err(|e| files::misfit(&files.weights, architecture, e))?;
        if selected.int8 {
            net.quantize()
                .map_err(|e| files::misfit(&files.weights, architecture, e))?;
        }
        Ok(Classifier {
            name: files.name.clone(),
            net,
            tokenizer,
            device,
            device_label: selected.label(),
            max_length,
            class_of_output,
            classes: dataset_labels.len(),
            device_note: selected.note,
            planner,
            label_note,
        })
    }

    /// "cpu f32", "cuda:0 f16", for the status bar.
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
    pub fn words(&self, text: &str) -> Result<tokenize::Words> {
        self.tokenizer.words(text)
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

    /// Each sequence's probability of each dataset class, in order: what an explanation compares.
    pub fn probs(&self, batch: &[Encoded]) -> Result<Vec<Vec<f32>>> {
        let batch: Vec<&Encoded> = batch.iter().collect();
        Ok(self.predict(&batch)?.into_iter().map(|p| p.probs).collect())
    }

    /// Raw logits of one batch, in the model's output order: in passes that fit the memory at
    /// hand, each padded to its longest text. Scores that are not numbers (broken weights, an
    /// overflow in f16) are refused rather than turned into a label.
    pub fn logits(&self, batch: &[&Encoded]) -> Result<Vec<Vec<f32>>> {
        let longest = batch.iter().map(|e| e.ids.len()).max().unwrap_or(0);
        let per_pass = self
            .planner
            .rows_per_pass(&self.name, batch.len(), longest)?;
        let mut logits = Vec::with_capacity(batch.len());
        for pass in batch.chunks(per_pass) {
            logits.extend(self.pass(pass)?);
        }
        if logits.iter().flatten().any(|x| !x.is_finite()) {
            return Err(not_finite(&self.name, "scores"));
        }
        Ok(logits)
    }

    /// What the model should say once: that a batch ran in pieces.
    pub fn take_note(&self) -> Option<String> {
        self.planner.take_note()
    }

    /// What the user should be told once about the labels: that they were taken in order.
    pub fn take_label_note(&mut self) -> Option<String> {
        self.label_note.take()
    }

    /// One forward pass, padded to the longest text of `batch`.
    fn pass(&self, batch: &[&Encoded]) -> Result<Vec<Vec<f32>>> {
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

/// A model whose outputs are not numbers: refused, naming it.
fn not_finite(model: &str, what: &str) -> Error {
    Error::input(
        model,
        format!(
            "gave {what} that are not numbers (NaN or infinity); its weights are broken, or overflow in f16/bf16 (try --dtype f32)"
        ),
    )
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

/// The name `config.json` gives its architecture, refused unless it is one we run.
fn architecture(path: &Path, config: &serde_json::Value) -> Result<&'static str> {
    let named = config
        .get("architectures")
        .and_then(|a| a.get(0))
        .and_then(|a| a.as_str())
        .unwrap_or("(none)");
    SUPPORTED.into_iter().find(|&a| a == named).ok_or_else(|| {
        Error::at_path(
            path,
            format!(
                "architecture {named} is not supported (supported: {})",
                SUPPORTED.join(", ")
            ),
        )
    })
}

/// `config.json` parsed for its architecture, once: its sizes are checked before the weights are
/// read, and the same config then builds the network.
enum NetConfig {
    DistilBert(distilbert::Config),
    Bert(bert::Config),
}

impl NetConfig {
    /// `architecture` is one of [`SUPPORTED`].
    fn parse(path: &Path, architecture: &str, config: serde_json::Value) -> Result<Self> {
        Ok(match architecture {
            "DistilBertForSequenceClassification" => {
                NetConfig::DistilBert(load::typed_config(path, config, architecture)?)
            }
            _ => NetConfig::Bert(load::typed_config(path, config, architecture)?),
        })
    }

    /// (`max_position_embeddings`, `vocab_size`).
    fn sizes(&self) -> (usize, usize) {
        match self {
            NetConfig::DistilBert(c) => (c.max_position_embeddings, c.vocab_size),
            NetConfig::Bert(c) => (c.max_position_embeddings, c.vocab_size),
        }
    }

    /// The sizes that decide a batch's memory.
    fn shape(&self) -> memory::Shape {
        match self {
            NetConfig::DistilBert(c) => memory::Shape {
                hidden: c.dim,
                intermediate: c.hidden_dim,
                heads: c.n_heads,
            },
            NetConfig::Bert(c) => c.shape(),
        }
    }

    fn build(
        &self,
        vb: candle_nn::VarBuilder,
        labels: usize,
        kernels: Kernels,
    ) -> candle_core::Result<Net> {
        Ok(match self {
            NetConfig::DistilBert(c) => {
                Net::DistilBert(distilbert::DistilBert::load(vb, c, labels, kernels)?)
            }
            NetConfig::Bert(c) => Net::Bert(bert::Bert::load(vb, c, labels, kernels)?),
        })
    }
}
