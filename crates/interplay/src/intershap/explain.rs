//! The InterSHAP entry point: from a model, explained rows and background rows to
//! per-sample interaction matrices and the local and global scores.

use ndarray::{Array1, Array2, Array3, Axis};
use std::cell::RefCell;

use super::config::{Approximation, BackgroundRows, InterShapConfig, Masking, OutputTarget};
use super::interval::{local_std_errors, score_intervals, ScoreIntervals};
use super::masking::{masked_values, outputs_in_space, to_space, MaskedInputs, MaskedValues};
use super::scores::{local_scores, mean_matrix, mean_std, pair_shares, PairShare};
use crate::data::Split;
use crate::model::eval::{
    argmax_of, background_rows, choose_rows, forward_batched, SAMPLES_STREAM,
};
use crate::model::Model;
use crate::progress::Progress;
use crate::shapley::{self, Interactions, SamplingConfig, MAX_EXACT_PLAYERS};
use crate::uncertainty::UncertaintyConfig;
use crate::{Error, Result};

/// How the coalition values of a result were obtained, so results from different
/// maskings are never confused.
#[derive(Debug, Clone, PartialEq)]
pub struct MaskingReport {
    /// `"mean"` (exact mean over the background) or `"draws"` (random draws).
    pub method: &'static str,
    /// Background rows available for masking.
    pub background_rows: usize,
    /// Background rows averaged per coalition value (B for the mean, K for draws).
    pub rows_per_value: usize,
    /// `"probability"` or `"logit"`.
    pub space: &'static str,
    /// `"exact"` or `"permutation"`.
    pub shapley: &'static str,
    /// Permutations drawn when sampling (0 when exact).
    pub permutations: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Model rows evaluated in total.
    pub model_rows: u64,
}

/// The explanation of one model output (the predicted class, or one fixed class).
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// `"best"` or `"class:K"`.
    pub output: String,
    /// The class explained for each sample (0-based).
    pub classes: Vec<usize>,
    /// Per-sample φ, SII and Φ.
    pub interactions: Interactions,
    /// v(∅) of each sample (mean background prediction of its explained class).
    pub base_values: Vec<f64>,
    /// v(M) of each sample (the prediction on its full input).
    pub predictions: Vec<f64>,
    /// Local InterSHAP of each sample, as a fraction.
    pub local: Vec<f64>,
    /// Mean of the local scores.
    pub local_mean: f64,
    /// Standard deviation of the local scores.
    pub local_std: f64,
    /// Global InterSHAP of the mean matrix, as a fraction.
    pub global: f64,
    /// Mean Φ over samples, M × M.
    pub mean_matrix: Array2<f64>,
    /// Mean φ over samples.
    pub mean_shapley: Vec<f64>,
    /// Mean v(∅) over samples.
    pub base_value: f64,
    /// Per-pair breakdown of the global score.
    pub pairs: Vec<PairShare>,
    /// Confidence intervals of the global score and the pair shares (`None`
    /// when the bootstrap is turned off).
    pub intervals: Option<ScoreIntervals>,
    /// Standard error of each local score, when the Shapley quantities were
    /// sampled (exact ones have no sampling error).
    pub local_std_err: Option<Vec<f64>>,
}

impl Explanation {
    /// Global InterSHAP in percent.
    pub fn global_percent(&self) -> f64 {
        100.0 * self.global
    }
}

/// Result of [`explain`].
#[derive(Debug, Clone, PartialEq)]
pub struct InterShapResult {
    /// Number of modalities M.
    pub n_modalities: usize,
    /// Indices (into the given inputs) of the explained rows, ascending.
    pub sample_indices: Vec<usize>,
    /// How coalition values were computed.
    pub masking: MaskingReport,
    /// One explanation per explained output (one unless the target is every class).
    pub explanations: Vec<Explanation>,
    /// How the model does on the explained rows, when they have labels.
    pub model_accuracy: Option<ModelAccuracy>,
    /// The rounds of `BackgroundRows::Auto`, when it chose the background size.
    pub auto_background: Option<AutoBackground>,
}

/// Accuracy of the explained model on the explained rows, beside the rate of
/// always predicting their most frequent label: a model no better than that has
/// learnt nothing, and its interactions mean little.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelAccuracy {
    /// Share of explained rows whose predicted class is their label.
    pub accuracy: f64,
    /// Share of explained rows in their most frequent class.
    pub majority: f64,
}

