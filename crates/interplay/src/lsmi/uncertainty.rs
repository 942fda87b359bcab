//! Confidence intervals of LSMI's dataset means, and the spread of refits under
//! other seeds.
//!
//! Two sources of error, reported separately:
//!
//! * **Sampling** (which rows were evaluated): a bootstrap over the evaluated rows.
//!   Each replicate recomputes the mean raw atoms, the mean PMIs and — for the
//!   adjusted atoms — the dataset-level shift itself, since [`adjustment`] depends
//!   on the means: a shift fixed at its full-sample value would hide its own
//!   variability and understate the error whenever a mean atom is near 0.
//! * **Fitting** (which seed initialised the networks): `--repeats K` refits with
//!   seeds `seed, seed + 1, …, seed + K − 1` on the same rows;
//!   [`summarise_repeats`] reports the between-seed spread and a combined normal
//!   interval (sampling SE² + between-seed variance / K).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::atoms::{adjustment, pointwise_atoms, Atoms};
use super::estimate::{LsmiResult, PairEstimate};
use super::models::LsmiConfig;
use crate::params::{Checked, Validate};
use crate::rng::stream_id;
use crate::uncertainty::{
    replicates, resample_indices, standard_error, Interval, IntervalMethod, UncertaintyConfig,
};
use crate::{Error, Result};

/// Most refits `--repeats` accepts (each is a full LSMI fit; beyond this the
/// between-seed variance is known far better than the sampling error).
pub const MAX_REPEATS: usize = 100;

/// Intervals of the four mean atoms.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AtomIntervals {
    /// Interval of the mean redundancy R.
    pub redundancy: Interval,
    /// Interval of the mean uniqueness U1 of modality 1.
    pub uniqueness_1: Interval,
    /// Interval of the mean uniqueness U2 of modality 2.
    pub uniqueness_2: Interval,
    /// Interval of the mean synergy S.
    pub synergy: Interval,
}

impl AtomIntervals {
    /// The intervals in R, U1, U2, S order.
    pub fn to_array(&self) -> [Interval; 4] {
        [
            self.redundancy,
            self.uniqueness_1,
            self.uniqueness_2,
            self.synergy,
        ]
    }

    fn from_array(v: [Interval; 4]) -> Self {
        AtomIntervals {
            redundancy: v[0],
            uniqueness_1: v[1],
            uniqueness_2: v[2],
            synergy: v[3],
        }
    }

    /// Every interval scaled by `factor` (nats → bits).
    pub fn scaled(&self, factor: f64) -> Self {
        Self::from_array(self.to_array().map(|i| i.scaled(factor)))
    }
}

/// Intervals of the three mean pointwise mutual informations.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MiIntervals {
    /// Interval of Ī(X1;Y).
    pub x1_y: Interval,
    /// Interval of Ī(X2;Y).
    pub x2_y: Interval,
    /// Interval of Ī(X1,X2;Y).
    pub x1x2_y: Interval,
}

impl MiIntervals {
    /// Every interval scaled by `factor` (nats → bits).
    pub fn scaled(&self, factor: f64) -> Self {
        MiIntervals {
            x1_y: self.x1_y.scaled(factor),
            x2_y: self.x2_y.scaled(factor),
            x1x2_y: self.x1x2_y.scaled(factor),
        }
    }
}

/// The sampling intervals of one pair's dataset means (nats).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PairIntervals {
    /// Intervals of the adjusted mean atoms (the shift recomputed per replicate).
    pub adjusted: AtomIntervals,
    /// Intervals of the raw mean atoms.
    pub raw: AtomIntervals,
    /// Intervals of the mean PMIs.
    pub mi: MiIntervals,
}

/// Per-row values whose means are reported: raw r, u1, u2, s, then i1, i2, i12.
const VALUES: usize = 7;

fn rows_of(p: &PairEstimate) -> Vec<[f64; VALUES]> {
    (0..p.i1.len())
        .map(|r| {
            let a = pointwise_atoms(p.i1[r], p.i2[r], p.i12[r], p.h1[r], p.h2[r]);
            [
                a.redundancy,
                a.uniqueness_1,
                a.uniqueness_2,
                a.synergy,
                p.i1[r],
                p.i2[r],
                p.i12[r],
            ]
        })
        .collect()
}

