//! The shuffle null of a PID estimated from samples.
//!
//! Plug-in PID of a histogram is biased upwards: with 30 × 30 cells and a few
//! thousand rows, labels that are pure noise still show I(X1,X2;Y) > 0, and most
//! of it lands in synergy (the joint cells are sparser than either marginal).
//! Permuting y keeps the discretised X and the label frequencies and destroys
//! every dependence, so the PID of the shuffled histograms is what the estimator
//! reports for "no information" at this sample size and discretisation. Against
//! it each atom gets a bias-corrected value (observed − null mean) and a
//! permutation p-value.

use rand::seq::SliceRandom;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{broja, BrojaOptions, PidResult, SolveStatus};
use crate::discrete::JointTable;
use crate::params::{Checked, Validate};
use crate::rng::stream_id;
use crate::uncertainty::{p_value, replicates};
use crate::{Error, Result};

/// Most shuffles (each is a BROJA solve; beyond this only time is lost).
pub const MAX_SHUFFLES: usize = 100_000;

/// Duality gap (nats) at which the Newton solves of shuffled tables stop, when
/// the caller's tolerance is tighter: the null's spread is orders of magnitude
/// wider than this, so the p-values and null means do not change, and the last
/// Newton steps of every shuffle are saved.
pub const NULL_GAP_TOLERANCE: f64 = 1e-6;

/// Settings of [`shuffle_null`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NullOptions {
    /// Label permutations (0 turns the null off). 200 resolves p-values down to
    /// 1/201 ≈ 0.005 at about 200 BROJA solves.
    pub shuffles: usize,
    /// Significance level of the `significant` flags (a fixed 5 % by default,
    /// independent of the confidence level of intervals).
    pub alpha: f64,
    /// Seed of the permutations (each shuffle draws from its own stream of it).
    pub seed: u64,
}

impl Default for NullOptions {
    fn default() -> Self {
        NullOptions {
            shuffles: 200,
            alpha: 0.05,
            seed: 0,
        }
    }
}

impl Validate for NullOptions {
    /// α must lie in (0, 1); shuffles must be 0 or enough for a p-value below α
    /// (the smallest p-value of K shuffles is 1/(K + 1)), and at most
    /// [`MAX_SHUFFLES`].
    fn check(&self) -> Result<()> {
        crate::params::within("alpha", self.alpha, 0.0, 1.0, true, true)?;
        if self.shuffles != 0 {
            // The smallest K with 1/(K + 1) < α.
            let mut needed = (1.0 / self.alpha).floor().max(1.0) as usize;
            while 1.0 / (needed as f64 + 1.0) >= self.alpha {
                needed += 1;
            }
            if self.shuffles < needed {
                return Err(Error::invalid(format!(
                    "shuffles must be 0 (off) or at least {needed}: with {} shuffles the smallest p-value is 1/{} and nothing can be significant at {}",
                    self.shuffles,
                    self.shuffles + 1,
                    self.alpha
                )));
            }
            crate::params::at_most("shuffles", self.shuffles, MAX_SHUFFLES)?;
        }
        Ok(())
    }
}

/// One quantity against its shuffle null.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NullStat {
    /// The estimate on the real labels.
    pub observed: f64,
    /// Mean over the shuffles: the estimator's bias at this sample size and
    /// discretisation when the labels carry no information.
    pub null_mean: f64,
    /// observed − null_mean: the estimate with that bias removed (can be negative
    /// when the quantity is indistinguishable from noise).
    pub corrected: f64,
    /// One-sided permutation p-value (1 + #{null ≥ observed}) / (K + 1).
    pub p_value: f64,
    /// p_value < alpha.
    pub significant: bool,
}

impl NullStat {
    fn new(observed: f64, null: &[f64], alpha: f64) -> Self {
        let null_mean = null.iter().sum::<f64>() / null.len().max(1) as f64;
        let p = p_value(observed, null);
        NullStat {
            observed,
            null_mean,
            corrected: observed - null_mean,
            p_value: p,
            significant: p < alpha,
        }
    }
}

