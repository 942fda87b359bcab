//! Coverage of LSMI's bootstrap intervals on the Gaussian family, against the
//! population means of the exact pointwise decomposition.
//!
//! Each run draws fresh data from its own seed, fits LSMI with that seed and
//! asks whether the nominal 95 % interval of each adjusted mean atom contains
//! the population value (the exact atoms' mean over 200 000 oracle rows). The
//! bootstrap covers only the choice of evaluated rows; the training rows and the
//! seed also move the estimate, and the fitted estimator has a bias, so the
//! coverage holds only for atoms whose bias is small against the interval width.
//! The tests print bias, widths and coverage of every atom so that the claim can
//! be checked.

use interplay::lsmi::uncertainty::{intervals, repeat_seeds, summarise_repeats};
use interplay::lsmi::{adjustment, estimate, pointwise_atoms, refit_configs, Atoms, LsmiConfig};
use interplay::params::Validate;
use interplay::progress::NoProgress;
use interplay::synth::gaussian::{generate, GaussianConfig};
use interplay::uncertainty::{Interval, UncertaintyConfig};

const NAMES: [&str; 4] = ["R", "U1", "U2", "S"];

fn values(a: &Atoms) -> [f64; 4] {
    [a.redundancy, a.uniqueness_1, a.uniqueness_2, a.synergy]
}

/// Population adjusted atoms of the Gaussian family (nats): the exact pointwise
/// atoms averaged over `rows` oracle rows, then shifted like LSMI's.
fn truth(family: &GaussianConfig, rows: usize) -> [f64; 4] {
    let big = GaussianConfig {
        n_train: rows,
        n_val: 0,
        ..*family
    }
    .validate()
    .unwrap();
    let data = generate(&big, 987_654).unwrap();
    let oracle = big.oracle().unwrap();
    let points = oracle.evaluate(data.split("train").unwrap()).unwrap();
    let mut sum = [0.0; 4];
    for o in &points {
        let a = pointwise_atoms(o.i1, o.i2, o.i12, o.h1, o.h2);
        sum.iter_mut().zip(values(&a)).for_each(|(s, v)| *s += v);
    }
    let m = sum.map(|s| s / points.len() as f64);
    let raw = Atoms {
        redundancy: m[0],
        uniqueness_1: m[1],
        uniqueness_2: m[2],
        synergy: m[3],
    };
    values(&raw.shifted(adjustment(&raw)))
}

/// Per run: the adjusted mean atoms and their intervals. With `repeats` > 1,
/// each run refits with `repeats` seeds and reports the mean over refits with
/// the combined interval (sampling and seed error, `--repeats`).
fn runs(
    family: &GaussianConfig,
    config: &LsmiConfig,
    seeds: std::ops::Range<u64>,
    repeats: usize,
) -> Vec<([f64; 4], [Interval; 4])> {
    let family = family.validate().unwrap();
    let uncertainty = UncertaintyConfig::default();
    seeds
        .map(|seed| {
            let data = generate(&family, 1000 + seed).unwrap();
            let config = LsmiConfig { seed, ..*config }.validate().unwrap();
            let train = data.split("train").unwrap();
            let val = data.split("val").unwrap();
            let refits = refit_configs(&config, repeats).unwrap();
            let fits: Vec<_> = refits
                .iter()
                .map(|c| estimate(train, val, c, &NoProgress).unwrap())
                .collect();
            let seeds = repeat_seeds(seed, repeats);
            let i: Vec<_> = fits
                .iter()
                .zip(&seeds)
                .map(|(f, &s)| intervals(f, config.adjust, &uncertainty, s))
                .collect();
            if repeats == 1 {
                return (
                    values(&fits[0].pairs[0].adjusted),
                    i[0][0].adjusted.to_array(),
                );
            }
            let summary = summarise_repeats(&fits, &i, &seeds, uncertainty.level).unwrap();
            let atoms = summary.pairs[0].adjusted.to_array();
            (atoms.map(|a| a.mean), atoms.map(|a| a.interval))
        })
        .collect()
}

/// What the runs say about one atom.
struct Summary {
    /// Mean estimate minus truth.
    bias: f64,
    /// Standard deviation of the estimates over runs (data, training rows and seed
    /// all vary).
    sd: f64,
    /// Mean bootstrap standard error.
    se: f64,
    /// Mean half-width of the intervals.
    half: f64,
    /// Share of intervals containing the truth.
    coverage: f64,
}