/// The reported statistics of a set of rows: adjusted atoms, raw atoms, PMIs.
fn statistics(rows: impl Iterator<Item = [f64; VALUES]>, adjust: bool) -> [f64; 11] {
    let mut sum = [0.0; VALUES];
    let mut n = 0usize;
    for row in rows {
        sum.iter_mut().zip(row).for_each(|(s, v)| *s += v);
        n += 1;
    }
    let m = sum.map(|s| s / n.max(1) as f64);
    let raw = Atoms {
        redundancy: m[0],
        uniqueness_1: m[1],
        uniqueness_2: m[2],
        synergy: m[3],
    };
    let adjusted = raw.shifted(if adjust { adjustment(&raw) } else { 0.0 });
    [
        adjusted.redundancy,
        adjusted.uniqueness_1,
        adjusted.uniqueness_2,
        adjusted.synergy,
        m[0],
        m[1],
        m[2],
        m[3],
        m[4],
        m[5],
        m[6],
    ]
}

fn assemble(v: [Interval; 11]) -> PairIntervals {
    PairIntervals {
        adjusted: AtomIntervals::from_array([v[0], v[1], v[2], v[3]]),
        raw: AtomIntervals::from_array([v[4], v[5], v[6], v[7]]),
        mi: MiIntervals {
            x1_y: v[8],
            x2_y: v[9],
            x1x2_y: v[10],
        },
    }
}

/// The sampling intervals of one pair's means (nats).
///
/// With `config.replicates > 0`: bias-corrected percentile intervals of a bootstrap over the
/// evaluated rows, from seed `seed` and the stream `lsmi-bootstrap` (every pair
/// resamples the same rows in a replicate, so pairs stay comparable), with the
/// shift recomputed per replicate when `adjust`. With 0 replicates: normal
/// intervals from the per-row standard error; the adjusted atoms then take the
/// raw atoms' standard error, treating the shift as fixed (which understates the
/// error when the shift is near a branch change — hence the bootstrap default).
pub fn pair_intervals(
    p: &PairEstimate,
    adjust: bool,
    config: &UncertaintyConfig,
    seed: u64,
) -> PairIntervals {
    let rows = rows_of(p);
    let n = rows.len();
    let estimate = statistics(rows.iter().copied(), adjust);
    if config.replicates == 0 {
        let se: Vec<f64> = (0..VALUES)
            .map(|k| {
                let column: Vec<f64> = rows.iter().map(|r| r[k]).collect();
                standard_error(&column) / (n.max(1) as f64).sqrt()
            })
            .collect();
        // Adjusted atoms share the raw atoms' errors; then raw atoms and PMIs.
        let se_of = |k: usize| if k < 4 { se[k] } else { se[k - 4] };
        let intervals: [Interval; 11] = std::array::from_fn(|k| {
            Interval::normal(
                estimate[k],
                se_of(k),
                config.level,
                IntervalMethod::NormalRows,
            )
        });
        return assemble(intervals);
    }
    let reps = replicates(
        config.replicates,
        seed,
        stream_id("lsmi-bootstrap"),
        |rng| {
            let idx = resample_indices(n, rng);
            statistics(idx.iter().map(|&i| rows[i]), adjust)
        },
    );
    let intervals: [Interval; 11] = std::array::from_fn(|k| {
        let mut column: Vec<f64> = reps.iter().map(|r| r[k]).collect();
        Interval::bias_corrected(
            &mut column,
            estimate[k],
            config.level,
            IntervalMethod::BootstrapRowsBiasCorrected,
        )
    });
    assemble(intervals)
}

/// The sampling intervals of every pair of `result` (nats), in pair order.
pub fn intervals(
    result: &LsmiResult,
    adjust: bool,
    config: &UncertaintyConfig,
    seed: u64,
) -> Vec<PairIntervals> {
    result
        .pairs
        .iter()
        .map(|p| pair_intervals(p, adjust, config, seed))
        .collect()
}