/// The PID atoms and mutual informations against the label-shuffle null, in the
/// units of the decomposition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PidNull {
    /// Label permutations K.
    pub shuffles: usize,
    /// Significance level of the `significant` flags (fixed, 5 % by default; not
    /// the confidence level of intervals).
    pub alpha: f64,
    /// Shuffles whose BROJA solve ended `inaccurate` (their atoms are still
    /// feasible and within the duality gap).
    pub inaccurate: usize,
    /// Redundancy R.
    pub redundancy: NullStat,
    /// Unique information U1.
    pub uniqueness_1: NullStat,
    /// Unique information U2.
    pub uniqueness_2: NullStat,
    /// Synergy S.
    pub synergy: NullStat,
    /// I(X1;Y).
    pub mi_x1_y: NullStat,
    /// I(X2;Y).
    pub mi_x2_y: NullStat,
    /// I(X1,X2;Y).
    pub mi_x1x2_y: NullStat,
}

impl PidNull {
    /// The atoms with their names, as `(name, stat)`, in the order R, U1, U2, S.
    pub fn atoms(&self) -> [(&'static str, &NullStat); 4] {
        [
            ("redundancy", &self.redundancy),
            ("uniqueness_1", &self.uniqueness_1),
            ("uniqueness_2", &self.uniqueness_2),
            ("synergy", &self.synergy),
        ]
    }

    /// Warnings for atoms that look large but are what shuffled labels give: an
    /// atom that is more than half of I(X1,X2;Y) and not significant, and an
    /// I(X1,X2;Y) that is itself not significant.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let total = self.mi_x1x2_y.observed;
        if !self.mi_x1x2_y.significant {
            out.push(format!(
                "I(X1,X2;Y) = {:.4} is not significant (p = {:.3} against {} shuffled labels, null mean {:.4}): the inputs carry no detectable information about the target at this sample size, and every atom is noise",
                total, self.mi_x1x2_y.p_value, self.shuffles, self.mi_x1x2_y.null_mean
            ));
        }
        for (name, s) in self.atoms() {
            if total > 0.0 && s.observed / total > 0.5 && !s.significant {
                out.push(format!(
                    "{name} is {:.0} % of I(X1,X2;Y) but not significant (p = {:.3} against {} shuffled labels): a share this large is what random labels give at this sample size (null mean {:.4}, bias-corrected {:.4})",
                    100.0 * s.observed / total,
                    s.p_value,
                    self.shuffles,
                    s.null_mean,
                    s.corrected
                ));
            }
        }
        out
    }
}

/// The shuffle null of the PID `observed` of the samples (x1, x2, y), computed
/// with `broja_options` (same units). `None` when `options.shuffles` is 0.
///
/// Each shuffle permutes y with its own random stream (so the result does not
/// depend on the thread count), rebuilds the histogram with x1 and x2 fixed, and
/// solves BROJA again; shuffles run in parallel.
pub fn shuffle_null(
    x1: &[usize],
    x2: &[usize],
    y: &[usize],
    observed: &PidResult,
    broja_options: &Checked<BrojaOptions>,
    options: &Checked<NullOptions>,
) -> Result<Option<PidNull>> {
    if options.shuffles == 0 {
        return Ok(None);
    }
    let n = y.len();
    if x1.len() != n || x2.len() != n {
        return Err(Error::invalid(format!(
            "sample columns differ in length: x1 {}, x2 {}, y {n}",
            x1.len(),
            x2.len()
        )));
    }
    let (c1, n1) = dense(x1);
    let (c2, n2) = dense(x2);
    let (cy, ny) = dense(y);
    // Row-wise (x1, x2) cell offsets, fixed across shuffles.
    let cells: Vec<usize> = c1
        .iter()
        .zip(&c2)
        .map(|(&a, &b)| (a * n2 + b) * ny)
        .collect();
    let shape = [n1, n2, ny];
    let mut loose = **broja_options;
    loose.newton.gap_tolerance = loose.newton.gap_tolerance.max(NULL_GAP_TOLERANCE);
    loose.newton.residual_tolerance = loose.newton.residual_tolerance.max(NULL_GAP_TOLERANCE);
    let broja_options = &loose.validate()?;
    let solved: Vec<Result<(PidResult, bool)>> = replicates(
        options.shuffles,
        options.seed,
        stream_id("pid-shuffle"),
        |rng| {
            let mut labels = cy.clone();
            labels.shuffle(rng);
            let mut counts = vec![0.0; n1 * n2 * ny];
            for (&cell, &l) in cells.iter().zip(&labels) {
                counts[cell + l] += 1.0;
            }
            let r = broja(&JointTable::new(shape, counts)?, broja_options)?;
            let inaccurate = r.status == SolveStatus::Inaccurate;
            Ok((r, inaccurate))
        },
    );
    let solved: Vec<(PidResult, bool)> = solved.into_iter().collect::<Result<_>>()?;
    let column =
        |f: fn(&PidResult) -> f64| -> Vec<f64> { solved.iter().map(|(r, _)| f(r)).collect() };
    let alpha = options.alpha;
    let stat = |obs: f64, f: fn(&PidResult) -> f64| NullStat::new(obs, &column(f), alpha);
    Ok(Some(PidNull {
        shuffles: options.shuffles,
        alpha,
        inaccurate: solved.iter().filter(|(_, bad)| *bad).count(),
        redundancy: stat(observed.redundancy, |r| r.redundancy),
        uniqueness_1: stat(observed.unique1, |r| r.unique1),
        uniqueness_2: stat(observed.unique2, |r| r.unique2),
        synergy: stat(observed.synergy, |r| r.synergy),
        mi_x1_y: stat(observed.mi_x1_y, |r| r.mi_x1_y),
        mi_x2_y: stat(observed.mi_x2_y, |r| r.mi_x2_y),
        mi_x1x2_y: stat(observed.mi_x1x2_y, |r| r.mi_x1x2_y),
    }))
}

