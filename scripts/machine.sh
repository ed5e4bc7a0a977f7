#!/bin/sh
# Prints one line saying which machine a benchmark ran on: the CPU model (from /proc/cpuinfo, or
# lscpu where that has no "model name"), its family/model numbers (a hypervisor often shows only
# "Intel(R) Xeon(R) Processor"; family 6 model 143 is Sapphire Rapids, 207 Emerald Rapids, AMD
# family 25 Zen 3/4, 26 Zen 5), the cores this process may use (nproc) and the widest SIMD level
# the CPU flags offer, one of:
#
#   AVX-512 + AMX          avx512f and amx_int8 (Sapphire Rapids and later, where the VM shows AMX)
#   AVX-512 VNNI           avx512f and avx512_vnni (Ice Lake, Sapphire Rapids without AMX, Zen 4/5)
#   AVX-512 (no VNNI)      avx512f only (Skylake-SP, Cascade Lake without VNNI)
#   AVX2 + AVX-VNNI        avx2 and avx_vnni, no avx512f (Alder Lake, Sierra Forest, Zen 5 client)
#   AVX2 only              avx2, no VNNI of either kind (Haswell to Coffee Lake, Zen 1-3)
#   no AVX2
#
# followed by the flags that decided it. Printed first by scripts/bench_predict.sh and
# scripts/bench_embed.sh, so that every number they print says which machine class it is from.
#
#   scripts/machine.sh
#   # machine: Intel(R) Xeon(R) Processor (family 6 model 207), 2 cores, AVX-512 VNNI
#   #   [avx2 avx_vnni avx512f avx512_vnni; no amx_int8]      (one line)
set -eu
info=${CPUINFO:-/proc/cpuinfo}  # CPUINFO: another file of that format, to test this script
model=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' "$info" 2>/dev/null | head -n 1)
if [ -z "$model" ] && command -v lscpu >/dev/null 2>&1; then
    model=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
fi
family=$(sed -n 's/^cpu family[[:space:]]*:[[:space:]]*//p' "$info" 2>/dev/null | head -n 1)
number=$(sed -n 's/^model[[:space:]]*:[[:space:]]*//p' "$info" 2>/dev/null | head -n 1)
flags=" $(sed -n 's/^flags[[:space:]]*:[[:space:]]*//p' "$info" 2>/dev/null | head -n 1) "
if [ "$flags" = "  " ] && command -v lscpu >/dev/null 2>&1; then
    flags=" $(lscpu | sed -n 's/^Flags:[[:space:]]*//p' | head -n 1) "
fi
cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)

has() { case "$flags" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

seen=""
for f in avx2 avx_vnni avx512f avx512_vnni amx_int8; do
    if has "$f"; then seen="$seen $f"; fi
done
missing=""
for f in avx_vnni avx512f avx512_vnni amx_int8; do
    if ! has "$f"; then missing="$missing $f"; fi
done

if has avx512f && has amx_int8; then
    level="AVX-512 + AMX"
elif has avx512f && has avx512_vnni; then
    level="AVX-512 VNNI"
elif has avx512f; then
    level="AVX-512 (no VNNI)"
elif has avx2 && has avx_vnni; then
    level="AVX2 + AVX-VNNI"
elif has avx2; then
    level="AVX2 only"
else
    level="no AVX2"
fi

id=""
if [ -n "$family" ] && [ -n "$number" ]; then
    id=" (family $family model $number)"
fi
detail="${seen# }"
if [ -n "$missing" ]; then
    detail="$detail; no${missing}"
fi
echo "machine: ${model:-unknown CPU}$id, $cores cores, $level [$detail]"
