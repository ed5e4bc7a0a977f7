//! The prediction and embedding caches: parquet files under `<cache dir>/reviewlens/<kind>/<key>/`,
//! one per batch, so a killed run keeps what it finished. The key names the model (repo@commit or a
//! hash of the model folder's files), the data (its fingerprint), the text field, max length, label
//! map, dtype and classes; `key.json` beside the parts says so in words. Every file is written to a
//! temporary name and renamed; what a killed run left is cleared on start. A file that cannot be
//! read is set aside with a warning, never fatal; a write that fails (a full disk) is said once, and
//! the run caches nothing more.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use arrow::array::{
    ArrayRef, AsArray, BooleanArray, FixedSizeListArray, Float32Array, RecordBatch, UInt32Array,
};
use arrow::datatypes::{DataType, Field, Float32Type, Schema, UInt32Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::hash::Fnv;
use crate::model::Prediction;

/// A store that opens with more parts than this merges its small ones (`MERGED_ROWS`).
const COMPACT_ABOVE: usize = 16;

/// A store merges the parts it wrote into one after this many, so a long run leaves some hundred
/// files rather than tens of thousands (400k predictions in batches of 16: 25,000 parts, which took
/// seconds to open again).
const MERGE_EVERY: usize = 256;

/// Parts with fewer rows than this are merged when a store opens with many parts.
const MERGED_ROWS: usize = 4096;

/// Temporary files older than this in a cache folder were left by a killed run.
const STALE_AFTER: Duration = Duration::from_secs(60);

/// Cache roots a write failed under in this run (a full disk, say).
static FAILED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Runs `write`, a write into the cache under `root`, unless one has failed there in this run: then
/// nothing more is written. A failure is returned the first time only, so it is said once.
pub fn cache_write(root: &Path, write: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    let failed = || FAILED.lock().unwrap_or_else(PoisonError::into_inner);
    if failed().iter().any(|r| r == root) {
        return Ok(());
    }
    let Err(e) = write() else {
        return Ok(());
    };
    let mut failed = failed();
    if failed.iter().any(|r| r == root) {
        return Ok(()); // another thread said it
    }
    failed.push(root.to_owned());
    Err(format!("{e}; nothing more is cached this run"))
}

/// Clears what killed runs left in the caches under `root` (`heads/`, `predictions/<key>/`, ...):
/// our old temporary files, nothing else.
pub fn clear_stale(root: &Path) {
    let subfolders = |dir: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .collect()
    };
    for kind in subfolders(root) {
        super::atomic::clear_stale(&kind, STALE_AFTER);
        for key in subfolders(&kind) {
            super::atomic::clear_stale(&key, STALE_AFTER);
        }
    }
}

/// Everything a cached prediction depends on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CacheKey {
    pub model: String,
    pub data: String,
    pub text: String,
    pub max_length: usize,
    pub label_map: String,
    pub dtype: String,
    pub classes: Vec<String>,
}

impl CacheKey {
    pub fn id(&self) -> String {
        let mut h = Fnv::default();
        h.field(&self.model).field(&self.data).field(&self.text);
        h.field(&self.max_length.to_string())
            .field(&self.label_map)
            .field(&self.dtype);
        for c in &self.classes {
            h.field(c);
        }
        h.hex()
    }
}

/// `$XDG_CACHE_HOME/reviewlens` on Linux (else `~/.cache/reviewlens`), the platform's cache folder
/// elsewhere.
pub fn default_root() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("reviewlens"))
}

/// Where the caches go: the default root, or nowhere with `--no-cache`.
pub fn root(no_cache: bool) -> Option<PathBuf> {
    if no_cache { None } else { default_root() }
}

/// What a store keeps per row, and how it goes in and out of a parquet batch (after the `row`
/// column). `width` is the number of classes, or the embedding's dimension.
pub trait Record: Sized {
    /// The folder under the cache root.
    const KIND: &'static str;
    fn fields(width: usize) -> Vec<Field>;
    fn columns(items: &[(u32, Self)], width: usize) -> Result<Vec<ArrayRef>, String>;
    /// Row `i` of `batch`, whose schema has been checked.
    fn read(batch: &RecordBatch, i: usize, width: usize) -> Result<Self, String>;
}

pub struct Store<T: Record = Prediction> {
    /// The cache root, which a failed write turns off for the run.
    root: PathBuf,
    dir: PathBuf,
    width: usize,
    written: u32,
    /// Parts written since the last merge (see `MERGE_EVERY`), and their rows.
    fresh: Vec<PathBuf>,
    fresh_rows: Vec<(u32, T)>,
    _kind: std::marker::PhantomData<T>,
}

