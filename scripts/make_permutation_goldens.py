#!/usr/bin/env python3
"""Write tests/fixtures/permutations.json: numpy's shuffle orders, for src/data/sample.rs to match.

Hugging Face `Dataset.shuffle(seed=s)` is `np.random.default_rng(s).permutation(len(split))`, and
`.select(range(n))` keeps its first n entries. For every (seed, n) below the fixture records the first
PREFIX entries (all of them when n is smaller) and a digest of the whole permutation, because the
first entries of a length-n permutation depend on the whole shuffle.

Digest ("fnv1a64-le-u32"): 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3) over
the bytes of the whole permutation written as little-endian u32 values, in order; stored as 16
lower-case hex digits. The Rust test computes the same with std only.

Deterministic for a given numpy version (numpy keeps default_rng streams stable across 2.x).

    pip install numpy && python3 scripts/make_permutation_goldens.py
"""
import json
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "permutations.json")

SIZES = [10, 1000, 400_000, 3_600_000]
SEEDS = [0, 42, 1234]
PREFIX = 100

FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK64 = (1 << 64) - 1


def fnv1a64(data: bytes) -> int:
    h = FNV_OFFSET
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & MASK64
    return h


def case(seed: int, n: int) -> dict:
    perm = np.random.default_rng(seed).permutation(n)
    assert perm.min(initial=0) >= 0 and perm.max(initial=0) < 2**32
    return {
        "seed": seed,
        "n": n,
        "first": [int(x) for x in perm[:PREFIX]],
        "digest": f"{fnv1a64(perm.astype('<u4').tobytes()):016x}",
    }


def main() -> None:
    doc = {
        "generator": "np.random.default_rng(seed).permutation(n)",
        "numpy_version": np.__version__,
        "digest_algorithm": "fnv1a64-le-u32: 64-bit FNV-1a (offset 0xcbf29ce484222325, prime "
        "0x100000001b3) over the whole permutation as little-endian u32 bytes; 16 lower-case hex digits",
        "prefix_len": PREFIX,
        "cases": [case(seed, n) for n in SIZES for seed in SEEDS],
    }
    # One case per line: small, diff-friendly, still plain JSON.
    head = {k: v for k, v in doc.items() if k != "cases"}
    lines = [json.dumps(head, indent=2)[:-2] + ",", '  "cases": [']
    lines += [
        "    " + json.dumps(c, separators=(", ", ": ")) + ("," if i + 1 < len(doc["cases"]) else "")
        for i, c in enumerate(doc["cases"])
    ]
    lines += ["  ]", "}"]
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == doc
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
