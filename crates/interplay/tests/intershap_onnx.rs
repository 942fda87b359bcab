//! The ONNX backend gives the same InterSHAP as the built-in model it was exported
//! from (fixtures written by scripts/export_onnx.py): one input per modality
//! (early fusion) and one concatenated input (late fusion).

use crate::common;

use common::{hdxor_pair, Setting};
use interplay::intershap::{explain, InterShapConfig, OutputTarget};
use interplay::model::{load, LoadOptions};
use interplay::params::Validate;
use interplay::progress::NoProgress;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn compare(builtin: &str, onnx: &str) {
    let (inputs, background) = hdxor_pair(Setting::Synergy, 60, 40, 8, [6, 4], 3);
    let dir = std::path::Path::new(FIXTURES);
    let a = load(&dir.join(builtin), &[6, 4], &LoadOptions::default()).unwrap();
    let b = load(&dir.join(onnx), &[6, 4], &LoadOptions::default()).unwrap();
    assert_eq!(b.n_classes(), 2);
    let fa = a.forward(&inputs.views()).unwrap();
    let fb = b.forward(&inputs.views()).unwrap();
    for (x, y) in fa.iter().zip(&fb) {
        assert!((x - y).abs() < 1e-4, "logits {x} vs {y}");
    }
    let cfg = InterShapConfig {
        output: OutputTarget::All,
        batch_size: 500,
        ..InterShapConfig::default()
    }
    .validate()
    .unwrap();
    let ra = explain(a.as_ref(), &inputs, &background, &cfg, &NoProgress).unwrap();
    let rb = explain(b.as_ref(), &inputs, &background, &cfg, &NoProgress).unwrap();
    for (ea, eb) in ra.explanations.iter().zip(&rb.explanations) {
        assert!(
            (ea.global - eb.global).abs() < 1e-4,
            "{} vs {}",
            ea.global,
            eb.global
        );
        for (x, y) in ea.interactions.matrix.iter().zip(&eb.interactions.matrix) {
            assert!((x - y).abs() < 1e-5, "Φ {x} vs {y}");
        }
    }
}

#[test]
fn onnx_per_modality_inputs_match_builtin_early_fusion() {
    compare("intershap_early.safetensors", "intershap_early.onnx");
}

#[test]
fn onnx_concatenated_input_matches_builtin_late_fusion() {
    compare("intershap_late.safetensors", "intershap_late_concat.onnx");
}

#[test]
fn onnx_with_wrong_widths_is_a_user_error() {
    let path = std::path::Path::new(FIXTURES).join("intershap_early.onnx");
    let err = load(&path, &[5, 4], &LoadOptions::default()).err().unwrap();
    assert!(err.is_user_input(), "{err}");
}