/// What opening a store found.
pub struct Opened<T: Record = Prediction> {
    pub store: Store<T>,
    pub predictions: Vec<(u32, T)>,
    pub warnings: Vec<String>,
}

impl<T: Record + Clone> Store<T> {
    /// Opens (creating when needed) the store for `key` under `root` and reads what it holds.
    pub fn open(root: &Path, key: &CacheKey) -> Result<Opened<T>, String> {
        Self::open_with_width(root, key, key.classes.len())
    }

    /// As `open`, for records `width` wide.
    pub fn open_with_width(root: &Path, key: &CacheKey, width: usize) -> Result<Opened<T>, String> {
        let mut predictions = Vec::new();
        let (store, warnings) = Self::open_each(root, key, width, |row, record| {
            predictions.push((row, record));
        })?;
        Ok(Opened {
            store,
            predictions,
            warnings,
        })
    }

    /// As `open_with_width`, handing each record to `each` as it is read instead of keeping them
    /// all (embedding vectors go straight into a mapped file). With many parts, the small ones are
    /// merged into parts of `MERGED_ROWS` rows, a few at a time, so the next open reads few files.
    pub fn open_each(
        root: &Path,
        key: &CacheKey,
        width: usize,
        mut each: impl FnMut(u32, T),
    ) -> Result<(Store<T>, Vec<String>), String> {
        let (mut store, mut warnings) = Self::open_dir(root, key, width)?;
        let parts = store.parts();
        let compact = parts.len() > COMPACT_ABOVE;
        let (mut small, mut rows) = (Vec::new(), Vec::new());
        for part in &parts {
            let read = match read_part::<T>(part, store.width) {
                Ok(read) => read,
                Err(e) => {
                    warnings.push(format!("ignored the unreadable cache file {} ({e}); its rows will be classified again", part.display()));
                    let _ = std::fs::remove_file(part);
                    continue;
                }
            };
            let merge = compact && read.len() < MERGED_ROWS;
            for (row, record) in read {
                if merge {
                    rows.push((row, record.clone()));
                }
                each(row, record);
            }
            if merge {
                small.push(part.clone());
                if rows.len() >= MERGED_ROWS {
                    store.replace(&mut small, &mut rows);
                }
            }
        }
        if small.len() > 1 {
            store.replace(&mut small, &mut rows);
        }
        Ok((store, warnings))
    }

    /// The store's folder for `key`, made when missing and started afresh when it belongs to
    /// another key.
    fn open_dir(
        root: &Path,
        key: &CacheKey,
        width: usize,
    ) -> Result<(Store<T>, Vec<String>), String> {
        let dir = root.join(T::KIND).join(key.id());
        cache_write(root, || {
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {} ({e})", dir.display()))
        })?;
        let mut warnings = Vec::new();
        let key_path = dir.join("key.json");
        let key_json = serde_json::to_string_pretty(key).expect("plain data");
        match std::fs::read_to_string(&key_path) {
            Ok(found) if serde_json::from_str::<CacheKey>(&found).ok().as_ref() == Some(key) => {}
            Ok(_) => {
                warnings.push(format!(
                    "{} belongs to another model or data set; starting it afresh",
                    dir.display()
                ));
                clear(&dir);
                write_key(root, &key_path, &key_json)?;
            }
            Err(_) => write_key(root, &key_path, &key_json)?,
        }
        let store = Store {
            root: root.to_owned(),
            dir,
            width,
            written: 0,
            fresh: Vec::new(),
            fresh_rows: Vec::new(),
            _kind: std::marker::PhantomData,
        };
        Ok((store, warnings))
    }

    /// One part holding `rows`, then the `parts` they came from removed (a crash in between leaves
    /// duplicates, which load to the same records). Both are emptied.
    fn replace(&mut self, parts: &mut Vec<PathBuf>, rows: &mut Vec<(u32, T)>) {
        if self.write_part(rows).is_ok() {
            for part in parts.iter() {
                let _ = std::fs::remove_file(part);
            }
        }
        parts.clear();
        rows.clear();
    }

    fn parts(&self) -> Vec<PathBuf> {
        let mut parts: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
            .collect();
        parts.sort();
        parts
    }

