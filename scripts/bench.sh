#!/usr/bin/env bash
# Speed of the explorer, each number beside a baseline measured in the same run.
#   1. process start → first frame drawn (`reviewlens snapshot`, release build), hyperfine;
#      baseline: Python + pyarrow just reading the same two parquet files (no drawing).
#   2. in-process first frame, redraw and search: `cargo bench --bench explorer` (criterion).
# Needs hyperfine (apt-get install hyperfine); pyarrow for the baseline (pip install pyarrow).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reviewlens-target}"

cargo build --release --locked
bin="$CARGO_TARGET_DIR/release/reviewlens"

baseline=()
if python3 -c 'import pyarrow' 2>/dev/null; then
    baseline=(-n "python pyarrow read_table x2" \
        "python3 -c \"import pyarrow.parquet as pq; [pq.read_table(f'assets/sample/{s}.parquet') for s in ('train', 'test')]\"")
fi
hyperfine --warmup 3 --runs 30 -N \
    -n "reviewlens snapshot (start → first frame)" "$bin snapshot" \
    "${baseline[@]}"

cargo bench --locked --bench explorer -- --noplot
