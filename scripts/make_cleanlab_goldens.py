#!/usr/bin/env python3
"""Write tests/fixtures/cleanlab/goldens.json: cleanlab 2.7.1's label-issue numbers, for
src/label_issues/ to match (tests/label_issues.rs).

For each probability matrix (binary, 3 and 5 classes, imbalanced, exact ties, duplicated rows, and
out-of-fold probabilities for the bundled train rows with 5% of their labels flipped) it records:
`cleanlab.rank.get_label_quality_scores` for every method with and without `adjust_pred_probs`,
`cleanlab.count.get_confident_thresholds`, `compute_confident_joint` (raw and calibrated),
`estimate_joint`, `num_label_issues` (off_diagonal and off_diagonal_calibrated),
`cleanlab.filter.find_label_issues` for every `filter_by` (plus a few non-default options), and the
ranked order (`return_indices_ranked_by`). It also records scikit-learn's
`StratifiedKFold(n_splits, shuffle=True, random_state=seed)` fold of every row for a few label sets.

Ties. cleanlab orders rows with `np.argsort`, numpy's unstable quicksort, whose order among equal
keys depends on the CPU (on AVX-512 machines numpy 1.26 sorts with x86-simd-sort). The goldens are
therefore computed with `np.argsort` made stable (ties by row index), which is what reviewlens does;
each case also runs plain cleanlab, records whether it agreed (`plain_agrees`), and the script fails
if plain cleanlab differs on a matrix without deliberate ties. So on every matrix but the tie ones
the goldens are plain cleanlab's output.

Probabilities are rounded to 8 decimals before cleanlab sees them (cleanlab and reviewlens then read
the same float64 values from the JSON); n_jobs=1 (cleanlab's results do not depend on it).

    pip install cleanlab==2.7.1 scikit-learn numpy
    python3 scripts/make_cleanlab_goldens.py
"""
import functools
import json
import os
import warnings

import cleanlab
import numpy as np
import sklearn
from cleanlab.count import (
    compute_confident_joint,
    estimate_joint,
    get_confident_thresholds,
    num_label_issues,
)
from cleanlab.filter import find_label_issues
from cleanlab.rank import get_label_quality_scores
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "cleanlab", "goldens.json")
TRAIN = os.path.join(ROOT, "assets", "source", "amazon_polarity_train_sample.jsonl")

FILTERS = ["prune_by_noise_rate", "prune_by_class", "both", "confident_learning",
           "predicted_neq_given", "low_self_confidence", "low_normalized_margin"]
SCORES = [("self_confidence", False), ("self_confidence", True), ("normalized_margin", False),
          ("normalized_margin", True), ("confidence_weighted_entropy", False)]
# Non-default find_label_issues options, run on the matrices named in OPTION_CASES.
OPTIONS = [
    {"filter_by": "prune_by_noise_rate", "frac_noise": 0.5},
    {"filter_by": "prune_by_class", "frac_noise": 0.3},
    {"filter_by": "both", "min_examples_per_class": 40},
    {"filter_by": "prune_by_noise_rate", "num_to_remove_per_class": "small"},
    {"filter_by": "prune_by_class", "num_to_remove_per_class": "small"},
]
OPTION_CASES = {"three_classes", "five_classes", "imbalanced_binary"}

warnings.filterwarnings("ignore")
_argsort = np.argsort


def stable_argsort(a, axis=-1, kind=None, order=None):
    return _argsort(a, axis=axis, kind="stable", order=order)


def run_stable(fn):
    """Call fn with np.argsort (as cleanlab calls it) stable; restore it after."""
    np.argsort = stable_argsort
    try:
        return fn()
    finally:
        np.argsort = _argsort


def key(method, adjust):
    return method + ("_adjusted" if adjust else "")


def issues(labels, pp, **kw):
    mask = find_label_issues(labels, pp, n_jobs=1, **kw)
    return [int(i) for i in np.flatnonzero(mask)]


def ranked(labels, pp):
    out = {}
    for method, adjust in SCORES:
        order = find_label_issues(labels, pp, n_jobs=1, return_indices_ranked_by=method,
                                  rank_by_kwargs={"adjust_pred_probs": adjust})
        out[key(method, adjust)] = [int(i) for i in order]
    return out


