#!/usr/bin/env python3
"""Two `reviewlens predict` JSONL outputs of the same rows, f32 and int8 (scripts/int8_agreement.sh
makes them): label agreement, the largest probability difference, how many f32 probabilities sit
near the boundary (where a small difference flips a label) and each one's accuracy. With
--reference (PyTorch's probabilities from scripts/reference_probs.py, one {"row", "probs"} line per
row in the same order), also f32 against PyTorch, and int8 against PyTorch.

    python3 scripts/int8_agreement.py F32.jsonl INT8.jsonl [--reference TORCH.jsonl]

Standard library only.
"""
import argparse
import json
import sys


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def compare(name, a, b, labels):
    """a, b: P(positive) per row; labels: the dataset's labels."""
    n = len(a)
    agree = sum((x > 0.5) == (y > 0.5) for x, y in zip(a, b))
    worst = max(abs(x - y) for x, y in zip(a, b))
    mean = sum(abs(x - y) for x, y in zip(a, b)) / n
    near = sum(abs(x - 0.5) < 0.05 for x in a)
    acc = lambda p: sum((x > 0.5) == (y == 1) for x, y in zip(p, labels)) / n
    print(json.dumps({
        "compare": name, "rows": n, "labels_agree": agree,
        "agreement": round(agree / n, 5), "max_abs_prob_diff": round(worst, 6),
        "mean_abs_prob_diff": round(mean, 6),
        "first_within_0.45_0.55": near,
        "accuracy_first": round(acc(a), 5), "accuracy_second": round(acc(b), 5),
    }))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("f32")
    ap.add_argument("int8")
    ap.add_argument("--reference")
    args = ap.parse_args()
    f32, int8 = read(args.f32), read(args.int8)
    if [r["row_index"] for r in f32] != [r["row_index"] for r in int8]:
        sys.exit("the two outputs hold different rows")
    labels = [int(r["label"]) for r in f32]  # class names; the bundled rows are named 0 and 1
    p32 = [r["prob_1"] for r in f32]
    p8 = [r["prob_1"] for r in int8]
    compare("int8 vs f32 (ours)", p32, p8, labels)
    if args.reference:
        torch = read(args.reference)[: len(f32)]
        if [r["row_index"] for r in f32] != list(range(len(f32))):
            sys.exit(f"{args.f32}: rows are not the file's first {len(f32)} in order")
        if len(torch) != len(f32) or any(t["row"] != i for i, t in enumerate(torch)):
            sys.exit(f"{args.reference}: not the first {len(f32)} test rows in order")
        pt = [t["probs"][1] for t in torch]
        compare("ours f32 vs PyTorch f32", pt, p32, labels)
        compare("ours int8 vs PyTorch f32", pt, p8, labels)


if __name__ == "__main__":
    main()
