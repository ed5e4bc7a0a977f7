#!/usr/bin/env bash
# The embedding classifiers on the GPU against the CPU, with the tiny BERT fixture as the encoder (the
# real MiniLM does not fit in what travels to the GPU machine): zero-shot, and logistic regression
# trained on the first 200 bundled train reviews, each predict the first 500 bundled test reviews on
# --device cpu and on CUDA in F32, F16 and BF16. Every probability must be within 1e-4 of the CPU's in
# F32 (5e-3 for logistic regression, whose head each side trains itself: L-BFGS stops at a gradient
# norm of 1e-4, so slightly different embeddings end at slightly different weights) and 2e-2 in
# F16/BF16, and labels may differ only on near-ties (scripts/compare_predictions.py). Run from the repo root on the GPU machine with .gpu/
# carried (gpu_check.sh runs it last), or here as a dry run on the CPU fallback:
#   RUN=.gpu/run_here.sh DRY_RUN=1 scripts/gpu_embed_check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/gpu_env.sh
if [ "${DRY_RUN:-0}" = 1 ]; then DTYPES="f32"; else DTYPES="f32 f16 bf16"; fi
failed=0
echo "== embedding classifiers: $DEVICE against cpu, tiny BERT encoder, 500 test reviews"
for head in zero-shot embed; do
    predict() {
        # --no-cache: each side computes its own embeddings and trains its own head.
        run --first --train 200 --test 500 --no-cache --classifier "$head" \
            --embed-model-dir tests/fixtures/models/bert-tiny "$@" predict --split test --force \
            --output "$OUT/embed-$head-$dt-$dev.parquet" > "$OUT/err.txt" 2>&1 \
            || { echo "$head on $dev $dt FAILED"; cat "$OUT/err.txt"; failed=1; }
    }
    dt=f32 dev=cpu predict --device cpu
    for dt in $DTYPES; do
        dev=gpu predict --device "$DEVICE" --dtype "$dt"
        case "$head/$dt" in
            zero-shot/f32) tolerance=1e-4 ;;
            embed/f32) tolerance=5e-3 ;;
            *) tolerance=2e-2 ;;
        esac
        "$PY" scripts/compare_predictions.py "$OUT/embed-$head-f32-cpu.parquet" \
            "$OUT/embed-$head-$dt-gpu.parquet" "$head $dt" --max-diff "$tolerance" || failed=1
    done
done
exit $failed
