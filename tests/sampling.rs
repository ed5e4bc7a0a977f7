//! Sampling like `split.shuffle(seed).select(range(n))`, from a hand-built Hugging Face cache holding
//! generated shards in the real amazon_polarity layout (4 train shards + 1 test shard, 1,000-row row
//! groups, the Hub's column types and metadata), read offline. The expected rows come straight from
//! the permutation and the generator; only the needed row groups may be decoded.

#[path = "support/parquet.rs"]
mod parquet_fixture;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Metadata, Schema};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use reviewlens::data::numpy_rng::permutation;
use reviewlens::data::{Columns, Count, Sampling, load_sampled};

const SHARD_ROWS: usize = 2_500;
const TRAIN_SHARDS: usize = 4;
const TEST_ROWS: usize = 3_000;
const COMMIT: &str = "b2d4a6c8e0f1b2d4a6c8e0f1b2d4a6c8e0f1b2d4";

/// Row `i` of a split: its label and title are functions of its position.
fn label(split: &str, i: usize) -> i64 {
    ((i * 7 + split.len()) % 3 % 2) as i64
}

fn title(split: &str, i: usize) -> String {
    format!("{split} review {i}")
}

fn write_shard(path: &Path, split: &str, start: usize, rows: usize) {
    let schema = Arc::new(
        Schema::new(vec![
            Field::new("label", DataType::Int64, true),
            Field::new("title", DataType::Utf8, true),
            Field::new("content", DataType::Utf8, true),
        ])
        .with_metadata(Metadata::from([("huggingface", parquet_fixture::HF_META)])),
    );
    let range = start..start + rows;
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(
            range.clone().map(|i| label(split, i)),
        )),
        Arc::new(StringArray::from_iter_values(
            range.clone().map(|i| title(split, i)),
        )),
        Arc::new(StringArray::from_iter_values(range.map(|i| {
            format!("text of {split} row {i}, {}", "words ".repeat(i % 20))
        }))),
    ];
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(1000))
        .build();
    let mut w = ArrowWriter::try_new(
        std::fs::File::create(path).unwrap(),
        schema.clone(),
        Some(props),
    )
    .unwrap();
    w.write(&RecordBatch::try_new(schema, columns).unwrap())
        .unwrap();
    w.close().unwrap();
}

/// `<root>/hub/datasets--fancyzhx--amazon_polarity/{refs/main, snapshots/<commit>/amazon_polarity/*}`.
fn hub_cache(root: &Path) -> PathBuf {
    let repo = root.join("hub/datasets--fancyzhx--amazon_polarity");
    let config = repo.join("snapshots").join(COMMIT).join("amazon_polarity");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), COMMIT).unwrap();
    for s in 0..TRAIN_SHARDS {
        let name = format!("train-{s:05}-of-{TRAIN_SHARDS:05}.parquet");
        write_shard(&config.join(name), "train", s * SHARD_ROWS, SHARD_ROWS);
    }
    write_shard(
        &config.join("test-00000-of-00001.parquet"),
        "test",
        0,
        TEST_ROWS,
    );
    config
}

fn sampling(train: usize, test: usize, seed: u64, first: bool) -> Sampling {
    Sampling {
        train: Some(Count::Rows(train)),
        test: Some(Count::Rows(test)),
        seed,
        first,
    }
}

fn expected(split: &str, total: usize, n: usize, seed: u64) -> Vec<(u64, String)> {
    permutation(seed, total)[..n]
        .iter()
        .map(|&i| (i as u64, title(split, i as usize)))
        .collect()
}

