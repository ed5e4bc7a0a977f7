#!/usr/bin/env bash
# Classification speed on CPU: `reviewlens predict` (candle, F32) against transformers.pipeline
# ("text-classification", PyTorch) and ONNX Runtime (the model exported to ONNX: fp32, and dynamic
# int8 from quantize_dynamic; the same length-sorted batches as ours) on the same bundled test
# reviews, same thread count, same run. The first line says which machine (scripts/machine.sh).
# The model is a full-size DistilBERT SST-2 layout with random weights (speed does not depend on the
# values; the Hub is not reachable here), made by scripts/bench_pipeline.py from the bundled
# bert-base-uncased vocab. All sides exclude model loading; ours is timed from "model ready" to the
# last result, the baselines' after a warm-up (scripts/bench_pipeline.py, which also checks ONNX
# Runtime's fp32 logits against PyTorch's on 8 reviews). The ONNX files are made once under
# $WORK/distilbert-full-onnx and reused.
#
#   scripts/bench_predict.sh            # N=500 reviews, THREADS=nproc, batch sizes 1 8 16 32
#                                       # (DTYPES="f32 int8": ours in each --dtype, with the
#                                       # kernels line saying which SIMD code ran;
#                                       # CANDLE_SIZES=16: also with --kernels candle;
#                                       # ENGINES=pipeline,ort-fp32,ort-int8: the baselines run;
#                                       # PYTHON=python3: the interpreter that has torch)
# Needs: python3 with torch + transformers (see scripts/make_test_models.py for the install), onnx and
# onnxruntime (pip install onnx onnxruntime).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-500}
THREADS=${THREADS:-$(nproc)}
SIZES=${SIZES:-"1 8 16 32"}
CANDLE_SIZES=${CANDLE_SIZES:-"16"}
DTYPES=${DTYPES:-"f32 int8"}
PYTHON=${PYTHON:-python3}
ENGINES=${ENGINES:-pipeline,ort-fp32,ort-int8}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reviewlens-target}"
WORK=${WORK:-$HOME/.cache/reviewlens-bench}
MODEL="$WORK/distilbert-full"
mkdir -p "$WORK"
scripts/machine.sh

if [ ! -f "$MODEL/model.safetensors" ]; then
    "$PYTHON" scripts/bench_pipeline.py --make-full-size-distilbert "$MODEL" \
        --vocab assets/vocab/bert-base-uncased-vocab.txt
fi
head -n "$N" assets/source/amazon_polarity_test_sample.jsonl > "$WORK/test.jsonl"
cargo build --release --locked
bin="$CARGO_TARGET_DIR/release/reviewlens"

for dtype in $DTYPES; do
    echo "== reviewlens predict --dtype $dtype, $N reviews, $THREADS threads"
    for bs in $SIZES; do
        RAYON_NUM_THREADS=$THREADS "$bin" --data "$WORK/test.jsonl" --model-dir "$MODEL" --no-cache \
            --label-map NEGATIVE=0,POSITIVE=1 --batch-size "$bs" --dtype "$dtype" \
            predict --force --output "$WORK/out-$dtype-$bs.parquet" 2>&1 |
            grep -E "^kernels: |classified $N reviews" | sed "s/^/$dtype batch $bs: /"
    done
done

echo "== reviewlens predict --kernels candle (candle's ops one by one, what the fused kernels replace)"
for bs in $CANDLE_SIZES; do
    RAYON_NUM_THREADS=$THREADS "$bin" --data "$WORK/test.jsonl" --model-dir "$MODEL" --no-cache \
        --label-map NEGATIVE=0,POSITIVE=1 --batch-size "$bs" --kernels candle \
        predict --force --output "$WORK/out-candle-$bs.parquet" 2>&1 | grep -E "classified $N reviews" | sed "s/^/batch $bs: /"
done

echo "== baselines ($ENGINES), $N reviews, $THREADS threads"
"$PYTHON" scripts/bench_pipeline.py --model-dir "$MODEL" --texts "$WORK/test.jsonl" --n "$N" \
    --threads "$THREADS" --batch-sizes "$(echo $SIZES | tr ' ' ,)" \
    --engines "$ENGINES" --onnx-dir "$WORK/distilbert-full-onnx"
