//! Checks on a built-in model file, run before the network is allocated.
//!
//! A `.safetensors` file names its own architecture in its metadata, and
//! [`super::FusionNet::new`] allocates one `f32` per parameter that architecture
//! implies. A hand-edited or hostile file could claim widths of 10^12 and make the
//! loader ask for terabytes, so every number is parsed with bounds, the implied
//! tensors are listed from the widths alone, and they are compared with the
//! tensors the file actually holds before a single parameter is allocated.

use safetensors::tensor::{Dtype, SafeTensors};
use std::collections::{BTreeSet, HashMap};

use super::net::{layer_widths, Fusion};

/// Most modalities a model may have: coalitions are 64-bit masks.
pub(crate) const MAX_MODALITIES: usize = 64;
/// Widest modality accepted (2^24 ≈ 16.7 M features: a 4096 × 4096 image).
pub(crate) const MAX_WIDTH: u64 = 1 << 24;
/// Most classes accepted (2^20 ≈ 1 M).
pub(crate) const MAX_CLASSES: u64 = 1 << 20;
/// Most parameters accepted (2^31: 8 GiB of f32), far beyond any fusion MLP a
/// tabular or embedding dataset needs, but small enough to refuse absurd files.
pub(crate) const MAX_PARAMS: u128 = 1 << 31;

/// The architecture a file's metadata names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Config {
    pub fusion: Fusion,
    pub dims: Vec<usize>,
    pub n_classes: usize,
}

/// Read and bound-check `fusion`, `dims` and `n_classes` from the metadata.
pub(crate) fn read_config(meta: &HashMap<String, String>) -> Result<Config, String> {
    let get = |k: &str| {
        meta.get(k)
            .map(String::as_str)
            .ok_or_else(|| format!("metadata key '{k}' is missing"))
    };
    let fusion = Fusion::parse(get("fusion")?).map_err(|e| format!("metadata 'fusion': {e}"))?;
    let dims = parse_dims(get("dims")?)?;
    let n_classes = parse_whole("n_classes", get("n_classes")?, 2, MAX_CLASSES)?;
    Ok(Config {
        fusion,
        dims,
        n_classes,
    })
}

/// A whole number in `min..=max`, named `key` in the error.
fn parse_whole(key: &str, text: &str, min: u64, max: u64) -> Result<usize, String> {
    let value: u64 = text
        .trim()
        .parse()
        .map_err(|_| format!("metadata '{key}' is '{text}', expected a whole number"))?;
    if !(min..=max).contains(&value) {
        return Err(format!(
            "metadata '{key}' is {value}, expected {min} to {max}"
        ));
    }
    usize::try_from(value).map_err(|_| format!("metadata '{key}' is {value}: too large"))
}

/// The modality widths: a JSON list of 2 to [`MAX_MODALITIES`] whole numbers in
/// 1..=[`MAX_WIDTH`].
fn parse_dims(text: &str) -> Result<Vec<usize>, String> {
    let values: Vec<serde_json::Value> = serde_json::from_str(text)
        .map_err(|_| format!("metadata 'dims' is '{text}', expected a list of widths"))?;
    if !(2..=MAX_MODALITIES).contains(&values.len()) {
        return Err(format!(
            "metadata 'dims' lists {} modalities, expected 2 to {MAX_MODALITIES}",
            values.len()
        ));
    }
    values
        .iter()
        .map(|v| match v.as_u64() {
            Some(w) if (1..=MAX_WIDTH).contains(&w) => Ok(w as usize),
            _ => Err(format!(
                "metadata 'dims' has width {v}, expected a whole number from 1 to {MAX_WIDTH}"
            )),
        })
        .collect()
}

/// Every parameter tensor `(name, shape)` the architecture implies, in the order
/// of [`super::FusionNet::named_tensors`]; an error when the parameter count
/// exceeds [`MAX_PARAMS`]. Only the widths are computed: nothing big is allocated.
pub(crate) fn expected_tensors(config: &Config) -> Result<Vec<(String, Vec<usize>)>, String> {
    let (branches, head) = layer_widths(config.fusion, &config.dims, config.n_classes);
    let nets = branches
        .iter()
        .enumerate()
        .map(|(m, w)| (format!("branch{}", m + 1), w))
        .chain(std::iter::once(("head".to_string(), &head)));
    let mut out = Vec::new();
    let mut n_params: u128 = 0;
    for (prefix, widths) in nets {
        for (l, w) in widths.windows(2).enumerate() {
            n_params += (w[0] as u128 + 1) * w[1] as u128;
            out.push((format!("{prefix}.{l}.weight"), vec![w[1], w[0]]));
            out.push((format!("{prefix}.{l}.bias"), vec![w[1]]));
        }
    }
    if n_params > MAX_PARAMS {
        return Err(format!(
            "the metadata implies {n_params} parameters (widths {:?}, {} classes), more than the limit of {MAX_PARAMS}",
            config.dims, config.n_classes
        ));
    }
    Ok(out)
}

/// The file holds exactly the `expected` tensors, each F32 of the expected shape.
pub(crate) fn check_tensor_list(
    expected: &[(String, Vec<usize>)],
    tensors: &SafeTensors<'_>,
) -> Result<(), String> {
    for (name, shape) in expected {
        let view = tensors
            .tensor(name)
            .map_err(|_| format!("tensor '{name}' is missing"))?;
        if view.dtype() != Dtype::F32 {
            return Err(format!(
                "tensor '{name}' is {:?}, expected F32",
                view.dtype()
            ));
        }
        if view.shape() != shape.as_slice() {
            return Err(format!(
                "tensor '{name}' has shape {:?}, the architecture needs {shape:?}",
                view.shape()
            ));
        }
    }
    let wanted: BTreeSet<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
    let extra: BTreeSet<&str> = tensors
        .names()
        .into_iter()
        .filter(|n| !wanted.contains(n))
        .collect();
    match extra.first() {
        Some(name) => Err(format!(
            "unexpected tensor '{name}' ({} tensors the architecture does not have)",
            extra.len()
        )),
        None => Ok(()),
    }
}
