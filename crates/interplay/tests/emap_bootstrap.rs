//! EMAP bootstrap intervals on a model whose population EMAP gap is known: the
//! 95 % intervals cover the population gaps in ≥ 90 % of seeds and shrink like
//! 1/√n.
//!
//! Model: logits (0, g) with g = x1 + x2 + 3·x1·x2 and x1, x2 ~ U(−1, 1)
//! independent, labels y ~ Bernoulli(σ(g)). Its population additive projection
//! is (0, x1 + x2) (the interaction averages out), so the population accuracy
//! and macro-F1 of f and f̂ are integrals over the square, computed on a fine grid.

use interplay::emap::{emap_with_intervals, EmapOptions};
use interplay::model::{Model, OutputKind};
use interplay::params::Validate;
use interplay::progress::NoProgress;
use interplay::rng::seeded;
use interplay::uncertainty::{IntervalMethod, UncertaintyConfig};
use interplay::Result;
use ndarray::{Array2, ArrayView2};
use rand::Rng;

struct Interacting;

fn logit(a: f64, b: f64) -> f64 {
    a + b + 3.0 * a * b
}

fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

impl Model for Interacting {
    fn input_dims(&self) -> Vec<usize> {
        vec![1, 1]
    }
    fn n_classes(&self) -> usize {
        2
    }
    fn output_kind(&self) -> OutputKind {
        OutputKind::Logits
    }
    fn forward(&self, x: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
        let n = x[0].nrows();
        Ok(Array2::from_shape_fn((n, 2), |(i, k)| {
            if k == 0 {
                0.0
            } else {
                logit(f64::from(x[0][[i, 0]]), f64::from(x[1][[i, 0]])) as f32
            }
        }))
    }
}

/// Population (accuracy gap, macro-F1 gap) by the midpoint rule on a grid.
fn population_gaps() -> (f64, f64) {
    let m = 1500;
    // conf[model][label][prediction], model 0 = f, 1 = f̂.
    let mut conf = [[[0.0f64; 2]; 2]; 2];
    for i in 0..m {
        let a = -1.0 + (i as f64 + 0.5) * 2.0 / m as f64;
        for j in 0..m {
            let b = -1.0 + (j as f64 + 0.5) * 2.0 / m as f64;
            let p1 = sigmoid(logit(a, b));
            let preds = [usize::from(logit(a, b) > 0.0), usize::from(a + b > 0.0)];
            for (k, &pred) in preds.iter().enumerate() {
                conf[k][1][pred] += p1;
                conf[k][0][pred] += 1.0 - p1;
            }
        }
    }
    let acc = |c: &[[f64; 2]; 2]| (c[0][0] + c[1][1]) / (c[0][0] + c[0][1] + c[1][0] + c[1][1]);
    let f1 = |c: &[[f64; 2]; 2]| {
        let per = |k: usize| {
            let tp = c[k][k];
            let fp = c[1 - k][k];
            let fn_ = c[k][1 - k];
            2.0 * tp / (2.0 * tp + fp + fn_)
        };
        (per(0) + per(1)) / 2.0
    };
    (acc(&conf[0]) - acc(&conf[1]), f1(&conf[0]) - f1(&conf[1]))
}

/// A sample of `n` rows and its EMAP with intervals.
fn run(n: usize, seed: u64, replicates: usize) -> interplay::emap::EmapResult {
    let mut rng = seeded(seed, 77);
    let x1 = Array2::from_shape_fn((n, 1), |_| rng.gen_range(-1.0f32..1.0));
    let x2 = Array2::from_shape_fn((n, 1), |_| rng.gen_range(-1.0f32..1.0));
    let labels: Vec<usize> = (0..n)
        .map(|i| {
            let p1 = sigmoid(logit(f64::from(x1[[i, 0]]), f64::from(x2[[i, 0]])));
            usize::from(rng.gen_bool(p1))
        })
        .collect();
    let options = EmapOptions {
        seed,
        ..EmapOptions::default()
    }
    .validate()
    .unwrap();
    let uncertainty = UncertaintyConfig {
        replicates,
        ..UncertaintyConfig::default()
    }
    .validate()
    .unwrap();
    emap_with_intervals(
        &Interacting,
        x1.view(),
        x2.view(),
        &labels,
        &options,
        &uncertainty,
        &NoProgress,
    )
    .unwrap()
}

#[test]
fn intervals_cover_the_population_gaps() {
    let (acc_gap, f1_gap) = population_gaps();
    assert!(acc_gap > 0.05, "the interaction must matter: gap {acc_gap}");
    let seeds = 60;
    let (mut covered_acc, mut covered_f1) = (0, 0);
    for seed in 0..seeds {
        let r = run(200, seed, 400);
        let iv = r.intervals.unwrap();
        assert_eq!(iv.accuracy_gap.method, IntervalMethod::BootstrapRows);
        assert!(iv.accuracy_gap.contains(r.accuracy_gap) || iv.accuracy_gap.std_err == 0.0);
        covered_acc += usize::from(iv.accuracy_gap.contains(acc_gap));
        covered_f1 += usize::from(iv.macro_f1_gap.contains(f1_gap));
    }
    eprintln!(
        "population gaps: accuracy {acc_gap:.4}, macro-F1 {f1_gap:.4}; 95 % intervals at n = 200 covered them in {covered_acc}/{seeds} and {covered_f1}/{seeds} seeds"
    );
    assert!(
        covered_acc * 10 >= 9 * seeds as usize,
        "{covered_acc}/{seeds}"
    );
    assert!(
        covered_f1 * 10 >= 9 * seeds as usize,
        "{covered_f1}/{seeds}"
    );
}

#[test]
fn intervals_shrink_like_one_over_root_n() {
    let width = |n: usize| {
        (0..4)
            .map(|seed| {
                let iv = run(n, 100 + seed, 400).intervals.unwrap().accuracy_gap;
                iv.upper - iv.lower
            })
            .sum::<f64>()
            / 4.0
    };
    let (small, large) = (width(150), width(600));
    let ratio = large / small;
    eprintln!("mean accuracy-gap interval width: n = 150 {small:.4}, n = 600 {large:.4}, ratio {ratio:.3}");
    assert!((0.35..=0.65).contains(&ratio), "ratio {ratio}");
}

#[test]
fn no_replicates_no_intervals_and_the_estimate_is_unchanged() {
    let with = run(60, 3, 100);
    let without = run(60, 3, 0);
    assert!(without.intervals.is_none());
    assert_eq!(with.accuracy_gap, without.accuracy_gap);
    assert_eq!(with.macro_f1_gap, without.macro_f1_gap);
    // Seeded: the same seed gives the same intervals.
    assert_eq!(with.intervals, run(60, 3, 100).intervals);
}
