#!/usr/bin/env python3
"""Round trip: findings -> `reviewlens sample --apply-findings` -> what `datasets`, pandas, polars
and DuckDB read. Writes a findings journal for the bundled sample (two labels corrected, tags),
runs the release binary, and checks that `datasets.load_dataset("parquet")` sees the corrected
labels with their ClassLabel names and `original_label` beside them.

    cargo build --release && python3 scripts/check_apply_findings.py [BIN]
Needs: pip install datasets pandas polars duckdb
"""
import json, os, re, subprocess, sys, tempfile

BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser("~/.cache/reviewlens-target/release/reviewlens")


def main():
    import datasets, duckdb, pandas, polars

    with tempfile.TemporaryDirectory() as tmp:
        journal = os.path.join(tmp, "findings.jsonl")
        # The data's identity: ask reviewlens, through the refusal of a journal of other data.
        with open(journal, "w") as f:
            f.write(json.dumps({"reviewlens_findings": 1, "data": "?"}) + "\n")
        err = subprocess.run([BIN, "--findings", journal, "findings"], capture_output=True, text=True).stderr
        identity = re.search(r"not of this data \((.*)\); give", err).group(1)
        plain = os.path.join(tmp, "plain")
        subprocess.run([BIN, "sample", "--output", plain], check=True, capture_output=True)
        train = pandas.read_parquet(os.path.join(plain, "train.parquet"))
        picked = train.iloc[[0, 5]]
        with open(journal, "w") as f:
            f.write(json.dumps({"reviewlens_findings": 1, "data": identity}) + "\n")
            for i, (_, row) in enumerate(picked.iterrows()):
                key = {"split": "train", "row_index": int(row.row_index)}
                change = {"id": 2 * i, "row": key, "before": {"label": None}, "after": {"label": int(1 - row.label)}}
                tags = {"id": 2 * i + 1, "row": key, "before": {"tags": []}, "after": {"tags": ["checked"]}}
                f.write(json.dumps({"change": change}) + "\n" + json.dumps({"change": tags}) + "\n")
        out = os.path.join(tmp, "out")
        subprocess.run([BIN, "--findings", journal, "sample", "--apply-findings", "--output", out], check=True)
        ds = datasets.load_dataset("parquet", data_files={"train": os.path.join(out, "train.parquet")})["train"]
        assert ds.features["label"].names == ["negative", "positive"], ds.features
        assert ds.features["original_label"].names == ["negative", "positive"], ds.features
        changed = [i for i in range(len(ds)) if ds[i]["label"] != ds[i]["original_label"]]
        assert changed == [0, 5], changed
        assert ds[0]["tags"] == "checked" and ds[1]["tags"] == ""
        for frame in [pandas.read_parquet(out + "/train.parquet"), polars.read_parquet(out + "/train.parquet").to_pandas(),
                      duckdb.sql(f"select * from '{out}/train.parquet'").df()]:
            assert list(frame.label != frame.original_label).count(True) == 2
        print(f"datasets {datasets.__version__}: ClassLabel names kept, labels of rows {changed} corrected, "
              f"original_label beside them; pandas, polars and DuckDB agree")


if __name__ == "__main__":
    main()
