//! InterSHAP from coalition values computed outside the library.
//!
//! A front end that can evaluate the model where its data lives (a GPU, through
//! PyTorch) builds the masked rows and averages the outputs there, and hands over
//! only what the Shapley step needs: the coalition values of every explained row,
//! the outputs on the explained and background rows, and (for the score
//! intervals) each background row's sums over the explained rows. Everything
//! random is decided here ([`chosen_rows`]), and the values go through the same
//! code as [`super::explain()`] (end values, background influence, exact Shapley
//! interactions, summaries, bootstrap), so both give the same result from the same
//! values. The values come from another language and another device, so
//! [`explain_table`] checks every shape and value before it uses them.

use ndarray::{Array2, Array3, ArrayView, Dimension};

use super::config::{BackgroundRows, InterShapConfig, Masking, OutputTarget};
use super::explain::{
    exact_of, full_mask, permutations, result_of, row_indices, targets, ChosenRows, ComputedRows,
    EndValues, InterShapResult,
};
use super::masking::{influence_of_sums, MaskedValues};
use crate::params::Checked;
use crate::shapley::MAX_EXACT_PLAYERS;
use crate::{Error, Result};

/// The explained rows and the background rows of a run, as indices into the
/// given inputs and background, ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowChoice {
    /// Indices of the explained rows.
    pub samples: Vec<usize>,
    /// Indices of the background rows.
    pub background: Vec<usize>,
}

/// The rows [`super::explain()`] would explain and mask with, for `n_inputs`
/// input rows and `n_background` background rows under `config`: the same seeded
/// streams, so a front end that evaluates the model itself explains exactly the
/// rows the library would. `BackgroundRows::Auto` is refused (its size depends on
/// intermediate results).
pub fn chosen_rows(
    n_inputs: usize,
    n_background: usize,
    config: &InterShapConfig,
) -> Result<RowChoice> {
    let k = match config.background {
        BackgroundRows::Sample(b) => Some(b),
        BackgroundRows::All => None,
        BackgroundRows::Auto => return Err(Error::invalid(
            "background `auto` needs the library to run the model; give a number of rows or `all`",
        )),
    };
    let (samples, background) = row_indices(n_inputs, n_background, config, k);
    Ok(RowChoice {
        samples,
        background,
    })
}

/// Each background row's sums over the explained rows, for the score intervals.
/// Mask columns are the masks 1 … 2^M − 2 in ascending order.
#[derive(Debug, Clone, PartialEq)]
pub struct BackgroundSums {
    /// Σ_a f(x_a,S, z_b) per background row b, mask S and class: `B × (2^M−2) × C`.
    pub all: Array3<f64>,
    /// Σ_a f(x_a,S, z_b) at class c_a, the predicted class of row a: `B × (2^M−2)`.
    pub predicted: Array2<f64>,
}

/// Coalition values computed elsewhere, in the explained space of the run (a
/// probability or a logit, as `config.space` says), with every absent modality
/// taken from the same background row and averaged over all B background rows
/// (the exact mean). Mask columns are the masks 1 … 2^M − 2 in ascending order
/// (bit m set: modality m present); ∅ and M come from `background` and `full`.
#[derive(Debug, Clone, PartialEq)]
pub struct CoalitionTable {
    /// Number of modalities M.
    pub n_modalities: usize,
    /// Output on each explained row, v(M): `N × C`.
    pub full: Array2<f64>,
    /// Output on each background row (their mean is v(∅)): `B × C`.
    pub background: Array2<f64>,
    /// The class predicted for each explained row (argmax of its raw output).
    pub predicted: Vec<usize>,
    /// v(S) of every explained row, inner mask and class: `N × (2^M−2) × C`.
    pub masked: Array3<f64>,
    /// The background rows' sums, needed when the run has bootstrap intervals.
    pub background_sums: Option<BackgroundSums>,
}

/// The explained rows of a [`CoalitionTable`]: their indices in the inputs (as
/// [`chosen_rows`] gave them) and, when known, their labels in the same order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainedRows {
    /// Indices of the explained rows, one per table row.
    pub indices: Vec<usize>,
    /// Their labels, for the model's accuracy (`None`: no labels).
    pub labels: Option<Vec<usize>>,
}

