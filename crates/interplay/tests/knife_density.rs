//! KNIFE density against the spec's §3.4 test vectors, its gradient against finite
//! differences, and a fit against a known entropy.

use interplay::knife::{fit, Knife, KnifeConfig, KnifeWorkspace};
use interplay::params::Validate;
use interplay::rng::{seeded, stream_id};
use ndarray::{array, Array2};
use rand_distr::{Distribution, StandardNormal};

fn spec_knife(use_tanh: bool) -> Knife {
    // Coupling blocks with garbage on the diagonal and upper triangle (must be ignored).
    let t = [3.0, 9.0, 0.7, -5.0, 2.0, 3.0, -0.4, 9.0];
    Knife::from_parts(
        2,
        &[0.0, 0.0, 1.0, -1.0],
        &[0.1, -0.2, 0.5, 0.3],
        &t,
        &[0.0, 1.0],
        use_tanh,
    )
    .unwrap()
}

#[test]
fn log_density_matches_spec_test_vectors() {
    let x = array![[0.0, 0.0], [0.5, 0.5], [2.0, -1.0], [-3.0, 4.0]];
    let cases = [
        (
            true,
            [
                -3.019467912614,
                -3.314552243537,
                -2.814957534656,
                -9.205619744761,
            ],
        ),
        (
            false,
            [
                -3.045653401611,
                -3.331340858757,
                -2.880629526062,
                -9.202570282912,
            ],
        ),
    ];
    for (use_tanh, expected) in cases {
        let got = spec_knife(use_tanh).log_density(x.view()).unwrap();
        for (g, e) in got.iter().zip(expected) {
            assert!((g - e).abs() < 1e-9, "tanh={use_tanh}: {g} vs {e}");
        }
    }
}

#[test]
fn gradient_matches_finite_differences() {
    let mut rng = seeded(11, stream_id("knife-test"));
    let d = 3;
    let k = 3;
    let n = Knife::n_params_for(d, k);
    let p: Vec<f64> = (0..n)
        .map(|_| 0.5 * Distribution::<f64>::sample(&StandardNormal, &mut rng))
        .collect::<Vec<f64>>();
    let (m, rest) = p.split_at(k * d);
    let (a, rest) = rest.split_at(k * d);
    let (t, w) = rest.split_at(k * d * d);
    let x: Vec<f64> = (0..7 * d)
        .map(|_| StandardNormal.sample(&mut rng))
        .collect();
    for use_tanh in [true, false] {
        let knife = Knife::from_parts(d, m, a, t, w, use_tanh).unwrap();
        let mut ws = KnifeWorkspace::default();
        let mut grad = vec![0.0; n];
        knife.nll_and_grad(&x, 7, &mut grad, &mut ws);
        let mut g2 = vec![0.0; n];
        let h = 1e-6;
        for (i, &analytic) in grad.iter().enumerate() {
            let mut kp = knife.clone();
            kp.params_mut()[i] += h;
            let up = kp.nll_and_grad(&x, 7, &mut g2, &mut ws);
            kp.params_mut()[i] -= 2.0 * h;
            let down = kp.nll_and_grad(&x, 7, &mut g2, &mut ws);
            let fd = (up - down) / (2.0 * h);
            assert!(
                (fd - analytic).abs() < 1e-6,
                "tanh={use_tanh} param {i}: fd {fd} vs {analytic}"
            );
        }
    }
}

#[test]
fn fit_recovers_standard_normal_entropy() {
    // 2-d standard normal: h = log(2πe) = 2.837877 nats.
    let mut rng = seeded(5, stream_id("knife-data"));
    let x = Array2::from_shape_fn((2000, 2), |_| {
        let v: f64 = StandardNormal.sample(&mut rng);
        v as f32
    });
    let config = KnifeConfig {
        epochs: 20,
        adam: interplay::nn::AdamConfig {
            lr: 1e-2,
            ..Default::default()
        },
        ..KnifeConfig::default()
    }
    .validate()
    .unwrap();
    let knife = fit(
        x.view(),
        &config,
        &mut seeded(5, stream_id("knife-fit")),
        &mut |_, _| Ok(()),
    )
    .unwrap();
    let test = Array2::from_shape_fn((4000, 2), |_| {
        let v: f64 = StandardNormal.sample(&mut rng);
        v as f32
    });
    let h = knife.pointwise_entropy(test.view()).unwrap();
    let mean = h.iter().sum::<f64>() / h.len() as f64;
    let truth = (2.0 * std::f64::consts::PI * std::f64::consts::E).ln();
    assert!((mean - truth).abs() < 0.05, "mean ĥ {mean} vs h {truth}");
}