/// How `BackgroundRows::Auto` chose the background size.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoBackground {
    /// The half-width asked for (a fraction).
    pub target: f64,
    /// Each round: background rows used and the global interval's half-width.
    pub rounds: Vec<(usize, f64)>,
    /// Whether the last round reached the target.
    pub reached: bool,
    /// Rows of the background split available.
    pub available: usize,
}

impl InterShapResult {
    /// Number of explained samples.
    pub fn n_samples(&self) -> usize {
        self.sample_indices.len()
    }
}

/// Views of every matrix.
fn views(v: &[Array2<f32>]) -> Vec<ndarray::ArrayView2<'_, f32>> {
    v.iter().map(|a| a.view()).collect()
}

/// Standard-layout copies of every modality of the given rows.
fn standard_rows(split: &Split, idx: &[usize]) -> Vec<Array2<f32>> {
    split
        .modalities()
        .iter()
        .map(|m| m.select(Axis(0), idx).as_standard_layout().into_owned())
        .collect()
}

/// Explain `model` on `inputs`, masking absent modalities with rows of `background`.
///
/// The background is first reduced to `config.background` rows (seeded), the inputs
/// to `config.samples` rows (seeded). v(∅) is the mean prediction over the
/// background and v(M) the prediction on the full input; the 2^M − 2 other
/// coalition values of every sample come from batched masked forward passes.
/// Every explanation carries bootstrap intervals of its scores over both samples
/// (see [`super::interval`]). With `BackgroundRows::Auto` the background grows
/// until the global interval's half-width reaches `config.ci_target`
/// ([`explain_auto`]).
///
/// The steps, one function each: `check_inputs`, `ChosenRows::choose`,
/// `EndValues::compute` (the only pass over the explained rows unmasked),
/// `targets`, then `exact_explanations` or `sampled_explanations` (coalition
/// values and Shapley interactions, each output summarised by `summarise`), and
/// `masking_report`.
pub fn explain(
    model: &dyn Model,
    inputs: &Split,
    background: &Split,
    config: &crate::params::Checked<InterShapConfig>,
    progress: &dyn Progress,
) -> Result<InterShapResult> {
    match config.background {
        BackgroundRows::Auto => explain_auto(model, inputs, background, config, progress),
        BackgroundRows::Sample(b) => {
            explain_with(model, inputs, background, config, Some(b), progress)
        }
        BackgroundRows::All => explain_with(model, inputs, background, config, None, progress),
    }
}

/// Background rows `BackgroundRows::Auto` starts from (the default sample size).
pub const AUTO_BACKGROUND_START: usize = 100;

/// Most rounds `BackgroundRows::Auto` runs before it settles for what it has.
const AUTO_ROUNDS: usize = 4;

/// Grow the background until the global score's interval half-width is at most
/// `config.ci_target`, or every background row is used. Each round predicts the
/// rows needed from the background's part of the variance (which falls as 1/B);
/// when the explained rows alone leave the interval wider than the target, more
/// background cannot help, so it grows only until the background's part is small
/// (a quarter of the target's variance) and the report says how many explained
/// rows the target would need.
pub fn explain_auto(
    model: &dyn Model,
    inputs: &Split,
    background: &Split,
    config: &InterShapConfig,
    progress: &dyn Progress,
) -> Result<InterShapResult> {
    let available = background.len();
    let target = config.ci_target;
    let mut b = AUTO_BACKGROUND_START.min(available).max(1);
    let mut rounds = Vec::new();
    loop {
        let mut result = explain_with(model, inputs, background, config, Some(b), progress)?;
        let intervals = result
            .explanations
            .first()
            .and_then(|e| e.intervals.clone())
            .ok_or_else(|| Error::invalid("background `auto` needs bootstrap intervals"))?;
        let half = intervals.global.half_width();
        rounds.push((b, half));
        let reached = half <= target;
        let next = next_background(&intervals, b, target, available);
        if reached || next <= b || rounds.len() >= AUTO_ROUNDS {
            result.auto_background = Some(AutoBackground {
                target,
                rounds,
                reached,
                available,
            });
            return Ok(result);
        }
        b = next;
    }
}

