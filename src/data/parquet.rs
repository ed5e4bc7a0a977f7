//! Parquet files in the Hub's layout (or any layout, given the column names). Only the needed columns
//! are decoded (projection); text may be `Utf8`, `LargeUtf8`, `Utf8View` or a dictionary of any of
//! them (pandas categoricals, `dictionary_encode()`); labels any integer type, or strings, either
//! of them dictionary-encoded too.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::datatypes::{DataType, Field, Int64Type, Schema};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder, RowSelection,
};
use parquet::errors::ParquetError;
use parquet::file::metadata::{PageIndexPolicy, ParquetMetaData, ParquetMetaDataReader};
use parquet::file::reader::ChunkReader;

use super::TextColumn;
use super::contain::{contain, one_line};
use super::labels::{self, LabelColumn};
use super::{Columns, RawRows, footer};
use crate::error::{Error, Result};

/// Rows reserved up front at most: a footer's row count is a claim until the pages are decoded.
const RESERVE_AT_MOST: usize = 1 << 16;

/// Rows in a parquet file, from its footer alone (checked against the file first).
pub(crate) fn row_count<R: ChunkReader + 'static>(reader: R, place: &str) -> Result<usize> {
    contain(place, || {
        let meta = metadata(&reader, place, false)?;
        // Checked: the sum of the row groups' counts, none negative.
        Ok(meta.file_metadata().num_rows() as usize)
    })
}

/// The footer, checked against the file's length before anything is sized by it; with
/// `page_index`, then the page index it locates, when the file has one.
fn metadata<R: ChunkReader>(reader: &R, place: &str, page_index: bool) -> Result<ParquetMetaData> {
    let meta = ParquetMetaDataReader::new()
        .parse_and_finish(reader)
        .map_err(|e| unreadable(place, e))?;
    footer::check(&meta, reader.len()).map_err(|problem| {
        Error::input(
            place,
            one_line(&format!(
                "corrupt footer ({problem}); re-download or re-create the file"
            )),
        )
    })?;
    if !page_index {
        return Ok(meta);
    }
    let mut with_index = ParquetMetaDataReader::new_with_metadata(meta)
        .with_page_index_policy(PageIndexPolicy::Optional);
    with_index
        .read_page_indexes(reader)
        .and_then(|()| with_index.finish())
        .map_err(|e| unreadable(place, e))
}

/// Reads `reader` (a file, or the bundled bytes); `place` names it in errors. With `rows` (sorted
/// positions in the file), only those rows are decoded: row groups holding none are skipped and a
/// `RowSelection` (with the page index, when the file has one) skips the rest; rows come back in
/// file order. A panic in the decoders is reported as corrupt data.
pub(crate) fn read<R: ChunkReader + 'static>(
    reader: R,
    place: &str,
    columns: &Columns,
    rows: Option<&[usize]>,
) -> Result<RawRows> {
    contain(place, || read_checked(reader, place, columns, rows))
}

fn read_checked<R: ChunkReader + 'static>(
    reader: R,
    place: &str,
    columns: &Columns,
    rows: Option<&[usize]>,
) -> Result<RawRows> {
    let meta = metadata(&reader, place, true)?;
    let meta = ArrowReaderMetadata::try_new(Arc::new(meta), ArrowReaderOptions::new())
        .map_err(|e| unreadable(place, e))?;
    let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(reader, meta);
    let schema = builder.schema().clone();
    let found = Found::find(&schema, columns, place)?;
    let label_names = schema
        .metadata()
        .get("huggingface")
        .and_then(|json| labels::from_hf_metadata(json, &columns.label));
    let (reader, total, row_groups_read) = decoder(builder, &found, rows, place)?;
    let reserve = total.min(RESERVE_AT_MOST);
    let mut labels = LabelColumn::with_capacity(reserve);
    let mut out = RawRows {
        row_index: found.row_index.map(|_| Vec::with_capacity(reserve)),
        label_names,
        row_groups_read,
        ..RawRows::default()
    };
    for batch in reader {
        let batch = batch.map_err(|e| corrupt(place, e))?;
        found.append(&batch, &schema, place, &mut out, &mut labels)?;
    }
    if labels.len() != total {
        let problem = format!(
            "the footer promises {total} rows, the pages hold {}",
            labels.len()
        );
        return Err(corrupt(place, problem));
    }
    (out.labels, out.label_values) = labels.finish();
    Ok(out)
}

