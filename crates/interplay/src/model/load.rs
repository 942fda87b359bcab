//! Opening a model file with the backend its extension names. `.onnx` files need
//! the `onnx` feature (on by default); without it they are refused with
//! [`Error::MissingFeature`].

use std::path::Path;

use super::{Model, OutputKind};
use crate::{Error, Result};

/// How to read a model file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoadOptions {
    /// What an ONNX model's output rows are (built-in models know their own;
    /// default: logits).
    pub onnx_output: OutputKind,
}

/// Open `path` for data whose modalities have widths `dims`: `.onnx` with tract,
/// `.safetensors` as a built-in fusion network. In a build without the `onnx`
/// feature, `.onnx` is an [`Error::MissingFeature`].
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
        "onnx" => load_onnx(path, dims, options),
        _ => Err(Error::format(
            path,
            "unknown model format (expected a .safetensors built-in model or an .onnx file)",
        )),
    }
}

#[cfg(feature = "onnx")]
fn load_onnx(path: &Path, dims: &[usize], options: &LoadOptions) -> Result<Box<dyn Model>> {
    let model = super::onnx::OnnxModel::load(path, dims, options.onnx_output)?;
    Ok(Box::new(model))
}

#[cfg(not(feature = "onnx"))]
fn load_onnx(_path: &Path, _dims: &[usize], _options: &LoadOptions) -> Result<Box<dyn Model>> {
    Err(Error::missing_feature("ONNX", "onnx"))
}

#[cfg(all(test, not(feature = "onnx")))]
mod tests {
    use super::*;

    #[test]
    fn onnx_models_are_refused_with_the_feature_to_rebuild_with() {
        let err = load(Path::new("m.onnx"), &[2, 2], &LoadOptions::default())
            .err()
            .expect("a build without `onnx` cannot load .onnx");
        assert!(matches!(
            err,
            Error::MissingFeature {
                feature: "onnx",
                ..
            }
        ));
        assert!(err.to_string().contains("no ONNX support"), "{err}");
        assert!(err.is_user_input());
    }
}
