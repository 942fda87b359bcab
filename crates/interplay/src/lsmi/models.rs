//! The models LSMI fits on a training split (classifiers per modality and per pair,
//! a KNIFE density per modality), fitted in parallel, and their pointwise outputs.

use super::scale::{feature_scales, fit_standardisers, standardise, FeatureScale, Standardiser};
use crate::data::Split;
use crate::knife::{self, Knife, KnifeConfig};
use crate::nn::{log_softmax_rows, train_classifier, Activation, ClassifierTraining, Mlp};
use crate::params::{Checked, Validate};
use crate::progress::Progress;
use crate::rng::{seeded, stream_id};
use crate::{Error, Result};
use ndarray::{concatenate, Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Which log p(y) the pointwise mutual informations subtract.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Prior {
    /// Class frequencies of the classifiers' training data (correct for any labels).
    #[default]
    Empirical,
    /// 1/C, as the LSMI code does (right only for balanced labels).
    Uniform,
}

impl std::str::FromStr for Prior {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        match text {
            "empirical" => Ok(Prior::Empirical),
            "uniform" => Ok(Prior::Uniform),
            other => Err(crate::params::unknown(
                "prior",
                other,
                &["empirical", "uniform"],
            )),
        }
    }
}

impl std::fmt::Display for Prior {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Prior::Empirical => "empirical",
            Prior::Uniform => "uniform",
        })
    }
}

/// Everything that decides an LSMI estimate. [`Default`] gives the LSMI paper's
/// training budget with the spec's bug fixes (empirical prior, zeroed KNIFE gradients,
/// data-initialised KNIFE means).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LsmiConfig {
    /// Seed of every random choice (initialisation, batch order, folds).
    pub seed: u64,
    /// Label prior in the PMIs.
    pub prior: Prior,
    /// Apply the dataset-level shift of the LSMI code (spec §2.4).
    pub adjust: bool,
    /// Standardise every modality's features with the training rows' per-dimension
    /// mean and standard deviation (constant columns only centred) before fitting
    /// and evaluating. On by default because LSMI's redundancy is not
    /// scale-invariant and KNIFE fits only near unit scale (see
    /// [`crate::lsmi::scale`]); the original code did not standardise.
    #[serde(default = "standardise_by_default")]
    pub standardise: bool,
    /// Hidden width of the two hidden layers of each classifier.
    pub hidden: usize,
    /// Classifier training (epochs, batch, Adam, schedule).
    pub discriminator: ClassifierTraining,
    /// KNIFE density options and training.
    pub knife: KnifeConfig,
}

impl Default for LsmiConfig {
    fn default() -> Self {
        LsmiConfig {
            seed: 0,
            prior: Prior::default(),
            adjust: true,
            standardise: true,
            hidden: 64,
            discriminator: ClassifierTraining::default(),
            knife: KnifeConfig::default(),
        }
    }
}

impl Validate for LsmiConfig {
    /// Reject settings that cannot fit, naming the setting and its range.
    fn check(&self) -> Result<()> {
        crate::params::at_least("hidden", self.hidden, 1)?;
        crate::params::at_most("hidden", self.hidden, crate::params::MAX_MODEL_WIDTH)?;
        self.discriminator.check_as("_discriminator")?;
        self.knife.check()
    }
}

fn standardise_by_default() -> bool {
    LsmiConfig::default().standardise
}

/// One model to fit.
#[derive(Debug, Clone, Copy)]
enum Job {
    /// Classifier on the given modalities (one, or a pair concatenated in order).
    Classifier(usize, Option<usize>),
    /// Density of one modality.
    Density(usize),
}

enum Fitted {
    Classifier(Mlp, Vec<f32>),
    Density(Knife),
}

/// Fitted models for `m` modalities.
pub(crate) struct Models {
    pub n_classes: usize,
    /// log π(y) used in the PMIs.
    pub log_prior: Vec<f64>,
    /// The training label frequencies.
    pub prior: Vec<f64>,
    pub(super) unimodal: Vec<(Mlp, Vec<f32>)>,
    pub(super) pairs: Vec<((usize, usize), Mlp, Vec<f32>)>,
    pub(super) densities: Vec<Knife>,
    /// Per-modality standardisation fitted on the training rows, applied to every
    /// split the models see; `None` when standardising is off.
    pub(super) standardisers: Option<Vec<Standardiser>>,
    /// Feature scales of the (raw) training rows, for the scale warnings.
    pub scales: Vec<FeatureScale>,
}