/// The same words for a file that is not parquet at all, whichever reader found out.
fn unreadable(place: &str, e: ParquetError) -> Error {
    Error::input(
        place,
        one_line(&format!(
            "not a readable parquet file ({e}); check that it is complete and really parquet"
        )),
    )
}

/// Pages that do not decode as their footer says.
fn corrupt(place: &str, problem: impl std::fmt::Display) -> Error {
    Error::input(
        place,
        one_line(&format!(
            "corrupt data ({problem}); re-download or re-create the file"
        )),
    )
}

/// The columns to decode, by position in the file's schema.
struct Found {
    label: usize,
    text: usize,
    title: Option<usize>,
    /// Only an integer `row_index`; any other column of that name is ordinary data.
    row_index: Option<usize>,
}

impl Found {
    /// Locates the columns `columns` names, refusing before anything is decoded a missing one
    /// (naming the flag that picks another) or one of the wrong type.
    fn find(schema: &Schema, columns: &Columns, place: &str) -> Result<Self> {
        let field_index = |name: &str| schema.index_of(name).ok();
        let require = |name: &str, flag: &str| {
            field_index(name).ok_or_else(|| {
                let have: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
                let have = have.join(", ");
                Error::input(
                    place,
                    one_line(&format!("column \"{name}\" is missing (columns: {have}); name the right one with {flag}")),
                )
            })
        };
        let label = require(&columns.label, "--label-column")?;
        let text = require(&columns.text, "--text-column")?;
        let title = match &columns.title {
            Some(name) => Some(require(name, "--title-column")?),
            None => field_index(columns.title_or_default()),
        };
        let check = |idx: usize, ok: fn(&DataType) -> bool, expected: &str| {
            check_type(schema.field(idx), ok, expected, place)
        };
        check(label, is_label, LABEL_TYPES)?;
        check(text, is_text, TEXT_TYPES)?;
        if let Some(i) = title {
            check(i, is_text, TEXT_TYPES)?;
        }
        let row_index =
            field_index("row_index").filter(|&i| schema.field(i).data_type().is_integer());
        Ok(Found {
            label,
            text,
            title,
            row_index,
        })
    }

    fn indices(&self) -> impl Iterator<Item = usize> {
        [
            Some(self.label),
            Some(self.text),
            self.title,
            self.row_index,
        ]
        .into_iter()
        .flatten()
    }

    /// Appends one decoded batch; a null label is refused with its row's number among those read.
    fn append(
        &self,
        batch: &RecordBatch,
        schema: &Schema,
        place: &str,
        out: &mut RawRows,
        labels: &mut LabelColumn,
    ) -> Result<()> {
        let column = |idx: usize| {
            batch
                .column_by_name(schema.field(idx).name())
                .expect("projected")
        };
        push_labels(
            column(self.label),
            schema.field(self.label).name(),
            place,
            labels,
        )?;
        push_text(&plain_text(column(self.text), place)?, &mut out.contents);
        match self.title {
            Some(idx) => push_text(&plain_text(column(idx), place)?, &mut out.titles),
            None => out.titles.push_empty(labels.len() - out.titles.len()),
        }
        if let (Some(idx), Some(ri)) = (self.row_index, out.row_index.as_mut()) {
            let col = as_i64(column(idx), "row_index", place)?;
            let col = col.as_primitive::<Int64Type>();
            ri.extend((0..col.len()).map(|i| col.value(i).max(0) as u64));
        }
        Ok(())
    }
}

/// Appends a batch's labels: integers of any width, or strings (either maybe dictionary-encoded).
/// A null label, or an integer too large for a class id, is refused with its row.
fn push_labels(raw: &ArrayRef, name: &str, place: &str, labels: &mut LabelColumn) -> Result<()> {
    let base = labels.len();
    let at_row = |i: usize, problem: String| {
        Error::input(place, one_line(&format!("row {}: {problem}", base + i + 1)))
    };
    if is_text(value_type(raw.data_type())) {
        let col = plain_text(raw, place)?;
        for (i, value) in text_values(&col).enumerate() {
            let value = value.ok_or_else(|| unusable_label(&col, i, base + i + 1, place))?;
            labels.push_str(value).map_err(|e| at_row(i, e))?;
        }
        return Ok(());
    }
    let col = as_i64(raw, name, place)?;
    for i in 0..col.len() {
        if col.is_null(i) {
            return Err(unusable_label(raw, i, base + i + 1, place));
        }
        let value = col.as_primitive::<Int64Type>().value(i);
        labels.push_int(value).map_err(|e| at_row(i, e))?;
    }
    Ok(())
}