/// Per atom summaries, printed.
fn summarise(label: &str, truth: [f64; 4], runs: &[([f64; 4], [Interval; 4])]) -> [Summary; 4] {
    let n = runs.len() as f64;
    std::array::from_fn(|k| {
        let mean = runs.iter().map(|r| r.0[k]).sum::<f64>() / n;
        let s = Summary {
            bias: mean - truth[k],
            sd: (runs.iter().map(|r| (r.0[k] - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt(),
            se: runs.iter().map(|r| r.1[k].std_err).sum::<f64>() / n,
            half: runs.iter().map(|r| r.1[k].half_width()).sum::<f64>() / n,
            coverage: runs.iter().filter(|r| r.1[k].contains(truth[k])).count() as f64 / n,
        };
        eprintln!(
            "{label} {}: truth {:.4}, mean estimate {mean:.4} (bias {:+.4}), sd over runs {:.4}, \
             bootstrap se {:.4}, half-width {:.4}, coverage {:.0} %",
            NAMES[k],
            truth[k],
            s.bias,
            s.sd,
            s.se,
            s.half,
            100.0 * s.coverage
        );
        s
    })
}

/// Coverage a normal interval of ±1.96 se would have around an estimator with
/// this bias: P(|Z + bias/se| ≤ 1.96).
fn coverage_with_bias(bias: f64, se: f64) -> f64 {
    let z = interplay::uncertainty::two_sided_z(0.95);
    let b = bias.abs() / se;
    phi(z - b) - phi(-z - b)
}

/// Standard normal CDF by bisection on the library's quantile (ample here).
fn phi(x: f64) -> f64 {
    let (mut lo, mut hi) = (1e-12, 1.0 - 1e-12);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if interplay::uncertainty::normal_quantile(mid) < x {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The claim, at the LSMI demo's settings (C = 2 classes so 2 features per
/// modality, σ = 0.5, ρ = 0.5; 1 600 training and 400 evaluated rows; default
/// fit: 30 epochs, hidden 64, standardised features), over 50 seeds each drawing
/// fresh data:
///
/// * for R, U1 and U2 the bias is below the half-width and the 95 %
///   bias-corrected bootstrap interval contains the population value in at least
///   90 % of runs (measured: 94 %, 94 %, 100 %);
/// * S is biased low by about 0.9 of its standard error (−0.013 nats, the same
///   with 4× the training rows or 3× the epochs: the downward bias of the
///   minimum of noisy entropies, spec §2.8 item 10, the classifiers' underestimate
///   of I(X1,X2;Y), and the shift's minimum of two noisy uniquenesses), so its
///   coverage is 86 % (74 % with the plain percentile interval, which the bias
///   correction lifts); the test holds it at 80 % and checks that the shortfall
///   is what the bias predicts, not a too narrow interval;
/// * for every atom the bootstrap standard error matches the spread of the
///   estimates over runs (within 0.7–1.4×), although the runs also vary the
///   training rows and the seed: the evaluated rows dominate the error.
#[test]
fn bootstrap_intervals_cover_the_population_atoms_over_50_seeds() {
    let family = GaussianConfig::default();
    let t = truth(&family, 200_000);
    let out = runs(&family, &LsmiConfig::default(), 0..50, 1);
    let s = summarise("50 seeds", t, &out);
    for (k, s) in s.iter().enumerate() {
        let name = NAMES[k];
        let ratio = s.se / s.sd;
        assert!((0.7..=1.4).contains(&ratio), "{name}: se/sd {ratio}");
        assert!(
            s.bias.abs() < s.half,
            "{name}: bias {} vs half-width {}",
            s.bias,
            s.half
        );
        if name == "S" {
            let expected = coverage_with_bias(s.bias, s.se);
            assert!(s.coverage >= 0.8, "S: coverage {}", s.coverage);
            assert!(
                s.coverage >= expected - 0.15,
                "S: coverage {} below the {expected} its bias explains",
                s.coverage
            );
        } else {
            assert!(s.coverage >= 0.9, "{name}: coverage {}", s.coverage);
        }
    }
}

/// Exploration: `INTERPLAY_COVERAGE="seeds n_train n_val epochs standardise
/// [repeats]"`.
#[test]
#[ignore = "exploration of settings; prints bias, widths and coverage"]
fn explore_coverage() {
    let spec = std::env::var("INTERPLAY_COVERAGE").unwrap_or_else(|_| "4 1600 400 30 1".into());
    let v: Vec<u64> = spec
        .split_whitespace()
        .map(|s| s.parse().unwrap())
        .collect();
    let family = GaussianConfig {
        n_train: v[1] as usize,
        n_val: v[2] as usize,
        ..GaussianConfig::default()
    };
    let mut config = LsmiConfig {
        standardise: v[4] == 1,
        ..LsmiConfig::default()
    };
    config.discriminator.epochs = v[3] as usize;
    config.knife.epochs = v[3] as usize;
    let t = truth(&family, 200_000);
    let start = std::time::Instant::now();
    let out = runs(
        &family,
        &config,
        0..v[0],
        v.get(5).map_or(1, |&k| k as usize),
    );
    eprintln!("{} runs in {:.1} s", v[0], start.elapsed().as_secs_f64());
    summarise(&spec, t, &out);
}
