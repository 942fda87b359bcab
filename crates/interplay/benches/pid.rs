//! BROJA speed and accuracy: the Newton solver against the Clarabel oracle on
//! random joints, both timed in the same run. The reference point from the spec:
//! cvxpy + Clarabel needs 0.18 s on a 20×20×2 joint (target: ≤ 18 ms).

use std::time::{Duration, Instant};

use interplay::discrete::JointTable;
use interplay::params::Validate;
use interplay::pid::{broja, BrojaOptions, BrojaSolver, PidResult};
use interplay::Units;
use rand::Rng;

fn random_joint(shape: [usize; 3], seed: u64) -> JointTable {
    let mut rng = interplay::rng::seeded(seed, interplay::rng::stream_id("pid-bench"));
    let n: usize = shape.iter().product();
    let p: Vec<f64> = (0..n).map(|_| rng.gen::<f64>()).collect();
    JointTable::new(shape, p).expect("valid random joint")
}

/// A histogram of `samples` draws from a random joint: sparse, like the
/// cluster histograms of continuous PID.
fn histogram_joint(shape: [usize; 3], samples: usize, seed: u64) -> JointTable {
    let dense = random_joint(shape, seed);
    let p = dense.probabilities();
    let mut rng = interplay::rng::seeded(seed, interplay::rng::stream_id("pid-bench-hist"));
    let mut counts = vec![0.0; p.len()];
    for _ in 0..samples {
        let mut u = rng.gen::<f64>();
        let mut k = p.len() - 1;
        for (i, &v) in p.iter().enumerate() {
            if u < v {
                k = i;
                break;
            }
            u -= v;
        }
        counts[k] += 1.0;
    }
    JointTable::new(shape, counts).expect("valid histogram")
}

fn time(p: &JointTable, solver: BrojaSolver, min_runs: usize) -> (Duration, PidResult) {
    let opts = BrojaOptions {
        solver,
        units: Units::Bits,
        ..BrojaOptions::default()
    };
    let mut times = Vec::new();
    let mut result = None;
    let start = Instant::now();
    while times.len() < min_runs
        || (start.elapsed() < Duration::from_millis(500) && times.len() < 50)
    {
        let t0 = Instant::now();
        let r = broja(p, &opts.validate().expect("valid options")).expect("BROJA solves");
        times.push(t0.elapsed());
        result = Some(r);
    }
    times.sort();
    (times[times.len() / 2], result.expect("at least one run"))
}

fn main() {
    println!("BROJA on random joints (median wall time; atoms in bits)");
    println!(
        "{:<14} {:>5} {:>12} {:>12} {:>8} {:>12} {:>12} {:>10}",
        "shape", "seed", "newton", "clarabel", "ratio", "max|Δatom|", "newton gap", "newton it"
    );
    let cases = [
        ([20, 20, 2], 0..3u64, 5, None),
        ([30, 30, 4], 0..2u64, 3, Some(2000)),
        ([50, 50, 10], 0..2u64, 1, None),
    ];
    for (shape, seeds, runs, samples) in cases {
        for seed in seeds {
            let p = match samples {
                Some(n) => histogram_joint(shape, n, seed),
                None => random_joint(shape, seed),
            };
            let (tn, rn) = time(&p, BrojaSolver::Newton, runs);
            let (tc, rc) = time(&p, BrojaSolver::Clarabel, 1);
            let diff = rn
                .atoms()
                .iter()
                .zip(rc.atoms())
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            println!(
                "{:<14} {:>5} {:>10.2}ms {:>10.2}ms {:>7.1}x {:>12.2e} {:>12.2e} {:>10}",
                format!(
                    "{}x{}x{}{}",
                    shape[0],
                    shape[1],
                    shape[2],
                    if samples.is_some() { " hist" } else { "" }
                ),
                seed,
                tn.as_secs_f64() * 1e3,
                tc.as_secs_f64() * 1e3,
                tc.as_secs_f64() / tn.as_secs_f64(),
                diff,
                rn.duality_gap,
                rn.iterations
            );
            if shape == [20, 20, 2] {
                println!(
                    "{:<14} {:>5} speed-up vs cvxpy+Clarabel (0.18 s, spec §4): {:.0}x",
                    "",
                    "",
                    0.18 / tn.as_secs_f64()
                );
            }
        }
    }
}
