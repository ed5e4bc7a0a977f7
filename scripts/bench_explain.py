#!/usr/bin/env python3
"""PyTorch baselines for benches/explain.rs: the same review, model folder and thread count.

1. Leave-one-word-out the way LIT does it, in PyTorch + transformers: the fast tokenizer's
   `word_ids()` of the truncated input; for each word, the input without that word's tokens
   ([CLS]/[SEP] kept, nothing masked); the whole input alone, then the variants longest first in
   padded batches of 16 under torch.inference_mode. score(w) = p_c(input) - p_c(input without w),
   c = argmax p(input): reviewlens' definition. Timed from the text to the scores (tokenizing
   included), best of 3 after a warm-up. Its scores must agree with the ones the Rust bench wrote
   (within 1e-4 absolute; the maximum difference is printed) or the script fails.
2. captum's `Occlusion` over the input (word) embeddings, a one-token window, zero baseline,
   perturbations_per_eval=16, if captum is installed. Its definition differs: it masks a token
   (every position keeps its place and its position embedding) rather than removing a word, one
   token at a time, so its numbers are timed but not compared.

The review is picked as the Rust bench picks it (the lower median word count among the first 200
rows' `content`, words as the tokenizer's normalizer + pre-tokenizer split them, ties by row); the
script checks that it is the row the bench wrote. The ratios use the bench's (d) (until every word
is scored: the same sequences as 1.), read from its JSON.

    python3 scripts/bench_explain.py --model-dir DIR --rust-json FILE [--threads N]
        [--reviews assets/source/amazon_polarity_test_sample.jsonl]

Needs torch + transformers (see scripts/make_test_models.py); `pip install captum` for 2.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_explain_goldens import word_order  # noqa: E402  (one definition of a word's span)

BATCH = 16
ROWS = 200
RUNS = 3
TOLERANCE = 1e-4


def read_contents(path, n):
    texts = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= n:
                break
            try:
                texts.append(json.loads(line)["content"])
            except (ValueError, KeyError) as e:
                sys.exit(f"{path} line {i + 1}: no \"content\" ({e})")
    return texts


def word_count(tok, text):
    backend = tok.backend_tokenizer
    normalized = backend.normalizer.normalize_str(text) if backend.normalizer else text
    return len(backend.pre_tokenizer.pre_tokenize_str(normalized)) if backend.pre_tokenizer else 1


def median_row(tok, texts):
    counts = sorted((word_count(tok, t), row) for row, t in enumerate(texts))
    return counts[(len(counts) - 1) // 2][1]


def leave_one_word_out(torch, tok, model, text, max_length):
    """(probs of the whole input, c, words in order, scores, tokens, sequences run)."""
    enc = tok(text, truncation=True, max_length=max_length, return_offsets_mapping=True)
    ids, word_ids = enc["input_ids"], enc.word_ids()
    order, spans = word_order(enc)
    variants = [[i for i, w in zip(ids, word_ids) if w != word] for word in order]
    # Longest first, ties by position (a stable sort): the order reviewlens runs them in.
    ranked = sorted(range(len(order)), key=lambda k: -len(variants[k]))
    pad = tok.pad_token_id
    with torch.inference_mode():
        full = torch.softmax(model(input_ids=torch.tensor([ids])).logits[0].float(), -1)
        c = int(full.argmax())
        removed = [0.0] * len(order)
        for start in range(0, len(ranked), BATCH):
            chunk = ranked[start:start + BATCH]
            longest = max(len(variants[k]) for k in chunk)
            batch = torch.full((len(chunk), longest), pad, dtype=torch.long)
            mask = torch.zeros((len(chunk), longest), dtype=torch.long)
            for row, k in enumerate(chunk):
                batch[row, :len(variants[k])] = torch.tensor(variants[k])
                mask[row, :len(variants[k])] = 1
            p = torch.softmax(model(input_ids=batch, attention_mask=mask).logits.float(), -1)
            for row, k in enumerate(chunk):
                removed[k] = float(p[row, c])
    scores = [float(full[c]) - r for r in removed]
    words = [text[spans[w][0]:spans[w][1]] for w in order]
    return full.tolist(), c, words, scores, len(ids), 1 + len(order)


def captum_occlusion(torch, tok, model, text, max_length, c):
    """captum's Occlusion over the word embeddings, one token at a time; returns the token count."""
    from captum.attr import Occlusion

    ids = torch.tensor([tok(text, truncation=True, max_length=max_length)["input_ids"]])
    dim = model.get_input_embeddings().embedding_dim

    def forward(embeds):
        mask = torch.ones(embeds.shape[:2], dtype=torch.long)
        return torch.softmax(model(inputs_embeds=embeds, attention_mask=mask).logits, -1)

    with torch.inference_mode():
        embeds = model.get_input_embeddings()(ids)
        Occlusion(forward).attribute(embeds, sliding_window_shapes=(1, dim), strides=(1, dim),
                                     baselines=0.0, target=c, perturbations_per_eval=BATCH)
    return ids.shape[1]


