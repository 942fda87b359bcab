//! Coalition values by masking: v(S)(x) = mean over background rows b of f(x_S, b_−S),
//! every absent modality taken from the same background row.
//!
//! All (sample, coalition, background row) triples of a run are laid out as one flat
//! sequence of model rows and cut into batches of a configurable size; the masked
//! rows are written straight into per-worker preallocated buffers, batches run in
//! parallel, and the per-batch partial sums are added up in batch order, so results
//! are identical whatever the thread count.

use ndarray::{s, Array2, Array3, ArrayView2, Axis};
use rand::Rng;
use rayon::prelude::*;
use std::sync::Mutex;

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
    /// Position of the first explained row among all the rows a run explains
    /// (0 unless this is one shard of a larger run): the random draws of each row
    /// come from a stream named by its position, so that a shard draws exactly
    /// what the whole run draws for the same rows.
    pub first_row: usize,
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
    Ok(masked_values(model, data, masks, None, progress)?.means)
}

/// The coalition values of [`masked_values`] and what each background row
/// contributed to them.
#[derive(Debug, Clone)]
pub struct MaskedValues {
    /// v(S) of every sample, mask and class: `N × K × C`.
    pub means: Array3<f64>,
    /// Influence of each background row on the mean value of each mask and class,
    /// `B × K × C`: IF_b = (B / (N·P)) Σ_{(a, p) → b} (f(x_a,S, z_b) − v_a(S)), over
    /// the P background rows averaged for sample a that were row b. Resampling
    /// background rows with multiplicities w_b moves the mean value of a mask by
    /// (1/B) Σ_b (w_b − 1)·IF_b to first order, which is what the interval of the
    /// global score needs from the background.
    pub background_influence: Array3<f64>,
    /// The same for each sample's own class (`row_classes`), `B × K`. Both are
    /// empty (no rows) without row classes.
    pub background_influence_chosen: Array2<f64>,
}

/// [`coalition_means`] and, given `row_classes` (one class per sample), the
/// background rows' influence on them, for every class and for each sample's own
/// class. Without row classes no influence is accumulated (nothing is spent on it
/// when no interval is wanted).
///
/// Batches run in parallel in chunks; within a chunk the per-sample sums are
/// formed in parallel, and the per-background-row sums are folded in batch order
/// afterwards, so every sum is the same whatever the thread count, and memory
/// stays a few batches of outputs however many rows the run evaluates.
pub fn masked_values(
    model: &dyn Model,
    data: &MaskedInputs<'_>,
    masks: &[u64],
    row_classes: Option<&[usize]>,
    progress: &dyn Progress,
) -> Result<MaskedValues> {
    let plan = Plan::new(model, data, masks, row_classes)?;
    let n_batches = plan.total.div_ceil(plan.batch);
    progress.start("masked forward passes", n_batches as u64);
    let mut sums = Sums::new(&plan);
    // Input buffers outlive the chunks: a fresh set per rayon job would be a
    // fresh allocation (and page faults) per few batches.
    let spare: Mutex<Vec<Vec<Array2<f32>>>> = Mutex::new(Vec::new());
    let mut next = 0;
    while next < n_batches {
        let chunk = next..(next + CHUNK_BATCHES).min(n_batches);
        let done: Vec<BatchOutput> = chunk
            .into_par_iter()
            .map(|b| {
                let mut buffers = spare
                    .lock()
                    .ok()
                    .and_then(|mut s| s.pop())
                    .unwrap_or_else(|| plan.buffers());
                let out = plan.run_batch(model, &mut buffers, b);
                if let Ok(mut s) = spare.lock() {
                    s.push(buffers);
                }
                let out = out?;
                progress.advance(1);
                progress.check()?;
                Ok(out)
            })
            .collect::<Result<_>>()?;
        for out in &done {
            sums.add(&plan, out);
        }
        next += CHUNK_BATCHES;
    }
    progress.finish();
    sums.finish(&plan)
}

/// Batches evaluated in parallel before their outputs are folded: enough to keep
/// every core busy, few enough that their outputs stay small.
const CHUNK_BATCHES: usize = 64;

/// The layout of one masked evaluation: row r of the flat sequence is sample
/// `r / (K·P)`, mask `(r / P) % K`, background slot `r % P`.
struct Plan<'a> {
    data: &'a MaskedInputs<'a>,
    masks: &'a [u64],
    row_classes: Option<&'a [usize]>,
    /// Drawn background row of every flat row (`Masking::Draws`).
    draws: Option<Vec<u32>>,
    input_rows: Vec<&'a [f32]>,
    bg_rows: Vec<&'a [f32]>,
    dims: Vec<usize>,
    n: usize,
    n_bg: usize,
    k: usize,
    c: usize,
    per_value: usize,
    total: usize,
    batch: usize,
}

