//! HD-XOR, the controlled test of InterSHAP (Wenderoth et al., AAAI 2025;
//! InterSHAP spec §4): high-dimensional modalities whose label is an XOR of
//! latent bits, placed so that the cross-modal interaction is known.
//!
//! Every modality i has a fixed projection P_i (d_i × d, entries U(−0.5, 0.5))
//! and is observed as x_i = P_i · z_i for a latent z_i ∈ R^d (d = 200). The label
//! is 1 iff exactly one latent bit is 1 (XOR for two bits). Settings and their
//! ground truth:
//!
//! * **synergy**: modality i's latent is N(μ, 2²)^d with μ = −0.35 when bit i is
//!   0 and +0.35 when it is 1. Modality i carries bit i only, so the label needs
//!   all modalities: the interaction share is ~100 %. With M > 2 there are M
//!   bits, and the bit vectors are drawn conditionally on an exactly balanced
//!   label (half the samples, rounded down, have label 1).
//! * **redundancy**: one latent shared by all modalities,
//!   concat(N(±0.25, 1)^{⌊d/2⌋} from bit a, N(±0.25, 1)^{d−⌊d/2⌋} from bit b);
//!   every modality carries both bits.
//! * **uniqueness k** (1-based; the original code's `uniqueness{k−1}`):
//!   modality k's latent is concat(N(±0.35, 1)^{⌊d/2⌋} from a,
//!   N(±0.35, 1)^{d−⌊d/2⌋} from b), every other modality's latent is N(0, 1)^d
//!   noise; only modality k carries bits, so there is no interaction (0 %).
//! * **random**: one latent N(0.5, 1)^d shared by all modalities; two fair bits
//!   are drawn independently of the data, so the label is a fair coin flip no
//!   modality carries.
//!
//! Except for synergy with M > 2, the bits are independent fair coins. The
//! bits are kept with every split under the extra key [`BITS_KEY`] (N × n_bits,
//! 0/1 as f32) and [`HdXorSetting::bit_carriers`] says which modality carries
//! which bit, so callers can evaluate the exact XOR function model.

use ndarray::{Array2, Axis};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_distr::{Distribution, Normal, StandardNormal, Uniform};
use std::fmt;
use std::str::FromStr;

use crate::data::{Dataset, Split};
use crate::params::{Checked, Validate};
use crate::rng::{seeded, stream_id};
use crate::synth::split::stratified;
use crate::{Error, Result};

/// The extra key under which every split keeps the latent label bits.
pub const BITS_KEY: &str = "bits";

/// Which interaction the label depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HdXorSetting {
    /// Only modality k (1-based) carries the bits.
    Uniqueness(usize),
    /// Every modality carries both bits through one shared latent.
    Redundancy,
    /// Modality i carries bit i alone.
    Synergy,
    /// The label is independent of the data.
    Random,
}

impl HdXorSetting {
    /// Parse a setting name (case-insensitive): `redundancy`, `synergy`,
    /// `random` or `uniquenessK` with a **1-based** modality K (`uniqueness`
    /// alone is modality 1, as in the paper's M-modality table). The original
    /// 0-based name `uniqueness0` is rejected with a hint, because the original's
    /// `uniqueness1` means our `uniqueness2`; use [`HdXorSetting::parse_original`]
    /// for the original's names.
    pub fn parse(name: &str) -> Result<Self> {
        Self::parse_with_base(name, 1)
    }

    /// Parse a setting name in the original code's convention, where
    /// `uniquenessK` counts modalities from 0 (`uniqueness0` is our
    /// `Uniqueness(1)`). Other names are as in [`HdXorSetting::parse`].
    pub fn parse_original(name: &str) -> Result<Self> {
        Self::parse_with_base(name, 0)
    }

