#!/usr/bin/env python3
"""Write tests/fixtures/duplicates/goldens.json: cleanlab 2.7.1 Datalab's near-duplicate check, for
src/label_issues/duplicates.rs to match (tests/duplicates.rs).

Each case is a float64 feature matrix (rows of an "embedding"), with exact duplicates and near
duplicates planted among random rows; cleanlab's `near_duplicate` issue manager runs with its
defaults (k = 10 neighbours, cosine distance above 3 dimensions, threshold 0.13). Recorded: every
row's nearest-neighbour distance and score, the median nearest-neighbour distance, the issue flags,
and each row's near-duplicate set (sorted).

    pip install cleanlab==2.7.1 scikit-learn numpy
    python3 scripts/make_duplicate_goldens.py
"""
import json
import os

import numpy as np
from cleanlab.datalab.internal.issue_manager.duplicate import (
    NearDuplicateIssueManager,
    _compute_scores_with_exp_transform,
)
from cleanlab.internal.constants import EPSILON
from cleanlab.internal.neighbor.knn_graph import create_knn_graph_and_index

K, THRESHOLD = 10, 0.13


def near_duplicate(x):
    """NearDuplicateIssueManager.find_issues's steps (cleanlab 2.7.1), on `x` with its defaults.

    Datalab itself is not called: with numpy 2 its label check fails before any of this runs."""
    knn_graph, _ = create_knn_graph_and_index(x, n_neighbors=K)
    n = knn_graph.shape[0]
    nn_distances = knn_graph.data.reshape(n, -1)[:, 0]
    median = max(np.median(nn_distances), EPSILON)
    sets = NearDuplicateIssueManager._neighbors_within_radius(knn_graph, THRESHOLD, median)
    flagged = np.unique(np.concatenate(sets)).astype(int) if sets else []
    is_issue = np.zeros(n, dtype=bool)
    is_issue[flagged] = True
    scores = _compute_scores_with_exp_transform(nn_distances, temperature=1.0 / median)
    return {
        "median_nn_distance": float(median),
        "nn_distance": [float(d) for d in nn_distances],
        "score": [float(v) for v in scores],
        "is_issue": [bool(v) for v in is_issue],
        "sets": [sorted(int(j) for j in s) for s in sets],
    }


def case(name, n, dim, exact, near, seed, noise=1e-3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, dim))
    for i in range(exact):  # row 2i+1 is an exact copy of row 2i
        x[2 * i + 1] = x[2 * i]
    start = 2 * exact
    for i in range(near):  # row start+2i+1 is row start+2i plus a little noise
        a = start + 2 * i
        x[a + 1] = x[a] + noise * rng.normal(size=dim)
    x = np.round(x, 8)  # the JSON holds these exact float64 values
    return {"name": name, "dim": dim, "features": x.ravel().tolist(), **near_duplicate(x)}


def main():
    cases = [
        case("random_with_planted", 200, 16, exact=3, near=5, seed=1),
        case("many_exact_copies", 120, 8, exact=0, near=0, seed=2),
        case("near_only", 300, 32, exact=0, near=12, seed=3, noise=5e-3),
    ]
    # A set of 12 identical rows: more exact duplicates than k + 1.
    x = np.array(cases[1]["features"]).reshape(120, 8)
    x[10:22] = x[10]
    cases[1].update(features=x.ravel().tolist(), **near_duplicate(x))
    out = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "duplicates", "goldens.json")
    with open(out, "w") as f:
        json.dump({"cleanlab": "2.7.1", "k": K, "threshold": THRESHOLD, "cases": cases}, f)
    for c in cases:
        print(c["name"], "issues:", sum(c["is_issue"]), "median:", c["median_nn_distance"])


if __name__ == "__main__":
    main()