/// Pointwise quantities of an evaluated split (nats).
pub(crate) struct PointwiseTables {
    /// i(x_m; y) per modality.
    pub pmi: Vec<Vec<f64>>,
    /// i(x_i, x_j; y) per pair, in [`pairs`] order.
    pub pair_pmi: Vec<Vec<f64>>,
    /// h(x_m) per modality.
    pub entropy: Vec<Vec<f64>>,
}

/// All pairs (i, j), i < j, in lexicographic order.
pub(crate) fn pairs(m: usize) -> Vec<(usize, usize)> {
    (0..m)
        .flat_map(|i| (i + 1..m).map(move |j| (i, j)))
        .collect()
}

fn concat_pair(split: &Split, i: usize, j: usize) -> Result<Array2<f32>> {
    concatenate(
        Axis(1),
        &[split.modalities()[i].view(), split.modalities()[j].view()],
    )
    .map_err(|e| Error::invalid(format!("cannot concatenate modalities {i} and {j}: {e}")))
}

/// The classifier LSMI fits on `input` features: two hidden ReLU layers of
/// width `hidden`, logits of `n_classes`.
pub(super) fn classifier(input: usize, hidden: usize, n_classes: usize) -> Result<Mlp> {
    Mlp::new(&[input, hidden, hidden, n_classes], Activation::Relu, false)
}

/// Number of classes seen in either split's labels.
pub(crate) fn class_count(train: &[usize], eval: &[usize]) -> usize {
    train.iter().chain(eval).max().map_or(0, |&c| c + 1)
}

impl Models {
    /// Fit every classifier and density on `train`; `tag` separates the random
    /// streams of different fits (cross-fitting folds).
    pub fn fit(
        train: &Split,
        n_classes: usize,
        config: &Checked<LsmiConfig>,
        tag: &str,
        progress: &dyn Progress,
    ) -> Result<Models> {
        let labels = train.require_labels("LSMI training")?;
        let m = train.n_modalities();
        if m < 2 {
            return Err(Error::invalid(format!(
                "LSMI needs at least two modalities, the data have {m}"
            )));
        }
        if train.len() < 2 {
            return Err(Error::invalid("LSMI needs at least two training rows"));
        }
        if n_classes < 2 {
            return Err(Error::invalid("LSMI needs at least two classes"));
        }
        let scales = feature_scales(train);
        let standardisers = config.standardise.then(|| fit_standardisers(train));
        let standardised;
        let train = match &standardisers {
            Some(by) => {
                standardised = standardise(train, by)?;
                &standardised
            }
            None => train,
        };
        let mut counts = vec![0usize; n_classes];
        for &y in labels {
            counts[y] += 1;
        }
        let prior: Vec<f64> = counts
            .iter()
            .map(|&c| c as f64 / labels.len() as f64)
            .collect();
        let log_prior: Vec<f64> = match config.prior {
            Prior::Uniform => vec![-(n_classes as f64).ln(); n_classes],
            Prior::Empirical => {
                if let Some(c) = counts.iter().position(|&c| c == 0) {
                    return Err(Error::invalid(format!(
                        "class {c} has no training rows, so its empirical prior is 0 \
                         (use more data, fewer folds, or the uniform prior)"
                    )));
                }
                prior.iter().map(|p| p.ln()).collect()
            }
        };
        // Parts of a checked config pass their own checks (the outer one runs them).
        let discriminator = config.discriminator.validate()?;
        let knife_config = config.knife.validate()?;
        let pair_list = pairs(m);
        let pair_inputs: Vec<Array2<f32>> = pair_list
            .iter()
            .map(|&(i, j)| concat_pair(train, i, j))
            .collect::<Result<_>>()?;
        // The densities are the longest jobs: schedule them first. (Results do not
        // depend on the order: every model has its own named random stream.)
        let mut jobs: Vec<Job> = (0..m).map(Job::Density).collect();
        jobs.extend(pair_list.iter().map(|&(i, j)| Job::Classifier(i, Some(j))));
        jobs.extend((0..m).map(|i| Job::Classifier(i, None)));
        let per_job = |j: &Job| -> u64 {
            let epochs = match j {
                Job::Classifier(..) => config.discriminator.epochs,
                Job::Density(_) => config.knife.epochs,
            };
            epochs as u64
        };
        progress.start(
            "fitting classifiers and densities",
            jobs.iter().map(per_job).sum(),
        );
        let fitted: Vec<Result<Fitted>> = jobs
            .par_iter()
            .map(|job| -> Result<Fitted> {
                match *job {
                    Job::Classifier(i, second) => {
                        let (x, name): (ArrayView2<f32>, String) = match second {
                            None => (train.modalities()[i].view(), format!("{i}")),
                            Some(j) => {
                                let k = pair_list.iter().position(|&p| p == (i, j)).unwrap_or(0);
                                (pair_inputs[k].view(), format!("{i}-{j}"))
                            }
                        };
                        let mlp = classifier(x.ncols(), config.hidden, n_classes)?;
                        let mut init_rng = seeded(
                            config.seed,
                            stream_id(&format!("lsmi{tag}-classifier-{name}")),
                        );
                        let mut params = mlp.init(&mut init_rng);
                        // One shuffle stream for all classifiers: the LSMI code trains
                        // them on one shared loader.
                        let mut shuffle =
                            seeded(config.seed, stream_id(&format!("lsmi{tag}-shuffle")));
                        train_classifier(
                            &mlp,
                            &mut params,
                            x,
                            labels,
                            &discriminator,
                            &mut shuffle,
                            &mut |_, _| {
                                progress.advance(1);
                                progress.check()
                            },
                        )?;
                        Ok(Fitted::Classifier(mlp, params))
                    }
                    Job::Density(i) => {
                        let mut rng =
                            seeded(config.seed, stream_id(&format!("lsmi{tag}-knife-{i}")));
                        let k = knife::fit(
                            train.modalities()[i].view(),
                            &knife_config,
                            &mut rng,
                            &mut |_, _| {
                                progress.advance(1);
                                progress.check()
                            },
                        )?;
                        Ok(Fitted::Density(k))
                    }
                }
            })
            .collect();
        progress.finish();
        let mut unimodal = Vec::new();
        let mut pair_models = Vec::new();
        let mut densities = Vec::new();
        for (job, fitted) in jobs.iter().zip(fitted) {
            match (job, fitted?) {
                (Job::Classifier(_, None), Fitted::Classifier(mlp, p)) => unimodal.push((mlp, p)),
                (Job::Classifier(i, Some(j)), Fitted::Classifier(mlp, p)) => {
                    pair_models.push(((*i, *j), mlp, p))
                }
                (Job::Density(_), Fitted::Density(k)) => densities.push(k),
                _ => {
                    return Err(Error::Numerical(
                        "internal: job and model kinds differ".into(),
                    ))
                }
            }
        }
        Ok(Models {
            n_classes,
            log_prior,
            prior,
            unimodal,
            pairs: pair_models,
            densities,
            standardisers,
            scales,
        })
    }

