//! Synthetic data with known answers: Gaussian mixtures, HD-XOR, canonical PID distributions.
//!
//! * [`gaussian`]: the LSMI demo family with an exact per-sample oracle.
//! * [`hdxor`]: the InterSHAP HD-XOR family (uniqueness, redundancy, synergy, random).
//! * [`pid_discrete`]: canonical discrete distributions with exact PIDs, and sampling.
//!
//! Every generator is deterministic given its seed (see [`crate::rng`]).

pub mod gaussian;
pub mod hdxor;
pub mod pid_discrete;
pub mod split;

pub use gaussian::{GaussianConfig, GaussianOracle, PointwiseOracle};
pub use hdxor::{HdXorConfig, HdXorData, HdXorSetting};
pub use pid_discrete::{canonical, canonical_case, CanonicalCase, DiscreteSamples};
