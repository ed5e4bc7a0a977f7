//! What a parquet footer claims, checked against the file before anything is sized by it: row
//! counts that are not negative and add up, column chunks (and page indexes) inside the file, and no
//! more rows than the bytes could hold. A corrupt footer is then refused in one line, instead of
//! reserving terabytes or tripping an assertion inside the parquet crate.

use parquet::file::metadata::{ColumnChunkMetaData, ParquetMetaData};

/// The most rows a row group may claim per byte of its column chunks. Bit-packing stores eight
/// values a byte; run-length encoding can do better on repetitive columns, hence room to spare, but
/// a review has text, and a footer claiming more is corrupt. It bounds what a footer can make us
/// allocate (sampling's permutation) by a multiple of the file's size.
pub(crate) const MAX_ROWS_PER_BYTE: i64 = 64;

/// The footer's problem, if it has one, in words; `file_len` is the file's length.
pub(crate) fn check(meta: &ParquetMetaData, file_len: u64) -> Result<(), String> {
    // Everything but the footer's length and the closing magic number.
    let end = i64::try_from(file_len.saturating_sub(8)).unwrap_or(i64::MAX);
    let mut sum: i64 = 0;
    for (g, group) in meta.row_groups().iter().enumerate() {
        let rows = group.num_rows();
        if rows < 0 {
            return Err(format!("row group {g} claims {rows} rows"));
        }
        let mut bytes: i64 = 0;
        for chunk in group.columns() {
            check_chunk(chunk, rows, end)
                .map_err(|p| format!("row group {g}, column {}: {p}", chunk.column_path()))?;
            bytes = bytes.saturating_add(chunk.compressed_size());
        }
        if rows > bytes.saturating_mul(MAX_ROWS_PER_BYTE) {
            return Err(format!(
                "row group {g} claims {rows} rows in {bytes} bytes (at most {MAX_ROWS_PER_BYTE} a byte)"
            ));
        }
        sum = sum.saturating_add(rows);
    }
    let claimed = meta.file_metadata().num_rows();
    if claimed != sum {
        return Err(format!(
            "it claims {claimed} rows but its row groups hold {sum}"
        ));
    }
    Ok(())
}

/// One column chunk: sizes not negative, its bytes and page indexes inside the file's data, and
/// (for a column that is not a list) one value per row.
fn check_chunk(chunk: &ColumnChunkMetaData, rows: i64, end: i64) -> Result<(), String> {
    let size = chunk.compressed_size();
    if size < 0 || chunk.uncompressed_size() < 0 {
        return Err(format!(
            "negative size ({size} compressed, {} uncompressed)",
            chunk.uncompressed_size()
        ));
    }
    let data = chunk.data_page_offset();
    let start = chunk.dictionary_page_offset().unwrap_or(data);
    within(start, size, end).map_err(|range| format!("its pages at {range}"))?;
    if !(start..start + size.max(1)).contains(&data) {
        return Err(format!(
            "its data pages start at {data}, outside its bytes {start}..{}",
            start + size
        ));
    }
    let indexes = [
        (chunk.offset_index_offset(), chunk.offset_index_length()),
        (chunk.column_index_offset(), chunk.column_index_length()),
    ];
    for (offset, length) in indexes {
        if let (Some(offset), Some(length)) = (offset, length) {
            within(offset, length.into(), end)
                .map_err(|range| format!("its page index at {range}"))?;
        }
    }
    let flat = chunk.column_descr().max_rep_level() == 0;
    if flat && chunk.num_values() != rows {
        return Err(format!("{} values for {rows} rows", chunk.num_values()));
    }
    Ok(())
}

/// `Err(the range, in words)` when `offset..offset + len` is not inside `0..end`.
fn within(offset: i64, len: i64, end: i64) -> Result<(), String> {
    let stop = offset.checked_add(len);
    if offset < 0 || len < 0 || stop.is_none_or(|s| s > end) {
        let stop = stop.map_or_else(|| "overflow".into(), |s| s.to_string());
        return Err(format!(
            "{offset}..{stop} lie outside the file's {end} bytes of data"
        ));
    }
    Ok(())
}
