#!/usr/bin/env python3
"""Golden for `reviewlens eval`: scikit-learn's report computed from `reviewlens predict`'s output.

Runs the release binary's `predict` with the tiny DistilBERT fixture on 1,000 bundled test rows
(`--test 1000 --seed 42`), reads the CSV, and writes scikit-learn's classification_report (digits=4,
zero_division=0) and confusion matrix to tests/fixtures/eval_tiny_test1000.txt, exactly as `eval`
should print them.

    cargo build --release && pip install scikit-learn && python3 scripts/make_eval_golden.py
"""
import csv
import os
import subprocess
import tempfile

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
binary = os.path.join(target, "release", "reviewlens")
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "p.csv")
    subprocess.run(
        [binary, "--model-dir", os.path.join(ROOT, "tests/fixtures/models/distilbert-tiny"), "--no-cache",
         "--test", "1000", "--seed", "42", "predict", "--split", "test", "--output", out],
        check=True,
    )
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
names = ["negative", "positive"]
y_true = [names.index(r["label"]) for r in rows]
y_pred = [names.index(r["predicted"]) for r in rows]
text = classification_report(y_true, y_pred, labels=[0, 1], target_names=names, digits=4, zero_division=0)
cm = confusion_matrix(y_true, y_pred, labels=[0, 1])
with open(os.path.join(ROOT, "tests/fixtures/eval_tiny_test1000.txt"), "w") as f:
    f.write(text + "\n" + np.array2string(cm) + "\n")
print(text)
print(cm)
