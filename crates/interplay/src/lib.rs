//! # interplay
//!
//! Measure how the modalities of a multimodal dataset or model interact.
//!
//! * [`lsmi`]: sample-level redundancy, uniqueness and synergy from pointwise mutual
//!   information (Yang, Wang, Hu, ICML 2025), with [`knife`] kernel density entropies.
//! * [`shapley`] and [`intershap`]: the share of a model's behaviour that comes from
//!   cross-modal interactions (Wenderoth et al., AAAI 2025).
//! * [`pid`], [`emap`], [`shape`]: the scores InterSHAP is compared against.
//! * [`synth`]: synthetic data with known answers, to check every estimator.
//! * [`experiments`]: the InterSHAP paper's experiments (HD-XOR with M modalities,
//!   fusion types), as `interplay experiment` runs them.
//!
//! The library performs no I/O beyond what its callers ask for, never prints, and
//! returns [`Error`] values instead of panicking on user input. Information
//! quantities are computed in nats internally; [`Units`] converts for display.

pub mod data;
pub mod discrete;
pub mod emap;
pub mod error;
pub mod experiments;
pub mod intershap;
pub mod knife;
pub mod lsmi;
pub mod metrics;
pub mod model;
pub mod nn;
pub mod output;
pub mod params;
pub mod pid;
pub mod progress;
pub mod report;
pub mod rng;
pub mod shape;
pub mod shapley;
pub mod shard;
pub mod synth;
pub mod uncertainty;
pub mod units;

pub use error::{Error, Result};
pub use units::Units;
