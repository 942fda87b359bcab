//! PyTorch `.pt` files written by `torch.save` of a dict of tensors (the zip
//! format of PyTorch ≥ 1.6).
//!
//! The pickle inside is parsed by our own restricted unpickler
//! ([`super::pickle`]), which only builds a tree of values: globals are matched
//! against an allow-list and never imported or called, so a malicious file
//! cannot run code. From that tree we accept exactly the tensor-rebuild calls
//! `torch.save` emits and read each tensor's storage from the archive ourselves
//! (any dtype torch stores, any strides, either byte order), checking every
//! declared size against the archive before allocating.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Seek};
use std::path::Path;

use super::archive::{self, Archive};
use super::limits::view_budget;
use super::pickle::{self, Global, Graph, Node, Value};
use super::tensor::{checked_numel, gather_strided, swap_bytes, DType, RawTensor};
use crate::{Error, Result};

const WHAT: &str = "PyTorch .pt file";

/// Every tensor of a `torch.save`d dict, sorted by key. Values that are not
/// tensors (numbers, strings) are skipped.
pub fn read(path: &Path) -> Result<Vec<(String, RawTensor)>> {
    let mut head = [0u8; 2];
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let n = file.read(&mut head).map_err(|e| Error::io(path, e))?;
    check_not_legacy(path, head.get(..n).unwrap_or_default())?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut zip = archive::open(path, WHAT)?;
    read_archive(&mut zip, path, len)
}

/// [`read`] from the bytes of a `.pt` file; `path` only names it in messages.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<Vec<(String, RawTensor)>> {
    check_not_legacy(path, bytes.get(..2).unwrap_or_default())?;
    let mut zip = archive::from_bytes(bytes, path, WHAT)?;
    read_archive(&mut zip, path, bytes.len() as u64)
}

/// Files saved with `_use_new_zipfile_serialization=False` start with a raw pickle.
fn check_not_legacy(path: &Path, head: &[u8]) -> Result<()> {
    if head.len() == 2 && head.first() == Some(&0x80) {
        return Err(Error::format(
            path,
            "legacy (pre-1.6) torch.save format is not supported; re-save it with a current torch",
        ));
    }
    Ok(())
}

/// The tensors of an opened `.pt` archive of `file_len` bytes.
fn read_archive<R: Read + Seek>(
    zip: &mut Archive<R>,
    path: &Path,
    file_len: u64,
) -> Result<Vec<(String, RawTensor)>> {
    let pickle_name = zip
        .names()
        .into_iter()
        .find(|n| n.ends_with("data.pkl"))
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
    let big_endian = match zip.read(&format!("{dir}byteorder")) {
        Ok(order) => order.trim_ascii() == b"big",
        Err(_) => false,
    };
    let bytes = zip.read(&pickle_name)?;
    let parsed = pickle::parse(&bytes).map_err(|e| {
        Error::format(
            path,
            format!("cannot parse the pickle in {pickle_name}: {e}"),
        )
    })?;
    let entries = root_entries(&parsed.graph, &parsed.root).ok_or_else(|| {
        Error::format(
            path,
            "the file does not hold a dict of tensors (save one with torch.save({'train_modal_1_features': ..., ...}, path))",
        )
    })?;
    let mut loader = Loader {
        zip,
        path,
        dir,
        big_endian,
        budget: view_budget(file_len),
        storages: HashMap::new(),
    };
    let mut out = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let keyed = |m: String| Error::format(path, format!("key '{key}': {m}"));
        let Some(spec) = tensor_spec(&parsed.graph, value).map_err(keyed)? else {
            continue;
        };
        let tensor = loader.load(&spec).map_err(|e| prefix_key(e, &key))?;
        out.push((key, tensor));
    }
    Ok(out)
}

/// The string-keyed entries of the root dict, sorted by key; a key set twice
/// keeps its last value, as in Python. `None` when the root is not a dict.
fn root_entries<'g>(graph: &'g Graph, root: &Value) -> Option<BTreeMap<String, &'g Value>> {
    let Some(Node::Dict(pairs)) = graph.node(root) else {
        return None;
    };
    Some(
        pairs
            .iter()
            .filter_map(|(k, v)| match k {
                Value::Str(k) => Some((k.to_string(), v)),
                _ => None,
            })
            .collect(),
    )
}

/// Where a tensor's data lives and how to view it.
struct TensorSpec {
    dtype: DType,
    storage_key: String,
    /// Elements in the storage, as the pickle declares.
    storage_numel: usize,
    offset: usize,
    shape: Vec<usize>,
    strides: Vec<usize>,
}

