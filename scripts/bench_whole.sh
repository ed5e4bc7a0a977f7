#!/usr/bin/env bash
# The whole dataset: full-size amazon_polarity shards (synthetic, scripts/make_synthetic_shards.py:
# 3.6M train rows in 4 shards + 400k test rows, 1.1 GB of snappy parquet, ~1.6 GB of text), same run:
#   time to first frame        `reviewlens snapshot` (load every row, build the state, draw, print)
#                              against pandas, polars and `datasets` (cold and warm) loading the same
#                              shards; hyperfine for the time, /usr/bin/time for the peak memory
#   search, filters, sorts     examples/whole_dataset.rs through the explorer's `update`, beside
#                              pandas and polars doing the same over the loaded table
#   prediction cache           400k predictions written as the worker writes them, opened again
# Needs: hyperfine, pip install pyarrow numpy pandas polars datasets.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reviewlens-target}"
WORK=${WORK:-$HOME/.cache/reviewlens-bench}
SHARDS="$WORK/synthetic"
DATA="$SHARDS/amazon_polarity"
DS_CACHE="$WORK/datasets-cache-whole"
[ -x scripts/machine.sh ] && scripts/machine.sh
[ -f "$DATA/test-00000-of-00001.parquet" ] || python3 scripts/make_synthetic_shards.py "$SHARDS"
cargo build --release --locked --bin reviewlens --example whole_dataset
bin="$CARGO_TARGET_DIR/release/reviewlens"
ours="$bin --data $DATA --no-cache snapshot"
base() { echo "python3 scripts/bench_whole_baselines.py $1 $DATA"; }

echo "== time to first frame (whole process)"
rm -rf "$DS_CACHE"
hyperfine --warmup 1 --runs 3 -n "reviewlens snapshot" "$ours > /dev/null" \
    -n pandas "$(base pandas)" -n polars "$(base polars)"
hyperfine --runs 1 -n "datasets (first time: Arrow conversion)" "env HF_DATASETS_CACHE=$DS_CACHE $(base datasets)"
hyperfine --runs 3 -n "datasets (warm cache)" "env HF_DATASETS_CACHE=$DS_CACHE $(base datasets)"

echo "== peak memory (max RSS) against the text"
/usr/bin/time -f "reviewlens snapshot: peak RSS %M KB" $ours > /dev/null
for tool in pandas polars; do $(base $tool); done
env HF_DATASETS_CACHE=$DS_CACHE $(base datasets)

echo "== search, filters, sorts, prediction cache (in-process)"
"$CARGO_TARGET_DIR/release/examples/whole_dataset" "$DATA" "$WORK"
for tool in pandas polars; do $(base $tool) --ops; done
