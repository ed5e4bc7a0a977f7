//! Sentence embeddings of a data set's rows, whichever split or head asked for them: kept for the
//! session and in the embedding cache on disk, so a second head (logistic regression after zero-shot,
//! new label descriptions) or a second run embeds no review twice.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::Result;
use crate::io::mapped::MappedF32;
use crate::io::store::{CacheKey, Embedded, Store};
use crate::model::embed::Embedder;

/// One cache key's vectors, shared by every head on that embedding model in a session.
pub type Shared = Arc<Mutex<Vectors>>;

/// The embedding caches a session has open, by key. The explorer's two workers get one pool, so
/// `--classifier embed --compare zero-shot` embeds each review once between them: whichever asks
/// first embeds it, and the other waits for that batch instead of running its own.
#[derive(Clone, Default)]
pub struct Pool(Arc<Mutex<HashMap<String, Shared>>>);

impl Pool {
    /// The vectors for `key`, opened from the cache under `root` (`None`: memory only) the first
    /// time they are asked for.
    pub fn get(&self, root: Option<&Path>, key: &CacheKey, dim: usize) -> Shared {
        let mut open = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let vectors = open.entry(key.id()).or_insert_with(|| {
            Arc::new(Mutex::new(match root {
                Some(root) => Vectors::open(root, key, dim),
                None => Vectors::in_memory(None, dim),
            }))
        });
        Arc::clone(vectors)
    }
}

/// Locks shared vectors; a worker that panicked mid-batch left them whole (entries are added whole).
pub fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Vectors> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One row's embedding, borrowed from `Vectors`.
#[derive(Debug, Clone, Copy)]
pub struct Embedding<'a> {
    pub vector: &'a [f32],
    pub tokens: u32,
    pub truncated: bool,
}

/// The embeddings known so far: vectors in a memory-mapped file (row r's at `r * dim`), so that
/// those of 400k rows are pages the kernel may drop and read again rather than heap memory, and
/// what else each row's embedding carries.
pub struct Vectors {
    dim: usize,
    values: MappedF32,
    /// Tokens and truncation of each embedded row; a row is known when it is here.
    known: HashMap<u32, (u32, bool)>,
    /// `None` with `--no-cache`, or once the cache could not be opened or written.
    store: Option<Store<Embedded>>,
    /// What the user should hear about the cache since the last `take_warnings`.
    warnings: Vec<String>,
}

impl Vectors {
    /// Only what this session embeds, `dim` wide; the mapped file goes in `dir` when given.
    pub fn in_memory(dir: Option<&Path>, dim: usize) -> Vectors {
        Vectors {
            dim,
            values: MappedF32::new(dir),
            known: HashMap::new(),
            store: None,
            warnings: Vec::new(),
        }
    }

    /// The cache for `key` under `root`, with everything it holds (vectors `dim` wide). A cache that
    /// cannot be opened leaves the vectors in memory only, with a warning.
    pub fn open(root: &Path, key: &CacheKey, dim: usize) -> Vectors {
        let mut vectors = Vectors::in_memory(Some(root), dim);
        let opened = Store::<Embedded>::open_each(root, key, dim, |row, e| vectors.put(row, &e));
        match opened {
            Ok((store, warnings)) => {
                vectors.warnings.extend(warnings);
                vectors.store = Some(store);
            }
            Err(e) => vectors.warnings.push(format!("embedding cache off: {e}")),
        }
        vectors
    }

    fn put(&mut self, row: u32, e: &Embedded) {
        let at = row as usize * self.dim;
        if self.values.len() < at + self.dim {
            self.values.resize(at + self.dim);
        }
        self.values[at..at + self.dim].copy_from_slice(&e.vector);
        self.known.insert(row, (e.tokens, e.truncated));
    }

    pub fn get(&self, row: u32) -> Option<Embedding<'_>> {
        let &(tokens, truncated) = self.known.get(&row)?;
        let at = row as usize * self.dim;
        Some(Embedding {
            vector: &self.values[at..at + self.dim],
            tokens,
            truncated,
        })
    }

    /// Embeddings of `rows`, in their order: those already known as they are, the others embedded
    /// together as one padded batch and saved. Borrowed, so a caller that only fills the cache
    /// copies nothing.
    pub fn embed(
        &mut self,
        embedder: &Embedder,
        rows: &[(u32, &str)],
    ) -> Result<Vec<Embedding<'_>>> {
        let missing: Vec<&(u32, &str)> = rows
            .iter()
            .filter(|(row, _)| !self.known.contains_key(row))
            .collect();
        if !missing.is_empty() {
            let texts: Vec<&str> = missing.iter().map(|(_, text)| *text).collect();
            let encoded = embedder.tokenize(&texts)?;
            let vectors = embedder.embed(&encoded.iter().collect::<Vec<_>>())?;
            let records: Vec<(u32, Embedded)> = missing
                .iter()
                .zip(encoded.iter().zip(vectors))
                .map(|((row, _), (e, vector))| {
                    let record = Embedded {
                        vector,
                        tokens: e.ids.len() as u32,
                        truncated: e.truncated,
                    };
                    (*row, record)
                })
                .collect();
            if let Some(store) = &mut self.store
                && let Err(e) = store.save(&records)
            {
                // Said once; the vectors are still used from memory.
                self.warnings.push(format!("embedding cache off: {e}"));
                self.store = None;
            }
            for (row, record) in &records {
                self.put(*row, record);
            }
        }
        Ok(rows
            .iter()
            .map(|(row, _)| self.get(*row).expect("embedded above"))
            .collect())
    }

    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }
}
