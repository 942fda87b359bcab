//! EMAP (Hessel & Lee 2020): the additive projection of a model and its performance gap.
//!
//! On an evaluation set of n samples, f̂(x1_i, x2_i) = mean_j f(x1_i, x2_j) +
//! mean_j f(x1_j, x2_i) − mean_{j,k} f(x1_j, x2_k) is the best additive
//! approximation of the logits f on the set. If f̂ performs as well as f, the
//! model gains nothing from cross-modal interactions on this data.
//!
//! [`emap_with_intervals`] adds bootstrap intervals over the evaluated rows. The
//! projection itself is an average over the evaluated rows, so a replicate with
//! row multiset I recomputes it from I alone: f̂_I(i) = mean_{j∈I} f(x1_i, x2_j) +
//! mean_{j∈I} f(x1_j, x2_i) − mean_{j,k∈I} f(x1_j, x2_k), from the n × n × C
//! scores kept from the one pass of the model (no extra model calls). Beyond
//! [`MAX_BOOTSTRAP_SCORES`] scores the projection is held fixed instead and only
//! the rows' correctness is resampled (method `bootstrap-rows-fixed-projection`),
//! which leaves out the projection's own sampling error.

pub mod partial;

pub use partial::{emap_shard, merge, EmapPartial, EmapSettings};

use ndarray::{s, Array2, ArrayView2, Axis};
use rayon::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::metrics::{accuracy, argmax_rows, macro_f1};
use crate::model::{checked_forward, Model, OutputKind};
use crate::params::{Checked, Validate};
use crate::progress::Progress;
use crate::rng::{seeded, stream_id};
use crate::uncertainty::{
    replicates, resample_indices, Interval, IntervalMethod, UncertaintyConfig,
};
use crate::{Error, Result};

/// Most scores f(x1_i, x2_j) (n² · C f64, 128 MiB) kept for the bootstrap that
/// recomputes the projection in every replicate; beyond it the projection is held
/// fixed (see the module documentation).
pub const MAX_BOOTSTRAP_SCORES: usize = 1 << 24;

/// Bootstrap intervals of the EMAP scores over the evaluated rows (fractions).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EmapIntervals {
    /// Accuracy of f.
    pub accuracy: Interval,
    /// Accuracy of f̂.
    pub accuracy_emap: Interval,
    /// accuracy − accuracy_emap.
    pub accuracy_gap: Interval,
    /// Macro-F1 of f.
    pub macro_f1: Interval,
    /// Macro-F1 of f̂.
    pub macro_f1_emap: Interval,
    /// macro_f1 − macro_f1_emap.
    pub macro_f1_gap: Interval,
}

/// Settings of [`emap`].
#[derive(Debug, Clone, Copy)]
pub struct EmapOptions {
    /// Evaluate on a random subset of this many samples (the cost is n² model rows).
    pub subsample: Option<usize>,
    /// Seed of the subsample.
    pub seed: u64,
    /// Approximate number of model rows per forward call.
    pub batch_rows: usize,
}

impl Default for EmapOptions {
    fn default() -> Self {
        EmapOptions {
            subsample: None,
            seed: 0,
            batch_rows: 16_384,
        }
    }
}

impl Validate for EmapOptions {
    /// Reject settings that cannot run, naming the setting and its range.
    fn check(&self) -> Result<()> {
        if let Some(n) = self.subsample {
            crate::params::at_least("subsample", n, 1)?;
        }
        crate::params::at_least("batch_rows", self.batch_rows, 1)
    }
}

/// EMAP scores of a two-modality model.
#[derive(Debug, Clone, Serialize)]
pub struct EmapResult {
    /// Samples evaluated (after subsampling).
    pub n_samples: usize,
    /// Accuracy of the model f.
    pub accuracy: f64,
    /// Accuracy of its additive projection f̂.
    pub accuracy_emap: f64,
    /// Macro-F1 of f.
    pub macro_f1: f64,
    /// Macro-F1 of f̂.
    pub macro_f1_emap: f64,
    /// accuracy − accuracy_emap: what cross-modal interactions add.
    pub accuracy_gap: f64,
    /// macro_f1 − macro_f1_emap.
    pub macro_f1_gap: f64,
    /// Which scores were projected: "logits", or "log-probabilities" for models
    /// that return probabilities.
    pub projected_scores: &'static str,
    /// Bootstrap intervals of the six scores (`None` from [`emap`], or with 0
    /// replicates).
    pub intervals: Option<EmapIntervals>,
    /// Indices of the evaluated samples in the input.
    #[serde(skip)]
    pub sample_indices: Vec<usize>,
    /// f on the evaluated samples (n × C).
    #[serde(skip)]
    pub scores: Array2<f64>,
    /// f̂ on the evaluated samples (n × C).
    #[serde(skip)]
    pub projected: Array2<f64>,
}

