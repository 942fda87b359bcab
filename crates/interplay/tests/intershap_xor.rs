//! The exact XOR function on HD-XOR-like data: InterSHAP ≈ 100 % when each modality
//! carries one bit (synergy), ≈ 0 % when one modality carries both (uniqueness).
//! Paper: 99.7 % and 0.0 %.

use crate::common;

use common::{hdxor_pair, Setting};
use interplay::data::Dataset;
use interplay::experiments::XorFunction;
use interplay::intershap::{explain, InterShapConfig};
use interplay::params::Validate;
use interplay::progress::NoProgress;
use ndarray::Axis;

fn global_percent(setting: Setting) -> (f64, interplay::intershap::InterShapResult) {
    let (inputs, background) = hdxor_pair(setting, 400, 300, 40, [40, 20], 1);
    let mut data = Dataset::default();
    data.splits.insert("inputs".into(), inputs.clone());
    data.splits.insert("background".into(), background.clone());
    // Synergy: each modality carries one bit; otherwise modality 1 carries both.
    let carriers = match setting {
        Setting::Synergy => vec![vec![0], vec![1]],
        _ => vec![vec![0, 1], vec![]],
    };
    let oracle = XorFunction::new(&data, &carriers).unwrap();
    let config = InterShapConfig {
        seed: 3,
        ..InterShapConfig::default()
    }
    .validate()
    .unwrap();
    let r = explain(&oracle, &inputs, &background, &config, &NoProgress).unwrap();
    (r.explanations[0].global_percent(), r)
}

#[test]
fn xor_function_is_pure_synergy() {
    let (g, r) = global_percent(Setting::Synergy);
    eprintln!("XOR function, synergy: global InterSHAP {g:.2} %");
    assert!(g > 98.7, "synergy global InterSHAP {g:.2} % (paper 99.7 %)");
    let e = &r.explanations[0];
    assert_eq!(e.pairs.len(), 1);
    assert!((e.pairs[0].share - e.global).abs() < 1e-12);
    // Efficiency per sample: Φ sums to v(M) − v(∅).
    for (a, mat) in e.interactions.matrix.axis_iter(Axis(0)).enumerate() {
        assert!((mat.sum() - (e.predictions[a] - e.base_values[a])).abs() < 1e-9);
    }
    assert_eq!(r.masking.background_rows, 100);
    assert_eq!(r.masking.model_rows, 400 * 2 * 100 + 400 + 100);
}

#[test]
fn xor_function_in_one_modality_has_no_interaction() {
    let (g, r) = global_percent(Setting::Uniqueness1);
    eprintln!("XOR function, uniqueness: global InterSHAP {g:.2} %");
    assert!(
        g < 1.0,
        "uniqueness global InterSHAP {g:.2} % (paper 0.0 %)"
    );
    let e = &r.explanations[0];
    assert!(e.mean_shapley[1].abs() < 1e-9, "modality 2 is a dummy");
    assert!(e.local_mean < 1e-9);
}
