//! Writing a table of reviews and predictions to parquet, CSV, TSV or JSONL, chosen by the file's
//! extension, atomically (a temporary file beside it, then a rename).

use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Float32Array, Int64Array, RecordBatch, StringArray, UInt32Array,
};
use arrow::datatypes::{DataType, Field, Schema};

use super::atomic::{self, Existing};
use crate::data::{Dataset, Format};
use crate::error::{Error, Result};
use crate::findings::Finding;
use crate::model::Prediction;

/// The table format an output name asks for, by its extension (as inputs are recognised).
pub fn output_format(path: &Path) -> Result<Format> {
    Format::by_extension(path).ok_or_else(|| {
        Error::at_path(
            path,
            "unknown output type; end the name in .parquet, .csv, .tsv or .jsonl",
        )
    })
}

/// Each classifier's prediction for each row written: A's, and with `--compare` B's beside it; and
/// for an export, each row's finding (empty: no finding columns).
pub struct Sides<'a> {
    pub a: Vec<Option<&'a Prediction>>,
    pub b: Option<Vec<Option<&'a Prediction>>>,
    pub findings: Vec<Option<&'a Finding>>,
}

/// One row per review: split, row_index, gold label, predicted label, a probability per class,
/// tokens, truncated; with a B side, the same prediction columns again prefixed `b_`. `rows` are
/// indices into `data.rows`; a row without a prediction gets nulls. An existing file is replaced
/// only with `force`; an input of the run never.
pub fn write_predictions(
    path: &Path,
    data: &Dataset,
    rows: &[usize],
    sides: &Sides,
    force: bool,
) -> Result<()> {
    super::output::refuse_inputs(path, &data.inputs)?;
    let bytes = encode_rows(path, data, rows, sides, false)?;
    super::output::write(path, &bytes, force)
}

/// Any table, given as named columns (a column with nulls is nullable), written as
/// [`write_predictions`] writes: never over an input, over an existing file only with `force`.
pub fn write_columns(
    path: &Path,
    inputs: &crate::data::Inputs,
    columns: Vec<(&str, ArrayRef)>,
    force: bool,
) -> Result<()> {
    super::output::refuse_inputs(path, inputs)?;
    let fields: Vec<Field> = (columns.iter())
        .map(|(name, c)| Field::new(*name, c.data_type().clone(), c.null_count() > 0))
        .collect();
    let arrays = columns.into_iter().map(|(_, c)| c).collect();
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| Error::at_path(path, format!("cannot build the table ({e})")))?;
    let bytes = encode(&batch, output_format(path)?)
        .map_err(|e| Error::at_path(path, format!("cannot encode ({e})")))?;
    super::output::write(path, &bytes, force)
}

/// Text made by the caller (JSON lines, say), written as [`write_columns`] writes.
pub fn write_text(
    path: &Path,
    inputs: &crate::data::Inputs,
    text: &str,
    force: bool,
) -> Result<()> {
    super::output::refuse_inputs(path, inputs)?;
    super::output::write(path, text.as_bytes(), force)
}

/// The explorer's `e`: the prediction columns plus `title` and `content`. Without `overwrite`, an
/// existing file is left as it is and `Ok(false)` returned; the check and the rename are one step,
/// so a file that appears meanwhile is not clobbered either. An input of the run is refused even
/// with `overwrite`.
pub fn export_view(
    path: &Path,
    data: &Dataset,
    rows: &[usize],
    sides: &Sides,
    overwrite: bool,
) -> Result<bool> {
    super::output::refuse_inputs(path, &data.inputs)?;
    if !overwrite && path.exists() {
        return Ok(false);
    }
    let bytes = encode_rows(path, data, rows, sides, true)?;
    let existing = if overwrite {
        Existing::Replace
    } else {
        Existing::Keep
    };
    atomic::write(path, &bytes, existing)
        .map_err(|e| Error::at_path(path, format!("cannot write ({e})")))
}

fn encode_rows(
    path: &Path,
    data: &Dataset,
    rows: &[usize],
    sides: &Sides,
    with_text: bool,
) -> Result<Vec<u8>> {
    let format = output_format(path)?;
    let mut fields = vec![
        Field::new("split", DataType::Utf8, false),
        Field::new("row_index", DataType::Int64, false),
        Field::new("label", DataType::Utf8, false),
    ];
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|&r| data.split_of(r)),
        )),
        Arc::new(Int64Array::from_iter_values(
            rows.iter().map(|&r| data.rows.row_index(r) as i64),
        )),
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|&r| data.label_name(data.rows.label(r))),
        )),
    ];
    let b = sides.b.as_ref().map(|b| ("b_", b));
    for (prefix, predictions) in std::iter::once(("", &sides.a)).chain(b) {
        prediction_columns(data, prefix, predictions, &mut fields, &mut columns);
    }
    if with_text && !sides.findings.is_empty() {
        finding_columns(data, &sides.findings, &mut fields, &mut columns);
    }
    if with_text {
        fields.push(Field::new("title", DataType::Utf8, false));
        fields.push(Field::new("content", DataType::Utf8, false));
        columns.push(Arc::new(StringArray::from_iter_values(
            rows.iter().map(|&r| data.rows.get(r).title),
        )));
        columns.push(Arc::new(StringArray::from_iter_values(
            rows.iter().map(|&r| data.rows.get(r).content),
        )));
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema, columns)
        .map_err(|e| Error::at_path(path, format!("cannot build the table ({e})")))?;
    encode(&batch, format).map_err(|e| Error::at_path(path, format!("cannot encode ({e})")))
}

