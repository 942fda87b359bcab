//! SHAPE on models whose answer is known.

use crate::toy_models;
use interplay::shard::ShardResult;
use toy_models::SignXor;

use interplay::model::{Model, OutputKind};
use interplay::shape::{shape, shape_output, ShapeMetric};
use interplay::Result;
use ndarray::{Array2, ArrayView2};
use rand::Rng;

/// Probabilities additive in the two modalities: p1 = 0.5 + 0.2·tanh(x1) + 0.2·tanh(x2).
struct AdditiveProbabilities;

impl Model for AdditiveProbabilities {
    fn input_dims(&self) -> Vec<usize> {
        vec![1, 1]
    }
    fn n_classes(&self) -> usize {
        2
    }
    fn output_kind(&self) -> OutputKind {
        OutputKind::Probabilities
    }
    fn forward(&self, x: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
        Ok(Array2::from_shape_fn((x[0].nrows(), 2), |(i, c)| {
            let p1 = 0.5 + 0.2 * x[0][[i, 0]].tanh() + 0.2 * x[1][[i, 0]].tanh();
            if c == 1 {
                p1
            } else {
                1.0 - p1
            }
        }))
    }
}

fn uniform(n: usize, stream: u64) -> Array2<f32> {
    let mut rng = interplay::rng::seeded(11, stream);
    Array2::from_shape_fn((n, 1), |_| rng.gen_range(-1.0f32..1.0))
}

#[test]
fn an_additive_model_has_no_cross_modal_output_share() {
    let (x1, x2) = (uniform(80, 1), uniform(80, 2));
    let (b1, b2) = (uniform(40, 3), uniform(40, 4));
    let r = shape_output(
        &AdditiveProbabilities,
        &[x1.view(), x2.view()],
        &[b1.view(), b2.view()],
    )
    .unwrap();
    assert!(r.total_effect.abs() > 0.01);
    assert!(r.cross_modal.abs() < 1e-6, "cross-modal {}", r.cross_modal);
    assert!(r.cross_modal_ratio.abs() < 1e-4);
    let sum: f64 = r.single_effects.iter().sum();
    assert!((sum - r.total_effect).abs() < 1e-6);
}

#[test]
fn an_xor_model_is_all_cross_modal() {
    let (x1, x2) = (uniform(200, 5), uniform(200, 6));
    let labels: Vec<usize> = (0..200)
        .map(|i| usize::from(x1[[i, 0]] * x2[[i, 0]] > 0.0))
        .collect();
    let r = shape(
        &SignXor,
        &[x1.view(), x2.view()],
        &labels,
        ShapeMetric::MacroF1,
    )
    .unwrap();
    assert_eq!(r.full, 1.0);
    // With either modality zeroed the logits tie and the model predicts class 0,
    // which scores like the base predictor at best.
    assert!(r.cross_modal > 0.5, "{r:?}");
    let acc = shape(
        &SignXor,
        &[x1.view(), x2.view()],
        &labels,
        ShapeMetric::Accuracy,
    )
    .unwrap();
    assert!(acc.cross_modal > 0.3, "{acc:?}");
    let (b1, b2) = (uniform(50, 7), uniform(50, 8));
    let out = shape_output(&SignXor, &[x1.view(), x2.view()], &[b1.view(), b2.view()]).unwrap();
    assert!(out.cross_modal_ratio > 0.5, "{out:?}");
}

#[test]
fn wrong_widths_are_rejected() {
    let x = uniform(10, 9);
    let wide = Array2::<f32>::zeros((10, 3));
    let r = shape(
        &SignXor,
        &[x.view(), wide.view()],
        &[0; 10],
        ShapeMetric::MacroF1,
    );
    assert!(r.is_err_and(|e| e.is_user_input()));
}

/// Shards through JSON merge into exactly `shape` + `shape_output` +
/// `shape_intervals` on all rows; a part claiming a class the model lacks (the
/// metrics would size tables by it) or missing a row is refused.
#[test]
fn shape_shards_merge_into_the_single_run() {
    use interplay::data::Split;
    use interplay::params::Validate;
    use interplay::shape::{merge, shape_intervals, shape_shard, ShapePartial, ShapeSettings};
    use interplay::shard::Shard;
    use interplay::uncertainty::UncertaintyConfig;
    let n = 37;
    let (x1, x2) = (uniform(n, 5), uniform(n, 6));
    let labels: Vec<usize> = (0..n)
        .map(|i| usize::from(x1[[i, 0]] + x2[[i, 0]] > 0.1))
        .collect();
    let split = Split::new(vec![x1.clone(), x2.clone()], Some(labels.clone())).unwrap();
    let background = Split::new(vec![uniform(9, 7), uniform(9, 8)], None).unwrap();
    let uncertainty = UncertaintyConfig {
        level: 0.9,
        replicates: 150,
    };
    let settings = ShapeSettings {
        metric: "macro-f1".into(),
        seed: 3,
        uncertainty,
        background_split: "bg".into(),
    };
    let model = AdditiveProbabilities;
    let views = [x1.view(), x2.view()];
    let perf = shape(&model, &views, &labels, ShapeMetric::MacroF1).unwrap();
    let out = shape_output(&model, &views, &background.views()).unwrap();
    let checked = uncertainty.validate().unwrap();
    let intervals = shape_intervals(&perf, &out, &labels, &checked, 3).unwrap();
    for count in [1, 2, 5, 37] {
        let parts: Vec<ShapePartial> = (0..count)
            .map(|i| {
                let s = Shard::new(i, count).unwrap();
                let p = shape_shard(&model, &split, &background, &settings, s).unwrap();
                ShapePartial::from_json(p.to_json().unwrap().as_bytes(), "part").unwrap()
            })
            .collect();
        let merged = merge(&parts).unwrap();
        assert_eq!(merged.performance.cross_modal, perf.cross_modal, "{count}");
        assert_eq!(merged.performance.predictions, perf.predictions);
        assert_eq!(merged.output.row_cross, out.row_cross);
        assert_eq!(merged.output.cross_modal_ratio, out.cross_modal_ratio);
        assert_eq!(merged.intervals, intervals, "{count}");
    }
    let part = |i| {
        shape_shard(
            &model,
            &split,
            &background,
            &settings,
            Shard::new(i, 2).unwrap(),
        )
    };
    let (a, b) = (part(0).unwrap(), part(1).unwrap());
    let mut lying = b.clone();
    lying.predictions[0] = usize::MAX;
    assert!(merge(&[a.clone(), lying]).is_err());
    let mut short = b.clone();
    short.singles[1].pop();
    assert!(merge(&[a.clone(), short]).is_err());
    assert!(merge(&[a, b]).is_ok());
    assert!(shape_shard(
        &model,
        &split,
        &background,
        &settings,
        Shard::new(0, 38).unwrap()
    )
    .is_err());
}
