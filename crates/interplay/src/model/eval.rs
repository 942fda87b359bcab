//! Choosing rows for model evaluation: the one seeded sampler of background and
//! explained rows, shared by InterSHAP, SHAPE, `compare` and every binding, so the
//! same seed gives the same rows (and the same numbers) on every surface.

use rand::seq::index::sample as sample_indices;

use crate::rng::{seeded, stream_id};

/// The random stream background rows are drawn from.
pub const BACKGROUND_STREAM: &str = "intershap-background";

/// The random stream explained rows are drawn from.
pub const SAMPLES_STREAM: &str = "intershap-samples";

/// A seeded subset of `k` of the indices `0..n`, ascending; every index, in order,
/// when `k` is `None` or at least `n`.
pub fn choose_rows(n: usize, k: Option<usize>, seed: u64, stream: &str) -> Vec<usize> {
    match k {
        Some(k) if k < n => {
            let mut rng = seeded(seed, stream_id(stream));
            let mut idx = sample_indices(&mut rng, n, k).into_vec();
            idx.sort_unstable();
            idx
        }
        _ => (0..n).collect(),
    }
}

/// The background rows: `size` of `n` (all when `None`), drawn from the
/// background stream of `seed`.
pub fn background_rows(n: usize, size: Option<usize>, seed: u64) -> Vec<usize> {
    choose_rows(n, size, seed, BACKGROUND_STREAM)
}
