//! Read and write speed of the data layer, as a ratio against reading the same
//! file's bytes with `std::fs::read` (the floor any reader pays), measured in the
//! same run on a 100 000-row, 2 × 64-column dataset (~51 MB of f32).

use interplay::data::{read, write, Dataset, ReadOptions, Split};
use ndarray::Array2;
use std::path::Path;
use std::time::Instant;

const ROWS: usize = 100_000;
const DIM: usize = 64;
const REPS: usize = 5;

/// Best wall time of `REPS` runs, in seconds.
fn best<F: FnMut()>(mut f: F) -> f64 {
    (0..REPS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn dataset() -> Dataset {
    let m = |seed: usize| {
        Array2::from_shape_fn((ROWS, DIM), |(i, j)| {
            ((i * 31 + j * 17 + seed) % 1000) as f32 / 1000.0
        })
    };
    let labels = (0..ROWS).map(|i| i % 3).collect();
    Dataset::single("train", Split::new(vec![m(1), m(2)], Some(labels)).unwrap())
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dataset();
    println!("data layer: {ROWS} rows x 2 modalities x {DIM} cols (f32), best of {REPS}");
    println!(
        "{:<12} {:>10} {:>10} {:>10} {:>14}",
        "format", "MB", "write s", "read s", "read/fs::read"
    );
    for name in ["d.npz", "d.safetensors"] {
        let path = dir.path().join(name);
        let w = best(|| write(&path, &data, None).expect("write"));
        let mb = std::fs::metadata(&path).expect("size").len() as f64 / 1e6;
        let raw = best(|| {
            std::hint::black_box(std::fs::read(Path::new(&path)).expect("fs::read"));
        });
        let r = best(|| {
            std::hint::black_box(read(&path, &ReadOptions::default()).expect("read"));
        });
        println!(
            "{:<12} {:>10.1} {:>10.4} {:>10.4} {:>13.1}x",
            name.trim_start_matches("d."),
            mb,
            w,
            r,
            r / raw
        );
    }
}
