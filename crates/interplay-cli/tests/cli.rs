//! Every end-to-end test of the `interplay` binary in one test binary, one module
//! per file (one link instead of one per file; all files' tests run in parallel).
//! One file's tests: filter on its module, e.g. `cargo test --release --workspace lsmi::`.

/// `interplay --quiet ARGS`, run to completion (what most files' tests run).
pub fn quiet(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_interplay"))
        .arg("--quiet")
        .args(args)
        .output()
        .expect("the interplay binary runs")
}

/// xorshift64 from `seed`: uniform values in [-1, 1) for test data, without
/// an extra dependency.
pub fn uniform(seed: u64) -> impl FnMut() -> f32 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
}

mod data;
mod demo;
mod experiment;
mod generate;
mod intershap;
mod lsmi;
mod lsmi_shards;
#[cfg(feature = "onnx")]
mod model_scores;
mod pid;
mod report;
mod score_shards;
mod shards;
mod transactional;
