#!/usr/bin/env bash
# Builds the CUDA binary here (no GPU needed; ../shared/gpu/build_cuda.sh installs a CUDA 13.0
# toolkit from PyPI wheels and links against a stub libcuda) and puts it, with run_on_gpu.sh, into
# .gpu/ (git-ignored), the folder that travels to the GPU machine. Then, there:
#   scripts/gpu_check.sh
# and here, without a GPU, as a dry run of that script (CPU fallback through the stub driver):
#   RUN=.gpu/run_here.sh DRY_RUN=1 scripts/gpu_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
GPU_TOOLS=${GPU_TOOLS:-../shared/gpu}
H=${H_CUDA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cuda-build}
"$GPU_TOOLS/build_cuda.sh" . cuda --locked
mkdir -p .gpu
# At most 64 MiB travel with the working tree, and the binary (CUDA kernels included) is ~80 MB:
# stripped and xz-compressed it is ~14 MB; gpu_check.sh unpacks it there.
rm -f .gpu/reviewlens .gpu/reviewlens.xz
strip -o .gpu/reviewlens.unpacked "${CARGO_TARGET_DIR:-$H/target}/release/reviewlens"
xz -T0 -6 -c .gpu/reviewlens.unpacked > .gpu/reviewlens.xz
rm .gpu/reviewlens.unpacked
cp "$GPU_TOOLS/run_on_gpu.sh" .gpu/run_on_gpu.sh
# Here there is no driver: the stub libcuda from the build lets the binary start and fall back.
cat > .gpu/run_here.sh <<EOS
#!/bin/sh
LD_LIBRARY_PATH="$H/nogpu-lib:$H/cuda13/lib" exec "\$@"
EOS
chmod +x .gpu/run_here.sh
ls -la .gpu
echo "dry run here: RUN=.gpu/run_here.sh DRY_RUN=1 scripts/gpu_check.sh"
