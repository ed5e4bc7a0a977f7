//! Building an embedding classifier: the train split embedded (through the embedding cache, batch by
//! batch, with progress) and a logistic regression trained on it (cached with the embedding model's
//! identity), or zero-shot label vectors from the descriptions.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::model::embed::Embedder;
use crate::model::heads::{EmbedClassifier, Head, unit};
use crate::model::hub::Status;
use crate::model::logreg::LogReg;
use crate::predictor::Predictor;
use crate::store::CacheKey;
use crate::vectors::{self, Pool, Shared};

/// Texts per batch while embedding the train split (sentence-transformers' default).
const EMBED_BATCH: usize = 32;

/// The default zero-shot descriptions, one per class, for a dataset with these class names.
pub fn default_descriptions(classes: &[String]) -> Vec<String> {
    classes.iter().map(|c| format!("A {c} review")).collect()
}

/// Which classifier the worker builds.
#[derive(Debug, Clone, Default)]
pub enum HeadSpec {
    /// A fine-tuned sequence classifier (`--model`).
    #[default]
    Sequence,
    /// Logistic regression on embeddings of these train rows: (row, text, class).
    Logistic(Arc<Vec<(u32, String, u32)>>),
    /// Cosine similarity to one description per class.
    ZeroShot(Vec<String>),
}

impl HeadSpec {
    /// The model part of the prediction cache's key.
    pub fn cache_name(&self, identity: &str) -> String {
        match self {
            HeadSpec::Sequence => identity.to_owned(),
            HeadSpec::Logistic(_) => format!("logistic-regression(C=1) on {identity}"),
            HeadSpec::ZeroShot(d) => format!("zero-shot[{}] on {identity}", d.join("|")),
        }
    }
}

/// Where caches go and what they are keyed by.
pub struct Context<'a> {
    pub cache_root: Option<&'a Path>,
    pub data_fingerprint: &'a str,
    pub text: &'a str,
    pub classes: &'a [String],
    pub status: &'a Status,
    /// The session's embedding caches, shared with the other classifier's worker.
    pub vectors: &'a Pool,
}

/// A head for `embedder` as `spec` says, with the embedding cache it reads and adds to; what the
/// user should know goes into the embedder's notes.
pub fn build(mut embedder: Embedder, spec: &HeadSpec, ctx: &Context) -> Result<Predictor> {
    let model = embedder.name.rsplit('/').next().unwrap_or("").to_owned();
    // The embedding of a row does not depend on the head, so every head shares one cache.
    let key = CacheKey {
        model: embedder.identity.clone(),
        data: ctx.data_fingerprint.to_owned(),
        text: ctx.text.to_owned(),
        max_length: embedder.max_length,
        label_map: String::new(),
        dtype: embedder.device_label(),
        classes: ctx.classes.to_vec(),
    };
    let vectors = ctx.vectors.get(ctx.cache_root, &key, embedder.dim);
    let (head, name) = match spec {
        HeadSpec::Sequence => unreachable!("sequence classifiers are not built on embeddings"),
        HeadSpec::ZeroShot(descriptions) => {
            // Checked against the classes when the options were read (`ModelBackend::from_args`).
            let texts: Vec<&str> = descriptions.iter().map(String::as_str).collect();
            let encoded = embedder.tokenize(&texts)?;
            let vectors = embedder.embed(&encoded.iter().collect::<Vec<_>>())?;
            let head = Head::ZeroShot(vectors.iter().map(|v| unit(v)).collect());
            (head, format!("{model} zero-shot"))
        }
        HeadSpec::Logistic(train) => {
            let head_path = ctx.cache_root.map(|r| head_file(r, &key));
            let cached = head_path
                .as_deref()
                .and_then(|p| read_head(p, &key, embedder.dim, &mut embedder.notes));
            let model_lr = match cached {
                Some(m) => m,
                None => {
                    let x = embed_train(&embedder, train, &vectors, ctx)?;
                    let m = train_head(&x, train, embedder.dim, ctx)?;
                    if let Some(p) = &head_path
                        && let Err(e) = write_head(p, &key, &m)
                    {
                        embedder.notes.push(format!("head not cached: {e}"));
                    }
                    m
                }
            };
            embedder.notes.push(format!(
                "logistic regression: {} iterations, loss {:.4}{}",
                model_lr.iterations,
                model_lr.loss,
                if model_lr.converged {
                    ""
                } else {
                    ", not converged"
                }
            ));
            (
                Head::Logistic(model_lr),
                format!("{model} + logistic regression"),
            )
        }
    };
    Ok(Predictor::Embedding {
        classifier: EmbedClassifier {
            name,
            embedder,
            head,
        },
        vectors,
    })
}

