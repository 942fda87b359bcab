//! LSMI (Yang, Wang, Hu, ICML 2025): sample-level redundancy, uniqueness and synergy.
//!
//! Each sample's pointwise mutual informations i(x1;y), i(x2;y), i(x1,x2;y) come
//! from classifiers (log-softmax minus the log label prior) and its pointwise
//! entropies h(x1), h(x2) from [`crate::knife`] densities. Redundancy is
//! `min(h1, h2) − min(h1|y, h2|y)`, the other atoms follow from the PMIs, and a
//! dataset-level shift (on by default) makes the mean atoms non-negative where
//! possible. Fitting and evaluation use different data by default (a held-out split
//! or cross-fitting), since in-sample PMIs are inflated by overfitting.
//!
//! Entry points: [`estimate`] (fit on one split, evaluate on another),
//! [`FittedLsmi`] (fit once, then score, save, load; [`partial`] scores shards of
//! the rows and merges them exactly),
//! [`estimate_cross_fitted`] (K folds, every sample out-of-fold), and [`exact`]
//! (exact probabilities of a discrete table, the network-free oracle).
//!
//! Around them: [`uncertainty`] (bootstrap intervals of the means, refits with
//! other seeds), [`scale`] (the default per-modality standardisation and the
//! scale summary) and [`warnings`] (conditions under which the numbers may mean
//! little).

mod atoms;
mod diagnostics;
mod estimate;
mod exact;
mod fitted;
mod models;
pub mod partial;
mod persist;
pub mod scale;
pub mod uncertainty;

pub use atoms::{adjustment, pointwise_atoms, Atoms};
pub use diagnostics::{warnings, ENTROPY_PER_DIM_LIMIT, MI_TOLERANCE, PMI_LIMIT, PMI_SHARE_LIMIT};
pub use estimate::{estimate, estimate_cross_fitted, LsmiResult, PairEstimate};
pub use exact::{exact, exact_pointwise, ExactLsmi};
pub use fitted::FittedLsmi;
pub use models::{LsmiConfig, Prior};
pub use partial::{merge, score_shard, LsmiPartial, MergedLsmi, ScoreSettings};
pub use scale::FeatureScale;
pub use uncertainty::{
    refit_configs, AtomIntervals, LsmiRepeats, MiIntervals, PairIntervals, RepeatedAtom,
    RepeatedAtoms, RepeatedPair,
};
