//! Coverage of InterSHAP's confidence intervals against a population truth.
//!
//! The model is a smooth logistic function of discrete modalities with known
//! probabilities, so the population InterSHAP (every explained row and every
//! background row of the distribution) is computed exactly by enumeration. Each
//! seed draws fresh explained and background rows; the nominal 95 % interval must
//! contain the truth in at least 90 % of seeds, for the global score and for every
//! pair share.

use interplay::data::Split;
use interplay::intershap::{
    explain, interaction_share, pair_shares, BackgroundRows, InterShapConfig, InterShapResult,
};
use interplay::model::{Model, OutputKind};
use interplay::params::Validate;
use interplay::progress::NoProgress;
use interplay::rng::seeded;
use interplay::shapley;
use interplay::uncertainty::UncertaintyConfig;
use ndarray::{Array2, ArrayView2, Axis};
use rand::Rng;

/// Probabilities of the values 0..4 of every modality.
const P: [f64; 4] = [0.4, 0.3, 0.2, 0.1];

/// Two classes; the logit of class 1 is additive in the modalities plus pairwise
/// products, so every pair interacts and no modality is silent.
struct Logistic {
    m: usize,
}

impl Logistic {
    fn logit(&self, x: &[f64]) -> f64 {
        let c: Vec<f64> = x.iter().map(|v| v - 1.0).collect();
        let mut g = 0.6;
        let main = [1.2, -0.8, 0.5, 0.3];
        for (i, ci) in c.iter().enumerate() {
            g += main[i] * ci;
        }
        let pair = [0.9, -0.5, 0.4, 0.3, -0.2, 0.25];
        let mut k = 0;
        for i in 0..self.m {
            for j in i + 1..self.m {
                g += pair[k] * c[i] * c[j];
                k += 1;
            }
        }
        g
    }

    fn probabilities(&self, x: &[f64]) -> [f64; 2] {
        let p1 = 1.0 / (1.0 + (-self.logit(x)).exp());
        [1.0 - p1, p1]
    }
}

