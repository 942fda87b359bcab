//! Permutation-sampling estimates of Shapley values and pairwise SII, for more
//! players than exact enumeration can afford.
//!
//! Each random permutation π of the M players gives one unbiased draw of every
//! quantity: φ_i from the coalition of i's predecessors, and SII_ij from
//! S = {k ≠ j : k precedes i} (the predecessors of i once j is removed, which has
//! exactly the Grabisch–Roubens weight distribution), averaged with the same draw
//! for the roles of i and j swapped. The same permutations serve every sample, so
//! all coalition values are requested from the caller in one batch. Per-permutation
//! φ draws telescope to v(M) − v(∅), so the estimated Φ is efficient exactly.

use ndarray::{Array2, Array3, ArrayView2};
use rand::seq::SliceRandom;
use std::collections::HashMap;

use super::matrix::{interaction_matrix, Interactions, StdErrors};
use crate::rng::{seeded, stream_id};
use crate::{Error, Result};

/// Largest number of players sampling handles (coalitions are 64-bit masks).
pub const MAX_SAMPLED_PLAYERS: usize = 63;

/// Settings of the permutation-sampling approximation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SamplingConfig {
    /// Number of random permutations (draws); the standard error falls as 1/√T.
    pub permutations: usize,
    /// Seed of the permutations.
    pub seed: u64,
}

impl Default for SamplingConfig {
    fn default() -> Self {
        SamplingConfig {
            permutations: 200,
            seed: 0,
        }
    }
}

/// Coalitions one permutation needs, as indices into the shared mask list.
struct Draw {
    /// Predecessor sets of the permutation: `prefix[t]` = first t players (t = 0..=M).
    prefix: Vec<usize>,
    /// Position of each player in the permutation.
    position: Vec<usize>,
    /// For every ordered pair (i, j), i ≠ j, at `i * M + j`: the indices of
    /// v(S), v(S∪i), v(S∪j), v(S∪ij) for S = predecessors of i other than j.
    pair: Vec<[usize; 4]>,
}

/// Estimate φ, SII and Φ of `n_samples` samples over `m` players.
///
/// `values(masks)` must return an `N × masks.len()` matrix of coalition values; it
/// is called once with every distinct coalition the permutations need.
pub fn permutation_sampling<F>(
    m: usize,
    n_samples: usize,
    config: &SamplingConfig,
    values: F,
) -> Result<Interactions>
where
    F: FnOnce(&[u64]) -> Result<Array2<f64>>,
{
    if !(2..=MAX_SAMPLED_PLAYERS).contains(&m) {
        return Err(Error::invalid(format!(
            "permutation sampling needs 2..={MAX_SAMPLED_PLAYERS} players, got {m}"
        )));
    }
    if config.permutations < 2 {
        return Err(Error::invalid(
            "permutation sampling needs at least 2 permutations for a standard error",
        ));
    }
    let mut rng = seeded(config.seed, stream_id("shapley-permutations"));
    let mut masks: Vec<u64> = Vec::new();
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut intern = |mask: u64| -> usize {
        *index.entry(mask).or_insert_with(|| {
            masks.push(mask);
            masks.len() - 1
        })
    };
    let mut draws = Vec::with_capacity(config.permutations);
    let mut order: Vec<usize> = (0..m).collect();
    for _ in 0..config.permutations {
        order.shuffle(&mut rng);
        let mut position = vec![0; m];
        let mut prefix = Vec::with_capacity(m + 1);
        let mut mask = 0u64;
        prefix.push(intern(0));
        for (t, &p) in order.iter().enumerate() {
            position[p] = t;
            mask |= 1 << p;
            prefix.push(intern(mask));
        }
        let mut pair = vec![[0; 4]; m * m];
        for i in 0..m {
            for j in (0..m).filter(|&j| j != i) {
                let s = (0..m)
                    .filter(|&k| k != j && position[k] < position[i])
                    .fold(0u64, |acc, k| acc | (1 << k));
                let (bi, bj) = (1u64 << i, 1u64 << j);
                pair[i * m + j] = [
                    intern(s),
                    intern(s | bi),
                    intern(s | bj),
                    intern(s | bi | bj),
                ];
            }
        }
        draws.push(Draw {
            prefix,
            position,
            pair,
        });
    }
    let v = values(&masks)?;
    if v.dim() != (n_samples, masks.len()) {
        return Err(Error::invalid(format!(
            "coalition values have shape {:?}, expected ({n_samples}, {})",
            v.dim(),
            masks.len()
        )));
    }
    if v.iter().any(|x| !x.is_finite()) {
        return Err(Error::invalid("coalition values contain NaN or infinity"));
    }
    Ok(estimate(m, v.view(), &draws))
}