/// Background rows for the next `auto` round: the size at which the background's
/// variance leaves room for the rows' variance within the target (or only a
/// quarter of the target's variance when the rows alone exceed it), with 10 %
/// to spare, at least double the current size and at most what is available.
fn next_background(iv: &ScoreIntervals, b: usize, target: f64, available: usize) -> usize {
    let z = crate::uncertainty::two_sided_z(iv.global.level);
    let target_var = (target / z).powi(2);
    let rows_var = iv.std_err_rows.powi(2);
    let bg_var = iv.std_err_background.powi(2);
    let room = if rows_var < 0.75 * target_var {
        target_var - rows_var
    } else {
        0.25 * target_var
    };
    let wanted = (b as f64 * bg_var / room.max(f64::MIN_POSITIVE) * 1.1).ceil();
    let wanted = if wanted.is_finite() {
        wanted as usize
    } else {
        available
    };
    if wanted <= b {
        return b;
    }
    wanted.max(2 * b).min(available)
}

/// [`explain`] with `background_rows` background rows (`None`: every row).
fn explain_with(
    model: &dyn Model,
    inputs: &Split,
    background: &Split,
    config: &InterShapConfig,
    background_rows: Option<usize>,
    progress: &dyn Progress,
) -> Result<InterShapResult> {
    let computed = compute_rows(
        model,
        inputs,
        background,
        config,
        background_rows,
        None,
        progress,
    )?;
    let labels = inputs
        .labels()
        .map(|y| computed.rows.sample_idx.iter().map(|&i| y[i]).collect());
    Ok(result_of(computed, config, inputs.n_modalities(), labels))
}

/// The result of a whole run from its computed rows: every output summarised
/// ([`finish_explanation`]), the cost report, and the model's accuracy on the
/// explained rows when `labels` (theirs, in order) are given. One function for
/// the model path and for values computed elsewhere ([`super::coalitions`]).
pub(crate) fn result_of(
    computed: ComputedRows,
    config: &InterShapConfig,
    n_modalities: usize,
    labels: Option<Vec<usize>>,
) -> InterShapResult {
    let explanations = computed
        .raw
        .into_iter()
        .map(|raw| finish_explanation(raw, &config.uncertainty, config.seed))
        .collect();
    InterShapResult {
        n_modalities,
        masking: masking_report(
            config,
            computed.rows.n(),
            computed.rows.n_background(),
            computed.permutations,
            computed.masked,
        ),
        model_accuracy: labels.and_then(|y| accuracy_of(&y, &computed.ends.predicted)),
        sample_indices: computed.rows.sample_idx,
        explanations,
        auto_background: None,
    }
}

/// What the model evaluations of some explained rows gave, before any summary:
/// the rows, their end values and the per-row Shapley quantities of every
/// target. A whole run summarises it at once; a shard keeps it for the merge.
pub(crate) struct ComputedRows {
    /// The explained rows (all of them, or one shard's) and the background rows.
    pub(crate) rows: ChosenRows,
    /// v(∅), v(M), the background outputs and the predicted classes.
    pub(crate) ends: EndValues,
    /// Per-row quantities of every explained output.
    pub(crate) raw: Vec<RawExplanation>,
    /// Permutations of the Shapley sampling (0: exact).
    pub(crate) permutations: usize,
    /// Masked coalitions the model ran per row.
    pub(crate) masked: usize,
}

/// The model evaluations of an InterSHAP run with `background_rows` background
/// rows, over the explained rows at `positions` of the chosen rows (`None`: all
/// of them). Every random choice (rows, background, draws, permutations) is made
/// as for the whole run, so the rows of a shard get exactly their values in it.
pub(crate) fn compute_rows(
    model: &dyn Model,
    inputs: &Split,
    background: &Split,
    config: &InterShapConfig,
    background_rows: Option<usize>,
    positions: Option<std::ops::Range<usize>>,
    progress: &dyn Progress,
) -> Result<ComputedRows> {
    let permutations = permutations(config.approximation, inputs.n_modalities());
    check_inputs(model, inputs, background, config, permutations)?;
    let rows = ChosenRows::choose(inputs, background, config, background_rows, positions)?;
    let ends = EndValues::compute(model, &rows, config)?;
    let targets = targets(config.output, model.n_classes(), &ends.predicted);
    let values = CoalitionValues {
        model,
        data: MaskedInputs {
            inputs: &rows.inputs,
            background: &rows.background,
            masking: config.masking,
            space: config.space,
            seed: config.seed,
            batch_size: config.batch_size,
            first_row: rows.first,
        },
        ends: &ends,
        m: inputs.n_modalities(),
        full_mask: full_mask(inputs.n_modalities()),
        with_intervals: config.uncertainty.replicates > 0,
        progress,
    };
    let (raw, masked) = if permutations == 0 {
        exact_explanations(&values, targets)?
    } else {
        let sampling = SamplingConfig {
            permutations,
            seed: config.seed,
        };
        sampled_explanations(&values, targets, &sampling)?
    };
    Ok(ComputedRows {
        rows,
        ends,
        raw,
        permutations,
        masked,
    })
}

