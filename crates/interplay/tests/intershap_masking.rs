//! Coalition values by masking against hand-computed means, batching and thread-count
//! invariance, seeded draws, and the output/space options.

use interplay::data::Split;
use interplay::intershap::masking::{coalition_means, MaskedInputs};
use interplay::intershap::{
    explain, BackgroundRows, InterShapConfig, Masking, OutputTarget, Space,
};
use interplay::model::{Model, OutputKind};
use interplay::params::Validate;
use interplay::progress::NoProgress;
use interplay::Result;
use ndarray::{array, Array2, ArrayView2};

/// Logits [0, s1 + 2 s2 + s1 s2] with s_m the sum of modality m's row.
struct Toy;

impl Model for Toy {
    fn input_dims(&self) -> Vec<usize> {
        vec![2, 1]
    }
    fn n_classes(&self) -> usize {
        2
    }
    fn output_kind(&self) -> OutputKind {
        OutputKind::Logits
    }
    fn forward(&self, inputs: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
        let n = inputs[0].nrows();
        Ok(Array2::from_shape_fn((n, 2), |(r, k)| {
            let s1: f32 = inputs[0].row(r).sum();
            let s2: f32 = inputs[1].row(r).sum();
            if k == 0 {
                0.0
            } else {
                s1 + 2.0 * s2 + s1 * s2
            }
        }))
    }
}

fn data() -> (Vec<Array2<f32>>, Vec<Array2<f32>>) {
    let x = vec![
        array![[1.0f32, 0.5], [-1.0, 2.0], [0.25, 0.25]],
        array![[2.0f32], [0.0], [-1.0]],
    ];
    let bg = vec![array![[0.0f32, 1.0], [2.0, -1.0]], array![[1.0f32], [3.0]]];
    (x, bg)
}

fn logit(s1: f64, s2: f64) -> f64 {
    s1 + 2.0 * s2 + s1 * s2
}

#[test]
fn exact_mean_matches_hand_computation() {
    let (x, bg) = data();
    let inputs = MaskedInputs {
        inputs: &x,
        background: &bg,
        masking: Masking::Mean,
        space: Space::Logit,
        seed: 0,
        batch_size: 3,
        first_row: 0,
    };
    let v = coalition_means(&Toy, &inputs, &[1, 2], &NoProgress).unwrap();
    let bg_s1 = [1.0, 1.0];
    let bg_s2 = [1.0, 3.0];
    for a in 0..3 {
        let s1: f64 = x[0].row(a).iter().map(|&v| f64::from(v)).sum();
        let s2 = f64::from(x[1][[a, 0]]);
        let only1 = (logit(s1, bg_s2[0]) + logit(s1, bg_s2[1])) / 2.0;
        let only2 = (logit(bg_s1[0], s2) + logit(bg_s1[1], s2)) / 2.0;
        assert!(
            (v[[a, 0, 1]] - only1).abs() < 1e-5,
            "{a}: {} vs {only1}",
            v[[a, 0, 1]]
        );
        assert!((v[[a, 1, 1]] - only2).abs() < 1e-5);
        assert_eq!(v[[a, 0, 0]], 0.0);
    }
}

fn split(seed: u64, n: usize) -> Split {
    use rand::Rng;
    let mut rng = interplay::rng::seeded(seed, 1);
    let m1 = Array2::from_shape_fn((n, 2), |_| rng.gen_range(-1.0f32..1.0));
    let m2 = Array2::from_shape_fn((n, 1), |_| rng.gen_range(-1.0f32..1.0));
    Split::new(vec![m1, m2], None).unwrap()
}

#[test]
fn batching_and_threads_do_not_change_results() {
    let (inputs, bg) = (split(1, 50), split(2, 60));
    let base = InterShapConfig {
        background: BackgroundRows::Sample(40),
        seed: 4,
        ..InterShapConfig::default()
    }
    .validate()
    .unwrap();
    let big = explain(&Toy, &inputs, &bg, &base, &NoProgress).unwrap();
    let small_cfg = InterShapConfig {
        batch_size: 7,
        ..base.clone().into_inner()
    }
    .validate()
    .unwrap();
    let small = explain(&Toy, &inputs, &bg, &small_cfg, &NoProgress).unwrap();
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| explain(&Toy, &inputs, &bg, &small_cfg, &NoProgress).unwrap());
    assert_eq!(small, one_thread, "thread count changed the result");
    let (a, b) = (&big.explanations[0], &small.explanations[0]);
    for (x, y) in a.interactions.matrix.iter().zip(&b.interactions.matrix) {
        assert!((x - y).abs() < 1e-12);
    }
    assert!((a.global - b.global).abs() < 1e-12);
}

#[test]
fn draws_are_seeded_and_approach_the_mean() {
    let (inputs, bg) = (split(1, 20), split(2, 30));
    let cfg = |masking, seed| InterShapConfig {
        background: BackgroundRows::All,
        masking,
        seed,
        space: Space::Logit,
        output: OutputTarget::Class(1),
        ..InterShapConfig::default()
    };
    let run = |c: &InterShapConfig| {
        explain(
            &Toy,
            &inputs,
            &bg,
            &c.clone().validate().unwrap(),
            &NoProgress,
        )
        .unwrap()
    };
    let d1 = run(&cfg(Masking::Draws(2000), 7));
    let d1_again = run(&cfg(Masking::Draws(2000), 7));
    let d2 = run(&cfg(Masking::Draws(2000), 8));
    let exact = run(&cfg(Masking::Mean, 7));
    assert_eq!(d1, d1_again);
    assert_ne!(
        d1.explanations[0].mean_matrix,
        d2.explanations[0].mean_matrix
    );
    assert_eq!(d1.masking.method, "draws");
    assert_eq!(d1.masking.rows_per_value, 2000);
    let (e, d) = (&exact.explanations[0], &d1.explanations[0]);
    for (x, y) in e.mean_matrix.iter().zip(&d.mean_matrix) {
        assert!((x - y).abs() < 0.1, "draws {y} vs exact mean {x}");
    }
}

#[test]
fn every_class_and_probability_space() {
    let (inputs, bg) = (split(3, 10), split(4, 10));
    let cfg = InterShapConfig {
        output: OutputTarget::All,
        ..InterShapConfig::default()
    }
    .validate()
    .unwrap();
    let r = explain(&Toy, &inputs, &bg, &cfg, &NoProgress).unwrap();
    assert_eq!(r.explanations.len(), 2);
    // Two-class probabilities: p1 = 1 − p0, so Φ of class 1 is minus Φ of class 0.
    let (c0, c1) = (&r.explanations[0], &r.explanations[1]);
    for (x, y) in c0.interactions.matrix.iter().zip(&c1.interactions.matrix) {
        assert!((x + y).abs() < 1e-6);
    }
    assert!((c0.global - c1.global).abs() < 1e-6);
    let bad = InterShapConfig {
        output: OutputTarget::Class(5),
        ..InterShapConfig::default()
    }
    .validate()
    .unwrap();
    assert!(explain(&Toy, &inputs, &bg, &bad, &NoProgress).is_err());
}
