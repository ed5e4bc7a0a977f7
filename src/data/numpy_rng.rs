//! numpy's `np.random.default_rng(seed).permutation(n)`, bit for bit, in std-only Rust.
//!
//! Hugging Face `datasets` shuffles a split with `Dataset.shuffle(seed=s)`, which is
//! `np.random.default_rng(s).permutation(len(split))`; `.select(range(n))` then keeps the first `n`
//! entries. To name the same rows as a Python sample we rebuild that chain exactly:
//!
//! 1. [`SeedSequence`]: numpy's entropy pool (4 `u32` words) and `generate_state(4, uint64)`;
//! 2. [`Pcg64`]: the 128-bit set-sequence LCG with XSL-RR output, seeded from those 4 words, with
//!    numpy's buffered `next_uint32` (low half of a 64-bit draw first, high half on the next call);
//! 3. [`permutation`]: `Generator.shuffle(arange(n))`, a Fisher–Yates from the end whose indices come
//!    from [`random_interval`] (masked rejection sampling).
//!
//! Every step is checked against numpy 2.x (see `scripts/make_permutation_goldens.py` and
//! `tests/permutation.rs`). The shuffle walks from the last position down, so the first entries are
//! settled last, after every other swap and after a data-dependent number of draws (rejection): even
//! the first few entries of a length-`N` permutation need the whole shuffle. No shortcut exists for
//! "the first `n` of `N`".

const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const XSHIFT: u32 = 16;
const POOL_SIZE: usize = 4;

/// The multiplier of numpy's `PCG64` (the full 128-bit one, not `PCG64DXSM`'s cheap one).
const PCG_MULT: u128 = 0x2360_ed05_1fc6_5da4_4385_df64_9fcc_f645;

/// numpy's `SeedSequence` for an integer seed with no spawn key: the mixed 4-word entropy pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedSequence {
    pool: [u32; POOL_SIZE],
}

impl SeedSequence {
    /// `np.random.SeedSequence(seed)`. The integer is split into little-endian `u32` words with no
    /// trailing zero words (so `0` is the single word `[0]`), as numpy's `_coerce_to_uint32_array` does.
    pub fn new(seed: u64) -> Self {
        let (lo, hi) = (seed as u32, (seed >> 32) as u32);
        if hi == 0 {
            Self::from_words(&[lo])
        } else {
            Self::from_words(&[lo, hi])
        }
    }

    /// The pool built from entropy words as numpy's `mix_entropy` builds it.
    pub fn from_words(entropy: &[u32]) -> Self {
        let mut hash_const = INIT_A;
        let mut hashmix = |value: u32| -> u32 {
            let mut v = value ^ hash_const;
            hash_const = hash_const.wrapping_mul(MULT_A);
            v = v.wrapping_mul(hash_const);
            v ^ (v >> XSHIFT)
        };
        let mix = |x: u32, y: u32| -> u32 {
            let r = MIX_MULT_L
                .wrapping_mul(x)
                .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
            r ^ (r >> XSHIFT)
        };
        let mut pool = [0u32; POOL_SIZE];
        // Fill the pool; with fewer words than the pool, keep running the hash over zeros.
        for (i, slot) in pool.iter_mut().enumerate() {
            *slot = hashmix(entropy.get(i).copied().unwrap_or(0));
        }
        // Mix every word into every other, so late bits affect early ones.
        for src in 0..POOL_SIZE {
            for dst in 0..POOL_SIZE {
                if src != dst {
                    let h = hashmix(pool[src]);
                    pool[dst] = mix(pool[dst], h);
                }
            }
        }
        // Entropy beyond the pool size is folded into every pool word.
        for &word in entropy.iter().skip(POOL_SIZE) {
            for slot in pool.iter_mut() {
                *slot = mix(*slot, hashmix(word));
            }
        }
        SeedSequence { pool }
    }

