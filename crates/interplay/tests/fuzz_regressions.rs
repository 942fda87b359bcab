//! Replays the fuzzing inputs kept in the repository through the fuzz drivers:
//! the seed corpus `fuzz/corpus/<target>/` and the inputs that once crashed a
//! reader, `fuzz/regressions/<target>/` (added by `make fuzz`, named by hash).
//! Every input must make its reader return, Ok or Err; a panic fails the test
//! with the name of the file. The drivers are the fuzz targets' own code
//! (`fuzz/drivers.rs`), so what the fuzzer found is replayed exactly as it ran.

#[path = "../../../fuzz/drivers.rs"]
mod drivers;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files directly under `dir`, sorted; none when it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

fn replay(target: &str) {
    let driver = drivers::driver(target).expect("a known target");
    let seeds = files(&fuzz_dir().join("corpus").join(target));
    assert!(
        !seeds.is_empty(),
        "fuzz/corpus/{target}/ has no seed inputs"
    );
    let regressions = files(&fuzz_dir().join("regressions").join(target));
    let mut panicked = Vec::new();
    let mut slow = Vec::new();
    for path in seeds.iter().chain(&regressions) {
        let bytes = std::fs::read(path).expect("reading a corpus file");
        let start = Instant::now();
        if catch_unwind(AssertUnwindSafe(|| driver(&bytes))).is_err() {
            panicked.push(path.display().to_string());
        }
        let took = start.elapsed();
        if took > Duration::from_secs(2) {
            slow.push(format!("{} ({took:.1?})", path.display()));
        }
    }
    assert!(
        panicked.is_empty(),
        "{target}: the reader panicked on {}",
        panicked.join(", ")
    );
    // libFuzzer runs with -timeout=10; a release build should be far quicker.
    assert!(
        slow.is_empty(),
        "{target}: slow inputs: {}",
        slow.join(", ")
    );
}

#[test]
fn every_target_has_a_test() {
    for target in drivers::TARGETS {
        assert!(drivers::driver(target).is_some());
        assert!(
            fuzz_dir()
                .join("fuzz_targets")
                .join(format!("{target}.rs"))
                .is_file(),
            "no fuzz/fuzz_targets/{target}.rs"
        );
    }
}

macro_rules! targets {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                replay(stringify!($name));
            }
        )*
        const TESTED: &[&str] = &[$(stringify!($name)),*];
    };
}

targets!(
    pt,
    pickle,
    npz,
    npy,
    safetensors,
    csv_data,
    joint_csv,
    onnx_model,
    fusion_model
);

#[test]
fn every_target_is_replayed() {
    assert_eq!(TESTED, drivers::TARGETS);
}
