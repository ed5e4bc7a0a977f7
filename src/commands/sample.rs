//! `reviewlens sample --output DIR`: the loaded (sampled) rows as `<DIR>/<split>.parquet`, in the Hub's
//! column layout plus `row_index`, with the label names in the `huggingface` metadata as `datasets`
//! writes them, so pandas, polars, DuckDB and `datasets` read them as they are. Written atomically.
//! With `--apply-findings`, `label` is the corrected label where there is one, and
//! `original_label` and `tags` follow: a dataset ready to retrain on.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Metadata, Schema, SchemaRef};

use crate::data::{Dataset, ReviewRef};
use crate::error::{Error, Result};
use crate::findings::{Finding, Findings, RowKey};
use crate::io::output::{check_file, check_folder};

/// Writes every split into `dir`; nothing is written when the data is read from `dir` or (without
/// `force`) any split's file is already there. `findings`: applied, when given.
pub fn run(data: &Dataset, dir: &Path, force: bool, findings: Option<&Findings>) -> Result<()> {
    check_folder(dir, &data.inputs)?;
    let path = |split: &str| dir.join(format!("{split}.parquet"));
    for split in &data.splits {
        check_file(&path(&split.name), &data.inputs, force)?;
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::at_path(dir, format!("cannot create ({e})")))?;
    let schema = schema(data, findings.is_some());
    for split in &data.splits {
        let rows: Vec<ReviewRef> = split.rows.clone().map(|i| data.rows.get(i)).collect();
        let finding = |r: &ReviewRef| {
            let key = RowKey {
                split: split.name.clone(),
                row_index: r.row_index,
            };
            findings.and_then(|f| f.get(&key)).cloned()
        };
        let found: Vec<Option<Finding>> = rows.iter().map(finding).collect();
        let columns = columns(&rows, findings.map(|_| found.as_slice()));
        let path = path(&split.name);
        let encode = || -> std::result::Result<Vec<u8>, Box<dyn std::error::Error>> {
            let batch = RecordBatch::try_new(schema.clone(), columns)?;
            Ok(crate::io::parquet::bytes(&batch, Some(1000))?)
        };
        let bytes = encode().map_err(|e| Error::at_path(&path, format!("cannot encode ({e})")))?;
        crate::io::output::write(&path, &bytes, force)?;
        let corrected = found.iter().flatten().filter(|f| f.label.is_some()).count();
        let applied = match findings {
            Some(_) => format!(" ({corrected} labels corrected)"),
            None => String::new(),
        };
        eprintln!("wrote {} rows to {}{applied}", rows.len(), path.display());
    }
    Ok(())
}

/// The columns and, in the `huggingface` metadata, the features `datasets` reads them as.
fn schema(data: &Dataset, applied: bool) -> SchemaRef {
    let class_label = serde_json::json!({"names": data.label_names, "_type": "ClassLabel"});
    let text = serde_json::json!({"dtype": "string", "_type": "Value"});
    let int = serde_json::json!({"dtype": "int64", "_type": "Value"});
    let mut features = serde_json::Map::new();
    features.insert("label".into(), class_label.clone());
    features.insert("title".into(), text.clone());
    features.insert("content".into(), text.clone());
    features.insert("row_index".into(), int);
    // Nullable, as `datasets` writes them: it trusts the feature metadata only when the fields
    // match its own schema exactly, in the same order.
    let mut fields = vec![
        Field::new("label", DataType::Int64, true),
        Field::new("title", DataType::Utf8, true),
        Field::new("content", DataType::Utf8, true),
        Field::new("row_index", DataType::Int64, true),
    ];
    if applied {
        features.insert("original_label".into(), class_label);
        features.insert("tags".into(), text);
        fields.push(Field::new("original_label", DataType::Int64, true));
        fields.push(Field::new("tags", DataType::Utf8, true));
    }
    let meta = serde_json::json!({"info": {"features": features}});
    let metadata = Metadata::from([("huggingface".to_owned(), meta.to_string())]);
    Arc::new(Schema::new(fields).with_metadata(metadata))
}

/// A split's columns; with findings, `label` corrected and `original_label`, `tags` added.
fn columns(rows: &[ReviewRef], found: Option<&[Option<Finding>]>) -> Vec<ArrayRef> {
    let label = |i: usize, r: &ReviewRef| {
        let corrected = found.and_then(|f| f[i].as_ref()).and_then(|f| f.label);
        corrected.unwrap_or(r.label) as i64
    };
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(
            rows.iter().enumerate().map(|(i, r)| label(i, r)),
        )),
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.title))),
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|r| r.content),
        )),
        Arc::new(Int64Array::from_iter_values(
            rows.iter().map(|r| r.row_index as i64),
        )),
    ];
    if let Some(found) = found {
        let tags = |f: &Option<Finding>| {
            let tags = f.iter().flat_map(|f| f.tags.iter().map(String::as_str));
            tags.collect::<Vec<_>>().join(", ")
        };
        columns.push(Arc::new(Int64Array::from_iter_values(
            rows.iter().map(|r| r.label as i64),
        )));
        columns.push(Arc::new(StringArray::from_iter_values(
            found.iter().map(tags),
        )));
    }
    columns
}
