#!/usr/bin/env python3
"""The body of scripts/bench_label_issues.sh: label issues found by reviewlens against cleanlab 2.7.1
(+ sentence-transformers + scikit-learn), quality and speed, in one run, same machine, same inputs.

    python3 scripts/bench_label_issues.py --bin target/release/reviewlens --model MINILM_DIR \\
        --work WORK_DIR [--bench-exe BENCH] [--results benches/results/FILE.json]

1. Planted noise. 5% of the 6,000 bundled train labels are flipped (numpy `default_rng(--noise-seed)`,
   `choice` without replacement) and the noisy split is written as WORK/noisy/train.parquet (the
   bundled file with its label column replaced, so the class names stay). Then
   - reviewlens: `--data WORK/noisy --classifier embed --embed-model-dir MODEL label-issues --split
     train --json --output ...` (5-fold stratified cross-validation, seed 0, prune_by_noise_rate),
     with a fresh embedding cache, twice: the second run reads every embedding from the cache, and
     its JSON's `seconds.probabilities` is the cross-validation's time (the whole process is timed
     too);
   - Python: sentence-transformers `encode` with the same MiniLM folder, scikit-learn
     `cross_val_predict(LogisticRegression(), cv=StratifiedKFold(5, shuffle=True, random_state=0),
     method="predict_proba")`, then `cleanlab.filter.find_label_issues` (its defaults);
   and each flagged set is scored against the flipped rows: precision, recall, F1.
2. Speed, each beside its baseline:
   a. the cross-validated probabilities with cached embeddings (above) against `cross_val_predict`
      on the same embeddings in memory;
   b. scores + issue set for 400,000 rows of seeded synthetic probabilities (2 classes): our
      `benches/label_issues.rs` (criterion, on the probabilities written here) against cleanlab's
      `get_label_quality_scores` + `find_label_issues` (best of --repeats);
   c. near duplicates among the 16,980 bundled reviews' embeddings (sentence-transformers', written
      here): our `near_duplicates` (same criterion bench) against scikit-learn
      `NearestNeighbors(n_neighbors=10, metric="cosine", algorithm="brute")` fit + kneighbors and
      cleanlab's `Datalab.find_issues(features=..., issue_types={"near_duplicate": {}})`.
   Both sides also report what they found, so the comparison is of the same work: the issue sets
   and near-duplicate sets are compared row by row.

The sentence-transformers embeddings of the 16,980 reviews are kept in WORK/st_emb.npy (with the
model's and texts' digest) and reused by a later run, which then skips 6 minutes of encoding; the
numbers do not depend on it (--fresh to encode again).
"""
import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/reviewlens-target"))


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def jsonl(split):
    path = os.path.join(ROOT, "assets", "source", f"amazon_polarity_{split}_sample.jsonl")
    with open(path) as f:
        return [json.loads(line) for line in f]


def best(f, repeats):
    """Best wall time of `repeats` calls to f (and its last result)."""
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times), out


def prf(flagged, planted):
    flagged, planted = set(flagged), set(planted)
    tp = len(flagged & planted)
    p = tp / len(flagged) if flagged else 0.0
    r = tp / len(planted)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"flagged": len(flagged), "true_positives": tp, "precision": round(p, 4),
            "recall": round(r, 4), "f1": round(f1, 4)}


# ---------------------------------------------------------------------------------------------
# Embeddings (sentence-transformers), shared by the Python pipeline and the duplicates benchmark.


def st_embeddings(model_dir, texts, work, fresh, threads):
    digest = hashlib.sha256()
    with open(os.path.join(model_dir, "model.safetensors"), "rb") as f:
        digest.update(f.read())
    for t in texts:
        digest.update(t.encode())
        digest.update(b"\0")
    key = digest.hexdigest()
    path, key_path = os.path.join(work, "st_emb.npy"), os.path.join(work, "st_emb.key")
    if not fresh and os.path.exists(path) and open(key_path).read() == key:
        log(f"sentence-transformers embeddings reused from {path}")
        return np.load(path), None
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    model = SentenceTransformer(model_dir, device="cpu")
    log(f"sentence-transformers: encoding {len(texts)} reviews ...")
    t0 = time.perf_counter()
    x = model.encode(texts, batch_size=32, convert_to_numpy=True).astype(np.float32)
    secs = time.perf_counter() - t0
    np.save(path, x)
    with open(key_path, "w") as f:
        f.write(key)
    return x, secs