    /// `generate_state(n_words, np.uint32)`.
    pub fn generate_state_u32(&self, n_words: usize) -> Vec<u32> {
        let mut hash_const = INIT_B;
        (0..n_words)
            .map(|i| {
                let mut v = self.pool[i % POOL_SIZE] ^ hash_const;
                hash_const = hash_const.wrapping_mul(MULT_B);
                v = v.wrapping_mul(hash_const);
                v ^ (v >> XSHIFT)
            })
            .collect()
    }

    /// `generate_state(n_words, np.uint64)`: twice as many `u32` words, paired little-endian.
    pub fn generate_state_u64(&self, n_words: usize) -> Vec<u64> {
        self.generate_state_u32(2 * n_words)
            .chunks_exact(2)
            .map(|w| u64::from(w[0]) | (u64::from(w[1]) << 32))
            .collect()
    }
}

/// `np.random.SeedSequence(seed).generate_state(4, np.uint64)`: what `PCG64(seed)` is seeded with.
pub fn seed_state(seed: u64) -> [u64; 4] {
    let s = SeedSequence::new(seed).generate_state_u64(4);
    [s[0], s[1], s[2], s[3]]
}

/// numpy's `PCG64` bit generator (PCG XSL-RR 128/64, set-sequence), including the buffered `u32`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pcg64 {
    state: u128,
    inc: u128,
    /// High half of the last 64-bit draw that `next_u32` split, handed out by its next call.
    buffered: Option<u32>,
}

impl Pcg64 {
    /// `np.random.PCG64(seed)`.
    pub fn new(seed: u64) -> Self {
        Self::from_seed_state(seed_state(seed))
    }

    /// numpy's `pcg64_set_seed`: `initstate = s0<<64 | s1`, `initseq = s2<<64 | s3`.
    pub fn from_seed_state(s: [u64; 4]) -> Self {
        let initstate = (u128::from(s[0]) << 64) | u128::from(s[1]);
        let initseq = (u128::from(s[2]) << 64) | u128::from(s[3]);
        let mut rng = Pcg64 {
            state: 0,
            inc: (initseq << 1) | 1,
            buffered: None,
        };
        rng.step();
        rng.state = rng.state.wrapping_add(initstate);
        rng.step();
        rng
    }

    /// `(state, inc)`, as `PCG64.state["state"]` shows them.
    pub fn state(&self) -> (u128, u128) {
        (self.state, self.inc)
    }

    #[inline(always)]
    fn step(&mut self) {
        self.state = self.state.wrapping_mul(PCG_MULT).wrapping_add(self.inc);
    }

    /// One 64-bit draw (`random_raw`). Leaves any buffered `u32` alone, as numpy does.
    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        self.step();
        let x = self.state;
        let folded = ((x >> 64) as u64) ^ (x as u64);
        folded.rotate_right((x >> 122) as u32)
    }

    /// numpy's `next_uint32`: the low half of a fresh 64-bit draw, then its high half.
    #[inline(always)]
    pub fn next_u32(&mut self) -> u32 {
        if let Some(high) = self.buffered.take() {
            return high;
        }
        let v = self.next_u64();
        self.buffered = Some((v >> 32) as u32);
        v as u32
    }
}

/// numpy's `random_interval(max)`: uniform in `0..=max` by masked rejection; `u32` draws while
/// `max` fits in 32 bits, whole `u64` draws above that.
pub fn random_interval(rng: &mut Pcg64, max: u64) -> u64 {
    if max == 0 {
        return 0;
    }
    let mask = u64::MAX >> max.leading_zeros();
    if max <= u64::from(u32::MAX) {
        loop {
            let v = u64::from(rng.next_u32()) & mask;
            if v <= max {
                return v;
            }
        }
    } else {
        loop {
            let v = rng.next_u64() & mask;
            if v <= max {
                return v;
            }
        }
    }
}