/// Embeddings of the train rows, in `train`'s order and flattened (row-major): those `vectors`
/// lacks computed in length-sorted batches, which it saves batch by batch.
fn embed_train(
    embedder: &Embedder,
    train: &[(u32, String, u32)],
    vectors: &Shared,
    ctx: &Context,
) -> Result<Vec<f32>> {
    let known = vectors::lock(vectors);
    let mut todo: Vec<(u32, &str)> = train
        .iter()
        .filter(|(r, _, _)| known.get(*r).is_none())
        .map(|(r, text, _)| (*r, text.as_str()))
        .collect();
    drop(known); // the other worker may use them between batches
    todo.sort_by_key(|(_, text)| text.len());
    let started = Instant::now();
    let mut last = started;
    let total = todo.len();
    for (done, batch) in todo.chunks(EMBED_BATCH).enumerate() {
        vectors::lock(vectors).embed(embedder, batch)?;
        let n = (done * EMBED_BATCH + batch.len()).min(total);
        if n < total && last.elapsed().as_millis() < 250 {
            continue;
        }
        last = Instant::now();
        (ctx.status)(format!(
            "embedding the train split: {n} of {total} ({:.0}/s)",
            n as f64 / started.elapsed().as_secs_f64().max(1e-9)
        ));
    }
    let known = vectors::lock(vectors);
    Ok(train
        .iter()
        .flat_map(|(r, _, _)| &known.get(*r).expect("embedded above").vector)
        .copied()
        .collect())
}

/// `x`: the train rows' embeddings, row-major.
fn train_head(
    x: &[f32],
    train: &[(u32, String, u32)],
    dim: usize,
    ctx: &Context,
) -> Result<LogReg> {
    let y: Vec<u32> = train.iter().map(|(_, _, label)| *label).collect();
    let status = ctx.status.clone();
    let mut last = Instant::now();
    LogReg::train(
        x,
        &y,
        dim,
        ctx.classes.len(),
        1.0,
        move |iteration, loss| {
            if last.elapsed().as_millis() >= 100 {
                last = Instant::now();
                status(format!(
                    "training logistic regression: iteration {iteration}, loss {loss:.4}"
                ));
            }
        },
    )
    .map_err(|e| Error::input("--classifier embed", e))
}

fn head_file(root: &Path, key: &CacheKey) -> PathBuf {
    root.join("heads").join(format!("{}.json", key.id()))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CachedHead {
    key: CacheKey,
    model: LogReg,
}

/// The cached head for `key`, if it is there and fits; otherwise `None`, with a note saying why
/// when a file was there.
fn read_head(path: &Path, key: &CacheKey, dim: usize, notes: &mut Vec<String>) -> Option<LogReg> {
    let text = std::fs::read_to_string(path).ok()?;
    let cached: CachedHead = match serde_json::from_str(&text) {
        Ok(c) => c,
        Err(e) => {
            notes.push(format!(
                "ignored the unreadable cached head {} ({e}); trained again",
                path.display()
            ));
            return None;
        }
    };
    if cached.key != *key {
        notes.push(format!(
            "cached head {} belongs to another model or data set; trained again",
            path.display()
        ));
        return None;
    }
    let expected = if key.classes.len() == 2 {
        1
    } else {
        key.classes.len()
    } * (dim + 1);
    if cached.model.dim != dim || cached.model.weights.len() != expected {
        notes.push(format!(
            "cached head {} has {} dimensions but the embedding model gives {dim}; trained again",
            path.display(),
            cached.model.dim
        ));
        return None;
    }
    Some(cached.model)
}

fn write_head(path: &Path, key: &CacheKey, model: &LogReg) -> std::result::Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {} ({e})", dir.display()))?;
    }
    let cached = CachedHead {
        key: key.clone(),
        model: model.clone(),
    };
    let json = serde_json::to_vec(&cached).map_err(|e| e.to_string())?;
    crate::store::write_atomic(path, &json)
}