def option_runs(labels, pp):
    k = pp.shape[1]
    runs = []
    for opt in OPTIONS:
        kw = dict(opt)
        if kw.get("num_to_remove_per_class") == "small":
            kw["num_to_remove_per_class"] = [1 + c % 3 for c in range(k)]
        runs.append({**kw, "issues": issues(labels, pp, **kw)})
    return runs


def filter_sets(labels, pp):
    return {f: issues(labels, pp, filter_by=f) for f in FILTERS}


def case(name, labels, pp, *, ties=False, score_rows=None):
    labels = np.asarray(labels, dtype=int)
    pp = np.round(np.asarray(pp, dtype=float), 8)
    rows = np.arange(len(labels)) if score_rows is None else np.asarray(score_rows)
    scores = {key(m, a): get_label_quality_scores(labels, pp, method=m, adjust_pred_probs=a)[rows].tolist()
              for m, a in SCORES}
    stable = run_stable(lambda: filter_sets(labels, pp))
    plain = filter_sets(labels, pp)
    agrees = {f: stable[f] == plain[f] for f in FILTERS}
    if not ties and not all(agrees.values()):
        raise SystemExit(f"{name}: plain cleanlab differs from the stable-sort run without ties: {agrees}")
    default = stable["prune_by_noise_rate"]
    assert 0 < len(default) < len(labels), f"{name}: {len(default)} issues of {len(labels)}"
    cj = compute_confident_joint(labels, pp, calibrate=False)
    out = {
        "name": name,
        "ties": ties,
        "labels": labels.tolist(),
        "pred_probs": pp.tolist(),
        "score_rows": None if score_rows is None else rows.tolist(),
        "scores": scores,
        "confident_thresholds": get_confident_thresholds(labels, pp).tolist(),
        "confident_joint": cj.tolist(),
        "confident_joint_calibrated": run_stable(lambda: compute_confident_joint(labels, pp)).tolist(),
        "joint": run_stable(lambda: estimate_joint(labels, pp)).tolist(),
        "num_label_issues": {m: int(run_stable(lambda: num_label_issues(labels, pp, estimation_method=m)))
                             for m in ["off_diagonal", "off_diagonal_calibrated"]},
        "issues": stable,
        "plain_agrees": agrees,
        "suggested": [int(np.argmax(pp[i])) for i in default],
        "ranked": run_stable(lambda: ranked(labels, pp)),
        "options": run_stable(lambda: option_runs(labels, pp)) if name in OPTION_CASES else [],
    }
    print(f"{name:24} n={len(labels):5} k={pp.shape[1]} issues={len(default):4} "
          f"off_diag={out['num_label_issues']['off_diagonal']:4} "
          f"calibrated={out['num_label_issues']['off_diagonal_calibrated']:4} plain_agrees={all(agrees.values())}")
    return out


def noisy_probs(rng, true, k, sharpness, flip):
    """Softmax of noisy logits that favour the true class; given labels flipped at rate `flip`."""
    n = len(true)
    logits = rng.normal(0, 1, (n, k))
    logits[np.arange(n), true] += sharpness * rng.random(n) * 3
    pp = np.exp(logits)
    pp /= pp.sum(axis=1, keepdims=True)
    labels = true.copy()
    flipped = rng.random(n) < flip
    labels[flipped] = (true[flipped] + rng.integers(1, k, flipped.sum())) % k
    return labels, pp


