//! Helpers shared by the InterSHAP integration tests.
#![allow(dead_code)]

use interplay::data::Split;
use interplay::model::{Model, OutputKind};
use interplay::Result;
use ndarray::{Array2, ArrayView2};
use rand::Rng;
use rand_distr::{Distribution, Normal};
use std::collections::HashMap;

/// Which latent bits each modality carries, as in the HD-XOR settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// Modality 1 carries bit a, modality 2 bit b.
    Synergy,
    /// Modality 1 carries both bits, modality 2 is noise.
    Uniqueness1,
    /// One latent carrying both bits, projected into both modalities.
    Redundancy,
    /// One N(0.5, 1) latent projected into both modalities; labels are coin flips.
    Random,
}

/// Small HD-XOR-like data: latent d, two modalities projected to `dims`, bits in
/// the extra `bits` (N × 2), label XOR(a, b).
pub fn hdxor_like(setting: Setting, n: usize, d: usize, dims: [usize; 2], seed: u64) -> Split {
    let mut rng = interplay::rng::seeded(seed, 77);
    let proj: Vec<Array2<f32>> = dims
        .iter()
        .map(|&dm| Array2::from_shape_fn((dm, d), |_| rng.gen_range(-0.5f32..0.5)))
        .collect();
    let mut bits = Array2::<f32>::zeros((n, 2));
    let mut latents = vec![Array2::<f32>::zeros((n, d)); 2];
    let mut labels = Vec::with_capacity(n);
    for a in 0..n {
        let (ba, bb) = (rng.gen_bool(0.5), rng.gen_bool(0.5));
        bits[[a, 0]] = f32::from(u8::from(ba));
        bits[[a, 1]] = f32::from(u8::from(bb));
        labels.push(if setting == Setting::Random {
            usize::from(rng.gen_bool(0.5))
        } else {
            usize::from(ba ^ bb)
        });
        let mu = |bit: bool, m: f32| if bit { m } else { -m };
        match setting {
            Setting::Synergy => {
                let sd = Normal::new(0.0f32, 2.0).unwrap();
                for k in 0..d {
                    latents[0][[a, k]] = mu(ba, 0.35) + sd.sample(&mut rng);
                    latents[1][[a, k]] = mu(bb, 0.35) + sd.sample(&mut rng);
                }
            }
            Setting::Uniqueness1 => {
                let sd = Normal::new(0.0f32, 1.0).unwrap();
                for k in 0..d {
                    let bit = if k < d / 2 { ba } else { bb };
                    latents[0][[a, k]] = mu(bit, 0.35) + sd.sample(&mut rng);
                    latents[1][[a, k]] = sd.sample(&mut rng);
                }
            }
            Setting::Redundancy | Setting::Random => {
                let sd = Normal::new(0.0f32, 1.0).unwrap();
                for k in 0..d {
                    let bit = if k < d / 2 { ba } else { bb };
                    let z = if setting == Setting::Random {
                        0.5 + sd.sample(&mut rng)
                    } else {
                        mu(bit, 0.25) + sd.sample(&mut rng)
                    };
                    latents[0][[a, k]] = z;
                    latents[1][[a, k]] = z;
                }
            }
        }
    }
    let modalities = (0..2).map(|m| latents[m].dot(&proj[m].t())).collect();
    Split::new(modalities, Some(labels))
        .unwrap()
        .with_extra("bits", bits)
        .unwrap()
}

/// The exact XOR function of the latent bits, recovered by looking each modality
/// row up among the rows of the data it was built from; logits ±1000.
pub struct XorOracle {
    dims: Vec<usize>,
    /// Per modality: row bytes → bits of the sample the row belongs to.
    lookup: Vec<HashMap<Vec<u32>, [bool; 2]>>,
    /// Per bit: the modality whose row determines it.
    carrier: [usize; 2],
}

impl XorOracle {
    /// An oracle over every row of `splits` for the given setting.
    pub fn new(splits: &[&Split], setting: Setting) -> Self {
        let dims = splits[0].dims();
        let mut lookup = vec![HashMap::new(); dims.len()];
        for split in splits {
            let bits = &split.extra("bits").unwrap();
            for a in 0..split.len() {
                let b = [bits[[a, 0]] > 0.5, bits[[a, 1]] > 0.5];
                for (m, table) in lookup.iter_mut().enumerate() {
                    table.insert(key(split.modalities()[m].row(a).iter()), b);
                }
            }
        }
        let carrier = match setting {
            Setting::Synergy => [0, 1],
            _ => [0, 0],
        };
        XorOracle {
            dims,
            lookup,
            carrier,
        }
    }
}

fn key<'a>(row: impl Iterator<Item = &'a f32>) -> Vec<u32> {
    row.map(|v| v.to_bits()).collect()
}

impl Model for XorOracle {
    fn input_dims(&self) -> Vec<usize> {
        self.dims.clone()
    }
    fn n_classes(&self) -> usize {
        2
    }
    fn output_kind(&self) -> OutputKind {
        OutputKind::Logits
    }
    fn forward(&self, inputs: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
        let n = inputs[0].nrows();
        let mut out = Array2::<f32>::zeros((n, 2));
        for r in 0..n {
            let bit = |which: usize| -> Result<bool> {
                let m = self.carrier[which];
                self.lookup[m]
                    .get(&key(inputs[m].row(r).iter()))
                    .map(|b| b[which])
                    .ok_or_else(|| interplay::Error::Model("row not in the data".into()))
            };
            let label = bit(0)? ^ bit(1)?;
            out[[r, usize::from(label)]] = 1000.0;
            out[[r, 1 - usize::from(label)]] = -1000.0;
        }
        Ok(out)
    }
}

/// Two disjoint splits (`n_a` and `n_b` rows) of one HD-XOR-like dataset, so they
/// share the projections.
pub fn hdxor_pair(
    setting: Setting,
    n_a: usize,
    n_b: usize,
    d: usize,
    dims: [usize; 2],
    seed: u64,
) -> (Split, Split) {
    let all = hdxor_like(setting, n_a + n_b, d, dims, seed);
    let a: Vec<usize> = (0..n_a).collect();
    let b: Vec<usize> = (n_a..n_a + n_b).collect();
    (all.select(&a), all.select(&b))
}
