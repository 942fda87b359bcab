//! The allow-list of globals and what "calling" each one means. Nothing is ever
//! imported or executed: a name outside the list is refused, and calls to the
//! rebuild functions are only recorded for the `.pt` reader to interpret.

use super::value::{Global, Graph, Node, Value};
use crate::data::tensor::DType;

/// The allowed global `module.name`, or an error naming it.
pub fn resolve(module: &str, name: &str) -> Result<Global, String> {
    let global = match (module, name) {
        ("collections", "OrderedDict") => Global::OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2") => Global::RebuildTensorV2,
        ("torch._utils", "_rebuild_parameter") => Global::RebuildParameter,
        ("torch", storage) => Global::Storage(storage_dtype(storage).ok_or_else(|| {
            format!("refused global torch.{storage}: not a supported storage type")
        })?),
        _ => {
            return Err(format!(
                "refused global {module}.{name}: only plain tensors, dicts, lists and numbers may be pickled"
            ))
        }
    };
    Ok(global)
}

/// The element type of a typed storage class.
fn storage_dtype(class_name: &str) -> Option<DType> {
    Some(match class_name {
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
        _ => return None,
    })
}

/// The result of `callable(*args)` (REDUCE) or `callable.__new__(callable, *args)`
/// (NEWOBJ): an empty dict for `OrderedDict()`, a recorded call for the rebuild
/// functions, and an error for anything else.
pub fn call(graph: &mut Graph, callable: &Value, args: Value) -> Result<Value, String> {
    let Value::Global(func) = callable else {
        return Err("REDUCE of a value that is not a global".into());
    };
    if graph.tuple(&args).is_none() {
        return Err("REDUCE arguments are not a tuple".into());
    }
    match func {
        Global::OrderedDict => {
            if graph.tuple(&args).is_some_and(|a| !a.is_empty()) {
                return Err("OrderedDict called with arguments".into());
            }
            graph.add(Node::Dict(Vec::new()))
        }
        Global::RebuildTensorV2 | Global::RebuildParameter => {
            graph.add(Node::Call { func: *func, args })
        }
        Global::Storage(_) => Err("a storage class may not be called".into()),
    }
}
