//! cleanlab's `round_preserving_sum` and `round_preserving_row_totals`: round each value to an
//! integer, then move the largest rounding residuals by one until the integers add up to the rounded
//! total.

use super::numeric::{argsort, round, sum};

/// cleanlab's `FLOATING_POINT_COMPARISON`.
const EPS: f64 = 1e-6;

/// `cleanlab.internal.util.round_preserving_sum`.
pub fn round_preserving_sum(floats: &[f64]) -> Vec<i64> {
    let mut ints: Vec<f64> = floats.iter().map(|&x| round(x)).collect();
    let orig_sum = round(sum(floats));
    let mut int_sum = round(sum(&ints));
    while (int_sum - orig_sum).abs() > EPS {
        let diff = round(orig_sum - int_sum);
        let increment = if diff < 0.0 { -1.0 } else { 1.0 };
        let changes = (diff.abs() as usize).min(floats.len());
        let residuals: Vec<f64> = floats.iter().zip(&ints).map(|(f, i)| f - i).collect();
        let mut order = argsort(&residuals);
        // `[::-increment]`: largest residuals first when adding, smallest when taking away.
        if increment > 0.0 {
            order.reverse();
        }
        for &i in order.iter().take(changes) {
            ints[i] += increment;
        }
        int_sum = round(sum(&ints));
    }
    ints.iter().map(|&x| x as i64).collect()
}

/// `cleanlab.internal.util.round_preserving_row_totals`: each row rounded on its own.
pub fn round_preserving_row_totals(matrix: &[Vec<f64>]) -> Vec<Vec<i64>> {
    matrix.iter().map(|row| round_preserving_sum(row)).collect()
}
