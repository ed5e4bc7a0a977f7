#!/usr/bin/env bash
# Near duplicates among the bundled reviews' MiniLM embeddings, reviewlens against scikit-learn's
# brute-force NearestNeighbors, one after the other in the same minutes (goal: under 3 s for the
# 16,980 rows on 2 cores). The embeddings come from scripts/bench_label_issues.sh (its
# $WORK/bench/emb.f32); run that once first.
#
#   scripts/bench_near_duplicates.sh      # THREADS=nproc
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-$(nproc)}
export RAYON_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
BENCH=${WORK:-$HOME/.cache/reviewlens-bench}/label-issues/bench
test -f "$BENCH/emb.f32" || { echo "no $BENCH/emb.f32: run scripts/bench_label_issues.sh first" >&2; exit 2; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/reviewlens-target}
REVIEWLENS_BENCH_LABEL_ISSUES=$BENCH cargo bench --offline --bench label_issues -- "near duplicates" 2>&1 \
    | grep -E "^near duplicates|time:" 
python3 - "$BENCH/emb.f32" <<'PY'
import sys, time
import numpy as np
from sklearn.neighbors import NearestNeighbors
emb = np.fromfile(sys.argv[1], dtype="<f4").reshape(-1, 384)
best = float("inf")
for _ in range(3):
    t = time.perf_counter()
    NearestNeighbors(n_neighbors=10, metric="cosine", algorithm="brute").fit(emb).kneighbors()
    best = min(best, time.perf_counter() - t)
print(f"scikit-learn NearestNeighbors(10, cosine, brute), {len(emb)} rows: {best:.3f} s (best of 3)")
PY
