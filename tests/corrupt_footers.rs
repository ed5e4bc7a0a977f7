//! Corrupt parquet footers are refused as bad input, never a panic, an abort or a huge allocation:
//! the reproducers from issue 13 (row counts of 2^62, 2^40 and 2^32-1, negative and out-of-file
//! column-chunk sizes) rebuilt here from a small file, the files a footer fuzzer found before the
//! fix (`tests/fixtures/trust/`), and a seeded footer-mutation fuzzer over a few thousand cases.
//!
//! The whole test process runs under a 4 GiB address-space limit (set before any case), so a reader
//! that trusts a footer and reserves terabytes aborts the test instead of passing by luck; the
//! binary run at the end inherits it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::file::metadata::{
    ColumnChunkMetaData, ParquetMetaData, ParquetMetaDataReader, ParquetMetaDataWriter,
    RowGroupMetaData,
};
use parquet::file::properties::WriterProperties;
use reviewlens::data::{Columns, Count, Sampling, load_sampled};

/// At most this much address space for the test process and what it starts.
const ADDRESS_SPACE: u64 = 4 << 30;

fn limit_memory() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let limit = libc::rlimit {
            rlim_cur: ADDRESS_SPACE,
            rlim_max: ADDRESS_SPACE,
        };
        // Safety: setrlimit reads the struct it is given and nothing else.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) }, 0);
    });
}

/// A small amazon_polarity-like parquet file: 60 rows in three row groups, with a page index.
fn small_file() -> Vec<u8> {
    let n = 60;
    let labels: Vec<i64> = (0..n).map(|i| i % 2).collect();
    let titles: Vec<String> = (0..n).map(|i| format!("title {i}")).collect();
    let contents: Vec<String> = (0..n).map(|i| format!("review number {i}, fine")).collect();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(labels)),
        Arc::new(StringArray::from(titles)),
        Arc::new(StringArray::from(contents)),
    ];
    let schema = Arc::new(Schema::new(
        ["label", "title", "content"]
            .iter()
            .zip(&columns)
            .map(|(name, c)| Field::new(*name, c.data_type().clone(), true))
            .collect::<Vec<_>>(),
    ));
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(20))
        .build();
    let mut out = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut out, schema, Some(props)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    out
}

/// Where the footer (the thrift-encoded metadata) lies in `bytes`.
fn footer_range(bytes: &[u8]) -> std::ops::Range<usize> {
    let len = u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap());
    bytes.len() - 8 - len as usize..bytes.len() - 8
}

/// `bytes` with its footer rewritten after `edit` changed the metadata (data and page index kept
/// where they are, so every offset in the footer still points where it did).
fn with_footer(bytes: &[u8], edit: impl FnOnce(ParquetMetaData) -> ParquetMetaData) -> Vec<u8> {
    let meta = ParquetMetaDataReader::new()
        .parse_and_finish(&bytes::Bytes::copy_from_slice(bytes))
        .unwrap();
    let meta = edit(meta);
    let mut out = bytes[..footer_range(bytes).start].to_vec();
    ParquetMetaDataWriter::new(&mut out, &meta)
        .finish()
        .unwrap();
    out
}

/// The file's row count (FileMetaData field 3) set to `rows` in the footer's bytes, the row groups
/// left as they are. (The metadata writer recomputes it from the row groups, so it is patched.)
fn claim_file_rows(bytes: &[u8], rows: i64) -> Vec<u8> {
    let footer = footer_range(bytes);
    // Field 3 (delta 1, i64) holding zigzag(60) = 0x78, then field 4 (delta 1, list): unique.
    let pattern = [0x16, 0x78, 0x19];
    let hits: Vec<usize> = (footer.start..footer.end - 3)
        .filter(|&i| bytes[i..i + 3] == pattern)
        .collect();
    assert_eq!(hits.len(), 1, "num_rows is found once in the footer");
    let mut varint = Vec::new();
    let mut zigzag = ((rows << 1) ^ (rows >> 63)) as u64;
    loop {
        let low = (zigzag & 0x7f) as u8;
        zigzag >>= 7;
        if zigzag == 0 {
            varint.push(low);
            break;
        }
        varint.push(low | 0x80);
    }
    let at = hits[0] + 1;
    let mut out = bytes[..at].to_vec();
    out.extend(&varint);
    out.extend(&bytes[at + 1..bytes.len() - 8]);
    let len = footer.len() + varint.len() - 1;
    out.extend((len as u32).to_le_bytes());
    out.extend(b"PAR1");
    out
}

