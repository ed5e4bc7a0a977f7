//! Building an embedding classifier: the train split embedded (through the embedding cache, batch by
//! batch, with progress) and a logistic regression trained on it (cached with the embedding model's
//! identity), or zero-shot label vectors from the descriptions.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::predictor::Predictor;
use super::vectors::{self, Pool, Shared};
use crate::app::SimilarTo;
use crate::error::{Error, Result};
use crate::format::{clock, thousands};
use crate::hub::Status;
use crate::io::mapped::MappedF32;
use crate::io::store::{self, CacheKey};
use crate::model::embed::Embedder;
use crate::model::heads::{EmbedClassifier, Head, unit};
use crate::model::logreg::LogReg;
use crate::throttle::Throttle;

/// Texts per batch while embedding the train split (sentence-transformers' default).
const EMBED_BATCH: usize = 32;

/// Where caches go and what they are keyed by.
pub struct Context<'a> {
    pub cache_root: Option<&'a Path>,
    pub data_fingerprint: &'a str,
    pub text: &'a str,
    pub classes: &'a [String],
    pub status: &'a Status,
    /// The session's embedding caches, shared with the other classifier's worker.
    pub vectors: &'a Pool,
    /// Set by the user (`x`): stop embedding the train split after the batch in flight.
    pub stop: &'a AtomicBool,
}

/// The embedding cache's key for `embedder` (a row's embedding does not depend on the head, so
/// every head shares one cache), and the vectors under it.
fn embedding_cache(embedder: &Embedder, ctx: &Context) -> (CacheKey, Shared) {
    let key = CacheKey {
        model: embedder.identity.clone(),
        data: ctx.data_fingerprint.to_owned(),
        text: ctx.text.to_owned(),
        max_length: embedder.max_length,
        label_map: String::new(),
        dtype: embedder.cache_label.clone(),
        classes: ctx.classes.to_vec(),
    };
    let vectors = ctx.vectors.get(ctx.cache_root, &key, embedder.dim);
    (key, vectors)
}

/// "all-MiniLM-L6-v2" of "sentence-transformers/all-MiniLM-L6-v2".
fn short_name(embedder: &Embedder) -> String {
    embedder.name.rsplit('/').next().unwrap_or("").to_owned()
}

/// Zero-shot: each class's description embedded once (checked against the classes when the spec
/// was made).
pub fn zero_shot(embedder: Embedder, descriptions: &[String], ctx: &Context) -> Result<Predictor> {
    let (_, vectors) = embedding_cache(&embedder, ctx);
    let texts: Vec<&str> = descriptions.iter().map(String::as_str).collect();
    let encoded = embedder.tokenize(&texts)?;
    let labels = embedder.embed(&encoded.iter().collect::<Vec<_>>())?;
    let head = Head::ZeroShot(labels.iter().map(|v| unit(v)).collect());
    let name = format!("{} zero-shot", short_name(&embedder));
    Ok(predictor(name, embedder, head, vectors))
}

/// Logistic regression on the train rows' embeddings, from the head cache when it holds one for
/// this model and data; what the user should know goes into the embedder's notes.
pub fn logistic(
    mut embedder: Embedder,
    train: &[(u32, String, u32)],
    ctx: &Context,
) -> Result<Predictor> {
    let (key, vectors) = embedding_cache(&embedder, ctx);
    let head_path = ctx.cache_root.map(|r| head_file(r, &key));
    let cached = head_path
        .as_deref()
        .and_then(|p| read_head(p, &key, embedder.dim, &mut embedder.notes));
    let model = match cached {
        Some(m) => m,
        None => {
            let x = embed_rows(&embedder, train, &vectors, ctx, "the train split")?;
            let y: Vec<u32> = train.iter().map(|(_, _, label)| *label).collect();
            let m = train_head(&x, &y, embedder.dim, ctx)?;
            if let (Some(p), Some(root)) = (&head_path, ctx.cache_root)
                && let Err(e) = store::cache_write(root, || write_head(p, &key, &m))
            {
                embedder.notes.push(format!("head not cached: {e}"));
            }
            m
        }
    };
    let converged = if model.converged {
        ""
    } else {
        ", not converged"
    };
    embedder.notes.push(format!(
        "logistic regression: {} iterations, loss {:.4}{converged}",
        model.iterations, model.loss
    ));
    let name = format!("{} + logistic regression", short_name(&embedder));
    Ok(predictor(name, embedder, Head::Logistic(model), vectors))
}

