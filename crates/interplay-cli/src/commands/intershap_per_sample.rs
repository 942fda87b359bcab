//! The per-sample file of `interplay intershap --per-sample`: local score, φ and Φ of
//! every explained sample, as CSV (one row per output and sample) or .npz arrays.

use interplay::data::npz;
use interplay::data::{DType, RawTensor};
use interplay::intershap::InterShapResult;
use interplay::output::{extension, Staging};
use interplay::Result;
use std::fs::File;
use std::io::Write as _;
use std::path::Path;

/// Extensions `--per-sample` writes.
pub const FORMATS: [&str; 2] = ["csv", "npz"];

/// Stage `result`'s per-sample quantities for `path`; the extension (checked
/// against [`FORMATS`] when the run was planned) picks the format.
pub fn write(staging: &mut Staging, path: &Path, result: &InterShapResult) -> Result<()> {
    staging.write(path, |file| match extension(path).as_deref() {
        Some("npz") => write_npz(file, path, result),
        _ => write_csv(file, path, result),
    })
}

fn write_csv(file: &mut File, path: &Path, result: &InterShapResult) -> Result<()> {
    let m = result.n_modalities;
    let mut header = vec![
        "sample".to_string(),
        "output".into(),
        "class".into(),
        "local".into(),
    ];
    header.extend((1..=m).map(|i| format!("phi_{i}")));
    for i in 1..=m {
        header.extend((1..=m).map(|j| format!("Phi_{i}_{j}")));
    }
    let mut text = header.join(",") + "\n";
    for e in &result.explanations {
        for (a, &sample) in result.sample_indices.iter().enumerate() {
            let mut row = vec![
                sample.to_string(),
                e.output.clone(),
                e.classes[a].to_string(),
                e.local[a].to_string(),
            ];
            row.extend(e.interactions.phi.row(a).iter().map(f64::to_string));
            row.extend(
                e.interactions
                    .matrix
                    .index_axis(ndarray::Axis(0), a)
                    .iter()
                    .map(f64::to_string),
            );
            text.push_str(&row.join(","));
            text.push('\n');
        }
    }
    file.write_all(text.as_bytes())
        .map_err(|e| interplay::Error::io(path, e))
}

fn f64_tensor(shape: Vec<usize>, values: impl Iterator<Item = f64>) -> Result<RawTensor> {
    let bytes: Vec<u8> = values.flat_map(f64::to_le_bytes).collect();
    RawTensor::new(DType::F64, shape, bytes).map_err(interplay::Error::invalid)
}

fn write_npz(file: &mut File, path: &Path, result: &InterShapResult) -> Result<()> {
    let (n, m) = (result.n_samples(), result.n_modalities);
    let outs = &result.explanations;
    let o = outs.len();
    let tensors = vec![
        (
            "sample_index".to_string(),
            f64_tensor(vec![n], result.sample_indices.iter().map(|&i| i as f64))?,
        ),
        (
            "class".to_string(),
            f64_tensor(
                vec![o, n],
                outs.iter()
                    .flat_map(|e| e.classes.iter().map(|&k| k as f64)),
            )?,
        ),
        (
            "local".to_string(),
            f64_tensor(
                vec![o, n],
                outs.iter().flat_map(|e| e.local.iter().copied()),
            )?,
        ),
        (
            "phi".to_string(),
            f64_tensor(
                vec![o, n, m],
                outs.iter().flat_map(|e| e.interactions.phi.iter().copied()),
            )?,
        ),
        (
            "matrix".to_string(),
            f64_tensor(
                vec![o, n, m, m],
                outs.iter()
                    .flat_map(|e| e.interactions.matrix.iter().copied()),
            )?,
        ),
    ];
    npz::write_to(file, path, &tensors)
}