/// Accuracy of `predicted` against `labels` and the labels' majority-class rate
/// (`None` without rows).
pub(crate) fn accuracy_of(labels: &[usize], predicted: &[usize]) -> Option<ModelAccuracy> {
    if labels.is_empty() {
        return None;
    }
    let hits = labels.iter().zip(predicted).filter(|(y, p)| y == p).count();
    Some(ModelAccuracy {
        accuracy: hits as f64 / labels.len() as f64,
        majority: crate::metrics::majority_rate(labels),
    })
}

/// Permutations of the Shapley sampling, 0 for the exact computation: `Auto`
/// samples only beyond [`MAX_EXACT_PLAYERS`] modalities, where exact enumeration
/// of the 2^M coalitions stops being affordable.
pub(crate) fn permutations(approximation: Approximation, m: usize) -> usize {
    match approximation {
        Approximation::Exact => 0,
        Approximation::Permutations(t) => t,
        Approximation::Auto { permutations } if m > MAX_EXACT_PLAYERS => permutations,
        Approximation::Auto { .. } => 0,
    }
}

/// Refuse what cannot be explained before any model runs: widths the model does
/// not take, no rows, a class the model lacks, or an exact computation over more
/// modalities than can be enumerated. (The splits themselves are valid by
/// construction: two or more modalities, equal rows, finite values.)
fn check_inputs(
    model: &dyn Model,
    inputs: &Split,
    background: &Split,
    config: &InterShapConfig,
    permutations: usize,
) -> Result<()> {
    let dims = model.input_dims();
    if inputs.dims() != dims || background.dims() != dims {
        return Err(Error::invalid(format!(
            "the model expects modality widths {dims:?}, the inputs have {:?} and the background {:?}",
            inputs.dims(),
            background.dims()
        )));
    }
    if inputs.is_empty() || background.is_empty() {
        return Err(Error::invalid(
            "InterSHAP needs at least one input row and one background row",
        ));
    }
    let c = model.n_classes();
    if let OutputTarget::Class(k) = config.output {
        if k >= c {
            return Err(Error::invalid(format!(
                "class {k} does not exist: the model has {c} classes (0..{})",
                c - 1
            )));
        }
    }
    let m = inputs.n_modalities();
    if permutations == 0 && m > MAX_EXACT_PLAYERS {
        return Err(Error::invalid(format!(
            "exact InterSHAP supports at most {MAX_EXACT_PLAYERS} modalities, got {m}"
        )));
    }
    Ok(())
}

/// The explained rows and the background rows actually used, as standard-layout
/// copies so every batch the model sees is contiguous.
pub(crate) struct ChosenRows {
    /// Indices of the explained rows in the given inputs, ascending.
    pub(crate) sample_idx: Vec<usize>,
    /// Position of the first of them among all the rows the run explains (0
    /// unless this is a shard).
    pub(crate) first: usize,
    /// Number of rows the whole run explains (N of every shard together).
    pub(crate) total: usize,
    /// The explained rows, one matrix per modality.
    inputs: Vec<Array2<f32>>,
    /// The background rows, one matrix per modality.
    pub(crate) background: Vec<Array2<f32>>,
    /// Number of background rows B (also when the rows themselves are elsewhere).
    n_bg: usize,
}

