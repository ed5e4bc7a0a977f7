#!/usr/bin/env bash
# The embedding classifiers on the GPU against the CPU, with the tiny BERT fixture as the encoder (the
# real MiniLM does not fit in what travels to the GPU machine): zero-shot, and logistic regression
# trained on the first 200 bundled train reviews, each predict the first 500 bundled test reviews on
# --device cpu and on CUDA in F32, F16 and BF16. Every label must agree, and every probability must be
# within 1e-4 in F32 and 2e-2 in F16/BF16. Run from the repo root on the GPU machine with .gpu/
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
            --embed-model-dir tests/fixtures/models/bert-tiny "$@" predict --split test \
            --output "$OUT/embed-$head-$dt-$dev.parquet" > "$OUT/err.txt" 2>&1 \
            || { echo "$head on $dev $dt FAILED"; cat "$OUT/err.txt"; failed=1; }
    }
    dt=f32 dev=cpu predict --device cpu
    for dt in $DTYPES; do
        dev=gpu predict --device "$DEVICE" --dtype "$dt"
        tolerance=$([ "$dt" = f32 ] && echo 1e-4 || echo 2e-2)
        "$PY" scripts/compare_predictions.py "$OUT/embed-$head-f32-cpu.parquet" \
            "$OUT/embed-$head-$dt-gpu.parquet" "$head $dt" --max-diff "$tolerance" || failed=1
    done
done
exit $failed
