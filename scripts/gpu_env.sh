# Sourced by the GPU scripts (gpu_check.sh, gpu_embed_check.sh), from the repo root: where things
# are on the GPU machine, and the CUDA binary unpacked (gpu_prepare.sh ships it xz-compressed, as it
# must fit in 64 MiB). Sets RUN, PY, OUT, BIN and DEVICE (cuda, or auto with DRY_RUN=1), and run().
RUN=${RUN:-.gpu/run_on_gpu.sh}
PY=${PY:-$( [ -x /opt/torch/.venv/bin/python ] && echo /opt/torch/.venv/bin/python || echo python3 )}
OUT=${OUT:-${TMPDIR:-/tmp}/reviewlens-gpu}
mkdir -p "$OUT"
if [ -z "${BIN:-}" ]; then
    BIN="$OUT/reviewlens"
    "$PY" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
        .gpu/reviewlens.xz "$BIN" && chmod +x "$BIN" || { echo "no .gpu/reviewlens.xz: run scripts/gpu_prepare.sh"; exit 1; }
fi
export BIN
if [ "${DRY_RUN:-0}" = 1 ]; then DEVICE=auto; else DEVICE=cuda; fi
run() { "$RUN" "$BIN" "$@"; }
