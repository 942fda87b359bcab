//! Principal component projection for the discretisation step of continuous PID.
//!
//! Small widths use the exact covariance eigendecomposition (cyclic Jacobi);
//! wide inputs use a seeded randomised subspace iteration, which only needs
//! products with the data matrix and is exact enough for clustering.

use ndarray::{Array1, Array2, Axis};
use rand::Rng;
use rand_distr::StandardNormal;

use crate::rng::ChaCha8Rng;

/// Project the rows of `x` (n × d, f64) onto their top `k` principal components
/// (after centring). Returns n × min(k, d). Signs are fixed so the largest
/// loading of each component is positive, making the output deterministic.
pub(crate) fn project(x: &Array2<f64>, k: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    let d = x.ncols();
    let mean = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(d));
    let centred = x - &mean;
    if k >= d {
        return centred;
    }
    let basis = if d <= 64 {
        let cov = centred.t().dot(&centred);
        let (values, vectors) = symmetric_eigen(cov);
        top_columns(&values, &vectors, k)
    } else {
        randomised_basis(&centred, k, rng)
    };
    centred.dot(&basis)
}

/// Top-k principal directions (d × k) by subspace iteration with oversampling.
fn randomised_basis(xc: &Array2<f64>, k: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    let d = xc.ncols();
    let l = (k + 10).min(d);
    let mut q = Array2::from_shape_fn((d, l), |_| rng.sample::<f64, _>(StandardNormal));
    orthonormalise(&mut q);
    for _ in 0..12 {
        let mut z = xc.t().dot(&xc.dot(&q));
        orthonormalise(&mut z);
        q = z;
    }
    let b = xc.dot(&q);
    let small = b.t().dot(&b);
    let (values, vectors) = symmetric_eigen(small);
    q.dot(&top_columns(&values, &vectors, k))
}

/// The eigenvectors of the k largest eigenvalues, sign-normalised.
fn top_columns(values: &Array1<f64>, vectors: &Array2<f64>, k: usize) -> Array2<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| values[j].total_cmp(&values[i]).then(i.cmp(&j)));
    let mut out = Array2::zeros((vectors.nrows(), k));
    for (c, &i) in order.iter().take(k).enumerate() {
        let mut col = vectors.column(i).to_owned();
        let lead = col
            .iter()
            .copied()
            .fold(0.0f64, |m, v| if v.abs() > m.abs() { v } else { m });
        if lead < 0.0 {
            col.mapv_inplace(|v| -v);
        }
        out.column_mut(c).assign(&col);
    }
    out
}

/// Modified Gram–Schmidt on the columns (a dependent column becomes zero).
fn orthonormalise(m: &mut Array2<f64>) {
    for j in 0..m.ncols() {
        for i in 0..j {
            let dot = m.column(i).dot(&m.column(j));
            let ci = m.column(i).to_owned();
            m.column_mut(j).scaled_add(-dot, &ci);
        }
        let norm = m.column(j).dot(&m.column(j)).sqrt();
        if norm > 1e-300 {
            m.column_mut(j).mapv_inplace(|v| v / norm);
        } else {
            m.column_mut(j).fill(0.0);
        }
    }
}

/// Eigenvalues and eigenvectors (columns) of a symmetric matrix by cyclic Jacobi.
pub(crate) fn symmetric_eigen(mut a: Array2<f64>) -> (Array1<f64>, Array2<f64>) {
    let n = a.nrows();
    let mut v = Array2::<f64>::eye(n);
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[[i, j]] * a[[i, j]])
            .sum();
        let scale: f64 = a.iter().map(|x| x * x).sum::<f64>();
        if off <= 1e-30 * scale.max(1e-300) {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[[p, q]];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[[q, q]] - a[[p, p]]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s_ = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[[k, p]], a[[k, q]]);
                    a[[k, p]] = c * akp - s_ * akq;
                    a[[k, q]] = s_ * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[[p, k]], a[[q, k]]);
                    a[[p, k]] = c * apk - s_ * aqk;
                    a[[q, k]] = s_ * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[[k, p]], v[[k, q]]);
                    v[[k, p]] = c * vkp - s_ * vkq;
                    v[[k, q]] = s_ * vkp + c * vkq;
                }
            }
        }
    }
    let values = a.diag().to_owned();
    (values, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jacobi_recovers_known_eigenvalues() {
        let a = ndarray::array![[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 5.0]];
        let (vals, vecs) = symmetric_eigen(a.clone());
        let mut sorted = vals.to_vec();
        sorted.sort_by(f64::total_cmp);
        for (g, w) in sorted.iter().zip([1.0, 3.0, 5.0]) {
            assert!((g - w).abs() < 1e-12);
        }
        let recon = vecs.dot(&Array2::from_diag(&vals)).dot(&vecs.t());
        assert!((recon - a).iter().all(|e| e.abs() < 1e-12));
    }

    #[test]
    fn projection_finds_the_dominant_direction() {
        let mut rng = crate::rng::seeded(1, 2);
        // Points along (1, 1, 0, …) with small noise in 80 dimensions.
        let n = 200;
        let d = 80;
        let x = Array2::from_shape_fn((n, d), |(i, j)| {
            let t = i as f64 / n as f64 - 0.5;
            let noise = ((i * 31 + j * 17) % 13) as f64 * 1e-3;
            if j < 2 {
                t + noise
            } else {
                noise
            }
        });
        let z = project(&x, 1, &mut rng);
        // The projected coordinate is ≈ √2 · t.
        let spread = z.column(0).iter().fold(0.0f64, |m, v| m.max(v.abs()));
        assert!((spread - 0.5 * 2f64.sqrt()).abs() < 0.02, "{spread}");
    }
}
