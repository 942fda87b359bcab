//! The InterSHAP matrix Φ built from Shapley values and pairwise interaction indices.

use ndarray::{Array2, Array3, ArrayView2, ArrayView3};

/// Per-sample Shapley quantities of M players for N samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Interactions {
    /// Shapley values φ, `N × M`.
    pub phi: Array2<f64>,
    /// Pairwise Shapley interaction index, `N × M × M`, symmetric with a zero diagonal.
    pub sii: Array3<f64>,
    /// InterSHAP matrix Φ, `N × M × M`: off-diagonal SII/2, diagonal the main effects.
    /// Each sample's matrix sums to v(M) − v(∅).
    pub matrix: Array3<f64>,
    /// Standard errors of a sampling approximation (`None` when exact).
    pub std_err: Option<StdErrors>,
}

/// Standard errors of sampled estimates, with the shapes of the estimates.
#[derive(Debug, Clone, PartialEq)]
pub struct StdErrors {
    /// Standard error of each φ, `N × M`.
    pub phi: Array2<f64>,
    /// Standard error of each SII, `N × M × M`.
    pub sii: Array3<f64>,
    /// Standard error of each Φ entry, `N × M × M`.
    pub matrix: Array3<f64>,
}

impl Interactions {
    /// Number of samples.
    pub fn n_samples(&self) -> usize {
        self.phi.nrows()
    }

    /// Number of players.
    pub fn n_players(&self) -> usize {
        self.phi.ncols()
    }
}

/// Φ from φ (`N × M`) and SII (`N × M × M`): Φ_ij = SII_ij / 2 off the diagonal and
/// Φ_ii = φ_i − Σ_{j≠i} Φ_ij, so that each sample's Φ sums to Σ_i φ_i.
pub fn interaction_matrix(phi: ArrayView2<'_, f64>, sii: ArrayView3<'_, f64>) -> Array3<f64> {
    let (n, m) = phi.dim();
    let mut out = Array3::<f64>::zeros((n, m, m));
    for a in 0..n {
        for i in 0..m {
            let mut off = 0.0;
            for j in (0..m).filter(|&j| j != i) {
                let half = sii[[a, i, j]] / 2.0;
                out[[a, i, j]] = half;
                off += half;
            }
            out[[a, i, i]] = phi[[a, i]] - off;
        }
    }
    out
}
