//! Hugging Face `.safetensors` files: a JSON header of names, dtypes and shapes,
//! then the raw little-endian data. No code can hide in them, which makes them the
//! recommended exchange format.

use ::safetensors::tensor::{Dtype, SafeTensors, TensorView};
use std::path::Path;

use super::limits::SAFETENSORS_MAX_HEADER;
use super::tensor::{checked_numel, DType, RawTensor};
use crate::{Error, Result};

/// Every array of a `.safetensors` file, in key order.
pub fn read(path: &Path) -> Result<Vec<(String, RawTensor)>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    read_bytes(path, &bytes)
}

/// [`read`] from the bytes of a `.safetensors` file; `path` only names it in
/// messages.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<Vec<(String, RawTensor)>> {
    check_header_len(bytes).map_err(|m| Error::format(path, m))?;
    let file = SafeTensors::deserialize(bytes).map_err(|e| {
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
            let tensor =
                to_tensor(&view).map_err(|e| Error::format(path, format!("key '{key}': {e}")))?;
            Ok((key, tensor))
        })
        .collect()
}

/// Refuse a declared header length that is implausible or longer than the file,
/// before the JSON parser sees it.
fn check_header_len(bytes: &[u8]) -> std::result::Result<(), String> {
    let Some(&[a, b, c, d, e, f, g, h]) = bytes.get(..8) else {
        return Err(
            "not a readable .safetensors file (shorter than its 8-byte header length)".into(),
        );
    };
    let n = u64::from_le_bytes([a, b, c, d, e, f, g, h]);
    let room = bytes.len() as u64 - 8;
    if n > SAFETENSORS_MAX_HEADER || n > room {
        return Err(format!(
            "not a readable .safetensors file (its header declares {n} bytes but {room} follow)"
        ));
    }
    Ok(())
}

/// One view as a tensor, its shape checked against its bytes before copying.
fn to_tensor(view: &TensorView<'_>) -> std::result::Result<RawTensor, String> {
    let dtype =
        from_dtype(view.dtype()).ok_or_else(|| format!("unsupported dtype {:?}", view.dtype()))?;
    let expected = checked_numel(view.shape())?
        .checked_mul(dtype.size())
        .ok_or_else(|| format!("shape {:?} is too large", view.shape()))?;
    if expected != view.data().len() {
        return Err(format!(
            "shape {:?} of {dtype} needs {expected} bytes but the file holds {}",
            view.shape(),
            view.data().len()
        ));
    }
    RawTensor::new(dtype, view.shape().to_vec(), view.data().to_vec())
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