impl ChosenRows {
    /// `config.samples` explained rows and `background_k` background rows
    /// ([`row_indices`]).
    /// `positions` keeps only those positions of the chosen rows (a shard).
    fn choose(
        inputs: &Split,
        background: &Split,
        config: &InterShapConfig,
        background_k: Option<usize>,
        positions: Option<std::ops::Range<usize>>,
    ) -> Result<ChosenRows> {
        let (mut sample_idx, bg_idx) =
            row_indices(inputs.len(), background.len(), config, background_k);
        let total = sample_idx.len();
        let first = match positions {
            None => 0,
            Some(range) => {
                if range.start >= range.end || range.end > total {
                    return Err(Error::invalid(format!(
                        "rows {}..{} are not a non-empty part of the {total} explained rows",
                        range.start, range.end
                    )));
                }
                sample_idx = sample_idx[range.clone()].to_vec();
                range.start
            }
        };
        Ok(ChosenRows {
            inputs: standard_rows(inputs, &sample_idx),
            background: standard_rows(background, &bg_idx),
            n_bg: bg_idx.len(),
            sample_idx,
            first,
            total,
        })
    }

    /// The chosen rows of a whole run whose model evaluations happened elsewhere
    /// (the rows themselves are not needed, only their indices and count).
    pub(crate) fn indices_only(sample_idx: Vec<usize>, n_bg: usize) -> ChosenRows {
        ChosenRows {
            first: 0,
            total: sample_idx.len(),
            sample_idx,
            inputs: Vec::new(),
            background: Vec::new(),
            n_bg,
        }
    }

    /// Number of explained rows N.
    pub(crate) fn n(&self) -> usize {
        self.sample_idx.len()
    }

    /// Number of background rows B.
    pub(crate) fn n_background(&self) -> usize {
        self.n_bg
    }
}

/// The indices of the explained rows (`config.samples` of `n_inputs`) and of the
/// `background_k` background rows (`None`: all `n_background`), ascending, each
/// from its own seeded stream so that changing one does not move the other.
pub(crate) fn row_indices(
    n_inputs: usize,
    n_background: usize,
    config: &InterShapConfig,
    background_k: Option<usize>,
) -> (Vec<usize>, Vec<usize>) {
    (
        choose_rows(n_inputs, config.samples, config.seed, SAMPLES_STREAM),
        background_rows(n_background, background_k, config.seed),
    )
}

/// The coalition values that need no masking, v(∅) and v(M), and the predicted
/// classes. One forward pass of the explained rows gives both v(M) and the
/// prediction, so the model never runs twice on the same unmasked rows.
pub(crate) struct EndValues {
    /// v(∅) per class: the mean background output, in the configured space.
    base: Array1<f64>,
    /// v(M): the output on each explained row, N × C, in the configured space.
    full: Array2<f64>,
    /// The output on each background row, B × C: what each row adds to v(∅).
    pub(crate) background: Array2<f64>,
    /// The class the model predicts for each explained row (argmax of its raw
    /// output, whatever the space).
    pub(crate) predicted: Vec<usize>,
}

impl EndValues {
    /// One batched pass over the explained rows and one over the background.
    fn compute(model: &dyn Model, rows: &ChosenRows, config: &InterShapConfig) -> Result<Self> {
        let raw_full = forward_batched(model, &views(&rows.inputs), config.batch_size)?;
        let predicted = argmax_of(&raw_full.mapv(f64::from));
        let full = to_space(model.output_kind(), config.space, raw_full);
        let background = outputs_in_space(
            model,
            &views(&rows.background),
            config.space,
            config.batch_size,
        )?;
        EndValues::from_outputs(full, background, predicted)
    }

    /// The end values from the outputs on the explained rows (`full`, N × C) and
    /// on the background rows (B × C), both in the explained space, and the
    /// predicted classes: v(∅) is the mean background output.
    pub(crate) fn from_outputs(
        full: Array2<f64>,
        background: Array2<f64>,
        predicted: Vec<usize>,
    ) -> Result<Self> {
        let base = background
            .mean_axis(Axis(0))
            .ok_or_else(|| Error::invalid("empty background"))?;
        Ok(EndValues {
            base,
            full,
            background,
            predicted,
        })
    }

    /// Influence of each background row on the mean v(∅) of the rows' predicted
    /// classes: (1/N) Σ_a (f(z_b)[c_a] − v(∅)[c_a]).
    fn empty_influence_predicted(&self) -> Array1<f64> {
        let c = self.base.len();
        let mut share = vec![0.0; c];
        for &k in &self.predicted {
            share[k] += 1.0 / self.predicted.len().max(1) as f64;
        }
        self.background
            .rows()
            .into_iter()
            .map(|out| (0..c).map(|k| share[k] * (out[k] - self.base[k])).sum())
            .collect()
    }

