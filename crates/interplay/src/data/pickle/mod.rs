//! A restricted unpickler for the `data.pkl` inside PyTorch `.pt` files.
//!
//! It understands only what `torch.save` writes for a dict of tensors (nested
//! dicts, lists and tuples of numbers, strings, booleans and `None`, plus
//! `collections.OrderedDict`, the tensor-rebuild functions and storage classes
//! reached through persistent ids). Globals are matched against an allow-list
//! and kept as names; no code is ever run. Unknown opcodes and globals are
//! refused, and the limits in [`crate::data::limits`] bound depth, memo size,
//! opcode count, string lengths and how far shared values may expand.

mod globals;
mod input;
mod machine;
mod value;

pub use value::{Global, Graph, Node, Value};

/// A parsed pickle: its result and the containers it refers to.
#[derive(Debug)]
pub struct Pickle {
    /// The value the pickle returns (the dict `torch.save` was given).
    pub root: Value,
    /// Every container the pickle built; [`Value::Node`] indexes into it.
    pub graph: Graph,
}

/// Run the restricted unpickler over `bytes`. Errors are plain messages; the
/// caller adds the file name.
pub fn parse(bytes: &[u8]) -> Result<Pickle, String> {
    let mut machine = machine::Machine::default();
    let root = machine.run(bytes)?;
    Ok(Pickle {
        root,
        graph: machine.graph,
    })
}
