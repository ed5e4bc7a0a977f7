#!/usr/bin/env python3
"""Write the tiny model fixtures and their PyTorch goldens under tests/fixtures/models/.

    tests/fixtures/models/
      distilbert-tiny/   config.json, model.safetensors, vocab.txt, tokenizer_config.json
                         (no tokenizer.json: laid out like the root of the real
                         distilbert-base-uncased-finetuned-sst-2-english repo, whose tokenizer is
                         rebuilt from vocab.txt + a 48-byte tokenizer_config.json)
      bert-tiny/         config.json, model.safetensors, vocab.txt, tokenizer.json,
                         tokenizer_config.json, special_tokens_map.json
      goldens.json       per text and model: input_ids, token_type_ids (BERT), attention_mask,
                         tokens, truncated, logits one text at a time; logits of the whole list
                         run as one padded batch

Both models are random (no download, no Hub), tiny (dim 32, 2 layers, 2 heads, ~160 KB each) and
share one 612-entry uncased BERT-style WordPiece vocabulary written by this script: [PAD] [UNK]
[CLS] [SEP] [MASK] (ids 0-4, deliberately not bert-base-uncased's 0/100/101/102/103, so a reader
that hard-codes those ids fails), the single characters a-z 0-9, ASCII punctuation, the few
non-ASCII letters that survive uncased normalisation (ß æ ø ...) and some Unicode punctuation,
"##" + each of those, then a few hundred common English words and "##" suffixes. Every entry is
also in the real bert-base-uncased vocab (checked when assets/vocab/bert-base-uncased-vocab.txt
exists; the script does not need it). Precomposed accented letters (é, ñ, ü ...) are left out, as
in the real uncased vocab: the uncased normaliser strips accents before WordPiece sees them.
Emoji, CJK ideographs etc. are not in the vocab, so they come out as [UNK].

Weights are drawn by this script, not by transformers' initialisers, so they do not change with
the transformers version: each parameter from its own torch.Generator seeded with
SEED + crc32(name); linear and embedding weights N(0, 1/fan_in), biases N(0, 0.1^2), LayerNorm
gamma 1 + N(0, 0.1^2). That is larger than the usual 0.02 init, so the logits differ visibly from
text to text (and between padded and unpadded runs, if masking were wrong). Deterministic: running
the script twice gives byte-identical files (on the same library versions).

Install (CPU is all this needs; versions used for the committed fixtures are in goldens.json):

    # PyPI's Linux torch wheel links against the CUDA libraries even on CPU, so `--no-deps` alone
    # fails at import (libcudart.so.12 not found): install its nvidia-* wheels too (~1.9 GB).
    pip install torch==2.5.1 --no-deps
    pip install filelock typing-extensions networkx jinja2 fsspec sympy \
        nvidia-cuda-nvrtc-cu12==12.4.127 nvidia-cuda-runtime-cu12==12.4.127 \
        nvidia-cuda-cupti-cu12==12.4.127 nvidia-cudnn-cu12==9.1.0.70 nvidia-cublas-cu12==12.4.5.8 \
        nvidia-cufft-cu12==11.2.1.3 nvidia-curand-cu12==10.3.5.147 nvidia-cusolver-cu12==11.6.1.9 \
        nvidia-cusparse-cu12==12.3.1.170 nvidia-nccl-cu12==2.21.5 nvidia-nvtx-cu12==12.4.127 \
        nvidia-nvjitlink-cu12==12.4.127
    # (or simply `pip install torch==2.5.1`, which also pulls triton and pins sympy==1.13.1)
    pip install "transformers==4.57.6" safetensors   # transformers 5.x needs torch >= 2.6

    python3 scripts/make_test_models.py
"""
import json
import os
import shutil
import string
import sys
import zlib

import torch
import transformers
from transformers import (
    AutoTokenizer,
    BertConfig,
    BertForSequenceClassification,
    BertTokenizerFast,
    DistilBertConfig,
    DistilBertForSequenceClassification,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "models")
REAL_VOCAB = os.path.join(ROOT, "assets", "vocab", "bert-base-uncased-vocab.txt")

