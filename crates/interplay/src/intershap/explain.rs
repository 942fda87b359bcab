//! The InterSHAP entry point: from a model, explained rows and background rows to
//! per-sample interaction matrices and the local and global scores.

use ndarray::{Array2, Array3, Axis};
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
        .modalities
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
pub fn explain(
    model: &dyn Model,
    inputs: &Split,
    background: &Split,
    config: &crate::params::Checked<InterShapConfig>,
    progress: &dyn Progress,
) -> Result<InterShapResult> {
    let m = inputs.n_modalities();
    let dims = model.input_dims();
    if inputs.dims() != dims || background.dims() != dims {
        return Err(Error::invalid(format!(
            "the model expects modality widths {dims:?}, the inputs have {:?} and the background {:?}",
            inputs.dims(),
            background.dims()
        )));
    }
    if m < 2 {
        return Err(Error::invalid("InterSHAP needs at least 2 modalities"));
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
    let sample_idx = choose_rows(inputs.len(), config.samples, config.seed, SAMPLES_STREAM);
    let bg_k = match config.background {
        BackgroundRows::Sample(b) => Some(b),
        BackgroundRows::All => None,
    };
    let bg_idx = background_rows(background.len(), bg_k, config.seed);
    let x = standard_rows(inputs, &sample_idx);
    let bg = standard_rows(background, &bg_idx);
    let (n, n_bg) = (sample_idx.len(), bg_idx.len());

    // One forward pass of the explained rows gives both v(M) and the predicted class.
    let raw_full = forward_batched(model, &views(&x), config.batch_size)?;
    let full = to_space(model.output_kind(), config.space, raw_full.clone());
    let base = outputs_in_space(model, &views(&bg), config.space, config.batch_size)?
        .mean_axis(Axis(0))
        .ok_or_else(|| Error::invalid("empty background"))?;
    let targets: Vec<(String, Vec<usize>)> = match config.output {
        OutputTarget::Best => vec![("best".into(), argmax_of(&raw_full.mapv(f64::from)))],
        OutputTarget::Class(k) => vec![(format!("class:{k}"), vec![k; n])],
        OutputTarget::All => (0..c).map(|k| (format!("class:{k}"), vec![k; n])).collect(),
    };

    let data = MaskedInputs {
        inputs: &x,
        background: &bg,
        masking: config.masking,
        space: config.space,
        seed: config.seed,
        batch_size: config.batch_size,
    };
    let permutations = match config.approximation {
        Approximation::Exact => 0,
        Approximation::Permutations(t) => t,
        Approximation::Auto { permutations } if m > MAX_EXACT_PLAYERS => permutations,
        Approximation::Auto { .. } => 0,
    };
    let full_mask = if m >= 64 { u64::MAX } else { (1u64 << m) - 1 };
    let rows_per_value = match config.masking {
        Masking::Mean => n_bg,
        Masking::Draws(k) => k,
    };
    // v(S) for given masks and every class, N × K × C; ∅ and M are not masked.
    let values_for = |masks: &[u64]| -> Result<Array3<f64>> {
        let inner: Vec<u64> = masks
            .iter()
            .copied()
            .filter(|&s| s != 0 && s != full_mask)
            .collect();
        let means = coalition_means(model, &data, &inner, progress)?;
        let mut out = Array3::<f64>::zeros((n, masks.len(), c));
        let mut next = 0;
        for (col, &s) in masks.iter().enumerate() {
            for a in 0..n {
                for k in 0..c {
                    out[[a, col, k]] = if s == 0 {
                        base[k]
                    } else if s == full_mask {
                        full[[a, k]]
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
    };
    let select = |all: &Array3<f64>, classes: &[usize]| -> Array2<f64> {
        Array2::from_shape_fn((n, all.dim().1), |(a, col)| all[[a, col, classes[a]]])
    };

    let mut explanations = Vec::with_capacity(targets.len());
    let model_rows;
    if permutations == 0 {
        if m > MAX_EXACT_PLAYERS {
            return Err(Error::invalid(format!(
                "exact InterSHAP supports at most {MAX_EXACT_PLAYERS} modalities, got {m}"
            )));
        }
        let masks: Vec<u64> = (0..=full_mask).collect();
        let all = values_for(&masks)?;
        model_rows = (n * ((1usize << m) - 2) * rows_per_value + n + n_bg) as u64;
        for (name, classes) in targets {
            let inter = shapley::exact(select(&all, &classes).view())?;
            explanations.push(summarise(name, classes, inter, &base, &full));
        }
    } else {
        let cache: RefCell<Option<(Array3<f64>, usize)>> = RefCell::new(None);
        let sampling = SamplingConfig {
            permutations,
            seed: config.seed,
        };
        for (name, classes) in targets {
            let inter = shapley::permutation_sampling(m, n, &sampling, |masks| {
                let mut slot = cache.borrow_mut();
                if slot.is_none() {
                    *slot = Some((values_for(masks)?, masks.len()));
                }
                match slot.as_ref() {
                    Some((all, _)) => Ok(select(all, &classes)),
                    None => Err(Error::Numerical("coalition cache missing".into())),
                }
            })?;
            explanations.push(summarise(name, classes, inter, &base, &full));
        }
        let inner = cache
            .borrow()
            .as_ref()
            .map_or(0, |(_, k)| *k)
            .saturating_sub(2);
        model_rows = (n * inner * rows_per_value + n + n_bg) as u64;
    }
    Ok(InterShapResult {
        n_modalities: m,
        sample_indices: sample_idx,
        masking: MaskingReport {
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
            model_rows,
        },
        explanations,
    })
}

/// Scores and summaries of one explained output.
fn summarise(
    output: String,
    classes: Vec<usize>,
    interactions: Interactions,
    base: &ndarray::Array1<f64>,
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