/// EMAP of `model` on (x1, x2, labels). Costs n² model rows, evaluated in
/// parallel batches; the result does not depend on the thread count.
pub fn emap(
    model: &dyn Model,
    x1: ArrayView2<'_, f32>,
    x2: ArrayView2<'_, f32>,
    labels: &[usize],
    options: &Checked<EmapOptions>,
    progress: &dyn Progress,
) -> Result<EmapResult> {
    emap_impl(model, x1, x2, labels, options, None, progress)
}

/// [`emap`] with bootstrap intervals of its six scores over the evaluated rows
/// (`uncertainty.replicates` replicates, seeded from `options.seed` on the
/// `emap-bootstrap` stream; none with 0 replicates). The projection is
/// recomputed from each replicate's rows when the n² · C scores fit in
/// [`MAX_BOOTSTRAP_SCORES`], else held fixed (the interval's method says which).
pub fn emap_with_intervals(
    model: &dyn Model,
    x1: ArrayView2<'_, f32>,
    x2: ArrayView2<'_, f32>,
    labels: &[usize],
    options: &Checked<EmapOptions>,
    uncertainty: &Checked<UncertaintyConfig>,
    progress: &dyn Progress,
) -> Result<EmapResult> {
    emap_impl(model, x1, x2, labels, options, Some(uncertainty), progress)
}

fn emap_impl(
    model: &dyn Model,
    x1: ArrayView2<'_, f32>,
    x2: ArrayView2<'_, f32>,
    labels: &[usize],
    options: &Checked<EmapOptions>,
    uncertainty: Option<&Checked<UncertaintyConfig>>,
    progress: &dyn Progress,
) -> Result<EmapResult> {
    let rows = chosen_rows(x1, x2, labels, options)?;
    let n = rows.labels.len();
    let keep = keeps_scores(n, model.n_classes(), uncertainty);
    let strip = strip_sums(model, &rows, 0..n, keep, options.batch_rows, progress)?;
    finish(
        Merged::of_one(strip),
        rows.labels,
        rows.indices,
        model.n_classes(),
        model.output_kind(),
        uncertainty,
        options.seed,
    )
}

/// The evaluated rows: the sample indices (all, or the seeded subsample) and
/// their x1, x2 and labels.
pub(crate) struct ChosenRows {
    pub indices: Vec<usize>,
    pub x1: Array2<f32>,
    pub x2: Array2<f32>,
    pub labels: Vec<usize>,
}

/// Check the inputs and choose the evaluated rows as `options` say.
pub(crate) fn chosen_rows(
    x1: ArrayView2<'_, f32>,
    x2: ArrayView2<'_, f32>,
    labels: &[usize],
    options: &Checked<EmapOptions>,
) -> Result<ChosenRows> {
    let n_all = x1.nrows();
    if x2.nrows() != n_all || labels.len() != n_all {
        return Err(Error::invalid(format!(
            "rows differ: x1 {n_all}, x2 {}, labels {}",
            x2.nrows(),
            labels.len()
        )));
    }
    if n_all == 0 {
        return Err(Error::invalid("EMAP needs at least one sample"));
    }
    let indices: Vec<usize> = match options.subsample {
        Some(m) if m < n_all => {
            let mut rng = seeded(options.seed, stream_id("emap-subsample"));
            let mut idx = rand::seq::index::sample(&mut rng, n_all, m).into_vec();
            idx.sort_unstable();
            idx
        }
        _ => (0..n_all).collect(),
    };
    Ok(ChosenRows {
        x1: x1.select(Axis(0), &indices),
        x2: x2.select(Axis(0), &indices),
        labels: indices.iter().map(|&i| labels[i]).collect(),
        indices,
    })
}

