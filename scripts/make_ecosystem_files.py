#!/usr/bin/env python3
"""The bundled rows written by the tools people already use, to open each file with reviewlens
(issue 15's held-out check; tests/ecosystem.rs covers the same matrix at test time, in Rust).

    python3 scripts/make_ecosystem_files.py OUT_DIR [--rows 200]
    python3 scripts/make_ecosystem_files.py OUT_DIR --check target/release/reviewlens

Writes the first --rows rows of the bundled test split (assets/sample/test.parquet) as:

- pyarrow: parquet in every codec (snappy, zstd, gzip, lz4, brotli, none) with parquet's dictionary
  encoding on and off; large strings; string views; dictionary-encoded text (`dictionary_encode()`);
  string labels, plain and dictionary-encoded; null titles; CSV and TSV with a header;
- pandas, polars, DuckDB and `datasets`, each when installed: parquet (polars and DuckDB in every
  codec they write; pandas categoricals; `datasets` with its ClassLabel metadata), CSV and TSV with a
  header (integer and string labels), the headerless original layout (pandas), JSONL.

Labels are written three ways: integers with the ClassLabel names in the metadata (`named`),
integers alone (`numbered`: classes "0", "1"), or strings `neg`/`pos` (`strings`). OUT_DIR gets the
files and `manifest.json` (file, writer, what, labels, extra arguments).

With --check BINARY, every file is opened with `BINARY --data FILE sample --output TMP` and the
rows read back are compared with the rows written (titles, texts, each row's class name); a Markdown
table of the results is printed, and the exit code is 1 when any file fails.
"""
import argparse
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMES = ["negative", "positive"]
STRINGS = ["neg", "pos"]
HF_META = {"huggingface": json.dumps({"info": {"features": {
    "label": {"names": NAMES, "_type": "ClassLabel"},
    "title": {"dtype": "string", "_type": "Value"},
    "content": {"dtype": "string", "_type": "Value"},
}}})}
CODECS = ["snappy", "zstd", "gzip", "lz4", "brotli", "none"]


def bundled(n):
    t = pq.read_table(os.path.join(ROOT, "assets", "sample", "test.parquet"))
    t = t.slice(0, n)
    return {c: t.column(c).to_pylist() for c in ["label", "title", "content"]}


def table(rows, labels="named", text_type=pa.string(), null_titles=False):
    titles = [None if null_titles and i % 3 == 0 else t for i, t in enumerate(rows["title"])]
    if labels == "strings":
        label = pa.array([STRINGS[x] for x in rows["label"]], pa.string())
    else:
        label = pa.array(rows["label"], pa.int64())
    t = pa.table({
        "label": label,
        "title": pa.array(titles, text_type),
        "content": pa.array(rows["content"], text_type),
    })
    return t.replace_schema_metadata(HF_META if labels == "named" else None)


def expected_names(rows, labels):
    """Each row's class name as reviewlens should read it."""
    names = {"named": NAMES, "orig": NAMES, "numbered": ["0", "1"], "strings": STRINGS}[labels]
    return [names[x] for x in rows["label"]]


class Out:
    def __init__(self, folder):
        self.folder = folder
        self.manifest = []

    def add(self, writer, name, what, labels, write, args=(), null_titles=False):
        path = os.path.join(self.folder, name)
        try:
            write(path)
        except Exception as e:  # a writer that cannot write this variant is a row of the table too
            print(f"{writer} {name}: not written ({type(e).__name__}: {e})", file=sys.stderr)
            self.manifest.append({"file": None, "name": name, "writer": writer, "what": what,
                                  "error": f"{type(e).__name__}: {e}".splitlines()[0]})
            return
        self.manifest.append({"file": name, "name": name, "writer": writer, "what": what,
                              "labels": labels, "args": list(args), "null_titles": null_titles})


