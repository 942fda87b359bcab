//! The values a restricted pickle builds: scalars, allow-listed global names and
//! containers held in an arena.
//!
//! Containers live in a flat [`Graph`] and values refer to them by index, so a
//! memoised container reached a million times is stored once, cycles cannot leak,
//! and dropping or walking the result never recurses.

use std::rc::Rc;

use super::super::limits::{PICKLE_MAX_DEPTH, PICKLE_MAX_EXPANDED};
use crate::data::tensor::DType;

/// The only globals a `.pt` pickle may name. Anything else is refused when the
/// GLOBAL opcode is read, so no other name can even reach the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Global {
    /// `collections.OrderedDict`: calling it makes an empty dict.
    OrderedDict,
    /// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`.
    RebuildTensorV2,
    /// `torch._utils._rebuild_parameter(tensor, requires_grad, hooks)`.
    RebuildParameter,
    /// A typed storage class such as `torch.FloatStorage`, named in the
    /// persistent id of a storage.
    Storage(DType),
}

/// One pickle value. Cloning is cheap: strings are shared and containers are
/// referenced by index.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `None`.
    None,
    /// `True` or `False`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(Rc<str>),
    /// An allow-listed global name (never imported or called).
    Global(Global),
    /// A container in the [`Graph`].
    Node(usize),
}

/// A container or the recorded result of an allowed call.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A tuple.
    Tuple(Vec<Value>),
    /// A list.
    List(Vec<Value>),
    /// A dict as its (key, value) pairs in insertion order; later pairs win.
    Dict(Vec<(Value, Value)>),
    /// `func(*args)` for a rebuild function, recorded, not run.
    Call {
        /// The function.
        func: Global,
        /// Its argument tuple.
        args: Value,
    },
    /// A persistent id (what `torch.save` uses to point at a storage).
    PersistentId(Value),
}

/// A node plus the bookkeeping the limits need.
#[derive(Debug)]
struct Slot {
    node: Node,
    /// Values reached from here, counting shared ones each time (saturating).
    expanded: u64,
    /// Nesting depth below this node.
    depth: u32,
}

/// The arena of every container a pickle built.
#[derive(Debug, Default)]
pub struct Graph {
    slots: Vec<Slot>,
}

impl Graph {
    /// The node a value refers to, if it is one.
    pub fn node(&self, value: &Value) -> Option<&Node> {
        match value {
            Value::Node(id) => self.slots.get(*id).map(|s| &s.node),
            _ => None,
        }
    }

    /// The items of a tuple value.
    pub fn tuple(&self, value: &Value) -> Option<&[Value]> {
        match self.node(value)? {
            Node::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// Add a node built from `children`, checking depth and expanded size.
    pub fn add(&mut self, node: Node) -> Result<Value, String> {
        let (expanded, depth) = self.measure(&node)?;
        self.slots.push(Slot {
            node,
            expanded,
            depth,
        });
        Ok(Value::Node(self.slots.len() - 1))
    }

    /// Append items to the list `target`.
    pub fn append(&mut self, target: &Value, items: Vec<Value>) -> Result<(), String> {
        let id = self.container(target)?;
        let grow = self.grow(&items)?;
        let slot = self.slot_mut(id)?;
        let Node::List(list) = &mut slot.node else {
            return Err("APPEND to a value that is not a list".into());
        };
        list.extend(items);
        Self::account(slot, grow)
    }

    /// Insert (key, value) pairs into the dict `target`.
    pub fn set_items(&mut self, target: &Value, pairs: Vec<(Value, Value)>) -> Result<(), String> {
        let id = self.container(target)?;
        let flat: Vec<Value> = pairs
            .iter()
            .flat_map(|(k, v)| [k.clone(), v.clone()])
            .collect();
        let grow = self.grow(&flat)?;
        let slot = self.slot_mut(id)?;
        let Node::Dict(dict) = &mut slot.node else {
            return Err("SETITEM on a value that is not a dict".into());
        };
        dict.extend(pairs);
        Self::account(slot, grow)
    }

    /// Expanded size and depth of a new node.
    fn measure(&self, node: &Node) -> Result<(u64, u32), String> {
        let (expanded, depth) = match node {
            Node::Tuple(v) | Node::List(v) => self.grow(v)?,
            Node::Dict(pairs) => {
                let flat: Vec<Value> = pairs
                    .iter()
                    .flat_map(|(k, v)| [k.clone(), v.clone()])
                    .collect();
                self.grow(&flat)?
            }
            Node::Call { args, .. } => self.grow(std::slice::from_ref(args))?,
            Node::PersistentId(v) => self.grow(std::slice::from_ref(v))?,
        };
        Ok((expanded.saturating_add(1), depth))
    }

    /// Expanded size and depth (plus one) that `items` add to a container.
    fn grow(&self, items: &[Value]) -> Result<(u64, u32), String> {
        let mut expanded = 0u64;
        let mut depth = 0u32;
        for item in items {
            let (e, d) = match item {
                Value::Node(id) => {
                    let s = self.slots.get(*id).ok_or("dangling reference")?;
                    (s.expanded, s.depth)
                }
                _ => (1, 0),
            };
            expanded = expanded.saturating_add(e);
            depth = depth.max(d.saturating_add(1));
        }
        check(expanded, depth)?;
        Ok((expanded, depth))
    }

    /// Add what new items contribute to a container's bookkeeping.
    fn account(slot: &mut Slot, (expanded, depth): (u64, u32)) -> Result<(), String> {
        slot.expanded = slot.expanded.saturating_add(expanded);
        slot.depth = slot.depth.max(depth);
        check(slot.expanded, slot.depth)
    }

    fn container(&self, target: &Value) -> Result<usize, String> {
        match target {
            Value::Node(id) if *id < self.slots.len() => Ok(*id),
            _ => Err("the target of APPEND/SETITEM is not a container".into()),
        }
    }

    fn slot_mut(&mut self, id: usize) -> Result<&mut Slot, String> {
        self.slots
            .get_mut(id)
            .ok_or_else(|| "dangling reference".into())
    }
}

/// Refuse values nested too deeply or expanding too far.
fn check(expanded: u64, depth: u32) -> Result<(), String> {
    if depth > PICKLE_MAX_DEPTH {
        return Err(format!(
            "containers nested deeper than {PICKLE_MAX_DEPTH} levels"
        ));
    }
    if expanded > PICKLE_MAX_EXPANDED {
        return Err(format!(
            "the object graph expands to more than {PICKLE_MAX_EXPANDED} values (a memo bomb)"
        ));
    }
    Ok(())
}
