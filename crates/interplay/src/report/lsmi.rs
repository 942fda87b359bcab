//! The LSMI report.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{MutualInformations, Provenance};
use crate::knife::KnifeInit;
use crate::lsmi::uncertainty::{intervals, repeat_seeds, summarise_repeats};
use crate::lsmi::{
    AtomIntervals, Atoms, LsmiConfig, LsmiRepeats, LsmiResult, MiIntervals, PairEstimate,
    PairIntervals, Prior,
};
use crate::uncertainty::UncertaintyConfig;
use crate::{Error, Result, Units};

/// Every setting that changed an LSMI result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LsmiSettings {
    /// Label prior subtracted in the pointwise mutual informations.
    pub prior: Prior,
    /// Whether the dataset-level shift was applied to the reported atoms.
    pub adjust: bool,
    /// Whether every modality's features were standardised with the training
    /// rows' per-dimension mean and standard deviation.
    pub standardise: bool,
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
    /// Bootstrap replicates of every interval (0: normal intervals from the
    /// per-row standard error).
    pub bootstrap: usize,
    /// Confidence level of every interval.
    pub confidence: f64,
    /// Number of fits with seeds `seed, seed + 1, …` (1: no refits).
    pub repeats: usize,
}

impl LsmiSettings {
    /// The settings of `config`, with the folds used (if any), the interval
    /// settings and the number of fits.
    pub fn new(
        config: &LsmiConfig,
        folds: Option<usize>,
        uncertainty: &UncertaintyConfig,
        repeats: usize,
    ) -> Self {
        LsmiSettings {
            prior: config.prior,
            adjust: config.adjust,
            standardise: config.standardise,
            hidden: config.hidden,
            epochs_discriminator: config.discriminator.epochs,
            epochs_entropy: config.knife.epochs,
            batch_size: config.discriminator.batch_size,
            components: config.knife.components,
            knife_init: config.knife.init,
            knife_init_std: config.knife.init_std,
            accumulate_knife_grads: config.knife.accumulate_grads,
            folds,
            bootstrap: uncertainty.replicates,
            confidence: uncertainty.level,
            repeats,
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
    /// Sampling intervals of the adjusted mean atoms (bootstrap over the
    /// evaluated rows, the shift recomputed per replicate).
    pub adjusted_interval: AtomIntervals,
    /// Mean atoms of the pointwise decomposition.
    pub raw: Atoms,
    /// Sampling intervals of the raw mean atoms.
    pub raw_interval: AtomIntervals,
    /// The shift moved from the uniquenesses to R and S.
    pub adjustment: f64,
    /// Mean pointwise mutual informations.
    pub mi: MutualInformations,
    /// Sampling intervals of the mean pointwise mutual informations.
    pub mi_interval: MiIntervals,
    /// Mean differential entropies (KNIFE; of the standardised features when
    /// `settings.standardise`, so not comparable to the raw data's entropy).
    pub entropy: Entropies,
}

impl LsmiPair {
    fn new(p: &PairEstimate, i: &PairIntervals, units: Units) -> Self {
        let f = |v| units.from_nats(v);
        let factor = units.from_nats(1.0);
        LsmiPair {
            modalities: [p.modalities.0 + 1, p.modalities.1 + 1],
            adjusted: p.adjusted.map(f),
            adjusted_interval: i.adjusted.scaled(factor),
            raw: p.raw.map(f),
            raw_interval: i.raw.scaled(factor),
            mi_interval: i.mi.scaled(factor),
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
    /// The sampling intervals of `atoms` (the first pair's `adjusted_interval`).
    pub atoms_interval: Option<AtomIntervals>,
    /// Every pair of modalities.
    pub pairs: Vec<LsmiPair>,
    /// Refits with seeds `seed, seed + 1, …` on the same rows (`--repeats K`,
    /// K ≥ 2): per atom the mean over refits, the between-seed spread, the
    /// sampling error and their combined interval. Everything else in the report
    /// is the first fit's.
    pub repeats: Option<LsmiRepeats>,
    /// Conditions under which the numbers may mean little (scales, failed
    /// density fits, implausible PMIs), each naming the modality or pair.
    pub warnings: Vec<String>,
}

impl LsmiReport {
    /// The report of `fits` (one fit, or refits with seeds `config.seed,
    /// config.seed + 1, …` on the same rows; every number but `repeats` is the
    /// first fit's), fitted with `config`, with intervals as `uncertainty` says,
    /// in `units`.
    pub fn new(
        fits: &[LsmiResult],
        config: &LsmiConfig,
        uncertainty: &UncertaintyConfig,
        folds: Option<usize>,
        evaluated: &str,
        units: Units,
    ) -> Result<Self> {
        let result = fits
            .first()
            .ok_or_else(|| Error::invalid("an LSMI report needs at least one fit"))?;
        let seeds = repeat_seeds(config.seed, fits.len());
        let fit_intervals: Vec<Vec<PairIntervals>> = fits
            .iter()
            .zip(&seeds)
            .map(|(fit, &seed)| intervals(fit, config.adjust, uncertainty, seed))
            .collect();
        let pairs: Vec<LsmiPair> = result
            .pairs
            .iter()
            .zip(&fit_intervals[0])
            .map(|(p, i)| LsmiPair::new(p, i, units))
            .collect();
        let repeats = if fits.len() > 1 {
            let summary = summarise_repeats(fits, &fit_intervals, &seeds, uncertainty.level)?;
            Some(summary.scaled(units.from_nats(1.0)))
        } else {
            None
        };
        let mut warnings = crate::lsmi::warnings(result, config.standardise);
        for (fit, seed) in fits.iter().zip(&seeds).skip(1) {
            for w in crate::lsmi::warnings(fit, config.standardise) {
                if !warnings.contains(&w) {
                    warnings.push(format!("refit with seed {seed}: {w}"));
                }
            }
        }
        Ok(LsmiReport {
            provenance: Provenance::new("lsmi", units.name(), config.seed),
            settings: LsmiSettings::new(config, folds, uncertainty, fits.len()),
            evaluated: evaluated.to_string(),
            n: result.n,
            n_classes: result.n_classes,
            train_prior: result.train_prior.clone(),
            atoms: pairs.first().map(|p| p.adjusted).unwrap_or_default(),
            atoms_interval: pairs.first().map(|p| p.adjusted_interval),
            pairs,
            repeats,
            warnings,
        })
    }
}
