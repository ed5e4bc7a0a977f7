#!/usr/bin/env python3
"""Baselines for the classification benchmark: transformers' text-classification pipeline
(PyTorch) and ONNX Runtime (the same model exported to ONNX, fp32 and dynamic int8).

Benchmark mode: classify the "content" of the first N lines of a JSONL file with each engine in
--engines, once per batch size after a warm-up (batch size outer, engines inner, so the engines of one
batch size run close together in time), and print one JSON line per engine and batch size:

    {"engine", "batch_size", "seconds", "texts_per_s", "threads", "n", "device", "dtype",
     "peak_gpu_mem_mb" (cuda only), "max_length", "model_dir", "torch", "transformers",
     "onnxruntime" and "onnx_file" (ort engines)}

    python3 scripts/bench_pipeline.py --model-dir /tmp/distilbert-full \\
        --texts assets/source/amazon_polarity_test_sample.jsonl --n 500 --threads 2 \\
        --batch-sizes 1,8,16,32,64 [--max-length 512] [--device cuda --dtype fp16] \\
        [--engines pipeline,ort-fp32,ort-int8 --onnx-dir ~/.cache/reviewlens-bench/distilbert-full-onnx]

Engines:
  pipeline  `transformers.pipeline("text-classification", model=DIR, tokenizer=DIR, device=...,
            truncation=True, max_length=...)` called on the list of texts with batch_size=B: it
            batches them in the given order (not sorted), padding each batch to its longest.
  ort-fp32  ONNX Runtime on the model exported with torch.onnx.export (dynamic batch and sequence
            axes, opset 17), ORT_ENABLE_ALL graph optimisations, intra_op_num_threads = --threads,
            fed like `reviewlens predict` feeds its model: sorted by length, batches of B padded to
            their own longest (see scripts/ort_baseline.py).
  ort-int8  the same after onnxruntime.quantization.quantize_dynamic (QInt8 weights, per tensor;
            --int8-per-channel for per-channel weight scales).
The ONNX files are made once under --onnx-dir and reused. CPU only (--device cpu).

`seconds` covers the whole call (tokenising, batching/padding, forward, softmax, the results) for
all N texts; it excludes model loading, the ONNX export and quantization, and the warm-up.

With an ort engine, --check-logits K (default 8) first runs the first K texts through PyTorch
(AutoModelForSequenceClassification, the same sorted, padded batches of 4) and through each ort
engine, and prints {"check": "ort-fp32 vs torch", "max_abs_logit_diff", "within_1e-4", ...} (and
the same for ort-int8, with its label agreement; int8 is not expected within 1e-4).

Model mode (no Hub needed): write a full-size random DistilBertForSequenceClassification laid out
like distilbert-base-uncased-finetuned-sst-2-english (dim 768, 6 layers, 12 heads, hidden_dim 3072,
max_position_embeddings 512, NEGATIVE/POSITIVE, model.safetensors ~268 MB) with the given vocab.txt
and tokenizer_config.json {"model_max_length": 512, "do_lower_case": true}; its speed is that of the
real model, its predictions are noise:

    python3 scripts/bench_pipeline.py --make-full-size-distilbert /tmp/distilbert-full \\
        --vocab assets/vocab/bert-base-uncased-vocab.txt

Install: see scripts/make_test_models.py (torch 2.5.1, transformers 4.57.6 were used), and for the
ort engines `pip install onnx onnxruntime` (1.23.2, 1.32.0 were used).
"""
import argparse
import inspect
import json
import os
import shutil
import sys
import time

import ort_baseline

ENGINES = ("pipeline", "ort-fp32", "ort-int8")
DEFAULT_WORK = os.path.join(os.path.expanduser("~"), ".cache", "reviewlens-bench")


def read_texts(path, n):
    texts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if len(texts) >= n:
                break
            if line.strip():
                texts.append(json.loads(line)["content"])
    return texts


