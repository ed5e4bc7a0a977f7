//! Where a model's files come from: a local folder, or a Hub repo fetched with hf-hub into the
//! standard Hugging Face cache (so what Python downloaded is reused, and ours is reusable from Python).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub const DEFAULT_MODEL: &str = "distilbert/distilbert-base-uncased-finetuned-sst-2-english";
pub const DEFAULT_EMBED_MODEL: &str = "sentence-transformers/all-MiniLM-L6-v2";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSource {
    /// `--model REPO[@REVISION]`
    Hub {
        repo: String,
        revision: Option<String>,
    },
    /// `--model-dir DIR`
    Dir(PathBuf),
}

impl ModelSource {
    pub fn parse_repo(spec: &str) -> Self {
        match spec.split_once('@') {
            Some((repo, rev)) => ModelSource::Hub {
                repo: repo.into(),
                revision: Some(rev.into()),
            },
            None => ModelSource::Hub {
                repo: spec.into(),
                revision: None,
            },
        }
    }

    /// Refuses a Hub source with an empty repo or revision (`--model org/name@`) before either
    /// becomes part of a path.
    pub fn check(&self) -> Result<()> {
        let ModelSource::Hub { repo, revision } = self else {
            return Ok(());
        };
        let problem = if repo.is_empty() {
            "names no repo; pass --model org/name[@revision]"
        } else if revision.as_deref() == Some("") {
            "the revision after @ is empty; name a branch, tag or commit after it, or leave out the @"
        } else {
            // The Hub's rules for ids and revisions, before either becomes a path.
            let revision = revision.as_deref().unwrap_or("main");
            return crate::hub::Repo::new(crate::hub::Kind::Model, repo, revision).map(|_| ());
        };
        Err(Error::input(self.name(), problem))
    }

    /// As the status bar names it.
    pub fn name(&self) -> String {
        match self {
            ModelSource::Hub {
                repo,
                revision: Some(r),
            } => format!("{repo}@{r}"),
            ModelSource::Hub { repo, .. } => repo.clone(),
            ModelSource::Dir(d) => d.display().to_string(),
        }
    }
}

/// The files a classifier is made of, on local disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFiles {
    /// As the status bar names it: the repo, or the folder.
    pub name: String,
    pub config: PathBuf,
    pub weights: PathBuf,
    pub tokenizer_json: Option<PathBuf>,
    pub vocab: Option<PathBuf>,
    pub tokenizer_config: Option<PathBuf>,
    /// What identifies this model in the caches: `repo@commit`, or a hash of every file in the
    /// folder that changes an output (`IDENTITY_FILES`).
    pub identity: String,
}

impl ModelFiles {
    /// The files of a model folder (as `save_pretrained` writes it).
    pub fn from_dir(dir: &Path) -> Result<Self> {
        if !dir.is_dir() {
            return Err(Error::at_path(
                dir,
                "no such model folder; pass --model-dir a folder with config.json and model.safetensors",
            ));
        }
        let required = |name: &str| {
            let p = dir.join(name);
            if p.is_file() {
                Ok(p)
            } else {
                Err(Error::at_path(
                    dir,
                    format!(
                        "model folder has no {name}; it needs config.json, model.safetensors and tokenizer.json or vocab.txt"
                    ),
                ))
            }
        };
        let optional = |name: &str| Some(dir.join(name)).filter(|p| p.is_file());
        let config = required("config.json")?;
        let weights = required("model.safetensors")?;
        let (tokenizer_json, vocab) = (optional("tokenizer.json"), optional("vocab.txt"));
        if tokenizer_json.is_none() && vocab.is_none() {
            required("tokenizer.json")?;
        }
        let identity = format!("dir:{}", hash_files(dir)?);
        Ok(ModelFiles {
            name: dir.display().to_string(),
            config,
            weights,
            tokenizer_json,
            vocab,
            tokenizer_config: optional("tokenizer_config.json"),
            identity,
        })
    }
}

/// The files of a model folder that a classifier or embedder reads: architecture and labels,
/// weights (these two are required), the tokenizer's, and sentence-transformers' pooling,
/// normalisation and truncation (only embedding models have these). A Hub model fetches the same.
pub(super) const IDENTITY_FILES: [&str; 8] = [
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "vocab.txt",
    "tokenizer_config.json",
    "modules.json",
    "1_Pooling/config.json",
    "sentence_bert_config.json",
];

/// A stable hash of the names and bytes of `IDENTITY_FILES` present in `dir`: a folder's identity
/// in the caches, so editing any of them (a swapped `id2label`, `do_lower_case`, the pooling) is a
/// new model to them, while the same files in another folder are the same model.
pub fn hash_files(dir: &Path) -> Result<String> {
    let mut hash = crate::hash::Fnv::default();
    for name in IDENTITY_FILES {
        let path = dir.join(name);
        if let Ok(meta) = std::fs::metadata(&path)
            && meta.is_file()
        {
            // Name and length first, so bytes cannot move between files unnoticed.
            hash.field(name).field(&meta.len().to_string());
            hash_file(&path, &mut hash)?;
        }
    }
    Ok(hash.hex())
}

/// Adds the file's bytes to `hash`.
fn hash_file(path: &Path, hash: &mut crate::hash::Fnv) -> Result<()> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)
        .map_err(|e| Error::at_path(path, format!("cannot open ({e})")))?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| Error::at_path(path, format!("cannot read ({e})")))?;
        if n == 0 {
            return Ok(());
        }
        hash.write(&buf[..n]);
    }
}

/// The safetensors file memory-mapped for candle, or an error naming it.
pub fn map_weights(
    weights: &Path,
    dtype: candle_core::DType,
    device: &candle_core::Device,
) -> Result<candle_nn::VarBuilder<'static>> {
    // Safety: the file is mapped read-only and not modified while the model lives; the Hugging Face
    // cache writes new blobs rather than changing existing ones.
    unsafe { candle_nn::VarBuilder::from_mmaped_safetensors(&[weights], dtype, device) }
        .map_err(|e| Error::at_path(weights, format!("not readable safetensors ({e})")))
}

/// Weights whose names or shapes are not what `config.json` describes.
pub fn misfit(weights: &Path, architecture: &str, e: candle_core::Error) -> Error {
    let msg = e.to_string();
    Error::at_path(
        weights,
        format!(
            "weights do not fit the {architecture} in config.json ({})",
            msg.lines().next().unwrap_or(&msg)
        ),
    )
}
