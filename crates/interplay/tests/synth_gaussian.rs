//! The Gaussian demo family: shapes, label balance, noise correlation,
//! determinism, and the exact oracle against the spec's Monte-Carlo table (§2.7).

use interplay::params::Validate;
use interplay::synth::gaussian::{generate, GaussianConfig, GaussianOracle};

fn config(n_train: usize, n_classes: usize, sigma: f64, rho: f64) -> GaussianConfig {
    GaussianConfig {
        n_train,
        n_val: 0,
        rho,
        sigma,
        n_classes,
    }
}

#[test]
fn defaults_are_the_lsmi_demo_call() {
    let c = GaussianConfig::default();
    assert_eq!((c.n_train, c.n_val, c.n_classes), (1600, 400, 2));
    assert_eq!((c.rho, c.sigma), (0.5, 0.5));
    let data = generate(&c.validate().unwrap(), 42).unwrap();
    assert_eq!(data.split_names(), vec!["train", "val"]);
    assert_eq!(data.split("train").unwrap().len(), 1600);
    assert_eq!(data.split("val").unwrap().len(), 400);
    assert_eq!(data.dims(), vec![2, 2]);
}

#[test]
fn labels_are_balanced_and_noise_has_the_requested_correlation() {
    let (c, sigma, rho) = (3, 0.7, 0.6);
    let data = generate(&config(30_000, c, sigma, rho).validate().unwrap(), 7).unwrap();
    let split = data.split("train").unwrap();
    let labels = split.labels().unwrap();
    for class in 0..c {
        let share = labels.iter().filter(|&&y| y == class).count() as f64 / labels.len() as f64;
        assert!((share - 1.0 / 3.0).abs() < 0.015, "class {class}: {share}");
    }
    // Noise u = x1 - e_y and w = x2 - e_y: var σ² each, correlation ρ.
    let (mut suu, mut sww, mut suw) = (0.0, 0.0, 0.0);
    let mut count = 0.0;
    for (i, &y) in labels.iter().enumerate() {
        for j in 0..c {
            let e = if j == y { 1.0 } else { 0.0 };
            let u = f64::from(split.modalities()[0][[i, j]]) - e;
            let w = f64::from(split.modalities()[1][[i, j]]) - e;
            suu += u * u;
            sww += w * w;
            suw += u * w;
            count += 1.0;
        }
    }
    let corr = suw / (suu * sww).sqrt();
    assert!((corr - rho).abs() < 0.01, "correlation {corr}");
    assert!(((suu / count).sqrt() - sigma).abs() < 0.01);
    assert!(((sww / count).sqrt() - sigma).abs() < 0.01);
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let c = GaussianConfig::default();
    let a = generate(&c.validate().unwrap(), 1).unwrap();
    assert_eq!(a, generate(&c.validate().unwrap(), 1).unwrap());
    assert_ne!(a, generate(&c.validate().unwrap(), 2).unwrap());
    // Each split has its own stream: the train split does not depend on n_val.
    let fewer_val = GaussianConfig { n_val: 10, ..c };
    assert_eq!(
        a.splits["train"],
        generate(&fewer_val.validate().unwrap(), 1).unwrap().splits["train"]
    );
}

#[test]
fn invalid_parameters_are_rejected() {
    for bad in [
        config(10, 1, 0.5, 0.5),
        config(10, 2, 0.0, 0.5),
        config(10, 2, 0.5, 1.0),
        config(10, 2, f64::NAN, 0.5),
        config(0, 2, 0.5, 0.5),
    ] {
        let err = bad.validate().unwrap_err();
        assert!(err.is_user_input(), "{bad:?}");
    }
}

/// Monte-Carlo means of the oracle over generated data vs the spec table.
/// Values: (C, σ, ρ, Ī1, Ī12, H(X1)) in nats.
#[test]
fn oracle_means_reproduce_the_spec_table() {
    let rows = [
        (2, 0.5, 0.5, 0.5004, 0.5645, Some(1.955)),
        (2, 0.5, 0.0, 0.5004, 0.6340, Some(1.955)),
        (2, 1.0, 0.5, 0.2013, 0.2535, Some(3.042)),
        (10, 0.5, 0.5, 1.3417, 1.6002, Some(8.598)),
    ];
    for (c, sigma, rho, i1, i12, h1) in rows {
        let cfg = config(40_000, c, sigma, rho);
        let data = generate(&cfg.validate().unwrap(), 2024).unwrap();
        let mean = cfg.oracle().unwrap().mean(&data.splits["train"]).unwrap();
        let tol = 0.012;
        assert!(
            (mean.i1 - i1).abs() < tol,
            "C{c} σ{sigma} ρ{rho}: Ī1 {}",
            mean.i1
        );
        assert!(
            (mean.i2 - i1).abs() < tol,
            "C{c} σ{sigma} ρ{rho}: Ī2 {}",
            mean.i2
        );
        assert!(
            (mean.i12 - i12).abs() < tol,
            "C{c} σ{sigma} ρ{rho}: Ī12 {}",
            mean.i12
        );
        if let Some(h1) = h1 {
            assert!((mean.h1 - h1).abs() < 0.02, "H(X1) {}", mean.h1);
        }
        // h(x|y) is Gaussian: its mean is C/2 · log(2πeσ²).
        let h_cond = 0.5
            * c as f64
            * (2.0 * std::f64::consts::PI * std::f64::consts::E * sigma * sigma).ln();
        assert!((mean.h1_given_y - h_cond).abs() < 0.03);
    }
}

#[test]
fn pointwise_identities_hold() {
    let oracle = GaussianOracle::new(3, 0.5, 0.3).unwrap();
    let p = oracle
        .pointwise(&[0.9, 0.2, -0.1], &[1.2, -0.3, 0.4], 0)
        .unwrap();
    assert!((p.i1 - (p.h1 - p.h1_given_y)).abs() < 1e-12);
    assert!((p.i2 - (p.h2 - p.h2_given_y)).abs() < 1e-12);
    assert!((p.i12 - (p.h12 - p.h12_given_y)).abs() < 1e-12);
    // A point at e_0 is more likely under class 0: positive pointwise MI.
    assert!(p.i1 > 0.0 && p.i12 > 0.0);
    // Far away from every mean the log-sum-exp stays finite.
    let far = oracle
        .pointwise(&[80.0, -60.0, 5.0], &[70.0, 1.0, -90.0], 2)
        .unwrap();
    assert!(far.i1.is_finite() && far.i12.is_finite() && far.h12.is_finite());
    assert!(oracle.pointwise(&[0.0; 2], &[0.0; 3], 0).is_err());
    assert!(oracle.pointwise(&[0.0; 3], &[0.0; 3], 3).is_err());
}
