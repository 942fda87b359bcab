//! InterSHAP scores from interaction matrices: the share of |Φ| off the diagonal,
//! per sample (local) and for the mean matrix (global), with a per-pair breakdown.

use ndarray::{Array2, ArrayView2, ArrayView3, Axis};

/// Σ_{i≠j} |Φ_ij| / Σ_{i,j} |Φ_ij| of one M × M matrix; 0 when the matrix is all zero.
pub fn interaction_share(matrix: ArrayView2<'_, f64>) -> f64 {
    let (mut off, mut total) = (0.0, 0.0);
    for ((i, j), v) in matrix.indexed_iter() {
        total += v.abs();
        if i != j {
            off += v.abs();
        }
    }
    if total > 0.0 {
        off / total
    } else {
        0.0
    }
}

/// Local InterSHAP of every sample of an `N × M × M` stack of matrices.
pub fn local_scores(matrices: ArrayView3<'_, f64>) -> Vec<f64> {
    matrices.axis_iter(Axis(0)).map(interaction_share).collect()
}

/// The mean matrix Φ̄ = (1/N) Σ_a Φ(a) of an `N × M × M` stack (zeros when N = 0).
pub fn mean_matrix(matrices: ArrayView3<'_, f64>) -> Array2<f64> {
    let (_, m, _) = matrices.dim();
    matrices
        .mean_axis(Axis(0))
        .unwrap_or_else(|| Array2::zeros((m, m)))
}

/// One unordered modality pair's part of the global score.
#[derive(Debug, Clone, PartialEq)]
pub struct PairShare {
    /// First modality, 1-based.
    pub i: usize,
    /// Second modality, 1-based (> `i`).
    pub j: usize,
    /// Φ̄_ij + Φ̄_ji = mean SII_ij, signed.
    pub interaction: f64,
    /// (|Φ̄_ij| + |Φ̄_ji|) / Σ_{k,l} |Φ̄_kl|: the pair's part of the global score
    /// (the shares of all pairs add up to the global InterSHAP fraction).
    pub share: f64,
}

/// The per-pair breakdown of the global score from the mean matrix Φ̄.
pub fn pair_shares(mean: ArrayView2<'_, f64>) -> Vec<PairShare> {
    let m = mean.nrows();
    let total: f64 = mean.iter().map(|v| v.abs()).sum();
    let mut pairs = Vec::with_capacity(m * (m.saturating_sub(1)) / 2);
    for i in 0..m {
        for j in i + 1..m {
            let abs = mean[[i, j]].abs() + mean[[j, i]].abs();
            pairs.push(PairShare {
                i: i + 1,
                j: j + 1,
                interaction: mean[[i, j]] + mean[[j, i]],
                share: if total > 0.0 { abs / total } else { 0.0 },
            });
        }
    }
    pairs
}

/// Mean and (population) standard deviation of a list; (0, 0) when empty.
pub fn mean_std(xs: &[f64]) -> (f64, f64) {
    if xs.is_empty() {
        return (0.0, 0.0);
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}