/// Why the label at `i` did not become a class id: it is empty, or (cast to i64, it became null)
/// too large for one.
fn unusable_label(raw: &ArrayRef, i: usize, row: usize, place: &str) -> Error {
    let problem = if raw.is_null(i) {
        "label is empty (null); every row needs a class".to_string()
    } else {
        let value = arrow::util::display::array_value_to_string(raw, i)
            .unwrap_or_else(|_| "out of range".into());
        format!(
            "label {value} is too large for a class id; fix the row or pick another --label-column"
        )
    };
    Error::input(place, format!("row {row}: {problem}"))
}

const TEXT_TYPES: &str = "text (Utf8, LargeUtf8 or Utf8View, or a dictionary of them)";
const LABEL_TYPES: &str = "integer class ids or string labels";

/// Refuses a column whose type cannot be read as `expected` says, naming both types.
fn check_type(field: &Field, ok: fn(&DataType) -> bool, expected: &str, place: &str) -> Result<()> {
    if ok(field.data_type()) {
        return Ok(());
    }
    Err(Error::input(
        place,
        one_line(&format!(
            "column \"{}\" has type {}, expected {expected}",
            field.name(),
            field.data_type()
        )),
    ))
}

/// The batch reader over `found`'s columns, limited to `rows` when given; also how many rows it
/// yields (to size the output once) and how many row groups it decodes.
fn decoder<R: ChunkReader + 'static>(
    builder: ParquetRecordBatchReaderBuilder<R>,
    found: &Found,
    rows: Option<&[usize]>,
    place: &str,
) -> Result<(ParquetRecordBatchReader, usize, usize)> {
    let bad = |problem: String| Error::input(place, problem);
    let mask = ProjectionMask::roots(builder.parquet_schema(), found.indices());
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
        .map_err(|e| bad(one_line(&format!("cannot read: {e}"))))?;
    Ok((reader, total, row_groups_read))
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

/// A text type, or a dictionary of one.
fn is_text(t: &DataType) -> bool {
    matches!(
        value_type(t),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    )
}

/// An integer or text type, or a dictionary of one.
fn is_label(t: &DataType) -> bool {
    value_type(t).is_integer() || is_text(t)
}

/// What a dictionary holds; any other type is itself.
fn value_type(t: &DataType) -> &DataType {
    match t {
        DataType::Dictionary(_, values) => values,
        other => other,
    }
}

/// A text column as `Utf8`, `LargeUtf8` or `Utf8View`: a dictionary is unpacked.
fn plain_text(col: &ArrayRef, place: &str) -> Result<ArrayRef> {
    match col.data_type() {
        DataType::Dictionary(_, values) => {
            arrow::compute::cast(col, values).map_err(|e| corrupt(place, e))
        }
        _ => Ok(col.clone()),
    }
}

fn as_i64(col: &ArrayRef, name: &str, place: &str) -> Result<ArrayRef> {
    arrow::compute::cast(col, &DataType::Int64)
        .map_err(|e| Error::input(place, one_line(&format!("column \"{name}\": {e}"))))
}

/// Appends a plain text column's values; nulls become empty strings.
fn push_text(col: &ArrayRef, out: &mut TextColumn) {
    for v in text_values(col) {
        out.push(v.unwrap_or_default());
    }
}

/// The values of a plain text column (see `plain_text`).
fn text_values(col: &ArrayRef) -> Box<dyn Iterator<Item = Option<&str>> + '_> {
    match col.data_type() {
        DataType::Utf8 => Box::new(col.as_string::<i32>().iter()),
        DataType::LargeUtf8 => Box::new(col.as_string::<i64>().iter()),
        DataType::Utf8View => Box::new(col.as_string_view().iter()),
        other => unreachable!("type {other} was checked before decoding"),
    }
}
