//! `interplay emap`, `shape` and `compare` end to end, on a linear (additive)
//! ONNX model written by hand, whose EMAP gap must be exactly 0.

use std::path::Path;
use std::process::Command;

fn interplay() -> Command {
    Command::new(env!("CARGO_BIN_EXE_interplay"))
}

/// Minimal protobuf writer for the handful of ONNX messages we need.
fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}
fn field_varint(field: u64, v: u64, out: &mut Vec<u8>) {
    varint(field << 3, out);
    varint(v, out);
}
fn field_bytes(field: u64, bytes: &[u8], out: &mut Vec<u8>) {
    varint((field << 3) | 2, out);
    varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

fn tensor(name: &str, dims: &[u64], values: &[f32]) -> Vec<u8> {
    let mut t = Vec::new();
    for &d in dims {
        field_varint(1, d, &mut t);
    }
    field_varint(2, 1, &mut t); // FLOAT
    field_bytes(8, name.as_bytes(), &mut t);
    let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    field_bytes(9, &raw, &mut t);
    t
}

fn value_info(name: &str, width: u64) -> Vec<u8> {
    let mut batch = Vec::new();
    field_bytes(2, b"N", &mut batch);
    let mut fixed = Vec::new();
    field_varint(1, width, &mut fixed);
    let mut shape = Vec::new();
    field_bytes(1, &batch, &mut shape);
    field_bytes(1, &fixed, &mut shape);
    let mut tensor_type = Vec::new();
    field_varint(1, 1, &mut tensor_type);
    field_bytes(2, &shape, &mut tensor_type);
    let mut ty = Vec::new();
    field_bytes(1, &tensor_type, &mut ty);
    let mut vi = Vec::new();
    field_bytes(1, name.as_bytes(), &mut vi);
    field_bytes(2, &ty, &mut vi);
    vi
}

/// y = x·W + b for x = [x1 | x2] (4 features), 2 classes.
fn write_linear_onnx(path: &Path, w: &[f32; 8], b: &[f32; 2]) {
    let mut node = Vec::new();
    for input in ["x", "W", "b"] {
        field_bytes(1, input.as_bytes(), &mut node);
    }
    field_bytes(2, b"y", &mut node);
    field_bytes(4, b"Gemm", &mut node);
    let mut graph = Vec::new();
    field_bytes(1, &node, &mut graph);
    field_bytes(2, b"linear", &mut graph);
    field_bytes(5, &tensor("W", &[4, 2], w), &mut graph);
    field_bytes(5, &tensor("b", &[2], b), &mut graph);
    field_bytes(11, &value_info("x", 4), &mut graph);
    field_bytes(12, &value_info("y", 2), &mut graph);
    let mut opset = Vec::new();
    field_varint(2, 13, &mut opset);
    let mut model = Vec::new();
    field_varint(1, 7, &mut model);
    field_bytes(7, &graph, &mut model);
    field_bytes(8, &opset, &mut model);
    std::fs::write(path, model).unwrap();
}

fn setup(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let w = [1.0f32, -1.0, 0.5, -0.5, 0.8, -0.8, -0.3, 0.3];
    let b = [0.1f32, -0.1];
    let model = dir.join("linear.onnx");
    write_linear_onnx(&model, &w, &b);
    let csv = dir.join("data.csv");
    let mut text = String::from("a0,a1,b0,b1,y,split\n");
    for i in 0..240 {
        let x = [
            ((i * 37) % 17) as f32 / 8.0 - 1.0,
            ((i * 11) % 13) as f32 / 6.0 - 1.0,
            ((i * 7) % 19) as f32 / 9.0 - 1.0,
            ((i * 5) % 23) as f32 / 11.0 - 1.0,
        ];
        let s0: f32 = (0..4).map(|k| x[k] * w[2 * k]).sum::<f32>() + b[0];
        let s1: f32 = (0..4).map(|k| x[k] * w[2 * k + 1]).sum::<f32>() + b[1];
        let y = usize::from(s1 > s0);
        let split = if i % 4 == 0 { "train" } else { "test" };
        text.push_str(&format!(
            "{},{},{},{},{y},{split}\n",
            x[0], x[1], x[2], x[3]
        ));
    }
    std::fs::write(&csv, text).unwrap();
    (csv, model)
}

fn run_json(args: &[&str], csv: &Path, model: &Path, json: &Path) -> serde_json::Value {
    let out = interplay()
        .arg("--quiet")
        .args(args)
        .arg("--data")
        .arg(csv)
        .args([
            "--modality",
            "1=a0:a1",
            "--modality",
            "2=b0:b1",
            "--label",
            "y",
        ])
        .args(["--split-column", "split", "--model"])
        .arg(model)
        .arg("--json")
        .arg(json)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap()
}

#[test]
fn emap_shape_and_compare_on_an_additive_model() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, model) = setup(dir.path());
    let json = dir.path().join("out.json");

    let e = run_json(&["emap"], &csv, &model, &json);
    assert_eq!(e["method"], "emap");
    assert_eq!(e["accuracy"].as_f64().unwrap(), 1.0);
    assert_eq!(e["accuracy_gap"].as_f64().unwrap(), 0.0);

    let s = run_json(&["shape"], &csv, &model, &json);
    assert_eq!(s["method"], "shape");
    assert_eq!(s["performance"]["full"].as_f64().unwrap(), 1.0);
    assert!(s["output"]["cross_modal_ratio"].as_f64().unwrap().abs() < 0.2);

    let c = run_json(
        &["compare", "--clusters", "4", "--pca", "2"],
        &csv,
        &model,
        &json,
    );
    assert_eq!(c["method"], "compare");
    let inter = c["intershap"]["global"].as_f64().unwrap();
    assert!((0.0..0.2).contains(&inter), "InterSHAP {inter}");
    assert_eq!(c["emap"]["accuracy_gap"].as_f64().unwrap(), 0.0);
    assert_eq!(c["pid_model"]["solver"]["status"], "optimal");
    assert_eq!(c["pid_model"]["source"]["kind"], "model");
}

