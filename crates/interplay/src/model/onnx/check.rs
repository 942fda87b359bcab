//! Checks on an ONNX file before tract sees it.
//!
//! tract trusts the graph: it allocates whatever an initializer's dims or a
//! constant shape input declare (a `ConstantOfShape` of shape [4·10^13] asks for
//! 160 TB), follows external-data locations anywhere on disk, slices external
//! files without bounds checks and panics on unknown tensor types. So the
//! protobuf is decoded here first and every tensor, constant-driven shape,
//! external file and subgraph is bounded; only then is the model parsed, with
//! any panic that still escapes tract turned into an error.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Component, Path, PathBuf};

use tract_onnx::pb::tensor_proto::{DataLocation, DataType};
use tract_onnx::pb::{GraphProto, ModelProto, NodeProto, TensorProto};
use tract_onnx::prelude::*;

use crate::{Error, Result};

/// Largest ONNX file read: protobuf messages cannot exceed 2 GiB.
pub const MAX_FILE_BYTES: u64 = 2 << 30;
/// Most elements of one tensor, stored or created by an operator (2^28: 1 GiB of
/// f32), well above any classifier layer but far below what exhausts memory.
pub const MAX_ELEMENTS: f64 = (1u64 << 28) as f64;
/// Most bytes of all stored tensors together, external data included (4 GiB).
pub const MAX_TOTAL_BYTES: u128 = 1 << 32;
/// Most nodes, all subgraphs included: large transformers have a few 10^4.
pub const MAX_NODES: usize = 200_000;
/// Deepest nesting of subgraphs (If/Loop/Scan bodies).
pub const MAX_DEPTH: usize = 16;

/// Read `path`, check it and parse it into a tract inference model.
pub fn load_checked(path: &Path) -> Result<InferenceModel> {
    let proto = read_proto(path)?;
    let dir = model_dir(path)?;
    let graph = proto
        .graph
        .as_ref()
        .filter(|g| !g.node.is_empty())
        .ok_or_else(|| Error::format(path, "ONNX model: the file holds no graph"))?;
    let mut checker = Checker {
        path,
        dir: &dir,
        nodes: 0,
        bytes: 0,
    };
    checker.graph(graph, 0)?;
    let parsed = no_panic(path, "parsing the graph", || {
        tract_onnx::onnx().parse(&proto, dir.to_str())
    })?;
    if !parsed.unresolved_inputs.is_empty() {
        return Err(Error::format(
            path,
            format!(
                "ONNX model: inputs used but never defined: {:?}",
                parsed.unresolved_inputs
            ),
        ));
    }
    Ok(parsed.model)
}

/// `f()`, with a tract error or a panic (`while` says during what) turned into a
/// format error on `path`: the last line of defence against malformed graphs.
pub fn no_panic<T>(path: &Path, during: &str, f: impl FnOnce() -> TractResult<T>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(Error::format(path, format!("ONNX model: {e}"))),
        Err(_) => Err(Error::format(
            path,
            format!(
                "ONNX model: tract failed while {during}: the graph is malformed or unsupported"
            ),
        )),
    }
}

/// The decoded protobuf, refused unread when over [`MAX_FILE_BYTES`].
fn read_proto(path: &Path) -> Result<ModelProto> {
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(Error::format(
            path,
            format!("ONNX model: {size} bytes, more than protobuf's limit of {MAX_FILE_BYTES}"),
        ));
    }
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    tract_onnx::onnx()
        .proto_model_for_read(&mut file)
        .map_err(|e| {
            // prost lists every enclosing message; the last part says what broke.
            let text = e.to_string();
            let what = text.rsplit(": ").next().unwrap_or(&text).to_string();
            Error::format(path, format!("not an ONNX model (or truncated): {what}"))
        })
}

/// The canonical folder of the model, which external data must stay inside.
fn model_dir(path: &Path) -> Result<PathBuf> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    parent.canonicalize().map_err(|e| Error::io(parent, e))
}

/// Running totals of one model's check.
struct Checker<'a> {
    path: &'a Path,
    dir: &'a Path,
    nodes: usize,
    bytes: u128,
}

impl Checker<'_> {
    fn fail(&self, message: String) -> Error {
        Error::format(self.path, format!("ONNX model: {message}"))
    }

    /// Check a graph, its stored tensors, its nodes and their subgraphs.
    fn graph(&mut self, graph: &GraphProto, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(self.fail(format!("subgraphs nested deeper than {MAX_DEPTH}")));
        }
        self.nodes += graph.node.len();
        if self.nodes > MAX_NODES {
            return Err(self.fail(format!("more than {MAX_NODES} nodes")));
        }
        if !graph.sparse_initializer.is_empty() {
            return Err(self.fail("sparse initializers are not supported".into()));
        }
        let mut consts: HashMap<&str, &TensorProto> = HashMap::new();
        for t in &graph.initializer {
            self.tensor(t)?;
            consts.insert(t.name.as_str(), t);
        }
        for node in &graph.node {
            self.node(node, depth)?;
            if node.op_type == "Constant" {
                let value = node.attribute.iter().find(|a| a.name == "value");
                if let (Some(out), Some(t)) =
                    (node.output.first(), value.and_then(|a| a.t.as_ref()))
                {
                    consts.insert(out.as_str(), t);
                }
            }
            self.created_elements(node, &consts)?;
        }
        Ok(())
    }

    /// Check a node's tensor and subgraph attributes.
    fn node(&mut self, node: &NodeProto, depth: usize) -> Result<()> {
        for a in &node.attribute {
            if a.sparse_tensor.is_some() || !a.sparse_tensors.is_empty() {
                return Err(self.fail(format!(
                    "node '{}' ({}): sparse tensor attributes are not supported",
                    node.name, node.op_type
                )));
            }
            for t in a.t.iter().chain(&a.tensors) {
                self.tensor(t)?;
            }
            for g in a.g.iter().chain(&a.graphs) {
                self.graph(g, depth + 1)?;
            }
        }
        Ok(())
    }
}

