//! Confidence intervals of the global InterSHAP score and its pair shares.
//!
//! The global score is the interaction share of the mean matrix Φ̄, and Φ̄ rests
//! on two samples: the N explained rows and the B background rows that stand in
//! for absent modalities. Both vary from run to run, so the interval resamples
//! both — a two-way bootstrap on the first-order (Hájek) decomposition of Φ̄:
//!
//! Φ̄* = Φ̄ + (1/N) Σ_a (w_a − 1)(Φ(a) − Φ̄) + (1/B) Σ_b (w'_b − 1) E_b,
//!
//! with multinomial resampling weights w (rows) and w' (background rows), and E_b
//! the Shapley map applied to background row b's influence on the coalition
//! values (exact for the row part, first-order for the background part; the
//! dropped cross term is O(1/√(NB)) of the interval). The score and the pair
//! shares are recomputed from each Φ̄*, and the percentile interval follows the
//! skew the absolute values give near zero, where a delta-method interval would be
//! symmetric. (The bias-corrected percentile interval, which LSMI's adjusted atoms
//! need, covered no better here: 94 % against 95 % over 300 seeds with three
//! modalities, one pair share at 91 % against 96 %.) Each replicate also gives the rows-only and background-only
//! scores, whose spreads tell `--background auto` how far the background must
//! grow.
//!
//! Not included: the noise of permutation-sampled Shapley values (the same
//! permutations serve every row, so it does not average out over rows; it is
//! reported separately as standard errors).

use ndarray::{Array2, ArrayView2, ArrayView3, Axis};

use super::scores::{interaction_share, pair_shares};
use crate::rng::stream_id;
use crate::uncertainty::{self, Interval, IntervalMethod, UncertaintyConfig};

/// The intervals of one explained output.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreIntervals {
    /// Interval of the global score (a fraction).
    pub global: Interval,
    /// Interval of each pair's share, in the order of the explanation's pairs.
    pub pairs: Vec<Interval>,
    /// Standard error of the global score from the explained rows alone.
    pub std_err_rows: f64,
    /// Standard error of the global score from the background rows alone.
    pub std_err_background: f64,
}

impl ScoreIntervals {
    /// The half-width the interval would have with `factor` times the background
    /// rows (the background variance falls as 1/B), by the normal approximation.
    pub fn half_width_with_background(&self, factor: f64) -> f64 {
        let z = uncertainty::two_sided_z(self.global.level);
        z * (self.std_err_rows.powi(2) + self.std_err_background.powi(2) / factor).sqrt()
    }
}

/// Bootstrap intervals of the global score and pair shares from the per-row
/// matrices Φ(a) (`N × M × M`) and the background rows' influence matrices E_b
/// (`B × M × M`). `None` when `config.replicates` is 0.
pub fn score_intervals(
    rows: ArrayView3<'_, f64>,
    background: ArrayView3<'_, f64>,
    config: &UncertaintyConfig,
    seed: u64,
) -> Option<ScoreIntervals> {
    if config.replicates == 0 || rows.dim().0 == 0 {
        return None;
    }
    let mean = rows.mean_axis(Axis(0))?;
    let row_dev = &rows - &mean.view().insert_axis(Axis(0));
    let bg_mean = background.mean_axis(Axis(0))?;
    let bg_dev = &background - &bg_mean.view().insert_axis(Axis(0));
    let reps = uncertainty::replicates(
        config.replicates,
        seed,
        stream_id("intershap-bootstrap"),
        |rng| {
            let dr = resampled_mean(row_dev.view(), rng);
            let db = resampled_mean(bg_dev.view(), rng);
            Replicate {
                both: scores_of((&mean + &dr + &db).view()),
                rows: interaction_share((&mean + &dr).view()),
                background: interaction_share((&mean + &db).view()),
            }
        },
    );
    let n_pairs = pair_shares(mean.view()).len();
    let method = IntervalMethod::BootstrapRowsBackground;
    let column = |k: usize| -> Vec<f64> { reps.iter().map(|r| r.both[k]).collect() };
    let global = Interval::percentile(&mut column(0), config.level, method);
    let pairs = (1..=n_pairs)
        .map(|k| Interval::percentile(&mut column(k), config.level, method))
        .collect();
    let spread = |f: fn(&Replicate) -> f64| {
        uncertainty::standard_error(&reps.iter().map(f).collect::<Vec<_>>())
    };
    Some(ScoreIntervals {
        global,
        pairs,
        std_err_rows: spread(|r| r.rows),
        std_err_background: spread(|r| r.background),
    })
}

/// One bootstrap replicate: the global score and pair shares with both samples
/// resampled, and the global score with each resampled alone.
struct Replicate {
    both: Vec<f64>,
    rows: f64,
    background: f64,
}

/// `[global, pair shares…]` of a mean matrix.
fn scores_of(mean: ArrayView2<'_, f64>) -> Vec<f64> {
    let mut out = vec![interaction_share(mean)];
    out.extend(pair_shares(mean).iter().map(|p| p.share));
    out
}

/// The mean of a with-replacement resample of the rows of `dev` (`K × M × M`).
fn resampled_mean(dev: ArrayView3<'_, f64>, rng: &mut crate::rng::ChaCha8Rng) -> Array2<f64> {
    let (k, m, _) = dev.dim();
    let mut sum = Array2::<f64>::zeros((m, m));
    for i in uncertainty::resample_indices(k, rng) {
        sum += &dev.index_axis(Axis(0), i);
    }
    sum / k.max(1) as f64
}

/// Standard errors of local scores from the standard errors of the sampled Φ(a)
/// entries, by the delta method with the entries taken as independent (an
/// approximation: entries sharing a permutation are correlated).
pub fn local_std_errors(matrices: ArrayView3<'_, f64>, std_err: ArrayView3<'_, f64>) -> Vec<f64> {
    matrices
        .axis_iter(Axis(0))
        .zip(std_err.axis_iter(Axis(0)))
        .map(|(phi, se)| {
            let total: f64 = phi.iter().map(|v| v.abs()).sum();
            if total <= 0.0 {
                return 0.0;
            }
            let local = interaction_share(phi);
            let var: f64 = phi
                .indexed_iter()
                .map(|((i, j), v)| {
                    let off = if i == j { 0.0 } else { 1.0 };
                    let grad = v.signum() * (off - local) / total;
                    (grad * se[[i, j]]).powi(2)
                })
                .sum();
            var.sqrt()
        })
        .collect()
}
