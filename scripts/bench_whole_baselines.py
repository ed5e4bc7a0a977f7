#!/usr/bin/env python3
"""Baselines for scripts/bench_whole.sh: the whole dataset (every shard of DIR, Hub layout) loaded
by the tools a user would pick, then searched, filtered and sorted as the explorer does.

    python3 scripts/bench_whole_baselines.py pandas|polars|datasets DIR [--ops]

Prints the load time, the peak resident memory (ru_maxrss) against the text's size, and with --ops
a case-insensitive substring search over title and content, the label filter and a sort by length,
each the best of 3.
"""
import glob
import os
import resource
import sys
import time


def files(folder):
    split = lambda name: sorted(glob.glob(os.path.join(folder, f"{name}-*.parquet")))
    return {"train": split("train"), "test": split("test")}


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def best(f, runs=3):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - start)
    return min(times) * 1e3, out


def load_pandas(folder):
    import pandas as pd

    parts = [pd.read_parquet(f) for s in files(folder).values() for f in s]
    return pd.concat(parts, ignore_index=True)


def load_polars(folder):
    import polars as pl

    return pl.concat([pl.read_parquet(f) for s in files(folder).values() for f in s])


def load_datasets(folder):
    from datasets import load_dataset

    return load_dataset("parquet", data_files=files(folder))


def text_mb(table):
    import pyarrow.compute as pc

    return sum(pc.sum(pc.binary_length(table[c])).as_py() for c in ("title", "content")) / 1e6


def ops_pandas(df, query):
    search = lambda: (df.title.str.contains(query, case=False, regex=False)
                      | df.content.str.contains(query, case=False, regex=False)).sum()
    label = lambda: len(df[df.label == 1])
    length = df.title.str.len() + df.content.str.len()
    sort = lambda: length.sort_values(kind="stable").index[:1]
    return search, label, sort


def ops_polars(df, query):
    import polars as pl

    pattern = "(?i)" + query
    search = lambda: df.filter(pl.col("title").str.contains(pattern)
                               | pl.col("content").str.contains(pattern)).height
    label = lambda: df.filter(pl.col("label") == 1).height
    length = pl.col("title").str.len_bytes() + pl.col("content").str.len_bytes()
    sort = lambda: df.with_row_index().sort(length, maintain_order=True).height
    return search, label, sort


def main():
    tool, folder = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    data = {"pandas": load_pandas, "polars": load_polars, "datasets": load_datasets}[tool](folder)
    loaded = time.perf_counter() - start
    if tool == "datasets":
        rows = sum(len(d) for d in data.values())
        text = sum(text_mb(d.data.table) for d in data.values())
    else:
        import pyarrow as pa

        rows = len(data)
        table = pa.Table.from_pandas(data[["title", "content"]]) if tool == "pandas" else data.to_arrow()
        text = text_mb(table)
    peak = peak_mb()
    print(f"{tool}: load {rows} rows: {loaded:.2f} s; text {text:.0f} MB; "
          f"peak RSS {peak:.0f} MB ({peak / text:.2f}x the text)")
    if "--ops" in sys.argv and tool in ("pandas", "polars"):
        search, label, sort = (ops_pandas if tool == "pandas" else ops_polars)(data, "chrono cross")
        for name, op in (("search 'chrono cross'", search), ("label filter", label), ("sort by length", sort)):
            took, _ = best(op)
            print(f"{tool}: {name}: {took:.0f} ms")


if __name__ == "__main__":
    main()
