//! Logistic regression on sentence embeddings, as scikit-learn's `LogisticRegression()` fits it:
//! L2-regularised (C = 1, intercept not penalised), binomial for two classes and multinomial
//! (softmax) for more, minimised with L-BFGS (argmin). Deterministic: the start is all zeros and
//! nothing is random.

use argmin::core::observers::{Observe, ObserverMode};
use argmin::core::{CostFunction, Error as ArgminError, Executor, Gradient, KV, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;

use super::math::softmax;

/// Fewer training rows than this cannot say much about a 384-dimensional boundary.
pub const MIN_ROWS: usize = 10;

/// A trained head: one weight row (plus bias) per class, or a single row for two classes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LogReg {
    pub classes: usize,
    pub dim: usize,
    /// `rows × (dim + 1)`, bias last in each row.
    pub weights: Vec<f32>,
    pub iterations: u64,
    /// Mean log-loss plus the L2 term, at the end.
    pub loss: f64,
    pub converged: bool,
}

impl LogReg {
    fn rows(classes: usize) -> usize {
        if classes == 2 { 1 } else { classes }
    }

    /// Trains on `x` (`n × dim`, row-major) with classes `y`; `progress(iteration, loss)` is called
    /// after every iteration.
    pub fn train(
        x: &[f32],
        y: &[u32],
        dim: usize,
        classes: usize,
        c: f64,
        progress: impl FnMut(u64, f64) + Send + 'static,
    ) -> Result<Self, String> {
        let n = y.len();
        Self::check(x, y, dim, classes)?;
        let problem = Problem {
            x,
            y,
            n,
            dim,
            classes,
            last: std::sync::Mutex::new(None),
            // scikit-learn's objective divided by n: mean loss + ‖w‖² / (2 C n).
            l2: 1.0 / (c * n as f64),
        };
        let start = vec![0.0f64; Self::rows(classes) * (dim + 1)];
        // scikit-learn stops at tol=1e-4 on the largest gradient entry; the Euclidean norm used
        // here is never smaller, so this is at least as converged.
        let solver = LBFGS::new(MoreThuenteLineSearch::new(), 10)
            .with_tolerance_grad(1e-4)
            .and_then(|s| s.with_tolerance_cost(1e-12))
            .map_err(|e| e.to_string())?;
        let result = Executor::new(problem, solver)
            .configure(|state| state.param(start).max_iters(1000))
            .add_observer(Progress(progress), ObserverMode::Always)
            .run()
            .map_err(|e| format!("logistic regression failed ({e})"))?;
        let state = result.state();
        let weights = state
            .get_best_param()
            .ok_or("logistic regression produced no weights")?;
        Ok(LogReg {
            classes,
            dim,
            weights: weights.iter().map(|&w| w as f32).collect(),
            iterations: state.get_iter(),
            loss: state.get_best_cost(),
            converged: state.get_iter() < 1000,
        })
    }

    /// Refuses training data that cannot give a meaningful boundary, before any work.
    fn check(x: &[f32], y: &[u32], dim: usize, classes: usize) -> Result<(), String> {
        let n = y.len();
        if x.len() != n * dim {
            return Err(format!("{} values for {n} rows of {dim}", x.len()));
        }
        if n < MIN_ROWS {
            return Err(format!(
                "the train split has {n} rows; logistic regression needs at least {MIN_ROWS}"
            ));
        }
        let mut present = vec![false; classes];
        for &label in y {
            present[label as usize] = true;
        }
        if present.iter().filter(|&&p| p).count() < 2 {
            return Err("the train split has a single class; logistic regression needs two".into());
        }
        Ok(())
    }

    /// The probability of each class for one vector.
    pub fn probs(&self, v: &[f32]) -> Vec<f32> {
        let w = &self.weights;
        let d = self.dim;
        let z: Vec<f64> = (0..Self::rows(self.classes))
            .map(|r| {
                let row = &w[r * (d + 1)..(r + 1) * (d + 1)];
                let dot: f64 = row[..d]
                    .iter()
                    .zip(v)
                    .map(|(&a, &b)| a as f64 * b as f64)
                    .sum();
                dot + row[d] as f64
            })
            .collect();
        if self.classes == 2 {
            let p = 1.0 / (1.0 + (-z[0]).exp());
            return vec![(1.0 - p) as f32, p as f32];
        }
        // In f64, as the scores are, and rounded once at the end.
        softmax(&z).into_iter().map(|p| p as f32).collect()
    }
}

struct Problem<'a> {
    x: &'a [f32],
    y: &'a [u32],
    n: usize,
    dim: usize,
    classes: usize,
    l2: f64,
    /// The last point evaluated, with its cost and gradient: the line search asks for the cost and
    /// then the gradient at the same point, and one pass over the rows gives both.
    last: std::sync::Mutex<Option<Evaluated>>,
}

/// A point, its cost and its gradient.
type Evaluated = (Vec<f64>, f64, Vec<f64>);

