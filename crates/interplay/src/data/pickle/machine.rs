//! The pickle virtual machine, restricted to the opcodes `torch.save` emits
//! (protocol 2, plus FRAME/MEMOIZE/STACK_GLOBAL/BINUNICODE8 of protocol 4).
//! Any other opcode is refused.

use std::collections::HashMap;
use std::rc::Rc;

use super::globals;
use super::input::Input;
use super::value::{Graph, Node, Value};
use crate::data::limits::{PICKLE_MAX_DEPTH, PICKLE_MAX_MEMO, PICKLE_MAX_NAME, PICKLE_MAX_OPS};

/// The machine's state: the stack, the MARK stack and the memo.
#[derive(Default)]
pub struct Machine {
    /// Every container built so far.
    pub graph: Graph,
    stack: Vec<Value>,
    marks: Vec<Vec<Value>>,
    memo: HashMap<u32, Value>,
}

impl Machine {
    /// Run the pickle in `bytes` to its STOP opcode and return the result.
    pub fn run(&mut self, bytes: &[u8]) -> Result<Value, String> {
        let mut input = Input::new(bytes);
        for _ in 0..PICKLE_MAX_OPS {
            let op = input
                .u8()
                .map_err(|_| "the pickle is truncated (no STOP opcode)".to_string())?;
            if op == b'.' {
                return self.pop();
            }
            self.step(op, &mut input)?;
        }
        Err(format!(
            "the pickle runs more than {PICKLE_MAX_OPS} opcodes"
        ))
    }

    /// Execute one opcode other than STOP.
    fn step(&mut self, op: u8, input: &mut Input) -> Result<(), String> {
        match op {
            0x80 => self.proto(input.u8()?),
            0x95 => input.u64().map(drop), // FRAME: a read-ahead hint
            b'}' => self.push_node(Node::Dict(Vec::new())),
            b']' => self.push_node(Node::List(Vec::new())),
            b')' => self.push_node(Node::Tuple(Vec::new())),
            b'(' => self.mark(),
            b't' => {
                let items = self.pop_mark()?;
                self.push_node(Node::Tuple(items))
            }
            0x85..=0x87 => {
                let items = self.pop_n(usize::from(op - 0x84))?;
                self.push_node(Node::Tuple(items))
            }
            _ => self.step_scalar(op, input),
        }
    }

    /// Opcodes that push scalars or names.
    fn step_scalar(&mut self, op: u8, input: &mut Input) -> Result<(), String> {
        let value = match op {
            b'X' => string(
                input
                    .u32()
                    .map(u64::from)
                    .and_then(|n| input.take_declared(n))?,
            )?,
            0x8c => string(
                input
                    .u8()
                    .map(u64::from)
                    .and_then(|n| input.take_declared(n))?,
            )?,
            0x8d => string(input.u64().and_then(|n| input.take_declared(n))?)?,
            b'J' => Value::Int(i64::from(i32::from_le_bytes(input.array()?))),
            b'K' => Value::Int(i64::from(input.u8()?)),
            b'M' => Value::Int(i64::from(input.u16()?)),
            0x8a => long1(input)?,
            b'G' => Value::Float(f64::from_be_bytes(input.array()?)),
            0x88 => Value::Bool(true),
            0x89 => Value::Bool(false),
            b'N' => Value::None,
            b'c' => {
                let module = name(input.line(PICKLE_MAX_NAME)?)?;
                let name = name(input.line(PICKLE_MAX_NAME)?)?;
                Value::Global(globals::resolve(&module, &name)?)
            }
            _ => return self.step_memo(op, input),
        };
        self.push(value)
    }

    /// Memo opcodes.
    fn step_memo(&mut self, op: u8, input: &mut Input) -> Result<(), String> {
        match op {
            b'q' => self.put(u32::from(input.u8()?)),
            b'r' => self.put(input.u32()?),
            0x94 => self.put(u32::try_from(self.memo.len()).map_err(|_| "memo overflow")?),
            b'h' => self.get(u32::from(input.u8()?)),
            b'j' => self.get(input.u32()?),
            _ => self.step_build(op),
        }
    }

