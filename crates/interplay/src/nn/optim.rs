//! Adam and a step learning-rate schedule, with PyTorch's exact update rules so a
//! configuration means the same thing here as in the original papers' code.

use crate::params::Validate;
use serde::{Deserialize, Serialize};

/// Floating-point types the optimiser can update (f32 networks, f64 KNIFE densities).
pub trait Scalar: Copy + Send + Sync + 'static {
    /// Widen to f64.
    fn to_f64(self) -> f64;
    /// Narrow from f64.
    fn from_f64(v: f64) -> Self;
}

impl Scalar for f32 {
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn from_f64(v: f64) -> Self {
        v as f32
    }
}

impl Scalar for f64 {
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(v: f64) -> Self {
        v
    }
}

/// Adam's hyper-parameters (PyTorch defaults via [`Default`]: lr 1e-3, betas
/// (0.9, 0.999), eps 1e-8, no weight decay).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AdamConfig {
    /// Learning rate (the schedule's base value).
    pub lr: f64,
    /// Decay of the first-moment estimate.
    pub beta1: f64,
    /// Decay of the second-moment estimate.
    pub beta2: f64,
    /// Added to the root of the second moment.
    pub eps: f64,
    /// L2 penalty added to the gradient (PyTorch `Adam(weight_decay=…)`, not AdamW).
    pub weight_decay: f64,
}

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
        }
    }
}

impl Validate for AdamConfig {
    /// Reject settings Adam cannot run with.
    fn check(&self) -> crate::Result<()> {
        self.check_as("")
    }
}

impl AdamConfig {
    /// [`Validate::check`] with `prefix` naming the owner, e.g. `knife_`.
    pub(crate) fn check_as(&self, prefix: &str) -> crate::Result<()> {
        use crate::params::{non_negative, positive, within};
        positive(&format!("{prefix}lr"), self.lr)?;
        within(&format!("{prefix}beta1"), self.beta1, 0.0, 1.0, false, true)?;
        within(&format!("{prefix}beta2"), self.beta2, 0.0, 1.0, false, true)?;
        positive(&format!("{prefix}eps"), self.eps)?;
        non_negative(&format!("{prefix}weight_decay"), self.weight_decay)
    }
}

/// Adam over one flat parameter vector; moments are kept in f64 so f32 networks
/// lose no precision in the optimiser state.
#[derive(Debug, Clone)]
pub struct Adam {
    /// Hyper-parameters; `config.lr` may be changed between steps (see [`StepLr`]).
    pub config: AdamConfig,
    m: Vec<f64>,
    v: Vec<f64>,
    t: u64,
}

impl Adam {
    /// An optimiser for `n_params` parameters, with zero moments.
    pub fn new(n_params: usize, config: AdamConfig) -> Self {
        Adam {
            config,
            m: vec![0.0; n_params],
            v: vec![0.0; n_params],
            t: 0,
        }
    }

    /// Number of steps taken.
    pub fn steps(&self) -> u64 {
        self.t
    }

    /// One update of `params` from `grads` (same length as at construction).
    pub fn step<T: Scalar>(&mut self, params: &mut [T], grads: &[T]) {
        assert_eq!(params.len(), self.m.len(), "parameter count");
        assert_eq!(grads.len(), self.m.len(), "gradient count");
        self.t += 1;
        let c = self.config;
        let t = self.t as i32;
        let bc1 = 1.0 - c.beta1.powi(t);
        let bc2_sqrt = (1.0 - c.beta2.powi(t)).sqrt();
        let step_size = c.lr / bc1;
        for (((p, &g), m), v) in params
            .iter_mut()
            .zip(grads)
            .zip(&mut self.m)
            .zip(&mut self.v)
        {
            let pv = p.to_f64();
            let mut g = g.to_f64();
            if c.weight_decay != 0.0 {
                g += c.weight_decay * pv;
            }
            *m = c.beta1 * *m + (1.0 - c.beta1) * g;
            *v = c.beta2 * *v + (1.0 - c.beta2) * g * g;
            let denom = v.sqrt() / bc2_sqrt + c.eps;
            *p = T::from_f64(pv - step_size * *m / denom);
        }
    }
}

/// PyTorch's `StepLR`: the learning rate is multiplied by `gamma` every
/// `step_size` epochs (stepped once per epoch).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StepLr {
    /// Epochs between decays (0 disables the schedule).
    pub step_size: usize,
    /// Multiplicative decay.
    pub gamma: f64,
}

impl Validate for StepLr {
    /// Reject a decay factor outside (0, 1].
    fn check(&self) -> crate::Result<()> {
        self.check_as("")
    }
}

impl StepLr {
    /// [`Validate::check`] with `prefix` naming the owner, e.g. `knife_`.
    pub(crate) fn check_as(&self, prefix: &str) -> crate::Result<()> {
        crate::params::within(
            &format!("{prefix}lr_gamma"),
            self.gamma,
            0.0,
            1.0,
            true,
            false,
        )
    }

    /// The learning rate for 0-based `epoch` given the base rate.
    pub fn lr(&self, base: f64, epoch: usize) -> f64 {
        if self.step_size == 0 {
            return base;
        }
        base * self.gamma.powi((epoch / self.step_size) as i32)
    }
}
