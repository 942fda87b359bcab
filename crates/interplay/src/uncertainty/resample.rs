//! Seeded replicates (bootstrap resamples, shuffles) and the statistics of their
//! results.

use rand::Rng;
use rayon::prelude::*;

use crate::rng::{seeded, ChaCha8Rng};

/// `count` replicates of `statistic`, run in parallel. Replicate r draws from
/// its own stream (`stream + r` of `seed`), so the replicates are the same for
/// any thread count and any scheduling.
pub fn replicates<T, F>(count: usize, seed: u64, stream: u64, statistic: F) -> Vec<T>
where
    T: Send,
    F: Fn(&mut ChaCha8Rng) -> T + Sync,
{
    (0..count)
        .into_par_iter()
        .map(|r| statistic(&mut seeded(seed, stream.wrapping_add(r as u64))))
        .collect()
}

/// `n` indices drawn uniformly with replacement from `0..n`: one bootstrap
/// resample of `n` rows.
pub fn resample_indices(n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    (0..n).map(|_| rng.gen_range(0..n.max(1))).collect()
}

/// Sample standard deviation (n − 1) of the finite values; 0 with fewer than two.
pub fn standard_error(values: &[f64]) -> f64 {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.len() < 2 {
        return 0.0;
    }
    let n = finite.len() as f64;
    let mean = finite.iter().sum::<f64>() / n;
    (finite.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// One-sided permutation p-value of `observed` against its shuffle `null`:
/// (1 + #{null ≥ observed}) / (K + 1), never 0, so that a test with K shuffles
/// can claim no more than 1/(K + 1). A tolerance of 1e-12 (relative) treats
/// ties from identical tables as ties, not as smaller values.
pub fn p_value(observed: f64, null: &[f64]) -> f64 {
    let tol = 1e-12 * observed.abs().max(1.0);
    let at_least = null.iter().filter(|&&v| v >= observed - tol).count();
    (1 + at_least) as f64 / (null.len() + 1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicates_do_not_depend_on_threads() {
        let stat = |rng: &mut ChaCha8Rng| resample_indices(50, rng).iter().sum::<usize>();
        let a = replicates(64, 3, 11, stat);
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let b = one.install(|| replicates(64, 3, 11, stat));
        assert_eq!(a, b);
        assert_ne!(a, replicates(64, 4, 11, stat));
    }

    #[test]
    fn p_values_count_ties_and_never_reach_zero() {
        let null = [0.1, 0.2, 0.3, 0.4];
        assert!((p_value(0.5, &null) - 0.2).abs() < 1e-15);
        assert!((p_value(0.3, &null) - 0.6).abs() < 1e-15);
        assert!((p_value(0.0, &null) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn standard_error_is_the_sample_sd() {
        assert!((standard_error(&[1.0, 3.0]) - 2f64.sqrt()).abs() < 1e-15);
        assert_eq!(standard_error(&[1.0]), 0.0);
    }
}
