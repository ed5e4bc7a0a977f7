//! `reviewlens sample --output DIR`: the loaded (sampled) rows as `<DIR>/<split>.parquet`, in the Hub's
//! column layout plus `row_index`, with the label names in the `huggingface` metadata as `datasets`
//! writes them, so pandas, polars, DuckDB and `datasets` read them as they are. Written atomically.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Metadata, Schema};

use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::io::atomic::{self, Existing};
use crate::io::output::{check_file, check_folder, exists};

/// Writes every split into `dir`; nothing is written when the data is read from `dir` or (without
/// `force`) any split's file is already there.
pub fn run(data: &Dataset, dir: &Path, force: bool) -> Result<()> {
    check_folder(dir, &data.inputs)?;
    let path = |split: &str| dir.join(format!("{split}.parquet"));
    for split in &data.splits {
        check_file(&path(&split.name), &data.inputs, force)?;
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::at_path(dir, format!("cannot create ({e})")))?;
    let features = serde_json::json!({"info": {"features": {
        "label": {"names": data.label_names, "_type": "ClassLabel"},
        "title": {"dtype": "string", "_type": "Value"},
        "content": {"dtype": "string", "_type": "Value"},
        "row_index": {"dtype": "int64", "_type": "Value"},
    }}});
    let schema = Arc::new(
        Schema::new(vec![
            // Nullable, as `datasets` writes them: it trusts the feature metadata only when the
            // fields match its own schema exactly.
            Field::new("label", DataType::Int64, true),
            Field::new("title", DataType::Utf8, true),
            Field::new("content", DataType::Utf8, true),
            Field::new("row_index", DataType::Int64, true),
        ])
        .with_metadata(Metadata::from([("huggingface", features.to_string())])),
    );
    for split in &data.splits {
        let rows = &data.rows[split.rows.clone()];
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|r| r.label as i64),
            )),
            Arc::new(StringArray::from_iter_values(
                rows.iter().map(|r| r.title.as_str()),
            )),
            Arc::new(StringArray::from_iter_values(
                rows.iter().map(|r| r.content.as_str()),
            )),
            Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|r| r.row_index as i64),
            )),
        ];
        let path = path(&split.name);
        let encode = || -> std::result::Result<Vec<u8>, Box<dyn std::error::Error>> {
            let batch = RecordBatch::try_new(schema.clone(), columns)?;
            Ok(crate::io::parquet::bytes(&batch, Some(1000))?)
        };
        let bytes = encode().map_err(|e| Error::at_path(&path, format!("cannot encode ({e})")))?;
        let existing = if force {
            Existing::Replace
        } else {
            Existing::Keep
        };
        let written = atomic::write(&path, &bytes, existing)
            .map_err(|e| Error::at_path(&path, format!("cannot write ({e})")))?;
        if !written {
            return Err(exists(&path)); // it appeared meanwhile
        }
        eprintln!("wrote {} rows to {}", rows.len(), path.display());
    }
    Ok(())
}