    fn parse_with_base(name: &str, base: usize) -> Result<Self> {
        let lower = name.trim().to_ascii_lowercase();
        match lower.as_str() {
            "redundancy" => return Ok(HdXorSetting::Redundancy),
            "synergy" => return Ok(HdXorSetting::Synergy),
            "random" => return Ok(HdXorSetting::Random),
            // The paper's M-modality table says "uniqueness" for modality 1.
            "uniqueness" => return Ok(HdXorSetting::Uniqueness(1)),
            _ => {}
        }
        let index = lower
            .strip_prefix("uniqueness")
            .and_then(|k| k.parse::<usize>().ok());
        match index {
            Some(0) if base == 1 => Err(Error::invalid(
                "'uniqueness0' is the original 0-based name: modalities count from 1 here, \
                 so use 'uniqueness1' (or ask for the original, 0-based names)",
            )),
            Some(k) => Ok(HdXorSetting::Uniqueness(k + 1 - base)),
            None => Err(Error::invalid(format!(
                "unknown HD-XOR setting '{name}' (expected uniqueness1..M, redundancy, synergy or random)"
            ))),
        }
    }

    /// The 1-based name, as [`HdXorSetting::parse`] reads it.
    pub fn name(&self) -> String {
        match self {
            HdXorSetting::Uniqueness(k) => format!("uniqueness{k}"),
            HdXorSetting::Redundancy => "redundancy".into(),
            HdXorSetting::Synergy => "synergy".into(),
            HdXorSetting::Random => "random".into(),
        }
    }

    /// Number of latent bits: M for synergy, 2 otherwise.
    pub fn n_bits(&self, n_modalities: usize) -> usize {
        match self {
            HdXorSetting::Synergy => n_modalities,
            _ => 2,
        }
    }

    /// For each modality (index 0 is modality 1), the latent bits (column
    /// indices of [`BITS_KEY`]) its features depend on. The label is a function
    /// of the bits only, so a model that sees the bits carried by a set of
    /// modalities knows all the label information those modalities hold.
    pub fn bit_carriers(&self, n_modalities: usize) -> Vec<Vec<usize>> {
        (0..n_modalities)
            .map(|i| match self {
                HdXorSetting::Synergy => vec![i],
                HdXorSetting::Redundancy => vec![0, 1],
                HdXorSetting::Uniqueness(k) if i + 1 == *k => vec![0, 1],
                HdXorSetting::Uniqueness(_) | HdXorSetting::Random => Vec::new(),
            })
            .collect()
    }
}

impl FromStr for HdXorSetting {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        HdXorSetting::parse(s)
    }
}

impl fmt::Display for HdXorSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// The HD-XOR label: 1 iff exactly one bit is set (XOR for two bits).
pub fn label_from_bits(bits: impl IntoIterator<Item = bool>) -> usize {
    usize::from(bits.into_iter().filter(|&b| b).count() == 1)
}

/// Default modality widths: (200, 100) for M = 2 as in the paper, and the
/// original scripts' (200, 100, 150, 100, 150) prefix for M = 3..5; beyond five
/// modalities the widths keep alternating 100, 150.
pub fn default_dims(n_modalities: usize) -> Vec<usize> {
    (0..n_modalities)
        .map(|i| match i {
            0 => 200,
            i if i % 2 == 1 => 100,
            _ => 150,
        })
        .collect()
}

/// Parameters of an HD-XOR dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct HdXorConfig {
    /// Which interaction the label depends on.
    pub setting: HdXorSetting,
    /// Width d_i of each modality; the number of entries is M.
    pub dims: Vec<usize>,
    /// Latent dimension d (200 in the paper).
    pub latent_dim: usize,
    /// Total number of samples over all splits (20 000 in the paper).
    pub n_samples: usize,
    /// Fraction of each class that goes to `train` (0.7).
    pub train_fraction: f64,
    /// Fraction of each class that goes to `val` (0.15); the rest is `test`.
    pub val_fraction: f64,
}

impl Default for HdXorConfig {
    /// The paper's synergy dataset of two modalities.
    fn default() -> Self {
        HdXorConfig::new(HdXorSetting::Synergy, 2)
    }
}

