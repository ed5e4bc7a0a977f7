//! The one parquet encoder: exports, `sample`'s files and the caches are all zstd parquet.

use arrow::array::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;

/// `batch` as a zstd parquet file in memory; `row_group_rows` caps row groups (the writer's
/// default otherwise).
pub fn bytes(batch: &RecordBatch, row_group_rows: Option<usize>) -> Result<Vec<u8>, ParquetError> {
    let mut props =
        WriterProperties::builder().set_compression(Compression::ZSTD(ZstdLevel::default()));
    if row_group_rows.is_some() {
        props = props.set_max_row_group_row_count(row_group_rows);
    }
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batch.schema(), Some(props.build()))?;
    w.write(batch)?;
    w.close()?;
    Ok(out)
}
