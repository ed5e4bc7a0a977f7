#!/usr/bin/env bash
# Producing the notebook's sample (10,000 train + 2,000 test, seed 42) from full-size amazon_polarity
# shards (synthetic, scripts/make_synthetic_shards.py: 3.6M train rows in 4 shards + 400k test,
# 1,000-row row groups), same run:
#   reviewlens sample            exact sample, only sampled row groups decoded, parallel shards
#   pyarrow + numpy              read the shards, permutation, Table.take
#   datasets, cold and warm      load_dataset("parquet") (Arrow conversion, then its cache) + shuffle + select
# Wall time by hyperfine; peak memory (max RSS) by /usr/bin/time. All must name the same rows.
# Needs: hyperfine, pip install pyarrow numpy datasets.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reviewlens-target}"
WORK=${WORK:-$HOME/.cache/reviewlens-bench}
SHARDS="$WORK/synthetic"
python3 scripts/make_synthetic_shards.py "$SHARDS"
cargo build --release --locked
bin="$CARGO_TARGET_DIR/release/reviewlens"
DS_CACHE="$WORK/datasets-cache"
ours="$bin --data $SHARDS sample --force --output $WORK/sample-out --train 10000 --test 2000 --seed 42"
pyarrow="python3 scripts/bench_sample_baselines.py pyarrow $SHARDS"
datasets="python3 scripts/bench_sample_baselines.py datasets $SHARDS"

echo "== same rows?"
$ours 2>/dev/null
python3 -c "
import pyarrow.parquet as pq
for s in ('train', 'test'):
    print(s, pq.read_table('$WORK/sample-out/%s.parquet' % s).column('title').to_pylist()[:3])"
$pyarrow
env HF_DATASETS_CACHE="$DS_CACHE" $datasets 2>/dev/null

echo "== wall time"
rm -rf "$DS_CACHE"
hyperfine --warmup 1 --runs 5 -n "reviewlens sample" "$ours" -n "pyarrow + numpy" "$pyarrow"
hyperfine --runs 2 --prepare "rm -rf $DS_CACHE" -n "datasets (first time: Arrow conversion)" "env HF_DATASETS_CACHE=$DS_CACHE $datasets"
hyperfine --runs 3 -n "datasets (warm cache)" "env HF_DATASETS_CACHE=$DS_CACHE $datasets"

echo "== peak memory (max RSS, KB)"
for cmd in "$ours" "$pyarrow" "env HF_DATASETS_CACHE=$DS_CACHE $datasets"; do
    /usr/bin/time -f "%M KB  $cmd" $cmd > /dev/null 2> >(tail -1 >&2)
done
du -sh "$SHARDS"