def make_full_size_distilbert(out_dir, vocab_txt, seed):
    import torch
    from transformers import DistilBertConfig, DistilBertForSequenceClassification

    with open(vocab_txt, encoding="utf-8") as f:
        vocab_size = sum(1 for _ in f)
    torch.manual_seed(seed)
    config = DistilBertConfig(
        vocab_size=vocab_size,
        dim=768,
        n_layers=6,
        n_heads=12,
        hidden_dim=3072,
        max_position_embeddings=512,
        activation="gelu",
        id2label={0: "NEGATIVE", 1: "POSITIVE"},
        label2id={"NEGATIVE": 0, "POSITIVE": 1},
        finetuning_task="sst-2",
        pad_token_id=0,
    )
    model = DistilBertForSequenceClassification(config).eval()
    os.makedirs(out_dir, exist_ok=True)
    model.save_pretrained(out_dir, safe_serialization=True)
    shutil.copyfile(vocab_txt, os.path.join(out_dir, "vocab.txt"))
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps({"model_max_length": 512, "do_lower_case": True}))
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"wrote": out_dir, "vocab_size": vocab_size, "parameters": params,
                      "files": sorted(os.listdir(out_dir))}))


def check_logits(model_dir, texts, max_length, runners, log):
    """ONNX Runtime's logits against PyTorch's on the same padded, length-sorted batches of 4."""
    import numpy as np
    import torch
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    ref = None
    runner0 = next(iter(runners.values()))
    with torch.no_grad():
        for idx in ort_baseline.sorted_batches(texts, 4):
            feed, _ = runner0.encode([texts[i] for i in idx])
            logits = model(**{k: torch.from_numpy(v) for k, v in feed.items()}).logits.numpy()
            if ref is None:
                ref = np.empty((len(texts), logits.shape[1]), dtype=np.float32)
            ref[idx] = logits
    for engine, runner in runners.items():
        got = runner.logits(texts, 4)
        diff = float(np.abs(got - ref).max())
        row = {"check": f"{engine} vs torch", "n": len(texts), "max_length": max_length,
               "max_abs_logit_diff": float(f"{diff:.3g}"), "within_1e-4": diff <= 1e-4,
               "label_agreement": float((got.argmax(1) == ref.argmax(1)).mean())}
        print(json.dumps(row), flush=True)
        if engine == "ort-fp32" and diff > 1e-4:
            log(f"warning: ONNX Runtime fp32 logits differ from PyTorch's by {diff:.3g} (> 1e-4)")


