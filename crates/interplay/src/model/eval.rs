//! Model evaluation, written once for every score (InterSHAP, EMAP, SHAPE, the PID of
//! a model, `compare`, every binding): forward passes in parallel batches with every
//! output checked, class predictions, and the one seeded sampler of background and
//! explained rows, so the same seed gives the same rows (and the same numbers) on
//! every surface.

use ndarray::{s, Array2, ArrayView2, Axis};
use rand::seq::index::sample as sample_indices;
use rayon::prelude::*;

use super::{checked_forward, Model};
use crate::metrics::argmax_rows;
use crate::rng::{seeded, stream_id};
use crate::{Error, Result};

/// Model rows per forward call unless the caller says otherwise.
pub const DEFAULT_BATCH: usize = 8192;

/// Raw model outputs (`N × C`, as the model returns them) of every row of
/// `modalities`, computed in parallel batches of `batch_size` rows, each checked
/// ([`checked_forward`]); concatenated in row order whatever the thread count.
pub fn forward_batched(
    model: &dyn Model,
    modalities: &[ArrayView2<'_, f32>],
    batch_size: usize,
) -> Result<Array2<f32>> {
    let n = modalities.first().map_or(0, |m| m.nrows());
    let batch = batch_size.max(1);
    let parts: Vec<Array2<f32>> = (0..n.div_ceil(batch))
        .into_par_iter()
        .map(|b| {
            let (lo, hi) = (b * batch, ((b + 1) * batch).min(n));
            let views: Vec<ArrayView2<f32>> =
                modalities.iter().map(|m| m.slice(s![lo..hi, ..])).collect();
            checked_forward(model, &views)
        })
        .collect::<Result<_>>()?;
    let views: Vec<ArrayView2<f32>> = parts.iter().map(|p| p.view()).collect();
    if views.is_empty() {
        return Ok(Array2::zeros((0, model.n_classes())));
    }
    ndarray::concatenate(Axis(0), &views).map_err(|e| Error::Model(e.to_string()))
}

/// The class each row is predicted to be (argmax of the model's output).
pub fn predict(model: &dyn Model, modalities: &[ArrayView2<'_, f32>]) -> Result<Vec<usize>> {
    let out = forward_batched(model, modalities, DEFAULT_BATCH)?.mapv(f64::from);
    Ok(argmax_of(&out))
}

/// Row-wise argmax of an `N × C` matrix (first maximum on ties).
pub fn argmax_of(out: &Array2<f64>) -> Vec<usize> {
    argmax_rows(out.rows().into_iter().map(|r| r.to_slice().unwrap_or(&[])))
}

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
