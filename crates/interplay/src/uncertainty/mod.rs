//! Uncertainty of every headline number: confidence intervals, bootstrap
//! replicates and shuffle nulls, used by every estimator the same way.
//!
//! * [`Interval`]: the one report type of an interval (bounds, standard error,
//!   confidence level and the method that produced it), shown the same way on
//!   every surface (`97.1 % [96.4, 97.8]`).
//! * [`UncertaintyConfig`]: the confidence level and the number of bootstrap
//!   replicates, checked like every other config.
//! * [`replicates`]: seeded bootstrap (or shuffle) replicates run in parallel, each
//!   from its own random stream, so the result does not depend on the thread count.
//! * [`p_value`]: the permutation-test p-value of an observed statistic against its
//!   shuffle null.
//!
//! Why the bootstrap: the headline scores (InterSHAP's share of |Φ|, macro-F1
//! gaps, adjusted LSMI atoms) are non-linear functions of means, with skewed
//! sampling distributions near their bounds; percentile intervals from resampled
//! rows follow that skew where a symmetric normal interval would not.

mod config;
mod interval;
mod normal;
mod resample;

pub use config::UncertaintyConfig;
pub use interval::{Interval, IntervalMethod};
pub use normal::{normal_cdf, normal_quantile, two_sided_z};
pub use resample::{p_value, replicates, resample_indices, standard_error};