    /// Opcodes that build or fill containers and objects.
    fn step_build(&mut self, op: u8) -> Result<(), String> {
        match op {
            0x93 => {
                let name = self.pop()?;
                let module = self.pop()?;
                let (Value::Str(module), Value::Str(name)) = (module, name) else {
                    return Err("STACK_GLOBAL of values that are not strings".into());
                };
                self.push(Value::Global(globals::resolve(&module, &name)?))
            }
            b'R' | 0x81 => {
                let args = self.pop()?;
                let callable = self.pop()?;
                let result = globals::call(&mut self.graph, &callable, args)?;
                self.push(result)
            }
            b'b' => self.pop().map(drop), // BUILD: sets attributes we never read
            b'Q' => {
                let pid = self.pop()?;
                self.push_node(Node::PersistentId(pid))
            }
            b'a' => {
                let item = self.pop()?;
                let target = self.top()?.clone();
                self.graph.append(&target, vec![item])
            }
            b'e' => {
                let items = self.pop_mark()?;
                let target = self.top()?.clone();
                self.graph.append(&target, items)
            }
            b's' => {
                let value = self.pop()?;
                let key = self.pop()?;
                let target = self.top()?.clone();
                self.graph.set_items(&target, vec![(key, value)])
            }
            b'u' => {
                let items = self.pop_mark()?;
                let target = self.top()?.clone();
                self.graph.set_items(&target, pairs(items)?)
            }
            _ => Err(format!(
                "refused pickle opcode 0x{op:02x}: not one torch.save writes for a dict of tensors"
            )),
        }
    }

    fn proto(&mut self, version: u8) -> Result<(), String> {
        if (2..=5).contains(&version) {
            Ok(())
        } else {
            Err(format!("unsupported pickle protocol {version}"))
        }
    }

    fn mark(&mut self) -> Result<(), String> {
        if self.marks.len() >= PICKLE_MAX_DEPTH as usize {
            return Err(format!(
                "MARKs nested deeper than {PICKLE_MAX_DEPTH} levels"
            ));
        }
        self.marks.push(std::mem::take(&mut self.stack));
        Ok(())
    }

    /// The items pushed since the last MARK, which is removed.
    fn pop_mark(&mut self) -> Result<Vec<Value>, String> {
        let outer = self
            .marks
            .pop()
            .ok_or("an opcode needs a MARK but none is set")?;
        Ok(std::mem::replace(&mut self.stack, outer))
    }

    fn pop_n(&mut self, n: usize) -> Result<Vec<Value>, String> {
        let at = self
            .stack
            .len()
            .checked_sub(n)
            .ok_or("the pickle stack underflows")?;
        Ok(self.stack.split_off(at))
    }

    fn push(&mut self, value: Value) -> Result<(), String> {
        self.stack.push(value);
        Ok(())
    }

    fn push_node(&mut self, node: Node) -> Result<(), String> {
        let value = self.graph.add(node)?;
        self.push(value)
    }

    fn pop(&mut self) -> Result<Value, String> {
        self.stack
            .pop()
            .ok_or_else(|| "the pickle stack underflows".into())
    }

    fn top(&self) -> Result<&Value, String> {
        self.stack
            .last()
            .ok_or_else(|| "the pickle stack underflows".into())
    }

    fn put(&mut self, index: u32) -> Result<(), String> {
        if self.memo.len() >= PICKLE_MAX_MEMO && !self.memo.contains_key(&index) {
            return Err(format!("the pickle memo exceeds {PICKLE_MAX_MEMO} entries"));
        }
        let value = self.top()?.clone();
        self.memo.insert(index, value);
        Ok(())
    }

    fn get(&mut self, index: u32) -> Result<(), String> {
        let value =
            self.memo.get(&index).cloned().ok_or_else(|| {
                format!("the pickle reads memo entry {index}, which was never set")
            })?;
        self.push(value)
    }
}

/// A UTF-8 string value.
fn string(bytes: &[u8]) -> Result<Value, String> {
    std::str::from_utf8(bytes)
        .map(|s| Value::Str(Rc::from(s)))
        .map_err(|_| "a pickled string is not valid UTF-8".into())
}

/// A GLOBAL module or class name.
fn name(bytes: &[u8]) -> Result<String, String> {
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|_| "a GLOBAL name is not valid UTF-8".into())
}

/// LONG1: a little-endian two's-complement integer of up to 8 bytes.
fn long1(input: &mut Input) -> Result<Value, String> {
    let n = usize::from(input.u8()?);
    if n > 8 {
        return Err(format!(
            "a pickled integer of {n} bytes does not fit in 64 bits"
        ));
    }
    let bytes = input.take(n)?;
    let negative = bytes.last().is_some_and(|&b| b & 0x80 != 0);
    let mut buf = [if negative { 0xff } else { 0 }; 8];
    buf[..n].copy_from_slice(bytes);
    Ok(Value::Int(i64::from_le_bytes(buf)))
}

/// SETITEMS' flat key, value, key, value ... list as pairs.
fn pairs(items: Vec<Value>) -> Result<Vec<(Value, Value)>, String> {
    if !items.len().is_multiple_of(2) {
        return Err("SETITEMS with an odd number of items".into());
    }
    let mut out = Vec::with_capacity(items.len() / 2);
    let mut it = items.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        out.push((k, v));
    }
    Ok(out)
}
