#!/usr/bin/env python3
"""The Python side of scripts/bench_embed.sh: sentence-transformers' `encode` and ONNX Runtime (the
same model exported to ONNX, fp32 and dynamic int8) on the same reviews, and scikit-learn's
`LogisticRegression().fit` on the same embeddings, same thread count.

    python3 scripts/bench_embed_baselines.py MODEL_DIR WORK_DIR --n 1000 --threads 2 \\
        [--engines st,ort-fp32,ort-int8] [--batch-sizes 8,16,32,64] [--no-fit]

Prints one JSON object: encode rate at the default batch size (32) and at each batch size tried
(best of 2 runs after a warm-up), the same for each ort engine ("ort_fp32_rate", "ort_int8_rate"),
and the best of 3 `fit` times on the 6,000 bundled train embeddings, which it also writes to
WORK_DIR/train.f32 and WORK_DIR/train.labels (little-endian float32 rows of 384 and uint32 labels)
so that our logistic regression is timed on exactly them (--no-fit: none of this, for a quick run).

Engines (batch size outer, engines inner, so the engines of one batch size run close in time):
  st        SentenceTransformer(MODEL_DIR).encode(texts, batch_size=B): it sorts by length itself
  ort-fp32  ONNX Runtime on the encoder exported with torch.onnx.export (dynamic batch/sequence
            axes, last_hidden_state out), ORT_ENABLE_ALL, intra_op_num_threads = --threads, fed
            reviewlens' length-sorted batches padded to their own longest, truncated at the model's
            max_seq_length (256 for all-MiniLM-L6-v2), then mean pooling over the real tokens and
            L2 normalisation in NumPy, as the model's modules.json says (see scripts/ort_baseline.py)
  ort-int8  the same after quantize_dynamic (QInt8 weights; --int8-per-channel for per channel)
The ONNX files are made once under --onnx-dir (default WORK_DIR/onnx) and reused. With an ort
engine, "ort_check" holds the largest absolute difference and the smallest cosine between its
embeddings and sentence-transformers' for the first --check texts (default 8).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

import ort_baseline

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENGINES = ("st", "ort-fp32", "ort-int8")


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
    ort_baseline.add_arguments(ap, ENGINES, "st", "WORK_DIR/onnx")
    ap.add_argument("--check", type=int, default=8, metavar="K",
                    help="with an ort engine: compare its embeddings with sentence-transformers' on K texts")
    ap.add_argument("--no-fit", action="store_true",
                    help="skip the train embeddings and the LogisticRegression fit")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    from sentence_transformers import SentenceTransformer
    from sklearn.linear_model import LogisticRegression

    engines = ort_baseline.parse_engines(args.engines, ENGINES)
    model = SentenceTransformer(args.model_dir, device="cpu")
    texts = contents("test")[0][: args.n]
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    result = {}

    runners = {}
    if any(e.startswith("ort-") for e in engines):
        import onnxruntime

        log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
        max_length = model.max_seq_length
        onnx_dir = args.onnx_dir or os.path.join(args.work_dir, "onnx")
        runners = ort_baseline.runners(args, onnx_dir, "encoder", engines, model.tokenizer,
                                       args.threads, max_length, log=log)
        if args.check:
            sample = texts[: args.check]
            ref = model.encode(sample, batch_size=4)
            result["ort_check"] = {}
            for e, runner in runners.items():
                got = runner.embed(sample, 4)
                result["ort_check"][e] = {
                    "n": len(sample),
                    "max_abs_diff": float(f"{float(np.abs(got - ref).max()):.3g}"),
                    "min_cosine": round(float((got * ref).sum(axis=1).min()), 6),
                }
        result["max_length"] = max_length
        result["onnxruntime"] = onnxruntime.__version__

    model.encode(texts[:64])  # warm-up
    for runner in runners.values():
        runner.embed(texts[:64], 32)
    rates = {e: {} for e in engines}
    for bs in batch_sizes:
        for e in engines:
            if e == "st":
                fn = lambda: model.encode(texts, batch_size=bs)  # noqa: E731
            else:
                fn = lambda: runners[e].embed(texts, bs)  # noqa: E731
            rates[e][bs] = len(texts) / best_of(fn, 2)
    if "st" in engines:
        result["encode_rate"] = {str(k): round(v, 2) for k, v in rates["st"].items()}
        result["default_batch_size"] = 32
    for e in engines:
        if e != "st":
            result[e.replace("-", "_") + "_rate"] = {str(k): round(v, 2) for k, v in rates[e].items()}
    result["threads"] = args.threads
    result["n"] = len(texts)
    if not args.no_fit:
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
        result["fit_seconds"] = round(min(fits), 4)
        result["fit_iterations"] = int(clf.n_iter_[0])
    print(json.dumps(result))


def best_of(fn, repeats):
    """The shortest of REPEATS wall times of FN()."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


if __name__ == "__main__":
    main()
