//! Fusion networks as safetensors files: the parameters as named f32 tensors and
//! the architecture (fusion kind, widths, classes) in the header metadata, so a
//! file is self-describing and PyTorch/ONNX tools can read the weights.

use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use std::collections::HashMap;
use std::path::Path;

use super::limits;
use super::net::FusionNet;
use crate::{Error, Result};

/// Metadata key whose value marks a file as an interplay fusion network.
const KIND_KEY: &str = "interplay_model";

/// Write `net` to `path`; `extra` metadata (training settings, scores) is kept.
pub fn save_fusion(net: &FusionNet, path: &Path, extra: &[(String, String)]) -> Result<()> {
    let mut staging = crate::output::Staging::new();
    staging.write_bytes(path, &fusion_bytes(net, extra)?)?;
    staging.commit()
}

/// The `.safetensors` bytes of `net` with its configuration and `extra` entries in
/// the metadata, for callers that stage the file with other outputs.
pub fn fusion_bytes(net: &FusionNet, extra: &[(String, String)]) -> Result<Vec<u8>> {
    let tensors = net.named_tensors();
    let bytes: Vec<Vec<u8>> = tensors
        .iter()
        .map(|(_, _, v)| v.iter().flat_map(|x| x.to_le_bytes()).collect())
        .collect();
    let views: Vec<(String, TensorView)> = tensors
        .iter()
        .zip(&bytes)
        .map(|((name, shape, _), b)| {
            TensorView::new(Dtype::F32, shape.clone(), b)
                .map(|v| (name.clone(), v))
                .map_err(|e| Error::Numerical(format!("safetensors: {e}")))
        })
        .collect::<Result<_>>()?;
    let mut meta: HashMap<String, String> = extra.iter().cloned().collect();
    meta.insert(KIND_KEY.into(), "fusion".into());
    meta.insert("fusion".into(), net.fusion().name().into());
    meta.insert(
        "dims".into(),
        serde_json::to_string(&crate::model::Model::input_dims(net)).unwrap_or_default(),
    );
    meta.insert(
        "n_classes".into(),
        crate::model::Model::n_classes(net).to_string(),
    );
    meta.insert("format_version".into(), "1".into());
    safetensors::serialize(views, Some(meta))
        .map_err(|e| Error::Numerical(format!("safetensors: {e}")))
}

/// Largest file accepted: [`limits::MAX_PARAMS`] f32 values plus the largest
/// header safetensors itself reads, so an oversized file is refused before it is
/// read into memory.
const MAX_FILE_BYTES: u64 = (limits::MAX_PARAMS as u64) * 4 + 100_000_008;

/// Read a fusion network written by [`save_fusion`]. The metadata, the tensor list
/// and the parameter count are checked before the network is allocated, and
/// every tensor must be finite.
pub fn load_fusion(path: &Path) -> Result<FusionNet> {
    let buffer = crate::data::limits::read_capped(path, MAX_FILE_BYTES, "built-in model")?;
    let bad = |msg: String| Error::format(path, msg);
    let (_, header) = SafeTensors::read_metadata(&buffer)
        .map_err(|e| bad(format!("not a safetensors file: {e}")))?;
    let meta = header
        .metadata()
        .clone()
        .ok_or_else(|| bad("no metadata: not an interplay fusion network".into()))?;
    if meta.get(KIND_KEY).map(String::as_str) != Some("fusion") {
        return Err(bad(format!(
            "metadata key '{KIND_KEY}' is missing: not an interplay fusion network"
        )));
    }
    let config = limits::read_config(&meta).map_err(bad)?;
    let expected = limits::expected_tensors(&config).map_err(bad)?;
    let tensors =
        SafeTensors::deserialize(&buffer).map_err(|e| bad(format!("corrupt tensors: {e}")))?;
    limits::check_tensor_list(&expected, &tensors).map_err(bad)?;
    let mut net = FusionNet::new(config.fusion, &config.dims, config.n_classes)
        .map_err(|e| bad(e.to_string()))?;
    for (name, _) in &expected {
        let view = tensors
            .tensor(name)
            .map_err(|_| bad(format!("tensor '{name}' is missing")))?;
        let values: Vec<f32> = view
            .data()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let bad_values = values.iter().filter(|v| !v.is_finite()).count();
        if bad_values > 0 {
            return Err(bad(format!(
                "tensor '{name}' has {bad_values} NaN or infinite values"
            )));
        }
        net.set_tensor(name, &values)
            .map_err(|e| bad(e.to_string()))?;
    }
    Ok(net)
}
