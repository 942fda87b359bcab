//! Every integration test of the library in one test binary, one module per file:
//! one link instead of one per file (each links the whole dependency tree, which
//! cost about a minute of a cold `make test` on two cores), and libtest runs the
//! tests of all files in parallel. One file's tests: filter on its module, e.g.
//! `cargo test --release --workspace pid_broja::`.

mod common;
mod data_limits;
mod data_roundtrip;
mod emap_bootstrap;
mod emap_models;
mod experiments_hdxor;
mod fuzz_regressions;
mod intershap_fusion;
mod intershap_intervals;
mod intershap_masking;
#[cfg(feature = "onnx")]
mod intershap_onnx;
mod intershap_shards;
mod intershap_table;
mod intershap_xor;
mod knife_density;
mod lsmi_coverage;
mod lsmi_exact;
mod lsmi_models;
mod lsmi_oracle;
mod lsmi_pairs;
mod lsmi_reference;
mod model_limits;
mod nn_gradients;
mod pickle_oracle;
mod pid_broja;
mod pid_canonical;
mod pid_continuous;
mod pid_null;
mod report_schema;
mod shape_models;
mod shapley_games;
mod synth_gaussian;
mod synth_hdxor;
mod synth_pid_discrete;
mod toy_models;
