//! InterSHAP (Wenderoth et al., AAAI 2025): the share of model behaviour from
//! cross-modal interactions.
//!
//! [`explain()`] masks absent modalities with background rows ([`masking`]), computes
//! Shapley values and pairwise interactions over the modalities
//! ([`crate::shapley`]) and summarises them as local and global InterSHAP scores
//! ([`scores`]). The model is only ever called on large batches, so slow backends
//! (ONNX, Python callables) stay usable. A front end that evaluates the model on
//! its own device hands the coalition values to [`explain_table`] instead.

pub mod coalitions;
pub mod config;
pub mod explain;
pub mod interval;
pub mod masking;
pub mod partial;
pub mod scores;

pub use coalitions::{
    chosen_rows, explain_table, BackgroundSums, CoalitionTable, ExplainedRows, RowChoice,
};
pub use config::{Approximation, BackgroundRows, InterShapConfig, Masking, OutputTarget, Space};
pub use explain::{
    explain, AutoBackground, Explanation, InterShapResult, MaskingReport, ModelAccuracy,
};
pub use interval::ScoreIntervals;
pub use partial::{explain_shard, merge, Partial, Shard};
pub use scores::{interaction_share, local_scores, mean_matrix, pair_shares, PairShare};
