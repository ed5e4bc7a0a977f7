//! Command-line options, and their resolution into what the rest of the program takes.

// The doc comments below are clap's help text, written for a terminal, not for rustdoc.
#![allow(rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::data::hub::DEFAULT_REPO as DEFAULT_DATASET;
use crate::data::{Columns, Count, CsvHeader, Dataset, Sampling, TextField};
use crate::error::Result;
use crate::label_issues::{FilterBy, ScoreMethod};
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
    /// A parquet, JSONL, CSV or TSV file (with a header row, or the headerless
    /// amazon_review_polarity CSV), or a directory in the Hub's layout (<config>/train-*.parquet,
    /// train.parquet / test.parquet, train.csv / test.csv). Without it: the bundled 16,980-row
    /// amazon_polarity sample.
    #[arg(long, value_name = "PATH", global = true)]
    pub data: Option<PathBuf>,
    /// Column holding the review text.
    #[arg(long, value_name = "NAME", default_value = "content", global = true)]
    pub text_column: String,
    /// Column holding the title [default: title, when the file has it].
    #[arg(long, value_name = "NAME", global = true)]
    pub title_column: Option<String>,
    /// Column holding the class: an integer id, or a string label (classes are then the sorted
    /// values, or the file's ClassLabel names).
    #[arg(long, value_name = "NAME", default_value = "label", global = true)]
    pub label_column: String,
    /// Whether a CSV/TSV file's first row names its columns: auto (when it names the label and
    /// text columns), yes, or no (the headerless amazon_review_polarity layout class,title,text).
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = CsvHeader::Auto, global = true)]
    pub csv_header: CsvHeader,
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
    /// The findings file (marks, corrected labels, tags, notes) [default: one per dataset in the
    /// cache folder].
    #[arg(long, value_name = "FILE", global = true)]
    pub findings: Option<PathBuf>,
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
            csv_header: self.csv_header,
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
    /// f32; int8 on the CPU (the encoder's dense layers in int8, the rest f32; also q8); f16 / bf16 on CUDA.
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
    #[arg(long, value_name = "N", value_parser = at_least_one, global = true)]
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

/// A count that must be 1 or more (`--batch-size 0` would classify nothing, forever).
fn at_least_one(s: &str) -> std::result::Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

impl ClassifierKind {
    /// As the command line spells it.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_owned())
    }
}

