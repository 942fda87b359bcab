//! EMAP (Hessel & Lee 2020): the additive projection of a model and its performance gap.
//!
//! On an evaluation set of n samples, f̂(x1_i, x2_i) = mean_j f(x1_i, x2_j) +
//! mean_j f(x1_j, x2_i) − mean_{j,k} f(x1_j, x2_k) is the best additive
//! approximation of the logits f on the set. If f̂ performs as well as f, the
//! model gains nothing from cross-modal interactions on this data.

use ndarray::{s, Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::Serialize;

use crate::metrics::{accuracy, argmax_rows, macro_f1};
use crate::model::{checked_forward, Model, OutputKind};
use crate::params::{Checked, Validate};
use crate::progress::Progress;
use crate::rng::{seeded, stream_id};
use crate::{Error, Result};

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
    let n = indices.len();
    let x1 = x1.select(Axis(0), &indices);
    let x2 = x2.select(Axis(0), &indices);
    let labels: Vec<usize> = indices.iter().map(|&i| labels[i]).collect();
    let c = model.n_classes();
    let kind = model.output_kind();

    let per_block = (options.batch_rows / n).max(1);
    let blocks: Vec<(usize, usize)> = (0..n)
        .step_by(per_block)
        .map(|s| (s, (s + per_block).min(n)))
        .collect();
    progress.start("EMAP", (n * n) as u64);
    // Each block of x1 rows i returns Σ_j f(i, j) per i, Σ_i f(i, j) per j and f(i, i).
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
                b.slice_mut(s![k * n..(k + 1) * n, ..]).assign(&x2);
            }
            let out = checked_forward(model, &[a.view(), b.view()])?;
            let mut row_sums = Array2::<f64>::zeros((i1 - i0, c));
            let mut col_sums = Array2::<f64>::zeros((n, c));
            let mut diag = Array2::<f64>::zeros((i1 - i0, c));
            for (k, i) in (i0..i1).enumerate() {
                for j in 0..n {
                    for cls in 0..c {
                        let v = score(kind, out[[k * n + j, cls]]);
                        row_sums[[k, cls]] += v;
                        col_sums[[j, cls]] += v;
                        if i == j {
                            diag[[k, cls]] = v;
                        }
                    }
                }
            }
            progress.advance(rows as u64);
            progress.check()?;
            Ok((row_sums, col_sums, diag))
        })
        .collect();
    progress.finish();

    let mut row_mean = Array2::<f64>::zeros((n, c));
    let mut col_sum = Array2::<f64>::zeros((n, c));
    let mut scores = Array2::<f64>::zeros((n, c));
    for (&(i0, i1), part) in blocks.iter().zip(parts) {
        let (rs, cs, dg) = part?;
        row_mean.slice_mut(s![i0..i1, ..]).assign(&(rs / n as f64));
        col_sum += &cs;
        scores.slice_mut(s![i0..i1, ..]).assign(&dg);
    }
    let col_mean = col_sum / n as f64;
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
        sample_indices: indices,
        scores,
        projected,
    })
}

/// Per block of x1 rows: Σ_j f(i, j) per i, Σ_i f(i, j) per j, and f(i, i).
type BlockSums = (Array2<f64>, Array2<f64>, Array2<f64>);

/// The score EMAP projects: logits as they are, probabilities as their logs.
fn score(kind: OutputKind, v: f32) -> f64 {
    match kind {
        OutputKind::Logits => f64::from(v),
        OutputKind::Probabilities => f64::from(v).max(1e-300).ln(),
    }
}
