//! Parquet fixtures as the Hub's `datasets` writes them, for the loader tests: the `huggingface`
//! schema metadata with amazon_polarity's `ClassLabel` names, and one writer for a batch of
//! columns. Shared through `#[path]`; not a test target of its own.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch};
use arrow::datatypes::{Field, Metadata, Schema};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

/// The `huggingface` metadata of amazon_polarity: its features, `ClassLabel` names included.
pub const HF_META: &str = r#"{"info": {"features": {"label": {"names": ["negative", "positive"], "_type": "ClassLabel"}, "title": {"dtype": "string", "_type": "Value"}, "content": {"dtype": "string", "_type": "Value"}}}}"#;

/// `columns` (nullable) as one batch at `path`, with `HF_META` when `hf_meta`, written with
/// `props` (the writer's defaults when `None`).
pub fn write_parquet(
    path: &Path,
    columns: Vec<(&str, ArrayRef)>,
    hf_meta: bool,
    props: Option<WriterProperties>,
) {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    let mut schema = Schema::new(fields);
    if hf_meta {
        schema = schema.with_metadata(Metadata::from([("huggingface", HF_META)]));
    }
    let schema = Arc::new(schema);
    let batch = RecordBatch::try_new(
        schema.clone(),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .unwrap();
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, props).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}