SEED = 20240611
MAX_LENGTH = 40  # truncation length for the goldens, special tokens included (as transformers counts)
MAX_POSITIONS = 64  # the tiny models' max_position_embeddings, and their tokenizers' model_max_length
LABELS = {0: "NEGATIVE", 1: "POSITIVE"}

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
CHARS = (
    list(string.ascii_lowercase)
    + list(string.digits)
    + list(string.punctuation)
    + list("ßæøðþłđœ")  # letters with no NFD decomposition: they survive accent stripping
    + list("—–‘’“”…€£¥°§©®")
)
WORDS = """
the a an and or but not no nor so if then than that this these those there here it its
i me my mine we our us you your he him his she her they them their who what which when where
why how all any some each every both few more most other such only own same too very just
is was are were be been being am have has had having do does did doing done will would
shall should can could may might must
to of in on at by for with about against between into through during before after above below
from up down out off over under again further once
one two three four five six seven eight nine ten first second last next year years day days
time times month months week hour minutes
good great best better bad worse worst nice fine love loved like liked hate hated
excellent awesome amazing terrible horrible awful poor perfect wonderful fantastic beautiful
boring funny happy sad disappointed disappointing waste money price cheap expensive worth
quality product products item buy bought purchase order ordered return returned
recommend recommended book books read reading story author character characters movie movies
film films dvd cd album music song songs band sound voice video game games play played
work works worked working use used using easy hard well really still even also much many
get got make made go went come came see saw look looks looked think thought know knew
want wanted need needed try tried say said find found give gave take took keep kept
new old big small long short little large high low full free real right wrong true
never ever always again back away around because while since until though although
something nothing everything anything someone anyone everyone people person man woman
kid kids child children baby family friend friends home house life world way thing things
part end fact case point problem problems question reason review reviews star stars
battery batteries phone computer camera player size fit color light water gift christmas
don doesn didn isn wasn won ve ll re
##s ##es ##ed ##d ##ing ##ly ##er ##ers ##est ##ness ##ful ##less ##able ##ible ##tion ##tions
##ment ##ments ##al ##y ##ies ##ic ##ity ##ive ##ous ##ize ##ized ##ish ##en ##an ##ian
##ist ##ism ##age ##ance ##ence ##ant ##ent ##ure ##ory ##ary ##le ##el ##et ##in ##on ##ion
##or ##ar ##at ##it ##ia ##na ##ne ##ra ##re ##ro ##ri ##ta ##te ##ti ##to ##th ##ch ##sh
##ll ##ss ##st ##nt ##nd ##ng ##ck ##ke ##ve ##se ##ce
""".split()

LONG_REVIEW = (
    "My lovely Pat has one of the GREAT voices of her generation. I have listened to this CD for "
    "YEARS and I still LOVE IT. When I'm in a good mood it makes me feel better. A bad mood just "
    "evaporates like sugar in the rain. This CD just oozes LIFE. Vocals are jusat STUUNNING and "
    "lyrics just kill. One of life's hidden gems. This is a desert isle CD in my book. Why she never "
    "made it big is just beyond me. Everytime I play this, no matter black, white, young, old, male, "
    "female EVERYBODY says one thing \"Who was that singing ?\""
)  # the first review of assets/source/amazon_polarity_test_sample.jsonl

# name, text (and for the content-only case the title/content it stands for)
TEXTS = [
    {"name": "short", "text": "Great CD!"},
    {
        "name": "truncated",
        "text": "This is not a good book. The story is boring, the characters are flat and the author "
        "never gets to the point. I read it for two weeks and I still do not know why people "
        "like it so much. Save your money and buy something else.",
    },
    {"name": "accents", "text": "Café crème brûlée — naïve résumé"},
    {"name": "emoji", "text": "I love it 😍🔥"},
    {"name": "cjk", "text": "这本书很好。Great book! 日本語のレビュー"},
    {"name": "shouting", "text": "WORST. PURCHASE. EVER!!!"},
    {"name": "whitespace", "text": "  Great\tproduct,\n\n  would   buy again \r\n "},
    {"name": "empty", "text": ""},
    {
        "name": "empty_title",
        "title": "",
        "content": "Works fine, but the battery died after a few months.",
        "text": "Works fine, but the battery died after a few months.",
    },
    {"name": "digits_apostrophes", "text": "Don't buy 2 of these... it's 100% junk; I've returned 3."},
    {"name": "invisible_chars", "text": "Good\u200bvalue\u00a0for money\u0007 ß Øre æ"},
    {"name": "long_word", "text": "So" + "o" * 110 + " good, ß"},
    {"name": "long_review", "text": LONG_REVIEW},
]


def build_vocab():
    vocab = []
    for token in SPECIALS + CHARS + ["##" + c for c in CHARS] + WORDS:
        if token not in vocab:
            vocab.append(token)
    if os.path.exists(REAL_VOCAB):
        with open(REAL_VOCAB, encoding="utf-8") as f:
            real = set(f.read().split("\n"))
        missing = [t for t in vocab if t not in real]
        if missing:
            sys.exit(f"not in bert-base-uncased's vocab: {missing}")
    return vocab


def write_vocab(path, vocab):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(t + "\n" for t in vocab))


def randomize(model):
    """Fill every parameter from its own seeded generator (see the module docstring)."""
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            g = torch.Generator().manual_seed(SEED + zlib.crc32(name.encode()))
            noise = torch.randn(p.shape, generator=g, dtype=torch.float32)
            leaf = name.rsplit(".", 1)[0].lower()
            if "norm" in leaf and name.endswith(".weight"):
                p.copy_(1.0 + 0.1 * noise)
            elif name.endswith(".bias"):
                p.copy_(0.1 * noise)
            elif p.dim() == 2 and "embeddings" in name:
                p.copy_(noise / p.shape[1] ** 0.5 * 4.0)  # LayerNorm follows: scale hardly matters
            elif p.dim() == 2:
                p.copy_(noise / p.shape[1] ** 0.5)  # Linear: (out, in), N(0, 1/in)
            else:
                raise SystemExit(f"no rule for parameter {name} {tuple(p.shape)}")
    model.eval()
    return model


