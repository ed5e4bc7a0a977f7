#!/usr/bin/env python3
"""How far an int8 encoder's labels can follow float32's: a PyTorch simulation (fake quantization)
of int8 linear layers in a BERT classifier made by scripts/make_minilm_classifier.py, on the bundled
test rows.

    python3 scripts/simulate_int8.py MODEL_DIR [--n N] [--reference PROBS.jsonl] [--each-kind]
                                     [--only KIND,...] [--near W] [--threads 2] [--out REPORT.json]

The encoder's linear layers (per layer: attention.self.query, .key, .value, attention.output.dense,
intermediate.dense, output.dense; 36 in MiniLM-L6; not the pooler or the classifier) compute
dequant(u8 activations) x dequant(i8 weights)^T + bias in float32, with
  - weights: per output channel, symmetric: scale = max|w| / 127, q = round(w / scale) in -127..127;
  - activations: per row (one token's input vector), asymmetric: min <= 0 <= max enforced,
    scale = (max - min) / 255, zero point = round(-min / scale), q = clamp(round(x / scale) + zp, 0, 255)
(torch.round: ties to even; an all-zero row or channel gets scale 1). Everything else (embeddings,
softmax, LayerNorm, GELU, pooler, head) stays float32.

It reports, for float32 and int8 (the first --n bundled test rows, all 10,980 by default; content
text, truncated at --max-length 512, the length-sorted batches of make_minilm_classifier): the
accuracy, the label agreement, the largest and mean |p_int8 - p_f32| of the positive class, the
fraction of float32 probabilities within 0.45..0.55, and the rows whose label flips. --reference
reads float32's probabilities from a scripts/reference_probs.py file instead of computing them.
--only quantizes the named kinds only; --each-kind then also quantizes one kind at a time, to show
which layers cost the most. --near W runs only the rows whose float32 probability is within W of
0.5 and counts every other row as keeping float32's probability (so accuracy and agreement are over
all rows, |dp| over the rows run): exact for the labels as long as no row moves by W or more, which
a run over all rows (its max_abs_dp) shows; a tenth of the time or less at W = 0.25.

What it found on ~/.cache/reviewlens-bench/minilm-finetuned (make_minilm_classifier.py --fine-tune 1;
float32: 89.92% accurate, 1.8% of its probabilities in 0.45..0.55), all 10,980 test rows:
all 36 layers agree with float32 on 99.46% of the labels (59 flips, largest |dp| 0.144, mean
0.006; int8 accuracy 89.89%). One kind at a time (--near 0.25: the 1,097 rows within 0.25..0.75),
flips: query 11, key 8, value 7, attention output 6, intermediate (FFN up) 24, output (FFN down,
whose input is GELU's output) 41, largest |dp| 0.019 to 0.028 for the attention kinds and 0.085 and
0.096 for the FFN's; all but the FFN down projection 31 flips (99.72%), the four attention kinds
19 (99.83%). The head-only model (minilm-classifier, 74.2%): 96.2% on the first 500 rows.

The flips are not a property of the rows alone. Float32's probabilities do not depend on the batch
(padding) beyond 3e-6, but the simulation's move by up to about 0.04 with the padded length
(row 327: 0.475 alone, 0.509 padded to 201..512 tokens; float32 0.517 throughout): a float32
rounding difference that moves one activation across a quantization step changes the next layers'
inputs by a whole step, and the rounding errors downstream are drawn anew. So the same model
flips 59 rows with all rows run and 57 with the --near rows only, not quite the same ones, and an
int8 engine with another summation order will flip other rows near 0.5: compare the count, give or
take a few, not the set.
"""
import argparse
import copy
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_minilm_classifier import rows  # noqa: E402
from reference_probs import load, probabilities, read_jsonl, summary  # noqa: E402

KINDS = ["attention.self.query", "attention.self.key", "attention.self.value",
         "attention.output.dense", "intermediate.dense", "output.dense"]


def quantize_weight(w):
    """Per-output-channel symmetric int8, dequantized."""
    import torch

    scale = w.abs().amax(dim=1, keepdim=True) / 127
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    return torch.round(w / scale).clamp(-127, 127) * scale


def quantize_rows(x):
    """Per-row asymmetric uint8, dequantized."""
    import torch

    lo = x.amin(dim=-1, keepdim=True).clamp(max=0)
    hi = x.amax(dim=-1, keepdim=True).clamp(min=0)
    scale = (hi - lo) / 255
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    zero = torch.round(-lo / scale)
    return (torch.round(x / scale) + zero).clamp(0, 255).sub(zero).mul(scale)