/// Every interval of a report, as (estimate, interval) pairs at `keys`.
fn intervals<'a>(
    v: &'a serde_json::Value,
    keys: &[(&str, &str)],
) -> Vec<(f64, &'a serde_json::Value)> {
    keys.iter()
        .map(|(value, interval)| (v[value].as_f64().unwrap(), &v[interval]))
        .collect()
}

#[test]
fn emap_and_shape_intervals_contain_their_estimates() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, model) = setup(dir.path());
    let json = dir.path().join("out.json");
    let e = run_json(
        &["emap", "--bootstrap", "300", "--confidence", "0.9"],
        &csv,
        &model,
        &json,
    );
    let keys = [
        ("accuracy", "accuracy_interval"),
        ("accuracy_emap", "accuracy_emap_interval"),
        ("accuracy_gap", "accuracy_gap_interval"),
        ("macro_f1", "macro_f1_interval"),
        ("macro_f1_emap", "macro_f1_emap_interval"),
        ("macro_f1_gap", "macro_f1_gap_interval"),
    ];
    for (estimate, i) in intervals(&e, &keys) {
        let (lo, hi) = (i["lower"].as_f64().unwrap(), i["upper"].as_f64().unwrap());
        assert!(lo <= estimate && estimate <= hi, "{estimate} outside {i}");
        assert_eq!(i["level"], 0.9);
        assert_eq!(i["method"], "bootstrap-rows");
    }
    let off = run_json(&["emap", "--bootstrap", "0"], &csv, &model, &json);
    assert!(off["accuracy_gap_interval"].is_null());

    let s = run_json(&["shape", "--bootstrap", "200"], &csv, &model, &json);
    for part in [&s["performance"], &s["output"]] {
        let i = &part["cross_modal_interval"];
        let v = part["cross_modal"].as_f64().unwrap();
        assert!(
            i["lower"].as_f64().unwrap() <= v && v <= i["upper"].as_f64().unwrap(),
            "{part}"
        );
        assert_eq!(i["level"], 0.95);
    }
    assert!(
        s["output"]["cross_modal_ratio_interval"]["std_err"]
            .as_f64()
            .unwrap()
            >= 0.0
    );

    let c = run_json(
        &[
            "compare",
            "--clusters",
            "4",
            "--pca",
            "2",
            "--bootstrap",
            "100",
            "--shuffles",
            "50",
        ],
        &csv,
        &model,
        &json,
    );
    assert!(c["emap"]["macro_f1_gap_interval"]["upper"].is_f64());
    assert!(c["shape"]["performance"]["cross_modal_interval"]["lower"].is_f64());
    assert_eq!(c["pid_labels"]["null"]["shuffles"], 50);
    assert!(c["pid_model"]["null"]["synergy"]["p_value"].is_f64());
}
