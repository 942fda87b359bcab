//! Helpers shared by the InterSHAP integration tests.
#![allow(dead_code)]

use interplay::data::Split;
use ndarray::Array2;
use rand::Rng;
use rand_distr::{Distribution, Normal};

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

/// `n` rows of uniform features in [−2, 2) of widths `dims` with labels in 0..3,
/// from random stream `stream` of `seed`.
pub fn uniform_split(dims: &[usize], n: usize, seed: u64, stream: u64) -> Split {
    let mut rng = interplay::rng::seeded(seed, stream);
    let modalities = dims
        .iter()
        .map(|&d| Array2::from_shape_fn((n, d), |_| rng.gen_range(-2.0f32..2.0)))
        .collect();
    let labels = (0..n).map(|_| rng.gen_range(0..3)).collect();
    Split::new(modalities, Some(labels)).unwrap()
}
