//! The settings every interval shares.

use crate::params::{within, Validate};
use crate::Result;

/// Most bootstrap replicates (beyond this the Monte-Carlo error of a 95 %
/// percentile bound is far below any reported digit, and only time is lost).
pub const MAX_REPLICATES: usize = 1_000_000;

/// Confidence level and bootstrap replicates of every interval of a run.
///
/// The seed of the replicates is the estimator's own seed (with a stream of its
/// own), so one `--seed` reproduces the numbers and their intervals.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncertaintyConfig {
    /// Two-sided confidence level in (0, 1), e.g. 0.95.
    pub level: f64,
    /// Bootstrap replicates per interval (at least 50; 0 turns the bootstrap
    /// intervals off where an estimator allows it).
    pub replicates: usize,
}

impl Default for UncertaintyConfig {
    fn default() -> Self {
        UncertaintyConfig {
            level: 0.95,
            replicates: 1000,
        }
    }
}

impl Validate for UncertaintyConfig {
    /// The level must lie strictly between 0.5 and 1 (a two-sided interval below
    /// 50 % is almost surely a typo for a percentage); replicates 0 or 50..=10⁶.
    fn check(&self) -> Result<()> {
        within("confidence", self.level, 0.5, 1.0, true, true)?;
        if self.replicates != 0 {
            crate::params::at_least("bootstrap", self.replicates, 50)?;
            crate::params::at_most("bootstrap", self.replicates, MAX_REPLICATES)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_replicates_are_checked() {
        assert!(UncertaintyConfig::default().validate().is_ok());
        for level in [0.5, 1.0, 95.0, f64::NAN, 0.0] {
            let c = UncertaintyConfig {
                level,
                ..Default::default()
            };
            assert!(c.validate().is_err(), "level {level} accepted");
        }
        for replicates in [1, 49, MAX_REPLICATES + 1] {
            let c = UncertaintyConfig {
                replicates,
                ..Default::default()
            };
            assert!(c.validate().is_err(), "{replicates} replicates accepted");
        }
        let off = UncertaintyConfig {
            replicates: 0,
            ..Default::default()
        };
        assert!(off.validate().is_ok());
    }
}
