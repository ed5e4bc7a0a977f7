//! The bundled sample: 16,980 real rows of `amazon_polarity` (6,000 train, 10,980 test), built by
//! `scripts/build_sample.py` and compiled into the binary so it opens from anywhere, offline.

use bytes::Bytes;

use super::{Columns, Dataset, Sampling, assemble, parquet, sampling};
use crate::error::Result;

pub const NAME: &str = "bundled sample";

static TRAIN: &[u8] = include_bytes!("../../assets/sample/train.parquet");
static TEST: &[u8] = include_bytes!("../../assets/sample/test.parquet");

pub(crate) fn load(columns: &Columns, sample: &Sampling) -> Result<Dataset> {
    let read = |name: &str, bytes: &'static [u8]| -> Result<(String, Vec<(String, _)>)> {
        let place = format!("{NAME} ({name})");
        let mut rows = parquet::read(Bytes::from_static(bytes), &place, columns, None)?;
        if let Some(count) = sample.count_for(name) {
            let positions = sample.positions(count, rows.labels.len(), name, &place)?;
            rows = sampling::pick(rows, &positions);
        }
        Ok((name.to_owned(), vec![(place, rows)]))
    };
    let (train, test) = std::thread::scope(|s| {
        let train = s.spawn(|| read("train", TRAIN));
        let test = read("test", TEST);
        (train.join().expect("train reader panicked"), test)
    });
    let mut data = assemble(NAME.to_owned(), vec![train?, test?])?;
    // The parquet footers (row-group offsets, sizes, statistics) change whenever the rows do.
    let mut h = crate::hash::Fnv::default();
    h.field(&columns.text)
        .field(&columns.label)
        .field(columns.title_or_default());
    for bytes in [TRAIN, TEST] {
        h.write(&bytes[bytes.len().saturating_sub(1 << 16)..]);
    }
    data.fingerprint = format!("bundled:{}", h.hex());
    Ok(data)
}