/// The seeds of `count` refits starting at `seed`: `seed, seed + 1, …`
/// (wrapping), so the first refit is exactly the single-seed run.
pub fn repeat_seeds(seed: u64, count: usize) -> Vec<u64> {
    (0..count as u64).map(|r| seed.wrapping_add(r)).collect()
}

/// The checked configs of `repeats` refits: `config` with seeds
/// [`repeat_seeds`]`(config.seed, repeats)`, the first being `config` itself.
/// `repeats` must lie in 1..=[`MAX_REPEATS`].
pub fn refit_configs(
    config: &Checked<LsmiConfig>,
    repeats: usize,
) -> Result<Vec<Checked<LsmiConfig>>> {
    crate::params::at_least("repeats", repeats, 1)?;
    crate::params::at_most("repeats", repeats, MAX_REPEATS)?;
    repeat_seeds(config.seed, repeats)
        .into_iter()
        .map(|seed| LsmiConfig { seed, ..**config }.validate())
        .collect()
}

/// One atom over refits with different seeds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RepeatedAtom {
    /// Mean of the atom over the refits.
    pub mean: f64,
    /// Standard deviation (n − 1) of the atom between refits: the error due to
    /// the seed alone.
    pub between_seed_sd: f64,
    /// Sampling standard error (bootstrap SE over rows), averaged over refits.
    pub sampling_se: f64,
    /// Normal interval centred on `mean` with SE² = `sampling_se`² +
    /// `between_seed_sd`² / K (the mean over K seeds has 1/K of one seed's
    /// fitting variance).
    pub interval: Interval,
}

impl RepeatedAtom {
    fn scaled(&self, factor: f64) -> Self {
        RepeatedAtom {
            mean: self.mean * factor,
            between_seed_sd: self.between_seed_sd * factor.abs(),
            sampling_se: self.sampling_se * factor.abs(),
            interval: self.interval.scaled(factor),
        }
    }
}

/// The four atoms over refits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RepeatedAtoms {
    /// Redundancy R.
    pub redundancy: RepeatedAtom,
    /// Uniqueness U1 of modality 1.
    pub uniqueness_1: RepeatedAtom,
    /// Uniqueness U2 of modality 2.
    pub uniqueness_2: RepeatedAtom,
    /// Synergy S.
    pub synergy: RepeatedAtom,
}

impl RepeatedAtoms {
    /// The atoms in R, U1, U2, S order.
    pub fn to_array(&self) -> [RepeatedAtom; 4] {
        [
            self.redundancy,
            self.uniqueness_1,
            self.uniqueness_2,
            self.synergy,
        ]
    }

    fn from_array(v: [RepeatedAtom; 4]) -> Self {
        RepeatedAtoms {
            redundancy: v[0],
            uniqueness_1: v[1],
            uniqueness_2: v[2],
            synergy: v[3],
        }
    }

    fn scaled(&self, factor: f64) -> Self {
        Self::from_array(self.to_array().map(|a| a.scaled(factor)))
    }
}

/// One pair of modalities over refits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RepeatedPair {
    /// The two modalities, counted from 1.
    pub modalities: [usize; 2],
    /// The adjusted atoms (each refit with its own shift).
    pub adjusted: RepeatedAtoms,
    /// The raw atoms.
    pub raw: RepeatedAtoms,
}

/// LSMI refitted with several seeds on the same evaluated rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LsmiRepeats {
    /// The seeds of the refits, the run's seed first (`seed, seed + 1, …`).
    pub seeds: Vec<u64>,
    /// Every pair of modalities, in the order of the report's pairs.
    pub pairs: Vec<RepeatedPair>,
}

impl LsmiRepeats {
    /// Every value scaled by `factor` (nats → bits).
    pub fn scaled(&self, factor: f64) -> Self {
        LsmiRepeats {
            seeds: self.seeds.clone(),
            pairs: self
                .pairs
                .iter()
                .map(|p| RepeatedPair {
                    modalities: p.modalities,
                    adjusted: p.adjusted.scaled(factor),
                    raw: p.raw.scaled(factor),
                })
                .collect(),
        }
    }
}

