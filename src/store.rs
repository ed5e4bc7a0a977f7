//! The prediction cache: parquet files under `<cache dir>/reviewlens/predictions/<key>/`, one per
//! batch, so a killed run keeps what it finished. The key names the model (repo@commit or a hash of
//! the weights), the data (its fingerprint), the text field, max length, label map, dtype and classes;
//! `key.json` beside the parts says so in words. Every file is written to a temporary name and
//! renamed. A file that cannot be read is set aside with a warning, never fatal.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float32Array, RecordBatch, UInt32Array,
};
use arrow::datatypes::{DataType, Field, Float32Type, Schema, UInt32Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::hash::Fnv;
use crate::model::Prediction;

/// Merge the batch files into one when a directory holds more than this.
const COMPACT_ABOVE: usize = 16;

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
    fn id(&self) -> String {
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

pub struct Store {
    dir: PathBuf,
    classes: usize,
    written: u32,
}

/// What opening a store found.
pub struct Opened {
    pub store: Store,
    pub predictions: Vec<(u32, Prediction)>,
    pub warnings: Vec<String>,
}

impl Store {
    /// Opens (creating when needed) the store for `key` under `root` and reads what it holds.
    pub fn open(root: &Path, key: &CacheKey) -> Result<Opened, String> {
        let dir = root.join("predictions").join(key.id());
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {} ({e})", dir.display()))?;
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
                write_atomic(&key_path, key_json.as_bytes())?;
            }
            Err(_) => write_atomic(&key_path, key_json.as_bytes())?,
        }
        let mut store = Store {
            dir,
            classes: key.classes.len(),
            written: 0,
        };
        let mut predictions = Vec::new();
        let parts = store.parts();
        for part in &parts {
            match read_part(part, store.classes) {
                Ok(rows) => predictions.extend(rows),
                Err(e) => {
                    warnings.push(format!("ignored the unreadable cache file {} ({e}); its rows will be classified again", part.display()));
                    let _ = std::fs::remove_file(part);
                }
            }
        }
        if parts.len() > COMPACT_ABOVE {
            // One file with everything, then the parts it replaces; a crash in between only leaves
            // duplicates, which load to the same predictions.
            let mut all = predictions.clone();
            all.sort_by_key(|(row, _)| *row);
            all.dedup_by_key(|(row, _)| *row);
            if store.save(&all).is_ok() {
                for part in &parts {
                    let _ = std::fs::remove_file(part);
                }
            }
        }
        Ok(Opened {
            store,
            predictions,
            warnings,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
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

    /// Writes one batch of predictions as a new part file.
    pub fn save(&mut self, predictions: &[(u32, Prediction)]) -> Result<(), String> {
        if predictions.is_empty() {
            return Ok(());
        }
        self.written += 1;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name = format!(
            "part-{nanos:024}-{:06}-{}.parquet",
            self.written,
            std::process::id()
        );
        let bytes = encode(predictions, self.classes)
            .map_err(|e| format!("cannot encode predictions ({e})"))?;
        write_atomic(&self.dir.join(name), &bytes)
    }
}

fn schema(classes: usize) -> Arc<Schema> {
    let mut fields = vec![
        Field::new("row", DataType::UInt32, false),
        Field::new("label", DataType::UInt32, false),
        Field::new("tokens", DataType::UInt32, false),
        Field::new("truncated", DataType::Boolean, false),
    ];
    fields.extend((0..classes).map(|c| Field::new(format!("prob_{c}"), DataType::Float32, false)));
    Arc::new(Schema::new(fields))
}

fn encode(
    predictions: &[(u32, Prediction)],
    classes: usize,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(UInt32Array::from_iter_values(
            predictions.iter().map(|(r, _)| *r),
        )),
        Arc::new(UInt32Array::from_iter_values(
            predictions.iter().map(|(_, p)| p.label),
        )),
        Arc::new(UInt32Array::from_iter_values(
            predictions.iter().map(|(_, p)| p.tokens),
        )),
        Arc::new(BooleanArray::from_iter(
            predictions.iter().map(|(_, p)| Some(p.truncated)),
        )),
    ];
    for c in 0..classes {
        columns.push(Arc::new(Float32Array::from_iter_values(
            predictions.iter().map(|(_, p)| p.probs[c]),
        )));
    }
    let schema = schema(classes);
    let batch = RecordBatch::try_new(schema, columns)?;
    Ok(crate::export::parquet_bytes(&batch, None)?)
}

fn read_part(path: &Path, classes: usize) -> Result<Vec<(u32, Prediction)>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| e.to_string())?;
    if reader.schema().fields() != schema(classes).fields() {
        return Err("unexpected columns".into());
    }
    let mut out = Vec::new();
    for batch in reader.build().map_err(|e| e.to_string())? {
        let batch = batch.map_err(|e| e.to_string())?;
        let u32s = |i: usize| batch.column(i).as_primitive::<UInt32Type>().clone();
        let (rows, labels, tokens) = (u32s(0), u32s(1), u32s(2));
        let truncated = batch.column(3).as_boolean().clone();
        let probs: Vec<_> = (0..classes)
            .map(|c| batch.column(4 + c).as_primitive::<Float32Type>().clone())
            .collect();
        for i in 0..batch.num_rows() {
            let p = Prediction {
                label: labels.value(i),
                probs: probs.iter().map(|a| a.value(i)).collect(),
                tokens: tokens.value(i),
                truncated: truncated.value(i),
            };
            if p.label as usize >= classes || rows.is_null(i) {
                return Err(format!(
                    "row {i} has label {} of {classes} classes",
                    p.label
                ));
            }
            out.push((rows.value(i), p));
        }
    }
    Ok(out)
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write {} ({e})", path.display())
        })
}

fn clear(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let _ = std::fs::remove_file(entry.path());
    }
}