/// Running sums of draws and squared draws for one array of estimates.
struct Moments {
    sum: Vec<f64>,
    sum_sq: Vec<f64>,
}

impl Moments {
    fn new(len: usize) -> Self {
        Moments {
            sum: vec![0.0; len],
            sum_sq: vec![0.0; len],
        }
    }

    fn add(&mut self, k: usize, x: f64) {
        self.sum[k] += x;
        self.sum_sq[k] += x * x;
    }

    /// Mean and standard error of the mean over `t` draws.
    fn mean_se(&self, k: usize, t: usize) -> (f64, f64) {
        let tf = t as f64;
        let mean = self.sum[k] / tf;
        let var = ((self.sum_sq[k] - tf * mean * mean) / (tf - 1.0)).max(0.0);
        (mean, (var / tf).sqrt())
    }
}

fn estimate(m: usize, v: ArrayView2<'_, f64>, draws: &[Draw]) -> Interactions {
    let n = v.nrows();
    let t = draws.len();
    let mut phi = Array2::<f64>::zeros((n, m));
    let mut sii = Array3::<f64>::zeros((n, m, m));
    let mut se_phi = Array2::<f64>::zeros((n, m));
    let mut se_sii = Array3::<f64>::zeros((n, m, m));
    let mut se_matrix = Array3::<f64>::zeros((n, m, m));
    for a in 0..n {
        let row = v.row(a);
        let mut m_phi = Moments::new(m);
        let mut m_sii = Moments::new(m * m);
        let mut m_mat = Moments::new(m * m);
        let mut draw_phi = vec![0.0; m];
        let mut draw_sii = vec![0.0; m * m];
        for d in draws {
            for (i, p) in draw_phi.iter_mut().enumerate() {
                let pos = d.position[i];
                *p = row[d.prefix[pos + 1]] - row[d.prefix[pos]];
            }
            for i in 0..m {
                for j in i + 1..m {
                    let delta = |q: [usize; 4]| row[q[3]] - row[q[1]] - row[q[2]] + row[q[0]];
                    let x = 0.5 * (delta(d.pair[i * m + j]) + delta(d.pair[j * m + i]));
                    draw_sii[i * m + j] = x;
                    draw_sii[j * m + i] = x;
                }
            }
            for i in 0..m {
                m_phi.add(i, draw_phi[i]);
                let mut off = 0.0;
                for j in (0..m).filter(|&j| j != i) {
                    m_sii.add(i * m + j, draw_sii[i * m + j]);
                    m_mat.add(i * m + j, draw_sii[i * m + j] / 2.0);
                    off += draw_sii[i * m + j] / 2.0;
                }
                m_mat.add(i * m + i, draw_phi[i] - off);
            }
        }
        for i in 0..m {
            (phi[[a, i]], se_phi[[a, i]]) = m_phi.mean_se(i, t);
            for j in 0..m {
                if i != j {
                    (sii[[a, i, j]], se_sii[[a, i, j]]) = m_sii.mean_se(i * m + j, t);
                }
                se_matrix[[a, i, j]] = m_mat.mean_se(i * m + j, t).1;
            }
        }
    }
    let matrix = interaction_matrix(phi.view(), sii.view());
    Interactions {
        phi,
        sii,
        matrix,
        std_err: Some(StdErrors {
            phi: se_phi,
            sii: se_sii,
            matrix: se_matrix,
        }),
    }
}
