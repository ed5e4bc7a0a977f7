//! Command-line options, and their resolution into what the rest of the program takes.

// The doc comments below are clap's help text, written for a terminal, not for rustdoc.
#![allow(rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::data::hub::DEFAULT_REPO as DEFAULT_DATASET;
use crate::data::{Columns, Count, Dataset, Sampling, TextField};
use crate::error::Result;
use crate::model::files::{DEFAULT_EMBED_MODEL, DEFAULT_MODEL};
use crate::model::{DTypePref, DevicePref, Kernels, ModelSource, RunOptions, labels};
use crate::runtime::{ClassifierSpec, Session};

#[derive(Debug, Parser)]
#[command(
    name = "reviewlens",
    version,
    about = "See where a text classifier goes wrong: a terminal explorer for labelled reviews."
)]
pub struct Cli {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct DataArgs {
    /// A parquet, JSONL or amazon_review_polarity CSV file, or a directory in the Hub's layout
    /// (<config>/train-*.parquet, train.parquet / test.parquet, train.csv / test.csv).
    /// Without it: the bundled 16,980-row amazon_polarity sample.
    #[arg(long, value_name = "PATH", global = true)]
    pub data: Option<PathBuf>,
    /// Column holding the review text.
    #[arg(long, value_name = "NAME", default_value = "content", global = true)]
    pub text_column: String,
    /// Column holding the title [default: title, when the file has it].
    #[arg(long, value_name = "NAME", global = true)]
    pub title_column: Option<String>,
    /// Column holding the integer class id.
    #[arg(long, value_name = "NAME", default_value = "label", global = true)]
    pub label_column: String,
    /// A parquet dataset from the Hugging Face Hub (listed through the Hub API, fetched with hf-hub
    /// into the HF cache). Sampled 10,000 train / 2,000 test with seed 42 unless told otherwise.
    #[arg(long, value_name = "REPO", num_args = 0..=1, require_equals = true, default_missing_value = DEFAULT_DATASET, conflicts_with = "data", global = true)]
    pub hub: Option<String>,
    /// With --hub: a branch, tag or commit.
    #[arg(long, value_name = "REV", global = true)]
    pub revision: Option<String>,
    /// Rows of the train split, as `shuffle(seed).select(range(N))` does (or `all`).
    #[arg(long, value_name = "N|all", global = true)]
    pub train: Option<Count>,
    /// Rows of the test split, likewise.
    #[arg(long, value_name = "N|all", global = true)]
    pub test: Option<Count>,
    /// The shuffle's seed (numpy's default_rng, as datasets uses).
    #[arg(long, value_name = "S", default_value_t = 42, global = true)]
    pub seed: u64,
    /// The first N rows instead of a shuffled sample (like split="train[:N]").
    #[arg(long, global = true)]
    pub first: bool,
}

impl DataArgs {
    /// What to sample: as asked, or for --hub the notebook's 10,000 train / 2,000 test.
    pub fn sampling(&self) -> Sampling {
        let hub = self.hub.is_some();
        let default = |n| hub.then_some(Count::Rows(n));
        Sampling {
            train: self.train.or(default(10_000)),
            test: self.test.or(default(2_000)),
            seed: self.seed,
            first: self.first,
        }
    }

    pub fn columns(&self) -> Columns {
        Columns {
            text: self.text_column.clone(),
            label: self.label_column.clone(),
            title: self.title_column.clone(),
        }
    }
}

/// Which classifier, where it runs, and what it reads.
#[derive(Debug, Clone, Args)]
pub struct ModelArgs {
    /// Hub model to classify with, fetched into the Hugging Face cache (HF_HOME, HF_HUB_CACHE,
    /// HF_HUB_OFFLINE, HF_TOKEN honoured).
    #[arg(long, value_name = "REPO[@REVISION]", default_value = DEFAULT_MODEL, global = true)]
    pub model: String,
    /// A local model folder (config.json, model.safetensors, tokenizer.json or vocab.txt) instead of --model.
    #[arg(long, value_name = "DIR", global = true)]
    pub model_dir: Option<PathBuf>,
    /// Load the model at start instead of on the first classification.
    #[arg(long, global = true)]
    pub preload: bool,
    /// Tokens per review, special tokens included [default: the model's max_position_embeddings].
    #[arg(long, value_name = "N", global = true)]
    pub max_length: Option<usize>,
    /// What is classified.
    #[arg(long, value_enum, default_value_t = TextField::Content, global = true)]
    pub text: TextField,
    /// auto (CUDA when built with it and a GPU answers, else CPU), cpu, cuda or cuda:N.
    #[arg(long, value_name = "DEVICE", default_value = "auto", global = true)]
    pub device: DevicePref,
    /// f32, or on CUDA f16 / bf16.
    #[arg(long, value_name = "DTYPE", default_value = "f32", global = true)]
    pub dtype: DTypePref,
    /// F32 on the CPU: fused (our kernels) or candle (its ops one by one, to compare).
    #[arg(
        long,
        value_name = "KERNELS",
        default_value = "fused",
        env = "REVIEWLENS_KERNELS",
        global = true
    )]
    pub kernels: Kernels,
    /// Which dataset class each model label is, e.g. NEGATIVE=0,POSITIVE=1 [default: match names].
    #[arg(long, value_name = "MAP", global = true)]
    pub label_map: Option<String>,
    /// Reviews per batch (batches are sorted by length and padded to their longest review)
    /// [default: 16 on the CPU, 128 on CUDA].
    #[arg(long, value_name = "N", global = true)]
    pub batch_size: Option<usize>,
    /// Neither read nor write the prediction cache.
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// What classifies: the fine-tuned --model, logistic regression on --embed-model's sentence
    /// embeddings (trained on the train split), or zero-shot by similarity to label descriptions.
    #[arg(long, value_enum, default_value_t = ClassifierKind::Sequence, global = true)]
    pub classifier: ClassifierKind,
    /// A second classifier run over the same rows (B, beside --classifier's A): the list shows both
    /// predictions, `d` filters to where A is wrong, B is wrong, or they disagree, and the metrics
    /// pane and `eval` show both reports.
    #[arg(long, value_enum, value_name = "CLASSIFIER", global = true)]
    pub compare: Option<ClassifierKind>,
    /// Sentence-transformers model for --classifier embed|zero-shot.
    #[arg(long, value_name = "REPO[@REVISION]", default_value = DEFAULT_EMBED_MODEL, global = true)]
    pub embed_model: String,
    /// A local sentence-transformers model folder instead of --embed-model.
    #[arg(long, value_name = "DIR", global = true)]
    pub embed_model_dir: Option<PathBuf>,
    /// Zero-shot descriptions, one per class in class order, separated by "|"
    /// [default: "A <class> review" for each class].
    #[arg(long, value_name = "TEXT|TEXT", global = true)]
    pub label_descriptions: Option<String>,
}

