//! The sets the flip search tries: among the top-scoring words, every set of one size before any
//! larger one, each size in lexicographic order of the words' ranks, so the first set that flips
//! is a smallest one, made of the highest-ranked words among those.

/// The flip search looks among this many of the highest-scoring words.
pub const FLIP_CANDIDATES: usize = 10;
/// ... and removes at most this many of them at once.
pub const FLIP_MAX_WORDS: usize = 5;

/// Every set of `size` of `ranked` (word indices, highest score first), in lexicographic order of
/// rank positions, each set highest-ranked first.
pub fn sets_of(ranked: &[usize], size: usize) -> Vec<Vec<usize>> {
    let n = ranked.len();
    if size == 0 || size > n {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut at: Vec<usize> = (0..size).collect();
    loop {
        out.push(at.iter().map(|&i| ranked[i]).collect());
        // The rightmost position that can still move right, then the ones after it just behind.
        let Some(i) = (0..size).rev().find(|&i| at[i] < n - size + i) else {
            return out;
        };
        at[i] += 1;
        for j in i + 1..size {
            at[j] = at[j - 1] + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_come_in_rank_order_and_are_all_there() {
        assert_eq!(
            sets_of(&[7, 3, 5, 1], 2),
            vec![
                vec![7, 3],
                vec![7, 5],
                vec![7, 1],
                vec![3, 5],
                vec![3, 1],
                vec![5, 1]
            ]
        );
        assert_eq!(sets_of(&[4, 2], 1), vec![vec![4], vec![2]]);
        assert_eq!(sets_of(&[4, 2], 3), Vec::<Vec<usize>>::new());
        let ranked: Vec<usize> = (0..10).collect();
        let counts: Vec<usize> = (1..=5).map(|k| sets_of(&ranked, k).len()).collect();
        assert_eq!(counts, [10, 45, 120, 210, 252]);
    }
}
