//! The paper's HD-XOR experiment: train early-fusion FCNNs on each HD-XOR setting
//! (2 modalities) for several seeds and report global InterSHAP on the test split.
//! Paper (percent): uniqueness 0.2 / 3.1, synergy 98.0, redundancy 38.6, random 57.8.
//!
//! cargo run --release --example intershap_fcnn -- [EPOCHS] [SEEDS] [N_SAMPLES] [SETTINGS,...]
//! (defaults: 200 epochs, 3 seeds, 20 000 samples, every setting)

use interplay::intershap::{explain, InterShapConfig};
use interplay::model::fusion::{train_fusion, Fusion, FusionTraining};
use interplay::params::Validate;
use interplay::progress::NoProgress;
use interplay::synth::hdxor::{generate, HdXorConfig, HdXorSetting};
use std::time::Instant;

fn main() -> interplay::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let epochs: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(200);
    let seeds: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3);
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let settings: Vec<String> = args.get(3).map_or_else(
        || {
            [
                "uniqueness1",
                "uniqueness2",
                "synergy",
                "redundancy",
                "random",
            ]
            .map(String::from)
            .to_vec()
        },
        |s| s.split(',').map(String::from).collect(),
    );
    println!("HD-XOR, 2 modalities, early fusion: {epochs} epochs, {seeds} seeds, {n} samples");
    println!("setting       seed  val acc  val F1   best ep  InterSHAP %   seconds");
    for name in &settings {
        let setting = HdXorSetting::parse(name)?;
        let mut scores = Vec::new();
        for seed in 0..seeds {
            let start = Instant::now();
            let config = HdXorConfig {
                n_samples: n,
                ..HdXorConfig::new(setting, 2)
            }
            .validate()?;
            let data = generate(&config, seed)?.dataset;
            let (train, val, test) = (
                data.split("train")?,
                data.split("val")?,
                data.split("test")?,
            );
            let training = FusionTraining {
                epochs,
                seed,
                ..FusionTraining::default()
            }
            .validate()?;
            let (net, report) = train_fusion(Fusion::Early, train, val, 2, &training, &NoProgress)?;
            let cfg = InterShapConfig {
                seed,
                ..InterShapConfig::default()
            }
            .validate()?;
            let r = explain(&net, test, train, &cfg, &NoProgress)?;
            let g = r.explanations[0].global_percent();
            scores.push(g);
            println!(
                "{name:<13} {seed:>4}  {:.4}   {:.4}   {:>7}  {g:>10.2}   {:>7.1}",
                report.val_accuracy,
                report.val_macro_f1,
                report.best_epoch,
                start.elapsed().as_secs_f64()
            );
        }
        let mean = scores.iter().sum::<f64>() / scores.len() as f64;
        let sd = (scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>()
            / (scores.len().max(2) - 1) as f64)
            .sqrt();
        println!("{name:<13} mean InterSHAP {mean:.2} % ± {sd:.2}");
    }
    Ok(())
}