    fn pmi(
        &self,
        mlp: &Mlp,
        params: &[f32],
        x: ArrayView2<f32>,
        labels: &[usize],
    ) -> Result<Vec<f64>> {
        let logits = mlp.predict(params, x)?;
        let flat = logits
            .as_slice()
            .ok_or_else(|| Error::Numerical("internal: logits not contiguous".into()))?;
        let logp = log_softmax_rows(flat, self.n_classes);
        Ok(labels
            .iter()
            .enumerate()
            .map(|(r, &y)| logp[r * self.n_classes + y] - self.log_prior[y])
            .collect())
    }

    /// Pointwise PMIs and entropies of every row of `eval`, in its order.
    pub fn pointwise(&self, eval: &Split) -> Result<PointwiseTables> {
        let labels = eval.require_labels("LSMI evaluation")?;
        if eval.n_modalities() != self.unimodal.len() {
            return Err(Error::invalid(format!(
                "evaluation data have {} modalities, training data {}",
                eval.n_modalities(),
                self.unimodal.len()
            )));
        }
        if let Some(&c) = labels.iter().find(|&&c| c >= self.n_classes) {
            return Err(Error::invalid(format!("label {c} out of range")));
        }
        let standardised;
        let eval = match &self.standardisers {
            Some(by) => {
                standardised = standardise(eval, by)?;
                &standardised
            }
            None => eval,
        };
        let pmi = self
            .unimodal
            .par_iter()
            .enumerate()
            .map(|(i, (mlp, p))| self.pmi(mlp, p, eval.modalities()[i].view(), labels))
            .collect::<Result<Vec<_>>>()?;
        let pair_pmi = self
            .pairs
            .par_iter()
            .map(|((i, j), mlp, p)| {
                let x = concat_pair(eval, *i, *j)?;
                self.pmi(mlp, p, x.view(), labels)
            })
            .collect::<Result<Vec<_>>>()?;
        let entropy = self
            .densities
            .par_iter()
            .enumerate()
            .map(|(i, k)| k.pointwise_entropy(eval.modalities()[i].view()))
            .collect::<Result<Vec<_>>>()?;
        Ok(PointwiseTables {
            pmi,
            pair_pmi,
            entropy,
        })
    }
}
