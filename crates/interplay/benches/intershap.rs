//! InterSHAP masking throughput: model rows per second through the masked,
//! batched coalition path against plain forward passes of the same model over the
//! same number of rows (same batch size, same parallelism). Target ratio ≥ 0.8.
//! 2 000 samples, B = 100 background rows, 2 and 4 modalities, early-fusion nets.

use interplay::intershap::masking::{coalition_means, MaskedInputs};
use interplay::intershap::{Masking, Space};
use interplay::model::fusion::{Fusion, FusionNet};
use interplay::model::Model;
use interplay::progress::NoProgress;
use ndarray::{Array2, ArrayView2};
use rand::Rng;
use rayon::prelude::*;
use std::time::Instant;

fn random(rows: usize, cols: usize, rng: &mut impl Rng) -> Array2<f32> {
    Array2::from_shape_fn((rows, cols), |_| rng.gen_range(-1.0f32..1.0))
}

fn main() {
    let n = 2000;
    let b = 100;
    let batch = 8192;
    println!(
        "InterSHAP masking throughput (n = {n}, B = {b}, batch = {batch}, {} threads)",
        rayon::current_num_threads()
    );
    for dims in [vec![200usize, 100], vec![50, 50, 50, 50]] {
        let m = dims.len();
        let mut rng = interplay::rng::seeded(1, 2);
        let net = FusionNet::random(Fusion::Early, &dims, 2, 3).expect("network");
        let x: Vec<Array2<f32>> = dims.iter().map(|&d| random(n, d, &mut rng)).collect();
        let bg: Vec<Array2<f32>> = dims.iter().map(|&d| random(b, d, &mut rng)).collect();
        let masks: Vec<u64> = (1..(1u64 << m) - 1).collect();
        let rows = n * masks.len() * b;
        let data = MaskedInputs {
            inputs: &x,
            background: &bg,
            masking: Masking::Mean,
            space: Space::Probability,
            seed: 0,
            batch_size: batch,
            first_row: 0,
        };
        // Warm-up, then timed masked path.
        let _ = coalition_means(&net, &data, &masks[..1], &NoProgress).expect("masked");
        let t = Instant::now();
        let v = coalition_means(&net, &data, &masks, &NoProgress).expect("masked");
        let masked = t.elapsed().as_secs_f64();
        assert_eq!(v.dim(), (n, masks.len(), 2));
        // Plain forward passes over the same number of rows.
        let fixed: Vec<Array2<f32>> = dims.iter().map(|&d| random(batch, d, &mut rng)).collect();
        let n_batches = rows.div_ceil(batch);
        let t = Instant::now();
        let checksum: f64 = (0..n_batches)
            .into_par_iter()
            .map(|i| {
                let len = (rows - i * batch).min(batch);
                let views: Vec<ArrayView2<f32>> = fixed
                    .iter()
                    .map(|a| a.slice(ndarray::s![..len, ..]))
                    .collect();
                let out = interplay::model::probabilities(
                    net.output_kind(),
                    net.forward(&views).expect("forward"),
                );
                f64::from(out[[0, 0]])
            })
            .sum();
        let plain = t.elapsed().as_secs_f64();
        println!(
            "M = {m}: {rows} rows; masked {:.0} rows/s ({masked:.2} s), plain forward {:.0} rows/s ({plain:.2} s); ratio {:.2} (target ≥ 0.8) [checksum {checksum:.1}]",
            rows as f64 / masked,
            rows as f64 / plain,
            plain / masked
        );
    }
}