    /// v(S) of every explained row for `masks` and every class, N × K × C, and
    /// the background rows' influence on them (kept only `with_intervals`): ∅
    /// and M from these end values (v(M) does not depend on the background, and
    /// background row b moves v(∅) by its own output minus the mean), every
    /// other mask, in order, from `masked`. `full_mask` is the mask of M.
    pub(crate) fn assemble(
        &self,
        masks: &[u64],
        full_mask: u64,
        masked: &MaskedValues,
        with_intervals: bool,
    ) -> Values {
        let (n, c) = self.full.dim();
        let n_bg = if with_intervals {
            self.background.nrows()
        } else {
            0
        };
        let k = masks.len();
        let mut rows = Array3::<f64>::zeros((n, k, c));
        let mut background = Array3::<f64>::zeros((n_bg, k, c));
        let mut predicted = Array2::<f64>::zeros((n_bg, k));
        let empty_predicted = self.empty_influence_predicted();
        let mut next = 0;
        for (col, &s) in masks.iter().enumerate() {
            if s == 0 {
                rows.index_axis_mut(Axis(1), col)
                    .assign(&self.base.view().insert_axis(Axis(0)));
                if n_bg > 0 {
                    let dev = &self.background - &self.base.view().insert_axis(Axis(0));
                    background.index_axis_mut(Axis(1), col).assign(&dev);
                    predicted.column_mut(col).assign(&empty_predicted);
                }
            } else if s == full_mask {
                rows.index_axis_mut(Axis(1), col).assign(&self.full);
            } else {
                rows.index_axis_mut(Axis(1), col)
                    .assign(&masked.means.index_axis(Axis(1), next));
                background
                    .index_axis_mut(Axis(1), col)
                    .assign(&masked.background_influence.index_axis(Axis(1), next));
                predicted
                    .column_mut(col)
                    .assign(&masked.background_influence_chosen.column(next));
                next += 1;
            }
        }
        Values {
            rows,
            background,
            background_predicted: predicted,
        }
    }

    /// The per-row quantities of one output. `background` holds the Shapley map
    /// of each background row's influence (`B × M × M`), for the score intervals.
    fn raw(
        &self,
        name: String,
        classes: Vec<usize>,
        interactions: Interactions,
        background: Option<Interactions>,
    ) -> RawExplanation {
        RawExplanation {
            base_values: classes.iter().map(|&k| self.base[k]).collect(),
            predictions: classes
                .iter()
                .enumerate()
                .map(|(a, &k)| self.full[[a, k]])
                .collect(),
            output: name,
            classes,
            interactions,
            background: background.map(|bg| bg.matrix),
        }
    }
}

/// The outputs to explain, by name, with the class explained for each row: the
/// predicted class (`best`), one fixed class, or every class in turn.
pub(crate) fn targets(
    output: OutputTarget,
    c: usize,
    predicted: &[usize],
) -> Vec<(String, Vec<usize>)> {
    let n = predicted.len();
    match output {
        OutputTarget::Best => vec![("best".into(), predicted.to_vec())],
        OutputTarget::Class(k) => vec![(format!("class:{k}"), vec![k; n])],
        OutputTarget::All => (0..c).map(|k| (format!("class:{k}"), vec![k; n])).collect(),
    }
}

/// The mask of the grand coalition M (all `m` modalities present).
pub(crate) fn full_mask(m: usize) -> u64 {
    if m >= 64 {
        u64::MAX
    } else {
        (1u64 << m) - 1
    }
}

/// Everything that turns coalition masks into values: the model, the rows to mask
/// and the end values that need no masking.
struct CoalitionValues<'a> {
    model: &'a dyn Model,
    data: MaskedInputs<'a>,
    ends: &'a EndValues,
    /// Number of modalities M.
    m: usize,
    /// The mask of M.
    full_mask: u64,
    /// Whether the background rows' influence is wanted (for score intervals).
    with_intervals: bool,
    progress: &'a dyn Progress,
}

/// Coalition values of every explained row and the background rows' influence
/// on their means, for one list of masks.
pub(crate) struct Values {
    /// v(S) per row, mask and class: N × K × C.
    rows: Array3<f64>,
    /// Influence of each background row per mask and class: B × K × C.
    background: Array3<f64>,
    /// The same for each row's predicted class: B × K.
    background_predicted: Array2<f64>,
}