/// Every row group's row count set to `rows` (the file's becomes their sum).
fn claim_group_rows(meta: ParquetMetaData, rows: i64) -> ParquetMetaData {
    let row_groups = meta
        .row_groups()
        .iter()
        .map(|rg| {
            rg.clone()
                .into_builder()
                .set_num_rows(rows)
                .build()
                .unwrap()
        })
        .collect();
    ParquetMetaData::new(meta.file_metadata().clone(), row_groups)
}

/// Every column chunk of the first row group changed by `edit`.
fn edit_chunks(
    meta: ParquetMetaData,
    edit: impl Fn(ColumnChunkMetaData) -> ColumnChunkMetaData,
) -> ParquetMetaData {
    let mut row_groups: Vec<RowGroupMetaData> = meta.row_groups().to_vec();
    let columns = row_groups[0]
        .columns()
        .iter()
        .map(|c| edit(c.clone()))
        .collect();
    row_groups[0] = row_groups[0]
        .clone()
        .into_builder()
        .set_column_metadata(columns)
        .build()
        .unwrap();
    ParquetMetaData::new(meta.file_metadata().clone(), row_groups)
}

/// Loads `path` whole and sampled (`--train all`: a permutation of every row it claims).
fn load_both(path: &Path) -> [Result<usize, String>; 2] {
    let whole = Sampling::default();
    let sampled = Sampling {
        train: Some(Count::All),
        ..Sampling::default()
    };
    [whole, sampled].map(|s| {
        load_sampled(Some(path), &Columns::default(), &s)
            .map(|d| d.rows.len())
            .map_err(|e| e.to_string())
    })
}

/// Refused both ways, naming the file, and by the binary with one line and exit code 2.
fn assert_refused(path: &Path, what: &str) {
    for result in load_both(path) {
        let e = result.expect_err(what);
        assert!(e.starts_with(&path.display().to_string()), "{what}: {e}");
    }
    for extra in [&[][..], &["--train", "all"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
            .arg("--data")
            .arg(path)
            .args(extra)
            .arg("snapshot")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{what}: one line: {stderr}");
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn the_reproducers_from_the_issue_are_refused() {
    limit_memory();
    let dir = tempfile::tempdir().unwrap();
    let good = small_file();
    assert_eq!(
        load_both(&write(dir.path(), "train.parquet", &good)),
        [Ok(60), Ok(60)]
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("2^62 rows", claim_file_rows(&good, 1 << 62)),
        ("2^40 rows", claim_file_rows(&good, 1 << 40)),
        ("2^32-1 rows", claim_file_rows(&good, u32::MAX as i64)),
        ("-1 rows", claim_file_rows(&good, -1)),
        (
            "2^40 rows in every row group",
            with_footer(&good, |m| claim_group_rows(m, 1 << 40)),
        ),
        (
            "2^31 rows in every row group",
            with_footer(&good, |m| claim_group_rows(m, 1 << 31)),
        ),
        (
            "-1 rows in every row group",
            with_footer(&good, |m| claim_group_rows(m, -1)),
        ),
        (
            "a negative column-chunk size",
            with_footer(&good, |m| {
                edit_chunks(m, |c| {
                    c.into_builder()
                        .set_total_compressed_size(-1)
                        .build()
                        .unwrap()
                })
            }),
        ),
        (
            "a column chunk past the end of the file",
            with_footer(&good, |m| {
                edit_chunks(m, |c| {
                    c.into_builder()
                        .set_total_compressed_size(1 << 40)
                        .build()
                        .unwrap()
                })
            }),
        ),
        (
            "a negative data page offset",
            with_footer(&good, |m| {
                edit_chunks(m, |c| {
                    c.into_builder()
                        .set_dictionary_page_offset(None)
                        .set_data_page_offset(-5)
                        .build()
                        .unwrap()
                })
            }),
        ),
        (
            "a page index past the end of the file",
            with_footer(&good, |m| {
                edit_chunks(m, |c| {
                    c.into_builder()
                        .set_offset_index_offset(Some(1 << 40))
                        .set_column_index_offset(Some(1 << 40))
                        .build()
                        .unwrap()
                })
            }),
        ),
        (
            "more values in a column chunk than rows",
            with_footer(&good, |m| {
                edit_chunks(m, |c| {
                    c.into_builder().set_num_values(1 << 40).build().unwrap()
                })
            }),
        ),
    ];
    for (what, bytes) in cases {
        assert_refused(&write(dir.path(), "train.parquet", &bytes), what);
    }
}

#[test]
fn footers_the_fuzzer_broke_are_refused() {
    limit_memory();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trust");
    let mut found = 0;
    for entry in std::fs::read_dir(&fixtures).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "parquet") {
            // Each is named for what it broke; copied to a train split to be sampled as well.
            let dir = tempfile::tempdir().unwrap();
            let copy = dir.path().join("train.parquet");
            std::fs::copy(&path, &copy).unwrap();
            assert_refused(&copy, &path.display().to_string());
            found += 1;
        }
    }
    assert!(found > 0, "the fixtures are there");
}

/// splitmix64: a seeded, dependency-free source of mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One mutation of the footer: bytes overwritten, bits flipped, varints made huge, the footer's
/// length changed, or a byte inserted or removed (the length fixed up).
fn mutate(good: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut bytes = good.to_vec();
    let footer = footer_range(good);
    let at = footer.start + rng.below(footer.len());
    match rng.below(7) {
        0 => bytes[at] = rng.next() as u8,
        1 => bytes[at] ^= 1 << rng.below(8),
        2 => bytes[at] = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe][rng.below(6)],
        3 => {
            // A run of continuation bytes: a varint of up to 64 bits, or an over-long one.
            let run = 1 + rng.below(10);
            for b in &mut bytes[at..(at + run).min(footer.end)] {
                *b = 0xff;
            }
        }
        4 => {
            let len = footer.len() as u32;
            let new = [len + 1, len - 1, rng.next() as u32, u32::MAX, 0][rng.below(5)];
            let n = bytes.len();
            bytes[n - 8..n - 4].copy_from_slice(&new.to_le_bytes());
        }
        5 | 6 => {
            let grow = rng.below(2) == 0;
            if grow {
                bytes.insert(at, rng.next() as u8);
            } else {
                bytes.remove(at);
            }
            let len = footer.len() as u32 + u32::from(grow) - u32::from(!grow);
            let n = bytes.len();
            bytes[n - 8..n - 4].copy_from_slice(&len.to_le_bytes());
        }
        _ => unreachable!(),
    }
    // Sometimes a second mutation on top.
    if rng.below(4) == 0 {
        let i = footer.start + rng.below(footer.len().min(bytes.len() - 8 - footer.start));
        bytes[i] = rng.next() as u8;
    }
    bytes
}