/// InterSHAP of a run whose coalition values were computed elsewhere: the result
/// [`super::explain()`] gives when its model evaluations equal `table`. Exact
/// Shapley values and the exact mean over the background only (the masking a
/// device computes without random draws); every shape and value of `table` is
/// checked first.
pub fn explain_table(
    table: CoalitionTable,
    rows: ExplainedRows,
    config: &Checked<InterShapConfig>,
) -> Result<InterShapResult> {
    let m = table.n_modalities;
    check_settings(config, m)?;
    let shape = table.check(config)?;
    if rows.indices.len() != shape.n {
        return Err(Error::invalid(format!(
            "{} explained row indices for {} rows of coalition values",
            rows.indices.len(),
            shape.n
        )));
    }
    if let Some(y) = &rows.labels {
        if y.len() != shape.n {
            return Err(Error::invalid(format!(
                "{} labels for {} explained rows",
                y.len(),
                shape.n
            )));
        }
    }
    let with_intervals = config.uncertainty.replicates > 0;
    let CoalitionTable {
        full,
        background,
        predicted,
        masked,
        background_sums,
        ..
    } = table;
    let masked = match background_sums {
        Some(sums) if with_intervals => influence_of_sums(
            masked,
            sums.all
                .into_shape_with_order((shape.n_bg * shape.k, shape.c))
                .map_err(|e| Error::Numerical(e.to_string()))?,
            sums.predicted.into_iter().collect(),
            &predicted,
            None,
        )?,
        _ => MaskedValues {
            means: masked,
            background_influence: Array3::zeros((0, shape.k, shape.c)),
            background_influence_chosen: Array2::zeros((0, shape.k)),
        },
    };
    let ends = EndValues::from_outputs(full, background, predicted)?;
    let masks: Vec<u64> = (0..=full_mask(m)).collect();
    let all = ends.assemble(&masks, full_mask(m), &masked, with_intervals);
    let raw = exact_of(
        &ends,
        &all,
        targets(config.output, shape.c, &ends.predicted),
        with_intervals,
    )?;
    let computed = ComputedRows {
        rows: ChosenRows::indices_only(rows.indices, shape.n_bg),
        ends,
        raw,
        permutations: 0,
        masked: shape.k,
    };
    Ok(result_of(computed, config, m, rows.labels))
}

/// Refuse the settings a table cannot serve: sampled Shapley values, random
/// masking draws, a background size still to be chosen, or more modalities than
/// exact enumeration allows.
fn check_settings(config: &InterShapConfig, m: usize) -> Result<()> {
    if !(2..=MAX_EXACT_PLAYERS).contains(&m) {
        return Err(Error::invalid(format!(
            "coalition values need 2 to {MAX_EXACT_PLAYERS} modalities, got {m}"
        )));
    }
    if permutations(config.approximation, m) != 0 {
        return Err(Error::invalid(
            "coalition values computed elsewhere are explained exactly; permutation sampling needs the library to run the model",
        ));
    }
    if config.masking != Masking::Mean {
        return Err(Error::invalid(
            "coalition values computed elsewhere must be exact means over the background (no random draws)",
        ));
    }
    if config.background == BackgroundRows::Auto {
        return Err(Error::invalid(
            "background `auto` needs the library to run the model; give a number of rows or `all`",
        ));
    }
    Ok(())
}

/// The sizes of a checked table.
struct TableShape {
    n: usize,
    n_bg: usize,
    /// Inner masks, 2^M − 2.
    k: usize,
    c: usize,
}

impl CoalitionTable {
    /// Check every shape against N, B, M and C, every value for finiteness, the
    /// predicted classes and the explained class against C, and that the
    /// background sums are there when intervals are wanted.
    fn check(&self, config: &InterShapConfig) -> Result<TableShape> {
        let (n, c) = self.full.dim();
        let n_bg = self.background.nrows();
        let k = (1usize << self.n_modalities) - 2;
        if n == 0 || n_bg == 0 || c == 0 {
            return Err(Error::invalid(format!(
                "coalition values need at least one explained row, one background row and one class, got {n}, {n_bg} and {c}"
            )));
        }
        expect_shape("background outputs", self.background.dim(), (n_bg, c))?;
        expect_shape("coalition values", self.masked.dim(), (n, k, c))?;
        finite("outputs on the explained rows", self.full.view())?;
        finite("outputs on the background rows", self.background.view())?;
        finite("coalition values", self.masked.view())?;
        if self.predicted.len() != n {
            return Err(Error::invalid(format!(
                "{} predicted classes for {n} explained rows",
                self.predicted.len()
            )));
        }
        if let Some(bad) = self.predicted.iter().find(|&&p| p >= c) {
            return Err(Error::invalid(format!(
                "predicted class {bad} does not exist: the model has {c} classes"
            )));
        }
        if let OutputTarget::Class(kk) = config.output {
            if kk >= c {
                return Err(Error::invalid(format!(
                    "class {kk} does not exist: the model has {c} classes (0..{})",
                    c - 1
                )));
            }
        }
        match &self.background_sums {
            Some(sums) => {
                expect_shape("background sums", sums.all.dim(), (n_bg, k, c))?;
                expect_shape(
                    "background sums of the predicted classes",
                    sums.predicted.dim(),
                    (n_bg, k),
                )?;
                finite("background sums", sums.all.view())?;
                finite(
                    "background sums of the predicted classes",
                    sums.predicted.view(),
                )?;
            }
            None if config.uncertainty.replicates > 0 => {
                return Err(Error::invalid(
                    "score intervals need the background rows' sums (or turn the bootstrap off)",
                ))
            }
            None => {}
        }
        Ok(TableShape { n, n_bg, k, c })
    }
}

/// `what` has shape `expected`.
fn expect_shape<D: std::fmt::Debug + PartialEq>(what: &str, got: D, expected: D) -> Result<()> {
    if got != expected {
        return Err(Error::invalid(format!(
            "{what} have shape {got:?}, expected {expected:?}"
        )));
    }
    Ok(())
}

/// Every value of `a` is finite: a NaN would turn every mean and score into NaN
/// without a word.
fn finite<D: Dimension>(what: &str, a: ArrayView<'_, f64, D>) -> Result<()> {
    let bad = a.iter().filter(|v| !v.is_finite()).count();
    if bad > 0 {
        return Err(Error::invalid(format!(
            "{what}: {bad} NaN or infinite values (did the model return NaN or infinite scores?)"
        )));
    }
    Ok(())
}
