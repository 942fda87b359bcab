//! LSMI speed: the hand-written training step against candle's, fit + estimate on
//! the reference demo file (library and the real binary end to end), and on a
//! generated 100 000-row, 2×64-d, 4-class set (time and peak memory, measured in a
//! child process so the figure is that job's alone).

use candle_core::{DType, Device, Tensor, Var, D};
use interplay::data::{ReadOptions, Split};
use interplay::lsmi::{estimate, LsmiConfig};
use interplay::nn::{softmax_cross_entropy, Activation, Adam, AdamConfig, Mlp, MlpWorkspace};
use interplay::params::Validate;
use interplay::progress::NoProgress;
use interplay::rng::{seeded, stream_id};
use ndarray::Array2;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use std::path::PathBuf;
use std::time::Instant;

const REFERENCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/reference/lsmi_gaussian_seed42.pt"
);

/// µs per training step of a 20→64→64→2 MLP, batch 32, with `interplay::nn`.
fn lean_step_us(steps: usize) -> f64 {
    let mlp = Mlp::new(&[20, 64, 64, 2], Activation::Relu, false).unwrap();
    let mut rng = seeded(1, stream_id("bench"));
    let mut params = mlp.init(&mut rng);
    let x: Vec<f32> = (0..32 * 20).map(|_| rng.gen_range(-1.0..1.0)).collect();
    let y: Vec<usize> = (0..32).map(|_| rng.gen_range(0..2)).collect();
    let mut ws = MlpWorkspace::default();
    let mut grads = vec![0.0; params.len()];
    let mut d = vec![0.0; 64];
    let mut adam = Adam::new(params.len(), AdamConfig::default());
    let start = Instant::now();
    for _ in 0..steps {
        let logits = mlp.forward(&params, &x, 32, &mut ws);
        softmax_cross_entropy(logits, &y, 2, &mut d);
        mlp.backward(&params, &mut ws, &d, &mut grads, None);
        adam.step(&mut params, &grads);
    }
    start.elapsed().as_secs_f64() * 1e6 / steps as f64
}

/// µs per training step of the same network with candle autodiff and candle-nn AdamW
/// (weight decay 0, i.e. Adam): the framework baseline.
fn candle_step_us(steps: usize) -> f64 {
    use candle_nn::Optimizer;
    let dev = Device::Cpu;
    let dims = [20usize, 64, 64, 2];
    let mut vars = Vec::new();
    for w in dims.windows(2) {
        let b = 1.0 / (w[0] as f32).sqrt();
        vars.push(Var::rand(-b, b, (w[1], w[0]), &dev).unwrap());
        vars.push(Var::rand(-b, b, w[1], &dev).unwrap());
    }
    let params = candle_nn::ParamsAdamW {
        lr: 1e-3,
        weight_decay: 0.0,
        ..Default::default()
    };
    let mut opt = candle_nn::AdamW::new(vars.clone(), params).unwrap();
    let x = Tensor::rand(-1f32, 1f32, (32, 20), &dev).unwrap();
    let y = Tensor::zeros(32, DType::U32, &dev).unwrap();
    let start = Instant::now();
    for _ in 0..steps {
        let mut h = x.clone();
        for l in 0..3 {
            h = h
                .matmul(&vars[2 * l].as_tensor().t().unwrap())
                .unwrap()
                .broadcast_add(vars[2 * l + 1].as_tensor())
                .unwrap();
            if l < 2 {
                h = h.relu().unwrap();
            }
        }
        let logp = candle_nn::ops::log_softmax(&h, D::Minus1).unwrap();
        let loss = candle_nn::loss::nll(&logp, &y).unwrap();
        opt.backward_step(&loss).unwrap();
    }
    start.elapsed().as_secs_f64() * 1e6 / steps as f64
}

fn reference_splits() -> Option<(Split, Split)> {
    let data =
        interplay::data::read(std::path::Path::new(REFERENCE), &ReadOptions::default()).ok()?;
    Some((
        data.split("train").ok()?.clone(),
        data.split("val").ok()?.clone(),
    ))
}

