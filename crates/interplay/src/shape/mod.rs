//! SHAPE (Hu et al. 2022): cross-modal cooperation from coalition performances.
//!
//! Two variants, as in the InterSHAP comparison (intershap.md §8):
//! * [`shape`]: performance-based. With a metric P, base = P of always predicting
//!   the majority class, P_all = P on full inputs, P_i = P with every modality
//!   but i set to zero; cross-modal SHAPE = P_all − base − Σ_i (P_i − base).
//! * [`shape_output`]: model-output based, with coalition values
//!   v_S(x) = mean_b f(x_S, b_{−S}) over a background set (the exact-mean masking
//!   of InterSHAP): mean over samples of v(M) − v(∅) − Σ_i (v({i}) − v(∅)),
//!   and its ratio to the mean of v(M) − v(∅).
//!
//! [`shape_intervals`] gives bootstrap intervals of both cross-modal scores over
//! the explained rows: each replicate resamples rows and recomputes every metric
//! on them (the majority-class base included) from the predictions and per-row
//! coalition values already computed, so it costs no model calls. The background
//! rows are held fixed: the intervals leave out the variance of the background
//! draw (small next to the row variance for the default 100+ background rows).

pub mod partial;

pub use partial::{merge, shape_shard, MergedShape, ShapePartial, ShapeSettings};

use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::Serialize;

use crate::metrics::{accuracy, macro_f1};
use crate::model::eval::{argmax_of, forward_batched, DEFAULT_BATCH};
use crate::model::{probabilities, Model};
use crate::params::Checked;
use crate::rng::stream_id;
use crate::uncertainty::{
    replicates, resample_indices, Interval, IntervalMethod, UncertaintyConfig,
};
use crate::{Error, Result};
use schemars::JsonSchema;
use serde::Deserialize;

/// The performance metric of performance-based SHAPE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ShapeMetric {
    /// Unweighted mean of per-class F1 (the default: robust to class imbalance).
    #[default]
    MacroF1,
    /// Fraction correct.
    Accuracy,
}

impl ShapeMetric {
    /// The name on the command line (`macro-f1`, `accuracy`).
    pub fn name(self) -> &'static str {
        match self {
            ShapeMetric::MacroF1 => "macro-f1",
            ShapeMetric::Accuracy => "accuracy",
        }
    }
}

impl std::str::FromStr for ShapeMetric {
    type Err = Error;
    /// `macro-f1` (or `macro_f1`, `f1`) or `accuracy` (or `acc`), in any case.
    fn from_str(text: &str) -> Result<Self> {
        match text.to_ascii_lowercase().as_str() {
            "macro-f1" | "macro_f1" | "f1" => Ok(ShapeMetric::MacroF1),
            "accuracy" | "acc" => Ok(ShapeMetric::Accuracy),
            _ => Err(crate::params::unknown(
                "metric",
                text,
                &["macro-f1", "accuracy"],
            )),
        }
    }
}

impl std::fmt::Display for ShapeMetric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Performance-based SHAPE.
#[derive(Debug, Clone, Serialize)]
pub struct ShapeResult {
    /// The metric every figure below is in.
    pub metric: ShapeMetric,
    /// Metric of always predicting the majority label.
    pub base: f64,
    /// Metric of the model on full inputs.
    pub full: f64,
    /// Metric with only modality i kept (the others zeroed), per modality.
    pub single: Vec<f64>,
    /// Per-modality SHAPE contribution P_i − base.
    pub contributions: Vec<f64>,
    /// Cross-modal SHAPE: P_all − base − Σ_i (P_i − base).
    pub cross_modal: f64,
    /// Predicted class of every row on full inputs (for the bootstrap).
    #[serde(skip)]
    pub predictions: Vec<usize>,
    /// Predicted class of every row with only modality i kept, per modality.
    #[serde(skip)]
    pub single_predictions: Vec<Vec<usize>>,
}

