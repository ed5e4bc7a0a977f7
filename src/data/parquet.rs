//! Parquet files in the Hub's layout (or any layout, given the column names). Only the needed columns
//! are decoded (projection); text may be `Utf8`, `LargeUtf8` or `Utf8View`, labels any integer width.

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Int64Type};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderOptions, ParquetRecordBatchReaderBuilder, RowSelection,
};
use parquet::file::metadata::{PageIndexPolicy, ParquetMetaData};
use parquet::file::reader::ChunkReader;

use super::{Columns, RawRows, labels};
use crate::error::{Error, Result};

/// Rows in a parquet file, from its footer alone.
pub(crate) fn row_count<R: ChunkReader + 'static>(reader: R, place: &str) -> Result<usize> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(reader).map_err(|e| {
        Error::input(
            place,
            format!(
                "not a readable parquet file ({e}); check that it is complete and really parquet"
            ),
        )
    })?;
    Ok(builder.metadata().file_metadata().num_rows().max(0) as usize)
}

/// Reads `reader` (a file, or the bundled bytes); `place` names it in errors. With `rows` (sorted
/// positions in the file), only those rows are decoded: row groups holding none are skipped and a
/// `RowSelection` (with the page index, when the file has one) skips the rest; rows come back in
/// file order.
pub(crate) fn read<R: ChunkReader + 'static>(
    reader: R,
    place: &str,
    columns: &Columns,
    rows: Option<&[usize]>,
) -> Result<RawRows> {
    let bad = |problem: String| Error::input(place, problem);
    let options = ArrowReaderOptions::new().with_page_index_policy(PageIndexPolicy::Optional);
    let builder =
        ParquetRecordBatchReaderBuilder::try_new_with_options(reader, options).map_err(|e| {
            bad(format!(
                "not a readable parquet file ({e}); check that it is complete and really parquet"
            ))
        })?;
    let schema = builder.schema().clone();
    let field_index = |name: &str| schema.index_of(name).ok();
    let require = |name: &str, flag: &str| {
        field_index(name).ok_or_else(|| {
            let have: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            bad(format!(
                "column \"{name}\" is missing (columns: {}); name the right one with {flag}",
                have.join(", ")
            ))
        })
    };
    let label_idx = require(&columns.label, "--label-column")?;
    let text_idx = require(&columns.text, "--text-column")?;
    let title_idx = match &columns.title {
        Some(name) => Some(require(name, "--title-column")?),
        None => field_index(columns.title_or_default()),
    };
    let row_index_idx = field_index("row_index");

    let check_type = |idx: usize, ok: fn(&DataType) -> bool, expected: &str| {
        let field = schema.field(idx);
        if ok(field.data_type()) {
            Ok(())
        } else {
            Err(bad(format!(
                "column \"{}\" has type {}, expected {expected}",
                field.name(),
                field.data_type()
            )))
        }
    };
    check_type(label_idx, DataType::is_integer, "integer class ids")?;
    check_type(text_idx, is_text, "text (Utf8, LargeUtf8 or Utf8View)")?;
    if let Some(i) = title_idx {
        check_type(i, is_text, "text (Utf8, LargeUtf8 or Utf8View)")?;
    }
    let row_index_idx = row_index_idx.filter(|&i| schema.field(i).data_type().is_integer());

    let label_names = schema
        .metadata()
        .get("huggingface")
        .and_then(|json| labels::from_hf_metadata(json, &columns.label));

    let wanted = [Some(label_idx), Some(text_idx), title_idx, row_index_idx];
    let mask = ProjectionMask::roots(builder.parquet_schema(), wanted.iter().flatten().copied());
    let mut builder = builder.with_projection(mask);
    let mut total = builder.metadata().file_metadata().num_rows().max(0) as usize;
    let mut row_groups_read = builder.metadata().num_row_groups();
    if let Some(rows) = rows {
        let (groups, selection, selected) = plan(builder.metadata(), rows).map_err(bad)?;
        row_groups_read = groups.len();
        total = selected;
        builder = builder
            .with_row_groups(groups)
            .with_row_selection(selection);
    }
    let reader = builder
        .with_batch_size(8192)
        .build()
        .map_err(|e| bad(format!("cannot read: {e}")))?;

    let mut out = RawRows {
        labels: Vec::with_capacity(total),
        titles: Vec::with_capacity(total),
        contents: Vec::with_capacity(total),
        row_index: row_index_idx.map(|_| Vec::with_capacity(total)),
        label_names,
        row_groups_read,
    };
    for batch in reader {
        let batch = batch.map_err(|e| {
            bad(format!(
                "corrupt data ({e}); re-download or re-create the file"
            ))
        })?;
        let column = |idx: usize| {
            batch
                .column_by_name(schema.field(idx).name())
                .expect("projected")
        };
        let base = out.labels.len();
        let label_col = as_i64(column(label_idx), &columns.label, place)?;
        for i in 0..label_col.len() {
            if label_col.is_null(i) {
                return Err(bad(format!(
                    "row {}: label is empty (null); every row needs a class",
                    base + i + 1
                )));
            }
            out.labels
                .push(label_col.as_primitive::<Int64Type>().value(i));
        }
        push_text(column(text_idx), &mut out.contents);
        match title_idx {
            Some(idx) => push_text(column(idx), &mut out.titles),
            None => out.titles.resize(out.labels.len(), String::new()),
        }
        if let (Some(idx), Some(ri)) = (row_index_idx, out.row_index.as_mut()) {
            let col = as_i64(column(idx), "row_index", place)?;
            let col = col.as_primitive::<Int64Type>();
            ri.extend((0..col.len()).map(|i| col.value(i).max(0) as u64));
        }
    }
    Ok(out)
}