/// Recognise `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`
/// (possibly wrapped as a Parameter). `Ok(None)` for values that are not tensors.
fn tensor_spec(graph: &Graph, value: &Value) -> std::result::Result<Option<TensorSpec>, String> {
    let Some(Node::Call { func, args }) = graph.node(value) else {
        return Ok(None);
    };
    let args = match func {
        Global::RebuildParameter => {
            let inner = graph.tuple(args).and_then(|a| a.first());
            match inner.and_then(|v| graph.node(v)) {
                Some(Node::Call {
                    func: Global::RebuildTensorV2,
                    args,
                }) => args,
                _ => return Ok(None),
            }
        }
        _ => args,
    };
    let bad = || "malformed tensor record in the pickle".to_string();
    let [storage, offset, shape, strides, ..] = graph.tuple(args).ok_or_else(bad)? else {
        return Err(bad());
    };
    let Some(Node::PersistentId(pid)) = graph.node(storage) else {
        return Err(bad());
    };
    // ('storage', torch.FloatStorage, key, location, numel)
    let Some([_, Value::Global(Global::Storage(dtype)), Value::Str(key), _, numel, ..]) =
        graph.tuple(pid)
    else {
        return Err(bad());
    };
    Ok(Some(TensorSpec {
        dtype: *dtype,
        storage_key: key.to_string(),
        storage_numel: as_usize(numel).ok_or_else(bad)?,
        offset: as_usize(offset).ok_or_else(bad)?,
        shape: as_usizes(graph, shape).ok_or_else(bad)?,
        strides: as_usizes(graph, strides).ok_or_else(bad)?,
    }))
}

fn as_usize(v: &Value) -> Option<usize> {
    match v {
        Value::Int(i) => usize::try_from(*i).ok(),
        _ => None,
    }
}

fn as_usizes(graph: &Graph, v: &Value) -> Option<Vec<usize>> {
    let items = match graph.node(v)? {
        Node::Tuple(items) | Node::List(items) => items,
        _ => return None,
    };
    items.iter().map(as_usize).collect()
}

/// Reads storages (each once) and cuts tensor views from them within the
/// file's view budget.
struct Loader<'a, R: Read + Seek> {
    zip: &'a mut Archive<R>,
    path: &'a Path,
    dir: String,
    big_endian: bool,
    /// Bytes of tensor data still allowed (see [`view_budget`]).
    budget: u64,
    storages: HashMap<String, Vec<u8>>,
}

impl<R: Read + Seek> Loader<'_, R> {
    /// Read a tensor's storage and view it with its offset and strides.
    fn load(&mut self, spec: &TensorSpec) -> Result<RawTensor> {
        let size = spec.dtype.size();
        let view_bytes = checked_numel(&spec.shape)
            .ok()
            .and_then(|n| n.checked_mul(size))
            .ok_or_else(|| self.err(format!("shape {:?} is too large", spec.shape)))?;
        if view_bytes as u64 > self.budget {
            return Err(self.err(format!(
                "a view of shape {:?} with strides {:?} would take {view_bytes} bytes, more than the file can account for (16 × its size + 1 MiB across all tensors)",
                spec.shape, spec.strides
            )));
        }
        let path = self.path;
        let storage = self.storage(spec)?;
        let bytes = gather_strided(storage, size, &spec.shape, &spec.strides, spec.offset)
            .map_err(|e| Error::format(path, e))?;
        self.budget -= view_bytes as u64;
        RawTensor::new(spec.dtype, spec.shape.clone(), bytes).map_err(|e| self.err(e))
    }

    /// The storage's bytes (in native order), cut to the size the pickle declares
    /// after checking that the archive entry holds that many.
    fn storage(&mut self, spec: &TensorSpec) -> Result<&[u8]> {
        let name = format!("{}data/{}", self.dir, spec.storage_key);
        let size = spec.dtype.size();
        let declared = spec
            .storage_numel
            .checked_mul(size)
            .ok_or_else(|| self.err(format!("storage '{}' is too large", spec.storage_key)))?;
        if !self.storages.contains_key(&name) {
            let held = self.zip.declared_size(&name)?;
            if held < declared as u64 {
                return Err(self.err(format!(
                    "storage '{}' declares {} elements ({declared} bytes) but the archive holds {held} bytes; the file is truncated or corrupt",
                    spec.storage_key, spec.storage_numel
                )));
            }
            let mut bytes = self.zip.read(&name)?;
            if self.big_endian {
                swap_bytes(&mut bytes, size);
            }
            self.storages.insert(name.clone(), bytes);
        }
        let bytes = self
            .storages
            .get(&name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        Ok(bytes.get(..declared).unwrap_or(bytes))
    }

    fn err(&self, message: impl Into<String>) -> Error {
        Error::format(self.path, message)
    }
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
