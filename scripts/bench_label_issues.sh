#!/usr/bin/env bash
# Label issues against cleanlab 2.7.1, quality and speed, in one run (scripts/bench_label_issues.py
# says what is measured and how):
#   1. 5% of the bundled train labels flipped (seeded): precision, recall and F1 of the flagged rows,
#      `reviewlens --classifier embed label-issues` (5-fold CV on all-MiniLM-L6-v2 embeddings)
#      against sentence-transformers + scikit-learn `cross_val_predict` + cleanlab `find_label_issues`;
#   2. speed: (a) the cross-validated probabilities with cached embeddings, against
#      `cross_val_predict`; (b) scores + issue set for 400,000 synthetic rows (`cargo bench --bench
#      label_issues`), against cleanlab; (c) near duplicates among the 16,980 bundled reviews'
#      embeddings, against scikit-learn NearestNeighbors and cleanlab's Datalab.
#
#   scripts/bench_label_issues.sh     # THREADS=nproc; results in benches/results/label-issues-<date>.json
#
# Needs: python3 with torch, sentence-transformers, scikit-learn, cleanlab==2.7.1, pyarrow
# (pip install torch sentence-transformers scikit-learn cleanlab==2.7.1 pyarrow); not needed by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-$(nproc)}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reviewlens-target}"
export RAYON_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
WORK=${WORK:-$HOME/.cache/reviewlens-bench}/label-issues
RESULTS=${RESULTS:-benches/results/label-issues-$(date +%Y-%m-%d).json}
mkdir -p "$WORK" "$(dirname "$RESULTS")"
MODEL=$(scripts/fetch_minilm.sh)
cargo build --release --offline --locked
bench=$(cargo bench --offline --locked --no-run --bench label_issues --message-format=json 2>/dev/null |
    python3 -c 'import json, sys; print([m["executable"] for m in map(json.loads, sys.stdin)
                                         if m.get("executable")][-1])')
# Copies, run from there: another checkout building into the same target folder would replace
# release/reviewlens, and no cargo runs (or waits for a lock) while timing.
cp "$CARGO_TARGET_DIR/release/reviewlens" "$WORK/reviewlens"
cp "$bench" "$WORK/bench-label-issues"
python3 scripts/bench_label_issues.py --bin "$WORK/reviewlens" --bench-exe "$WORK/bench-label-issues" \
    --model "$MODEL" \
    --work "$WORK" --threads "$THREADS" --results "$RESULTS" "$@" >/dev/null
echo "results: $RESULTS"
