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
