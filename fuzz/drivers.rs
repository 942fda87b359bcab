// The fuzz drivers: one function per untrusted reader, each feeding the bytes in
// and asserting only that the reader returns (Ok or Err). A panic, abort,
// timeout or memory blow-up is the finding.
//
// This file is shared, unchanged, by the cargo-fuzz targets in
// fuzz/fuzz_targets/ (`#[path = "../drivers.rs"] mod drivers;`) and by the
// regression test crates/interplay/tests/fuzz_regressions.rs, which replays
// fuzz/corpus/<target>/ and fuzz/regressions/<target>/ through `run`. It uses
// only the library's public API and the `tempfile` crate.
#![allow(dead_code)]

use std::path::Path;

use interplay::data::keys::assemble;
use interplay::data::{read_arrays_from_bytes, CsvSpec, Format, ModalitySpec, RawTensor};

/// Every target, by the name of its fuzz/fuzz_targets/<name>.rs and corpus folders.
pub const TARGETS: [&str; 9] = [
    "pt",
    "pickle",
    "npz",
    "npy",
    "safetensors",
    "csv_data",
    "joint_csv",
    "onnx_model",
    "fusion_model",
];

/// The driver of `target`, or `None` for an unknown name. `onnx_model` needs the
/// library's `onnx` feature (without it, `.onnx` is refused with an error, which
/// is still a clean return).
pub fn driver(target: &str) -> Option<fn(&[u8])> {
    Some(match target {
        "pt" => pt,
        "pickle" => pickle,
        "npz" => npz,
        "npy" => npy,
        "safetensors" => safetensors,
        "csv_data" => csv_data,
        "joint_csv" => joint_csv,
        "onnx_model" => onnx_model,
        "fusion_model" => fusion_model,
        _ => return None,
    })
}

/// The modality widths the model targets are opened for (those of the seed
/// models, tests/fixtures/intershap_*).
pub const MODEL_DIMS: [usize; 2] = [6, 4];

/// Read the arrays of a binary data file and, when that succeeds, assemble them
/// into a dataset, so that the key, shape, value and label checks are fuzzed too.
fn data_file(name: &str, data: &[u8], format: Format) {
    if let Ok(tensors) = read_arrays_from_bytes(name, data, format) {
        dataset(name, tensors);
    }
}

fn dataset(name: &str, tensors: Vec<(String, RawTensor)>) {
    let path = Path::new(name);
    let _ = assemble(path, tensors.clone(), None);
    // Labels bounded by a class count take another path through the checks.
    let _ = assemble(path, tensors, Some(3));
}

/// A PyTorch `.pt` zip (torch.save of a dict of tensors).
pub fn pt(data: &[u8]) {
    data_file("fuzz.pt", data, Format::Pt);
}

/// The restricted unpickler alone (the `data.pkl` inside a `.pt`).
pub fn pickle(data: &[u8]) {
    let _ = interplay::data::pickle::parse(data);
}

/// A NumPy `.npz` archive.
pub fn npz(data: &[u8]) {
    data_file("fuzz.npz", data, Format::Npz);
}

/// One `.npy` array. A single array is not a dataset, so it is assembled as both
/// modalities, and again with itself as the labels.
pub fn npy(data: &[u8]) {
    let Ok(mut arrays) = read_arrays_from_bytes("fuzz.npy", data, Format::NpyDir) else {
        return;
    };
    let Some((_, t)) = arrays.pop() else { return };
    let pair = vec![
        ("train_modal_1_features".to_string(), t.clone()),
        ("train_modal_2_features".to_string(), t.clone()),
    ];
    dataset("fuzz.npy", pair.clone());
    let mut labelled = pair;
    labelled.push(("train_targets".to_string(), t));
    dataset("fuzz.npy", labelled);
}

/// A `.safetensors` data file.
pub fn safetensors(data: &[u8]) {
    data_file("fuzz.safetensors", data, Format::Safetensors);
}

/// A CSV data file read with the spec `--modality 1=a:b --modality 2=c
/// --label y --split-column split` (the seed corpus uses these columns), then
/// with no split column, then assembled.
pub fn csv_data(data: &[u8]) {
    let modalities: Vec<ModalitySpec> = ["1=a:b", "2=c"]
        .iter()
        .map(|s| s.parse().expect("a valid spec"))
        .collect();
    let with_split = CsvSpec {
        modalities: modalities.clone(),
        label: Some("y".into()),
        split_column: Some("split".into()),
        default_split: None,
    };
    let without = CsvSpec {
        modalities,
        label: Some("y".into()),
        split_column: None,
        default_split: Some("test".into()),
    };
    let path = Path::new("fuzz.csv");
    for spec in [with_split, without] {
        if let Ok(tensors) = interplay::data::csv::read_bytes(path, data, &spec) {
            dataset("fuzz.csv", tensors);
        }
    }
}

/// Run `f` on a file holding `data`, named `name`, alone in a fresh temporary
/// directory (the path-based readers; ONNX looks for external data next to it).
fn with_file(name: &str, data: &[u8], f: impl FnOnce(&Path)) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join(name);
    std::fs::write(&path, data).expect("writing the temporary file");
    f(&path);
}

/// A joint distribution p(x1, x2, y) as CSV (`interplay pid --joint`).
pub fn joint_csv(data: &[u8]) {
    with_file("joint.csv", data, |path| {
        let _ = interplay::pid::read_joint_csv(path);
    });
}

/// An ONNX model, opened as `interplay::model::load` opens it for data of widths
/// [`MODEL_DIMS`] (checks, parse, typing and optimisation of the plan).
pub fn onnx_model(data: &[u8]) {
    with_file("model.onnx", data, |path| {
        let _ = interplay::model::load(path, &MODEL_DIMS, &Default::default());
    });
}

/// A built-in fusion network (`.safetensors` with interplay metadata), opened
/// through `interplay::model::load` (which reads it with `load_fusion`).
pub fn fusion_model(data: &[u8]) {
    with_file("model.safetensors", data, |path| {
        let _ = interplay::model::load(path, &MODEL_DIMS, &Default::default());
    });
}
