//! Coalition values by masking: v(S)(x) = mean over background rows b of f(x_S, b_−S),
//! every absent modality taken from the same background row.
//!
//! All (sample, coalition, background row) triples of a run are laid out as one flat
//! sequence of model rows and cut into batches of a configurable size; the masked
//! rows are written straight into per-worker preallocated buffers, batches run in
//! parallel, and the per-batch partial sums are added up in batch order, so results
//! are identical whatever the thread count.

use ndarray::{s, Array2, Array3, ArrayView2};
use rand::Rng;
use rayon::prelude::*;

use super::config::{Masking, Space};
use crate::model::{checked_forward, probabilities, Model, OutputKind};
use crate::progress::Progress;
use crate::rng::{seeded, stream_id};
use crate::{Error, Result};

/// Model outputs transformed to the explained space, in f64.
pub(crate) fn to_space(kind: OutputKind, space: Space, out: Array2<f32>) -> Array2<f64> {
    match (space, kind) {
        (Space::Probability, _) => probabilities(kind, out).mapv(f64::from),
        (Space::Logit, OutputKind::Logits) => out.mapv(f64::from),
        (Space::Logit, OutputKind::Probabilities) => {
            out.mapv(|p| f64::from(p).max(f64::MIN_POSITIVE).ln())
        }
    }
}

pub use crate::model::eval::forward_batched;

/// Model outputs of every row in the explained space (`N × C`, f64).
pub fn outputs_in_space(
    model: &dyn Model,
    modalities: &[ArrayView2<'_, f32>],
    space: Space,
    batch_size: usize,
) -> Result<Array2<f64>> {
    let raw = forward_batched(model, modalities, batch_size)?;
    Ok(to_space(model.output_kind(), space, raw))
}

/// What a masked evaluation needs besides the model.
pub struct MaskedInputs<'a> {
    /// Explained rows, one `N × d_m` matrix per modality.
    pub inputs: &'a [Array2<f32>],
    /// Background rows, one `B × d_m` matrix per modality.
    pub background: &'a [Array2<f32>],
    /// Exact mean over the background or random draws from it.
    pub masking: Masking,
    /// Space the outputs are averaged in.
    pub space: Space,
    /// Seed of the random draws.
    pub seed: u64,
    /// Model rows per forward call.
    pub batch_size: usize,
}

/// Contiguous row data of a standard-layout matrix.
fn rows_of(m: &Array2<f32>) -> Result<&[f32]> {
    m.as_slice()
        .ok_or_else(|| Error::invalid("feature matrices must be in standard (row-major) layout"))
}

/// v(S) of every sample and every mask in `masks`, for every class: `N × K × C`,
/// averaged over background rows in the configured space. Masks of bits beyond the
/// number of modalities are an error. Reports one progress unit per batch.
pub fn coalition_means(
    model: &dyn Model,
    data: &MaskedInputs<'_>,
    masks: &[u64],
    progress: &dyn Progress,
) -> Result<Array3<f64>> {
    let m = data.inputs.len();
    let n = data.inputs.first().map_or(0, |x| x.nrows());
    let n_bg = data.background.first().map_or(0, |x| x.nrows());
    let c = model.n_classes();
    if data.background.len() != m || n_bg == 0 {
        return Err(Error::invalid(
            "the background needs at least one row of every modality",
        ));
    }
    if masks.iter().any(|&mask| m < 64 && mask >> m != 0) {
        return Err(Error::invalid(format!(
            "coalition mask with players beyond the {m} modalities"
        )));
    }
    let k = masks.len();
    let per_value = match data.masking {
        Masking::Mean => n_bg,
        Masking::Draws(d) => d,
    };
    let total = n * k * per_value;
    let draws = match data.masking {
        Masking::Mean => None,
        Masking::Draws(_) => Some(draw_rows(n, k * per_value, n_bg, data.seed)),
    };
    let dims: Vec<usize> = data.inputs.iter().map(|x| x.ncols()).collect();
    let input_rows: Vec<&[f32]> = data.inputs.iter().map(rows_of).collect::<Result<_>>()?;
    let bg_rows: Vec<&[f32]> = data.background.iter().map(rows_of).collect::<Result<_>>()?;
    let batch = data.batch_size.max(1);
    let n_batches = total.div_ceil(batch);
    progress.start("masked forward passes", n_batches as u64);
    let kind = model.output_kind();
    let partials: Vec<(usize, Array2<f64>)> = (0..n_batches)
        .into_par_iter()
        .map_init(
            || {
                dims.iter()
                    .map(|&d| Array2::<f32>::zeros((batch, d)))
                    .collect::<Vec<_>>()
            },
            |buffers, b| {
                let (lo, hi) = (b * batch, ((b + 1) * batch).min(total));
                for row in lo..hi {
                    let a = row / (k * per_value);
                    let mask = masks[(row / per_value) % k];
                    let bg = match &draws {
                        None => row % per_value,
                        Some(d) => d[row] as usize,
                    };
                    for (mm, buf) in buffers.iter_mut().enumerate() {
                        let d = dims[mm];
                        let src = if mask >> mm & 1 == 1 {
                            &input_rows[mm][a * d..(a + 1) * d]
                        } else {
                            &bg_rows[mm][bg * d..(bg + 1) * d]
                        };
                        if let Some(dst) = buf.row_mut(row - lo).as_slice_mut() {
                            dst.copy_from_slice(src);
                        }
                    }
                }
                let views: Vec<ArrayView2<f32>> = buffers
                    .iter()
                    .map(|buf| buf.slice(s![..hi - lo, ..]))
                    .collect();
                let out = to_space(kind, data.space, checked_forward(model, &views)?);
                let first = lo / per_value;
                let last = (hi - 1) / per_value;
                let mut sums = Array2::<f64>::zeros((last - first + 1, c));
                for (r, out_row) in (lo..hi).zip(out.rows()) {
                    let mut dst = sums.row_mut(r / per_value - first);
                    dst += &out_row;
                }
                progress.advance(1);
                progress.check()?;
                Ok((first, sums))
            },
        )
        .collect::<Result<_>>()?;
    progress.finish();
    let mut values = Array3::<f64>::zeros((n, k, c));
    {
        let mut flat = values
            .view_mut()
            .into_shape_with_order((n * k, c))
            .map_err(|e| Error::Numerical(e.to_string()))?;
        for (first, sums) in partials {
            let mut dst = flat.slice_mut(s![first..first + sums.nrows(), ..]);
            dst += &sums;
        }
    }
    values.mapv_inplace(|v| v / per_value as f64);
    Ok(values)
}

/// Background row indices for `Masking::Draws`: `per_sample` uniform draws with
/// replacement for each of `n` samples, each sample from its own seeded stream so
/// that the draws do not depend on batching or threads.
fn draw_rows(n: usize, per_sample: usize, n_bg: usize, seed: u64) -> Vec<u32> {
    let base = stream_id("intershap-masking-draws");
    let mut out = Vec::with_capacity(n * per_sample);
    for a in 0..n {
        let mut rng = seeded(seed, base.wrapping_add(a as u64));
        out.extend((0..per_sample).map(|_| rng.gen_range(0..n_bg) as u32));
    }
    out
}
