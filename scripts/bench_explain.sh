#!/usr/bin/env bash
# Explaining one review on the CPU (leave-one-word-out + the AblationFlip search, src/explain):
# benches/explain.rs times the whole explanation against predicting the very same batches alone
# (goal: at most 1.15x, the rest being the cost of building the variants), then
# scripts/bench_explain.py times leave-one-word-out in PyTorch + transformers the LIT way, and
# captum's Occlusion if installed, on the same review, model and thread count, and fails unless its
# scores agree with the ones the Rust bench wrote. One after the other in the same run, so that both
# sides see the same machine.
# The model is the full-size random DistilBERT SST-2 layout scripts/bench_predict.sh uses (speed does
# not depend on the weights; the Hub is not reachable here); it is made if missing.
#
#   scripts/bench_explain.sh            # THREADS=nproc
# Needs: python3 with torch + transformers (see scripts/make_test_models.py); pip install captum
# for the Occlusion baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-$(nproc)}
# candle (rayon) and PyTorch (OpenMP, MKL) on the same number of threads.
export RAYON_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/reviewlens-target}
WORK=${WORK:-$HOME/.cache/reviewlens-bench}
MODEL="$WORK/distilbert-full"
OUT="$WORK/explain"
mkdir -p "$OUT"

# The machine first: the timings mean little without it.
flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
has() { case " ${flags#*:} " in *" $1 "*) echo "$1 yes" ;; *) echo "$1 no" ;; esac; }
echo "machine: $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores," \
    "$(has avx512f), $(has amx_tile), $(has avx2); THREADS=$THREADS"

if [ ! -f "$MODEL/model.safetensors" ]; then
    python3 scripts/bench_pipeline.py --make-full-size-distilbert "$MODEL" \
        --vocab assets/vocab/bert-base-uncased-vocab.txt
fi
# A file left by an earlier run must not stand in for this run's scores.
rm -f "$OUT/rust_scores.json"

echo "== reviewlens (candle, F32), benches/explain.rs"
REVIEWLENS_BENCH_EXPLAIN_MODEL=$MODEL REVIEWLENS_BENCH_EXPLAIN_OUT=$OUT/rust_scores.json \
    cargo bench --offline --bench explain
python3 scripts/bench_explain.py --model-dir "$MODEL" --rust-json "$OUT/rust_scores.json" \
    --threads "$THREADS"