def encoder_linears(model, kinds):
    """(name, module) of the encoder's linear layers of KINDS."""
    prefix = "bert.encoder.layer."
    for name, module in model.named_modules():
        if name.startswith(prefix) and name[len(prefix):].split(".", 1)[-1] in kinds:
            yield name, module


def quantized(model, kinds):
    """A copy of MODEL whose linear layers of KINDS run the simulated int8 path."""
    import torch

    q = copy.deepcopy(model)
    count = 0
    for _, module in encoder_linears(q, kinds):
        with torch.no_grad():
            module.weight.copy_(quantize_weight(module.weight))
        module.register_forward_pre_hook(lambda _m, args: (quantize_rows(args[0]),) + args[1:])
        count += 1
    return q, count


def compare(ref, probs, y, ran):
    """PROBS: float32's REF with the rows RAN replaced by the simulation's."""
    flips = np.nonzero(ref.argmax(1) != probs.argmax(1))[0]
    dp = np.abs(probs[ran, 1].astype(np.float64) - ref[ran, 1])
    return {"rows_run": len(ran), "accuracy": round(float((probs.argmax(1) == y).mean()), 4),
            "agreement": round(1 - len(flips) / len(y), 5), "flips": len(flips),
            "max_abs_dp": round(float(dp.max()), 5), "mean_abs_dp": round(float(dp.mean()), 6),
            "flipped_rows": [{"row": int(i), "p_f32": round(float(ref[i, 1]), 4),
                              "p_int8": round(float(probs[i, 1]), 4)} for i in flips[:200]]}


def simulate(model, tok, texts, y, ref, ran, kinds, args):
    q, count = quantized(model, kinds)
    t0 = time.perf_counter()
    probs = ref.copy()
    probs[ran] = probabilities(q, tok, [texts[i] for i in ran], args.max_length, args.batch_size)
    out = {"kinds": kinds, "layers": count, **compare(ref, probs, y, ran),
           "seconds": round(time.perf_counter() - t0, 1)}
    print(json.dumps({k: v for k, v in out.items() if k != "flipped_rows"}), flush=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--n", type=int, default=None, help="the first N test rows (default all)")
    ap.add_argument("--reference", help="float32 probabilities from scripts/reference_probs.py")
    ap.add_argument("--only", help="comma-separated kinds to quantize (default all six)")
    ap.add_argument("--each-kind", action="store_true", help="also quantize one kind at a time")
    ap.add_argument("--near", type=float, default=None, metavar="W",
                    help="run only the rows whose float32 probability is within W of 0.5; the others "
                         "count as keeping float32's")
    ap.add_argument("--max-length", type=int, default=512)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (default: torch's own)")
    ap.add_argument("--out", help="also write the report here (JSON)")
    args = ap.parse_args()
    kinds = args.only.split(",") if args.only else KINDS
    if set(kinds) - set(KINDS):
        sys.exit(f"error: unknown kinds {sorted(set(kinds) - set(KINDS))}; known: {KINDS}")

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    texts, y = rows("test", args.n)
    model, tok = load(args.model_dir)
    t0 = time.perf_counter()
    if args.reference:
        ref = read_jsonl(args.reference, len(texts))
        if len(ref) != len(texts):
            sys.exit(f"error: {args.reference} has {len(ref)} rows, not {len(texts)}")
    else:
        ref = probabilities(model, tok, texts, args.max_length, args.batch_size)
    report = {"model_dir": args.model_dir, "threads": torch.get_num_threads(),
              "reference": args.reference or "computed",
              "reference_seconds": round(time.perf_counter() - t0, 1), "f32": summary(ref, y)}
    print(json.dumps(report), flush=True)
    ran = np.arange(len(texts)) if args.near is None else np.nonzero(np.abs(ref[:, 1] - 0.5) < args.near)[0]
    if not len(ran):
        sys.exit(f"error: no row's probability is within {args.near} of 0.5")
    report["near"] = args.near
    report["int8"] = simulate(model, tok, texts, y, ref, ran, kinds, args)
    if args.each_kind:
        report["each_kind"] = [simulate(model, tok, texts, y, ref, ran, [k], args) for k in kinds]
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
