#!/usr/bin/env python3
"""Golden cases for reviewlens' metrics: scikit-learn's classification_report (digits=4,
zero_division=0, text and dict) and confusion_matrix on balanced, imbalanced, never-predicted,
never-present and three-class cases. Writes tests/fixtures/metrics.json.

    pip install scikit-learn && python3 scripts/make_metric_goldens.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.metrics import classification_report, confusion_matrix

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rng = np.random.default_rng(7)


def case(name, names, y_true, y_pred):
    labels = list(range(len(names)))
    text = classification_report(y_true, y_pred, labels=labels, target_names=names, digits=4, zero_division=0)
    report = classification_report(y_true, y_pred, labels=labels, target_names=names, digits=4, zero_division=0, output_dict=True)
    return {
        "name": name,
        "names": names,
        "y_true": [int(v) for v in y_true],
        "y_pred": [int(v) for v in y_pred],
        "text": text,
        "report": report,
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


binary = ["negative", "positive"]
t = rng.integers(0, 2, 200)
p = np.where(rng.random(200) < 0.85, t, 1 - t)
cases = [
    case("balanced", binary, t, p),
    case("imbalanced", binary, np.r_[np.zeros(180, int), np.ones(20, int)], np.r_[np.zeros(170, int), np.ones(10, int), np.zeros(12, int), np.ones(8, int)]),
    case("never_predicted", binary, rng.integers(0, 2, 50), np.zeros(50, int)),
    case("never_present", binary, np.zeros(30, int), rng.integers(0, 2, 30)),
    case("three_classes", ["bad", "okay", "a rather long class name"], rng.integers(0, 3, 99), rng.integers(0, 3, 99)),
]
out = {"sklearn": sklearn.__version__, "cases": cases}
with open(os.path.join(ROOT, "tests", "fixtures", "metrics.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", len(cases), "cases")