def with_pyarrow(out, rows):
    for codec in CODECS:
        for dictionary in (True, False):
            on = "on" if dictionary else "off"
            out.add("pyarrow", f"pyarrow-{codec}-dict-{on}.parquet",
                    f"parquet, {codec}, dictionary encoding {on}", "named",
                    lambda p, c=codec, d=dictionary: pq.write_table(
                        table(rows), p, compression=c, use_dictionary=d))
    out.add("pyarrow", "pyarrow-large-string.parquet", "parquet, large_string text", "named",
            lambda p: pq.write_table(table(rows, text_type=pa.large_string()), p))
    out.add("pyarrow", "pyarrow-string-view.parquet", "parquet, string_view text", "named",
            lambda p: pq.write_table(table(rows, text_type=pa.string_view()), p))

    def dictionary_text(p, text_type=pa.string()):
        t = table(rows, text_type=text_type)
        for c in ["title", "content"]:
            i = t.schema.get_field_index(c)
            t = t.set_column(i, c, t.column(c).dictionary_encode())
        pq.write_table(t, p)
    out.add("pyarrow", "pyarrow-dictionary-text.parquet", "parquet, dictionary_encode() text",
            "named", dictionary_text)
    out.add("pyarrow", "pyarrow-dictionary-large-text.parquet",
            "parquet, dictionary_encode() large_string text", "named",
            lambda p: dictionary_text(p, pa.large_string()))
    out.add("pyarrow", "pyarrow-numbered.parquet", "parquet, integer labels, no metadata",
            "numbered", lambda p: pq.write_table(table(rows, "numbered"), p))
    out.add("pyarrow", "pyarrow-string-labels.parquet", "parquet, string labels", "strings",
            lambda p: pq.write_table(table(rows, "strings"), p))

    def dictionary_labels(p):
        t = table(rows, "strings")
        pq.write_table(t.set_column(0, "label", t.column("label").dictionary_encode()), p)
    out.add("pyarrow", "pyarrow-dictionary-labels.parquet", "parquet, dictionary-encoded string labels",
            "strings", dictionary_labels)
    out.add("pyarrow", "pyarrow-null-titles.parquet", "parquet, null titles", "named",
            lambda p: pq.write_table(table(rows, null_titles=True), p), null_titles=True)
    out.add("pyarrow", "pyarrow.csv", "CSV with a header (write_csv)", "numbered",
            lambda p: pacsv.write_csv(table(rows, "numbered"), p))
    out.add("pyarrow", "pyarrow.tsv", "TSV with a header, string labels", "strings",
            lambda p: pacsv.write_csv(table(rows, "strings"), p,
                                      pacsv.WriteOptions(delimiter="\t")))


def with_pandas(out, rows):
    import pandas as pd
    ints = pd.DataFrame(rows)
    strings = ints.assign(label=[STRINGS[x] for x in rows["label"]])
    out.add("pandas", "pandas.parquet", "to_parquet()", "numbered", lambda p: ints.to_parquet(p))
    out.add("pandas", "pandas-categorical.parquet", "to_parquet(), categorical columns", "strings",
            lambda p: strings.astype("category").to_parquet(p))
    out.add("pandas", "pandas.csv", "to_csv(index=False)", "numbered",
            lambda p: ints.to_csv(p, index=False))
    out.add("pandas", "pandas-string-labels.csv", "to_csv(index=False), string labels", "strings",
            lambda p: strings.to_csv(p, index=False))
    out.add("pandas", "pandas.tsv", "to_csv(sep=\"\\t\", index=False)", "numbered",
            lambda p: ints.to_csv(p, sep="\t", index=False))
    original = ints.assign(label=ints["label"] + 1)
    out.add("pandas", "pandas-original.csv", "headerless amazon_review_polarity layout (classes 1/2)",
            "orig", lambda p: original.to_csv(p, index=False, header=False, quoting=csv.QUOTE_ALL))
    out.add("pandas", "pandas.jsonl", "to_json(orient=\"records\", lines=True)", "numbered",
            lambda p: ints.to_json(p, orient="records", lines=True))
    out.add("pandas", "pandas-string-labels.jsonl", "to_json(lines=True), string labels", "strings",
            lambda p: strings.to_json(p, orient="records", lines=True, force_ascii=False))


def with_polars(out, rows):
    import polars as pl
    ints = pl.DataFrame(rows)
    strings = ints.with_columns(pl.Series("label", [STRINGS[x] for x in rows["label"]]))
    for codec in ["lz4", "zstd", "snappy", "gzip", "brotli", "uncompressed"]:
        out.add("polars", f"polars-{codec}.parquet", f"write_parquet(compression=\"{codec}\")",
                "numbered", lambda p, c=codec: ints.write_parquet(p, compression=c))
    out.add("polars", "polars-categorical.parquet", "write_parquet(), Categorical columns", "strings",
            lambda p: strings.with_columns(pl.all().cast(pl.Categorical)).write_parquet(p))
    out.add("polars", "polars.csv", "write_csv()", "numbered", lambda p: ints.write_csv(p))
    out.add("polars", "polars-string-labels.csv", "write_csv(), string labels", "strings",
            lambda p: strings.write_csv(p))
    out.add("polars", "polars.tsv", "write_csv(separator=\"\\t\")", "numbered",
            lambda p: ints.write_csv(p, separator="\t"))
    out.add("polars", "polars.jsonl", "write_ndjson()", "numbered", lambda p: ints.write_ndjson(p))


