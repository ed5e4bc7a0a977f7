#!/usr/bin/env bash
# int8 against f32 on a real-weights classifier: `reviewlens predict` over the bundled test reviews
# (all 10,980 by default) with --dtype f32 and --dtype int8, then, per row, whether the labels agree,
# the largest probability difference and each one's accuracy (scripts/int8_agreement.py). With
# REFERENCE=FILE (PyTorch's probabilities from scripts/reference_probs.py), also our f32 against
# PyTorch on the same rows. The first line says which machine (scripts/machine.sh).
#
#   scripts/int8_agreement.sh MODEL_DIR        # a folder made by scripts/make_minilm_classifier.py
#   N=2000 REFERENCE=MODEL_DIR/torch_test_probs.jsonl scripts/int8_agreement.sh MODEL_DIR
#
# Needs only python3 (no packages) beside the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:?usage: scripts/int8_agreement.sh MODEL_DIR}
N=${N:-10980}
THREADS=${THREADS:-$(nproc)}
REFERENCE=${REFERENCE:-}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reviewlens-target}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
scripts/machine.sh
head -n "$N" assets/source/amazon_polarity_test_sample.jsonl > "$WORK/test.jsonl"
cargo build --release --locked 2>&1 | tail -n 1
bin="$CARGO_TARGET_DIR/release/reviewlens"
for dtype in f32 int8; do
    RAYON_NUM_THREADS=$THREADS "$bin" --data "$WORK/test.jsonl" --model-dir "$MODEL" --no-cache \
        --label-map NEGATIVE=0,POSITIVE=1 --dtype "$dtype" \
        predict --output "$WORK/$dtype.jsonl" 2>&1 |
        grep -E "^kernels: |classified $N reviews" | sed "s/^/$dtype: /"
done
python3 scripts/int8_agreement.py "$WORK/f32.jsonl" "$WORK/int8.jsonl" ${REFERENCE:+--reference "$REFERENCE"}