/// One atom over refits: `estimates[r]` with sampling standard error `ses[r]`.
fn repeated_atom(estimates: &[f64], ses: &[f64], level: f64) -> RepeatedAtom {
    let k = estimates.len().max(1) as f64;
    let mean = estimates.iter().sum::<f64>() / k;
    let between_seed_sd = standard_error(estimates);
    let sampling_se = ses.iter().sum::<f64>() / k;
    let se = (sampling_se.powi(2) + between_seed_sd.powi(2) / k).sqrt();
    RepeatedAtom {
        mean,
        between_seed_sd,
        sampling_se,
        interval: Interval::normal(mean, se, level, IntervalMethod::NormalRowsRepeats),
    }
}

fn atom_values(a: &Atoms) -> [f64; 4] {
    [a.redundancy, a.uniqueness_1, a.uniqueness_2, a.synergy]
}

/// The refits `fits` (run with [`repeat_seeds`]`(seeds[0], K)`) summarised per
/// pair and atom, from their sampling `intervals` ([`intervals`] of each fit), at
/// confidence `level` (nats). The fits must decompose the same pairs of the same
/// rows.
pub fn summarise_repeats(
    fits: &[LsmiResult],
    intervals: &[Vec<PairIntervals>],
    seeds: &[u64],
    level: f64,
) -> Result<LsmiRepeats> {
    let first = fits
        .first()
        .ok_or_else(|| Error::invalid("no LSMI refits to summarise"))?;
    if intervals.len() != fits.len() || seeds.len() != fits.len() {
        return Err(Error::invalid(
            "LSMI refits, their intervals and their seeds differ in number",
        ));
    }
    let same = |r: &LsmiResult| {
        r.n == first.n
            && r.pairs.len() == first.pairs.len()
            && r.pairs
                .iter()
                .zip(&first.pairs)
                .all(|(a, b)| a.modalities == b.modalities)
    };
    if !fits.iter().all(same) || intervals.iter().any(|i| i.len() != first.pairs.len()) {
        return Err(Error::invalid(
            "LSMI refits decompose different rows or pairs",
        ));
    }
    let pairs = first
        .pairs
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let summarise =
                |estimate: &dyn Fn(&PairEstimate) -> [f64; 4],
                 interval: &dyn Fn(&PairIntervals) -> [Interval; 4]| {
                    RepeatedAtoms::from_array(std::array::from_fn(|atom| {
                        let est: Vec<f64> =
                            fits.iter().map(|f| estimate(&f.pairs[k])[atom]).collect();
                        let ses: Vec<f64> = intervals
                            .iter()
                            .map(|i| interval(&i[k])[atom].std_err)
                            .collect();
                        repeated_atom(&est, &ses, level)
                    }))
                };
            RepeatedPair {
                modalities: [p.modalities.0 + 1, p.modalities.1 + 1],
                adjusted: summarise(&|e| atom_values(&e.adjusted), &|i| i.adjusted.to_array()),
                raw: summarise(&|e| atom_values(&e.raw), &|i| i.raw.to_array()),
            }
        })
        .collect();
    Ok(LsmiRepeats {
        seeds: seeds.to_vec(),
        pairs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use rand::Rng;
    use rand_distr::StandardNormal;

    /// A pair whose per-row PMIs are N(mean, 1) draws, with entropies far apart
    /// so that r = i2 exactly (h1 > h2 and h1 − i1 > h2 − i2): R̄ = mean of i2.
    fn synthetic(n: usize, mean: f64, seed: u64) -> PairEstimate {
        let mut rng = seeded(seed, 1);
        let mut draw = || mean + rng.sample::<f64, _>(StandardNormal);
        let i1: Vec<f64> = (0..n).map(|_| draw()).collect();
        let i2: Vec<f64> = (0..n).map(|_| draw()).collect();
        let i12: Vec<f64> = (0..n).map(|_| draw()).collect();
        PairEstimate {
            modalities: (0, 1),
            i1,
            i2,
            i12,
            h1: vec![100.0; n],
            h2: vec![0.0; n],
            atoms: Vec::new(),
            raw: Atoms::default(),
            adjusted: Atoms::default(),
            adjustment: 0.0,
            mi: [0.0; 3],
            entropy: [0.0; 2],
        }
    }

    fn config(replicates: usize) -> UncertaintyConfig {
        UncertaintyConfig {
            level: 0.95,
            replicates,
        }
    }

    #[test]
    fn bootstrap_intervals_cover_the_known_mean_and_shrink_as_one_over_root_n() {
        let small = synthetic(400, 0.3, 7);
        let large = synthetic(1600, 0.3, 8);
        let a = pair_intervals(&small, false, &config(1000), 3);
        let b = pair_intervals(&large, false, &config(1000), 3);
        for i in [a.mi.x1_y, a.mi.x2_y, a.mi.x1x2_y, a.raw.redundancy] {
            assert!(i.contains(0.3), "{i:?}");
            assert_eq!(i.method, IntervalMethod::BootstrapRowsBiasCorrected);
            // SE of a mean of 400 unit-variance draws is 0.05.
            assert!((i.std_err - 0.05).abs() < 0.01, "{i:?}");
        }
        let ratio = b.mi.x1_y.half_width() / a.mi.x1_y.half_width();
        assert!((0.4..=0.6).contains(&ratio), "width ratio {ratio}");
        let ratio = b.raw.redundancy.half_width() / a.raw.redundancy.half_width();
        assert!((0.4..=0.6).contains(&ratio), "width ratio {ratio}");
        // Without the shift the adjusted atoms are the raw ones.
        assert_eq!(a.adjusted, a.raw);
        // Same seed, same intervals.
        assert_eq!(a, pair_intervals(&small, false, &config(1000), 3));
    }

    #[test]
    fn normal_intervals_without_replicates_use_the_per_row_standard_error() {
        let p = synthetic(400, 0.3, 7);
        let i = pair_intervals(&p, true, &config(0), 3);
        let se = standard_error(&p.i1) / 20.0;
        assert_eq!(i.mi.x1_y.method, IntervalMethod::NormalRows);
        assert!((i.mi.x1_y.std_err - se).abs() < 1e-12);
        let mean = p.i1.iter().sum::<f64>() / 400.0;
        assert!((i.mi.x1_y.lower + i.mi.x1_y.upper - 2.0 * mean).abs() < 1e-12);
    }

    #[test]
    fn the_shift_is_recomputed_per_replicate() {
        // Mean synergy at 0: the shift switches branch between replicates, so the
        // adjusted U1's bootstrap spread differs from the raw one (a fixed shift
        // would leave them equal).
        let mut p = synthetic(400, 0.0, 11);
        let mean_s: f64 = (0..400)
            .map(|r| pointwise_atoms(p.i1[r], p.i2[r], p.i12[r], 100.0, 0.0).synergy)
            .sum::<f64>()
            / 400.0;
        p.i12.iter_mut().for_each(|v| *v -= mean_s);
        let i = pair_intervals(&p, true, &config(1000), 5);
        let (adj, raw) = (i.adjusted.uniqueness_1, i.raw.uniqueness_1);
        assert!(
            (adj.std_err - raw.std_err).abs() > 1e-3,
            "{adj:?} vs {raw:?}"
        );
    }

    #[test]
    fn repeats_combine_sampling_and_seed_variance() {
        let a = repeated_atom(&[1.0, 2.0, 3.0], &[0.5, 0.5, 0.5], 0.95);
        assert!((a.mean - 2.0).abs() < 1e-12);
        assert!((a.between_seed_sd - 1.0).abs() < 1e-12);
        assert!((a.sampling_se - 0.5).abs() < 1e-12);
        let se = (0.25f64 + 1.0 / 3.0).sqrt();
        assert!((a.interval.std_err - se).abs() < 1e-12);
        assert_eq!(a.interval.method, IntervalMethod::NormalRowsRepeats);
        assert_eq!(repeat_seeds(u64::MAX, 2), vec![u64::MAX, 0]);
    }
}