def make_distilbert(path, vocab):
    config = DistilBertConfig(
        vocab_size=len(vocab),
        dim=32,
        n_layers=2,
        n_heads=2,
        hidden_dim=64,
        max_position_embeddings=MAX_POSITIONS,
        id2label=dict(LABELS),
        label2id={v: k for k, v in LABELS.items()},
        pad_token_id=0,
    )
    model = randomize(DistilBertForSequenceClassification(config))
    model.save_pretrained(path, safe_serialization=True)
    write_vocab(os.path.join(path, "vocab.txt"), vocab)
    # Same keys as the real SST-2 repo's 48-byte file ({"model_max_length": 512, "do_lower_case": true}).
    with open(os.path.join(path, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps({"model_max_length": MAX_POSITIONS, "do_lower_case": True}))


def make_bert(path, vocab):
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_POSITIONS,
        type_vocab_size=2,
        id2label=dict(LABELS),
        label2id={v: k for k, v in LABELS.items()},
        pad_token_id=0,
    )
    model = randomize(BertForSequenceClassification(config))
    model.save_pretrained(path, safe_serialization=True)
    vocab_txt = os.path.join(path, "vocab.txt")
    write_vocab(vocab_txt, vocab)
    tok = BertTokenizerFast(vocab_file=vocab_txt, do_lower_case=True, model_max_length=MAX_POSITIONS)
    tok.save_pretrained(path)


def f32_list(t):
    return [float(x) for x in t.to(torch.float32).reshape(-1).tolist()]


def goldens_for(path, model_cls, has_types):
    tok = AutoTokenizer.from_pretrained(path)
    model = model_cls.from_pretrained(path).eval()
    per_text = []
    with torch.no_grad():
        for case in TEXTS:
            full = tok(case["text"], truncation=False, verbose=False)["input_ids"]
            enc = tok(case["text"], truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
            logits = model(**enc).logits[0]
            entry = {
                "name": case["name"],
                "input_ids": enc["input_ids"][0].tolist(),
                "tokens": tok.convert_ids_to_tokens(enc["input_ids"][0].tolist()),
                "attention_mask": enc["attention_mask"][0].tolist(),
                "untruncated_length": len(full),
                "truncated": len(full) > MAX_LENGTH,
                "logits": f32_list(logits),
                "label": model.config.id2label[int(logits.argmax())],
            }
            if has_types:
                entry["token_type_ids"] = enc["token_type_ids"][0].tolist()
            per_text.append(entry)
        batch = tok(
            [c["text"] for c in TEXTS], truncation=True, max_length=MAX_LENGTH, padding=True, return_tensors="pt"
        )
        batch_logits = model(**batch).logits
    diff = max(
        abs(a - b) for row, e in zip(batch_logits, per_text) for a, b in zip(f32_list(row), e["logits"])
    )
    return {
        "tokenizer_class": type(tok).__name__,
        "vocab_size": model.config.vocab_size,
        "per_text": per_text,
        "batch": {
            "padded_length": batch["input_ids"].shape[1],
            "pad_id": tok.pad_token_id,
            "logits": [f32_list(row) for row in batch_logits],
            "max_abs_diff_vs_per_text": diff,
        },
    }


def main():
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    vocab = build_vocab()
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    distil = os.path.join(OUT, "distilbert-tiny")
    bert = os.path.join(OUT, "bert-tiny")
    make_distilbert(distil, vocab)
    make_bert(bert, vocab)
    goldens = {
        "generator": "scripts/make_test_models.py",
        "torch_version": torch.__version__,
        "transformers_version": transformers.__version__,
        "tokenizers_version": __import__("tokenizers").__version__,
        "max_length": MAX_LENGTH,
        "truncation": "truncation=True, max_length=max_length (special tokens included); "
        "logits from model.eval() in float32, one text at a time; batch = the whole list, padding=True",
        "texts": [{k: v for k, v in c.items()} for c in TEXTS],
        "models": {
            "distilbert-tiny": goldens_for(distil, DistilBertForSequenceClassification, False),
            "bert-tiny": goldens_for(bert, BertForSequenceClassification, True),
        },
    }
    with open(os.path.join(OUT, "goldens.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(goldens, f, ensure_ascii=False, indent=1)
        f.write("\n")
    for name, g in goldens["models"].items():
        print(f"{name}: {g['tokenizer_class']}, vocab {g['vocab_size']}, "
              f"batch vs per-text max |diff| {g['batch']['max_abs_diff_vs_per_text']:.3g}")
        for e in g["per_text"]:
            print(f"  {e['name']:20} len {e['untruncated_length']:3} trunc {e['truncated']!s:5} "
                  f"{e['label']:8} {[round(x, 4) for x in e['logits']]}")


if __name__ == "__main__":
    main()