fn predictor(name: String, embedder: Embedder, head: Head, vectors: Shared) -> Predictor {
    Predictor::Embedding {
        classifier: EmbedClassifier {
            name,
            embedder,
            head,
        },
        vectors,
    }
}

/// "embedding the train split 320/10,000, 45/s, ETA 3:35 · x stops": what is left is timed by
/// the rate so far (the rows go shortest first, so the estimate errs early).
fn embedding_progress(what: &str, done: usize, total: usize, elapsed: Duration) -> String {
    let rate = done as f64 / elapsed.as_secs_f64().max(1e-9);
    let left = Duration::from_secs_f64((total - done) as f64 / rate.max(1e-9));
    format!(
        "embedding {what} {}/{}, {rate:.0}/s, ETA {} · x stops",
        thousands(done),
        thousands(total),
        clock(left.min(Duration::from_secs(360_000)))
    )
}

/// Embeddings of `train` (row, text, label), in its order and flattened (row-major): those
/// `vectors` lacks computed in length-sorted batches, which it saves batch by batch. `what` names
/// the rows in progress reports ("the train split").
fn embed_rows(
    embedder: &Embedder,
    train: &[(u32, String, u32)],
    vectors: &Shared,
    ctx: &Context,
    what: &str,
) -> Result<MappedF32> {
    let known = vectors::lock(vectors);
    let mut todo: Vec<(u32, &str)> = train
        .iter()
        .filter(|(r, _, _)| known.get(*r).is_none())
        .map(|(r, text, _)| (*r, text.as_str()))
        .collect();
    drop(known); // the other worker may use them between batches
    todo.sort_by_key(|(_, text)| text.len());
    let started = Instant::now();
    let mut throttle = Throttle::new(Duration::from_millis(250));
    let total = todo.len();
    for (done, batch) in todo.chunks(EMBED_BATCH).enumerate() {
        let n = done * EMBED_BATCH;
        if ctx.stop.load(Ordering::Relaxed) {
            return Err(Error::Stopped(format!(
                "stopped embedding {what}: {} of {} rows done (kept: asking again goes on from there)",
                thousands(n + train.len() - total),
                thousands(train.len())
            )));
        }
        vectors::lock(vectors).embed(embedder, batch)?;
        let n = n + batch.len();
        if n < total && !throttle.ready() {
            continue;
        }
        (ctx.status)(embedding_progress(what, n, total, started.elapsed()));
    }
    let known = vectors::lock(vectors);
    // In a mapped file too: the rows' vectors in order are as large as the cache's.
    let mut x = MappedF32::new(ctx.cache_root);
    for (r, _, _) in train {
        x.extend_from_slice(known.get(*r).expect("embedded above").vector);
    }
    Ok(x)
}

/// `x`: the train rows' embeddings, row-major.
/// Out-of-fold probabilities for `rows` (row, text, label): `k` stratified folds drawn as
/// scikit-learn's `StratifiedKFold(k, shuffle=True, random_state=seed)`, each fold's rows scored by
/// a logistic regression trained on the other folds' embeddings (cleanlab's
/// `estimate_cv_predicted_probabilities`). The embeddings go through the embedding cache, so a second
/// run, or one after the explorer embedded the rows, only trains. Also each row's fold.
pub fn cross_validated(
    embedder: &Embedder,
    rows: &[(u32, String, u32)],
    (k, seed): (usize, u32),
    ctx: &Context,
) -> Result<(Vec<Vec<f32>>, Vec<usize>)> {
    let labels: Vec<usize> = rows.iter().map(|r| r.2 as usize).collect();
    let folds = crate::label_issues::stratified_folds(&labels, k, seed)
        .map_err(|e| Error::input("--folds", e.to_string()))?;
    let x = embeddings(embedder, rows, ctx, "the rows to check")?;
    let dim = embedder.dim;
    let checked = rows_fingerprint(rows);
    let mut probs = vec![Vec::new(); rows.len()];
    for fold in 0..k {
        let (train, test): (Vec<usize>, Vec<usize>) =
            (0..rows.len()).partition(|&i| folds[i] != fold);
        let key = fold_key(embedder, ctx, (k, seed, fold), &checked);
        let model = match cached_fold(ctx, &key, dim) {
            Some(model) => model,
            None => train_fold(&x, (rows, &train), dim, ctx, (fold, k, &key))?,
        };
        for i in test {
            probs[i] = model.probs(&x[i * dim..(i + 1) * dim]);
        }
    }
    Ok((probs, folds))
}