/// `--classifier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClassifierKind {
    /// The fine-tuned sequence classifier (--model).
    Sequence,
    /// Sentence embeddings + logistic regression.
    Embed,
    /// Sentence embeddings + cosine similarity to label descriptions.
    #[value(name = "zero-shot")]
    ZeroShot,
}

impl ModelArgs {
    /// The model a classifier of `kind` runs: --model, or the embedding model.
    pub fn source(&self, kind: ClassifierKind) -> ModelSource {
        let (dir, repo) = match kind {
            ClassifierKind::Sequence => (&self.model_dir, &self.model),
            _ => (&self.embed_model_dir, &self.embed_model),
        };
        match dir {
            Some(dir) => ModelSource::Dir(dir.clone()),
            None => ModelSource::parse_repo(repo),
        }
    }

    /// The classifier `kind` names, checked against `data` (a train split for logistic
    /// regression, one description per class for zero-shot).
    pub fn classifier(&self, kind: ClassifierKind, data: &Dataset) -> Result<ClassifierSpec> {
        let model = self.source(kind);
        match kind {
            ClassifierKind::Sequence => Ok(ClassifierSpec::Sequence { model }),
            ClassifierKind::Embed => ClassifierSpec::logistic(model, data, self.text),
            ClassifierKind::ZeroShot => ClassifierSpec::zero_shot(
                model,
                &data.label_names,
                self.label_descriptions.as_deref(),
            ),
        }
    }

    /// The sessions of `--classifier` and `--compare` over `data`, both checked before either
    /// does any work.
    pub fn sessions(
        &self,
        data: &Dataset,
        cache_root: Option<PathBuf>,
    ) -> Result<(Session, Option<Session>)> {
        let a = self.classifier(self.classifier, data)?;
        let b = match self.compare {
            Some(kind) => Some(self.classifier(kind, data)?),
            None => None,
        };
        let opts = self.run_options()?;
        Ok(Session::pair(data, (a, b), &opts, cache_root, self.text))
    }

    pub fn run_options(&self) -> Result<RunOptions> {
        Ok(RunOptions {
            device: self.device,
            dtype: self.dtype,
            kernels: self.kernels,
            max_length: self.max_length,
            label_map: self
                .label_map
                .as_deref()
                .map(labels::parse_map)
                .transpose()?,
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Classify reviews without the UI and write one row per review (split, row_index, label,
    /// predicted, a probability per class, tokens, truncated) as parquet, CSV or JSONL by extension.
    Predict {
        /// Only this split [default: every split].
        #[arg(long)]
        split: Option<String>,
        /// Where to write (.parquet, .csv or .jsonl); written atomically, never over the data.
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Classify a split (the test split by default; cached predictions are reused) and print
    /// scikit-learn's classification report (digits=4) and confusion matrix.
    Eval {
        #[arg(long)]
        split: Option<String>,
        /// One JSON object (scikit-learn's output_dict layout + confusion_matrix) instead.
        #[arg(long)]
        json: bool,
    },
    /// Check the sequence classifier code on --device/--dtype against golden logits (the fixture
    /// models beside the goldens file): one line per model, exit code 2 if any is off.
    Check {
        #[arg(
            long,
            value_name = "FILE",
            default_value = "tests/fixtures/models/goldens.json"
        )]
        goldens: PathBuf,
    },
    /// Write the sample (the Hub's columns + row_index, label names in the metadata) as
    /// <DIR>/<split>.parquet, readable by pandas, polars and DuckDB as they are.
    Sample {
        /// A folder the data is not read from.
        #[arg(long, value_name = "DIR")]
        output: PathBuf,
        /// Replace split files already in the folder.
        #[arg(long)]
        force: bool,
    },
    /// Print the explorer's first screen as plain text, without a terminal (for docs and scripts).
    Snapshot {
        #[arg(long, default_value_t = 120)]
        width: u16,
        #[arg(long, default_value_t = 40)]
        height: u16,
    },
}
