//! The LSMI report.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{MutualInformations, Provenance};
use crate::knife::KnifeInit;
use crate::lsmi::{Atoms, LsmiConfig, LsmiResult, PairEstimate, Prior};
use crate::Units;

/// Every setting that changed an LSMI result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LsmiSettings {
    /// Label prior subtracted in the pointwise mutual informations.
    pub prior: Prior,
    /// Whether the dataset-level shift was applied to the reported atoms.
    pub adjust: bool,
    /// Hidden width of the classifiers.
    pub hidden: usize,
    /// Training epochs of the classifiers.
    pub epochs_discriminator: usize,
    /// Training epochs of the KNIFE densities.
    pub epochs_entropy: usize,
    /// Mini-batch size of all training.
    pub batch_size: usize,
    /// KNIFE mixture components.
    pub components: usize,
    /// Where KNIFE's means start.
    pub knife_init: KnifeInit,
    /// Scale of KNIFE's initial parameters.
    pub knife_init_std: f64,
    /// Whether KNIFE's gradients accumulate (the original code's behaviour).
    pub accumulate_knife_grads: bool,
    /// Cross-fitting folds, when the rows were cross-fitted.
    pub folds: Option<usize>,
}

impl LsmiSettings {
    /// The settings of `config`, with the folds used (if any).
    pub fn new(config: &LsmiConfig, folds: Option<usize>) -> Self {
        LsmiSettings {
            prior: config.prior,
            adjust: config.adjust,
            hidden: config.hidden,
            epochs_discriminator: config.discriminator.epochs,
            epochs_entropy: config.knife.epochs,
            batch_size: config.discriminator.batch_size,
            components: config.knife.components,
            knife_init: config.knife.init,
            knife_init_std: config.knife.init_std,
            accumulate_knife_grads: config.knife.accumulate_grads,
            folds,
        }
    }
}

/// Entropies h(X1), h(X2).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Entropies {
    /// h(X1).
    pub x1: f64,
    /// h(X2).
    pub x2: f64,
}

/// The decomposition of one pair of modalities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LsmiPair {
    /// The two modalities, counted from 1.
    pub modalities: [usize; 2],
    /// Mean atoms after the dataset-level shift (equal to `raw` without it).
    pub adjusted: Atoms,
    /// Mean atoms of the pointwise decomposition.
    pub raw: Atoms,
    /// The shift moved from the uniquenesses to R and S.
    pub adjustment: f64,
    /// Mean pointwise mutual informations.
    pub mi: MutualInformations,
    /// Mean differential entropies (KNIFE).
    pub entropy: Entropies,
}

impl LsmiPair {
    fn new(p: &PairEstimate, units: Units) -> Self {
        let f = |v| units.from_nats(v);
        LsmiPair {
            modalities: [p.modalities.0 + 1, p.modalities.1 + 1],
            adjusted: p.adjusted.map(f),
            raw: p.raw.map(f),
            adjustment: f(p.adjustment),
            mi: MutualInformations::from_array(p.mi, f),
            entropy: Entropies {
                x1: f(p.entropy[0]),
                x2: f(p.entropy[1]),
            },
        }
    }
}

/// An LSMI estimate: the mean atoms of every pair of modalities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LsmiReport {
    /// Versions, method, units and seed.
    #[serde(flatten)]
    pub provenance: Provenance,
    /// Every setting that changed the result.
    pub settings: LsmiSettings,
    /// Which rows were decomposed (`val`, `train`, `all`, `eval`, `cross-fitted`).
    pub evaluated: String,
    /// Rows decomposed.
    pub n: usize,
    /// Number of classes.
    pub n_classes: usize,
    /// Class frequencies of the training rows (the empirical prior).
    pub train_prior: Vec<f64>,
    /// The adjusted atoms of the first pair (modalities 1 and 2).
    pub atoms: Atoms,
    /// Every pair of modalities.
    pub pairs: Vec<LsmiPair>,
    /// Conditions under which the numbers may mean little.
    pub warnings: Vec<String>,
}

impl LsmiReport {
    /// The report of `result`, fitted with `config`, in `units`.
    pub fn new(
        result: &LsmiResult,
        config: &LsmiConfig,
        folds: Option<usize>,
        evaluated: &str,
        units: Units,
    ) -> Self {
        let pairs: Vec<LsmiPair> = result
            .pairs
            .iter()
            .map(|p| LsmiPair::new(p, units))
            .collect();
        LsmiReport {
            provenance: Provenance::new("lsmi", units.name(), config.seed),
            settings: LsmiSettings::new(config, folds),
            evaluated: evaluated.to_string(),
            n: result.n,
            n_classes: result.n_classes,
            train_prior: result.train_prior.clone(),
            atoms: pairs.first().map(|p| p.adjusted).unwrap_or_default(),
            pairs,
            warnings: Vec::new(),
        }
    }
}