impl Values {
    /// The background influence on the values of one target's classes, B × K:
    /// one fixed class, or else each row's predicted class (the only per-row
    /// classes a target has).
    fn background_for(&self, classes: &[usize]) -> Array2<f64> {
        match classes.first() {
            Some(&k) if classes.iter().all(|&c| c == k) => {
                self.background.index_axis(Axis(2), k).to_owned()
            }
            _ => self.background_predicted.clone(),
        }
    }
}

impl CoalitionValues<'_> {
    /// v(S) of every explained row for `masks` and every class, N × K × C, and
    /// the background rows' influence on them. Only the masked coalitions run the
    /// model (once for all classes, so explaining several outputs costs no more
    /// passes); ∅ and M come from [`EndValues::assemble`].
    fn values(&self, masks: &[u64]) -> Result<Values> {
        let full_mask = self.full_mask;
        let inner: Vec<u64> = masks
            .iter()
            .copied()
            .filter(|&s| s != 0 && s != full_mask)
            .collect();
        let masked = masked_values(
            self.model,
            &self.data,
            &inner,
            self.with_intervals()
                .then_some(self.ends.predicted.as_slice()),
            self.progress,
        )?;
        Ok(self
            .ends
            .assemble(masks, full_mask, &masked, self.with_intervals()))
    }

    /// Whether the score intervals are wanted.
    fn with_intervals(&self) -> bool {
        self.with_intervals
    }
}

/// The per-row quantities of one explained output, before any summary over rows:
/// what a shard computes and the merge concatenates.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawExplanation {
    /// `"best"` or `"class:K"`.
    pub(crate) output: String,
    /// The class explained for each row.
    pub(crate) classes: Vec<usize>,
    /// Per-row φ, SII and Φ (with standard errors when sampled).
    pub(crate) interactions: Interactions,
    /// v(∅) of each row's class.
    pub(crate) base_values: Vec<f64>,
    /// v(M) of each row's class.
    pub(crate) predictions: Vec<f64>,
    /// E_b: the Shapley map of each background row's influence on the mean
    /// coalition values over these rows, `B × M × M` (`None` without intervals).
    /// A mean over rows, so the E_b of a union of rows is the row-weighted mean
    /// of its parts' E_b.
    pub(crate) background: Option<Array3<f64>>,
}

/// Scores, summaries and intervals of one output from its per-row quantities.
pub(crate) fn finish_explanation(
    raw: RawExplanation,
    uncertainty: &UncertaintyConfig,
    seed: u64,
) -> Explanation {
    let mut e = summarise(
        raw.output,
        raw.classes,
        raw.interactions,
        raw.base_values,
        raw.predictions,
    );
    e.intervals = raw
        .background
        .and_then(|bg| score_intervals(e.interactions.matrix.view(), bg.view(), uncertainty, seed));
    e.local_std_err = e
        .interactions
        .std_err
        .as_ref()
        .map(|se| local_std_errors(e.interactions.matrix.view(), se.matrix.view()));
    e
}

/// The values of each row's explained class, N × K, out of the N × K × C values.
fn for_classes(all: &Array3<f64>, classes: &[usize]) -> Array2<f64> {
    Array2::from_shape_fn((classes.len(), all.dim().1), |(a, col)| {
        all[[a, col, classes[a]]]
    })
}

/// Exact Shapley interactions of every target from all 2^M coalition values,
/// computed once for every class. Also returns the number of masked coalitions
/// the model ran (2^M − 2), for the cost report.
fn exact_explanations(
    values: &CoalitionValues<'_>,
    targets: Vec<(String, Vec<usize>)>,
) -> Result<(Vec<RawExplanation>, usize)> {
    let masks: Vec<u64> = (0..=values.full_mask).collect();
    let all = values.values(&masks)?;
    let raw = exact_of(values.ends, &all, targets, values.with_intervals())?;
    Ok((raw, (1usize << values.m) - 2))
}