/// Whether the n² · C scores are kept for the bootstrap that recomputes the
/// projection (intervals wanted and within [`MAX_BOOTSTRAP_SCORES`]).
pub(crate) fn keeps_scores(
    n: usize,
    c: usize,
    uncertainty: Option<&Checked<UncertaintyConfig>>,
) -> bool {
    uncertainty.is_some_and(|u| u.replicates > 0)
        && n.checked_mul(n)
            .and_then(|v| v.checked_mul(c))
            .is_some_and(|v| v <= MAX_BOOTSTRAP_SCORES)
}

/// What the model's scores f(x1_i, x2_j) give for a strip of x1 rows i (every
/// j): Σ_j f(i, j) per row of the strip, Σ_i f(i, j) over the strip per j,
/// f(i, i), and every f(i, j) of the strip when kept.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Strip {
    /// Σ_j f(i, j), strip rows × C.
    pub row_sums: Array2<f64>,
    /// Σ_{i in strip} f(i, j), n × C.
    pub col_sums: Array2<f64>,
    /// f(i, i), strip rows × C.
    pub diag: Array2<f64>,
    /// f(i, j) at ((i − first) · n + j) · C + class, or empty.
    pub kept: Vec<f64>,
}

/// The [`Strip`] of x1 rows `strip` against every x2 row, in parallel blocks of
/// about `batch_rows` model rows; block sums are added in block order, so the
/// result does not depend on the thread count.
pub(crate) fn strip_sums(
    model: &dyn Model,
    rows: &ChosenRows,
    strip: std::ops::Range<usize>,
    keep_scores: bool,
    batch_rows: usize,
    progress: &dyn Progress,
) -> Result<Strip> {
    let (x1, x2) = (&rows.x1, &rows.x2);
    let n = x1.nrows();
    let c = model.n_classes();
    let kind = model.output_kind();
    let per_block = (batch_rows / n).max(1);
    let blocks: Vec<(usize, usize)> = strip
        .clone()
        .step_by(per_block)
        .map(|s| (s, (s + per_block).min(strip.end)))
        .collect();
    progress.start("EMAP", (strip.len() * n) as u64);
    let parts: Vec<Result<BlockSums>> = blocks
        .par_iter()
        .map(|&(i0, i1)| {
            let rows = (i1 - i0) * n;
            let mut a = Array2::<f32>::zeros((rows, x1.ncols()));
            let mut b = Array2::<f32>::zeros((rows, x2.ncols()));
            for (k, i) in (i0..i1).enumerate() {
                for j in 0..n {
                    a.row_mut(k * n + j).assign(&x1.row(i));
                }
                b.slice_mut(s![k * n..(k + 1) * n, ..]).assign(x2);
            }
            let out = checked_forward(model, &[a.view(), b.view()])?;
            let mut row_sums = Array2::<f64>::zeros((i1 - i0, c));
            let mut col_sums = Array2::<f64>::zeros((n, c));
            let mut diag = Array2::<f64>::zeros((i1 - i0, c));
            let mut kept = Vec::with_capacity(if keep_scores { rows * c } else { 0 });
            for (k, i) in (i0..i1).enumerate() {
                for j in 0..n {
                    for cls in 0..c {
                        let v = score(kind, out[[k * n + j, cls]]);
                        row_sums[[k, cls]] += v;
                        col_sums[[j, cls]] += v;
                        if i == j {
                            diag[[k, cls]] = v;
                        }
                        if keep_scores {
                            kept.push(v);
                        }
                    }
                }
            }
            progress.advance(rows as u64);
            progress.check()?;
            Ok((row_sums, col_sums, diag, kept))
        })
        .collect();
    progress.finish();
    let len = strip.len();
    let mut out = Strip {
        row_sums: Array2::zeros((len, c)),
        col_sums: Array2::zeros((n, c)),
        diag: Array2::zeros((len, c)),
        kept: Vec::with_capacity(if keep_scores { len * n * c } else { 0 }),
    };
    for (&(i0, i1), part) in blocks.iter().zip(parts) {
        let (rs, cs, dg, kept) = part?;
        let (a, b) = (i0 - strip.start, i1 - strip.start);
        out.kept.extend_from_slice(&kept);
        out.row_sums.slice_mut(s![a..b, ..]).assign(&rs);
        out.col_sums += &cs;
        out.diag.slice_mut(s![a..b, ..]).assign(&dg);
    }
    Ok(out)
}

