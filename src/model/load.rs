//! The loading steps the classifier and the embedder share, so that both refuse a broken model
//! folder with the same words.

use std::path::Path;

use serde::de::DeserializeOwned;

use super::ModelFiles;
use super::tokenize::TextTokenizer;
use crate::error::{Error, Result};

/// Reads and parses a JSON file (`config.json`, `1_Pooling/config.json`), naming the file in the
/// error.
pub(super) fn read_json(path: &Path) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::at_path(path, format!("cannot read ({e})")))?;
    serde_json::from_str(&text).map_err(|e| Error::at_path(path, format!("not JSON ({e})")))
}

/// `config.json` as one architecture's config; `kind` names it in the error ("bad BERT config").
pub(super) fn typed_config<T: DeserializeOwned>(
    path: &Path,
    config: serde_json::Value,
    kind: &str,
) -> Result<T> {
    serde_json::from_value(config)
        .map_err(|e| Error::at_path(path, format!("bad {kind} config ({e})")))
}

/// `max_position_embeddings`, refused below 2: no room for the `[CLS]` and `[SEP]` tokens, and a
/// truncation length under 2 would not truncate at all.
pub(super) fn positions(config: &Path, positions: usize) -> Result<usize> {
    if positions < 2 {
        return Err(Error::at_path(
            config,
            format!(
                "max_position_embeddings {positions} leaves no room for the [CLS] and [SEP] tokens (at least 2)"
            ),
        ));
    }
    Ok(positions)
}

/// Tokens per text: `--max-length` when the position embeddings cover it, else `default()`.
/// `model` ("model", "embedding model") says whose limit was passed.
pub(super) fn max_length(
    requested: Option<usize>,
    max_positions: usize,
    default: impl FnOnce() -> usize,
    model: &str,
) -> Result<usize> {
    match requested {
        None => Ok(default()),
        Some(n) if (2..=max_positions).contains(&n) => Ok(n),
        Some(n) => Err(Error::input(
            "--max-length",
            format!("{n} is outside 2..={max_positions} (the {model}'s max_position_embeddings)"),
        )),
    }
}

/// The model folder's tokenizer, refused when it can give an id past the model's embedding table:
/// it then belongs to another model (or was edited), and the id would fail every classification.
pub(super) fn tokenizer(
    files: &ModelFiles,
    max_length: usize,
    vocab_size: usize,
    model: &str,
) -> Result<TextTokenizer> {
    let tokenizer = TextTokenizer::load(
        files.tokenizer_json.as_deref(),
        files.vocab.as_deref(),
        files.tokenizer_config.as_deref(),
        max_length,
    )?;
    if tokenizer.vocab_size() > vocab_size {
        return Err(Error::input(
            model,
            format!(
                "its tokenizer has {} tokens but the model's vocabulary has {vocab_size}; the tokenizer belongs to another model",
                tokenizer.vocab_size()
            ),
        ));
    }
    let bound = tokenizer.id_bound()?;
    if bound > vocab_size {
        return Err(Error::input(
            model,
            format!(
                "its tokenizer gives token ids up to {} but the model's vocabulary has {vocab_size}; the tokenizer does not fit the model",
                bound - 1
            ),
        ));
    }
    Ok(tokenizer)
}