/// Bytes per element of the types tract can load from raw bytes; `None` for the
/// others (tract panics on complex, bfloat16 and float8 tensors).
fn element_size(dt: DataType) -> Option<u128> {
    match dt {
        DataType::Uint8 | DataType::Int8 | DataType::Bool => Some(1),
        DataType::Uint16 | DataType::Int16 | DataType::Float16 => Some(2),
        DataType::Uint32 | DataType::Int32 | DataType::Float => Some(4),
        DataType::Uint64 | DataType::Int64 | DataType::Double => Some(8),
        _ => None,
    }
}

/// How many values of a non-raw, non-external tensor tract reads, from the field
/// it reads them from.
fn typed_len(t: &TensorProto, dt: DataType) -> usize {
    match dt {
        DataType::Float => t.float_data.len(),
        DataType::Double => t.double_data.len(),
        DataType::Int64 | DataType::Uint64 => t.int64_data.len(),
        DataType::String => t.string_data.len(),
        _ => t.int32_data.len(),
    }
}

impl Checker<'_> {
    /// A stored tensor's type is loadable, its dims are non-negative and bounded,
    /// and its data holds exactly what the dims declare.
    fn tensor(&mut self, t: &TensorProto) -> Result<()> {
        let name = &t.name;
        let dt = DataType::from_i32(t.data_type)
            .filter(|&d| d == DataType::String || element_size(d).is_some())
            .ok_or_else(|| {
                self.fail(format!(
                    "tensor '{name}' has unsupported data type {}",
                    t.data_type
                ))
            })?;
        if t.dims.iter().any(|&d| d < 0) {
            return Err(self.fail(format!("tensor '{name}' has negative dims {:?}", t.dims)));
        }
        let elements: f64 = t.dims.iter().map(|&d| d as f64).product();
        if elements > MAX_ELEMENTS {
            return Err(self.fail(format!(
                "tensor '{name}' declares dims {:?}, more than {MAX_ELEMENTS} elements",
                t.dims
            )));
        }
        let elements = elements as u128;
        let bytes = match element_size(dt) {
            Some(size) => elements * size,
            None => t.string_data.iter().map(|s| s.len() as u128).sum(),
        };
        self.tensor_data(t, dt, elements, bytes)?;
        self.bytes += bytes;
        if self.bytes > MAX_TOTAL_BYTES {
            return Err(self.fail(format!(
                "stored tensors exceed {MAX_TOTAL_BYTES} bytes in all"
            )));
        }
        Ok(())
    }

    /// The tensor's data, wherever it is, has the size its dims declare.
    fn tensor_data(
        &self,
        t: &TensorProto,
        dt: DataType,
        elements: u128,
        bytes: u128,
    ) -> Result<()> {
        let name = &t.name;
        let external = t.data_location == Some(DataLocation::External as i32);
        let (held, unit) = if !t.raw_data.is_empty() {
            if dt == DataType::String {
                return Err(self.fail(format!("string tensor '{name}' has raw data")));
            }
            (t.raw_data.len() as u128, "bytes")
        } else if external {
            if dt == DataType::String {
                return Err(self.fail(format!("string tensor '{name}' has external data")));
            }
            (self.external(t)?, "bytes")
        } else {
            return match typed_len(t, dt) as u128 {
                n if n == elements => Ok(()),
                n => Err(self.fail(format!(
                    "tensor '{name}' declares dims {:?} ({elements} values) but holds {n}",
                    t.dims
                ))),
            };
        };
        if held != bytes {
            return Err(self.fail(format!(
                "tensor '{name}' declares dims {:?} ({bytes} bytes) but holds {held} {unit}",
                t.dims
            )));
        }
        Ok(())
    }

    /// Length in bytes of a tensor's external data, after checking that its file
    /// is a regular file inside the model's folder (no absolute path, no `..`, no
    /// symlink out) and that offset and length lie within it.
    fn external(&self, t: &TensorProto) -> Result<u128> {
        let name = &t.name;
        let entry = |k: &str| {
            t.external_data
                .iter()
                .find(|e| e.key == k)
                .map(|e| e.value.as_str())
        };
        let location = entry("location").ok_or_else(|| {
            self.fail(format!("tensor '{name}' has external data but no location"))
        })?;
        let relative = Path::new(location);
        let plain = relative
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if !plain || relative.as_os_str().is_empty() {
            return Err(self.fail(format!(
                "tensor '{name}': external data location '{location}' must be a relative path inside the model's folder"
            )));
        }
        let file = self.dir.join(relative).canonicalize().map_err(|e| {
            self.fail(format!(
                "tensor '{name}': external data file '{location}': {e}"
            ))
        })?;
        let meta = std::fs::metadata(&file).ok().filter(|m| m.is_file());
        let size = match meta {
            Some(m) if file.starts_with(self.dir) => u128::from(m.len()),
            _ => {
                return Err(self.fail(format!(
                    "tensor '{name}': external data location '{location}' is not a file inside the model's folder"
                )))
            }
        };
        let number = |k: &str| -> Result<Option<u128>> {
            entry(k)
                .map(|v| {
                    v.trim().parse::<u64>().map(u128::from).map_err(|_| {
                        self.fail(format!(
                            "tensor '{name}': external data {k} '{v}' is not a whole number"
                        ))
                    })
                })
                .transpose()
        };
        let offset = number("offset")?.unwrap_or(0);
        let length = number("length")?.unwrap_or(size.saturating_sub(offset));
        if offset + length > size {
            return Err(self.fail(format!(
                "tensor '{name}': external data bytes {offset}..{} lie beyond the end of '{location}' ({size} bytes)",
                offset + length
            )));
        }
        Ok(length)
    }
}

