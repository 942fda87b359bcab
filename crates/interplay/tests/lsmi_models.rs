//! Fitted LSMI models: saved and loaded they score bit for bit as before; shards
//! scored with them merge into exactly the single run; a models file or partial
//! that does not say what it holds is refused before anything is built from it.

use interplay::data::Split;
use interplay::knife::KnifeConfig;
use interplay::lsmi::{
    estimate, merge, score_shard, FittedLsmi, LsmiConfig, LsmiPartial, ScoreSettings,
};
use interplay::nn::ClassifierTraining;
use interplay::params::{Checked, Validate};
use interplay::progress::NoProgress;
use interplay::rng::{seeded, stream_id};
use interplay::shard::Shard;
use interplay::shard::ShardResult;
use interplay::uncertainty::UncertaintyConfig;
use interplay::Units;
use ndarray::Array2;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use safetensors::tensor::{SafeTensors, TensorView};
use std::collections::HashMap;

/// Modalities of widths 3, 2, 2; the first two see the label.
fn data(n: usize, seed: u64) -> Split {
    let mut rng = seeded(seed, stream_id("lsmi-models-test"));
    let y: Vec<usize> = (0..n).map(|_| rng.gen_range(0..3)).collect();
    let mods = [3usize, 2, 2]
        .iter()
        .enumerate()
        .map(|(m, &d)| {
            Array2::from_shape_fn((n, d), |(r, j)| {
                let e: f64 = StandardNormal.sample(&mut rng);
                let signal = if m < 2 && j == y[r] % d { 1.0 } else { 0.0 };
                (signal + 0.7 * e) as f32
            })
        })
        .collect();
    Split::new(mods, Some(y)).unwrap()
}

fn config() -> Checked<LsmiConfig> {
    LsmiConfig {
        seed: 9,
        discriminator: ClassifierTraining {
            epochs: 5,
            ..ClassifierTraining::default()
        },
        knife: KnifeConfig {
            epochs: 4,
            ..KnifeConfig::default()
        },
        ..LsmiConfig::default()
    }
    .validate()
    .unwrap()
}

fn fitted() -> (FittedLsmi, Split, Split) {
    let (train, val) = (data(300, 1), data(101, 2));
    let f = FittedLsmi::fit_for(&train, &val, &config(), &NoProgress).unwrap();
    (f, train, val)
}

fn settings() -> ScoreSettings {
    ScoreSettings {
        adjust: true,
        uncertainty: UncertaintyConfig {
            level: 0.9,
            replicates: 200,
        },
        units: Units::Bits,
        evaluated: "val".into(),
    }
}

#[test]
fn fitted_models_score_as_estimate_and_survive_a_file() {
    let (f, train, val) = fitted();
    let direct = estimate(&train, &val, &config(), &NoProgress).unwrap();
    assert_eq!(f.score(&val, true).unwrap(), direct);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.safetensors");
    f.save(&path).unwrap();
    let loaded = FittedLsmi::load(&path).unwrap();
    assert_eq!(loaded.fingerprint(), f.fingerprint());
    assert_eq!(loaded.config(), f.config());
    assert_eq!(loaded.dims(), [3, 2, 2]);
    assert_eq!(loaded.score(&val, true).unwrap(), direct);
    assert_eq!(
        loaded.score(&train, false).unwrap(),
        f.score(&train, false).unwrap()
    );
}

#[test]
fn merged_shards_equal_scoring_every_row_at_once() {
    let (f, _, val) = fitted();
    let s = settings();
    let single = f.score(&val, s.adjust).unwrap();
    let single_report = interplay::report::LsmiReport::new(
        std::slice::from_ref(&single),
        &LsmiConfig {
            adjust: s.adjust,
            ..*f.config()
        },
        &s.uncertainty,
        None,
        "val",
        s.units,
    )
    .unwrap();
    for count in [1, 2, 3, 7, 101] {
        let mut parts: Vec<LsmiPartial> = (0..count)
            .map(|i| score_shard(&f, &val, Shard::new(i, count).unwrap(), &s).unwrap())
            .collect();
        parts.reverse();
        // Through JSON, as the parts travel between processes.
        let parts: Vec<LsmiPartial> = parts
            .iter()
            .map(|p| LsmiPartial::from_json(p.to_json().unwrap().as_bytes(), "part").unwrap())
            .collect();
        let merged = merge(&parts).unwrap();
        assert_eq!(merged.result, single, "{count} shards");
        assert_eq!(merged.report().unwrap(), single_report, "{count} shards");
    }
    assert!(score_shard(&f, &val, Shard::new(0, 102).unwrap(), &s).is_err());
}