def with_duckdb(out, rows):
    import duckdb
    con = duckdb.connect()
    con.register("reviews", table(rows, "numbered"))
    strings = "SELECT CASE label WHEN 0 THEN 'neg' ELSE 'pos' END AS label, title, content FROM reviews"

    def copy(query, options):
        return lambda p: con.execute(f"COPY ({query}) TO '{p}' ({options})")
    for codec in ["snappy", "zstd", "gzip", "lz4", "brotli", "uncompressed"]:
        out.add("DuckDB", f"duckdb-{codec}.parquet", f"COPY TO parquet, {codec}", "numbered",
                copy("SELECT * FROM reviews", f"FORMAT parquet, COMPRESSION {codec}"))
    out.add("DuckDB", "duckdb-string-labels.parquet", "COPY TO parquet, string labels", "strings",
            copy(strings, "FORMAT parquet"))
    out.add("DuckDB", "duckdb.csv", "COPY TO CSV, HEADER", "numbered",
            copy("SELECT * FROM reviews", "FORMAT csv, HEADER true"))
    out.add("DuckDB", "duckdb.tsv", "COPY TO CSV, HEADER, tab-separated, string labels", "strings",
            copy(strings, "FORMAT csv, HEADER true, DELIMITER '\t'"))
    out.add("DuckDB", "duckdb.jsonl", "COPY TO JSON (newline-delimited)", "numbered",
            copy("SELECT * FROM reviews", "FORMAT json"))


def with_datasets(out, rows):
    import datasets
    features = datasets.Features({
        "label": datasets.ClassLabel(names=NAMES),
        "title": datasets.Value("string"),
        "content": datasets.Value("string"),
    })
    ds = datasets.Dataset.from_dict(rows, features=features)
    strings = datasets.Dataset.from_dict({**rows, "label": [STRINGS[x] for x in rows["label"]]})
    out.add("datasets", "datasets.parquet", "to_parquet(), ClassLabel metadata", "named",
            lambda p: ds.to_parquet(p))
    out.add("datasets", "datasets-string-labels.parquet", "to_parquet(), string labels", "strings",
            lambda p: strings.to_parquet(p))
    out.add("datasets", "datasets.csv", "to_csv()", "numbered", lambda p: ds.to_csv(p, index=False))
    out.add("datasets", "datasets.jsonl", "to_json()", "numbered", lambda p: ds.to_json(p))


WRITERS = [("pyarrow", with_pyarrow), ("pandas", with_pandas), ("polars", with_polars),
           ("duckdb", with_duckdb), ("datasets", with_datasets)]


def check_one(binary, folder, entry, rows):
    """Opens one file with the binary; returns (ok, what it says)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "sample")
        cmd = [binary, "--data", os.path.join(folder, entry["file"]), *entry["args"],
               "sample", "--output", out]
        run = subprocess.run(cmd, capture_output=True, text=True,
                             env={**os.environ, "XDG_CACHE_HOME": tmp})
        if run.returncode != 0:
            return False, run.stderr.strip().splitlines()[-1]
        [path] = glob.glob(os.path.join(out, "*.parquet"))
        back = pq.read_table(path)
        meta = json.loads(back.schema.metadata[b"huggingface"])
        names = meta["info"]["features"]["label"]["names"]
        got = [names[x] for x in back.column("label").to_pylist()]
        want = expected_names(rows, entry["labels"])
        titles = [t or "" for i, t in enumerate(rows["title"])]
        if entry["null_titles"]:
            titles = ["" if i % 3 == 0 else t for i, t in enumerate(titles)]
        problems = []
        if got != want:
            problems.append("labels differ")
        if back.column("title").to_pylist() != titles:
            problems.append("titles differ")
        if back.column("content").to_pylist() != rows["content"]:
            problems.append("texts differ")
        if problems:
            return False, ", ".join(problems)
        return True, f"{len(got)} rows, classes {', '.join(names)}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=200)
    ap.add_argument("--check", metavar="BINARY", help="open every file with this reviewlens")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rows = bundled(args.rows)
    out = Out(args.out)
    for name, write in WRITERS:
        try:
            write(out, rows)
        except ImportError:
            print(f"{name}: not installed, skipped", file=sys.stderr)
            out.manifest.append({"file": None, "name": "-", "writer": name, "what": "-",
                                 "error": "not installed"})
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(out.manifest, f, indent=1)
    if not args.check:
        print(f"{sum(e['file'] is not None for e in out.manifest)} files in {args.out}")
        return 0
    failed = 0
    print("| writer | file | what | labels | opened |")
    print("|---|---|---|---|---|")
    for e in out.manifest:
        if e["file"] is None:
            print(f"| {e['writer']} | {e['name']} | {e['what']} | | not written: {e['error']} |")
            continue
        ok, said = check_one(args.check, args.out, e, rows)
        failed += not ok
        mark = "✓" if ok else "✗"
        print(f"| {e['writer']} | `{e['file']}` | {e['what']} | {e['labels']} | {mark} {said} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
