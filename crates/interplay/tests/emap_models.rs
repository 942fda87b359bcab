//! EMAP on models whose answer is known: an additive model is its own additive
//! projection (gap 0); an XOR model loses everything in projection.

use crate::toy_models;
use interplay::shard::ShardResult;
use toy_models::SignXor;

use interplay::emap::{emap, EmapOptions};
use interplay::model::{Model, OutputKind};
use interplay::params::Validate;
use interplay::progress::NoProgress;
use interplay::Result;
use ndarray::{Array2, ArrayView2};
use rand::Rng;

/// Logits c = W1·x1 + W2·x2 + b, fixed weights.
struct Additive;

impl Model for Additive {
    fn input_dims(&self) -> Vec<usize> {
        vec![2, 3]
    }
    fn n_classes(&self) -> usize {
        3
    }
    fn output_kind(&self) -> OutputKind {
        OutputKind::Logits
    }
    fn forward(&self, x: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
        let w1 = ndarray::array![[1.0f32, -0.5, 0.2], [0.3, 0.8, -1.0]];
        let w2 = ndarray::array![[0.5f32, 0.1, -0.3], [-0.2, 0.6, 0.4], [0.9, -0.7, 0.1]];
        Ok(x[0].dot(&w1) + x[1].dot(&w2) + &ndarray::array![0.1f32, 0.0, -0.1])
    }
}

fn gaussian(n: usize, d: usize, stream: u64) -> Array2<f32> {
    let mut rng = interplay::rng::seeded(5, stream);
    Array2::from_shape_fn((n, d), |_| rng.gen_range(-1.0f32..1.0))
}

#[test]
fn an_additive_model_is_its_own_projection() {
    let (x1, x2) = (gaussian(150, 2, 1), gaussian(150, 3, 2));
    let f = Additive.forward(&[x1.view(), x2.view()]).unwrap();
    let labels: Vec<usize> = f
        .rows()
        .into_iter()
        .map(|r| (0..3).max_by(|&a, &b| r[a].total_cmp(&r[b])).unwrap())
        .collect();
    let r = emap(
        &Additive,
        x1.view(),
        x2.view(),
        &labels,
        &EmapOptions::default().validate().unwrap(),
        &NoProgress,
    )
    .unwrap();
    let max_diff = (&r.scores - &r.projected)
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(max_diff < 1e-5, "projection differs by {max_diff}");
    assert_eq!(r.accuracy, 1.0);
    assert_eq!(r.accuracy_gap, 0.0);
    assert_eq!(r.macro_f1_gap, 0.0);
}

#[test]
fn an_xor_model_loses_half_its_accuracy() {
    let (x1, x2) = (gaussian(200, 1, 3), gaussian(200, 1, 4));
    let labels: Vec<usize> = (0..200)
        .map(|i| usize::from(x1[[i, 0]] * x2[[i, 0]] > 0.0))
        .collect();
    let r = emap(
        &SignXor,
        x1.view(),
        x2.view(),
        &labels,
        &EmapOptions::default().validate().unwrap(),
        &NoProgress,
    )
    .unwrap();
    assert_eq!(r.accuracy, 1.0);
    assert!(r.accuracy_gap > 0.3, "gap {}", r.accuracy_gap);
    assert!(r.macro_f1_gap > 0.3, "F1 gap {}", r.macro_f1_gap);
}

#[test]
fn subsampling_is_seeded_and_batching_does_not_change_the_result() {
    let (x1, x2) = (gaussian(120, 1, 5), gaussian(120, 1, 6));
    let labels: Vec<usize> = (0..120)
        .map(|i| usize::from(x1[[i, 0]] * x2[[i, 0]] > 0.0))
        .collect();
    let opts = EmapOptions {
        subsample: Some(50),
        seed: 3,
        batch_rows: 100,
    }
    .validate()
    .unwrap();
    let a = emap(&SignXor, x1.view(), x2.view(), &labels, &opts, &NoProgress).unwrap();
    let b = emap(
        &SignXor,
        x1.view(),
        x2.view(),
        &labels,
        &EmapOptions {
            batch_rows: 10_000,
            ..opts.into_inner()
        }
        .validate()
        .unwrap(),
        &NoProgress,
    )
    .unwrap();
    assert_eq!(a.n_samples, 50);
    assert_eq!(a.sample_indices, b.sample_indices);
    assert_eq!(a.projected, b.projected);
}

/// Strips of the score matrix, through JSON, merge into the single run: the
/// projected scores within 1e-12 (column sums are added strip by strip), the
/// metrics and the bootstrap intervals equal; a part whose arrays do not fit
/// its counts, or from another model, is refused.
#[test]
fn emap_strips_merge_into_the_single_run() {
    use interplay::emap::{emap_shard, emap_with_intervals, merge, EmapPartial};
    use interplay::shard::Shard;
    use interplay::uncertainty::UncertaintyConfig;
    let n = 29;
    let (x1, x2) = (gaussian(n, 2, 7), gaussian(n, 3, 8));
    let labels: Vec<usize> = (0..n).map(|i| i % 3).collect();
    // Small blocks, so that strips and blocks cut the rows differently.
    let options = EmapOptions {
        batch_rows: 64,
        ..EmapOptions::default()
    }
    .validate()
    .unwrap();
    let uncertainty = UncertaintyConfig {
        level: 0.9,
        replicates: 120,
    }
    .validate()
    .unwrap();
    let (v1, v2) = (x1.view(), x2.view());
    let single = emap_with_intervals(
        &Additive,
        v1,
        v2,
        &labels,
        &options,
        &uncertainty,
        &NoProgress,
    )
    .unwrap();
    let shard = |model: &dyn Model, i, count| {
        let s = Shard::new(i, count).unwrap();
        let p = emap_shard(
            model,
            v1,
            v2,
            &labels,
            &options,
            &uncertainty,
            s,
            &NoProgress,
        );
        EmapPartial::from_json(p.unwrap().to_json().unwrap().as_bytes(), "part").unwrap()
    };
    for count in [1, 2, 5, 29] {
        let parts: Vec<EmapPartial> = (0..count).map(|i| shard(&Additive, i, count)).collect();
        let (merged, _) = merge(&parts).unwrap();
        let diff = (&merged.projected - &single.projected)
            .iter()
            .fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(diff <= 1e-12, "{count} strips: {diff}");
        assert_eq!(merged.scores, single.scores);
        assert_eq!(merged.macro_f1_emap, single.macro_f1_emap);
        assert_eq!(merged.intervals, single.intervals, "{count} strips");
    }
    let (a, b) = (shard(&Additive, 0, 2), shard(&Additive, 1, 2));
    let mut short = b.clone();
    short.col_sums.pop();
    assert!(merge(&[a.clone(), short]).is_err());
    let other = shard(&Doubled, 1, 2);
    let e = merge(&[a.clone(), other]).unwrap_err().to_string();
    assert!(e.contains("model"), "{e}");
    assert!(merge(&[a, b]).is_ok());
}

/// [`Additive`]'s logits doubled: another model of the same shape.
struct Doubled;

impl Model for Doubled {
    fn input_dims(&self) -> Vec<usize> {
        Additive.input_dims()
    }
    fn n_classes(&self) -> usize {
        3
    }
    fn output_kind(&self) -> OutputKind {
        OutputKind::Logits
    }
    fn forward(&self, x: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
        Ok(Additive.forward(x)? * 2.0)
    }
}
