//! Fusion networks as safetensors files: the parameters as named f32 tensors and
//! the architecture (fusion kind, widths, classes) in the header metadata, so a
//! file is self-describing and PyTorch/ONNX tools can read the weights.

use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use std::collections::HashMap;
use std::path::Path;

use super::net::{Fusion, FusionNet};
use crate::{Error, Result};

/// Metadata key whose value marks a file as an interplay fusion network.
const KIND_KEY: &str = "interplay_model";

/// Write `net` to `path`; `extra` metadata (training settings, scores) is kept.
pub fn save_fusion(net: &FusionNet, path: &Path, extra: &[(String, String)]) -> Result<()> {
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
    safetensors::serialize_to_file(views, Some(meta), path)
        .map_err(|e| Error::io(path, std::io::Error::other(e.to_string())))
}

/// Read a fusion network written by [`save_fusion`].
pub fn load_fusion(path: &Path) -> Result<FusionNet> {
    let buffer = std::fs::read(path).map_err(|e| Error::io(path, e))?;
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
    let get = |k: &str| {
        meta.get(k)
            .ok_or_else(|| bad(format!("metadata key '{k}' is missing")))
    };
    let fusion = Fusion::parse(get("fusion")?).map_err(|e| bad(e.to_string()))?;
    let dims: Vec<usize> =
        serde_json::from_str(get("dims")?).map_err(|e| bad(format!("metadata 'dims': {e}")))?;
    let n_classes: usize = get("n_classes")?
        .parse()
        .map_err(|e| bad(format!("metadata 'n_classes': {e}")))?;
    let mut net = FusionNet::new(fusion, &dims, n_classes).map_err(|e| bad(e.to_string()))?;
    let tensors =
        SafeTensors::deserialize(&buffer).map_err(|e| bad(format!("corrupt tensors: {e}")))?;
    let names: Vec<String> = net.named_tensors().into_iter().map(|(n, ..)| n).collect();
    for name in names {
        let view = tensors
            .tensor(&name)
            .map_err(|_| bad(format!("tensor '{name}' is missing")))?;
        if view.dtype() != Dtype::F32 {
            return Err(bad(format!(
                "tensor '{name}' is {:?}, expected F32",
                view.dtype()
            )));
        }
        let values: Vec<f32> = view
            .data()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        net.set_tensor(&name, &values)
            .map_err(|e| bad(e.to_string()))?;
    }
    if net.params.iter().any(|v| !v.is_finite()) {
        return Err(bad("parameters contain NaN or infinity".into()));
    }
    Ok(net)
}
