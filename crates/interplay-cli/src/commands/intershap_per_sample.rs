//! The per-sample file of `interplay intershap --per-sample`: local score, φ and Φ of
//! every explained sample, as CSV (one row per output and sample) or .npz arrays.

use anyhow::Context as _;
use interplay::data::npz;
use interplay::data::{DType, RawTensor};
use interplay::intershap::InterShapResult;
use std::path::Path;

/// Write `result`'s per-sample quantities to `path`; the extension picks the format.
pub fn write(path: &Path, result: &InterShapResult) -> anyhow::Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => write_csv(path, result),
        Some("npz") => write_npz(path, result),
        _ => Err(super::UsageError(format!(
            "--per-sample file must end in .csv or .npz: {}",
            path.display()
        ))
        .into()),
    }
    .with_context(|| format!("writing {}", path.display()))
}

fn write_csv(path: &Path, result: &InterShapResult) -> anyhow::Result<()> {
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
    std::fs::write(path, text).map_err(|e| interplay::Error::io(path, e))?;
    Ok(())
}

fn f64_tensor(shape: Vec<usize>, values: impl Iterator<Item = f64>) -> anyhow::Result<RawTensor> {
    let bytes: Vec<u8> = values.flat_map(f64::to_le_bytes).collect();
    RawTensor::new(DType::F64, shape, bytes).map_err(|e| anyhow::anyhow!(e))
}

fn write_npz(path: &Path, result: &InterShapResult) -> anyhow::Result<()> {
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
    let file = std::fs::File::create(path).map_err(|e| interplay::Error::io(path, e))?;
    npz::write_to(std::io::BufWriter::new(file), path, &tensors)?;
    Ok(())
}