impl HdXorConfig {
    /// The paper's parameters for `n_modalities` modalities with
    /// [`default_dims`].
    pub fn new(setting: HdXorSetting, n_modalities: usize) -> Self {
        HdXorConfig {
            setting,
            dims: default_dims(n_modalities),
            latent_dim: 200,
            n_samples: 20_000,
            train_fraction: 0.7,
            val_fraction: 0.15,
        }
    }

    /// Number of modalities M.
    pub fn n_modalities(&self) -> usize {
        self.dims.len()
    }

    /// See [`HdXorSetting::bit_carriers`].
    pub fn bit_carriers(&self) -> Vec<Vec<usize>> {
        self.setting.bit_carriers(self.n_modalities())
    }
}

impl Validate for HdXorConfig {
    /// Reject configurations that cannot be generated.
    fn check(&self) -> Result<()> {
        let m = self.n_modalities();
        if m < 2 {
            return Err(Error::invalid(format!(
                "HD-XOR needs at least 2 modalities, got {m}"
            )));
        }
        if self.dims.contains(&0) {
            return Err(Error::invalid(format!(
                "every modality needs a positive width, got {:?}",
                self.dims
            )));
        }
        if self.latent_dim < 2 {
            return Err(Error::invalid(format!(
                "the latent dimension must be at least 2, got {}",
                self.latent_dim
            )));
        }
        if self.n_samples < 2 {
            return Err(Error::invalid("HD-XOR needs at least 2 samples"));
        }
        if !(self.train_fraction.is_finite() && self.val_fraction.is_finite()) {
            return Err(Error::invalid("train and val fractions must be finite"));
        }
        let width = self
            .dims
            .iter()
            .try_fold(self.latent_dim, |a, &d| a.checked_add(d))
            .unwrap_or(usize::MAX);
        crate::params::generated_size(self.n_samples, width)?;
        if let HdXorSetting::Uniqueness(k) = self.setting {
            if k == 0 || k > m {
                return Err(Error::invalid(format!(
                    "uniqueness{k} names no modality: there are {m} (counted from 1)"
                )));
            }
        }
        Ok(())
    }
}

/// An HD-XOR dataset and the projections it was made with.
#[derive(Debug, Clone)]
pub struct HdXorData {
    /// `train`, `val`, `test` splits with labels and the [`BITS_KEY`] extra.
    pub dataset: Dataset,
    /// P_i (d_i × d) for each modality.
    pub projections: Vec<Array2<f32>>,
    /// Which bits each modality carries (see [`HdXorSetting::bit_carriers`]).
    pub bit_carriers: Vec<Vec<usize>>,
}

/// Generate an HD-XOR dataset. Projections, bits, latents and the split each
/// draw from their own stream of `seed`.
pub fn generate(config: &Checked<HdXorConfig>, seed: u64) -> Result<HdXorData> {
    let d = config.latent_dim;

    let mut proj_rng = seeded(seed, stream_id("synth-hdxor-projection"));
    let entry = Uniform::new(-0.5f64, 0.5);
    let projections: Vec<Array2<f64>> = config
        .dims
        .iter()
        .map(|&di| Array2::from_shape_simple_fn((di, d), || entry.sample(&mut proj_rng)))
        .collect();

    let bits = draw_bits(config, &mut seeded(seed, stream_id("synth-hdxor-bits")));
    let labels: Vec<usize> = bits
        .outer_iter()
        .map(|row| label_from_bits(row.iter().copied()))
        .collect();

    let latents = draw_latents(
        config,
        &bits,
        &mut seeded(seed, stream_id("synth-hdxor-latent")),
    )?;
    let modalities: Vec<Array2<f32>> = projections
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let z = &latents[i.min(latents.len() - 1)];
            z.dot(&p.t()).mapv(|v| v as f32)
        })
        .collect();

    let whole = Split::new(modalities, Some(labels))?
        .with_extra(BITS_KEY, bits.mapv(|b| if b { 1.0 } else { 0.0 }))?;
    let labels = whole.require_labels("HD-XOR")?;
    let parts = stratified(
        labels,
        config.train_fraction,
        config.val_fraction,
        &mut seeded(seed, stream_id("synth-hdxor-split")),
    )?;
    let mut dataset = Dataset::default();
    for (name, rows) in [
        ("train", &parts.train),
        ("val", &parts.val),
        ("test", &parts.test),
    ] {
        if !rows.is_empty() {
            dataset.splits.insert(name.into(), whole.select(rows));
        }
    }
    Ok(HdXorData {
        dataset,
        projections: projections
            .into_iter()
            .map(|p| p.mapv(|v| v as f32))
            .collect(),
        bit_carriers: config.bit_carriers(),
    })
}