def best_of(run):
    run()  # warm-up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times), times


def check_against_ours(ours, probs, c, words, scores):
    """Fails the script unless our words, prediction and scores agree with PyTorch's."""
    if ours["words"] != words:
        sys.exit(f"words differ:\n ours:    {ours['words']}\n PyTorch: {words}")
    if ours["predicted"] != c:
        sys.exit(f"predicted class differs: ours {ours['predicted']}, PyTorch {c}")
    if any(s is None for s in ours["scores"]):
        sys.exit("the Rust bench wrote a word without a score")
    prob_diff = max(abs(a - b) for a, b in zip(ours["probs"], probs))
    diff = max((abs(a - b) for a, b in zip(ours["scores"], scores)), default=0.0)
    verdict = "ok" if max(diff, prob_diff) <= TOLERANCE else "MISMATCH"
    print(f"scores vs ours: {len(words)} words, max |diff| = {diff:.2e}, whole-input probs "
          f"max |diff| = {prob_diff:.2e} (limit {TOLERANCE:g}): {verdict}; largest |score| "
          f"{max((abs(s) for s in scores), default=0.0):.2e}")
    if verdict != "ok":
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--rust-json", required=True, help="the file REVIEWLENS_BENCH_EXPLAIN_OUT named")
    ap.add_argument("--reviews", default="assets/source/amazon_polarity_test_sample.jsonl")
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (default: torch's)")
    args = ap.parse_args()

    import torch
    import transformers
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # "Loading weights" bars in the middle of the results
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        with open(args.rust_json, encoding="utf-8") as f:
            ours = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"cannot read the Rust bench's scores {args.rust_json} ({e}); run benches/explain.rs "
                 "with REVIEWLENS_BENCH_EXPLAIN_OUT set (scripts/bench_explain.sh does)")
    tok = AutoTokenizer.from_pretrained(args.model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(args.model_dir).eval()
    max_length = model.config.max_position_embeddings  # reviewlens' default length
    texts = read_contents(args.reviews, ROWS)
    row = median_row(tok, texts)
    if row != ours["row"]:
        sys.exit(f"the median review is row {row} here but row {ours['row']} in the Rust bench")
    text = texts[row]
    print(f"== PyTorch {torch.__version__}, transformers {transformers.__version__}, "
          f"{torch.get_num_threads()} threads")

    probs, c, words, scores, tokens, sequences = leave_one_word_out(torch, tok, model, text, max_length)
    print(f"review: row {row} (the Rust bench's), {word_count(tok, text)} words, {tokens} tokens")
    check_against_ours(ours, probs, c, words, scores)
    ours_loo = ours["seconds"]["all_scores"]
    loo, runs = best_of(lambda: leave_one_word_out(torch, tok, model, text, max_length))
    print(f"leave-one-word-out, LIT's way ({sequences} sequences: the whole input, then padded "
          f"batches of {BATCH} longest first): {loo:.3f} s (best of {RUNS}; runs: "
          f"{', '.join(f'{t:.3f}' for t in runs)})")
    print(f"  ours (d), the same sequences: {ours_loo:.3f} s; PyTorch / ours = {loo / ours_loo:.2f}")

    try:
        import captum
    except ImportError:
        print("captum is not installed (pip install captum): no Occlusion baseline")
        return
    occ, runs = best_of(lambda: captum_occlusion(torch, tok, model, text, max_length, c))
    print(f"captum {captum.__version__} Occlusion over the input embeddings (1-token window, zero "
          f"baseline: masking, not removal; {tokens} tokens + the input, batches of {BATCH}): "
          f"{occ:.3f} s (best of {RUNS}; runs: {', '.join(f'{t:.3f}' for t in runs)})")
    print(f"  captum / ours (d) = {occ / ours_loo:.2f}")


if __name__ == "__main__":
    main()