#[test]
fn the_sample_is_shuffle_then_select_and_reads_only_needed_row_groups() {
    let dir = tempfile::tempdir().unwrap();
    let config = hub_cache(dir.path());
    for seed in [0, 42, 1234] {
        let data = load_sampled(
            Some(&config),
            &Columns::default(),
            &sampling(7, 5, seed, false),
        )
        .unwrap();
        let train: Vec<(u64, String)> = data.rows.to_vec()[data.splits[0].rows.clone()]
            .iter()
            .map(|r| (r.row_index, r.title.clone()))
            .collect();
        assert_eq!(
            train,
            expected("train", SHARD_ROWS * TRAIN_SHARDS, 7, seed),
            "seed {seed}"
        );
        let test: Vec<(u64, String)> = data.rows.to_vec()[data.splits[1].rows.clone()]
            .iter()
            .map(|r| (r.row_index, r.title.clone()))
            .collect();
        assert_eq!(test, expected("test", TEST_ROWS, 5, seed));
        for r in data.rows.iter() {
            let split = if r.title.starts_with("train") {
                "train"
            } else {
                "test"
            };
            assert_eq!(r.label as i64, label(split, r.row_index as usize));
        }
        // Row groups of 1,000 rows: count the distinct groups the sampled rows fall in.
        let groups = |split: &str, total: usize, n: usize| {
            let mut g: Vec<(usize, usize)> = permutation(seed, total)[..n]
                .iter()
                .map(|&i| {
                    (
                        i as usize / SHARD_ROWS.min(total),
                        (i as usize % SHARD_ROWS.min(total)) / 1000,
                    )
                })
                .collect();
            g.sort();
            g.dedup();
            let _ = split;
            g.len()
        };
        let want = groups("train", SHARD_ROWS * TRAIN_SHARDS, 7) + groups("test", TEST_ROWS, 5);
        assert_eq!(
            data.row_groups_read, want,
            "seed {seed}: only the row groups holding sampled rows"
        );
        assert!(data.row_groups_read <= 12, "of 13 row groups in all");
    }
}

#[test]
fn first_takes_the_leading_rows_and_all_takes_the_split() {
    let dir = tempfile::tempdir().unwrap();
    let config = hub_cache(dir.path());
    let data = load_sampled(
        Some(&config),
        &Columns::default(),
        &sampling(3, 2, 42, true),
    )
    .unwrap();
    let titles: Vec<&str> = data.rows.iter().map(|r| r.title).collect();
    assert_eq!(
        titles,
        [
            "train review 0",
            "train review 1",
            "train review 2",
            "test review 0",
            "test review 1"
        ]
    );
    assert_eq!(data.row_groups_read, 2);
    let all = Sampling {
        train: Some(Count::All),
        test: None,
        seed: 42,
        first: false,
    };
    let data = load_sampled(Some(&config), &Columns::default(), &all).unwrap();
    assert_eq!(data.splits[0].rows.len(), SHARD_ROWS * TRAIN_SHARDS);
    assert_eq!(
        data.rows.get(0).row_index,
        permutation(42, SHARD_ROWS * TRAIN_SHARDS)[0] as u64,
        "whole split, shuffled"
    );
}

