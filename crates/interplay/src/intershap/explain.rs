//! The InterSHAP entry point: from a model, explained rows and background rows to
//! per-sample interaction matrices and the local and global scores.

use ndarray::{Array1, Array2, Array3, Axis};
use std::cell::RefCell;

use super::config::{Approximation, BackgroundRows, InterShapConfig, Masking, OutputTarget};
use super::masking::{coalition_means, outputs_in_space, to_space, MaskedInputs};
use super::scores::{local_scores, mean_matrix, mean_std, pair_shares, PairShare};
use crate::data::Split;
use crate::model::eval::{
    argmax_of, background_rows, choose_rows, forward_batched, SAMPLES_STREAM,
};
use crate::model::Model;
use crate::progress::Progress;
use crate::shapley::{self, Interactions, SamplingConfig, MAX_EXACT_PLAYERS};
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
    let permutations = permutations(config.approximation, inputs.n_modalities());
    check_inputs(model, inputs, background, config, permutations)?;
    let rows = ChosenRows::choose(inputs, background, config);
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
        },
        ends: &ends,
        m: inputs.n_modalities(),
        full_mask: full_mask(inputs.n_modalities()),
        progress,
    };
    let (explanations, masked) = if permutations == 0 {
        exact_explanations(&values, targets)?
    } else {
        let sampling = SamplingConfig {
            permutations,
            seed: config.seed,
        };
        sampled_explanations(&values, targets, &sampling)?
    };
    Ok(InterShapResult {
        n_modalities: inputs.n_modalities(),
        masking: masking_report(config, &rows, permutations, masked),
        sample_indices: rows.sample_idx,
        explanations,
    })
}

/// Permutations of the Shapley sampling, 0 for the exact computation: `Auto`
/// samples only beyond [`MAX_EXACT_PLAYERS`] modalities, where exact enumeration
/// of the 2^M coalitions stops being affordable.
fn permutations(approximation: Approximation, m: usize) -> usize {
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
struct ChosenRows {
    /// Indices of the explained rows in the given inputs, ascending.
    sample_idx: Vec<usize>,
    /// The explained rows, one matrix per modality.
    inputs: Vec<Array2<f32>>,
    /// The background rows, one matrix per modality.
    background: Vec<Array2<f32>>,
}

impl ChosenRows {
    /// `config.samples` explained rows and `config.background` background rows,
    /// each from its own seeded stream so that changing one does not move the
    /// other.
    fn choose(inputs: &Split, background: &Split, config: &InterShapConfig) -> ChosenRows {
        let sample_idx = choose_rows(inputs.len(), config.samples, config.seed, SAMPLES_STREAM);
        let bg_k = match config.background {
            BackgroundRows::Sample(b) => Some(b),
            BackgroundRows::All => None,
        };
        let bg_idx = background_rows(background.len(), bg_k, config.seed);
        ChosenRows {
            inputs: standard_rows(inputs, &sample_idx),
            background: standard_rows(background, &bg_idx),
            sample_idx,
        }
    }

    /// Number of explained rows N.
    fn n(&self) -> usize {
        self.sample_idx.len()
    }

    /// Number of background rows B.
    fn n_background(&self) -> usize {
        self.background.first().map_or(0, |b| b.nrows())
    }
}

/// The coalition values that need no masking, v(∅) and v(M), and the predicted
/// classes. One forward pass of the explained rows gives both v(M) and the
/// prediction, so the model never runs twice on the same unmasked rows.
struct EndValues {
    /// v(∅) per class: the mean background output, in the configured space.
    base: Array1<f64>,
    /// v(M): the output on each explained row, N × C, in the configured space.
    full: Array2<f64>,
    /// The class the model predicts for each explained row (argmax of its raw
    /// output, whatever the space).
    predicted: Vec<usize>,
}

impl EndValues {
    /// One batched pass over the explained rows and one over the background.
    fn compute(model: &dyn Model, rows: &ChosenRows, config: &InterShapConfig) -> Result<Self> {
        let raw_full = forward_batched(model, &views(&rows.inputs), config.batch_size)?;
        let predicted = argmax_of(&raw_full.mapv(f64::from));
        let full = to_space(model.output_kind(), config.space, raw_full);
        let base = outputs_in_space(
            model,
            &views(&rows.background),
            config.space,
            config.batch_size,
        )?
        .mean_axis(Axis(0))
        .ok_or_else(|| Error::invalid("empty background"))?;
        Ok(EndValues {
            base,
            full,
            predicted,
        })
    }
}

/// The outputs to explain, by name, with the class explained for each row: the
/// predicted class (`best`), one fixed class, or every class in turn.
fn targets(output: OutputTarget, c: usize, predicted: &[usize]) -> Vec<(String, Vec<usize>)> {
    let n = predicted.len();
    match output {
        OutputTarget::Best => vec![("best".into(), predicted.to_vec())],
        OutputTarget::Class(k) => vec![(format!("class:{k}"), vec![k; n])],
        OutputTarget::All => (0..c).map(|k| (format!("class:{k}"), vec![k; n])).collect(),
    }
}

/// The mask of the grand coalition M (all `m` modalities present).
fn full_mask(m: usize) -> u64 {
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
    progress: &'a dyn Progress,
}

impl CoalitionValues<'_> {
    /// v(S) of every explained row for `masks` and every class, N × K × C. Only
    /// the masked coalitions run the model (once for all classes, so explaining
    /// several outputs costs no more passes); ∅ and M come from [`EndValues`].
    fn values(&self, masks: &[u64]) -> Result<Array3<f64>> {
        let full_mask = self.full_mask;
        let inner: Vec<u64> = masks
            .iter()
            .copied()
            .filter(|&s| s != 0 && s != full_mask)
            .collect();
        let means = coalition_means(self.model, &self.data, &inner, self.progress)?;
        let (n, c) = self.ends.full.dim();
        let mut out = Array3::<f64>::zeros((n, masks.len(), c));
        let mut next = 0;
        for (col, &s) in masks.iter().enumerate() {
            for a in 0..n {
                for k in 0..c {
                    out[[a, col, k]] = if s == 0 {
                        self.ends.base[k]
                    } else if s == full_mask {
                        self.ends.full[[a, k]]
                    } else {
                        means[[a, next, k]]
                    };
                }
            }
            if s != 0 && s != full_mask {
                next += 1;
            }
        }
        Ok(out)
    }

    /// Scores and summaries of one output from its interactions.
    fn summarise(&self, name: String, classes: Vec<usize>, inter: Interactions) -> Explanation {
        summarise(name, classes, inter, &self.ends.base, &self.ends.full)
    }
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
) -> Result<(Vec<Explanation>, usize)> {
    let masks: Vec<u64> = (0..=values.full_mask).collect();
    let all = values.values(&masks)?;
    let mut explanations = Vec::with_capacity(targets.len());
    for (name, classes) in targets {
        let inter = shapley::exact(for_classes(&all, &classes).view())?;
        explanations.push(values.summarise(name, classes, inter));
    }
    Ok((explanations, (1usize << values.m) - 2))
}

