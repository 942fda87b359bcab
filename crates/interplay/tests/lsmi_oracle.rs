//! Per-sample LSMI quantities against the closed-form oracle of the Gaussian demo
//! family (spec §2.7: x_m | y ~ N(e_y, σ²I), (x1_j, x2_j) | y correlated by ρ),
//! on the reference file's validation rows (C = 2, σ = 0.5, ρ = 0.5).

use interplay::data::ReadOptions;
use interplay::lsmi::{estimate, LsmiConfig, Prior};
use interplay::params::Validate;
use interplay::progress::NoProgress;
use std::path::Path;

const REFERENCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/reference/lsmi_gaussian_seed42.pt"
);
const SIGMA: f64 = 0.5;
const RHO: f64 = 0.5;
const C: usize = 2;

fn lse(v: &[f64]) -> f64 {
    let m = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    m + v.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// log N(x; e_y, σ²I) for every class y.
fn log_lik_single(x: &[f32]) -> Vec<f64> {
    let d = x.len() as f64;
    (0..C)
        .map(|y| {
            let sq: f64 = x
                .iter()
                .enumerate()
                .map(|(j, &v)| (v as f64 - if j == y { 1.0 } else { 0.0 }).powi(2))
                .sum();
            -0.5 * d * (2.0 * std::f64::consts::PI * SIGMA * SIGMA).ln()
                - sq / (2.0 * SIGMA * SIGMA)
        })
        .collect()
}

/// log p(x1, x2 | y) up to a constant that does not depend on y.
fn log_lik_pair(x1: &[f32], x2: &[f32]) -> Vec<f64> {
    (0..C)
        .map(|y| {
            let mut q = 0.0;
            for j in 0..x1.len() {
                let e = if j == y { 1.0 } else { 0.0 };
                let (a, b) = (x1[j] as f64 - e, x2[j] as f64 - e);
                q += (a * a - 2.0 * RHO * a * b + b * b) / (SIGMA * SIGMA * (1.0 - RHO * RHO));
            }
            -0.5 * q
        })
        .collect()
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[test]
fn pointwise_quantities_track_the_closed_form_oracle() {
    let data = interplay::data::read(Path::new(REFERENCE), &ReadOptions::default()).unwrap();
    let (train, val) = (data.split("train").unwrap(), data.split("val").unwrap());
    // The oracle's densities are of the features as given: compare entropies of
    // an unstandardised fit (standardising shifts h(x) by −Σ log sd).
    let config = LsmiConfig {
        seed: 2,
        prior: Prior::Uniform,
        standardise: false,
        ..LsmiConfig::default()
    }
    .validate()
    .unwrap();
    let p = &estimate(train, val, &config, &NoProgress).unwrap().pairs[0];
    let labels = val.labels().unwrap();
    let (mut i1, mut i12, mut h1) = (Vec::new(), Vec::new(), Vec::new());
    for (r, &y) in labels.iter().enumerate() {
        let x1 = val.modalities()[0].row(r).to_vec();
        let x2 = val.modalities()[1].row(r).to_vec();
        let l1 = log_lik_single(&x1);
        let l12 = log_lik_pair(&x1, &x2);
        let log_c = (C as f64).ln();
        i1.push(l1[y] - lse(&l1) + log_c);
        i12.push(l12[y] - lse(&l12) + log_c);
        h1.push(-(lse(&l1) - log_c));
    }
    let (c_i1, c_i12, c_h1) = (
        pearson(&p.i1, &i1),
        pearson(&p.i12, &i12),
        pearson(&p.h1, &h1),
    );
    eprintln!("corr with oracle: i1 {c_i1:.3}, i12 {c_i12:.3}, h1 {c_h1:.3}");
    assert!(c_i1 > 0.9, "i(x1;y) correlation {c_i1}");
    assert!(c_i12 > 0.85, "i(x1,x2;y) correlation {c_i12}");
    assert!(c_h1 > 0.85, "h(x1) correlation {c_h1}");
    let mean_h: f64 = h1.iter().sum::<f64>() / h1.len() as f64;
    assert!(
        (p.entropy[0] - mean_h).abs() < 0.25,
        "mean ĥ {} vs oracle {mean_h}",
        p.entropy[0]
    );
}
