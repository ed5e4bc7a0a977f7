#!/usr/bin/env python3
"""Full-size synthetic amazon_polarity shards for the sampling benchmark (the Hub is unreachable here).

Writes OUT/amazon_polarity/train-0000{0..3}-of-00004.parquet (900,000 rows each) and
test-00000-of-00001.parquet (400,000 rows), in the Hub's layout: label int64 with the ClassLabel names
in the `huggingface` metadata, title, content; snappy (the Hub's parquet converter default), 1,000-row
row groups. Rows are real bundled reviews drawn with replacement (seeded), so text lengths and
compressibility are those of the real data.

    pip install pyarrow numpy && python3 scripts/make_synthetic_shards.py ~/.cache/reviewlens-bench/synthetic
"""
import json
import os
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
META = {"huggingface": json.dumps({"info": {"features": {
    "label": {"names": ["negative", "positive"], "_type": "ClassLabel"},
    "title": {"dtype": "string", "_type": "Value"},
    "content": {"dtype": "string", "_type": "Value"},
}}})}


def base_table():
    rows = []
    for split in ("train", "test"):
        with open(os.path.join(ROOT, "assets", "source", f"amazon_polarity_{split}_sample.jsonl"), encoding="utf-8") as f:
            rows += [json.loads(line) for line in f]
    schema = pa.schema([("label", pa.int64()), ("title", pa.string()), ("content", pa.string())], metadata=META)
    return pa.table({k: [r[k] for r in rows] for k in ("label", "title", "content")}, schema=schema)


def main(out):
    base = base_table()
    rng = np.random.default_rng(2024)
    config = os.path.join(out, "amazon_polarity")
    os.makedirs(config, exist_ok=True)
    shards = [(f"train-{i:05d}-of-00004.parquet", 900_000) for i in range(4)] + [("test-00000-of-00001.parquet", 400_000)]
    for name, n in shards:
        path = os.path.join(config, name)
        if os.path.exists(path):
            continue
        table = base.take(pa.array(rng.integers(0, base.num_rows, n)))
        pq.write_table(table, path + ".tmp", compression="snappy", row_group_size=1000)
        os.replace(path + ".tmp", path)
        print(f"{path}: {n:,} rows, {os.path.getsize(path) / 1e6:.0f} MB", flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser("~/.cache/reviewlens-bench/synthetic"))