/// The model outputs of one batch (in the explained space) and where it starts.
struct BatchOutput {
    lo: usize,
    out: Array2<f64>,
    /// Per-(sample, mask) sums of the batch, starting at group `first`.
    first: usize,
    group_sums: Array2<f64>,
}

impl<'a> Plan<'a> {
    fn new(
        model: &dyn Model,
        data: &'a MaskedInputs<'a>,
        masks: &'a [u64],
        row_classes: Option<&'a [usize]>,
    ) -> Result<Self> {
        let m = data.inputs.len();
        let n = data.inputs.first().map_or(0, |x| x.nrows());
        let n_bg = data.background.first().map_or(0, |x| x.nrows());
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
        if row_classes.is_some_and(|c| c.len() != n) {
            return Err(Error::invalid("one class per explained row is needed"));
        }
        let k = masks.len();
        let per_value = match data.masking {
            Masking::Mean => n_bg,
            Masking::Draws(d) => d,
        };
        let draws = match data.masking {
            Masking::Mean => None,
            Masking::Draws(_) => Some(draw_rows(data.first_row, n, k * per_value, n_bg, data.seed)),
        };
        Ok(Plan {
            data,
            masks,
            row_classes,
            draws,
            input_rows: data.inputs.iter().map(rows_of).collect::<Result<_>>()?,
            bg_rows: data.background.iter().map(rows_of).collect::<Result<_>>()?,
            dims: data.inputs.iter().map(|x| x.ncols()).collect(),
            n,
            n_bg,
            k,
            c: model.n_classes(),
            per_value,
            total: n * k * per_value,
            batch: data.batch_size.max(1),
        })
    }

    /// One reusable input buffer per modality.
    fn buffers(&self) -> Vec<Array2<f32>> {
        self.dims
            .iter()
            .map(|&d| Array2::<f32>::zeros((self.batch, d)))
            .collect()
    }

    /// Background row of flat row `row`.
    fn background_of(&self, row: usize) -> usize {
        match &self.draws {
            None => row % self.per_value,
            Some(d) => d[row] as usize,
        }
    }