#[test]
fn malformed_partials_are_refused() {
    let (f, _, val) = fitted();
    let part = |i| score_shard(&f, &val, Shard::new(i, 2).unwrap(), &settings()).unwrap();
    let (a, b) = (part(0), part(1));
    let mut short = b.clone();
    short.entropy[1].pop();
    let e = merge(&[a.clone(), short]).unwrap_err().to_string();
    assert!(e.contains("rows"), "{e}");
    let mut moved = b.clone();
    moved.first_row += 1;
    assert!(merge(&[a.clone(), moved]).is_err());
    let mut other = b.clone();
    other.models = "0".repeat(16);
    let e = merge(&[a.clone(), other]).unwrap_err().to_string();
    assert!(e.contains("models"), "{e}");
    let text = a.to_json().unwrap().replace("interplay-lsmi-partial", "x");
    assert!(LsmiPartial::from_json(text.as_bytes(), "p.json").is_err());
    assert!(merge(std::slice::from_ref(&a))
        .unwrap_err()
        .to_string()
        .contains("1/2"));
    assert!(merge(&[a, b]).is_ok());
}

/// The file's tensors and metadata, to rewrite with changes.
fn rewrite(
    bytes: &[u8],
    edit_meta: impl Fn(&mut HashMap<String, String>),
    edit: impl Fn(&str, &mut Vec<u8>) -> bool,
) -> Vec<u8> {
    let (_, header) = SafeTensors::read_metadata(bytes).unwrap();
    let mut meta = header.metadata().clone().unwrap();
    edit_meta(&mut meta);
    let file = SafeTensors::deserialize(bytes).unwrap();
    let kept: Vec<(String, safetensors::Dtype, Vec<usize>, Vec<u8>)> = file
        .tensors()
        .into_iter()
        .filter_map(|(name, t)| {
            let mut data = t.data().to_vec();
            edit(&name, &mut data).then(|| (name, t.dtype(), t.shape().to_vec(), data))
        })
        .collect();
    let views: Vec<(String, TensorView)> = kept
        .iter()
        .map(|(n, dt, shape, d)| (n.clone(), TensorView::new(*dt, shape.clone(), d).unwrap()))
        .collect();
    safetensors::serialize(views, Some(meta)).unwrap()
}

#[test]
fn models_files_that_lie_are_refused_before_building() {
    let (f, _, _) = fitted();
    let good = f.to_bytes().unwrap();
    assert!(FittedLsmi::from_bytes(&good).is_ok());
    let keep = |_: &str, _: &mut Vec<u8>| true;
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            rewrite(
                &good,
                |m| {
                    m.insert("dims".into(), "[16777216, 2, 2]".into());
                },
                keep,
            ),
            "classifier.0",
        ),
        (
            rewrite(
                &good,
                |m| {
                    m.insert("dims".into(), "[99999999999, 2, 2]".into());
                },
                keep,
            ),
            "width",
        ),
        (
            rewrite(
                &good,
                |m| {
                    m.insert("n_classes".into(), "1".into());
                },
                keep,
            ),
            "n_classes",
        ),
        (
            rewrite(
                &good,
                |m| {
                    m.remove("config");
                },
                keep,
            ),
            "config",
        ),
        (
            rewrite(
                &good,
                |m| {
                    m.insert("interplay_model".into(), "fusion".into());
                },
                keep,
            ),
            "not an interplay LSMI models file",
        ),
        (rewrite(&good, |_| {}, |n, _| n != "knife.1"), "knife.1"),
        (
            rewrite(
                &good,
                |_| {},
                |n, d| {
                    if n == "classifier.0-2" {
                        d[..4].copy_from_slice(&f32::NAN.to_le_bytes());
                    }
                    true
                },
            ),
            "classifier.0-2",
        ),
        (b"not a safetensors file".to_vec(), "safetensors"),
    ];
    for (bytes, expected) in cases {
        let e = FittedLsmi::from_bytes(&bytes).unwrap_err();
        assert!(e.contains(expected), "expected '{expected}' in: {e}");
    }
}
