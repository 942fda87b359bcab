//! Hugging Face `.safetensors` files: a JSON header of names, dtypes and shapes,
//! then the raw little-endian data. No code can hide in them, which makes them the
//! recommended exchange format.

use ::safetensors::tensor::{Dtype, SafeTensors, TensorView};
use std::path::Path;

use super::tensor::{DType, RawTensor};
use crate::{Error, Result};

/// Every array of a `.safetensors` file, in key order.
pub fn read(path: &Path) -> Result<Vec<(String, RawTensor)>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let file = SafeTensors::deserialize(&bytes).map_err(|e| {
        Error::format(
            path,
            format!("not a readable .safetensors file (truncated or corrupt: {e})"),
        )
    })?;
    let mut views = file.tensors();
    views.sort_by(|a, b| a.0.cmp(&b.0));
    views
        .into_iter()
        .map(|(key, view)| {
            let dtype = from_dtype(view.dtype()).ok_or_else(|| {
                Error::format(
                    path,
                    format!("key '{key}' has unsupported dtype {:?}", view.dtype()),
                )
            })?;
            let tensor = RawTensor::new(dtype, view.shape().to_vec(), view.data().to_vec())
                .map_err(|e| Error::format(path, format!("key '{key}': {e}")))?;
            Ok((key, tensor))
        })
        .collect()
}

/// The arrays serialised as a `.safetensors` byte buffer.
pub fn encode(tensors: &[(String, RawTensor)]) -> Result<Vec<u8>> {
    let views = tensors
        .iter()
        .map(|(key, t)| {
            TensorView::new(to_dtype(t.dtype), t.shape.clone(), t.bytes())
                .map(|v| (key.as_str(), v))
                .map_err(|e| Error::invalid(format!("key '{key}': {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    ::safetensors::serialize(views, None)
        .map_err(|e| Error::invalid(format!("cannot encode safetensors: {e}")))
}

fn from_dtype(d: Dtype) -> Option<DType> {
    Some(match d {
        Dtype::BOOL => DType::Bool,
        Dtype::U8 => DType::U8,
        Dtype::I8 => DType::I8,
        Dtype::U16 => DType::U16,
        Dtype::I16 => DType::I16,
        Dtype::U32 => DType::U32,
        Dtype::I32 => DType::I32,
        Dtype::U64 => DType::U64,
        Dtype::I64 => DType::I64,
        Dtype::F16 => DType::F16,
        Dtype::BF16 => DType::BF16,
        Dtype::F32 => DType::F32,
        Dtype::F64 => DType::F64,
        _ => return None,
    })
}

fn to_dtype(d: DType) -> Dtype {
    match d {
        DType::Bool => Dtype::BOOL,
        DType::U8 => Dtype::U8,
        DType::I8 => Dtype::I8,
        DType::U16 => Dtype::U16,
        DType::I16 => Dtype::I16,
        DType::U32 => Dtype::U32,
        DType::I32 => Dtype::I32,
        DType::U64 => Dtype::U64,
        DType::I64 => Dtype::I64,
        DType::F16 => Dtype::F16,
        DType::BF16 => Dtype::BF16,
        DType::F32 => Dtype::F32,
        DType::F64 => Dtype::F64,
    }
}