/// With `REVIEWLENS_FUZZ_KEEP=DIR`, the fuzzer keeps each case that panicked there (and the case
/// being run as `current.parquet`, which an abort leaves behind), to add to `tests/fixtures/trust/`.
fn keep_dir() -> Option<PathBuf> {
    std::env::var_os("REVIEWLENS_FUZZ_KEEP").map(PathBuf::from)
}

#[test]
fn mutated_footers_load_or_are_refused_never_panic() {
    limit_memory();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.parquet");
    let good = small_file();
    // A deeper run: REVIEWLENS_FUZZ_CASES=100000 REVIEWLENS_FUZZ_SEED=7.
    let env = |name: &str, default: u64| {
        std::env::var(name).map_or(default, |v| v.parse().expect("a number"))
    };
    let mut rng = Rng(env("REVIEWLENS_FUZZ_SEED", 13));
    let (mut loaded, mut refused, mut panicked) = (0, 0, Vec::new());
    for case in 0..env("REVIEWLENS_FUZZ_CASES", 3000) {
        let bytes = mutate(&good, &mut rng);
        std::fs::write(&path, &bytes).unwrap();
        if let Some(keep) = keep_dir() {
            std::fs::write(keep.join("current.parquet"), &bytes).unwrap();
        }
        let outcome = std::panic::catch_unwind(|| load_both(&path));
        let Ok(results) = outcome else {
            if let Some(keep) = keep_dir() {
                std::fs::write(keep.join(format!("case-{case}.parquet")), &bytes).unwrap();
            }
            panicked.push(case);
            continue;
        };
        for r in results {
            match r {
                Ok(rows) => {
                    assert!(rows <= 60, "case {case}: {rows} rows from a 60-row file");
                    loaded += 1;
                }
                Err(e) => {
                    assert!(!e.contains('\n'), "case {case}: one line: {e}");
                    refused += 1;
                }
            }
        }
    }
    assert!(panicked.is_empty(), "these cases panicked: {panicked:?}");
    // The mutations reach past the parser: some files still load, most are refused.
    assert!(
        loaded > 0 && refused > 0,
        "{loaded} loaded, {refused} refused"
    );
}
