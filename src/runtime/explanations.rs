//! Finished explanations, cached one file per (classifier, review text): `explain/<id>.json` under
//! the cache root, the id over the prediction cache's key (model and its identity, max length,
//! label map, dtype, classes) and the text, which the file also holds so that a hash collision
//! reads as a miss. Written atomically; an unreadable file is a miss.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::explain::Explanation;
use crate::hash::Fnv;
use crate::io::store::{self, CacheKey};

#[derive(Serialize, Deserialize)]
struct Cached {
    key: CacheKey,
    text: String,
    explanation: Explanation,
}

fn path(root: &Path, key: &CacheKey, text: &str) -> PathBuf {
    let id = Fnv::default().field(&key.id()).field(text).hex();
    root.join("explain").join(format!("{id}.json"))
}

/// The explanation of `text` cached under `key`, when there is a complete one.
pub fn read(root: &Path, key: &CacheKey, text: &str) -> Option<Explanation> {
    let file = std::fs::read_to_string(path(root, key, text)).ok()?;
    let cached: Cached = serde_json::from_str(&file).ok()?;
    let fits = cached.key == *key && cached.text == text && cached.explanation.is_complete();
    fits.then_some(cached.explanation)
}

/// Keeps a complete explanation (after the first failure to write, nothing more is tried).
pub fn write(
    root: &Path,
    key: &CacheKey,
    text: &str,
    explanation: &Explanation,
) -> Result<(), String> {
    let cached = Cached {
        key: key.clone(),
        text: text.to_owned(),
        explanation: explanation.clone(),
    };
    store::cache_write(root, || {
        super::training::write_json(&path(root, key, text), &cached)
    })
}