    /// Writes one batch of predictions as a new part file; every `MERGE_EVERY` parts, merges them.
    pub fn save(&mut self, predictions: &[(u32, T)]) -> Result<(), String> {
        if predictions.is_empty() {
            return Ok(());
        }
        let path = self.write_part(predictions)?;
        self.fresh.push(path);
        self.fresh_rows.extend_from_slice(predictions);
        if self.fresh.len() >= MERGE_EVERY {
            self.merge_fresh();
        }
        Ok(())
    }

    /// The fresh parts merged into one (see `replace`).
    fn merge_fresh(&mut self) {
        let (mut parts, mut rows) = (
            std::mem::take(&mut self.fresh),
            std::mem::take(&mut self.fresh_rows),
        );
        self.replace(&mut parts, &mut rows);
    }

    /// Writes `predictions` as a new part file; its path.
    fn write_part(&mut self, predictions: &[(u32, T)]) -> Result<PathBuf, String> {
        self.written += 1;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name = format!(
            "part-{nanos:024}-{:06}-{}.parquet",
            self.written,
            std::process::id()
        );
        let bytes = encode(predictions, self.width)
            .map_err(|e| format!("cannot encode {} ({e})", T::KIND))?;
        let path = self.dir.join(name);
        cache_write(&self.root, || super::atomic::replace(&path, &bytes))?;
        Ok(path)
    }
}

fn write_key(root: &Path, path: &Path, json: &str) -> Result<(), String> {
    cache_write(root, || super::atomic::replace(path, json.as_bytes()))
}

fn schema<T: Record>(width: usize) -> Arc<Schema> {
    let mut fields = vec![Field::new("row", DataType::UInt32, false)];
    fields.extend(T::fields(width));
    Arc::new(Schema::new(fields))
}

fn encode<T: Record>(
    items: &[(u32, T)],
    width: usize,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut columns: Vec<ArrayRef> = vec![Arc::new(UInt32Array::from_iter_values(
        items.iter().map(|(r, _)| *r),
    ))];
    columns.extend(T::columns(items, width)?);
    let batch = RecordBatch::try_new(schema::<T>(width), columns)?;
    Ok(super::parquet::bytes(&batch, None)?)
}

fn read_part<T: Record>(path: &Path, width: usize) -> Result<Vec<(u32, T)>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| e.to_string())?;
    if reader.schema().fields() != schema::<T>(width).fields() {
        return Err("unexpected columns".into());
    }
    let mut out = Vec::new();
    for batch in reader.build().map_err(|e| e.to_string())? {
        let batch = batch.map_err(|e| e.to_string())?;
        let rows = batch.column(0).as_primitive::<UInt32Type>().clone();
        for i in 0..batch.num_rows() {
            out.push((rows.value(i), T::read(&batch, i, width)?));
        }
    }
    Ok(out)
}

impl Record for Prediction {
    const KIND: &'static str = "predictions";

    fn fields(classes: usize) -> Vec<Field> {
        let mut fields = vec![
            Field::new("label", DataType::UInt32, false),
            Field::new("tokens", DataType::UInt32, false),
            Field::new("truncated", DataType::Boolean, false),
        ];
        fields.extend(
            (0..classes).map(|c| Field::new(format!("prob_{c}"), DataType::Float32, false)),
        );
        fields
    }

    fn columns(items: &[(u32, Self)], classes: usize) -> Result<Vec<ArrayRef>, String> {
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(UInt32Array::from_iter_values(
                items.iter().map(|(_, p)| p.label),
            )),
            Arc::new(UInt32Array::from_iter_values(
                items.iter().map(|(_, p)| p.tokens),
            )),
            Arc::new(BooleanArray::from_iter(
                items.iter().map(|(_, p)| Some(p.truncated)),
            )),
        ];
        for c in 0..classes {
            columns.push(Arc::new(Float32Array::from_iter_values(
                items.iter().map(|(_, p)| p.probs[c]),
            )));
        }
        Ok(columns)
    }

    fn read(batch: &RecordBatch, i: usize, classes: usize) -> Result<Self, String> {
        let u32_at = |c: usize| batch.column(c).as_primitive::<UInt32Type>().value(i);
        let p = Prediction {
            label: u32_at(1),
            tokens: u32_at(2),
            truncated: batch.column(3).as_boolean().value(i),
            probs: (0..classes)
                .map(|c| batch.column(4 + c).as_primitive::<Float32Type>().value(i))
                .collect(),
        };
        if p.label as usize >= classes {
            return Err(format!(
                "row {i} has label {} of {classes} classes",
                p.label
            ));
        }
        Ok(p)
    }
}