# ---------------------------------------------------------------------------------------------
# 1. Planted noise


def plant_noise(work, rate, seed):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(os.path.join(ROOT, "assets", "sample", "train.parquet"))
    source = jsonl("train")
    assert [r["content"] for r in source] == table["content"].to_pylist(), "parquet ≠ JSONL"
    y = np.asarray(table["label"].to_pylist(), dtype=np.int64)
    n = len(y)
    flipped = np.sort(np.random.default_rng(seed).choice(n, size=round(rate * n), replace=False))
    noisy = y.copy()
    noisy[flipped] = 1 - noisy[flipped]
    out = os.path.join(work, "noisy")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    i = table.schema.get_field_index("label")
    table = table.set_column(i, table.schema.field(i), pa.array(noisy, type=pa.int64()))
    pq.write_table(table, os.path.join(out, "train.parquet"), compression="zstd")
    row_index = np.asarray(table["row_index"].to_pylist(), dtype=np.int64)
    return out, y, noisy, flipped, row_index


def run_reviewlens(binary, model, data, work, tag):
    out = os.path.join(work, f"reviewlens-{tag}.jsonl")
    cmd = [binary, "--data", data, "--classifier", "embed", "--embed-model-dir", model,
           "label-issues", "--split", "train", "--json", "--output", out, "--force"]
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "xdg-cache"), REVIEWLENS_CONFIG="")
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"reviewlens failed ({p.returncode}): {p.stderr[-2000:]}")
    summary = json.loads(p.stdout)
    with open(out) as f:
        rows = [json.loads(line) for line in f]
    return summary, rows, wall, cmd


def planted_noise(args, emb_train):
    from cleanlab.filter import find_label_issues
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    data, y, noisy, flipped, row_index = plant_noise(args.work, args.noise, args.noise_seed)
    log(f"planted noise: {len(flipped)} of {len(y)} train labels flipped (seed {args.noise_seed})")
    planted_ri = set(row_index[flipped].tolist())

    # reviewlens, cold (embeds the 6,000 rows into a fresh cache), then warm (cache only).
    if not args.keep_cache:
        shutil.rmtree(os.path.join(args.work, "xdg-cache"), ignore_errors=True)
    log("reviewlens label-issues, first run (embeds into a fresh cache) ...")
    cold, _, cold_wall, _ = run_reviewlens(args.bin, args.model, data, args.work, "cold")
    warm_runs = []
    for i in range(args.warm_runs):
        # Cached embeddings, folds trained: reviewlens also caches each fold's head, which would
        # make the warm runs read five heads instead of training them.
        shutil.rmtree(os.path.join(args.work, "xdg-cache", "reviewlens", "heads"), ignore_errors=True)
        warm_runs.append(run_reviewlens(args.bin, args.model, data, args.work, f"warm{i}"))
    summary, rows, _, cmd = min(warm_runs, key=lambda r: r[0]["seconds"]["probabilities"])
    assert len(rows) == len(y)
    ours = [r["row_index"] for r in rows if r["is_label_issue"]]
    assert {r["split"] for r in rows} == {"train"}
    # The same set from the cold run: the cache changes nothing.
    cold_set = {r["row_index"] for r in summary["ranked"]}
    assert cold_set == {r["row_index"] for r in cold["ranked"]}, "cold and warm runs differ"

    # Python: the same folds, scikit-learn's logistic regression, cleanlab.
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    cv_secs, probs = best(lambda: cross_val_predict(
        LogisticRegression(), emb_train, noisy, cv=cv, method="predict_proba"), args.repeats)
    fli_secs, mask = best(lambda: find_label_issues(noisy, probs), args.repeats)
    theirs = row_index[mask].tolist()
    acc = float((probs.argmax(1) == noisy).mean())
    rl_ours = prf(ours, planted_ri)
    rl_theirs = prf(theirs, planted_ri)
    both = len(set(ours) & set(theirs))
    warm_secs = [r[0]["seconds"]["probabilities"] for r in warm_runs]
    warm_walls = [r[2] for r in warm_runs]
    return {
        "noise": {"rate": args.noise, "seed": args.noise_seed, "flipped": int(len(flipped)),
                  "rows": int(len(y))},
        "reviewlens": {**rl_ours, "accuracy": round(summary["probabilities"]["accuracy"], 4),
                       "source": summary["probabilities"]["source"],
                       "num_label_issues": summary["num_label_issues"]["count"],
                       "command": " ".join(cmd).replace(args.work, "$WORK")
                       .replace(args.model, "$MODEL")},
        "cleanlab": {**rl_theirs, "accuracy": round(acc, 4)},
        "flagged_by_both": both,
        "speed_cv": {
            "reviewlens_first_run_wall_s": round(cold_wall, 3),
            "reviewlens_first_run_probabilities_s": round(cold["seconds"]["probabilities"], 3),
            "reviewlens_cached_probabilities_s": round(min(warm_secs), 4),
            "reviewlens_cached_probabilities_runs_s": [round(s, 4) for s in warm_secs],
            "reviewlens_cached_wall_s": round(min(warm_walls), 4),
            "reviewlens_cached_label_issues_s": round(
                min(r[0]["seconds"]["label_issues"] for r in warm_runs), 4),
            "sklearn_cross_val_predict_s": round(cv_secs, 4),
            "cleanlab_find_label_issues_6000_s": round(fli_secs, 4),
        },
    }


