#!/usr/bin/env python3
"""The Python side of scripts/bench_embed.sh: sentence-transformers' `encode` on the same reviews
and scikit-learn's `LogisticRegression().fit` on the same embeddings, same thread count.

    python3 scripts/bench_embed_baselines.py MODEL_DIR WORK_DIR --n 1000 --threads 2

Prints one JSON object: encode rate at the default batch size (32) and at each batch size tried
(best of 2 runs after a warm-up), and the best of 3 `fit` times on the 6,000 bundled train
embeddings, which it also writes to WORK_DIR/train.f32 and WORK_DIR/train.labels (little-endian
float32 rows of 384 and uint32 labels) so that our logistic regression is timed on exactly them.
"""
import argparse
import json
import os
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def contents(split):
    with open(os.path.join(ROOT, "assets", "source", f"amazon_polarity_{split}_sample.jsonl")) as f:
        rows = [json.loads(line) for line in f]
    return [r["content"] for r in rows], [r["label"] for r in rows]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("work_dir")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch-sizes", default="8,16,32,64")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    from sentence_transformers import SentenceTransformer
    from sklearn.linear_model import LogisticRegression

    model = SentenceTransformer(args.model_dir, device="cpu")
    texts = contents("test")[0][: args.n]
    model.encode(texts[:64])  # warm-up
    rates = {}
    for bs in [int(b) for b in args.batch_sizes.split(",")]:
        runs = []
        for _ in range(2):
            t0 = time.perf_counter()
            model.encode(texts, batch_size=bs)
            runs.append(time.perf_counter() - t0)
        rates[bs] = args.n / min(runs)
    train_texts, train_labels = contents("train")
    x = model.encode(train_texts, batch_size=32).astype("<f4")
    y = np.array(train_labels, dtype="<u4")
    x.tofile(os.path.join(args.work_dir, "train.f32"))
    y.tofile(os.path.join(args.work_dir, "train.labels"))
    fits = []
    for _ in range(3):
        t0 = time.perf_counter()
        clf = LogisticRegression().fit(x, y)
        fits.append(time.perf_counter() - t0)
    print(json.dumps({
        "encode_rate": {str(k): round(v, 2) for k, v in rates.items()},
        "default_batch_size": 32,
        "fit_seconds": round(min(fits), 4),
        "fit_iterations": int(clf.n_iter_[0]),
    }))


if __name__ == "__main__":
    main()
