#!/usr/bin/env python3
"""Two `reviewlens predict` outputs of the same rows (parquet, by pyarrow): how many predicted labels
agree and the largest difference of any class probability, as one line.

    compare_predictions.py A.parquet B.parquet NAME [--max-diff D]

With --max-diff, the exit code is 1 when a label differs or a probability is off by more than D.
"""
import argparse
import sys

import pyarrow.parquet as pq


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("name")
    ap.add_argument("--max-diff", type=float, default=None)
    args = ap.parse_args()
    a, b = (pq.read_table(p).to_pydict() for p in (args.a, args.b))
    if a["row_index"] != b["row_index"]:
        sys.exit(f"{args.name}: the two files hold different rows")
    probs = [c for c in a if c.startswith("prob")]
    same = sum(x == y for x, y in zip(a["predicted"], b["predicted"]))
    n = len(a["predicted"])
    diff = max((abs(x - y) for c in probs for x, y in zip(a[c], b[c])), default=0.0)
    line = f"{args.name}: same label on {same} of {n}, largest probability difference {diff:.2e}"
    if args.max_diff is None:
        print(line)
        return
    ok = same == n and diff <= args.max_diff
    print(f"{line} (tolerance {args.max_diff:g}): {'ok' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
