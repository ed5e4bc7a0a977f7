//! Parquet files in every codec the ecosystem writes open (scripts/make_codec_fixtures.py wrote them
//! with pyarrow): lz4, gzip and brotli used to be refused as corrupt because the codec was not built.

use std::path::Path;

use reviewlens::data::{Columns, load};

#[test]
fn every_codec_pyarrow_writes_opens_with_the_same_rows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source =
        std::fs::read_to_string(root.join("assets/source/amazon_polarity_train_sample.jsonl"))
            .unwrap();
    let titles: Vec<String> = source
        .lines()
        .take(20)
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["title"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    for codec in ["snappy", "zstd", "gzip", "lz4", "brotli", "none"] {
        let path = root.join(format!("tests/fixtures/codecs/{codec}.parquet"));
        let data =
            load(Some(&path), &Columns::default()).unwrap_or_else(|e| panic!("{codec}: {e}"));
        let read: Vec<&str> = data.rows.iter().map(|r| r.title).collect();
        assert_eq!(read, titles, "{codec}");
        assert_eq!(data.label_names, ["negative", "positive"], "{codec}");
    }
}
