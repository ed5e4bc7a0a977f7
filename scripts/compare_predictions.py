#!/usr/bin/env python3
"""Two `reviewlens predict` outputs of the same rows (parquet, by pyarrow): how many predicted labels
agree and the largest difference of any class probability, as one line.

    compare_predictions.py A.parquet B.parquet NAME [--max-diff D]

With --max-diff, the exit code is 1 when a probability is off by more than D, or a label differs on
a row that was not a near-tie: if no probability moves by more than D, the gap between the top two
classes moves by at most 2D, so only rows whose gap in A is within 2D may change label.
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
    def gap(i):
        top = sorted((a[c][i] for c in probs), reverse=True)
        return top[0] - top[1] if len(top) > 1 else 1.0

    flipped = [i for i, (x, y) in enumerate(zip(a["predicted"], b["predicted"])) if x != y]
    far = [i for i in flipped if gap(i) > 2 * args.max_diff]
    ok = not far and diff <= args.max_diff
    ties = f" ({len(flipped)} near-ties)" if flipped and not far else ""
    print(f"{line}{ties} (tolerance {args.max_diff:g}): {'ok' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
