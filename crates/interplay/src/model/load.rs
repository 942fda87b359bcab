//! Opening a model file with the backend its extension names.

use std::path::Path;

use super::onnx::OnnxModel;
use super::{Model, OutputKind};
use crate::{Error, Result};

/// How to read a model file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// What an ONNX model's output rows are (built-in models know their own).
    pub onnx_output: OutputKind,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            onnx_output: OutputKind::Logits,
        }
    }
}

/// Open `path` for data whose modalities have widths `dims`: `.onnx` with tract,
/// `.safetensors` as a built-in fusion network.
pub fn load(path: &Path, dims: &[usize], options: &LoadOptions) -> Result<Box<dyn Model>> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "safetensors" => {
            let net = super::fusion::load_fusion(path)?;
            if net.input_dims() != dims {
                return Err(Error::invalid(format!(
                    "{}: the model expects modality widths {:?}, the data has {dims:?}",
                    path.display(),
                    net.input_dims()
                )));
            }
            Ok(Box::new(net))
        }
        "onnx" => Ok(Box::new(OnnxModel::load(path, dims, options.onnx_output)?)),
        _ => Err(Error::format(
            path,
            "unknown model format (expected a .safetensors built-in model or an .onnx file)",
        )),
    }
}
