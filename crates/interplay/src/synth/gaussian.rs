//! The LSMI demo family (LSMI spec §2.7): a C-class Gaussian mixture seen through
//! two correlated noisy copies of the one-hot class vector, with an exact
//! per-sample oracle for every information quantity LSMI estimates.
//!
//! For each split independently, y ~ U{0..C−1}, e_y = one-hot(y) ∈ R^C,
//! u, v ~ N(0, σ² I_C) (u drawn before v), and
//!
//! * x1 = e_y + u,
//! * x2 = e_y + ρ·u + √(1−ρ²)·v.
//!
//! Ground truth: x_m | y ~ N(e_y, σ² I) for both modalities, and each coordinate
//! pair (x1_j, x2_j) | y is bivariate normal with covariance σ²[[1, ρ], [ρ, 1]].
//! [`GaussianOracle`] evaluates h(x_m), h(x_m|y), i(x_m;y) and i(x1,x2;y) exactly
//! under the uniform class prior the data is drawn with (log-sum-exp over the
//! C mixture components), in nats. At population level Ī1 = Ī2; for the demo
//! defaults (C = 2, σ = 0.5, ρ = 0.5) Ī1 ≈ 0.5004, Ī12 ≈ 0.5645 and H(X1) ≈ 1.955
//! nats (spec §2.7 oracle table).

use ndarray::Array2;
use rand::Rng;
use rand_distr::StandardNormal;

use crate::data::{Dataset, Split};
use crate::params::{Checked, Validate};
use crate::rng::{seeded, stream_id};
use crate::{Error, Result};

/// Parameters of the Gaussian demo family; the defaults are the LSMI demo call
/// `(1600, 400, ρ = 0.5, σ = 0.5, C = 2)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaussianConfig {
    /// Samples in the `train` split.
    pub n_train: usize,
    /// Samples in the `val` split (0 leaves the split out).
    pub n_val: usize,
    /// Correlation ρ between the noises of the two modalities, in (−1, 1).
    pub rho: f64,
    /// Noise standard deviation σ > 0 (the original's `noise_degree`).
    pub sigma: f64,
    /// Number of classes C ≥ 2, which is also the width of each modality.
    pub n_classes: usize,
}

impl Default for GaussianConfig {
    fn default() -> Self {
        GaussianConfig {
            n_train: 1600,
            n_val: 400,
            rho: 0.5,
            sigma: 0.5,
            n_classes: 2,
        }
    }
}

impl Validate for GaussianConfig {
    /// Reject parameters for which the model is undefined or singular
    /// (|ρ| = 1 makes the joint density degenerate).
    fn check(&self) -> Result<()> {
        if self.n_classes < 2 {
            return Err(Error::invalid(format!(
                "the Gaussian family needs at least 2 classes, got {}",
                self.n_classes
            )));
        }
        if !(self.sigma.is_finite() && self.sigma > 0.0) {
            return Err(Error::invalid(format!(
                "sigma must be finite and positive, got {}",
                self.sigma
            )));
        }
        if !(self.rho.is_finite() && self.rho.abs() < 1.0) {
            return Err(Error::invalid(format!(
                "rho must lie strictly between -1 and 1, got {}",
                self.rho
            )));
        }
        if self.n_train == 0 {
            return Err(Error::invalid("the train split needs at least one sample"));
        }
        crate::params::at_most("classes", self.n_classes, crate::params::MAX_CLASSES)?;
        crate::params::generated_size(self.n_train.saturating_add(self.n_val), 4)
    }
}

impl GaussianConfig {
    /// The exact oracle for data drawn with these parameters.
    pub fn oracle(&self) -> Result<GaussianOracle> {
        GaussianOracle::new(self.n_classes, self.sigma, self.rho)
    }
}

/// Draw the `train` and `val` splits of the Gaussian family. Each split has its
/// own random stream, so changing `n_val` leaves the training data unchanged.
pub fn generate(config: &Checked<GaussianConfig>, seed: u64) -> Result<Dataset> {
    let mut dataset = Dataset::default();
    for (name, n) in [("train", config.n_train), ("val", config.n_val)] {
        if n == 0 {
            continue;
        }
        let stream = stream_id(&format!("synth-gaussian-{name}"));
        let split = draw_split(config, n, &mut seeded(seed, stream))?;
        dataset.splits.insert(name.to_string(), split);
    }
    Ok(dataset)
}