/// `a · b`, in four lanes so the compiler can vectorise it.
fn dot(a: &[f64], b: &[f32]) -> f64 {
    let mut acc = [0.0f64; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..4 {
            acc[k] += x[k] * y[k] as f64;
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(&x, &y)| x * y as f64).sum();
    acc.iter().sum::<f64>() + tail
}

impl Problem<'_> {
    /// Cost and gradient at `p`, computed once per point.
    fn both(&self, p: &[f64]) -> (f64, Vec<f64>) {
        let mut last = self.last.lock().expect("never poisoned: no panics inside");
        if let Some((at, cost, grad)) = last.as_ref()
            && at.as_slice() == p
        {
            return (*cost, grad.clone());
        }
        let mut grad = vec![0.0; p.len()];
        let cost = self.evaluate(p, Some(&mut grad));
        *last = Some((p.to_vec(), cost, grad.clone()));
        (cost, grad)
    }

    /// The objective and, when asked, its gradient, in one pass over the rows.
    fn evaluate(&self, p: &[f64], mut grad: Option<&mut [f64]>) -> f64 {
        let (d, rows) = (self.dim, LogReg::rows(self.classes));
        if let Some(g) = grad.as_deref_mut() {
            g.fill(0.0);
        }
        let mut loss = 0.0;
        let mut z = vec![0.0; rows];
        for i in 0..self.n {
            let xi = &self.x[i * d..(i + 1) * d];
            for (r, zr) in z.iter_mut().enumerate() {
                let w = &p[r * (d + 1)..(r + 1) * (d + 1)];
                *zr = dot(&w[..d], xi) + w[d];
            }
            let (row_loss, dz) = row_loss(&z, self.y[i] as usize);
            loss += row_loss;
            if let Some(g) = grad.as_deref_mut() {
                for (r, &dzr) in dz.iter().enumerate() {
                    let gr = &mut g[r * (d + 1)..(r + 1) * (d + 1)];
                    for (gj, &xj) in gr[..d].iter_mut().zip(xi) {
                        *gj += dzr * xj as f64;
                    }
                    gr[d] += dzr;
                }
            }
        }
        self.regularised(p, grad, loss)
    }

    /// The mean of the summed row losses (and gradient) plus the L2 term, which spares the biases.
    fn regularised(&self, p: &[f64], grad: Option<&mut [f64]>, loss: f64) -> f64 {
        let (d, rows) = (self.dim, LogReg::rows(self.classes));
        let n = self.n as f64;
        let mut penalty = 0.0;
        for r in 0..rows {
            for j in 0..d {
                let w = p[r * (d + 1) + j];
                penalty += w * w;
            }
        }
        if let Some(g) = grad {
            for r in 0..rows {
                for j in 0..=d {
                    let at = r * (d + 1) + j;
                    g[at] /= n;
                    if j < d {
                        g[at] += self.l2 * p[at];
                    }
                }
            }
        }
        loss / n + 0.5 * self.l2 * penalty
    }
}

/// One row's log-loss and its derivative by each score `z`: binomial (one score) or multinomial,
/// both computed without overflowing `exp`.
fn row_loss(z: &[f64], label: usize) -> (f64, Vec<f64>) {
    let mut dz = vec![0.0; z.len()];
    if z.len() == 1 {
        let t = (label == 1) as u8 as f64;
        // log(1 + e^z) - t z, computed stably.
        let zi = z[0];
        dz[0] = 1.0 / (1.0 + (-zi).exp()) - t;
        return (zi.max(0.0) + (-zi.abs()).exp().ln_1p() - t * zi, dz);
    }
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = z.iter().map(|v| (v - max).exp()).sum();
    for (r, d) in dz.iter_mut().enumerate() {
        *d = (z[r] - max).exp() / sum - (r == label) as u8 as f64;
    }
    (max + sum.ln() - z[label], dz)
}

impl CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, p: &Vec<f64>) -> Result<f64, ArgminError> {
        Ok(self.both(p).0)
    }
}

impl Gradient for Problem<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, p: &Vec<f64>) -> Result<Vec<f64>, ArgminError> {
        Ok(self.both(p).1)
    }
}

struct Progress<F>(F);

impl<F: FnMut(u64, f64), I: State<Float = f64>> Observe<I> for Progress<F> {
    fn observe_iter(&mut self, state: &I, _kv: &KV) -> Result<(), ArgminError> {
        (self.0)(state.get_iter(), state.get_cost());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two separable blobs: the boundary is found and the classes come out right.
    #[test]
    fn separates_two_blobs_and_reports_convergence() {
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..40 {
            let s = (i % 7) as f32 / 10.0;
            x.extend([1.0 + s, 0.5 - s]);
            y.push(1);
            x.extend([-1.0 - s, -0.5 + s]);
            y.push(0);
        }
        let m = LogReg::train(&x, &y, 2, 2, 1.0, |_, _| {}).unwrap();
        assert!(m.converged && m.iterations > 1, "{m:?}");
        assert!(m.probs(&[1.2, 0.3])[1] > 0.8);
        assert!(m.probs(&[-1.2, -0.3])[0] > 0.8);
        let again = LogReg::train(&x, &y, 2, 2, 1.0, |_, _| {}).unwrap();
        assert_eq!(m, again, "deterministic");
    }

    #[test]
    fn three_classes_use_softmax() {
        let centres = [[2.0f32, 0.0], [-1.0, 1.7], [-1.0, -1.7]];
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for i in 0..60 {
            let c = i % 3;
            let jitter = (i / 3) as f32 / 40.0;
            x.extend([centres[c][0] + jitter, centres[c][1] - jitter]);
            y.push(c as u32);
        }
        let m = LogReg::train(&x, &y, 2, 3, 1.0, |_, _| {}).unwrap();
        for (c, centre) in centres.iter().enumerate() {
            let p = m.probs(centre);
            assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
            assert_eq!(crate::model::argmax(&p), c as u32, "{p:?}");
        }
    }

    #[test]
    fn refuses_one_class_and_too_few_rows() {
        let x = vec![0.5f32; 20];
        let e = LogReg::train(&x, &[1; 10], 2, 2, 1.0, |_, _| {}).unwrap_err();
        assert!(e.contains("single class"), "{e}");
        let e = LogReg::train(&x[..8], &[0, 1, 0, 1], 2, 2, 1.0, |_, _| {}).unwrap_err();
        assert!(e.contains("at least 10"), "{e}");
    }
}