impl ModelArgs {
    /// What clap cannot check alone: `--compare` names a classifier other than `--classifier`
    /// (both use the same model options, so the same kind would compare a model with itself).
    pub fn check(&self) -> std::result::Result<(), String> {
        let Some(b) = self.compare.filter(|&b| b == self.classifier) else {
            return Ok(());
        };
        let others: Vec<String> = (ClassifierKind::value_variants().iter())
            .filter(|&&k| k != b)
            .map(|k| k.name())
            .collect();
        Err(format!(
            "--compare {0} would compare --classifier {0} with itself; compare with {1} instead",
            b.name(),
            others.join(" or ")
        ))
    }

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
        self.check().map_err(crate::error::Error::Message)?;
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
        /// Where to write (.parquet, .csv, .tsv or .jsonl); written atomically, never over the data.
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Classify a split (the test split by default; cached predictions are reused) and print
    /// scikit-learn's classification report (digits=4) and confusion matrix.
    Eval {
        /// The split to evaluate [default: test, when there is one; else every split].
        #[arg(long)]
        split: Option<String>,
        /// One JSON object (scikit-learn's output_dict layout + confusion_matrix) instead.
        #[arg(long)]
        json: bool,
    },
    /// Check the sequence classifier code on --device/--dtype against golden logits (the fixture
    /// models beside the goldens file): one line per model, exit code 2 if any is off.
    Check {
        /// The goldens file: expected logits per fixture model, the models in folders beside it
        /// [default: tests/fixtures/models/goldens.json, found when run from a reviewlens checkout's
        /// root].
        #[arg(long, value_name = "FILE")]
        goldens: Option<PathBuf>,
    },
    /// Write the sample (the Hub's columns + row_index, label names in the metadata) as
    /// <DIR>/<split>.parquet, readable by pandas, polars and DuckDB as they are.
    Sample {
        /// The folder to write <split>.parquet into (created if missing; not one the data is read
        /// from).
        #[arg(long, value_name = "DIR")]
        output: PathBuf,
        /// Replace split files already in the folder.
        #[arg(long)]
        force: bool,
        /// Apply the findings (--findings FILE, else the explorer's file for this data): `label`
        /// is the corrected label where there is one, `original_label` and `tags` follow.
        #[arg(long)]
        apply_findings: bool,
    },
    /// What the explorer's findings file holds for this data (--findings FILE, else the one in the
    /// cache folder): a summary, or every finding with its history (--output: .jsonl one object per
    /// review with its history; .parquet, .csv or .tsv one row per review).
    Findings {
        /// Where to write the findings (with --merge: the merged findings file, .jsonl).
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Merge two findings files of this data into --output: tags united, marks kept, a label or
        /// note set differently in both is a conflict (the first file's kept, each listed).
        #[arg(long, num_args = 2, value_names = ["A", "B"], requires = "output")]
        merge: Vec<PathBuf>,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Find rows whose given label is likely wrong, as cleanlab does (confident learning), on
    /// out-of-sample probabilities: the classifier's predictions, or K-fold cross-validated ones for
    /// --classifier embed (its head would otherwise have trained on the rows). Prints a summary.
    LabelIssues(LabelIssuesArgs),
    /// Why the classifier said what it did, for chosen reviews: each word's score (the predicted
    /// class's probability lost when the word is left out) and the smallest set of top words whose
    /// removal flips the label. Prints a summary per review, or every word with --json / --output.
    Explain(ExplainArgs),
    /// Print the explorer's first screen as plain text, without a terminal (for docs and scripts).
    Snapshot {
        /// Columns of the screen drawn.
        #[arg(long, default_value_t = 120)]
        width: u16,
        /// Rows of the screen drawn.
        #[arg(long, default_value_t = 40)]
        height: u16,
    },
}

/// `reviewlens explain`'s options.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["rows", "mistakes"])))]
pub struct ExplainArgs {
    /// The split the rows are in [default: test, when there is one; else the first].
    #[arg(long)]
    pub split: Option<String>,
    /// These rows of the split (their row_index, as the explorer lists them): 1,5,9.
    #[arg(long, value_delimiter = ',', value_name = "ROWS")]
    pub rows: Vec<u64>,
    /// The split's N most confident mistakes (the split is classified first; cached predictions
    /// are reused).
    #[arg(long, value_name = "N")]
    pub mistakes: Option<usize>,
    /// Also write the explanations: .jsonl (one object per review, as --json) or .parquet / .csv /
    /// .tsv (one row per word: split, row_index, label, predicted, word_index, word, start, score,
    /// in_flip).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print the explanations as one JSON array instead of the summary: per review its prediction,
    /// every word with character offsets into `text` and its score, and the flip.
    #[arg(long)]
    pub json: bool,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `reviewlens label-issues`' options; the names are cleanlab's.
#[derive(Debug, Clone, Args)]
pub struct LabelIssuesArgs {
    /// Only this split [default: every split].
    #[arg(long)]
    pub split: Option<String>,
    /// The label quality score (cleanlab's `get_label_quality_scores` method).
    #[arg(long, default_value = "self_confidence", value_parser = PossibleValuesParser::new(
        ScoreMethod::ALL.map(ScoreMethod::name)))]
    pub method: String,
    /// Score with cleanlab's `adjust_pred_probs` (probabilities less each class's threshold).
    #[arg(long)]
    pub adjust_pred_probs: bool,
    /// How the issue set is chosen (cleanlab's `find_label_issues` `filter_by`).
    #[arg(long, default_value = "prune_by_noise_rate", value_parser = PossibleValuesParser::new(
        FilterBy::ALL.map(FilterBy::name)))]
    pub filter_by: String,
    /// Folds of the cross-validation (--classifier embed), stratified by label.
    #[arg(long, default_value_t = 5, value_name = "K")]
    pub folds: usize,
    /// Seed of the folds' shuffle (scikit-learn's `StratifiedKFold` random_state; `--seed` is the
    /// sample's).
    #[arg(long, default_value_t = 0, value_name = "S")]
    pub fold_seed: u32,
    /// Also write one row per checked review (.parquet, .csv or .jsonl): split, row_index, label,
    /// suggested_label, label_quality, is_label_issue, issue_rank, p_label, fold.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also find near duplicates (as cleanlab's Datalab defines them) among every row of the data,
    /// from --embed-model's embeddings: conflicting labels, and test rows with a near duplicate in
    /// train (leakage).
    #[arg(long)]
    pub duplicates: bool,
    /// With --duplicates: exact neighbour search up to this many rows, an approximate (HNSW) index
    /// above, whose recall against exact search is measured on 1,000 sampled rows.
    #[arg(long, default_value_t = crate::label_issues::neighbours::EXACT_UP_TO, value_name = "ROWS")]
    pub exact_up_to: usize,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// One JSON object with the summary instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Subcommands that classify nothing: their help leaves out the model options (which are global,
