#!/usr/bin/env python3
"""Parquet files of the first 20 bundled train rows in every codec pyarrow writes, for
tests/codecs.rs: snappy, zstd, gzip, lz4 (pyarrow writes the LZ4_RAW flavour), brotli and none,
with the label names in the `huggingface` metadata as `datasets` writes them.

    pip install pyarrow==26.0.1 && python3 scripts/make_codec_fixtures.py
"""
import json
import os

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "codecs")
META = {"huggingface": json.dumps({"info": {"features": {
    "label": {"names": ["negative", "positive"], "_type": "ClassLabel"},
    "title": {"dtype": "string", "_type": "Value"},
    "content": {"dtype": "string", "_type": "Value"},
}}})}


def rows():
    path = os.path.join(ROOT, "assets", "source", "amazon_polarity_train_sample.jsonl")
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for _, line in zip(range(20), f)]


def main():
    data = rows()
    table = pa.table({
        "label": pa.array([r["label"] for r in data], pa.int64()),
        "title": pa.array([r["title"] for r in data], pa.string()),
        "content": pa.array([r["content"] for r in data], pa.string()),
    }).replace_schema_metadata(META)
    os.makedirs(OUT, exist_ok=True)
    for codec in ["snappy", "zstd", "gzip", "lz4", "brotli", "none"]:
        path = os.path.join(OUT, f"{codec}.parquet")
        pq.write_table(table, path, compression=codec)
        found = {pq.ParquetFile(path).metadata.row_group(0).column(c).compression for c in range(3)}
        print(f"{path}: {found}")


if __name__ == "__main__":
    main()
