//! Fitting a KNIFE density by mini-batch Adam on the negative log-likelihood.

use super::{Knife, KnifeWorkspace};
use crate::nn::{gather_rows, Adam, AdamConfig, EpochPermutations, StepLr};
use crate::params::{Checked, Validate};
use crate::{Error, Result};
use ndarray::ArrayView2;
use rand::seq::index::sample;
use rand::Rng;
use rand_distr::{Distribution, Normal};
use serde::{Deserialize, Serialize};

/// Where the component means start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum KnifeInit {
    /// At K distinct training rows (the KNIFE repository's "kernel support" option):
    /// much better fits at equal training budget (spec §3.6).
    Samples,
    /// N(0, init_std²), as the LSMI code does.
    Random,
}

impl std::str::FromStr for KnifeInit {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        match text {
            "samples" => Ok(KnifeInit::Samples),
            "random" => Ok(KnifeInit::Random),
            other => Err(crate::params::unknown(
                "knife_init",
                other,
                &["samples", "random"],
            )),
        }
    }
}

impl std::fmt::Display for KnifeInit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KnifeInit::Samples => "samples",
            KnifeInit::Random => "random",
        })
    }
}

/// KNIFE options. [`Default`] gives the recommended data-initialised setting with
/// LSMI's training budget; [`KnifeConfig::official`] reproduces the LSMI code.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KnifeConfig {
    /// Mixture components K.
    pub components: usize,
    /// How the means start.
    pub init: KnifeInit,
    /// Standard deviation of the initial log-scales and coupling (and of the
    /// means with [`KnifeInit::Random`]).
    pub init_std: f64,
    /// Bound the scales to `[1/e, e]` by a tanh (the LSMI code's choice).
    pub use_tanh: bool,
    /// Passes over the data.
    pub epochs: usize,
    /// Rows per mini-batch.
    pub batch_size: usize,
    /// Optimiser settings.
    pub adam: AdamConfig,
    /// Learning-rate decay per epoch.
    pub schedule: StepLr,
    /// Compatibility with the LSMI code, which never zeroes KNIFE's gradients: Adam
    /// then receives the running sum of all mini-batch gradients so far.
    pub accumulate_grads: bool,
}

impl Default for KnifeConfig {
    fn default() -> Self {
        KnifeConfig {
            components: 5,
            init: KnifeInit::Samples,
            init_std: 0.01,
            use_tanh: true,
            epochs: 30,
            batch_size: 32,
            adam: AdamConfig::default(),
            schedule: StepLr {
                step_size: 20,
                gamma: 0.1,
            },
            accumulate_grads: false,
        }
    }
}

impl Validate for KnifeConfig {
    /// Reject settings that cannot fit, naming the setting and its range.
    fn check(&self) -> Result<()> {
        use crate::params::{at_least, non_negative};
        at_least("components", self.components, 1)?;
        crate::params::at_most(
            "components",
            self.components,
            crate::params::MAX_MODEL_WIDTH,
        )?;
        non_negative("knife_init_std", self.init_std)?;
        at_least("epochs_entropy", self.epochs, 1)?;
        at_least("batch_size", self.batch_size, 1)?;
        self.adam.check_as("knife_")?;
        self.schedule.check_as("knife_")
    }
}

impl KnifeConfig {
    /// The LSMI code's settings, bugs included: random N(0, 1) init and
    /// accumulated gradients.
    pub fn official() -> Self {
        KnifeConfig {
            init: KnifeInit::Random,
            init_std: 1.0,
            accumulate_grads: true,
            ..KnifeConfig::default()
        }
    }
}

/// Initial parameters for data `x` (`n × dim`).
fn initial(x: ArrayView2<'_, f32>, config: &KnifeConfig, rng: &mut impl Rng) -> Result<Knife> {
    let (n, d) = x.dim();
    let k = config.components;
    if k == 0 || d == 0 {
        return Err(Error::invalid(
            "KNIFE needs at least one component and one column",
        ));
    }
    if !(config.init_std.is_finite() && config.init_std >= 0.0) {
        return Err(Error::invalid("KNIFE init_std must be finite and ≥ 0"));
    }
    let normal = Normal::new(0.0, config.init_std).map_err(|e| Error::invalid(e.to_string()))?;
    let means: Vec<f64> = match config.init {
        KnifeInit::Random => (0..k * d).map(|_| normal.sample(rng)).collect(),
        KnifeInit::Samples => {
            if n == 0 {
                return Err(Error::invalid("KNIFE needs training rows"));
            }
            let rows: Vec<usize> = if n >= k {
                sample(rng, n, k).into_vec()
            } else {
                (0..k).map(|_| rng.gen_range(0..n)).collect()
            };
            rows.iter()
                .flat_map(|&r| x.row(r).iter().map(|&v| v as f64).collect::<Vec<_>>())
                .collect()
        }
    };
    let a: Vec<f64> = (0..k * d).map(|_| normal.sample(rng)).collect();
    let t: Vec<f64> = (0..k * d * d).map(|_| normal.sample(rng)).collect();
    Knife::from_parts(d, &means, &a, &t, &vec![1.0; k], config.use_tanh)
}

/// Fit a KNIFE density to the rows of `x` by Adam on the mean negative
/// log-likelihood. `rng` draws the initialisation and the batch orders;
/// `on_epoch(epoch, mean_nll)` is called after each epoch.
pub fn fit(
    x: ArrayView2<'_, f32>,
    config: &Checked<KnifeConfig>,
    rng: &mut impl Rng,
    on_epoch: &mut dyn FnMut(usize, f64) -> Result<()>,
) -> Result<Knife> {
    if x.iter().any(|v| !v.is_finite()) {
        return Err(Error::invalid("KNIFE data contain NaN or infinite values"));
    }
    if config.batch_size == 0 {
        return Err(Error::invalid("KNIFE batch size must be ≥ 1"));
    }
    let mut knife = initial(x, config, rng)?;
    let n = x.nrows();
    let np = knife.params().len();
    let mut adam = Adam::new(np, config.adam);
    let mut grad = vec![0.0; np];
    let mut acc = vec![0.0; np];
    let mut ws = KnifeWorkspace::default();
    let mut perms = EpochPermutations::new(n);
    let (mut b32, mut b64) = (Vec::new(), Vec::new());
    for epoch in 0..config.epochs {
        adam.config.lr = config.schedule.lr(config.adam.lr, epoch);
        let order = perms.next_epoch(rng);
        let mut total = 0.0;
        for idx in order.chunks(config.batch_size) {
            gather_rows(x, idx, &mut b32);
            b64.clear();
            b64.extend(b32.iter().map(|&v| v as f64));
            let nll = knife.nll_and_grad(&b64, idx.len(), &mut grad, &mut ws);
            total += nll * idx.len() as f64;
            if config.accumulate_grads {
                acc.iter_mut().zip(&grad).for_each(|(a, g)| *a += g);
                adam.step(knife.params_mut(), &acc);
            } else {
                adam.step(knife.params_mut(), &grad);
            }
        }
        let mean = total / n as f64;
        if !mean.is_finite() {
            return Err(crate::params::diverged(
                "KNIFE density training",
                epoch + 1,
                mean,
                "knife_init_std or the learning rate, or standardise the features",
            ));
        }
        on_epoch(epoch, mean)?;
    }
    Ok(knife)
}
