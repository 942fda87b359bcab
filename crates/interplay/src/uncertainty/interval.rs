//! The report type of a confidence interval.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::normal::{normal_cdf, normal_quantile, two_sided_z};

/// How an interval was obtained; its serde name is what reports show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IntervalMethod {
    /// Percentile interval of bootstrap replicates over the explained rows.
    BootstrapRows,
    /// Bias-corrected percentile interval (Efron's BC) of bootstrap replicates
    /// over the rows, for statistics whose bootstrap distribution is shifted
    /// against the estimate (LSMI's atoms, after the dataset-level shift).
    BootstrapRowsBiasCorrected,
    /// Percentile interval of a two-way bootstrap over explained rows and
    /// background rows (InterSHAP: both samples behind the coalition values).
    BootstrapRowsBackground,
    /// Percentile interval of bootstrap replicates over the explained rows with
    /// a fitted quantity held fixed instead of refitted per replicate (EMAP's
    /// additive projection when its n² scores are too many to keep): it leaves
    /// out that quantity's own sampling error, so it is somewhat too narrow.
    BootstrapRowsFixedProjection,
    /// Normal interval from the standard error of a mean over rows.
    NormalRows,
    /// Normal interval combining the sampling error over rows with the spread of
    /// refits under different seeds.
    NormalRowsRepeats,
}

impl IntervalMethod {
    /// The name reports use (`bootstrap-rows`, …).
    pub fn name(self) -> String {
        crate::report::serde_name(&self)
    }

    /// The method in words, for the line under a table.
    pub fn describe(self) -> &'static str {
        match self {
            IntervalMethod::BootstrapRows => "percentile bootstrap over the rows",
            IntervalMethod::BootstrapRowsBiasCorrected => {
                "bias-corrected percentile bootstrap over the rows"
            }
            IntervalMethod::BootstrapRowsBackground => {
                "percentile bootstrap over explained and background rows"
            }
            IntervalMethod::BootstrapRowsFixedProjection => {
                "percentile bootstrap over the rows, projection held fixed (somewhat narrow)"
            }
            IntervalMethod::NormalRows => "normal, from the per-row standard error",
            IntervalMethod::NormalRowsRepeats => {
                "normal, per-row standard error combined with the spread over refits"
            }
        }
    }
}

/// A two-sided confidence interval of one reported quantity, in that quantity's
/// units (a fraction stays a fraction; tables print percentages).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Interval {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// Standard error of the estimate (standard deviation of the replicates for
    /// a bootstrap).
    pub std_err: f64,
    /// Confidence level, e.g. 0.95.
    pub level: f64,
    /// How the interval was obtained.
    pub method: IntervalMethod,
}

impl Interval {
    /// The normal interval `estimate ± z·std_err`.
    pub fn normal(estimate: f64, std_err: f64, level: f64, method: IntervalMethod) -> Self {
        let half = two_sided_z(level) * std_err;
        Interval {
            lower: estimate - half,
            upper: estimate + half,
            std_err,
            level,
            method,
        }
    }

    /// The percentile interval of bootstrap `replicates` (sorted in place), with
    /// their standard deviation as the standard error. Non-finite replicates are
    /// ignored; with none left the bounds are NaN.
    pub fn percentile(replicates: &mut Vec<f64>, level: f64, method: IntervalMethod) -> Self {
        replicates.retain(|v| v.is_finite());
        replicates.sort_by(f64::total_cmp);
        let tail = (1.0 - level) / 2.0;
        Interval {
            lower: quantile(replicates, tail),
            upper: quantile(replicates, 1.0 - tail),
            std_err: super::standard_error(replicates),
            level,
            method,
        }
    }