/// The exact Shapley interactions of every target from the values of all 2^M
/// coalitions (`all`, masks in ascending order), and the same map applied to
/// the background rows' influence when `with_intervals`.
pub(crate) fn exact_of(
    ends: &EndValues,
    all: &Values,
    targets: Vec<(String, Vec<usize>)>,
    with_intervals: bool,
) -> Result<Vec<RawExplanation>> {
    let mut explanations = Vec::with_capacity(targets.len());
    for (name, classes) in targets {
        let inter = shapley::exact(for_classes(&all.rows, &classes).view())?;
        let background = if with_intervals {
            Some(shapley::exact(all.background_for(&classes).view())?)
        } else {
            None
        };
        explanations.push(ends.raw(name, classes, inter, background));
    }
    Ok(explanations)
}

/// Permutation-sampled Shapley interactions of every target. The sampler asks for
/// the same coalitions for every target (same seed), so their values are computed
/// on the first request and reused for the other targets and for the background
/// rows' influence (the same permutations, so the same linear map). Also returns
/// the number of masked coalitions the model ran, for the cost report.
fn sampled_explanations(
    values: &CoalitionValues<'_>,
    targets: Vec<(String, Vec<usize>)>,
    sampling: &SamplingConfig,
) -> Result<(Vec<RawExplanation>, usize)> {
    let (m, n) = (values.m, values.ends.full.nrows());
    let cache: RefCell<Option<(Values, Vec<u64>)>> = RefCell::new(None);
    let cached = |masks: &[u64], pick: &dyn Fn(&Values) -> Array2<f64>| -> Result<Array2<f64>> {
        let mut slot = cache.borrow_mut();
        if slot.is_none() {
            *slot = Some((values.values(masks)?, masks.to_vec()));
        }
        match slot.as_ref() {
            Some((all, asked)) if asked.as_slice() == masks => Ok(pick(all)),
            _ => Err(Error::Numerical(
                "coalition cache missing or for other coalitions".into(),
            )),
        }
    };
    let mut explanations = Vec::with_capacity(targets.len());
    for (name, classes) in targets {
        let inter = shapley::permutation_sampling(m, n, sampling, |masks| {
            cached(masks, &|all| for_classes(&all.rows, &classes))
        })?;
        let background = if values.with_intervals() {
            let n_bg = values.ends.background.nrows();
            Some(shapley::permutation_sampling(m, n_bg, sampling, |masks| {
                cached(masks, &|all| all.background_for(&classes))
            })?)
        } else {
            None
        };
        explanations.push(values.ends.raw(name, classes, inter, background));
    }
    let masked = cache
        .borrow()
        .as_ref()
        .map_or(0, |(_, k)| k.len())
        .saturating_sub(2);
    Ok((explanations, masked))
}

/// How the values were obtained and what they cost: `masked` coalitions of N rows,
/// each averaged over B background rows (mean) or K draws, plus the N unmasked
/// rows and the B background rows of v(M) and v(∅).
pub(crate) fn masking_report(
    config: &InterShapConfig,
    n: usize,
    n_bg: usize,
    permutations: usize,
    masked: usize,
) -> MaskingReport {
    let rows_per_value = match config.masking {
        Masking::Mean => n_bg,
        Masking::Draws(k) => k,
    };
    MaskingReport {
        method: match config.masking {
            Masking::Mean => "mean",
            Masking::Draws(_) => "draws",
        },
        background_rows: n_bg,
        rows_per_value,
        space: config.space.name(),
        shapley: if permutations == 0 {
            "exact"
        } else {
            "permutation"
        },
        permutations,
        seed: config.seed,
        model_rows: (n * masked * rows_per_value + n + n_bg) as u64,
    }
}

/// Scores and summaries of one explained output.
fn summarise(
    output: String,
    classes: Vec<usize>,
    interactions: Interactions,
    base_values: Vec<f64>,
    predictions: Vec<f64>,
) -> Explanation {
    let local = local_scores(interactions.matrix.view());
    let (local_mean, local_std) = mean_std(&local);
    let mean = mean_matrix(interactions.matrix.view());
    let global = super::scores::interaction_share(mean.view());
    let mean_shapley = interactions
        .phi
        .mean_axis(Axis(0))
        .map_or_else(Vec::new, |v| v.to_vec());
    let base_value = mean_std(&base_values).0;
    Explanation {
        output,
        pairs: pair_shares(mean.view()),
        classes,
        interactions,
        base_values,
        predictions,
        local,
        local_mean,
        local_std,
        global,
        mean_matrix: mean,
        mean_shapley,
        base_value,
        intervals: None,
        local_std_err: None,
    }
}