/// One split: all labels, then all of u, then all of v (the original's order).
fn draw_split(config: &GaussianConfig, n: usize, rng: &mut impl Rng) -> Result<Split> {
    let c = config.n_classes;
    let labels: Vec<usize> = (0..n).map(|_| rng.gen_range(0..c)).collect();
    let u = noise_matrix(n, c, config.sigma, rng);
    let v = noise_matrix(n, c, config.sigma, rng);
    let mix = (1.0 - config.rho * config.rho).sqrt();
    let mut x1 = Array2::<f32>::zeros((n, c));
    let mut x2 = Array2::<f32>::zeros((n, c));
    for (i, &y) in labels.iter().enumerate() {
        for j in 0..c {
            let e = if j == y { 1.0 } else { 0.0 };
            x1[[i, j]] = (e + u[[i, j]]) as f32;
            x2[[i, j]] = (e + config.rho * u[[i, j]] + mix * v[[i, j]]) as f32;
        }
    }
    Split::new(vec![x1, x2], Some(labels))
}

/// An `n × c` matrix of N(0, σ²) draws, row by row.
fn noise_matrix(n: usize, c: usize, sigma: f64, rng: &mut impl Rng) -> Array2<f64> {
    Array2::from_shape_simple_fn((n, c), || sigma * rng.sample::<f64, _>(StandardNormal))
}

/// Exact pointwise information quantities of one sample, in nats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointwiseOracle {
    /// i(x1;y) = log p(x1|y) − log p(x1).
    pub i1: f64,
    /// i(x2;y) = log p(x2|y) − log p(x2).
    pub i2: f64,
    /// i(x1,x2;y) = log p(x1,x2|y) − log p(x1,x2).
    pub i12: f64,
    /// h(x1) = −log p(x1).
    pub h1: f64,
    /// h(x2) = −log p(x2).
    pub h2: f64,
    /// h(x1|y) = −log p(x1|y).
    pub h1_given_y: f64,
    /// h(x2|y) = −log p(x2|y).
    pub h2_given_y: f64,
    /// h(x1,x2) = −log p(x1,x2).
    pub h12: f64,
    /// h(x1,x2|y) = −log p(x1,x2|y).
    pub h12_given_y: f64,
}

/// Dataset means of the pointwise oracle quantities (nats): Monte-Carlo
/// estimates of I(X1;Y), I(X2;Y), I(X1,X2;Y) and the entropies.
pub type MeanOracle = PointwiseOracle;

/// The closed-form densities of the Gaussian family, to validate LSMI and
/// KNIFE sample by sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaussianOracle {
    n_classes: usize,
    sigma: f64,
    rho: f64,
}

impl GaussianOracle {
    /// The oracle for `C` classes, noise σ and noise correlation ρ.
    pub fn new(n_classes: usize, sigma: f64, rho: f64) -> Result<Self> {
        GaussianConfig {
            n_train: 1,
            n_val: 0,
            rho,
            sigma,
            n_classes,
        }
        .check()?;
        Ok(GaussianOracle {
            n_classes,
            sigma,
            rho,
        })
    }

    /// log N(x; e_c, σ² I) for one modality.
    fn log_marginal_component(&self, x: &[f64], c: usize) -> f64 {
        let s2 = self.sigma * self.sigma;
        let sq: f64 = x
            .iter()
            .enumerate()
            .map(|(j, &v)| {
                let d = v - if j == c { 1.0 } else { 0.0 };
                d * d
            })
            .sum();
        -0.5 * self.n_classes as f64 * (2.0 * std::f64::consts::PI * s2).ln() - sq / (2.0 * s2)
    }

    /// log p(x1, x2 | y = c): a product of bivariate normals over coordinates.
    fn log_joint_component(&self, x1: &[f64], x2: &[f64], c: usize) -> f64 {
        let s2 = self.sigma * self.sigma;
        let one_minus = 1.0 - self.rho * self.rho;
        let quad: f64 = (0..self.n_classes)
            .map(|j| {
                let e = if j == c { 1.0 } else { 0.0 };
                let a = x1[j] - e;
                let b = x2[j] - e;
                a * a - 2.0 * self.rho * a * b + b * b
            })
            .sum();
        -(self.n_classes as f64) * (2.0 * std::f64::consts::PI * s2 * one_minus.sqrt()).ln()
            - quad / (2.0 * s2 * one_minus)
    }

