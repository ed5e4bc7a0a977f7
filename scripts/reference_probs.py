#!/usr/bin/env python3
"""PyTorch's float32 softmax probabilities of a BERT classifier made by
scripts/make_minilm_classifier.py, on the bundled test rows, as the reference that another engine's
probabilities (reviewlens' own encoder, an int8 path) are compared with.

    python3 scripts/reference_probs.py MODEL_DIR OUT.jsonl [--n N] [--threads 2] [--batch-size 32]

OUT.jsonl has one line per test review of assets/source/amazon_polarity_test_sample.jsonl, in file
order: {"row": i, "probs": [p0, p1]}, i counted from 0 over the non-empty lines, p = torch.softmax
of the float32 logits (each written as the float32 value, exactly). The text is the row's
`content`, truncated at --max-length tokens (512 by default), in the length-sorted padded batches of
make_minilm_classifier.sorted_batches (padding does not change a row's logits beyond float32
rounding); --n: the first N rows only (default all 10,980). Prints the accuracy and the fraction of
probabilities within 0.45..0.55.

Deterministic for one library version and thread count. Install: see make_minilm_classifier.py.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_minilm_classifier import rows, run  # noqa: E402


def load(model_dir):
    from transformers import AutoTokenizer, BertForSequenceClassification
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    model = BertForSequenceClassification.from_pretrained(model_dir).eval()
    return model, AutoTokenizer.from_pretrained(model_dir)


def probabilities(model, tok, texts, max_length, batch_size):
    """float32 softmax probabilities [len(TEXTS), labels], in TEXTS' order."""
    import torch

    _, logits = run(model, tok, texts, max_length, batch_size, "logits")
    return torch.softmax(torch.from_numpy(logits), dim=-1).numpy()


def write_jsonl(path, probs):
    with open(path, "w", encoding="utf-8") as f:
        for i, p in enumerate(probs):
            f.write(json.dumps({"row": i, "probs": [float(v) for v in p]}) + "\n")


def read_jsonl(path, n=None):
    """The probabilities a write_jsonl file holds, rows 0.. in order (the first N)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["row"] != len(out):
                sys.exit(f"error: {path}: row {r['row']} where {len(out)} was expected")
            out.append(r["probs"])
            if n is not None and len(out) >= n:
                break
    return np.array(out, dtype=np.float32)


def summary(probs, y):
    return {"rows": len(y), "accuracy": round(float((probs.argmax(1) == y).mean()), 4),
            "probs_within_0.45_0.55": round(float(((probs[:, 1] > 0.45) & (probs[:, 1] < 0.55)).mean()), 4)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=None, help="the first N test rows (default all)")
    ap.add_argument("--max-length", type=int, default=512)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (default: torch's own)")
    args = ap.parse_args()

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    texts, y = rows("test", args.n)
    model, tok = load(args.model_dir)
    t0 = time.perf_counter()
    probs = probabilities(model, tok, texts, args.max_length, args.batch_size)
    write_jsonl(args.out, probs)
    print(json.dumps({"wrote": args.out, **summary(probs, y), "seconds": round(time.perf_counter() - t0, 1),
                      "threads": torch.get_num_threads(), "batch_size": args.batch_size,
                      "max_length": args.max_length}))


if __name__ == "__main__":
    main()