# ---------------------------------------------------------------------------------------------
# 2b and 2c: the baselines, and the files the criterion bench reads.


def synthetic(n, seed):
    """Out-of-sample-like binary probabilities: a noisy margin per row; 10% of labels flipped."""
    rng = np.random.default_rng(seed)
    true = rng.integers(0, 2, n)
    margin = rng.normal(2.0, 1.5, n) * np.where(true == 1, 1.0, -1.0)
    p1 = 1.0 / (1.0 + np.exp(-margin))
    probs = np.stack([1.0 - p1, p1], axis=1)
    given = true.copy()
    flip = rng.random(n) < 0.10
    given[flip] = 1 - given[flip]
    return probs, given


def speed_scale(args, bench_dir):
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    probs, labels = synthetic(args.rows, args.synthetic_seed)
    probs.astype("<f8").tofile(os.path.join(bench_dir, "probs.f64"))
    labels.astype("<u4").tofile(os.path.join(bench_dir, "labels.u32"))

    def both():
        return get_label_quality_scores(labels, probs), find_label_issues(labels, probs)

    secs, (scores, mask) = best(both, args.repeats)
    s_secs, _ = best(lambda: get_label_quality_scores(labels, probs), args.repeats)
    f_secs, _ = best(lambda: find_label_issues(labels, probs), args.repeats)
    np.save(os.path.join(bench_dir, "cleanlab_issues.npy"), mask)
    np.save(os.path.join(bench_dir, "cleanlab_scores.npy"), scores)
    return {"rows": args.rows, "classes": 2, "seed": args.synthetic_seed,
            "cleanlab_s": round(secs, 4), "cleanlab_scores_s": round(s_secs, 4),
            "cleanlab_find_label_issues_s": round(f_secs, 4), "cleanlab_flagged": int(mask.sum())}


def speed_duplicates(args, emb, labels, bench_dir):
    from cleanlab import Datalab
    from sklearn.neighbors import NearestNeighbors

    emb.astype("<f4").tofile(os.path.join(bench_dir, "emb.f32"))

    def knn():
        nn = NearestNeighbors(n_neighbors=10, metric="cosine", algorithm="brute").fit(emb)
        return nn.kneighbors()

    nn_secs, _ = best(knn, args.repeats)

    def datalab():
        # near_duplicate needs no labels (and label_name fails with `datasets` 5's Column type)
        lab = Datalab(data={"label": labels}, verbosity=0)
        lab.find_issues(features=emb, issue_types={"near_duplicate": {}})
        return lab

    dl_secs, lab = best(datalab, args.dup_repeats)
    issues = lab.get_issues("near_duplicate")
    sets = [sorted(int(j) for j in s) for s in issues["near_duplicate_sets"]]
    return {"rows": int(len(emb)), "dim": int(emb.shape[1]),
            "sklearn_nearest_neighbors_s": round(nn_secs, 4),
            "cleanlab_datalab_near_duplicate_s": round(dl_secs, 4),
            "cleanlab_rows_with_near_duplicate": int(issues["is_near_duplicate_issue"].sum())}, sets


