//! The LSMI pipeline: fit, evaluate pointwise in one aligned pass, decompose, shift.

use super::atoms::{adjustment, pointwise_atoms, weighted_mean, Atoms};
use super::fitted::FittedLsmi;
use super::models::{class_count, pairs, LsmiConfig, Models, PointwiseTables};
use super::scale::FeatureScale;
use crate::data::Split;
use crate::params::Checked;
use crate::progress::Progress;
use crate::rng::{seeded, stream_id};
use crate::{Error, Result};
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

/// The LSMI decomposition of one pair of modalities over the evaluated rows (nats).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairEstimate {
    /// The two modalities (0-based), as "1" and "2" of the atoms.
    pub modalities: (usize, usize),
    /// Per-sample i(x1;y).
    pub i1: Vec<f64>,
    /// Per-sample i(x2;y).
    pub i2: Vec<f64>,
    /// Per-sample i(x1,x2;y).
    pub i12: Vec<f64>,
    /// Per-sample h(x1) = −log p̂(x1).
    pub h1: Vec<f64>,
    /// Per-sample h(x2).
    pub h2: Vec<f64>,
    /// Per-sample atoms after the shift (subtract `adjustment` for the raw ones).
    pub atoms: Vec<Atoms>,
    /// Mean atoms before the shift.
    pub raw: Atoms,
    /// Mean atoms after the shift.
    pub adjusted: Atoms,
    /// The shift added to r and s (and taken from u1, u2); 0 when disabled.
    pub adjustment: f64,
    /// Mean PMIs: Ī(x1;y), Ī(x2;y), Ī(x1,x2;y).
    pub mi: [f64; 3],
    /// Mean pointwise entropies ĥ(x1), ĥ(x2).
    pub entropy: [f64; 2],
}

/// An LSMI estimate: one decomposition per pair of modalities (one pair when there
/// are two), over the same evaluated rows in their original order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LsmiResult {
    /// Number of evaluated rows.
    pub n: usize,
    /// Number of classes.
    pub n_classes: usize,
    /// Label frequencies of the (first) training data.
    pub train_prior: Vec<f64>,
    /// One decomposition per pair (i < j), in lexicographic order.
    pub pairs: Vec<PairEstimate>,
    /// Feature scales of every modality on the (first) training rows, before any
    /// standardisation: what the scale warnings read.
    pub scales: Vec<FeatureScale>,
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.iter().sum::<f64>() / v.len() as f64
}

/// Decompose every pair from the pointwise tables.
pub(super) fn decompose(
    tables: PointwiseTables,
    m: usize,
    adjust: bool,
) -> Result<Vec<PairEstimate>> {
    let PointwiseTables {
        pmi,
        pair_pmi,
        entropy,
    } = tables;
    let mut out = Vec::new();
    for (k, (i, j)) in pairs(m).into_iter().enumerate() {
        let (i1, i2, i12) = (pmi[i].clone(), pmi[j].clone(), pair_pmi[k].clone());
        let (h1, h2) = (entropy[i].clone(), entropy[j].clone());
        let mut atoms: Vec<Atoms> = (0..i1.len())
            .map(|r| pointwise_atoms(i1[r], i2[r], i12[r], h1[r], h2[r]))
            .collect();
        let raw = weighted_mean(atoms.iter().map(|a| (1.0, a)));
        let values = [
            raw.redundancy,
            raw.uniqueness_1,
            raw.uniqueness_2,
            raw.synergy,
        ];
        if values.iter().any(|v| !v.is_finite()) {
            return Err(Error::Numerical(format!(
                "LSMI atoms of modalities ({}, {}) are not finite",
                i + 1,
                j + 1
            )));
        }
        let adj = if adjust { adjustment(&raw) } else { 0.0 };
        atoms.iter_mut().for_each(|a| *a = a.shifted(adj));
        out.push(PairEstimate {
            modalities: (i, j),
            mi: [mean(&i1), mean(&i2), mean(&i12)],
            entropy: [mean(&h1), mean(&h2)],
            i1,
            i2,
            i12,
            h1,
            h2,
            atoms,
            raw,
            adjusted: raw.shifted(adj),
            adjustment: adj,
        });
    }
    Ok(out)
}

/// Fit the classifiers and densities on `train` and decompose every row of `eval`
/// (in its order). Both splits need labels and the same modality widths.
/// Reproducible from `config.seed` whatever the thread count.
pub fn estimate(
    train: &Split,
    eval: &Split,
    config: &Checked<LsmiConfig>,
    progress: &dyn Progress,
) -> Result<LsmiResult> {
    FittedLsmi::fit_for(train, eval, config, progress)?.score(eval, config.adjust)
}

/// Cross-fitting: split `data` into `folds` random folds, fit on all folds but one
/// and evaluate the held-out one, so every row gets an out-of-fold estimate from
/// models that never saw it. The shift is computed once over all rows.
pub fn estimate_cross_fitted(
    data: &Split,
    folds: usize,
    config: &Checked<LsmiConfig>,
    progress: &dyn Progress,
) -> Result<LsmiResult> {
    let n = data.len();
    if folds < 2 || folds > n {
        return Err(Error::invalid(format!(
            "cross-fitting needs 2 ≤ folds ≤ rows ({n}), got {folds}"
        )));
    }
    let labels = data.require_labels("LSMI cross-fitting")?;
    let n_classes = class_count(labels, &[]);
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut seeded(config.seed, stream_id("lsmi-folds")));
    let m = data.n_modalities();
    let n_pairs = pairs(m).len();
    let mut full = PointwiseTables {
        pmi: vec![vec![0.0; n]; m],
        pair_pmi: vec![vec![0.0; n]; n_pairs],
        entropy: vec![vec![0.0; n]; m],
    };
    let mut prior = Vec::new();
    let mut scales = Vec::new();
    for f in 0..folds {
        let held: Vec<usize> = order.iter().copied().skip(f).step_by(folds).collect();
        let mut in_fold = vec![false; n];
        held.iter().for_each(|&i| in_fold[i] = true);
        let rest: Vec<usize> = (0..n).filter(|&i| !in_fold[i]).collect();
        let models = Models::fit(
            &data.select(&rest),
            n_classes,
            config,
            &format!("-fold{f}"),
            progress,
        )?;
        if f == 0 {
            prior = models.prior.clone();
            scales = models.scales.clone();
        }
        let t = models.pointwise(&data.select(&held))?;
        for (dst, src) in full.pmi.iter_mut().zip(&t.pmi) {
            held.iter().zip(src).for_each(|(&i, &v)| dst[i] = v);
        }
        for (dst, src) in full.pair_pmi.iter_mut().zip(&t.pair_pmi) {
            held.iter().zip(src).for_each(|(&i, &v)| dst[i] = v);
        }
        for (dst, src) in full.entropy.iter_mut().zip(&t.entropy) {
            held.iter().zip(src).for_each(|(&i, &v)| dst[i] = v);
        }
    }
    Ok(LsmiResult {
        n,
        n_classes,
        train_prior: prior,
        scales,
        pairs: decompose(full, m, config.adjust)?,
    })
}