/// The export's findings: corrected_label, tags (comma-separated), note, marked.
fn finding_columns(
    data: &Dataset,
    findings: &[Option<&Finding>],
    fields: &mut Vec<Field>,
    columns: &mut Vec<ArrayRef>,
) {
    fields.extend([
        Field::new("corrected_label", DataType::Utf8, true),
        Field::new("tags", DataType::Utf8, false),
        Field::new("note", DataType::Utf8, true),
        Field::new("marked", DataType::Boolean, false),
    ]);
    let label = |f: &Option<&Finding>| {
        f.and_then(|f| f.label)
            .map(|l| data.label_name(l).to_owned())
    };
    let tags = |f: &Option<&Finding>| {
        let tags = f.map(|f| f.tags.iter().map(String::as_str).collect::<Vec<_>>());
        tags.unwrap_or_default().join(", ")
    };
    columns.push(Arc::new(StringArray::from_iter(findings.iter().map(label))));
    columns.push(Arc::new(StringArray::from_iter_values(
        findings.iter().map(tags),
    )));
    let note = |f: &Option<&Finding>| f.and_then(|f| f.note.clone());
    columns.push(Arc::new(StringArray::from_iter(findings.iter().map(note))));
    let marked = |f: &Option<&Finding>| Some(f.is_some_and(|f| f.marked));
    columns.push(Arc::new(BooleanArray::from_iter(
        findings.iter().map(marked),
    )));
}

/// predicted, prob_<class> for each class, tokens and truncated, each name after `prefix`.
fn prediction_columns(
    data: &Dataset,
    prefix: &str,
    predictions: &[Option<&Prediction>],
    fields: &mut Vec<Field>,
    columns: &mut Vec<ArrayRef>,
) {
    let names = &data.label_names;
    fields.push(Field::new(
        format!("{prefix}predicted"),
        DataType::Utf8,
        true,
    ));
    fields.extend(
        names
            .iter()
            .map(|n| Field::new(format!("{prefix}prob_{n}"), DataType::Float32, true)),
    );
    fields.push(Field::new(
        format!("{prefix}tokens"),
        DataType::UInt32,
        true,
    ));
    fields.push(Field::new(
        format!("{prefix}truncated"),
        DataType::Boolean,
        true,
    ));
    columns.push(Arc::new(StringArray::from_iter(
        predictions
            .iter()
            .map(|p| p.map(|p| data.label_name(p.label))),
    )));
    for c in 0..names.len() {
        columns.push(Arc::new(Float32Array::from_iter(
            predictions.iter().map(|p| p.map(|p| p.probs[c])),
        )));
    }
    columns.push(Arc::new(UInt32Array::from_iter(
        predictions.iter().map(|p| p.map(|p| p.tokens)),
    )));
    columns.push(Arc::new(BooleanArray::from_iter(
        predictions.iter().map(|p| p.map(|p| p.truncated)),
    )));
}

fn encode(
    batch: &RecordBatch,
    format: Format,
) -> std::result::Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    match format {
        Format::Parquet => out = super::parquet::bytes(batch, None)?,
        Format::Csv | Format::Tsv | Format::Jsonl => {
            let schema = batch.schema();
            let delimiter = if format == Format::Tsv { b'\t' } else { b',' };
            let mut csv = (format != Format::Jsonl).then(|| {
                csv::WriterBuilder::new()
                    .delimiter(delimiter)
                    .from_writer(Vec::new())
            });
            if let Some(w) = csv.as_mut() {
                w.write_record(schema.fields().iter().map(|f| f.name().as_str()))?;
            }
            for row in 0..batch.num_rows() {
                let values: Vec<serde_json::Value> = (0..batch.num_columns())
                    .map(|c| cell(batch.column(c), row))
                    .collect();
                match csv.as_mut() {
                    Some(w) => w.write_record(values.iter().map(|v| match v {
                        serde_json::Value::Null => String::new(),
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    }))?,
                    None => {
                        let object: serde_json::Map<String, serde_json::Value> = schema
                            .fields()
                            .iter()
                            .map(|f| f.name().clone())
                            .zip(values)
                            .collect();
                        serde_json::to_writer(&mut out, &object)?;
                        out.push(b'\n');
                    }
                }
            }
            if let Some(w) = csv {
                out = w.into_inner().map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(out)
}

/// One cell as JSON (numbers stay numbers; f32 probabilities keep their shortest exact form).
fn cell(col: &ArrayRef, row: usize) -> serde_json::Value {
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::{Float32Type, Float64Type, Int64Type, UInt32Type};
    if col.is_null(row) {
        return serde_json::Value::Null;
    }
    match col.data_type() {
        DataType::Utf8 => col.as_string::<i32>().value(row).into(),
        DataType::Int64 => col.as_primitive::<Int64Type>().value(row).into(),
        DataType::UInt32 => col.as_primitive::<UInt32Type>().value(row).into(),
        DataType::Float64 => {
            serde_json::Number::from_f64(col.as_primitive::<Float64Type>().value(row))
                .map_or(serde_json::Value::Null, Into::into)
        }
        DataType::Float32 => {
            let v = col.as_primitive::<Float32Type>().value(row);
            serde_json::Number::from_f64(v.to_string().parse().unwrap_or(v as f64))
                .map_or(serde_json::Value::Null, Into::into)
        }
        DataType::Boolean => col.as_boolean().value(row).into(),
        other => unreachable!("no {other} column is written"),
    }
}
