#!/usr/bin/env python3
"""PyTorch baseline for the classification benchmark: transformers' text-classification pipeline.

Benchmark mode: classify the "content" of the first N lines of a JSONL file with
`transformers.pipeline("text-classification", model=DIR, tokenizer=DIR, device=..., truncation=True,
max_length=...)`, once per batch size after a warm-up, and print one JSON line per batch size:

    {"batch_size", "seconds", "texts_per_s", "threads", "n", "device", "dtype",
     "peak_gpu_mem_mb" (cuda only), "max_length", "model_dir", "torch", "transformers"}

    python3 scripts/bench_pipeline.py --model-dir /tmp/distilbert-full \\
        --texts assets/source/amazon_polarity_test_sample.jsonl --n 500 --threads 2 \\
        --batch-sizes 1,8,16,32,64 [--max-length 512] [--device cuda --dtype fp16]

`seconds` covers the whole pipeline call (tokenising, batching/padding, forward, softmax, Python
results) for all N texts; it excludes model loading and the warm-up.

Model mode (no Hub needed): write a full-size random DistilBertForSequenceClassification laid out
like distilbert-base-uncased-finetuned-sst-2-english (dim 768, 6 layers, 12 heads, hidden_dim 3072,
max_position_embeddings 512, NEGATIVE/POSITIVE, model.safetensors ~268 MB) with the given vocab.txt
and tokenizer_config.json {"model_max_length": 512, "do_lower_case": true}; its speed is that of the
real model, its predictions are noise:

    python3 scripts/bench_pipeline.py --make-full-size-distilbert /tmp/distilbert-full \\
        --vocab assets/vocab/bert-base-uncased-vocab.txt

Install: see scripts/make_test_models.py (torch 2.5.1, transformers 4.57.6 were used).
"""
import argparse
import inspect
import json
import os
import shutil
import sys
import time


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


def bench(args):
    import torch
    import transformers
    from transformers import pipeline
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

    texts = read_texts(args.texts, args.n)
    batch_sizes = [int(b) for b in args.batch_sizes.split(",") if b.strip()]
    tokenizer_kwargs = {"truncation": True}
    if args.max_length:
        tokenizer_kwargs["max_length"] = args.max_length
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
    max_length = args.max_length or pipe.tokenizer.model_max_length

    def sync():
        if args.device == "cuda":
            torch.cuda.synchronize()

    for bs in batch_sizes:
        warm = texts[: max(bs * 2, min(len(texts), 16))]
        pipe(warm, batch_size=bs)
        sync()
        if args.device == "cuda":
            torch.cuda.reset_peak_memory_stats()
        start = time.perf_counter()
        out = pipe(texts, batch_size=bs)
        sync()
        seconds = time.perf_counter() - start
        assert len(out) == len(texts)
        row = {
            "batch_size": bs,
            "seconds": round(seconds, 4),
            "texts_per_s": round(len(texts) / seconds, 2),
            "threads": threads,
            "n": len(texts),
            "device": args.device,
            "dtype": args.dtype,
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
    ap.add_argument("--dtype", choices=["fp32", "fp16"], default="fp32")
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