    /// Fill the buffers with batch `b`'s masked rows, run the model, and sum the
    /// outputs of each (sample, mask) group.
    fn run_batch(
        &self,
        model: &dyn Model,
        buffers: &mut [Array2<f32>],
        b: usize,
    ) -> Result<BatchOutput> {
        let (lo, hi) = (b * self.batch, ((b + 1) * self.batch).min(self.total));
        for row in lo..hi {
            let a = row / (self.k * self.per_value);
            let mask = self.masks[(row / self.per_value) % self.k];
            let bg = self.background_of(row);
            for (mm, buf) in buffers.iter_mut().enumerate() {
                let d = self.dims[mm];
                let src = if mask >> mm & 1 == 1 {
                    &self.input_rows[mm][a * d..(a + 1) * d]
                } else {
                    &self.bg_rows[mm][bg * d..(bg + 1) * d]
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
        let out = to_space(
            model.output_kind(),
            self.data.space,
            checked_forward(model, &views)?,
        );
        let first = lo / self.per_value;
        let last = (hi - 1) / self.per_value;
        let mut group_sums = Array2::<f64>::zeros((last - first + 1, self.c));
        for (r, out_row) in (lo..hi).zip(out.rows()) {
            let mut dst = group_sums.row_mut(r / self.per_value - first);
            dst += &out_row;
        }
        Ok(BatchOutput {
            lo,
            out,
            first,
            group_sums,
        })
    }
}

/// Running sums of a masked evaluation.
struct Sums {
    /// Σ of outputs per (sample, mask), `N·K × C`.
    groups: Array2<f64>,
    /// Σ of outputs per (background row, mask), `B·K × C`.
    background: Array2<f64>,
    /// Σ of each sample's own-class output per (background row, mask), `B·K`.
    background_chosen: Vec<f64>,
}

impl Sums {
    fn new(plan: &Plan<'_>) -> Self {
        Sums {
            groups: Array2::zeros((plan.n * plan.k, plan.c)),
            background: Array2::zeros((plan.row_classes.map_or(0, |_| plan.n_bg * plan.k), plan.c)),
            background_chosen: vec![0.0; plan.row_classes.map_or(0, |_| plan.n_bg * plan.k)],
        }
    }

    /// Fold one batch in (batches arrive in order).
    fn add(&mut self, plan: &Plan<'_>, b: &BatchOutput) {
        let rows = b.group_sums.nrows();
        let mut dst = self.groups.slice_mut(s![b.first..b.first + rows, ..]);
        dst += &b.group_sums;
        let Some(classes) = plan.row_classes else {
            return;
        };
        for (i, out_row) in b.out.rows().into_iter().enumerate() {
            let row = b.lo + i;
            let mask = (row / plan.per_value) % plan.k;
            let cell = plan.background_of(row) * plan.k + mask;
            let mut dst = self.background.row_mut(cell);
            dst += &out_row;
            let a = row / (plan.k * plan.per_value);
            self.background_chosen[cell] += out_row[classes[a]];
        }
    }

    /// The means, and the background influence ([`influence_of_sums`]).
    fn finish(self, plan: &Plan<'_>) -> Result<MaskedValues> {
        let (n, k, c) = (plan.n, plan.k, plan.c);
        let means = (self.groups / plan.per_value as f64)
            .into_shape_with_order((n, k, c))
            .map_err(|e| Error::Numerical(e.to_string()))?;
        let Some(classes) = plan.row_classes else {
            return Ok(MaskedValues {
                means,
                background_influence: Array3::zeros((0, k, c)),
                background_influence_chosen: Array2::zeros((0, k)),
            });
        };
        let draws = plan.draws.as_deref().map(|d| (d, plan.per_value));
        influence_of_sums(
            means,
            self.background,
            self.background_chosen,
            classes,
            draws,
        )
    }
}

/// The background influence of [`MaskedValues`] from the per-background-row sums
/// of a masked evaluation: `sums` (`B·K × C`, row `b·K + k`: Σ of the outputs of
/// every model row that took background row b under mask k) and `chosen` (`B·K`:
/// the same for each sample's own class, `classes`), with the coalition values
/// `means` (`N × K × C`). Each background row's sums lose the values of the
/// samples it stood in for, scaled by B / (N·P). `draws` gives the drawn
/// background row of every model row and the draws per value P (`None`: the exact
/// mean, where every background row stands in for every sample once, P = B).
pub(crate) fn influence_of_sums(
    means: Array3<f64>,
    sums: Array2<f64>,
    chosen: Vec<f64>,
    classes: &[usize],
    draws: Option<(&[u32], usize)>,
) -> Result<MaskedValues> {
    let (n, k, c) = means.dim();
    let n_bg = sums.nrows() / k.max(1);
    let per_value = draws.map_or(n_bg, |(_, p)| p);
    let (mut inf, mut chosen) = (sums, chosen);
    // Subtract v_a(S) once for every time background row b stood in for
    // sample a under mask S: with the exact mean that is every (a, b) pair,
    // so each row loses Σ_a v_a(S); with draws, only the drawn pairs.
    for mask in 0..k {
        match draws {
            Some((d, p)) => {
                for a in 0..n {
                    let v = means.slice(s![a, mask, ..]);
                    let own = v[classes[a]];
                    let start = (a * k + mask) * p;
                    for &b in &d[start..start + p] {
                        let cell = b as usize * k + mask;
                        let mut dst = inf.row_mut(cell);
                        dst -= &v;
                        chosen[cell] -= own;
                    }
                }
            }
            None => {
                let total = means.slice(s![.., mask, ..]).sum_axis(Axis(0));
                let own_total: f64 = (0..n).map(|a| means[[a, mask, classes[a]]]).sum();
                for b in 0..n_bg {
                    let cell = b * k + mask;
                    let mut dst = inf.row_mut(cell);
                    dst -= &total;
                    chosen[cell] -= own_total;
                }
            }
        }
    }
    let scale = n_bg as f64 / (n as f64 * per_value as f64);
    inf.mapv_inplace(|v| v * scale);
    chosen.iter_mut().for_each(|v| *v *= scale);
    Ok(MaskedValues {
        means,
        background_influence: inf
            .into_shape_with_order((n_bg, k, c))
            .map_err(|e| Error::Numerical(e.to_string()))?,
        background_influence_chosen: Array2::from_shape_vec((n_bg, k), chosen)
            .map_err(|e| Error::Numerical(e.to_string()))?,
    })
}

/// Background row indices for `Masking::Draws`: `per_sample` uniform draws with
/// replacement for each of `n` samples, each sample from its own seeded stream
/// (named by its position `first + a` in the whole run) so that the draws depend
/// neither on batching, threads nor on how the rows are split into shards.
fn draw_rows(first: usize, n: usize, per_sample: usize, n_bg: usize, seed: u64) -> Vec<u32> {
    let base = stream_id("intershap-masking-draws");
    let mut out = Vec::with_capacity(n * per_sample);
    for a in 0..n {
        let mut rng = seeded(seed, base.wrapping_add((first + a) as u64));
        out.extend((0..per_sample).map(|_| rng.gen_range(0..n_bg) as u32));
    }
    out
}