def bench(args):
    import torch
    import transformers
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # "use a dataset" / sequential-GPU hints on every call
    if args.threads:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("--device cuda but torch sees no CUDA device")
    dtype = {"fp32": torch.float32, "fp16": torch.float16}[args.dtype]
    if dtype == torch.float16 and args.device == "cpu":
        print("warning: fp16 on CPU is slow and not what the GPU run measures", file=sys.stderr)
    engines = ort_baseline.parse_engines(args.engines, ENGINES)
    ort_engines = [e for e in engines if e.startswith("ort-")]
    if ort_engines and args.device != "cpu":
        sys.exit("the ort engines run on the CPU only: leave them out with --device cuda")

    texts = read_texts(args.texts, args.n)
    batch_sizes = [int(b) for b in args.batch_sizes.split(",") if b.strip()]
    tokenizer_kwargs = {"truncation": True}
    if args.max_length:
        tokenizer_kwargs["max_length"] = args.max_length
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731

    pipe = None
    if "pipeline" in engines:
        from transformers import pipeline

        # transformers >= 4.56 calls it `dtype`, older ones `torch_dtype`.
        dtype_kw = "dtype" if "dtype" in inspect.signature(pipeline).parameters else "torch_dtype"
        pipe = pipeline(
            "text-classification",
            model=args.model_dir,
            tokenizer=args.model_dir,
            device=args.device,
            **{dtype_kw: dtype},
            **tokenizer_kwargs,
        )

    runners = {}
    ort_version = None
    if ort_engines:
        import onnxruntime
        from transformers import AutoTokenizer

        ort_version = onnxruntime.__version__
        tokenizer = AutoTokenizer.from_pretrained(args.model_dir)
        max_length = args.max_length or tokenizer.model_max_length
        onnx_dir = args.onnx_dir or os.path.join(
            DEFAULT_WORK, os.path.basename(os.path.normpath(args.model_dir)) + "-onnx")
        runners = ort_baseline.runners(args, onnx_dir, "classifier", ort_engines, tokenizer,
                                       threads, max_length, log=log)
        if args.check_logits:
            check_logits(args.model_dir, texts[: args.check_logits], max_length, runners, log)
    max_length = args.max_length or (pipe.tokenizer.model_max_length if pipe else max_length)

    def sync():
        if args.device == "cuda":
            torch.cuda.synchronize()

    for bs in batch_sizes:
        warm = texts[: max(bs * 2, min(len(texts), 16))]
        for engine in engines:
            if engine == "pipeline":
                pipe(warm, batch_size=bs)
                sync()
                if args.device == "cuda":
                    torch.cuda.reset_peak_memory_stats()
                start = time.perf_counter()
                out = pipe(texts, batch_size=bs)
                sync()
                seconds = time.perf_counter() - start
            else:
                runner = runners[engine]
                runner.classify(warm, bs)
                start = time.perf_counter()
                out = runner.classify(texts, bs)
                seconds = time.perf_counter() - start
            assert len(out) == len(texts)
            row = {
                "engine": engine,
                "batch_size": bs,
                "seconds": round(seconds, 4),
                "texts_per_s": round(len(texts) / seconds, 2),
                "threads": threads,
                "n": len(texts),
                "device": args.device,
                "dtype": args.dtype if engine == "pipeline" else engine[len("ort-"):],
            }
            if args.device == "cuda":
                row["peak_gpu_mem_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
                row["gpu"] = torch.cuda.get_device_name()
            row.update({
                "max_length": max_length,
                "model_dir": args.model_dir,
                "torch": torch.__version__,
                "transformers": transformers.__version__,
            })
            if engine != "pipeline":
                row["onnxruntime"] = ort_version
                row["onnx_file"] = runners[engine].path
            print(json.dumps(row), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model-dir")
    ap.add_argument("--texts", help="JSONL with a \"content\" field per line")
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (default: torch's own)")
    ap.add_argument("--batch-sizes", default="1,8,16,32,64")
    ap.add_argument("--max-length", type=int, default=None,
                    help="truncation length, special tokens included (default: the tokenizer's model_max_length)")
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--dtype", choices=["fp32", "fp16"], default="fp32", help="the pipeline's dtype")
    ort_baseline.add_arguments(ap, ENGINES, "pipeline",
                               "~/.cache/reviewlens-bench/<model folder name>-onnx")
    ap.add_argument("--check-logits", type=int, default=8, metavar="K",
                    help="with an ort engine: compare its logits with PyTorch's on the first K texts (0: no)")
    ap.add_argument("--make-full-size-distilbert", metavar="OUT_DIR",
                    help="write a full-size random DistilBERT SST-2 look-alike to OUT_DIR and exit")
    ap.add_argument("--vocab", metavar="VOCAB_TXT", help="vocab.txt for --make-full-size-distilbert")
    ap.add_argument("--seed", type=int, default=0, help="torch seed for --make-full-size-distilbert")
    args = ap.parse_args()
    if args.make_full_size_distilbert:
        if not args.vocab:
            ap.error("--make-full-size-distilbert needs --vocab VOCAB_TXT")
        make_full_size_distilbert(args.make_full_size_distilbert, args.vocab, args.seed)
        return
    if not args.model_dir or not args.texts:
        ap.error("--model-dir and --texts are required (or --make-full-size-distilbert)")
    bench(args)


if __name__ == "__main__":
    main()
