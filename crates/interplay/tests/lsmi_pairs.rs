//! LSMI with more than two modalities: every pair is decomposed, and a pair's
//! result does not depend on which other modalities are present.

use interplay::data::Split;
use interplay::lsmi::{estimate, LsmiConfig};
use interplay::nn::ClassifierTraining;
use interplay::params::Validate;
use interplay::progress::NoProgress;
use interplay::rng::{seeded, stream_id};
use ndarray::Array2;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// Three 2-d modalities: the first two see the label, the third is noise.
fn data(n: usize, seed: u64) -> Split {
    let mut rng = seeded(seed, stream_id("pairs-test"));
    let y: Vec<usize> = (0..n).map(|_| rng.gen_range(0..2)).collect();
    let mods = (0..3)
        .map(|m| {
            Array2::from_shape_fn((n, 2), |(r, j)| {
                let e: f64 = StandardNormal.sample(&mut rng);
                let signal = if m < 2 && j == y[r] { 1.0 } else { 0.0 };
                (signal + 0.5 * e) as f32
            })
        })
        .collect();
    Split::new(mods, Some(y)).unwrap()
}

#[test]
fn every_pair_is_decomposed_and_pairs_are_independent() {
    let (train, val) = (data(600, 1), data(200, 2));
    let config = LsmiConfig {
        seed: 4,
        discriminator: ClassifierTraining {
            epochs: 8,
            ..ClassifierTraining::default()
        },
        ..LsmiConfig::default()
    }
    .validate()
    .unwrap();
    let three = estimate(&train, &val, &config, &NoProgress).unwrap();
    let got: Vec<_> = three.pairs.iter().map(|p| p.modalities).collect();
    assert_eq!(got, vec![(0, 1), (0, 2), (1, 2)]);
    // The noise modality carries almost no information about y.
    assert!(
        three.pairs[1].mi[1].abs() < 0.1,
        "I(x3;y) {}",
        three.pairs[1].mi[1]
    );
    assert!(
        three.pairs[0].mi[0] > 0.2,
        "I(x1;y) {}",
        three.pairs[0].mi[0]
    );
    // Pair (1, 2) alone gives the same numbers: models are seeded per modality.
    let pick = |s: &Split| {
        Split::new(
            s.modalities()[..2].to_vec(),
            s.labels().map(<[usize]>::to_vec),
        )
        .unwrap()
    };
    let two = estimate(&pick(&train), &pick(&val), &config, &NoProgress).unwrap();
    assert_eq!(two.pairs.len(), 1);
    assert_eq!(two.pairs[0], three.pairs[0]);
}