/// `np.random.default_rng(seed).permutation(n)` (and so the order `Dataset.shuffle(seed=seed)` gives a
/// split of `n` rows). Entries are `u32`: panics when `n > 2^32`, far beyond any split here; within that
/// bound every index fits in 32 bits, so only the `u32` path of [`random_interval`] is ever taken.
/// The whole permutation is always computed, even when only a prefix is wanted (see the module docs).
pub fn permutation(seed: u64, n: usize) -> Vec<u32> {
    assert!(
        n as u64 <= 1 << 32,
        "permutation of {n} entries does not fit in u32"
    );
    let mut rng = Pcg64::new(seed);
    let mut perm: Vec<u32> = (0..n as u64).map(|i| i as u32).collect();
    for i in (1..n).rev() {
        // Inlined `random_interval(rng, i)` for `i <= u32::MAX` (i >= 1, so the mask is defined).
        let max = i as u32;
        let mask = u32::MAX >> max.leading_zeros();
        let j = loop {
            let v = rng.next_u32() & mask;
            if v <= max {
                break v;
            }
        };
        perm.swap(i, j as usize);
    }
    perm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_sequence_matches_numpy() {
        // np.random.SeedSequence(s).generate_state(4, np.uint64)
        assert_eq!(
            seed_state(42),
            [
                11465652750463011511,
                15382171918060459190,
                9018504550953525431,
                3703499796004394495
            ]
        );
        assert_eq!(
            seed_state(0),
            [
                15793235383387715774,
                12390638538380655177,
                2361836109651742017,
                3188717715514472916
            ]
        );
        // Two entropy words.
        assert_eq!(
            seed_state(1 << 32),
            [
                5836529245451711556,
                8811601478698894690,
                4323349454413245209,
                13668837544996263139
            ]
        );
        assert_eq!(
            seed_state(u64::MAX),
            [
                12591116029944179981,
                1268942265879420026,
                1998214320288580263,
                12063755697402456310
            ]
        );
    }

    #[test]
    fn pcg64_state_and_draws_match_numpy() {
        // g = np.random.PCG64(42); g.state["state"]; g.random_raw(2)
        let mut g = Pcg64::new(42);
        assert_eq!(
            g.state(),
            (
                0xcea44f6798798f2aacbc7c9d68860ac8,
                0xfa505436c9a8416e66caf2e28d25abff
            )
        );
        let mut h = g.clone();
        assert_eq!(h.next_u64(), 14276969152011380360);
        assert_eq!(h.next_u64(), 8095878257575067585);
        // Buffered u32: low half of draw 0, then draw 1 whole (buffer untouched), then high half of
        // draw 0 (numpy: integers(0, 2**32, dtype=uint32), random_raw(), integers(...)).
        assert_eq!(g.next_u32(), 383329928);
        assert_eq!(g.next_u64(), 8095878257575067585);
        assert_eq!(g.next_u32(), 3324115917);
    }

    #[test]
    fn random_interval_64_bit_path_matches_numpy() {
        // np.random.RandomState(np.random.PCG64(7)).randint(0, m + 1, dtype=np.uint64): the same
        // masked rejection on whole 64-bit draws that random_interval uses above u32::MAX.
        let mut g = Pcg64::new(7);
        let m = 3 * (1u64 << 40) + 17;
        let got: Vec<u64> = (0..3).map(|_| random_interval(&mut g, m)).collect();
        assert_eq!(got, [1829419436683, 1909904009877, 2609528895842]);
        let mut g = Pcg64::new(7);
        let got: Vec<u64> = (0..3)
            .map(|_| random_interval(&mut g, u64::MAX - 1))
            .collect();
        assert_eq!(
            got,
            [
                11530976094092348043,
                16550673365885938325,
                14308875409591826786
            ]
        );
        assert_eq!(random_interval(&mut g, 0), 0);
    }

    #[test]
    fn small_permutations() {
        assert_eq!(permutation(42, 10), [5, 6, 0, 7, 3, 2, 4, 9, 1, 8]);
        assert_eq!(permutation(0, 0), Vec::<u32>::new());
        assert_eq!(permutation(0, 1), [0]);
    }

    #[test]
    fn permutation_400k_prefix() {
        let p = permutation(42, 400_000);
        assert_eq!(p[..5], [386821, 386970, 371697, 195800, 291038]);
    }

    #[test]
    fn permutation_3_6m_prefix() {
        let p = permutation(42, 3_600_000);
        assert_eq!(p[..5], [1571269, 357164, 1622455, 1072453, 2088174]);
    }
}