/// The embeddings of `rows` (row, text, label), row-major, through the embedding cache; `what`
/// names the rows in progress reports.
pub fn embeddings(
    embedder: &Embedder,
    rows: &[(u32, String, u32)],
    ctx: &Context,
    what: &str,
) -> Result<MappedF32> {
    let (_, vectors) = embedding_cache(embedder, ctx);
    embed_rows(embedder, rows, &vectors, ctx, what)
}

/// The `k` rows of `rows` most similar to `to` by the cosine of their embeddings (every row's
/// through the embedding cache), most similar first, equal ones by row: (row id, cosine). A row
/// asked about is left out of its own list.
pub fn similar(
    embedder: &Embedder,
    rows: &[(u32, String, u32)],
    to: &SimilarTo,
    k: usize,
    ctx: &Context,
) -> Result<Vec<(u32, f32)>> {
    let x = embeddings(embedder, rows, ctx, "every row")?;
    let dim = embedder.dim;
    let query = match to {
        SimilarTo::Row(r) => {
            let at = rows.iter().position(|(row, _, _)| row == r);
            let at = at.ok_or_else(|| Error::Message(format!("row {r} is not among the rows")))?;
            x[at * dim..(at + 1) * dim].to_vec()
        }
        SimilarTo::Text(text) => {
            let encoded = embedder.tokenize(&[text.as_str()])?;
            embedder
                .embed(&encoded.iter().collect::<Vec<_>>())?
                .remove(0)
        }
    };
    let query = unit(&query);
    let mut ranked: Vec<(u32, f32)> = (rows.iter().zip(x.chunks_exact(dim)))
        .filter(|((row, _, _), _)| *to != SimilarTo::Row(*row))
        .map(|((row, _, _), v)| (*row, reviewlens_kernels::dot(&unit(v), &query)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(k);
    Ok(ranked)
}

/// Each row's near duplicates (positions in `rows`) among the embeddings of `rows`, as Datalab
/// finds them; cached under the embedding key and the rows (one file, written atomically).
pub fn near_duplicates(
    embedder: &Embedder,
    rows: &[(u32, String, u32)],
    ctx: &Context,
) -> Result<Vec<Vec<usize>>> {
    let (mut key, _) = embedding_cache(embedder, ctx);
    key.label_map = format!("near duplicates rows={}", rows_fingerprint(rows));
    let path = ctx
        .cache_root
        .map(|root| root.join("neighbours").join(format!("{}.json", key.id())));
    if let Some(sets) = path.as_deref().and_then(|p| read_sets(p, &key, rows.len())) {
        return Ok(sets);
    }
    let x = embeddings(embedder, rows, ctx, "every row")?;
    (ctx.status)("finding near duplicates".into());
    let near = crate::label_issues::near_duplicates(&x, embedder.dim)
        .map_err(|e| Error::Message(format!("near duplicates: {e}")))?;
    if let (Some(p), Some(root)) = (&path, ctx.cache_root) {
        let _ = store::cache_write(root, || write_sets(p, &key, &near.sets));
    }
    Ok(near.sets)
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CachedSets {
    key: CacheKey,
    sets: Vec<Vec<usize>>,
}

/// Cached near-duplicate sets for `key`, when the file is there, readable and of `rows` rows.
fn read_sets(path: &Path, key: &CacheKey, rows: usize) -> Option<Vec<Vec<usize>>> {
    let text = std::fs::read_to_string(path).ok()?;
    let cached: CachedSets = serde_json::from_str(&text).ok()?;
    let fits = cached.key == *key && cached.sets.len() == rows;
    (fits && cached.sets.iter().flatten().all(|&j| j < rows)).then_some(cached.sets)
}

fn write_sets(path: &Path, key: &CacheKey, sets: &[Vec<usize>]) -> std::result::Result<(), String> {
    let cached = CachedSets {
        key: key.clone(),
        sets: sets.to_vec(),
    };
    write_json(path, &cached)
}

/// A cache file: `value` as JSON, its folder made, written atomically.
pub(super) fn write_json(
    path: &Path,
    value: &impl serde::Serialize,
) -> std::result::Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {} ({e})", dir.display()))?;
    }
    let json = serde_json::to_vec(value).map_err(|e| e.to_string())?;
    crate::io::atomic::replace(path, &json)
}

/// Which rows (and so which labels, given the data) a cross-validation checks.
fn rows_fingerprint(rows: &[(u32, String, u32)]) -> String {
    let mut h = crate::hash::Fnv::default();
    for (row, _, label) in rows {
        h.write(&row.to_le_bytes()).write(&label.to_le_bytes());
    }
    h.hex()
}

/// A fold's head is cached like the embedding head, under the embedding key with the folds (K,
/// seed, which fold) and the checked rows added: one file per finished fold, so a stopped
/// cross-validation goes on from the folds it finished.
fn fold_key(
    embedder: &Embedder,
    ctx: &Context,
    (k, seed, fold): (usize, u32, usize),
    rows: &str,
) -> CacheKey {
    let (mut key, _) = embedding_cache(embedder, ctx);
    key.label_map = format!("cross-validation k={k} seed={seed} fold={fold} rows={rows}");
    key
}

fn cached_fold(ctx: &Context, key: &CacheKey, dim: usize) -> Option<LogReg> {
    let path = head_file(ctx.cache_root?, key);
    read_head(&path, key, dim, &mut Vec::new())
}

/// Trains fold `fold`'s head on the other folds' rows (`train`, positions in `rows`) and caches
/// it; the user's `x` stops before it.
fn train_fold(
    x: &[f32],
    (rows, train): (&[(u32, String, u32)], &[usize]),
    dim: usize,
    ctx: &Context,
    (fold, k, key): (usize, usize, &CacheKey),
) -> Result<LogReg> {
    if ctx.stop.load(Ordering::Relaxed) {
        return Err(Error::Stopped(format!(
            "stopped cross-validating: {fold} of {k} folds done (kept: asking again goes on from there)"
        )));
    }
    (ctx.status)(format!(
        "cross-validating: training fold {} of {k}",
        fold + 1
    ));
    let xs: Vec<f32> = (train.iter())
        .flat_map(|&i| &x[i * dim..(i + 1) * dim])
        .copied()
        .collect();
    let y: Vec<u32> = train.iter().map(|&i| rows[i].2).collect();
    let model = train_head(&xs, &y, dim, ctx)?;
    if let Some(root) = ctx.cache_root {
        let path = head_file(root, key);
        // A head that could not be kept is trained again next time; nothing else is lost.
        let _ = store::cache_write(root, || write_head(&path, key, &model));
    }
    Ok(model)
}

/// A logistic regression on `x` (rows × `dim`) with classes `y`, reporting its iterations.
fn train_head(x: &[f32], y: &[u32], dim: usize, ctx: &Context) -> Result<LogReg> {
    let status = ctx.status.clone();
    let mut throttle = Throttle::new(Duration::from_millis(100));
    LogReg::train(x, y, dim, ctx.classes.len(), 1.0, move |iteration, loss| {
        if throttle.ready() {
            status(format!(
                "training logistic regression: iteration {iteration}, loss {loss:.4}"
            ));
        }
    })
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
    let cached = CachedHead {
        key: key.clone(),
        model: model.clone(),
    };
    write_json(path, &cached)
}