def synthetic_cases():
    rng = np.random.default_rng(16)
    out = []
    for name, n, k, sharp, flip in [("binary", 250, 2, 1.5, 0.08), ("three_classes", 240, 3, 1.5, 0.1),
                                    ("five_classes", 300, 5, 1.8, 0.12), ("binary_seed_7", 200, 2, 1.0, 0.05)]:
        labels, pp = noisy_probs(rng, rng.integers(0, k, n), k, sharp, flip)
        out.append(case(name, labels, pp))
    true = np.r_[np.zeros(270, int), np.ones(30, int)]
    labels, pp = noisy_probs(rng, true, 2, 1.5, 0.06)
    out.append(case("imbalanced_binary", labels, pp))
    true = rng.choice(4, 260, p=[0.6, 0.25, 0.1, 0.05])
    labels, pp = noisy_probs(rng, true, 4, 1.6, 0.1)
    out.append(case("imbalanced_four_classes", labels, pp))
    # Exact ties: probabilities on a coarse grid, so many rows share keys at every cut.
    labels, pp = noisy_probs(rng, rng.integers(0, 3, 200), 3, 1.5, 0.1)
    coarse = np.round(pp * 10) / 10
    coarse[:, 2] = np.round(1 - coarse[:, 0] - coarse[:, 1], 1)
    ok = coarse.min(axis=1) >= 0
    out.append(case("ties_three_classes", labels[ok], coarse[ok], ties=True))
    # Duplicated rows: 60 rows, each repeated 3 times exactly and once nudged by 1e-9.
    labels, pp = noisy_probs(rng, rng.integers(0, 2, 60), 2, 1.2, 0.1)
    nudged = np.clip(pp + np.array([1e-7, -1e-7]), 0, 1)
    out.append(case("duplicated_rows", np.r_[labels, labels, labels, labels],
                    np.r_[pp, pp, pp, nudged], ties=True))
    # Extremes: one-hot rows (some on the wrong class), exact halves and zeros: 0 log 0, clipping.
    true = rng.integers(0, 3, 150)
    pp = np.eye(3)[true]
    pp[::7] = np.eye(3)[(true[::7] + 1) % 3]
    pp[3::11] = [0.5, 0.5, 0.0]
    pp[5::13] = rng.dirichlet([1, 1, 1], len(pp[5::13]))
    out.append(case("extremes_three_classes", true, pp, ties=True))
    return out


def bundled_case():
    """Out-of-fold logistic regression on TF-IDF of the bundled train rows, 5% labels flipped."""
    rows = [json.loads(line) for line in open(TRAIN, encoding="utf-8")]
    text = [r["title"] + " " + r["content"] for r in rows]
    labels = np.array([r["label"] for r in rows])
    rng = np.random.default_rng(5)
    flipped = np.sort(rng.choice(len(labels), len(labels) // 20, replace=False))
    labels[flipped] = 1 - labels[flipped]
    x = TfidfVectorizer(min_df=2, sublinear_tf=True).fit_transform(text)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    pp = cross_val_predict(LogisticRegression(max_iter=1000), x, labels, cv=cv, method="predict_proba")
    out = case("bundled_train_tfidf_logreg", labels, pp, score_rows=range(0, len(labels), 10))
    found = set(out["issues"]["prune_by_noise_rate"])
    hit = len(found & set(flipped.tolist()))
    print(f"  flipped {len(flipped)}, flagged {len(found)}, of them flipped {hit}")
    out["flipped"] = flipped.tolist()
    return out


def fold_cases():
    rng = np.random.default_rng(3)
    bundled = [json.loads(line)["label"] for line in open(TRAIN, encoding="utf-8")]
    sets = [
        ("bundled_train", bundled, 5, 0),
        ("three_classes_first_seen_2", [2] + rng.integers(0, 3, 99).tolist(), 5, 42),
        ("imbalanced", [0] * 50 + [1] * 7, 5, 1),
        ("fewer_than_folds", [1, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0, 1], 4, 7),
        ("sparse_ids", rng.choice([3, 9, 4], 40).tolist(), 3, 2**32 - 1),
    ]
    out = []
    for name, y, k, seed in sets:
        folds = np.empty(len(y), dtype=int)
        for i, (_, test) in enumerate(StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y)):
            folds[test] = i
        out.append({"name": name, "labels": [int(v) for v in y], "n_splits": k, "seed": seed, "folds": folds.tolist()})
    return out


def main():
    cases = synthetic_cases() + [bundled_case()]
    out = {"cleanlab": cleanlab.__version__, "numpy": np.__version__, "sklearn": sklearn.__version__,
           "cases": cases, "folds": fold_cases()}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