def criterion(bench_dir, threads, exe):
    """Runs benches/label_issues.rs on the files written above (the built executable `exe` when
    given, else through `cargo bench`); its mean times in seconds."""
    env = dict(os.environ, REVIEWLENS_BENCH_LABEL_ISSUES=bench_dir, RAYON_NUM_THREADS=str(threads),
               CARGO_TARGET_DIR=TARGET)
    cmd = ["cargo", "bench", "--offline", "--locked", "--bench", "label_issues", "--", "--noplot"]
    if exe:
        cmd = [exe, "--bench", "--noplot"]
    log("criterion: " + " ".join(cmd))
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    sys.stderr.write(p.stdout[-3000:])
    if p.returncode != 0:
        sys.exit(f"cargo bench failed: {p.stderr[-3000:]}")
    out = {}
    for key, name in [("scores_issues", "label issues, scores + issue set"),
                      ("near_duplicates", "near duplicates")]:
        path = os.path.join(TARGET, "criterion", name, "new", "estimates.json")
        with open(path) as f:
            est = json.load(f)
        out[key] = {"mean_s": est["mean"]["point_estimate"] / 1e9,
                    "median_s": est["median"]["point_estimate"] / 1e9}
    return out


def compare_outputs(bench_dir, dup_sets):
    theirs = np.load(os.path.join(bench_dir, "cleanlab_issues.npy"))
    ours = np.fromfile(os.path.join(bench_dir, "rust_issues.u8"), dtype=np.uint8).astype(bool)
    s_theirs = np.load(os.path.join(bench_dir, "cleanlab_scores.npy"))
    s_ours = np.fromfile(os.path.join(bench_dir, "rust_scores.f64"), dtype="<f8")
    with open(os.path.join(bench_dir, "rust_dup_sets.txt")) as f:
        rust_sets = [sorted(int(t) for t in line.split()) for line in f.read().split("\n")[:-1]]
    return {
        "issue_sets_identical": bool((theirs == ours).all()),
        "issue_rows_differing": int((theirs != ours).sum()),
        "rust_flagged": int(ours.sum()),
        "scores_max_abs_diff": float(np.abs(s_theirs - s_ours).max()),
        "near_duplicate_sets_identical": rust_sets == dup_sets,
        "near_duplicate_rows_differing": int(sum(a != b for a, b in zip(rust_sets, dup_sets))),
        "rust_rows_with_near_duplicate": int(sum(1 for s in rust_sets if s)),
    }


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    flags = next((line for line in open("/proc/cpuinfo") if line.startswith("flags")), "")
    import sklearn
    import cleanlab
    info = {"cpu": cpu, "cores": os.cpu_count(), "avx512f": " avx512f" in flags,
            "amx": " amx_tile" in flags, "python": platform.python_version(),
            "numpy": np.__version__, "scikit-learn": sklearn.__version__,
            "cleanlab": cleanlab.__version__, "load_average_at_start": os.getloadavg()}
    try:
        import torch
        import sentence_transformers
        info["torch"] = torch.__version__
        info["sentence-transformers"] = sentence_transformers.__version__
    except ImportError:
        pass
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--bench-exe", help="the built benches/label_issues.rs (default: cargo bench)")
    ap.add_argument("--work", required=True)
    ap.add_argument("--results", help="also write the results here (JSON)")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--noise", type=float, default=0.05)
    ap.add_argument("--noise-seed", type=int, default=0)
    ap.add_argument("--rows", type=int, default=400_000)
    ap.add_argument("--synthetic-seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--dup-repeats", type=int, default=3)
    ap.add_argument("--warm-runs", type=int, default=3)
    ap.add_argument("--fresh", action="store_true", help="encode the reviews again")
    ap.add_argument("--keep-cache", action="store_true",
                    help="keep reviewlens's embedding cache from the last run (then its first run"
                    " is not a cold one)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    bench_dir = os.path.join(args.work, "bench")
    os.makedirs(bench_dir, exist_ok=True)
    started = time.time()
    results = {"machine": machine(), "threads": args.threads}

    train, test = jsonl("train"), jsonl("test")
    texts = [r["content"] for r in train + test]
    emb, enc_secs = st_embeddings(args.model, texts, args.work, args.fresh, args.threads)
    if enc_secs is not None:
        results["sentence_transformers_encode_s"] = round(enc_secs, 2)
    results["planted_noise"] = planted_noise(args, emb[: len(train)])
    log("planted noise:", json.dumps(results["planted_noise"]))

    log(f"cleanlab on {args.rows} synthetic rows ...")
    results["scale"] = speed_scale(args, bench_dir)
    log("scikit-learn / Datalab near duplicates ...")
    labels = np.array([r["label"] for r in train + test])
    results["duplicates"], dup_sets = speed_duplicates(args, emb, labels, bench_dir)
    results["criterion"] = criterion(bench_dir, args.threads, args.bench_exe)
    results["same_results"] = compare_outputs(bench_dir, dup_sets)
    results["load_average_at_end"] = os.getloadavg()
    results["wall_minutes"] = round((time.time() - started) / 60, 1)
    text = json.dumps(results, indent=2)
    print(text)
    if args.results:
        with open(args.results, "w") as f:
            f.write(text + "\n")
    report(results)


def report(r):
    pn, cv, sc, du, cr = (r["planted_noise"], r["planted_noise"]["speed_cv"], r["scale"],
                          r["duplicates"], r["criterion"])
    ours_sc, ours_du = cr["scores_issues"]["mean_s"], cr["near_duplicates"]["mean_s"]
    lines = [
        "",
        f"planted noise ({pn['noise']['flipped']} of {pn['noise']['rows']} labels flipped):",
        f"  reviewlens  P {pn['reviewlens']['precision']:.4f}  R {pn['reviewlens']['recall']:.4f}"
        f"  F1 {pn['reviewlens']['f1']:.4f}  ({pn['reviewlens']['flagged']} flagged)",
        f"  cleanlab    P {pn['cleanlab']['precision']:.4f}  R {pn['cleanlab']['recall']:.4f}"
        f"  F1 {pn['cleanlab']['f1']:.4f}  ({pn['cleanlab']['flagged']} flagged)",
        f"CV probabilities, cached embeddings: reviewlens {cv['reviewlens_cached_probabilities_s']:.3f} s"
        f" (whole process {cv['reviewlens_cached_wall_s']:.3f} s); cross_val_predict"
        f" {cv['sklearn_cross_val_predict_s']:.3f} s"
        f" ({cv['sklearn_cross_val_predict_s'] / cv['reviewlens_cached_probabilities_s']:.2f}x)",
        f"{sc['rows']} rows, scores + issues: reviewlens {ours_sc * 1e3:.1f} ms; cleanlab"
        f" {sc['cleanlab_s'] * 1e3:.1f} ms ({sc['cleanlab_s'] / ours_sc:.1f}x);"
        f" identical sets: {r['same_results']['issue_sets_identical']}",
        f"near duplicates, {du['rows']} rows: reviewlens {ours_du:.3f} s; NearestNeighbors"
        f" {du['sklearn_nearest_neighbors_s']:.3f} s ({du['sklearn_nearest_neighbors_s'] / ours_du:.2f}x);"
        f" Datalab {du['cleanlab_datalab_near_duplicate_s']:.3f} s"
        f" ({du['cleanlab_datalab_near_duplicate_s'] / ours_du:.2f}x);"
        f" identical sets: {r['same_results']['near_duplicate_sets_identical']}",
    ]
    log("\n".join(lines))


if __name__ == "__main__":
    main()
