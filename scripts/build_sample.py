#!/usr/bin/env python3
"""Rebuild the bundled sample (assets/sample/{train,test}.parquet) from the JSONL in assets/source.

The files mirror the Hub's amazon_polarity parquet layout: `label` int64 (ClassLabel names carried in
the schema metadata under `huggingface`, exactly as `datasets` writes it), `title`, `content`, plus
`row_index` (the row's position in its full split, from the provenance files). zstd, 1,000-row row
groups, page index written. Deterministic: running it twice gives byte-identical files.

    pip install pyarrow && python3 scripts/build_sample.py
"""
import json
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "assets", "source")
OUT = os.path.join(ROOT, "assets", "sample")

FEATURES = {
    "label": {"names": ["negative", "positive"], "_type": "ClassLabel"},
    "title": {"dtype": "string", "_type": "Value"},
    "content": {"dtype": "string", "_type": "Value"},
    "row_index": {"dtype": "int64", "_type": "Value"},
}


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def build(split):
    rows = read_jsonl(os.path.join(SOURCE, f"amazon_polarity_{split}_sample.jsonl"))
    prov = read_jsonl(os.path.join(SOURCE, f"amazon_polarity_{split}_sample.provenance.jsonl"))
    if len(rows) != len(prov):
        sys.exit(f"{split}: {len(rows)} rows but {len(prov)} provenance lines")
    schema = pa.schema(
        [
            ("label", pa.int64()),
            ("title", pa.string()),
            ("content", pa.string()),
            ("row_index", pa.int64()),
        ],
        metadata={"huggingface": json.dumps({"info": {"features": FEATURES}})},
    )
    table = pa.table(
        {
            "label": [r["label"] for r in rows],
            "title": [r["title"] for r in rows],
            "content": [r["content"] for r in rows],
            "row_index": [p["row_index"] for p in prov],
        },
        schema=schema,
    )
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, f"{split}.parquet")
    tmp = path + ".tmp"
    pq.write_table(
        table,
        tmp,
        compression="zstd",
        compression_level=9,
        row_group_size=1000,
        write_page_index=True,
        write_statistics=True,
    )
    os.replace(tmp, path)
    print(f"{path}: {table.num_rows} rows, {os.path.getsize(path):,} bytes")


if __name__ == "__main__":
    for split in ("train", "test"):
        build(split)
