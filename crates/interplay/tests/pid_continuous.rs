//! PID of continuous data (normalise, PCA, k-means, BROJA) on data whose answer is
//! known: one modality carries the label, the other is noise.

use interplay::model::{Model, OutputKind};
use interplay::params::{Checked, Validate};
use interplay::pid::continuous::{pid_of_data, pid_of_model, DiscretiseOptions, Normalisation};
use interplay::pid::BrojaOptions;
use interplay::{Result, Units};
use ndarray::{Array2, ArrayView2};
use rand::Rng;
use rand_distr::StandardNormal;

fn data(n: usize, seed: u64) -> (Array2<f32>, Array2<f32>, Vec<usize>) {
    let mut rng = interplay::rng::seeded(seed, 7);
    let labels: Vec<usize> = (0..n).map(|i| i % 2).collect();
    let x1 = Array2::from_shape_fn((n, 6), |(i, j)| {
        let centre = if j == 0 { 4.0 * labels[i] as f32 } else { 0.0 };
        centre + 0.3 * rng.sample::<f32, _>(StandardNormal)
    });
    let x2 = Array2::from_shape_fn((n, 4), |_| rng.sample::<f32, _>(StandardNormal));
    (x1, x2, labels)
}

fn options() -> Checked<DiscretiseOptions> {
    DiscretiseOptions {
        normalisation: Normalisation::None,
        pca_components: 2,
        clusters: 4,
        ..DiscretiseOptions::synthetic()
    }
    .validate()
    .unwrap()
}

#[test]
fn a_modality_that_carries_the_label_is_unique_information() {
    let (x1, x2, y) = data(4000, 1);
    let bits = BrojaOptions {
        units: Units::Bits,
        ..BrojaOptions::default()
    }
    .validate()
    .unwrap();
    let r = pid_of_data(x1.view(), x2.view(), &y, &options(), &bits).unwrap();
    let p = &r.pid;
    assert_eq!(r.clusters, [4, 4]);
    assert!(p.unique1 > 0.95, "U1 {}", p.unique1);
    assert!(
        p.redundancy.abs() < 0.02 && p.unique2.abs() < 0.02 && p.synergy < 0.02,
        "{:?}",
        p.atoms()
    );
    // Reproducible from the seed.
    let again = pid_of_data(x1.view(), x2.view(), &y, &options(), &bits).unwrap();
    assert_eq!(again.pid.atoms(), p.atoms());
}

#[test]
fn defaults_follow_the_spec() {
    let real = DiscretiseOptions::default();
    assert_eq!((real.pca_components, real.clusters), (5, 30));
    assert_eq!(real.normalisation, Normalisation::L2Rows);
    let synth = DiscretiseOptions::synthetic();
    assert_eq!((synth.pca_components, synth.clusters), (2, 20));
}

/// Predicts the label from x1 only (sign of its first feature past 2).
struct FirstFeatureModel;

impl Model for FirstFeatureModel {
    fn input_dims(&self) -> Vec<usize> {
        vec![6, 4]
    }
    fn n_classes(&self) -> usize {
        2
    }
    fn output_kind(&self) -> OutputKind {
        OutputKind::Logits
    }
    fn forward(&self, inputs: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
        Ok(Array2::from_shape_fn((inputs[0].nrows(), 2), |(i, c)| {
            let v = inputs[0][[i, 0]] - 2.0;
            if c == 1 {
                v
            } else {
                -v
            }
        }))
    }
}

#[test]
fn pid_of_a_model_uses_its_predictions() {
    let (x1, x2, _) = data(2000, 2);
    let y_random: Vec<usize> = (0..2000).map(|i| (i * 7919 % 13) % 2).collect();
    let bits = BrojaOptions {
        units: Units::Bits,
        ..BrojaOptions::default()
    }
    .validate()
    .unwrap();
    let of_labels = pid_of_data(x1.view(), x2.view(), &y_random, &options(), &bits).unwrap();
    let of_model =
        pid_of_model(x1.view(), x2.view(), &FirstFeatureModel, &options(), &bits).unwrap();
    assert!(of_labels.pid.mi_x1x2_y < 0.05);
    assert!(of_model.pid.unique1 > 0.95, "{:?}", of_model.pid.atoms());
}

#[test]
fn mismatched_rows_are_rejected() {
    let (x1, x2, y) = data(100, 3);
    let r = pid_of_data(
        x1.view(),
        x2.view(),
        &y[..50],
        &options(),
        &BrojaOptions::default().validate().unwrap(),
    );
    assert!(r.is_err_and(|e| e.is_user_input()));
}
