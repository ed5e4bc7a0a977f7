#!/usr/bin/env python3
"""ONNX Runtime baselines shared by scripts/bench_pipeline.py (classifiers) and
scripts/bench_embed_baselines.py (sentence embeddings): export a Hugging Face model folder with
`torch.onnx.export`, quantize it with `onnxruntime.quantization.quantize_dynamic`, and run it the way
`reviewlens predict` runs: reviews sorted by their length in bytes (stable, shortest first, as
src/runtime/worker.rs sorts them), cut into batches of the given size, each padded to its own
longest review.

    ort-fp32   the exported graph, SessionOptions: ORT_ENABLE_ALL graph optimisations,
               intra_op_num_threads = the benchmark's thread count, inter_op_num_threads = 1,
               sequential execution, CPUExecutionProvider
    ort-int8   quantize_dynamic(fp32, weight_type=QuantType.QInt8, per_channel=...): int8 weights,
               activations quantized to uint8 per tensor at run time (MatMulInteger /
               DynamicQuantizeMatMul), the same session options

The ONNX files are made once per model folder and reused: OUT/model.onnx, OUT/model.int8.onnx
(OUT/model.int8-pc.onnx with per-channel weights), OUT/meta.json saying what they were made from
(the folder, its weights' size and modification time, the torch / onnx / onnxruntime versions and
the export settings); a mismatch makes them again. A library, not a command: it is imported by the
two benchmark scripts beside it, which put this folder on sys.path by being run from it.

Install: pip install onnx onnxruntime (1.23.2 / 1.32.0 were used), plus torch and transformers
(see scripts/make_test_models.py).
"""
import inspect
import json
import os
import time

import numpy as np

OPSET = 17


def _weights_stamp(model_dir):
    stamp = {}
    for name in ("model.safetensors", "pytorch_model.bin", "config.json"):
        path = os.path.join(model_dir, name)
        if os.path.exists(path):
            st = os.stat(path)
            stamp[name] = [st.st_size, int(st.st_mtime)]
    return stamp


def _meta(model_dir, kind, max_length):
    import onnx
    import onnxruntime
    import torch
    import transformers

    return {
        "model_dir": os.path.abspath(model_dir),
        "weights": _weights_stamp(model_dir),
        "kind": kind,
        "max_length": max_length,
        "opset": OPSET,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "onnx": onnx.__version__,
        "onnxruntime": onnxruntime.__version__,
    }


def parse_engines(text, known):
    """The engines TEXT names (comma-separated), each one of KNOWN; exits naming any other."""
    engines = [e.strip() for e in text.split(",") if e.strip()]
    for e in engines:
        if e not in known:
            raise SystemExit(f"unknown engine {e!r} (known: {', '.join(known)})")
    return engines


def add_arguments(ap, engines, default_engines, onnx_dir_default):
    """The options both benchmarks take for their engines: --engines, --onnx-dir and
    --int8-per-channel."""
    ap.add_argument("--engines", default=default_engines,
                    help=f"comma-separated, run in this order per batch size: {', '.join(engines)}")
    ap.add_argument("--onnx-dir",
                    help=f"where the ONNX files are made once and reused (default: {onnx_dir_default})")
    ap.add_argument("--int8-per-channel", action="store_true",
                    help="ort-int8 with per-channel weight scales (default: per tensor)")


def runners(args, onnx_dir, kind, engines, tokenizer, threads, max_length, log=print):
    """A Runner for each ort engine of ENGINES: ARGS.model_dir exported once to ONNX_DIR as KIND,
    int8 quantized from that export (per channel with ARGS.int8_per_channel)."""
    fp32 = export(args.model_dir, onnx_dir, kind, max_length, log=log)
    out = {}
    for e in engines:
        if e.startswith("ort-"):
            path = fp32 if e == "ort-fp32" else quantize(fp32, args.int8_per_channel, log=log)
            out[e] = Runner(path, tokenizer, threads, max_length)
    return out


def input_names(tokenizer):
    """The inputs the exported graph takes, in order: input_ids, attention_mask and, for BERT,
    token_type_ids (DistilBERT has none)."""
    return [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tokenizer.model_input_names]