/// N × n_bits latent bits: fair coins, or for synergy with M > 2 bit vectors
/// drawn given an exactly balanced, shuffled label.
fn draw_bits(config: &HdXorConfig, rng: &mut impl Rng) -> Array2<bool> {
    let n = config.n_samples;
    let m = config.n_modalities();
    let n_bits = config.setting.n_bits(m);
    if !(config.setting == HdXorSetting::Synergy && m > 2) {
        return Array2::from_shape_simple_fn((n, n_bits), || rng.gen_bool(0.5));
    }
    let mut labels: Vec<bool> = (0..n).map(|i| i < n / 2).collect();
    labels.shuffle(rng);
    let mut bits = Array2::from_elem((n, n_bits), false);
    for (mut row, &one_hot) in bits.axis_iter_mut(Axis(0)).zip(&labels) {
        if one_hot {
            row[rng.gen_range(0..n_bits)] = true;
        } else {
            // Uniform over the bit vectors whose label is 0 (rejection; at
            // least 2^M − M − 0 of the 2^M vectors are accepted).
            loop {
                for b in row.iter_mut() {
                    *b = rng.gen_bool(0.5);
                }
                if label_from_bits(row.iter().copied()) == 0 {
                    break;
                }
            }
        }
    }
    bits
}

/// The latent matrices (N × d): one per modality, or a single shared one for
/// redundancy and random.
fn draw_latents(
    config: &HdXorConfig,
    bits: &Array2<bool>,
    rng: &mut impl Rng,
) -> Result<Vec<Array2<f64>>> {
    let n = config.n_samples;
    let d = config.latent_dim;
    let m = config.n_modalities();
    let half = d / 2;
    // Column j of a two-bit latent follows bit a for j < ⌊d/2⌋, bit b otherwise.
    let two_bit_latent = |shift: f64, rng: &mut dyn rand::RngCore| {
        let mut z = Array2::<f64>::zeros((n, d));
        for (i, mut row) in z.axis_iter_mut(Axis(0)).enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                let bit = bits[[i, usize::from(j >= half)]];
                let mean = if bit { shift } else { -shift };
                *v = mean + rng.sample::<f64, _>(StandardNormal);
            }
        }
        z
    };
    let normal = |mean: f64, sd: f64| {
        Normal::new(mean, sd).map_err(|e| Error::invalid(format!("normal({mean}, {sd}): {e}")))
    };
    Ok(match config.setting {
        HdXorSetting::Synergy => {
            let mut z: Vec<Array2<f64>> = (0..m).map(|_| Array2::zeros((n, d))).collect();
            for i in 0..n {
                for (k, zk) in z.iter_mut().enumerate() {
                    let mean = if bits[[i, k]] { 0.35 } else { -0.35 };
                    let dist = normal(mean, 2.0)?;
                    for v in zk.row_mut(i).iter_mut() {
                        *v = dist.sample(rng);
                    }
                }
            }
            z
        }
        HdXorSetting::Redundancy => vec![two_bit_latent(0.25, rng)],
        HdXorSetting::Uniqueness(k) => {
            let noise = normal(0.0, 1.0)?;
            (0..m)
                .map(|i| {
                    if i + 1 == k {
                        two_bit_latent(0.35, rng)
                    } else {
                        Array2::from_shape_simple_fn((n, d), || noise.sample(rng))
                    }
                })
                .collect()
        }
        HdXorSetting::Random => {
            let dist = normal(0.5, 1.0)?;
            vec![Array2::from_shape_simple_fn((n, d), || dist.sample(rng))]
        }
    })
}
