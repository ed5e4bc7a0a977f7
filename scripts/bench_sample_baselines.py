#!/usr/bin/env python3
"""Baselines for the sampling benchmark: the same sample as `reviewlens --train N --test M --seed S`,
made the Python way. Prints the first 3 sampled titles of each split (so the runs can be compared)
and nothing else on stdout.

    python3 scripts/bench_sample_baselines.py pyarrow DIR [N M SEED]
        pq.read_table of the shards (label, title, content), numpy's
        default_rng(S).permutation(len)[:N], then Table.take.
    python3 scripts/bench_sample_baselines.py datasets DIR [N M SEED]
        load_dataset("parquet", data_files=...) + shuffle(seed=S).select(range(N)), as the notebook
        does; HF_DATASETS_CACHE decides whether its Arrow conversion is cold or warm.
"""
import glob
import os
import sys


def shards(root, split):
    return sorted(glob.glob(os.path.join(root, "**", f"{split}-*.parquet"), recursive=True))


def main():
    mode, root = sys.argv[1], sys.argv[2]
    n_train, n_test, seed = (int(x) for x in (sys.argv[3:6] if len(sys.argv) > 5 else (10000, 2000, 42)))
    wanted = {"train": n_train, "test": n_test}
    if mode == "pyarrow":
        import numpy as np
        import pyarrow as pa
        import pyarrow.parquet as pq

        for split, n in wanted.items():
            table = pa.concat_tables(pq.read_table(f, columns=["label", "title", "content"]) for f in shards(root, split))
            idx = np.random.default_rng(seed).permutation(table.num_rows)[:n]
            sample = table.take(pa.array(idx))
            print(split, sample.column("title").to_pylist()[:3])
    elif mode == "datasets":
        from datasets import load_dataset

        files = {split: shards(root, split) for split in wanted}
        ds = load_dataset("parquet", data_files=files)
        for split, n in wanted.items():
            sample = ds[split].shuffle(seed=seed).select(range(n))
            print(split, sample["title"][:3])
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
