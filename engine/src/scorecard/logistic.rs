//! Logistic regression by maximum likelihood (Newton–Raphson, which for the logit link is IRLS),
//! with an optional L2 penalty on the slopes (never on the intercept), and standard errors from the
//! inverse of the information matrix. The model has at most a few hundred variables, so the linear
//! algebra is a Cholesky factorisation written out here.

use serde::{Deserialize, Serialize};

use super::error::{Result, ScorecardError};

/// A fitted logistic regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticFit {
    pub intercept: f64,
    pub coefficients: Vec<f64>,
    pub intercept_std_error: f64,
    pub std_errors: Vec<f64>,
    /// Log-likelihood at the optimum (without the penalty).
    pub log_likelihood: f64,
    pub iterations: usize,
}

const MAX_ITERATIONS: usize = 100;
const TOLERANCE: f64 = 1e-10;

/// Row-major design without the intercept column: `x[i * p + j]` is variable `j` of row `i`.
pub struct Design<'a> {
    pub x: &'a [f64],
    pub rows: usize,
    pub columns: usize,
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// log(1 + e^z) without overflow.
fn log1p_exp(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

fn log_likelihood(design: &Design, y: &[bool], beta: &[f64]) -> f64 {
    let p = design.columns;
    (0..design.rows)
        .map(|i| {
            let row = &design.x[i * p..(i + 1) * p];
            let eta = beta[0] + row.iter().zip(&beta[1..]).map(|(a, b)| a * b).sum::<f64>();
            if y[i] {
                -log1p_exp(-eta)
            } else {
                -log1p_exp(eta)
            }
        })
        .sum()
}

/// Fits `P(bad) = σ(b0 + Σ bj xj)` to `y` (true = bad).
pub fn fit(design: &Design, y: &[bool], l2: f64) -> Result<LogisticFit> {
    let p = design.columns;
    let k = p + 1;
    let n = design.rows;
    let mut beta = vec![0.0; k];
    let penalised =
        |beta: &[f64], ll: f64| ll - 0.5 * l2 * beta[1..].iter().map(|b| b * b).sum::<f64>();
    let mut objective = penalised(&beta, log_likelihood(design, y, &beta));
    let mut hessian = vec![0.0; k * k];
    let mut iterations = 0;
    let mut converged = false;
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        let mut gradient = vec![0.0; k];
        hessian.iter_mut().for_each(|h| *h = 0.0);
        let mut z = vec![0.0; k];
        z[0] = 1.0;
        for (i, &is_bad) in y.iter().enumerate().take(n) {
            let row = &design.x[i * p..(i + 1) * p];
            z[1..].copy_from_slice(row);
            let eta: f64 = z.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let mu = sigmoid(eta);
            let residual = if is_bad { 1.0 - mu } else { -mu };
            let w = mu * (1.0 - mu);
            for a in 0..k {
                gradient[a] += residual * z[a];
                let wa = w * z[a];
                if wa != 0.0 {
                    let h = &mut hessian[a * k..a * k + a + 1];
                    for (hb, zb) in h.iter_mut().zip(&z[..=a]) {
                        *hb += wa * zb;
                    }
                }
            }
        }
        for a in 1..k {
            gradient[a] -= l2 * beta[a];
            hessian[a * k + a] += l2;
        }
        let factor = cholesky(&hessian, k).ok_or(ScorecardError::Singular)?;
        let step = cholesky_solve(&factor, k, &gradient);
        // Step halving keeps the penalised likelihood from falling.
        let mut scale = 1.0;
        let mut accepted = false;
        for _ in 0..30 {
            let trial: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + scale * s).collect();
            let trial_objective = penalised(&trial, log_likelihood(design, y, &trial));
            if trial_objective >= objective - 1e-12 * objective.abs() {
                beta = trial;
                objective = trial_objective;
                accepted = true;
                break;
            }
            scale *= 0.5;
        }
        let largest = step.iter().map(|s| (s * scale).abs()).fold(0.0, f64::max);
        if !accepted || largest < TOLERANCE {
            converged = true;
            break;
        }
    }
    if !converged {
        return Err(ScorecardError::NotConverged(MAX_ITERATIONS));
    }
    // Standard errors from the information matrix at the optimum.
    let info = information(design, &beta, l2);
    let factor = cholesky(&info, k).ok_or(ScorecardError::Singular)?;
    let mut std_errors = Vec::with_capacity(k);
    for a in 0..k {
        let mut e = vec![0.0; k];
        e[a] = 1.0;
        let column = cholesky_solve(&factor, k, &e);
        std_errors.push(column[a].max(0.0).sqrt());
    }
    Ok(LogisticFit {
        intercept: beta[0],
        coefficients: beta[1..].to_vec(),
        intercept_std_error: std_errors[0],
        std_errors: std_errors[1..].to_vec(),
        log_likelihood: log_likelihood(design, y, &beta),
        iterations,
    })
}

fn information(design: &Design, beta: &[f64], l2: f64) -> Vec<f64> {
    let p = design.columns;
    let k = p + 1;
    let mut h = vec![0.0; k * k];
    let mut z = vec![0.0; k];
    z[0] = 1.0;
    for i in 0..design.rows {
        z[1..].copy_from_slice(&design.x[i * p..(i + 1) * p]);
        let eta: f64 = z.iter().zip(beta).map(|(a, b)| a * b).sum();
        let mu = sigmoid(eta);
        let w = mu * (1.0 - mu);
        for a in 0..k {
            for b in 0..=a {
                h[a * k + b] += w * z[a] * z[b];
            }
        }
    }
    for a in 1..k {
        h[a * k + a] += l2;
    }
    h
}

/// Lower-triangular Cholesky factor of a symmetric positive definite matrix given by its lower
/// triangle (row-major); `None` when it is not positive definite.
fn cholesky(a: &[f64], k: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            let mut sum = a[i * k + j];
            for m in 0..j {
                sum -= l[i * k + m] * l[j * k + m];
            }
            if i == j {
                if sum <= 1e-300 || !sum.is_finite() {
                    return None;
                }
                l[i * k + i] = sum.sqrt();
            } else {
                l[i * k + j] = sum / l[j * k + j];
            }
        }
    }
    Some(l)
}

fn cholesky_solve(l: &[f64], k: usize, b: &[f64]) -> Vec<f64> {
    let mut y = vec![0.0; k];
    for i in 0..k {
        let mut sum = b[i];
        for m in 0..i {
            sum -= l[i * k + m] * y[m];
        }
        y[i] = sum / l[i * k + i];
    }
    let mut x = vec![0.0; k];
    for i in (0..k).rev() {
        let mut sum = y[i];
        for m in i + 1..k {
            sum -= l[m * k + i] * x[m];
        }
        x[i] = sum / l[i * k + i];
    }
    x
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solves_a_small_system() {
        // [[4, 2], [2, 3]] x = [2, 1] → x = [0.5, 0]
        let a = [4.0, 0.0, 2.0, 3.0];
        let l = cholesky(&a, 2).unwrap();
        let x = cholesky_solve(&l, 2, &[2.0, 1.0]);
        assert!((x[0] - 0.5).abs() < 1e-12 && x[1].abs() < 1e-12);
    }

    #[test]
    fn an_intercept_only_fit_recovers_the_log_odds() {
        let y = [true, false, false, false];
        let design = Design {
            x: &[],
            rows: 4,
            columns: 0,
        };
        let fit = fit(&design, &y, 0.0).unwrap();
        assert!((fit.intercept - (1.0f64 / 3.0).ln()).abs() < 1e-9);
    }
}
