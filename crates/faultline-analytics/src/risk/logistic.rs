//! A ridge-penalised logistic regression fitted by Newton's method on standardised inputs: the
//! log-odds of a failure within the horizon is an intercept plus one named term per input, so
//! every score splits exactly into contributions.

/// Inputs are standardised with the training mean and spread; `coef[0]` is the intercept.
#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    pub mean: Vec<f64>,
    pub scale: Vec<f64>,
    pub coef: Vec<f64>,
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Solves `a x = b` (a symmetric positive definite) by Gaussian elimination with pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let piv = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col].clone();
            for (x, p) in a[row].iter_mut().zip(&pivot_row).skip(col) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| a[i][k] * x[k]).sum();
        x[i] = (b[i] - s) / a[i][i];
    }
    Some(x)
}

impl Logistic {
    /// Fits on rows `x` (all the same width) and labels `y`, with penalty `ridge` on every
    /// coefficient but the intercept. `None` when the data cannot support a fit.
    pub fn fit(x: &[Vec<f64>], y: &[bool], ridge: f64) -> Option<Self> {
        let n = x.len();
        let k = x.first()?.len();
        if n == 0 || y.len() != n {
            return None;
        }
        let mean: Vec<f64> = (0..k)
            .map(|j| x.iter().map(|r| r[j]).sum::<f64>() / n as f64)
            .collect();
        let scale: Vec<f64> = (0..k)
            .map(|j| {
                let v = x.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f64>() / n as f64;
                if v > 1e-12 {
                    v.sqrt()
                } else {
                    1.0
                }
            })
            .collect();
        let z: Vec<Vec<f64>> = x
            .iter()
            .map(|r| {
                std::iter::once(1.0)
                    .chain((0..k).map(|j| (r[j] - mean[j]) / scale[j]))
                    .collect()
            })
            .collect();
        let p = k + 1;
        let base = y.iter().filter(|&&v| v).count() as f64 / n as f64;
        let mut coef = vec![0.0; p];
        coef[0] = (base.clamp(1e-4, 1.0 - 1e-4) / (1.0 - base.clamp(1e-4, 1.0 - 1e-4))).ln();
        for _ in 0..30 {
            let mut grad = vec![0.0; p];
            let mut hess = vec![vec![0.0; p]; p];
            for (zi, &yi) in z.iter().zip(y) {
                let eta: f64 = zi.iter().zip(&coef).map(|(a, b)| a * b).sum();
                let mu = sigmoid(eta);
                let w = (mu * (1.0 - mu)).max(1e-9);
                let r = f64::from(u8::from(yi)) - mu;
                for a in 0..p {
                    grad[a] += r * zi[a];
                    for b in a..p {
                        hess[a][b] += w * zi[a] * zi[b];
                    }
                }
            }
            for a in 0..p {
                let column: Vec<f64> = hess.iter().take(a).map(|row| row[a]).collect();
                hess[a][..a].copy_from_slice(&column);
                if a > 0 {
                    grad[a] -= ridge * coef[a];
                    hess[a][a] += ridge;
                }
            }
            let step = solve(hess, grad)?;
            let size: f64 = step.iter().map(|s| s.abs()).sum();
            for (c, s) in coef.iter_mut().zip(&step) {
                *c += s;
            }
            if size < 1e-8 {
                break;
            }
        }
        coef.iter()
            .all(|c| c.is_finite())
            .then_some(Logistic { mean, scale, coef })
    }

    /// Each input's term of the log-odds (against the training average); their sum plus
    /// `coef[0]` is the log-odds.
    pub fn contributions(&self, x: &[f64]) -> Vec<f64> {
        x.iter()
            .enumerate()
            .map(|(j, v)| self.coef[j + 1] * (v - self.mean[j]) / self.scale[j])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_the_direction_of_a_clear_signal_and_contributions_add_up() {
        // Label is true exactly when the first input is above 5; the second is noise.
        let x: Vec<Vec<f64>> = (0..200)
            .map(|i| vec![f64::from(i % 10), f64::from((i * 7) % 3)])
            .collect();
        let y: Vec<bool> = x.iter().map(|r| r[0] > 5.0).collect();
        let Some(m) = Logistic::fit(&x, &y, 1.0) else {
            panic!("fit");
        };
        assert!(m.coef[1] > 1.0, "{:?}", m.coef);
        assert!(m.coef[2].abs() < m.coef[1] / 5.0, "{:?}", m.coef);
        let c = m.contributions(&[9.0, 1.0]);
        let logit = m.coef[0] + c.iter().sum::<f64>();
        assert!(sigmoid(logit) > 0.9);
        assert!(sigmoid(m.coef[0] + m.contributions(&[1.0, 1.0]).iter().sum::<f64>()) < 0.1);
    }

    #[test]
    fn no_rows_no_model() {
        assert_eq!(Logistic::fit(&[], &[], 1.0), None);
    }
}
