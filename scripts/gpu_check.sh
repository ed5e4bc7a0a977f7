#!/usr/bin/env bash
# The GPU proof, in one go, on the GPU machine (see ../shared/gpu/README.md): run from the repo root
# with the CUDA binary and run_on_gpu.sh carried in .gpu/ (scripts/gpu_prepare.sh puts them there).
#   1. the card and driver;
#   2. `reviewlens check` in F32, F16 and BF16 on CUDA: the tiny fixture models' logits against the
#      F32 goldens of PyTorch + transformers (tolerance 1e-3 / 2e-2, every label the same);
#   3. a full-size random DistilBERT SST-2 layout made there with its transformers (+ the carried
#      vocab.txt), `reviewlens predict` on N bundled test reviews after a warm-up, F32 and F16, at
#      the default batch size (none given) and at each of SIZES, with peak GPU memory
#      (nvidia-smi, sampled every 50 ms);
#   4. F16 against F32 on those reviews: labels that agree, largest probability difference;
#   5. transformers.pipeline on the same reviews, fp32 and fp16, same batch sizes, peak memory
#      (torch.cuda.max_memory_allocated);
#   6. scripts/gpu_embed_check.sh: the embedding classifiers on CUDA against the CPU.
# Everything goes to stdout and to $OUT/gpu_check.txt; the exit code is 1 if a check failed.
#
#   DRY_RUN=1 scripts/gpu_check.sh    # here, without a GPU: device auto (CPU fallback), F32 only,
#                                     # N=64, small batches; proves the script, not the card
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/gpu_env.sh
if [ "${DRY_RUN:-0}" = 1 ]; then
    DTYPES="f32"; N=${N:-64}; SIZES=${SIZES:-"16 32"}; PYDEV=cpu; PYTYPES="fp32"
else
    DTYPES="f32 f16 bf16"; N=${N:-2000}; SIZES=${SIZES:-"16 64 128 256"}; PYDEV=cuda
    PYTYPES="fp32 fp16"
fi
exec > >(tee "$OUT/gpu_check.txt") 2>&1
failed=0

echo "== card and driver"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null \
    || echo "no nvidia-smi (dry run?)"
run --version

echo "== correctness: tiny fixtures vs. PyTorch F32 goldens"
for dt in $DTYPES; do
    run --device "$DEVICE" --dtype "$dt" check --goldens tests/fixtures/models/goldens.json \
        || { echo "check FAILED for $dt"; failed=1; }
done

echo "== full-size DistilBERT (random weights) made here"
MODEL="$OUT/distilbert-full"
[ -f "$MODEL/model.safetensors" ] || "$PY" scripts/bench_pipeline.py \
    --make-full-size-distilbert "$MODEL" --vocab assets/vocab/bert-base-uncased-vocab.txt \
    || { echo "could not build the model"; exit 1; }
head -n "$N" assets/source/amazon_polarity_test_sample.jsonl > "$OUT/test.jsonl"

# Peak memory of the GPU while a command runs, in MiB (0 without nvidia-smi).
peak_of() {
    local log="$OUT/mem.log"
    : > "$log"
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 50 > "$log" 2>/dev/null &
    local monitor=$!
    "$@"
    local rc=$?
    kill "$monitor" 2>/dev/null
    wait "$monitor" 2>/dev/null  # only the monitor: a bare `wait` would wait for tee too
    local peak
    peak=$(sort -n "$log" | tail -1)
    echo "peak GPU memory: ${peak:-n/a} MiB (whole card, nvidia-smi)"
    return $rc
}

echo "== reviewlens predict, $N reviews"
for dt in $(echo "$DTYPES" | sed 's/ bf16//'); do
    # Warm-up: loads the kernels (PTX JIT on the first launch) before anything is timed.
    run --data "$OUT/test.jsonl" --model-dir "$MODEL" --no-cache --label-map NEGATIVE=0,POSITIVE=1 \
        --device "$DEVICE" --dtype "$dt" --first --test 64 predict --force --output "$OUT/warm.parquet" \
        > /dev/null 2>&1
    # "default": no --batch-size, so the device picks (128 on CUDA, 16 on the CPU).
    for bs in default $SIZES; do
        size=(); [ "$bs" = default ] || size=(--batch-size "$bs")
        peak_of run --data "$OUT/test.jsonl" --model-dir "$MODEL" --no-cache \
            --label-map NEGATIVE=0,POSITIVE=1 --device "$DEVICE" --dtype "$dt" "${size[@]}" \
            predict --force --output "$OUT/out-$dt-$bs.parquet" 2> "$OUT/err.txt" \
            || { echo "predict FAILED ($dt, batch $bs)"; cat "$OUT/err.txt"; failed=1; }
        grep -E " loaded in |classified $N reviews" "$OUT/err.txt" | sed "s/^/$dt batch $bs: /"
    done
done

echo "== F16 against F32 on the full-size model, same reviews, per batch size"
for bs in default $SIZES; do
    [ -f "$OUT/out-f16-$bs.parquet" ] || continue
    "$PY" scripts/compare_predictions.py "$OUT/out-f32-$bs.parquet" "$OUT/out-f16-$bs.parquet" \
        "batch $bs" || failed=1
done

echo "== transformers.pipeline, $N reviews"
for pt in $PYTYPES; do
    "$PY" scripts/bench_pipeline.py --model-dir "$MODEL" --texts "$OUT/test.jsonl" --n "$N" \
        --device "$PYDEV" --dtype "$pt" --batch-sizes "$(echo $SIZES | tr ' ' ,)" \
        || { echo "pipeline FAILED ($pt)"; failed=1; }
done
scripts/gpu_embed_check.sh || failed=1

echo "== done: $( [ $failed = 0 ] && echo all checks passed || echo SOME CHECKS FAILED ); log in $OUT/gpu_check.txt"
exit $failed
