//! The softmax and argmax every classifier shares, so that all of them turn scores into
//! probabilities and labels the same way.

use num_traits::Float;

/// Probabilities from scores; the largest score is subtracted first so that large logits do not
/// overflow `exp`.
/// Generic so the logistic regression can compute in f64 and the models in f32.
pub fn softmax<T: Float + std::iter::Sum>(z: &[T]) -> Vec<T> {
    let max = z.iter().copied().fold(T::neg_infinity(), T::max);
    let e: Vec<T> = z.iter().map(|&v| (v - max).exp()).collect();
    let sum: T = e.iter().copied().sum();
    e.into_iter().map(|v| v / sum).collect()
}

/// Index of the largest value, the first one on a tie (as `torch.argmax` and `numpy.argmax`), so
/// that a tie always goes to the same class; 0 for an empty slice.
pub fn argmax(values: &[f32]) -> u32 {
    let mut best = 0;
    for (i, v) in values.iter().enumerate().skip(1) {
        if v.total_cmp(&values[best]).is_gt() {
            best = i;
        }
    }
    best as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_takes_the_first_of_tied_maxima() {
        assert_eq!(argmax(&[0.5, 0.5]), 0);
        assert_eq!(argmax(&[0.1, 0.7, 0.2, 0.7]), 1);
        assert_eq!(argmax(&[0.2, 0.3, 0.5]), 2);
        assert_eq!(argmax(&[]), 0);
    }

    #[test]
    fn softmax_sums_to_one_and_survives_large_logits() {
        let p = softmax(&[1.0f32, 2.0, 3.0]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6, "{p:?}");
        assert!(p[0] < p[1] && p[1] < p[2]);
        // exp(1000) overflows f32 and f64; without the shift these would be NaN.
        let big = softmax(&[1000.0f32, 1000.0, 999.0]);
        assert!(big.iter().all(|x| x.is_finite()), "{big:?}");
        assert!((big.iter().sum::<f32>() - 1.0).abs() < 1e-6, "{big:?}");
        assert_eq!(big[0], big[1]);
        assert_eq!(argmax(&big), 0);
        let wide = softmax(&[-1000.0f64, 1000.0]);
        assert_eq!(wide, vec![0.0, 1.0]);
    }
}
