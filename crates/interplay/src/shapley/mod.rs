//! Shapley values and Shapley interaction indices over modality coalitions.
//!
//! Players are the M modalities; a coalition is a bit mask (bit `k` set ⇔ modality
//! `k + 1` present). Everything here works on coalition values that the caller has
//! already computed, so it is independent of how a model is masked: [`exact()`]
//! enumerates all 2^M coalitions (M ≤ [`MAX_EXACT_PLAYERS`]); [`sampling`] estimates
//! the same quantities from random permutations when 2^M is too many, with standard
//! errors. Both return [`Interactions`], whose [`Interactions::matrix`] is the
//! InterSHAP matrix Φ (off-diagonal Φ_ij = SII_ij / 2, diagonal Φ_ii = φ_i − Σ_{j≠i} Φ_ij)
//! that sums to v(M) − v(∅) per sample.

pub mod exact;
pub mod matrix;
pub mod sampling;

pub use exact::{exact, MAX_EXACT_PLAYERS};
pub use matrix::StdErrors;
pub use matrix::{interaction_matrix, Interactions};
pub use sampling::{permutation_sampling, SamplingConfig};

/// The interaction indices computed here, named as in shapiq so that results can be
/// compared with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    /// Shapley values φ_i (order 1).
    SV,
    /// Pairwise Shapley interaction index of Grabisch & Roubens (order 2).
    SII,
}

impl Index {
    /// shapiq's name of the index.
    pub fn name(self) -> &'static str {
        match self {
            Index::SV => "SV",
            Index::SII => "SII",
        }
    }
}

/// Number of players in a mask-indexed vector of length `len`, or `None` when `len`
/// is not a power of two of at least 2 players.
pub fn players_for_len(len: usize) -> Option<usize> {
    if len >= 4 && len.is_power_of_two() {
        Some(len.trailing_zeros() as usize)
    } else {
        None
    }
}