    /// Exact pointwise quantities of the sample (x1, x2, y), in nats.
    pub fn pointwise(&self, x1: &[f64], x2: &[f64], y: usize) -> Result<PointwiseOracle> {
        let c = self.n_classes;
        if x1.len() != c || x2.len() != c {
            return Err(Error::invalid(format!(
                "the Gaussian oracle for {c} classes needs {c} features per modality, got {} and {}",
                x1.len(),
                x2.len()
            )));
        }
        if y >= c {
            return Err(Error::invalid(format!(
                "label {y} is out of range for {c} classes"
            )));
        }
        let log_prior = -(c as f64).ln();
        let comp1: Vec<f64> = (0..c).map(|k| self.log_marginal_component(x1, k)).collect();
        let comp2: Vec<f64> = (0..c).map(|k| self.log_marginal_component(x2, k)).collect();
        let comp12: Vec<f64> = (0..c)
            .map(|k| self.log_joint_component(x1, x2, k))
            .collect();
        let log_p1 = log_prior + log_sum_exp(&comp1);
        let log_p2 = log_prior + log_sum_exp(&comp2);
        let log_p12 = log_prior + log_sum_exp(&comp12);
        Ok(PointwiseOracle {
            i1: comp1[y] - log_p1,
            i2: comp2[y] - log_p2,
            i12: comp12[y] - log_p12,
            h1: -log_p1,
            h2: -log_p2,
            h1_given_y: -comp1[y],
            h2_given_y: -comp2[y],
            h12: -log_p12,
            h12_given_y: -comp12[y],
        })
    }

    /// The pointwise quantities of every sample of a labelled two-modality split,
    /// in row order.
    pub fn evaluate(&self, split: &Split) -> Result<Vec<PointwiseOracle>> {
        let labels = split.require_labels("the Gaussian oracle")?;
        if split.n_modalities() != 2 {
            return Err(Error::invalid(format!(
                "the Gaussian oracle needs 2 modalities, got {}",
                split.n_modalities()
            )));
        }
        let (m1, m2) = (&split.modalities()[0], &split.modalities()[1]);
        let mut out = Vec::with_capacity(split.len());
        let mut a = vec![0.0; m1.ncols()];
        let mut b = vec![0.0; m2.ncols()];
        for (i, &y) in labels.iter().enumerate() {
            for (dst, &v) in a.iter_mut().zip(m1.row(i)) {
                *dst = f64::from(v);
            }
            for (dst, &v) in b.iter_mut().zip(m2.row(i)) {
                *dst = f64::from(v);
            }
            out.push(self.pointwise(&a, &b, y)?);
        }
        Ok(out)
    }

    /// The means of the pointwise quantities over a split (nats).
    pub fn mean(&self, split: &Split) -> Result<MeanOracle> {
        let values = self.evaluate(split)?;
        mean_of(&values)
            .ok_or_else(|| Error::invalid("the Gaussian oracle needs at least one sample"))
    }
}

/// Field-wise mean of pointwise values; `None` when there are none.
pub fn mean_of(values: &[PointwiseOracle]) -> Option<MeanOracle> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let avg = |f: fn(&PointwiseOracle) -> f64| values.iter().map(f).sum::<f64>() / n;
    Some(PointwiseOracle {
        i1: avg(|p| p.i1),
        i2: avg(|p| p.i2),
        i12: avg(|p| p.i12),
        h1: avg(|p| p.h1),
        h2: avg(|p| p.h2),
        h1_given_y: avg(|p| p.h1_given_y),
        h2_given_y: avg(|p| p.h2_given_y),
        h12: avg(|p| p.h12),
        h12_given_y: avg(|p| p.h12_given_y),
    })
}

/// log Σ exp(v), stable for large magnitudes.
fn log_sum_exp(v: &[f64]) -> f64 {
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return max;
    }
    max + v.iter().map(|x| (x - max).exp()).sum::<f64>().ln()
}
