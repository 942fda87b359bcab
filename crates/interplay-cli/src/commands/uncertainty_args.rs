//! `--confidence` and `--bootstrap`: the interval settings every scoring command
//! shares.

use interplay::params::{Checked, Validate};
use interplay::uncertainty::UncertaintyConfig;

/// The library's defaults, the only place they are written.
fn defaults() -> UncertaintyConfig {
    UncertaintyConfig::default()
}

/// Interval settings.
#[derive(Debug, Clone, clap::Args)]
pub struct UncertaintyArgs {
    /// Confidence level of every reported interval, in (0.5, 1).
    #[arg(long, default_value_t = defaults().level, value_name = "LEVEL")]
    pub confidence: f64,
    /// Bootstrap replicates per interval (0 turns bootstrap intervals off).
    #[arg(long, default_value_t = defaults().replicates, value_name = "R")]
    pub bootstrap: usize,
}

impl UncertaintyArgs {
    /// The checked settings.
    pub fn config(&self) -> anyhow::Result<Checked<UncertaintyConfig>> {
        Ok(UncertaintyConfig {
            level: self.confidence,
            replicates: self.bootstrap,
        }
        .validate()?)
    }
}
