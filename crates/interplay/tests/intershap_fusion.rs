//! Built-in fusion networks: architectures, safetensors round trip, training on
//! HD-XOR-like synergy data, and InterSHAP of the trained model (wide bounds; the
//! paper-scale figures come from `interplay experiment intershap-hdxor`, docs/experiments.md).

use crate::common;

use common::{hdxor_like, hdxor_pair, Setting};
use interplay::intershap::{explain, InterShapConfig};
use interplay::model::fusion::{
    load_fusion, save_fusion, train_fusion, Fusion, FusionNet, FusionTraining,
};
use interplay::model::{load, LoadOptions, Model};
use interplay::params::Validate;
use interplay::progress::NoProgress;

#[test]
fn architectures_have_the_papers_parameter_counts() {
    // D = 300: early 300→150→75→2.
    let early = FusionNet::random(Fusion::Early, &[200, 100], 2, 0).unwrap();
    assert_eq!(
        early.n_params(),
        300 * 150 + 150 + 150 * 75 + 75 + 75 * 2 + 2
    );
    // intermediate: 200→100, 100→50; concat 150 → 75 → 2.
    let mid = FusionNet::random(Fusion::Intermediate, &[200, 100], 2, 0).unwrap();
    assert_eq!(
        mid.n_params(),
        200 * 100 + 100 + 100 * 50 + 50 + 150 * 75 + 75 + 75 * 2 + 2
    );
    // late: 200→100→50, 100→50→25; concat 75 → 2.
    let late = FusionNet::random(Fusion::Late, &[200, 100], 2, 0).unwrap();
    assert_eq!(
        late.n_params(),
        200 * 100 + 100 + 100 * 50 + 50 + 100 * 50 + 50 + 50 * 25 + 25 + 75 * 2 + 2
    );
}

#[test]
fn safetensors_round_trip_keeps_outputs() {
    let data = hdxor_like(Setting::Synergy, 50, 16, [12, 8], 1);
    let dir = tempfile::tempdir().unwrap();
    for fusion in [Fusion::Early, Fusion::Intermediate, Fusion::Late] {
        let net = FusionNet::random(fusion, &[12, 8], 2, 5).unwrap();
        let path = dir.path().join(format!("{}.safetensors", fusion.name()));
        save_fusion(&net, &path, &[("note".into(), "test".into())]).unwrap();
        let back = load(&path, &[12, 8], &LoadOptions::default()).unwrap();
        let a = net.forward(&data.views()).unwrap();
        let b = back.forward(&data.views()).unwrap();
        assert_eq!(a, b, "{}", fusion.name());
        assert_eq!(load_fusion(&path).unwrap(), net);
    }
    let bad = dir.path().join("bad.safetensors");
    std::fs::write(&bad, b"not a model").unwrap();
    let err = load(&bad, &[12, 8], &LoadOptions::default()).err().unwrap();
    assert!(err.is_user_input(), "{err}");
}

#[test]
fn trained_early_fusion_on_synergy_data_is_mostly_interaction() {
    let (train, val) = hdxor_pair(Setting::Synergy, 3000, 600, 100, [100, 50], 11);
    let config = FusionTraining {
        epochs: 60,
        batch_size: 100,
        lr: 1e-3,
        seed: 1,
        ..FusionTraining::default()
    }
    .validate()
    .unwrap();
    let (net, report) = train_fusion(Fusion::Early, &train, &val, 2, &config, &NoProgress).unwrap();
    assert_eq!(report.train_loss.len(), 60);
    assert!(report.train_loss[59] < report.train_loss[0]);
    assert!(
        report.val_accuracy > 0.7,
        "val accuracy {}",
        report.val_accuracy
    );
    let cfg = InterShapConfig {
        samples: Some(300),
        seed: 2,
        ..InterShapConfig::default()
    }
    .validate()
    .unwrap();
    let r = explain(&net, &val, &train, &cfg, &NoProgress).unwrap();
    let g = r.explanations[0].global_percent();
    assert!(
        g > 60.0,
        "global InterSHAP {g:.1} % on synergy (paper ≈ 98 %)"
    );
}

/// The paper-scale experiment (not run in CI: `cargo test --release --workspace
/// intershap_fusion:: -- --ignored --nocapture`): 20 000 HD-XOR-like samples, latent
/// 200, widths (200, 100), 70/15/15 split, paper training settings, 3 seeds.
/// Paper: synergy 98.0 ± 0.5 %, uniqueness (modality 1) 0.2 ± 0.1 %; with
/// `FCNN_SETTINGS=redundancy,random`: redundancy 38.6 ± 0.5 %, random 57.8 ± 1.1 %.
/// Measured (seeds 0–2): synergy 98.18 / 97.60 / 98.20 (mean 97.99 %), uniqueness
/// 0.41 / 0.40 / 0.35 (0.39 %), redundancy 38.28 / 30.65 / 36.85 (35.26 %), random
/// 58.68 / 33.00 / 46.15 (45.94 %; seed 1 selected epoch 1, an untrained net).
#[test]
#[ignore]
fn paper_scale_fcnn_experiment() {
    let epochs: usize = std::env::var("FCNN_EPOCHS")
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(200);
    let settings: Vec<Setting> = match std::env::var("FCNN_SETTINGS").as_deref() {
        Ok("redundancy,random") => vec![Setting::Redundancy, Setting::Random],
        _ => vec![Setting::Synergy, Setting::Uniqueness1],
    };
    for setting in settings {
        let mut scores = Vec::new();
        for seed in 0..3u64 {
            let all = hdxor_like(setting, 20_000, 200, [200, 100], 100 + seed);
            let idx = |lo: usize, hi: usize| (lo..hi).collect::<Vec<_>>();
            let (train, val, test) = (
                all.select(&idx(0, 14_000)),
                all.select(&idx(14_000, 17_000)),
                all.select(&idx(17_000, 20_000)),
            );
            let config = FusionTraining {
                epochs,
                seed,
                ..FusionTraining::default()
            }
            .validate()
            .unwrap();
            let (net, report) =
                train_fusion(Fusion::Early, &train, &val, 2, &config, &NoProgress).unwrap();
            let cfg = InterShapConfig {
                seed,
                ..InterShapConfig::default()
            }
            .validate()
            .unwrap();
            let g = explain(&net, &test, &train, &cfg, &NoProgress)
                .unwrap()
                .explanations[0]
                .global_percent();
            eprintln!(
                "{setting:?} seed {seed}: val acc {:.3}, best epoch {}, global InterSHAP {g:.2} %",
                report.val_accuracy, report.best_epoch
            );
            scores.push(g);
        }
        let mean = scores.iter().sum::<f64>() / 3.0;
        eprintln!("{setting:?}: mean {mean:.2} % over 3 seeds ({scores:?})");
    }
}