def export(model_dir, out_dir, kind, max_length, log=print):
    """Export MODEL_DIR to OUT_DIR/model.onnx unless a matching one is there; returns its path.

    kind "classifier": AutoModelForSequenceClassification, output "logits" [batch, labels];
    kind "encoder": AutoModel, output "last_hidden_state" [batch, sequence, hidden].
    Batch and sequence axes are dynamic."""
    import torch
    from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer

    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "model.onnx")
    meta_path = os.path.join(out_dir, "meta.json")
    meta = _meta(model_dir, kind, max_length)
    if os.path.exists(path) and os.path.exists(meta_path):
        with open(meta_path, encoding="utf-8") as f:
            if json.load(f) == meta:
                return path
    # Stale or missing: make everything in this folder again.
    for name in os.listdir(out_dir):
        if name.endswith(".onnx") or name.endswith(".onnx.data") or name == "meta.json":
            os.remove(os.path.join(out_dir, name))

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    names = input_names(tokenizer)
    if kind == "classifier":
        model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
        outputs = ["logits"]
        dyn_out = {"logits": {0: "batch"}}
    elif kind == "encoder":
        model = AutoModel.from_pretrained(model_dir).eval()
        outputs = ["last_hidden_state"]
        dyn_out = {"last_hidden_state": {0: "batch", 1: "sequence"}}
    else:
        raise ValueError(kind)

    class Wrapped(torch.nn.Module):
        """Positional inputs in `names` order, one tensor out (no ModelOutput dict)."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *args):
            out = self.inner(**dict(zip(names, args)), return_dict=True)
            return out[outputs[0]]

    sample = tokenizer(["an example review to trace", "a second, longer example review to trace"],
                       padding=True, return_tensors="pt")
    args = tuple(sample[n] for n in names)
    dynamic_axes = {n: {0: "batch", 1: "sequence"} for n in names}
    dynamic_axes.update(dyn_out)
    # The TorchScript exporter, which takes dynamic_axes (torch >= 2.9 defaults to dynamo).
    extra = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    start = time.perf_counter()
    with torch.no_grad():
        torch.onnx.export(
            Wrapped(model), args, path, input_names=names, output_names=outputs,
            dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True, **extra,
        )
    with open(meta_path, "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1)
    log(f"exported {model_dir} to {path} in {time.perf_counter() - start:.1f}s")
    return path


def quantize(fp32_path, per_channel=False, log=print):
    """Dynamic int8 of FP32_PATH beside it (model.int8.onnx, per channel model.int8-pc.onnx), made
    once; it goes when export() remakes the fp32 file."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out = fp32_path[: -len(".onnx")] + (".int8-pc.onnx" if per_channel else ".int8.onnx")
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(fp32_path):
        return out
    start = time.perf_counter()
    quantize_dynamic(fp32_path, out, weight_type=QuantType.QInt8, per_channel=per_channel)
    log(f"quantized {fp32_path} to {out} in {time.perf_counter() - start:.1f}s")
    return out


def session(path, threads):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def sorted_batches(texts, batch_size):
    """Indices into TEXTS in reviewlens' order (UTF-8 length, stable), cut into batches."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i].encode("utf-8")))
    return [order[i: i + batch_size] for i in range(0, len(order), batch_size)]


class Runner:
    """One ONNX Runtime session with the tokenizer that feeds it."""

    def __init__(self, path, tokenizer, threads, max_length):
        self.path = path
        self.sess = session(path, threads)
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.names = [i.name for i in self.sess.get_inputs()]

    def encode(self, batch_texts):
        enc = self.tokenizer(batch_texts, padding=True, truncation=True, max_length=self.max_length,
                             return_tensors="np")
        return {n: enc[n].astype(np.int64) for n in self.names}, enc["attention_mask"]

    def run(self, batch_texts):
        feed, mask = self.encode(batch_texts)
        return self.sess.run(None, feed)[0], mask

    def classify(self, texts, batch_size):
        """Class probabilities [n, labels] in the input order (softmax in float32)."""
        out = None
        for idx in sorted_batches(texts, batch_size):
            logits, _ = self.run([texts[i] for i in idx])
            z = logits - logits.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            if out is None:
                out = np.empty((len(texts), p.shape[1]), dtype=np.float32)
            out[idx] = p
        return out

    def logits(self, texts, batch_size):
        out = None
        for idx in sorted_batches(texts, batch_size):
            logits, _ = self.run([texts[i] for i in idx])
            if out is None:
                out = np.empty((len(texts), logits.shape[1]), dtype=np.float32)
            out[idx] = logits
        return out

    def embed(self, texts, batch_size):
        """Mean over the real tokens, then L2-normalised: sentence-transformers' Pooling
        (pooling_mode_mean_tokens) + Normalize, as in all-MiniLM-L6-v2's modules.json."""
        out = None
        for idx in sorted_batches(texts, batch_size):
            hidden, mask = self.run([texts[i] for i in idx])
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            if out is None:
                out = np.empty((len(texts), pooled.shape[1]), dtype=np.float32)
            out[idx] = pooled
        return out