    /// The bias-corrected percentile interval (Efron's BC) of bootstrap
    /// `replicates` around `estimate`: when the replicates fall mostly on one side
    /// of the estimate, the estimator is median-biased by about as much, and the
    /// percentiles are moved the other way. This matters for statistics built
    /// from minima and absolute values of means (LSMI's adjusted atoms, the
    /// |Φ| shares), whose plain percentile intervals inherit their bias.
    /// Without replicates on both sides it is the plain percentile interval.
    pub fn bias_corrected(
        replicates: &mut Vec<f64>,
        estimate: f64,
        level: f64,
        method: IntervalMethod,
    ) -> Self {
        replicates.retain(|v| v.is_finite());
        let r = replicates.len();
        if r == 0 || !estimate.is_finite() {
            return Interval::percentile(replicates, level, method);
        }
        let below = replicates.iter().filter(|&&v| v < estimate).count() as f64;
        let ties = replicates.iter().filter(|&&v| v == estimate).count() as f64;
        let half = 0.5 / r as f64;
        let p0 = ((below + 0.5 * ties) / r as f64).clamp(half, 1.0 - half);
        let z0 = normal_quantile(p0);
        let z = two_sided_z(level);
        replicates.sort_by(f64::total_cmp);
        Interval {
            lower: quantile(replicates, normal_cdf(2.0 * z0 - z)),
            upper: quantile(replicates, normal_cdf(2.0 * z0 + z)),
            std_err: super::standard_error(replicates),
            level,
            method,
        }
    }

    /// Half the width of the interval.
    pub fn half_width(&self) -> f64 {
        (self.upper - self.lower) / 2.0
    }

    /// Whether `value` lies within the bounds.
    pub fn contains(&self, value: f64) -> bool {
        self.lower <= value && value <= self.upper
    }

    /// The interval scaled by `factor` (a fraction shown in percent).
    pub fn scaled(&self, factor: f64) -> Self {
        Interval {
            lower: self.lower * factor,
            upper: self.upper * factor,
            std_err: self.std_err * factor.abs(),
            ..*self
        }
    }

    /// `estimate [lower, upper]` with `decimals` decimals, the one way tables
    /// print an interval (`0.412 [0.398, 0.430]`).
    pub fn format(&self, estimate: f64, decimals: usize) -> String {
        format!(
            "{estimate:.decimals$} [{:.decimals$}, {:.decimals$}]",
            self.lower, self.upper
        )
    }

    /// A fraction and its interval in percent (`97.1 % [96.4, 97.8]`).
    pub fn format_percent(&self, fraction: f64, decimals: usize) -> String {
        let p = self.scaled(100.0);
        format!(
            "{:.decimals$} % [{:.decimals$}, {:.decimals$}]",
            100.0 * fraction,
            p.lower,
            p.upper
        )
    }
}

/// The `q`-quantile of sorted values by linear interpolation (R's type 7).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let pos = q * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_bounds_and_format() {
        let mut reps: Vec<f64> = (0..=100).rev().map(|v| v as f64 / 100.0).collect();
        reps.push(f64::NAN);
        let i = Interval::percentile(&mut reps, 0.9, IntervalMethod::BootstrapRows);
        assert!((i.lower - 0.05).abs() < 1e-12 && (i.upper - 0.95).abs() < 1e-12);
        assert!(i.contains(0.5) && !i.contains(0.99));
        assert_eq!(i.format_percent(0.5, 1), "50.0 % [5.0, 95.0]");
        assert_eq!(i.format(0.5, 2), "0.50 [0.05, 0.95]");
        assert_eq!(i.method.name(), "bootstrap-rows");
    }

    #[test]
    fn bias_correction_moves_the_bounds_against_the_replicates_skew() {
        let reps: Vec<f64> = (0..1000).map(|v| v as f64 / 1000.0).collect();
        let plain = Interval::percentile(&mut reps.clone(), 0.9, IntervalMethod::BootstrapRows);
        // Estimate at the median: no correction.
        let centred = Interval::bias_corrected(
            &mut reps.clone(),
            0.4995,
            0.9,
            IntervalMethod::BootstrapRows,
        );
        assert!(
            (centred.lower - plain.lower).abs() < 2e-3
                && (centred.upper - plain.upper).abs() < 2e-3
        );
        // 70 % of the replicates below the estimate: both bounds move up.
        let high =
            Interval::bias_corrected(&mut reps.clone(), 0.7, 0.9, IntervalMethod::BootstrapRows);
        assert!(high.lower > plain.lower + 0.1 && high.upper > plain.upper);
        assert!(high.upper <= 0.999);
    }

    #[test]
    fn normal_interval_is_symmetric() {
        let i = Interval::normal(1.0, 0.5, 0.95, IntervalMethod::NormalRows);
        assert!((i.half_width() - 0.979_981_992_270_027).abs() < 1e-12);
        assert!((i.lower + i.upper - 2.0).abs() < 1e-12);
    }
}