/// The row groups holding `rows` (sorted file positions) and a selection of exactly those rows within
/// the chosen groups; also how many rows that selects.
fn plan(
    meta: &ParquetMetaData,
    rows: &[usize],
) -> std::result::Result<(Vec<usize>, RowSelection, usize), String> {
    let mut groups = Vec::new();
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    let mut group_start = 0; // first file row of the current group
    let mut selected_base = 0; // where the current group starts among the selected groups' rows
    let mut g = 0;
    let group_len = |g: usize| meta.row_group(g).num_rows().max(0) as usize;
    for &row in rows {
        while g < meta.num_row_groups() && row >= group_start + group_len(g) {
            if groups.last() == Some(&g) {
                selected_base += group_len(g);
            }
            group_start += group_len(g);
            g += 1;
        }
        if g == meta.num_row_groups() {
            return Err(format!(
                "row {row} is past the end of the file ({group_start} rows)"
            ));
        }
        if groups.last() != Some(&g) {
            groups.push(g);
        }
        let at = selected_base + row - group_start;
        match ranges.last_mut() {
            Some(r) if r.end == at => r.end += 1,
            _ => ranges.push(at..at + 1),
        }
    }
    let selected_rows: usize = groups.iter().map(|&g| group_len(g)).sum();
    Ok((
        groups,
        RowSelection::from_consecutive_ranges(ranges.into_iter(), selected_rows),
        rows.len(),
    ))
}

fn is_text(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

fn as_i64(col: &ArrayRef, name: &str, place: &str) -> Result<ArrayRef> {
    arrow::compute::cast(col, &DataType::Int64)
        .map_err(|e| Error::input(place, format!("column \"{name}\": {e}")))
}

/// Appends a text column's values; nulls become empty strings.
fn push_text(col: &ArrayRef, out: &mut Vec<String>) {
    fn extend<'a>(out: &mut Vec<String>, values: impl Iterator<Item = Option<&'a str>>) {
        out.extend(values.map(|v| v.unwrap_or_default().to_owned()));
    }
    match col.data_type() {
        DataType::Utf8 => extend(out, col.as_string::<i32>().iter()),
        DataType::LargeUtf8 => extend(out, col.as_string::<i64>().iter()),
        DataType::Utf8View => extend(out, col.as_string_view().iter()),
        other => unreachable!("type {other} was checked before decoding"),
    }
}