/// The strips of every row put together: row sums and diagonal stacked in row
/// order, column sums added strip by strip, kept scores concatenated.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Merged {
    pub row_sums: Array2<f64>,
    pub col_sums: Array2<f64>,
    pub diag: Array2<f64>,
    pub kept: Vec<f64>,
}

impl Merged {
    /// The one strip of a whole run.
    pub fn of_one(strip: Strip) -> Merged {
        Merged {
            row_sums: strip.row_sums,
            col_sums: strip.col_sums,
            diag: strip.diag,
            kept: strip.kept,
        }
    }
}

/// Projection, predictions, scores and intervals from the merged sums.
pub(crate) fn finish(
    sums: Merged,
    labels: Vec<usize>,
    indices: Vec<usize>,
    c: usize,
    kind: OutputKind,
    uncertainty: Option<&Checked<UncertaintyConfig>>,
    seed: u64,
) -> Result<EmapResult> {
    let n = labels.len();
    let keep_scores = !sums.kept.is_empty();
    let row_mean = sums.row_sums / n as f64;
    let col_mean = sums.col_sums / n as f64;
    let scores = sums.diag;
    let grand = col_mean
        .mean_axis(Axis(0))
        .unwrap_or_else(|| ndarray::Array1::zeros(c));
    let projected = &row_mean + &col_mean - &grand;

    let pred = argmax_rows(
        scores
            .rows()
            .into_iter()
            .map(|r| r.to_slice().unwrap_or(&[])),
    );
    let pred_hat = argmax_rows(
        projected
            .rows()
            .into_iter()
            .map(|r| r.to_slice().unwrap_or(&[])),
    );
    let (acc, acc_hat) = (accuracy(&pred, &labels), accuracy(&pred_hat, &labels));
    let (f1, f1_hat) = (macro_f1(&pred, &labels), macro_f1(&pred_hat, &labels));
    let intervals = uncertainty.filter(|u| u.replicates > 0).map(|u| {
        let rows = Rows {
            pred: &pred,
            pred_hat: &pred_hat,
            labels: &labels,
        };
        let scores_kept = keep_scores.then_some(sums.kept.as_slice());
        bootstrap_intervals(&rows, scores_kept, c, u, seed)
    });
    Ok(EmapResult {
        n_samples: n,
        accuracy: acc,
        accuracy_emap: acc_hat,
        macro_f1: f1,
        macro_f1_emap: f1_hat,
        accuracy_gap: acc - acc_hat,
        macro_f1_gap: f1 - f1_hat,
        projected_scores: match kind {
            OutputKind::Logits => "logits",
            OutputKind::Probabilities => "log-probabilities",
        },
        intervals,
        sample_indices: indices,
        scores,
        projected,
    })
}

/// Per block of x1 rows: Σ_j f(i, j) per i, Σ_i f(i, j) per j, f(i, i), and
/// every f(i, j) of the block when kept for the bootstrap.
type BlockSums = (Array2<f64>, Array2<f64>, Array2<f64>, Vec<f64>);

/// The evaluated rows: predictions of f, of the full-sample projection, labels.
struct Rows<'a> {
    pred: &'a [usize],
    pred_hat: &'a [usize],
    labels: &'a [usize],
}

/// Percentile intervals of the six scores over `config.replicates` resamples of
/// the rows. With `scores` (n × n × C) the projection is recomputed from each
/// resample; without, `rows.pred_hat` is held fixed.
fn bootstrap_intervals(
    rows: &Rows<'_>,
    scores: Option<&[f64]>,
    c: usize,
    config: &Checked<UncertaintyConfig>,
    seed: u64,
) -> EmapIntervals {
    let n = rows.labels.len();
    let reps: Vec<[f64; 6]> = replicates(
        config.replicates,
        seed,
        stream_id("emap-bootstrap"),
        |rng| {
            let idx = resample_indices(n, rng);
            let hat = match scores {
                Some(f) => resampled_projection(f, n, c, &idx),
                None => rows.pred_hat.to_vec(),
            };
            let take = |v: &[usize]| -> Vec<usize> { idx.iter().map(|&i| v[i]).collect() };
            let (p, h, l) = (take(rows.pred), take(&hat), take(rows.labels));
            let (a, ah) = (accuracy(&p, &l), accuracy(&h, &l));
            let (f, fh) = (macro_f1(&p, &l), macro_f1(&h, &l));
            [a, ah, a - ah, f, fh, f - fh]
        },
    );
    let method = if scores.is_some() {
        IntervalMethod::BootstrapRows
    } else {
        IntervalMethod::BootstrapRowsFixedProjection
    };
    let interval = |k: usize| {
        let mut v: Vec<f64> = reps.iter().map(|r| r[k]).collect();
        Interval::percentile(&mut v, config.level, method)
    };
    EmapIntervals {
        accuracy: interval(0),
        accuracy_emap: interval(1),
        accuracy_gap: interval(2),
        macro_f1: interval(3),
        macro_f1_emap: interval(4),
        macro_f1_gap: interval(5),
    }
}