/// The numbers in a small integer or float tensor (shapes, scales, Range bounds),
/// read from raw bytes or the typed field; `None` for anything else.
fn numbers(t: &TensorProto) -> Option<Vec<f64>> {
    const MAX_LEN: usize = 64;
    let dt = DataType::from_i32(t.data_type)?;
    let raw = &t.raw_data;
    let values: Vec<f64> = match dt {
        DataType::Int64 if !raw.is_empty() => raw
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8])) as f64)
            .collect(),
        DataType::Int32 if !raw.is_empty() => raw
            .chunks_exact(4)
            .map(|c| f64::from(i32::from_le_bytes(c.try_into().unwrap_or([0; 4]))))
            .collect(),
        DataType::Float if !raw.is_empty() => raw
            .chunks_exact(4)
            .map(|c| f64::from(f32::from_le_bytes(c.try_into().unwrap_or([0; 4]))))
            .collect(),
        DataType::Double if !raw.is_empty() => raw
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
            .collect(),
        DataType::Int64 => t.int64_data.iter().map(|&v| v as f64).collect(),
        DataType::Int32 => t.int32_data.iter().map(|&v| f64::from(v)).collect(),
        DataType::Float => t.float_data.iter().map(|&v| f64::from(v)).collect(),
        DataType::Double => t.double_data.clone(),
        _ => return None,
    };
    (values.len() <= MAX_LEN).then_some(values)
}

/// Product of a shape-like list; infinite when an entry is negative or not a
/// number, so that such a list is refused rather than wrapped to a huge size.
fn shape_product(values: &[f64]) -> f64 {
    values
        .iter()
        .map(|&v| if v >= 0.0 { v } else { f64::INFINITY })
        .product()
}

/// Elements of `Range(start, limit, delta)`; infinite for a zero or NaN delta.
fn range_len(bounds: &[Vec<f64>]) -> Option<f64> {
    match bounds {
        [s, l, d] if s.len() == 1 && l.len() == 1 && d.len() == 1 => {
            let n = ((l[0] - s[0]) / d[0]).ceil();
            Some(if n.is_nan() {
                f64::INFINITY
            } else {
                n.max(0.0)
            })
        }
        _ => None,
    }
}

impl Checker<'_> {
    /// Refuse a node whose constant shape, repeat, scale or range inputs make it
    /// create more than [`MAX_ELEMENTS`] elements (a lower bound of its output
    /// size, whatever its other inputs are). Inputs computed at run time cannot be
    /// checked here.
    fn created_elements(
        &self,
        node: &NodeProto,
        consts: &HashMap<&str, &TensorProto>,
    ) -> Result<()> {
        let input = |i: usize| {
            node.input
                .get(i)
                .and_then(|n| consts.get(n.as_str()))
                .and_then(|t| numbers(t))
        };
        let implied = match node.op_type.as_str() {
            "ConstantOfShape" => input(0).map(|v| shape_product(&v)),
            "Expand" | "Tile" => input(1).map(|v| shape_product(&v)),
            "Upsample" => input(1).map(|v| shape_product(&v)),
            "Resize" => input(3).or_else(|| input(2)).map(|v| shape_product(&v)),
            "Range" => (0..3)
                .map(input)
                .collect::<Option<Vec<_>>>()
                .and_then(|b| range_len(&b)),
            _ => None,
        };
        match implied {
            Some(n) if n.is_nan() || n > MAX_ELEMENTS => Err(self.fail(format!(
                "node '{}' ({}) would create {n:e} elements, more than the limit of {MAX_ELEMENTS:e}",
                node.name, node.op_type
            ))),
            _ => Ok(()),
        }
    }
}