impl Model for Logistic {
    fn input_dims(&self) -> Vec<usize> {
        vec![1; self.m]
    }
    fn n_classes(&self) -> usize {
        2
    }
    fn output_kind(&self) -> OutputKind {
        OutputKind::Probabilities
    }
    fn forward(&self, inputs: &[ArrayView2<'_, f32>]) -> interplay::Result<Array2<f32>> {
        let n = inputs[0].nrows();
        let mut out = Array2::zeros((n, 2));
        for r in 0..n {
            let x: Vec<f64> = inputs.iter().map(|m| f64::from(m[[r, 0]])).collect();
            let p = self.probabilities(&x);
            out[[r, 0]] = p[0] as f32;
            out[[r, 1]] = p[1] as f32;
        }
        Ok(out)
    }
}

/// Every point of the grid {0..4}^M with its probability.
fn grid(m: usize) -> Vec<(Vec<f64>, f64)> {
    let mut out = vec![(Vec::new(), 1.0)];
    for _ in 0..m {
        out = out
            .into_iter()
            .flat_map(|(x, p)| {
                (0..4).map(move |v| {
                    let mut x = x.clone();
                    x.push(v as f64);
                    (x, p * P[v])
                })
            })
            .collect();
    }
    out
}

/// Population global score and pair shares of the predicted class, in
/// probability space: v_x(S) = E_z f(x_S, z_−S), Φ̄ = E_x Φ(x).
fn population_truth(model: &Logistic) -> (f64, Vec<f64>) {
    let m = model.m;
    let points = grid(m);
    let full = (1usize << m) - 1;
    let mut values = Array2::<f64>::zeros((points.len(), full + 1));
    for (a, (x, _)) in points.iter().enumerate() {
        let own = model.probabilities(x);
        let class = usize::from(own[1] > own[0]);
        for mask in 0..=full {
            values[[a, mask]] = points
                .iter()
                .map(|(z, pz)| {
                    let mixed: Vec<f64> = (0..m)
                        .map(|i| if mask >> i & 1 == 1 { x[i] } else { z[i] })
                        .collect();
                    pz * model.probabilities(&mixed)[class]
                })
                .sum();
        }
    }
    let inter = shapley::exact(values.view()).unwrap();
    let weights: Vec<f64> = points.iter().map(|(_, p)| *p).collect();
    let mut mean = Array2::<f64>::zeros((m, m));
    for (a, mat) in inter.matrix.axis_iter(Axis(0)).enumerate() {
        mean = mean + &mat * weights[a];
    }
    let pairs = pair_shares(mean.view()).iter().map(|p| p.share).collect();
    (interaction_share(mean.view()), pairs)
}

/// `n` rows drawn from the distribution (as float32 codes), seeded.
fn draw(m: usize, n: usize, seed: u64, stream: u64) -> Split {
    let mut rng = seeded(seed, stream);
    let mods = (0..m)
        .map(|_| {
            Array2::from_shape_fn((n, 1), |_| {
                let u: f64 = rng.gen();
                let mut acc = 0.0;
                let mut v = 3;
                for (k, p) in P.iter().enumerate() {
                    acc += p;
                    if u < acc {
                        v = k;
                        break;
                    }
                }
                v as f32
            })
        })
        .collect();
    Split::new(mods, None).unwrap()
}

fn run(
    model: &Logistic,
    n: usize,
    b: usize,
    seed: u64,
    background: BackgroundRows,
) -> InterShapResult {
    let inputs = draw(model.m, n, seed, 1);
    let bg = draw(model.m, b, seed, 2);
    let config = InterShapConfig {
        background,
        seed,
        uncertainty: UncertaintyConfig {
            level: 0.95,
            replicates: 1000,
        },
        ..InterShapConfig::default()
    }
    .validate()
    .unwrap();
    explain(model, &inputs, &bg, &config, &NoProgress).unwrap()
}

/// Share of `seeds` runs whose intervals contain the truth: global, then each pair.
fn coverage(m: usize, n: usize, b: usize, seeds: u64) -> (f64, Vec<f64>) {
    let model = Logistic { m };
    let (truth, truth_pairs) = population_truth(&model);
    let mut global_hits = 0;
    let mut pair_hits = vec![0; truth_pairs.len()];
    for seed in 0..seeds {
        let r = run(&model, n, b, seed, BackgroundRows::All);
        let e = &r.explanations[0];
        let iv = e.intervals.as_ref().expect("intervals");
        global_hits += usize::from(iv.global.contains(truth));
        for (k, t) in truth_pairs.iter().enumerate() {
            pair_hits[k] += usize::from(iv.pairs[k].contains(*t));
        }
    }
    let share = |h: usize| h as f64 / seeds as f64;
    eprintln!("M = {m}: truth {truth:.4}, pairs {truth_pairs:.4?}");
    (
        share(global_hits),
        pair_hits.into_iter().map(share).collect(),
    )
}

#[test]
fn global_interval_covers_the_population_score() {
    let (global, pairs) = coverage(2, 300, 100, 300);
    eprintln!("M = 2: coverage global {global:.2}, pairs {pairs:.2?}");
    assert!(
        global >= 0.90,
        "95 % interval covered the truth in {global:.2} of seeds"
    );
}

#[test]
fn pair_share_intervals_cover_with_three_modalities() {
    let (global, pairs) = coverage(3, 300, 100, 150);
    eprintln!("M = 3: coverage global {global:.2}, pairs {pairs:.2?}");
    assert!(global >= 0.90, "global coverage {global:.2}");
    for (k, c) in pairs.iter().enumerate() {
        assert!(*c >= 0.90, "pair {k} coverage {c:.2}");
    }
}

#[test]
fn width_shrinks_as_one_over_root_n() {
    let model = Logistic { m: 2 };
    let width = |n: usize| -> f64 {
        (0..10)
            .map(|seed| {
                let r = run(&model, n, n, 100 + seed, BackgroundRows::All);
                let g = r.explanations[0].intervals.as_ref().unwrap().global;
                g.upper - g.lower
            })
            .sum::<f64>()
            / 10.0
    };
    let ratio = width(600) / width(150);
    eprintln!("width ratio at 4× the rows: {ratio:.3} (1/√4 = 0.5)");
    assert!((0.4..=0.6).contains(&ratio), "ratio {ratio:.3}");
}

#[test]
fn both_samples_contribute_and_background_alone_shrinks_with_its_size() {
    let model = Logistic { m: 2 };
    let small = run(&model, 400, 50, 7, BackgroundRows::All);
    let large = run(&model, 400, 800, 7, BackgroundRows::All);
    let iv = |r: &InterShapResult| r.explanations[0].intervals.clone().unwrap();
    let (s, l) = (iv(&small), iv(&large));
    assert!(s.std_err_rows > 0.0 && s.std_err_background > 0.0);
    // 16× the background: its part of the error falls by about 4.
    let ratio = l.std_err_background / s.std_err_background;
    assert!(
        (0.15..=0.4).contains(&ratio),
        "background error ratio {ratio:.3}"
    );
    assert!(s.global.half_width() > l.global.half_width());
}

#[test]
fn auto_background_grows_until_the_target_is_met() {
    let model = Logistic { m: 2 };
    let inputs = draw(2, 3000, 11, 1);
    let bg = draw(2, 20_000, 11, 2);
    let target = 0.03;
    let config = InterShapConfig {
        background: BackgroundRows::Auto,
        ci_target: target,
        seed: 11,
        ..InterShapConfig::default()
    }
    .validate()
    .unwrap();
    let r = explain(&model, &inputs, &bg, &config, &NoProgress).unwrap();
    let auto = r.auto_background.clone().expect("auto report");
    eprintln!("auto rounds {:?}", auto.rounds);
    assert_eq!(auto.rounds[0].0, 100);
    let (last_b, last_half) = *auto.rounds.last().unwrap();
    assert_eq!(r.masking.background_rows, last_b);
    assert!(
        last_b > 100,
        "the background did not grow: {:?}",
        auto.rounds
    );
    assert!(auto.reached && last_half <= target, "{:?}", auto.rounds);
    let report = interplay::report::InterShapReport::new(&r, &config, None);
    assert!(report.settings.auto_background.is_some());
}

#[test]
fn auto_background_says_when_rows_are_the_limit() {
    let model = Logistic { m: 2 };
    let inputs = draw(2, 40, 12, 1);
    let bg = draw(2, 5000, 12, 2);
    let config = InterShapConfig {
        background: BackgroundRows::Auto,
        ci_target: 0.001,
        seed: 12,
        ..InterShapConfig::default()
    }
    .validate()
    .unwrap();
    let r = explain(&model, &inputs, &bg, &config, &NoProgress).unwrap();
    let auto = r.auto_background.clone().unwrap();
    assert!(!auto.reached);
    let report = interplay::report::InterShapReport::new(&r, &config, None);
    assert!(
        report.warnings.iter().any(|w| w.contains("explain about")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn a_small_fixed_background_is_flagged() {
    let model = Logistic { m: 2 };
    let r = run(&model, 2000, 10, 3, BackgroundRows::All);
    let config = InterShapConfig::default().validate().unwrap();
    let report = interplay::report::InterShapReport::new(&r, &config, None);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("background rows alone")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn intervals_off_leave_the_scores_unchanged() {
    let model = Logistic { m: 3 };
    let inputs = draw(3, 200, 5, 1);
    let bg = draw(3, 60, 5, 2);
    let run = |replicates| {
        let config = InterShapConfig {
            seed: 5,
            uncertainty: UncertaintyConfig {
                replicates,
                ..UncertaintyConfig::default()
            },
            ..InterShapConfig::default()
        }
        .validate()
        .unwrap();
        explain(&model, &inputs, &bg, &config, &NoProgress).unwrap()
    };
    let (off, on) = (run(0), run(200));
    let (a, b) = (&off.explanations[0], &on.explanations[0]);
    assert!(a.intervals.is_none() && b.intervals.is_some());
    assert_eq!(a.global, b.global);
    assert_eq!(a.mean_matrix, b.mean_matrix);
    assert_eq!(a.local, b.local);
}