/// Permutation-sampled Shapley interactions of every target. The sampler asks for
/// the same coalitions for every target (same seed), so their values are computed
/// on the first request and reused for the other targets. Also returns the number
/// of masked coalitions the model ran, for the cost report.
fn sampled_explanations(
    values: &CoalitionValues<'_>,
    targets: Vec<(String, Vec<usize>)>,
    sampling: &SamplingConfig,
) -> Result<(Vec<Explanation>, usize)> {
    let (m, n) = (values.m, values.ends.full.nrows());
    let cache: RefCell<Option<(Array3<f64>, usize)>> = RefCell::new(None);
    let mut explanations = Vec::with_capacity(targets.len());
    for (name, classes) in targets {
        let inter = shapley::permutation_sampling(m, n, sampling, |masks| {
            let mut slot = cache.borrow_mut();
            if slot.is_none() {
                *slot = Some((values.values(masks)?, masks.len()));
            }
            match slot.as_ref() {
                Some((all, _)) => Ok(for_classes(all, &classes)),
                None => Err(Error::Numerical("coalition cache missing".into())),
            }
        })?;
        explanations.push(values.summarise(name, classes, inter));
    }
    let masked = cache
        .borrow()
        .as_ref()
        .map_or(0, |(_, k)| *k)
        .saturating_sub(2);
    Ok((explanations, masked))
}

/// How the values were obtained and what they cost: `masked` coalitions of N rows,
/// each averaged over B background rows (mean) or K draws, plus the N unmasked
/// rows and the B background rows of v(M) and v(∅).
fn masking_report(
    config: &InterShapConfig,
    rows: &ChosenRows,
    permutations: usize,
    masked: usize,
) -> MaskingReport {
    let (n, n_bg) = (rows.n(), rows.n_background());
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
    base: &Array1<f64>,
    full: &Array2<f64>,
) -> Explanation {
    let local = local_scores(interactions.matrix.view());
    let (local_mean, local_std) = mean_std(&local);
    let mean = mean_matrix(interactions.matrix.view());
    let global = super::scores::interaction_share(mean.view());
    let mean_shapley = interactions
        .phi
        .mean_axis(Axis(0))
        .map_or_else(Vec::new, |v| v.to_vec());
    let base_values: Vec<f64> = classes.iter().map(|&k| base[k]).collect();
    let predictions: Vec<f64> = classes
        .iter()
        .enumerate()
        .map(|(a, &k)| full[[a, k]])
        .collect();
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
    }
}
