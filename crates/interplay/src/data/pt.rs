//! PyTorch `.pt` files written by `torch.save` of a dict of tensors (the zip
//! format of PyTorch ≥ 1.6).
//!
//! The pickle inside is parsed by candle's restricted pickle reader, which only
//! builds a tree of values: class references are recorded as names and never
//! imported or called, so a malicious file cannot run code. From that tree we
//! accept exactly the tensor-rebuild calls `torch.save` emits and read each
//! tensor's storage from the archive ourselves (any dtype torch stores, any
//! strides, either byte order).

use candle_core::pickle::{Object, Stack};
use std::io::Cursor;
use std::path::Path;

use super::archive::{self, Archive};
use super::tensor::{gather_strided, swap_bytes, DType, RawTensor};
use crate::{Error, Result};

/// Every tensor of a `torch.save`d dict, sorted by key (the pickle reader does not
/// keep the dict's order). Values that are not
/// tensors (numbers, strings) are skipped.
pub fn read(path: &Path) -> Result<Vec<(String, RawTensor)>> {
    check_not_legacy(path)?;
    let mut zip = archive::open(path, "PyTorch .pt file")?;
    let pickle_name = zip
        .file_names()
        .find(|n| n.ends_with("data.pkl"))
        .map(str::to_string)
        .ok_or_else(|| {
            Error::format(
                path,
                "no data.pkl in the archive; not a file written by torch.save",
            )
        })?;
    let dir = pickle_name
        .strip_suffix("data.pkl")
        .unwrap_or_default()
        .to_string();
    let big_endian = match archive::read_entry(&mut zip, path, &format!("{dir}byteorder")) {
        Ok(order) => order.trim_ascii() == b"big",
        Err(_) => false,
    };
    let pickle = archive::read_entry(&mut zip, path, &pickle_name)?;
    let mut stack = Stack::empty();
    stack.read_loop(&mut Cursor::new(&pickle)).map_err(|e| {
        Error::format(
            path,
            format!("cannot parse the pickle in {pickle_name}: {e}"),
        )
    })?;
    let root = stack.finalize().map_err(|e| {
        Error::format(
            path,
            format!("cannot parse the pickle in {pickle_name}: {e}"),
        )
    })?;
    let Object::Dict(entries) = root else {
        return Err(Error::format(
            path,
            "the file does not hold a dict of tensors (save one with torch.save({'train_modal_1_features': ..., ...}, path))",
        ));
    };
    let mut out = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let Object::Unicode(key) = key else {
            continue;
        };
        let Some(spec) =
            tensor_spec(value).map_err(|msg| Error::format(path, format!("key '{key}': {msg}")))?
        else {
            continue;
        };
        let tensor = load_tensor(&mut zip, path, &dir, &spec, big_endian)
            .map_err(|e| prefix_key(e, &key))?;
        out.push((key, tensor));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Files saved with `_use_new_zipfile_serialization=False` start with a raw pickle.
fn check_not_legacy(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut head = [0u8; 2];
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let n = file.read(&mut head).map_err(|e| Error::io(path, e))?;
    if n == 2 && head[0] == 0x80 {
        return Err(Error::format(
            path,
            "legacy (pre-1.6) torch.save format is not supported; re-save it with a current torch",
        ));
    }
    Ok(())
}

/// Where a tensor's data lives and how to view it.
struct TensorSpec {
    dtype: DType,
    storage_key: String,
    offset: usize,
    shape: Vec<usize>,
    strides: Vec<usize>,
}

/// Recognise `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`
/// (possibly wrapped as a Parameter). `Ok(None)` for values that are not tensors.
fn tensor_spec(value: Object) -> std::result::Result<Option<TensorSpec>, String> {
    let Object::Reduce { callable, args } = value else {
        return Ok(None);
    };
    let (callable, args) = match *callable {
        Object::Class {
            ref module_name,
            ref class_name,
        } if module_name == "torch._utils" && class_name == "_rebuild_parameter" => match *args {
            Object::Tuple(mut a) if !a.is_empty() => match a.swap_remove(0) {
                Object::Reduce { callable, args } => (*callable, *args),
                _ => return Ok(None),
            },
            _ => return Ok(None),
        },
        c => (c, *args),
    };
    match &callable {
        Object::Class {
            module_name,
            class_name,
        } if module_name == "torch._utils" && class_name == "_rebuild_tensor_v2" => {}
        Object::Class {
            module_name,
            class_name,
        } if module_name.starts_with("torch") => {
            return Err(format!(
                "unsupported tensor kind {module_name}.{class_name} (save plain dense CPU tensors)"
            ))
        }
        _ => return Ok(None),
    }
    let bad = || "malformed tensor record in the pickle".to_string();
    let Object::Tuple(a) = args else {
        return Err(bad());
    };
    if a.len() < 4 {
        return Err(bad());
    }
    let Object::PersistentLoad(storage) = &a[0] else {
        return Err(bad());
    };
    let Object::Tuple(storage) = storage.as_ref() else {
        return Err(bad());
    };
    // ('storage', torch.FloatStorage, key, location, numel)
    let (Some(Object::Class { class_name, .. }), Some(Object::Unicode(storage_key))) =
        (storage.get(1), storage.get(2))
    else {
        return Err(bad());
    };
    let dtype = storage_dtype(class_name)?;
    Ok(Some(TensorSpec {
        dtype,
        storage_key: storage_key.clone(),
        offset: as_usize(&a[1]).ok_or_else(bad)?,
        shape: as_usizes(&a[2]).ok_or_else(bad)?,
        strides: as_usizes(&a[3]).ok_or_else(bad)?,
    }))
}

fn storage_dtype(class_name: &str) -> std::result::Result<DType, String> {
    Ok(match class_name {
        "FloatStorage" => DType::F32,
        "DoubleStorage" => DType::F64,
        "HalfStorage" => DType::F16,
        "BFloat16Storage" => DType::BF16,
        "LongStorage" => DType::I64,
        "IntStorage" => DType::I32,
        "ShortStorage" => DType::I16,
        "CharStorage" => DType::I8,
        "ByteStorage" => DType::U8,
        "BoolStorage" => DType::Bool,
        other => return Err(format!("unsupported storage type {other}")),
    })
}

fn as_usize(o: &Object) -> Option<usize> {
    match o {
        Object::Int(v) => usize::try_from(*v).ok(),
        Object::Long(v) => usize::try_from(*v).ok(),
        _ => None,
    }
}

fn as_usizes(o: &Object) -> Option<Vec<usize>> {
    match o {
        Object::Tuple(v) | Object::List(v) => v.iter().map(as_usize).collect(),
        _ => None,
    }
}

/// Read a tensor's storage and view it with its offset and strides.
fn load_tensor(
    zip: &mut Archive,
    path: &Path,
    dir: &str,
    spec: &TensorSpec,
    big_endian: bool,
) -> Result<RawTensor> {
    let mut storage = archive::read_entry(zip, path, &format!("{dir}data/{}", spec.storage_key))?;
    let size = spec.dtype.size();
    if big_endian {
        swap_bytes(&mut storage, size);
    }
    let bytes = gather_strided(&storage, size, &spec.shape, &spec.strides, spec.offset)
        .map_err(|e| Error::format(path, e))?;
    RawTensor::new(spec.dtype, spec.shape.clone(), bytes).map_err(|e| Error::format(path, e))
}

/// Add the key to a format error's message.
fn prefix_key(err: Error, key: &str) -> Error {
    match err {
        Error::Format { path, message } => Error::Format {
            path,
            message: format!("key '{key}': {message}"),
        },
        other => other,
    }
}