/// Dense codes `0..k` of `symbols` (in increasing order of value, as
/// [`JointTable::from_samples`] numbers them) and k.
fn dense(symbols: &[usize]) -> (Vec<usize>, usize) {
    let mut values = symbols.to_vec();
    values.sort_unstable();
    values.dedup();
    let codes = symbols
        .iter()
        .map(|s| values.binary_search(s).unwrap_or(0))
        .collect();
    (codes, values.len().max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_counts_below_one_over_alpha_are_refused() {
        let with = |shuffles| NullOptions {
            shuffles,
            ..NullOptions::default()
        };
        assert!(with(0).validate().is_ok());
        let message = with(19).validate().unwrap_err().to_string();
        assert!(message.contains("at least 20"), "{message}");
        assert!(with(20).validate().is_ok());
        assert!(with(MAX_SHUFFLES + 1).validate().is_err());
        let bad_alpha = NullOptions {
            alpha: 0.0,
            ..NullOptions::default()
        };
        assert!(bad_alpha.validate().is_err());
    }

    #[test]
    fn the_null_is_reproducible_and_the_table_is_rebuilt_like_from_samples() {
        let x1: Vec<usize> = (0..300).map(|i| (i * 7) % 5 + 10).collect();
        let x2: Vec<usize> = (0..300).map(|i| (i * 3) % 4).collect();
        let y: Vec<usize> = (0..300).map(|i| (x1[i] + x2[i]) % 2 * 5).collect();
        let bo = BrojaOptions::default().validate().unwrap();
        let observed = broja(&JointTable::from_samples(&x1, &x2, &y).unwrap(), &bo).unwrap();
        let opts = NullOptions {
            shuffles: 60,
            ..NullOptions::default()
        }
        .validate()
        .unwrap();
        let a = shuffle_null(&x1, &x2, &y, &observed, &bo, &opts)
            .unwrap()
            .unwrap();
        let b = shuffle_null(&x1, &x2, &y, &observed, &bo, &opts)
            .unwrap()
            .unwrap();
        assert_eq!(a, b);
        // y is a function of (x1, x2): everything it carries is far above the null.
        assert!(a.mi_x1x2_y.significant && a.mi_x1x2_y.p_value < 0.02);
        assert!((a.synergy.corrected - (a.synergy.observed - a.synergy.null_mean)).abs() < 1e-15);
        assert!(a.mi_x1x2_y.null_mean > 0.0 && a.mi_x1x2_y.null_mean < a.mi_x1x2_y.observed);
    }
}
