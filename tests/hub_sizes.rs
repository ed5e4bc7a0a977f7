//! A Hub that claims absurd sizes: a 10 TB `config.json` is refused before anything is written (a
//! model's small files have a cap), and weights or a parquet shard larger than the cache's free
//! space are refused with both numbers, before the download starts. No file in the cache grows
//! past what was really sent (hf-hub 0.4.3 made a sparse file of the claimed size).

#[path = "support/stand_in_hub.rs"]
mod stand_in_hub;

use std::path::Path;

use stand_in_hub::{Files, Place, assert_refused, dataset_files, model_files, serve};

const TEN_TB: u64 = 10_000_000_000_000;
/// More than any disk this runs on.
const ONE_EB: u64 = 1_000_000_000_000_000_000;

/// The largest file under `dir` by its length (a sparse file counts at its claimed size).
fn largest(dir: &Path) -> u64 {
    let mut max = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let meta = std::fs::symlink_metadata(e.path()).unwrap();
            if meta.is_dir() {
                stack.push(e.path());
            } else {
                max = max.max(meta.len());
            }
        }
    }
    max
}

fn claiming(
    files: std::collections::BTreeMap<String, Vec<u8>>,
    name: &str,
    size: u64,
) -> stand_in_hub::Hub {
    let mut files = Files::new(files);
    files.claimed.insert(name.into(), size);
    serve(move |req| files.reply(req))
}

#[test]
fn a_10_tb_config_is_refused_before_anything_is_written() {
    let hub = claiming(model_files(), "config.json", TEN_TB);
    let place = Place::new();
    let (code, stderr) = place.predict(&hub, "someone/tiny", &[]);
    assert_refused(
        code,
        &stderr,
        &["someone/tiny@main", "config.json", "10,000,000 MB"],
    );
    assert!(
        largest(&place.cache()) < 100_000_000,
        "no sparse giant in the cache"
    );
}

#[test]
fn weights_larger_than_the_free_space_are_refused_with_both_numbers() {
    let hub = claiming(model_files(), "model.safetensors", ONE_EB);
    let place = Place::new();
    let (code, stderr) = place.predict(&hub, "someone/tiny", &[]);
    assert_refused(
        code,
        &stderr,
        &[
            "model.safetensors",
            "1,000,000,000,000 MB",
            "free",
            "HF_HUB_CACHE",
        ],
    );
    assert!(
        largest(&place.cache()) < 100_000_000,
        "no sparse giant in the cache"
    );
}

#[test]
fn a_shard_larger_than_the_free_space_is_refused_with_both_numbers() {
    let hub = claiming(
        dataset_files(),
        "amazon_polarity/train-00000-of-00001.parquet",
        ONE_EB,
    );
    let place = Place::new();
    let out = place.output();
    let args = [
        "--hub=someone/data",
        "sample",
        "--output",
        out.to_str().unwrap(),
    ];
    let (code, stderr) = place.run(&hub, &args, &[]);
    assert_refused(
        code,
        &stderr,
        &[
            "train-00000-of-00001.parquet",
            "1,000,000,000,000 MB",
            "free",
        ],
    );
    assert!(
        largest(&place.cache()) < 100_000_000,
        "no sparse giant in the cache"
    );
}