/// Class means plus noise in 64 dimensions per modality, 4 classes.
fn big_split(n: usize, seed: u64) -> Split {
    let mut rng = seeded(seed, stream_id("bench-big"));
    let centers: Vec<f32> = (0..2 * 4 * 64).map(|_| rng.gen_range(-0.5..0.5)).collect();
    let y: Vec<usize> = (0..n).map(|_| rng.gen_range(0..4)).collect();
    let mods = (0..2)
        .map(|m| {
            Array2::from_shape_fn((n, 64), |(r, j)| {
                let e: f32 = StandardNormal.sample(&mut rng);
                centers[(m * 4 + y[r]) * 64 + j] + e
            })
        })
        .collect();
    Split::new(mods, Some(y)).unwrap()
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target")));
    target.join("release").join("interplay")
}

fn main() {
    if std::env::var_os("LSMI_BENCH_CHILD").is_some() {
        // Child: the 100 000-row job alone, then its peak memory.
        let all = big_split(120_000, 1);
        let idx: Vec<usize> = (0..120_000).collect();
        let (train, eval) = (all.select(&idx[..100_000]), all.select(&idx[100_000..]));
        drop(all);
        let start = Instant::now();
        let r = estimate(
            &train,
            &eval,
            &LsmiConfig::default().validate().unwrap(),
            &NoProgress,
        )
        .unwrap();
        let secs = start.elapsed().as_secs_f64();
        let a = r.pairs[0].adjusted;
        println!(
            "{secs} {} {:.4} {:.4} {:.4} {:.4}",
            peak_rss_mib(),
            a.redundancy,
            a.uniqueness_1,
            a.uniqueness_2,
            a.synergy
        );
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!("LSMI benchmark (threads: {})", rayon::current_num_threads());
    let lean = lean_step_us(20_000);
    let cand = candle_step_us(2_000);
    println!(
        "training step, 20→64→64→2 MLP, batch 32: interplay::nn {lean:.1} µs, candle {cand:.1} µs, speed-up ×{:.1}",
        cand / lean
    );

    if let Some((train, val)) = reference_splits() {
        let start = Instant::now();
        let r = estimate(
            &train,
            &val,
            &LsmiConfig::default().validate().unwrap(),
            &NoProgress,
        )
        .unwrap();
        let secs = start.elapsed().as_secs_f64();
        // The same fit with candle's step cost: 5 models × 30 epochs × 50 steps.
        let candle_estimate = 5.0 * 30.0 * 50.0 * cand * 1e-6;
        println!(
            "reference file (1600 train / 400 val), library fit + estimate: {secs:.3} s (candle-step equivalent ≈ {candle_estimate:.2} s, ×{:.1}); R = {:.4}",
            candle_estimate / secs,
            r.pairs[0].adjusted.redundancy
        );
        let bin = binary();
        if bin.exists() {
            let out = std::env::temp_dir().join(format!("lsmi-bench-{}.json", std::process::id()));
            let start = Instant::now();
            let status = std::process::Command::new(&bin)
                .args([
                    "--quiet", "lsmi", "--data", REFERENCE, "--prior", "uniform", "--json",
                ])
                .arg(&out)
                .stdout(std::process::Stdio::null())
                .status();
            let secs = start.elapsed().as_secs_f64();
            match status {
                Ok(s) if s.success() => println!(
                    "reference file end to end (`interplay lsmi`, process start to JSON): {secs:.3} s (target ≤ 0.25 s; original 3.6–4.9 s → ×{:.0}–{:.0})",
                    3.6 / secs,
                    4.9 / secs
                ),
                other => println!("`interplay lsmi` failed: {other:?}"),
            }
            let _ = std::fs::remove_file(out);
        } else {
            println!(
                "(binary {} not built: skipping the end-to-end figure)",
                bin.display()
            );
        }
    } else {
        println!("(reference file not found: skipping)");
    }

    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .env("LSMI_BENCH_CHILD", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    if f.len() == 6 {
        println!(
            "generated set (100 000 train + 20 000 eval rows, 2×64-d, 4 classes): {} s (target ≤ 60 s), peak memory {} MiB (target ≤ 1024); R U1 U2 S = {} {} {} {}",
            f[0], f[1], f[2], f[3], f[4], f[5]
        );
    } else {
        println!(
            "generated-set child failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
