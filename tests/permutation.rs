//! `sample::permutation` against numpy's own shuffles (tests/fixtures/permutations.json, written by
//! scripts/make_permutation_goldens.py): the first entries and a digest of the whole permutation, for
//! every (seed, split size) in the fixture.

use reviewlens::data::numpy_rng::permutation;
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    numpy_version: String,
    digest_algorithm: String,
    prefix_len: usize,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    seed: u64,
    n: usize,
    first: Vec<u32>,
    /// 16 hex digits of `fnv1a64_le_u32` over the whole permutation.
    digest: String,
}

/// 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
fn fnv1a64(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The fixture's "fnv1a64-le-u32": FNV-1a over the permutation's little-endian `u32` bytes.
fn fnv1a64_le_u32(values: &[u32]) -> u64 {
    fnv1a64(values.iter().flat_map(|v| v.to_le_bytes()))
}

fn fixture() -> Fixture {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/permutations.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn digest_is_fnv1a64() {
    // Published FNV-1a 64 test vectors.
    assert_eq!(fnv1a64(*b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a64(*b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(fnv1a64(*b"foobar"), 0x8594_4171_f739_67e8);
    assert_eq!(fnv1a64_le_u32(&[0x6261_6f66]), fnv1a64(*b"foab"));
}

#[test]
fn permutations_match_numpy() {
    let fx = fixture();
    assert!(
        fx.digest_algorithm.starts_with("fnv1a64-le-u32"),
        "fixture uses digest {:?}",
        fx.digest_algorithm
    );
    assert!(!fx.cases.is_empty());
    for case in &fx.cases {
        let what = format!(
            "default_rng({}).permutation({}) (numpy {})",
            case.seed, case.n, fx.numpy_version
        );
        let perm = permutation(case.seed, case.n);
        assert_eq!(perm.len(), case.n, "{what}: length");
        let k = fx.prefix_len.min(case.n);
        assert_eq!(case.first.len(), k, "{what}: fixture prefix length");
        assert_eq!(perm[..k], case.first[..], "{what}: first {k} entries");
        let want = u64::from_str_radix(&case.digest, 16)
            .unwrap_or_else(|e| panic!("{what}: bad digest {:?}: {e}", case.digest));
        assert_eq!(
            fnv1a64_le_u32(&perm),
            want,
            "{what}: digest of the whole permutation"
        );
    }
}