/// so clap would list them everywhere).
const WITHOUT_MODEL: [&str; 2] = ["sample", "snapshot"];

/// The command line's definition, as `Cli::parse` uses it, with the model options hidden from the
/// help of subcommands that do not use them.
pub fn command() -> clap::Command {
    // A later option wins over an earlier one, so the command line beats the config file's
    // defaults, which go first.
    let mut cmd = Cli::command().args_override_self(true);
    // Global options reach the subcommands when the command is built; only then can they be hidden.
    cmd.build();
    let model = ModelArgs::augment_args(clap::Command::new("model"));
    let ids: Vec<clap::Id> = model.get_arguments().map(|a| a.get_id().clone()).collect();
    for name in WITHOUT_MODEL {
        cmd = cmd.mut_subcommand(name, |sub| {
            sub.mut_args(|a| {
                let hide = ids.contains(a.get_id());
                a.hide(hide)
            })
        });
    }
    cmd
}

/// Parses the process's arguments, after `defaults` (the config file's `--name=value`s).
pub fn parse(defaults: &[String]) -> std::result::Result<Cli, clap::Error> {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let at = args.len().min(1);
    args.splice(at..at, defaults.iter().map(Into::into));
    let matches = command().try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

/// The options every command takes, as a config file's `[defaults]` may set them: (long name,
/// whether it takes a value).
pub fn global_options() -> Vec<(String, bool)> {
    let cmd = Cli::command();
    let args = cmd.get_arguments().filter(|a| a.is_global_set());
    let named =
        args.filter_map(|a| Some((a.get_long()?.to_owned(), a.get_action().takes_values())));
    named.collect()
}

/// Whether the config file's defaults parse on their own; clap's complaint as one line if not.
pub fn check_defaults(defaults: &[String]) -> std::result::Result<(), String> {
    let args = std::iter::once("reviewlens").chain(defaults.iter().map(String::as_str));
    match command().try_get_matches_from(args) {
        Ok(_) => Ok(()),
        Err(e) => Err(one_line_error(&e.to_string())),
    }
}

/// clap's error as one line, all of it: the message, the values allowed, the argument it missed,
/// "did you mean", and which help to read (clap spreads these over several lines).
pub fn one_line_error(rendered: &str) -> String {
    let mut parts = Vec::new();
    let mut help = "reviewlens".to_owned();
    for line in rendered.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("For more information") {
            continue;
        }
        if let Some(usage) = line.strip_prefix("Usage: ") {
            // "reviewlens eval --json": the words before the first option name the command.
            let words = usage.split_whitespace();
            let command: Vec<&str> = words
                .take_while(|w| !w.starts_with(['-', '[', '<']))
                .collect();
            help = command.join(" ");
            continue;
        }
        let line = line.strip_prefix("error: ").unwrap_or(line);
        parts.push(match line.strip_prefix("tip: ") {
            Some(tip) => match tip.split_once(" exists: ") {
                Some((_, suggestion)) => format!("(did you mean {suggestion}?)"),
                None => format!("({tip})"),
            },
            None => line.to_owned(),
        });
    }
    format!("{}; see {help} --help", parts.join(" "))
}