/// Arg-max of the additive projection computed from the row multiset `idx`
/// alone, for every row (only rows in `idx` are meaningful): with weights w_j =
/// multiplicity of j, f̂(i) = Σ_j w_j f(i, j)/n + Σ_j w_j f(j, i)/n −
/// Σ_{j,k} w_j w_k f(j, k)/n².
fn resampled_projection(f: &[f64], n: usize, c: usize, idx: &[usize]) -> Vec<usize> {
    let mut w = vec![0.0f64; n];
    for &i in idx {
        w[i] += 1.0;
    }
    let drawn: Vec<usize> = (0..n).filter(|&i| w[i] > 0.0).collect();
    let nf = n as f64;
    // Σ_j w_j f(i, j) for drawn i, and Σ_j w_j f(j, ·) over every column.
    let mut row = vec![0.0f64; n * c];
    let mut col = vec![0.0f64; n * c];
    for &j in &drawn {
        let wj = w[j];
        let block = &f[j * n * c..(j + 1) * n * c];
        for (acc, &v) in col.iter_mut().zip(block) {
            *acc += wj * v;
        }
        let out = &mut row[j * c..(j + 1) * c];
        for &k in &drawn {
            let wk = w[k];
            for (o, &v) in out.iter_mut().zip(&block[k * c..(k + 1) * c]) {
                *o += wk * v;
            }
        }
    }
    let mut grand = vec![0.0f64; c];
    for &i in &drawn {
        for cls in 0..c {
            grand[cls] += w[i] * row[i * c + cls];
        }
    }
    let mut pred = vec![0usize; n];
    let mut projected = vec![0.0f64; c];
    for &i in &drawn {
        for cls in 0..c {
            projected[cls] = (row[i * c + cls] + col[i * c + cls]) / nf - grand[cls] / (nf * nf);
        }
        pred[i] = argmax_rows(std::iter::once(projected.as_slice()))[0];
    }
    pred
}

/// The score EMAP projects: logits as they are, probabilities as their logs.
fn score(kind: OutputKind, v: f32) -> f64 {
    match kind {
        OutputKind::Logits => f64::from(v),
        OutputKind::Probabilities => f64::from(v).max(1e-300).ln(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_projection_of_every_row_once_is_the_full_sample_projection() {
        // f(i, j) = a_i + b_j + interaction, 2 classes.
        let n = 7;
        let c = 2;
        let f: Vec<f64> = (0..n * n * c)
            .map(|k| {
                let (i, j, cls) = (k / (n * c), (k / c) % n, k % c);
                (i as f64 * 0.3 - j as f64 * 0.2) * (cls as f64 - 0.5) + ((i * j) % 3) as f64 * 0.1
            })
            .collect();
        let all: Vec<usize> = (0..n).collect();
        let got = resampled_projection(&f, n, c, &all);
        for i in 0..n {
            let proj: Vec<f64> = (0..c)
                .map(|cls| {
                    let row = (0..n).map(|j| f[(i * n + j) * c + cls]).sum::<f64>() / n as f64;
                    let col = (0..n).map(|j| f[(j * n + i) * c + cls]).sum::<f64>() / n as f64;
                    let grand = f.iter().skip(cls).step_by(c).sum::<f64>() / (n * n) as f64;
                    row + col - grand
                })
                .collect();
            assert_eq!(got[i], argmax_rows(std::iter::once(proj.as_slice()))[0]);
        }
    }
}
