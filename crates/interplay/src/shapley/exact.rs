//! Exact Shapley values and pairwise Shapley interaction indices by enumerating all
//! 2^M coalitions, with the coalition-size weights computed once per call.

use ndarray::{Array2, Array3, ArrayView2, Axis};
use rayon::prelude::*;

use super::matrix::{interaction_matrix, Interactions};
use crate::{Error, Result};

/// Largest number of players enumerated exactly: 2^12 = 4 096 coalition values per
/// sample. Beyond it, use [`super::sampling`].
pub const MAX_EXACT_PLAYERS: usize = 12;

/// Shapley weight of a coalition of size `s` (not containing the player):
/// s!(m−s−1)!/m! = 1 / (m · C(m−1, s)).
pub fn sv_weights(m: usize) -> Vec<f64> {
    (0..m)
        .map(|s| 1.0 / (m as f64 * binomial(m - 1, s)))
        .collect()
}

/// Grabisch–Roubens weight of a coalition of size `s` (containing neither player of
/// the pair): s!(m−s−2)!/(m−1)! = 1 / ((m−1) · C(m−2, s)).
pub fn sii_weights(m: usize) -> Vec<f64> {
    if m < 2 {
        return Vec::new();
    }
    (0..m - 1)
        .map(|s| 1.0 / ((m - 1) as f64 * binomial(m - 2, s)))
        .collect()
}

/// C(n, k) in f64; exact for the small n used here.
fn binomial(n: usize, k: usize) -> f64 {
    let k = k.min(n - k);
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// Shapley values, pairwise SII and the InterSHAP matrix of every sample.
///
/// `values` is `N × 2^M`: row `a` holds v(S) of sample `a` at column `S` (the bit
/// mask), with v(∅) in column 0 and v(M) in the last column. Samples are processed in
/// parallel; the result does not depend on the thread count.
pub fn exact(values: ArrayView2<'_, f64>) -> Result<Interactions> {
    let m = super::players_for_len(values.ncols()).ok_or_else(|| {
        Error::invalid(format!(
            "coalition values need 2^M columns for M ≥ 2 players, got {}",
            values.ncols()
        ))
    })?;
    if m > MAX_EXACT_PLAYERS {
        return Err(Error::invalid(format!(
            "exact enumeration supports at most {MAX_EXACT_PLAYERS} players, got {m}; use permutation sampling"
        )));
    }
    if values.iter().any(|v| !v.is_finite()) {
        return Err(Error::invalid("coalition values contain NaN or infinity"));
    }
    let n = values.nrows();
    let wsv = sv_weights(m);
    let wsii = sii_weights(m);
    let mut phi = Array2::<f64>::zeros((n, m));
    let mut sii = Array3::<f64>::zeros((n, m, m));
    phi.axis_iter_mut(Axis(0))
        .into_par_iter()
        .zip(sii.axis_iter_mut(Axis(0)).into_par_iter())
        .zip(values.axis_iter(Axis(0)).into_par_iter())
        .for_each(|((mut phi_a, mut sii_a), v)| {
            let v = v
                .as_slice()
                .map(<[f64]>::to_vec)
                .unwrap_or_else(|| v.to_vec());
            for s in 0..(1usize << m) {
                let size = s.count_ones() as usize;
                for i in (0..m).filter(|i| s & (1 << i) == 0) {
                    let with_i = s | (1 << i);
                    phi_a[i] += wsv[size] * (v[with_i] - v[s]);
                    for j in (i + 1..m).filter(|j| s & (1 << j) == 0) {
                        let delta = v[with_i | (1 << j)] - v[with_i] - v[s | (1 << j)] + v[s];
                        sii_a[[i, j]] += wsii[size] * delta;
                    }
                }
            }
            for i in 0..m {
                for j in i + 1..m {
                    sii_a[[j, i]] = sii_a[[i, j]];
                }
            }
        });
    let matrix = interaction_matrix(phi.view(), sii.view());
    Ok(Interactions {
        phi,
        sii,
        matrix,
        std_err: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_sum_to_one_over_coalition_counts() {
        for m in 2..=12 {
            let s: f64 = sv_weights(m)
                .iter()
                .enumerate()
                .map(|(s, w)| w * binomial(m - 1, s))
                .sum();
            assert!((s - 1.0).abs() < 1e-12, "m={m}: {s}");
            let s: f64 = sii_weights(m)
                .iter()
                .enumerate()
                .map(|(s, w)| w * binomial(m - 2, s))
                .sum();
            assert!((s - 1.0).abs() < 1e-12, "m={m}: {s}");
        }
    }
}
