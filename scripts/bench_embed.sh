#!/usr/bin/env bash
# Embeddings per second and logistic-regression training time against sentence-transformers, ONNX
# Runtime and scikit-learn, on the same texts and embeddings, same thread count, same run (the first
# line says which machine: scripts/machine.sh):
#   - `reviewlens --classifier zero-shot predict` over the first N bundled test reviews (zero-shot
#     adds a dot product per class to each embedding), rate from "model ready" to the last result, at
#     several batch sizes; sentence-transformers' `encode` on the same reviews after a warm-up, at its
#     default batch size (32) and the same batch sizes; ONNX Runtime fp32 and dynamic int8 on the
#     model exported to ONNX (made once under $WORK/embed/onnx), fed our length-sorted batches, mean
#     pooling and normalisation as sentence-transformers does (scripts/bench_embed_baselines.py);
#   - LogisticRegression().fit vs. our L-BFGS on the 6,000 train embeddings (`benches/logreg.rs`).
#
#   scripts/bench_embed.sh        # N=1000 reviews, THREADS=nproc, batch sizes 8 16 32 64
#                                 # (DTYPES="f32 int8": ours in each --dtype, with the kernels
#                                 # line saying which SIMD code ran;
#                                 # CANDLE_SIZES=16: also with --kernels candle;
#                                 # ENGINES=st,ort-fp32,ort-int8: the baselines run;
#                                 # PYTHON=python3: the interpreter that has torch)
# Needs: python3 with sentence-transformers, scikit-learn (see scripts/make_embedding_goldens.py),
# onnx and onnxruntime (pip install onnx onnxruntime).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
THREADS=${THREADS:-$(nproc)}
SIZES=${SIZES:-"8 16 32 64"}
CANDLE_SIZES=${CANDLE_SIZES:-"16"}
DTYPES=${DTYPES:-"f32 int8"}
PYTHON=${PYTHON:-python3}
ENGINES=${ENGINES:-st,ort-fp32,ort-int8}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reviewlens-target}"
WORK=${WORK:-$HOME/.cache/reviewlens-bench}/embed
mkdir -p "$WORK"
scripts/machine.sh
MODEL=$(scripts/fetch_minilm.sh)
head -n "$N" assets/source/amazon_polarity_test_sample.jsonl > "$WORK/test.jsonl"
cargo build --release --locked
bin="$CARGO_TARGET_DIR/release/reviewlens"

for dtype in $DTYPES; do
    echo "== reviewlens --dtype $dtype (fused kernels), $N reviews, $THREADS threads"
    for bs in $SIZES; do
        RAYON_NUM_THREADS=$THREADS "$bin" --data "$WORK/test.jsonl" --classifier zero-shot \
            --label-descriptions "A negative review|A positive review" \
            --embed-model-dir "$MODEL" --no-cache --batch-size "$bs" --dtype "$dtype" \
            predict --force --output "$WORK/out-$dtype-$bs.parquet" 2>&1 |
            grep -E "^kernels: |classified $N reviews" | sed "s/^/$dtype batch $bs: /"
    done
done

echo "== reviewlens --kernels candle (candle's ops one by one, what the fused kernels replace)"
for bs in $CANDLE_SIZES; do
    RAYON_NUM_THREADS=$THREADS "$bin" --data "$WORK/test.jsonl" --classifier zero-shot \
        --label-descriptions "A negative review|A positive review" \
        --embed-model-dir "$MODEL" --no-cache --batch-size "$bs" --kernels candle \
        predict --force --output "$WORK/out-candle-$bs.parquet" 2>&1 | grep -E "classified $N reviews" | sed "s/^/batch $bs: /"
done

echo "== baselines ($ENGINES) + scikit-learn fit, $THREADS threads"
"$PYTHON" scripts/bench_embed_baselines.py "$MODEL" "$WORK" --n "$N" --threads "$THREADS" \
    --batch-sizes "$(echo $SIZES | tr ' ' ,)" --engines "$ENGINES" --onnx-dir "$WORK/onnx"

echo "== our logistic regression on the same 6,000 embeddings"
RAYON_NUM_THREADS=$THREADS REVIEWLENS_BENCH_EMBEDDINGS="$WORK" \
    cargo bench --locked --bench logreg -- --noplot 2>&1 | grep -E "iterations|time:"