fn run(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn hub_offline_and_a_local_copy_give_the_same_sample_and_sample_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = hub_cache(dir.path());
    let hub = dir.path().join("hub");
    let env = [
        ("HF_HUB_OFFLINE", "1"),
        ("HF_HUB_CACHE", hub.to_str().unwrap()),
    ];
    let out_hub = dir.path().join("from-hub");
    let out_dir = dir.path().join("from-dir");
    let o = run(
        &[
            "--hub",
            "--train",
            "40",
            "--test",
            "9",
            "sample",
            "--output",
            out_hub.to_str().unwrap(),
        ],
        &env,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(
        &[
            "--data",
            config.to_str().unwrap(),
            "--train",
            "40",
            "--test",
            "9",
            "sample",
            "--output",
            out_dir.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for split in ["train", "test"] {
        let a = std::fs::read(out_hub.join(format!("{split}.parquet"))).unwrap();
        let b = std::fs::read(out_dir.join(format!("{split}.parquet"))).unwrap();
        assert_eq!(a, b, "{split}: same bytes either way");
    }
    // The written sample reads back as the same rows, with label names and row_index.
    let back = load_sampled(Some(&out_hub), &Columns::default(), &Sampling::default()).unwrap();
    assert_eq!(back.label_names, ["negative", "positive"]);
    let train: Vec<(u64, String)> = back.rows.to_vec()[back.splits[0].rows.clone()]
        .iter()
        .map(|r| (r.row_index, r.title.clone()))
        .collect();
    assert_eq!(train, expected("train", SHARD_ROWS * TRAIN_SHARDS, 40, 42));
}

fn refused(args: &[&str], env: &[(&str, &str)], fragments: &[&str]) {
    let o = run(args, env);
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    for f in fragments {
        assert!(stderr.contains(f), "{stderr:?} should contain {f:?}");
    }
}

#[test]
fn bad_sampling_input() {
    let dir = tempfile::tempdir().unwrap();
    let config = hub_cache(dir.path());
    let hub = dir.path().join("hub");
    let env = [
        ("HF_HUB_OFFLINE", "1"),
        ("HF_HUB_CACHE", hub.to_str().unwrap()),
    ];
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    refused(
        &["--hub", "--train", "10001", "sample", "--output", out],
        &env,
        &["--train 10001 is more than the 10000 rows"],
    );
    refused(
        &["--hub=other/dataset", "sample", "--output", out],
        &env,
        &["other/dataset@main: not in the Hugging Face cache"],
    );
    // A seed that is not a non-negative integer: one line too.
    refused(
        &["--hub", "--seed", "-1", "sample", "--output", out],
        &env,
        &["'-1'", "see reviewlens --help"],
    );
    refused(
        &["--hub", "--seed", "4.2", "sample", "--output", out],
        &env,
        &["invalid value '4.2' for '--seed <S>'"],
    );
    // A split that does not exist.
    refused(
        &[
            "--data",
            config
                .join("train-00000-of-00004.parquet")
                .to_str()
                .unwrap(),
            "--test",
            "3",
            "sample",
            "--output",
            out,
        ],
        &[],
        &["has no split \"test\""],
    );
    // A truncated cached shard.
    let shard = config.join("test-00000-of-00001.parquet");
    let bytes = std::fs::read(&shard).unwrap();
    std::fs::write(&shard, &bytes[..bytes.len() / 3]).unwrap();
    refused(
        &["--hub", "sample", "--output", out],
        &env,
        &["test-00000-of-00001.parquet", "not a readable parquet file"],
    );
    // A shard missing from the offline cache.
    std::fs::remove_file(config.join("train-00002-of-00004.parquet")).unwrap();
    refused(
        &["--hub", "sample", "--output", out],
        &env,
        &["shard amazon_polarity/train-00002-of-00004.parquet is missing from the offline cache"],
    );
    // A snapshot with no parquet files at all.
    for f in std::fs::read_dir(&config).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    refused(
        &["--hub", "sample", "--output", out],
        &env,
        &["the dataset has no parquet files"],
    );
    assert!(
        !Path::new(out).join("train.parquet").exists(),
        "nothing written"
    );
}

#[test]
fn the_sample_carries_feature_metadata_in_column_order() {
    // `datasets` trusts HF feature metadata only when its fields (nullable) match the file's.
    let dir = tempfile::tempdir().unwrap();
    let config = hub_cache(dir.path());
    let out = dir.path().join("out");
    let o = run(
        &[
            "--data",
            config.to_str().unwrap(),
            "--train",
            "3",
            "--test",
            "2",
            "sample",
            "--output",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(out.join("train.parquet")).unwrap(),
    )
    .unwrap();
    let schema = reader.schema();
    let columns: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(columns, ["label", "title", "content", "row_index"]);
    assert!(schema.fields().iter().all(|f| f.is_nullable()));
    let meta: serde_json::Value = serde_json::from_str(&schema.metadata()["huggingface"]).unwrap();
    let keys: Vec<&str> = meta["info"]["features"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, columns);
    assert_eq!(
        meta["info"]["features"]["label"]["names"],
        serde_json::json!(["negative", "positive"])
    );
}