/// Performance-based SHAPE of `model` on labelled data with M modalities.
pub fn shape(
    model: &dyn Model,
    modalities: &[ArrayView2<'_, f32>],
    labels: &[usize],
    metric: ShapeMetric,
) -> Result<ShapeResult> {
    let n = check(model, modalities)?;
    if labels.len() != n {
        return Err(Error::invalid(format!(
            "{} labels for {n} samples",
            labels.len()
        )));
    }
    if n == 0 {
        return Err(Error::invalid("SHAPE needs at least one sample"));
    }
    let (predictions, single_predictions) = coalition_predictions(model, modalities)?;
    Ok(performance_result(
        metric,
        labels,
        predictions,
        single_predictions,
    ))
}

/// The predicted class of every row on full inputs, and with only modality i
/// kept (the others zeroed) for every modality: all performance SHAPE needs
/// of the model, row by row.
fn coalition_predictions(
    model: &dyn Model,
    modalities: &[ArrayView2<'_, f32>],
) -> Result<(Vec<usize>, Vec<Vec<usize>>)> {
    let predict = |inputs: &[ArrayView2<'_, f32>]| crate::model::eval::predict(model, inputs);
    let predictions = predict(modalities)?;
    let mut single_predictions = Vec::with_capacity(modalities.len());
    for keep in 0..modalities.len() {
        let zeroed: Vec<Array2<f32>> = modalities
            .iter()
            .enumerate()
            .map(|(m, x)| {
                if m == keep {
                    x.to_owned()
                } else {
                    Array2::zeros(x.raw_dim())
                }
            })
            .collect();
        let views: Vec<_> = zeroed.iter().map(|z| z.view()).collect();
        single_predictions.push(predict(&views)?);
    }
    Ok((predictions, single_predictions))
}

/// Performance SHAPE from the rows' labels and coalition predictions.
fn performance_result(
    metric: ShapeMetric,
    labels: &[usize],
    predictions: Vec<usize>,
    single_predictions: Vec<Vec<usize>>,
) -> ShapeResult {
    let m = performance(metric, labels, &predictions, &single_predictions);
    ShapeResult {
        metric,
        base: m.base,
        full: m.full,
        contributions: m.single.iter().map(|p| p - m.base).collect(),
        cross_modal: m.cross_modal,
        single: m.single,
        predictions,
        single_predictions,
    }
}

/// The metrics of performance SHAPE from per-row predictions.
struct Performance {
    base: f64,
    full: f64,
    single: Vec<f64>,
    cross_modal: f64,
}

/// Base (majority class of `labels`), full, single-modality metrics and
/// cross-modal SHAPE of the predictions.
fn performance(
    metric: ShapeMetric,
    labels: &[usize],
    full: &[usize],
    single: &[Vec<usize>],
) -> Performance {
    let score = |pred: &[usize]| match metric {
        ShapeMetric::MacroF1 => macro_f1(pred, labels),
        ShapeMetric::Accuracy => accuracy(pred, labels),
    };
    let mut counts = vec![0usize; labels.iter().max().map_or(0, |m| m + 1)];
    labels.iter().for_each(|&l| counts[l] += 1);
    let majority = (0..counts.len())
        .max_by(|&a, &b| counts[a].cmp(&counts[b]).then(b.cmp(&a)))
        .unwrap_or(0);
    let base = score(&vec![majority; labels.len()]);
    let full = score(full);
    let single: Vec<f64> = single.iter().map(|p| score(p)).collect();
    let cross_modal = full - base - single.iter().map(|p| p - base).sum::<f64>();
    Performance {
        base,
        full,
        single,
        cross_modal,
    }
}

/// Model-output SHAPE.
#[derive(Debug, Clone, Serialize)]
pub struct ShapeOutputResult {
    /// Mean base value v(∅) (probability of each sample's explained class).
    pub base_value: f64,
    /// Mean of v(M) − v(∅): the whole effect of the inputs.
    pub total_effect: f64,
    /// Mean of v({i}) − v(∅) per modality.
    pub single_effects: Vec<f64>,
    /// Mean of v(M) − v(∅) − Σ_i (v({i}) − v(∅)).
    pub cross_modal: f64,
    /// cross_modal / total_effect (0 when the total effect is 0).
    pub cross_modal_ratio: f64,
    /// Background rows each absent modality was averaged over.
    pub background_size: usize,
    /// v(M) − v(∅) of every explained row (for the bootstrap).
    #[serde(skip)]
    pub row_total: Vec<f64>,
    /// v(M) − v(∅) − Σ_i (v({i}) − v(∅)) of every explained row.
    #[serde(skip)]
    pub row_cross: Vec<f64>,
}

/// Model-output SHAPE on `modalities` with absent modalities replaced by every
/// row of `background` in turn (all absent modalities from the same row). The
/// explained output is the probability of the class the model predicts on the
/// full input.
pub fn shape_output(
    model: &dyn Model,
    modalities: &[ArrayView2<'_, f32>],
    background: &[ArrayView2<'_, f32>],
) -> Result<ShapeOutputResult> {
    let (rows, nb, _) = output_rows(model, modalities, background)?;
    Ok(summarise_output(&rows, nb))
}

/// The coalition values model-output SHAPE reads of every row: v(∅), v(M) and
/// v({i}) of the row's explained class.
#[derive(Debug, Clone, PartialEq)]
struct OutputRows {
    /// v(∅): the background's mean probability of the row's class.
    empty: Vec<f64>,
    /// v(M): the probability of the class on the full row.
    full: Vec<f64>,
    /// v({i}) per modality i, per row.
    singles: Vec<Vec<f64>>,
}

/// The [`OutputRows`] of `modalities`, the number of background rows and the
/// model's mean probabilities on them.
fn output_rows(
    model: &dyn Model,
    modalities: &[ArrayView2<'_, f32>],
    background: &[ArrayView2<'_, f32>],
) -> Result<(OutputRows, usize, Vec<f64>)> {
    let n = check(model, modalities)?;
    let nb = check(model, background)?;
    if n == 0 || nb == 0 {
        return Err(Error::invalid(
            "model-output SHAPE needs at least one sample and one background row",
        ));
    }
    let m = modalities.len();
    let kind = model.output_kind();
    let full = probabilities(kind, forward_batched(model, modalities, DEFAULT_BATCH)?);
    let full64 = full.mapv(f64::from);
    let explained = argmax_of(&full64);
    let bg_probs =
        probabilities(kind, forward_batched(model, background, DEFAULT_BATCH)?).mapv(f64::from);
    let bg_mean = bg_probs.mean_axis(Axis(0)).unwrap_or_default();
    // v({i}) for every sample: x_i with all other modalities from each background row.
    let singles: Vec<Result<Vec<f64>>> = (0..m)
        .into_par_iter()
        .map(|keep| {
            let mut values = Vec::with_capacity(n);
            for (a, &cls) in explained.iter().enumerate() {
                let inputs: Vec<Array2<f32>> = (0..m)
                    .map(|j| {
                        if j == keep {
                            let row = modalities[j].row(a);
                            Array2::from_shape_fn((nb, row.len()), |(_, k)| row[k])
                        } else {
                            background[j].to_owned()
                        }
                    })
                    .collect();
                let views: Vec<_> = inputs.iter().map(|x| x.view()).collect();
                let out = probabilities(kind, forward_batched(model, &views, DEFAULT_BATCH)?);
                values.push(out.column(cls).iter().map(|&v| f64::from(v)).sum::<f64>() / nb as f64);
            }
            Ok(values)
        })
        .collect();
    let rows = OutputRows {
        empty: explained.iter().map(|&c| bg_mean[c]).collect(),
        full: explained
            .iter()
            .enumerate()
            .map(|(a, &c)| f64::from(full[[a, c]]))
            .collect(),
        singles: singles.into_iter().collect::<Result<_>>()?,
    };
    Ok((rows, nb, bg_mean.to_vec()))
}

/// Model-output SHAPE from the rows' coalition values (means in row order).
fn summarise_output(rows: &OutputRows, nb: usize) -> ShapeOutputResult {
    let n = rows.full.len();
    let mut base_sum = 0.0;
    let mut total = 0.0;
    let mut single_effects = vec![0.0; rows.singles.len()];
    let mut cross = 0.0;
    let mut row_total = Vec::with_capacity(n);
    let mut row_cross = Vec::with_capacity(n);
    for a in 0..n {
        let v_empty = rows.empty[a];
        let v_full = rows.full[a];
        base_sum += v_empty;
        total += v_full - v_empty;
        let mut inter = v_full - v_empty;
        for (i, s) in rows.singles.iter().enumerate() {
            single_effects[i] += s[a] - v_empty;
            inter -= s[a] - v_empty;
        }
        cross += inter;
        row_total.push(v_full - v_empty);
        row_cross.push(inter);
    }
    let nf = n.max(1) as f64;
    let total_effect = total / nf;
    let cross_modal = cross / nf;
    ShapeOutputResult {
        base_value: base_sum / nf,
        total_effect,
        single_effects: single_effects.iter().map(|v| v / nf).collect(),
        cross_modal,
        cross_modal_ratio: ratio(cross_modal, total_effect),
        background_size: nb,
        row_total,
        row_cross,
    }
}

/// cross / total, 0 when the total effect is 0.
fn ratio(cross: f64, total: f64) -> f64 {
    if total != 0.0 {
        cross / total
    } else {
        0.0
    }
}

/// Bootstrap intervals of the cross-modal SHAPE scores (see the module
/// documentation: rows resampled, background fixed).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ShapeIntervals {
    /// Performance cross-modal SHAPE (base recomputed on each resample).
    pub performance_cross_modal: Interval,
    /// Model-output cross-modal SHAPE.
    pub output_cross_modal: Interval,
    /// Its ratio to the total effect.
    pub output_cross_modal_ratio: Interval,
}

/// Bootstrap intervals of performance and output cross-modal SHAPE over the
/// explained rows, from results computed on the same rows with `labels`:
/// `config.replicates` resamples (none with 0), seeded from `seed` on the
/// `shape-bootstrap` stream, each row resample shared by both variants.
pub fn shape_intervals(
    perf: &ShapeResult,
    out: &ShapeOutputResult,
    labels: &[usize],
    config: &Checked<UncertaintyConfig>,
    seed: u64,
) -> Result<Option<ShapeIntervals>> {
    let n = labels.len();
    if perf.predictions.len() != n || out.row_total.len() != n || out.row_cross.len() != n {
        return Err(Error::invalid(format!(
            "SHAPE intervals need both results on the same {n} rows (performance {}, output {})",
            perf.predictions.len(),
            out.row_total.len()
        )));
    }
    if config.replicates == 0 || n == 0 {
        return Ok(None);
    }
    let reps: Vec<[f64; 3]> = replicates(
        config.replicates,
        seed,
        stream_id("shape-bootstrap"),
        |rng| {
            let idx = resample_indices(n, rng);
            let take = |v: &[usize]| -> Vec<usize> { idx.iter().map(|&i| v[i]).collect() };
            let single: Vec<Vec<usize>> = perf.single_predictions.iter().map(|p| take(p)).collect();
            let p = performance(
                perf.metric,
                &take(labels),
                &take(&perf.predictions),
                &single,
            );
            let nf = n as f64;
            let cross = idx.iter().map(|&i| out.row_cross[i]).sum::<f64>() / nf;
            let total = idx.iter().map(|&i| out.row_total[i]).sum::<f64>() / nf;
            [p.cross_modal, cross, ratio(cross, total)]
        },
    );
    let interval = |k: usize| {
        let mut v: Vec<f64> = reps.iter().map(|r| r[k]).collect();
        Interval::percentile(&mut v, config.level, IntervalMethod::BootstrapRows)
    };
    Ok(Some(ShapeIntervals {
        performance_cross_modal: interval(0),
        output_cross_modal: interval(1),
        output_cross_modal_ratio: interval(2),
    }))
}

/// Rows shared by all modalities, after checking widths against the model.
fn check(model: &dyn Model, modalities: &[ArrayView2<'_, f32>]) -> Result<usize> {
    let dims = model.input_dims();
    if modalities.len() != dims.len() {
        return Err(Error::invalid(format!(
            "model takes {} modalities, got {}",
            dims.len(),
            modalities.len()
        )));
    }
    let n = modalities.first().map_or(0, |x| x.nrows());
    for (i, (x, &d)) in modalities.iter().zip(&dims).enumerate() {
        if x.ncols() != d || x.nrows() != n {
            return Err(Error::invalid(format!(
                "modality {i} is {}×{}, expected {n}×{d}",
                x.nrows(),
                x.ncols()
            )));
        }
    }
    Ok(n)
}

/// Indices of `size` background rows drawn without replacement from `n_rows`
/// (all of them when `size ≥ n_rows`), sorted, reproducible from `seed`: the same
/// rows InterSHAP draws for the same seed (see [`crate::model::eval`]).
pub fn draw_background(n_rows: usize, size: usize, seed: u64) -> Vec<usize> {
    crate::model::eval::background_rows(n_rows, Some(size), seed)
}