/// A review's sentence embedding, as the embedding cache keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedded {
    pub vector: Vec<f32>,
    pub tokens: u32,
    pub truncated: bool,
}

impl Record for Embedded {
    const KIND: &'static str = "embeddings";

    fn fields(dim: usize) -> Vec<Field> {
        vec![
            Field::new("tokens", DataType::UInt32, false),
            Field::new("truncated", DataType::Boolean, false),
            Field::new(
                "vector",
                DataType::FixedSizeList(
                    Arc::new(Field::new("item", DataType::Float32, false)),
                    dim as i32,
                ),
                false,
            ),
        ]
    }

    fn columns(items: &[(u32, Self)], dim: usize) -> Result<Vec<ArrayRef>, String> {
        if let Some((row, e)) = items.iter().find(|(_, e)| e.vector.len() != dim) {
            return Err(format!(
                "row {row} has {} dimensions, not {dim}",
                e.vector.len()
            ));
        }
        let values = Float32Array::from_iter_values(
            items.iter().flat_map(|(_, e)| e.vector.iter().copied()),
        );
        let item = Arc::new(Field::new("item", DataType::Float32, false));
        let vectors = FixedSizeListArray::try_new(item, dim as i32, Arc::new(values), None)
            .map_err(|e| e.to_string())?;
        Ok(vec![
            Arc::new(UInt32Array::from_iter_values(
                items.iter().map(|(_, e)| e.tokens),
            )),
            Arc::new(BooleanArray::from_iter(
                items.iter().map(|(_, e)| Some(e.truncated)),
            )),
            Arc::new(vectors),
        ])
    }

    fn read(batch: &RecordBatch, i: usize, dim: usize) -> Result<Self, String> {
        let vector = batch.column(3).as_fixed_size_list().value(i);
        let vector = vector.as_primitive::<Float32Type>().values().to_vec();
        if vector.len() != dim {
            return Err(format!(
                "row {i} has {} dimensions, not {dim}",
                vector.len()
            ));
        }
        Ok(Embedded {
            tokens: batch.column(1).as_primitive::<UInt32Type>().value(i),
            truncated: batch.column(2).as_boolean().value(i),
            vector,
        })
    }
}

fn clear(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let _ = std::fs::remove_file(entry.path());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prediction(row: u32) -> Prediction {
        let p = (row % 97) as f32 / 97.0;
        Prediction {
            label: u32::from(p > 0.5),
            probs: vec![1.0 - p, p],
            tokens: row % 512,
            truncated: row.is_multiple_of(3),
        }
    }

    fn key() -> CacheKey {
        CacheKey {
            model: "m".into(),
            data: "d".into(),
            text: "content".into(),
            max_length: 512,
            label_map: String::new(),
            dtype: "f32".into(),
            classes: vec!["negative".into(), "positive".into()],
        }
    }

    /// A folder of its own under the temporary folder, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new() -> Scratch {
            static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let dir =
                std::env::temp_dir().join(format!("reviewlens-store-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }

        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_long_run_leaves_few_files_and_every_row() {
        let dir = Scratch::new();
        let key = key();
        let mut store = Store::<Prediction>::open(dir.path(), &key).unwrap().store;
        let batches = 2 * MERGE_EVERY + 20;
        for b in 0..batches as u32 {
            let batch: Vec<_> = (b * 16..b * 16 + 16).map(|r| (r, prediction(r))).collect();
            store.save(&batch).unwrap();
        }
        let parts = Store::<Prediction>::open(dir.path(), &key).unwrap();
        // The two parts merged as it went hold 4,096 rows each; the last twenty batches are merged
        // into one when the store opens with 22 parts.
        assert_eq!(parts.store.parts().len(), 3, "merged on open");
        let mut got = parts.predictions;
        got.sort_by_key(|(r, _)| *r);
        got.dedup_by_key(|(r, _)| *r);
        let expected: Vec<_> = (0..16 * batches as u32)
            .map(|r| (r, prediction(r)))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn a_store_merges_its_parts_as_it_goes() {
        let dir = Scratch::new();
        let key = key();
        let mut store = Store::<Prediction>::open(dir.path(), &key).unwrap().store;
        for b in 0..(2 * MERGE_EVERY + 10) as u32 {
            store.save(&[(b, prediction(b))]).unwrap();
        }
        // Two merged parts and the ten written since.
        assert_eq!(store.parts().len(), 12);
    }
}
