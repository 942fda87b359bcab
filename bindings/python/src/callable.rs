//! A Python callable seen as an interplay [`Model`], so that InterSHAP (and every
//! other model score) can explain any numpy, torch or scikit-learn model.
//!
//! The engine runs with the GIL released; only [`Model::forward`] takes it back, for
//! the duration of one call on a whole batch of rows. A Python exception raised by the
//! callable is kept and re-raised unchanged once the engine returns.

use std::sync::Mutex;

use interplay::model::{Model, OutputKind};
use interplay::Error;
use ndarray::{Array2, ArrayView2};
use numpy::{PyArray2, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::input_pool::InputPool;

/// A Python function from modality batches to class scores.
pub struct CallableModel {
    func: Py<PyAny>,
    dims: Vec<usize>,
    /// The input arrays of the calls, reused (see [`crate::input_pool`]).
    pool: InputPool,
    n_classes: usize,
    kind: OutputKind,
    concat: bool,
    /// The callable returns one column: a binary model's probability (or logit) of
    /// class 1, expanded to two classes.
    single_column: bool,
    raised: Mutex<Option<PyErr>>,
}

/// What the callable's rows are, as the user states it or as read off a first call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    /// Decide from a probe call: rows of non-negative numbers summing to 1 are
    /// probabilities, anything else logits.
    Auto,
    /// The callable returns logits.
    Logits,
    /// The callable returns class probabilities.
    Probabilities,
}

impl Returns {
    /// What a model's rows are, given its output on a few rows (`probe`, one
    /// column for a binary model's class-1 score): as stated, or with
    /// [`Returns::Auto`] probabilities when every row is non-negative numbers
    /// summing to 1 (values in [0, 1] for one column), logits otherwise.
    pub fn kind_of(self, probe: ArrayView2<'_, f32>) -> OutputKind {
        match self {
            Returns::Logits => OutputKind::Logits,
            Returns::Probabilities => OutputKind::Probabilities,
            Returns::Auto => {
                let single_column = probe.ncols() == 1;
                let in_unit =
                    |r: ndarray::ArrayView1<'_, f32>| r.iter().all(|&v| (0.0..=1.0).contains(&v));
                let is_prob = probe.rows().into_iter().all(|r| {
                    in_unit(r)
                        && (single_column
                            || (r.iter().map(|&v| f64::from(v)).sum::<f64>() - 1.0).abs() < 1e-3)
                });
                if is_prob {
                    OutputKind::Probabilities
                } else {
                    OutputKind::Logits
                }
            }
        }
    }

    /// Parse the `returns=` keyword: `auto`, or a model output kind as the library
    /// reads it (`logits`, `probabilities`).
    pub fn parse(s: &str) -> PyResult<Self> {
        if s == "auto" {
            return Ok(Returns::Auto);
        }
        match s.parse::<OutputKind>() {
            Ok(OutputKind::Logits) => Ok(Returns::Logits),
            Ok(OutputKind::Probabilities) => Ok(Returns::Probabilities),
            Err(_) => Err(pyo3::exceptions::PyValueError::new_err(format!(
                "returns must be 'auto', 'logits' or 'probabilities', got '{s}'"
            ))),
        }
    }
}

impl CallableModel {
    /// Wrap `func`, calling it once on the first rows of `probe` (one matrix per
    /// modality) to learn the number of classes and, with [`Returns::Auto`], whether
    /// it returns probabilities.
    pub fn new(
        py: Python<'_>,
        func: &Bound<'_, PyAny>,
        probe: &[ArrayView2<'_, f32>],
        concat: bool,
        returns: Returns,
    ) -> PyResult<Self> {
        if !func.is_callable() {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "model must be a callable, a path to an .onnx file or a built-in model file, got {}",
                func.get_type().name()?
            )));
        }
        let dims = probe.iter().map(|m| m.ncols()).collect();
        let mut model = CallableModel {
            func: func.clone().unbind(),
            dims,
            pool: InputPool::default(),
            n_classes: 0,
            kind: OutputKind::Probabilities,
            concat,
            single_column: false,
            raised: Mutex::new(None),
        };
        let rows = probe.first().map_or(0, |m| m.nrows()).min(8);
        let head: Vec<ArrayView2<'_, f32>> = probe
            .iter()
            .map(|m| m.slice(ndarray::s![..rows, ..]))
            .collect();
        let out = model.call(py, &head)?;
        if out.ncols() < 1 {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "the model returned 0 columns; it must return an N × C array of class scores",
            ));
        }
        model.single_column = out.ncols() == 1;
        model.n_classes = if model.single_column { 2 } else { out.ncols() };
        model.kind = returns.kind_of(out.view());
        Ok(model)
    }

    /// The Python exception the callable raised during the last run, if any.
    pub fn take_raised(&self) -> Option<PyErr> {
        self.raised.lock().ok().and_then(|mut g| g.take())
    }

    /// One call of the Python function with the GIL held, checked to return B × C.
    fn call(&self, py: Python<'_>, inputs: &[ArrayView2<'_, f32>]) -> PyResult<Array2<f32>> {
        let func = self.func.bind(py);
        let (out, given) = if self.concat {
            let joined = self.pool.joined(py, inputs);
            (func.call1((&joined,)), vec![joined])
        } else {
            let arrays = self.pool.each(py, inputs);
            (func.call1((PyList::new(py, &arrays)?,)), arrays)
        };
        let out = out.and_then(|out| self.read_output(py, out, inputs));
        // The output is an owned copy by now, so a view of an input has been
        // released with it.
        self.pool.give_back(py, given);
        out
    }

    /// The callable's result as a checked `B × C` float32 matrix (an owned copy).
    fn read_output(
        &self,
        py: Python<'_>,
        out: Bound<'_, PyAny>,
        inputs: &[ArrayView2<'_, f32>],
    ) -> PyResult<Array2<f32>> {
        let np = numpy::get_array_module(py)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("dtype", "float32")?;
        let arr = np
            .call_method("asarray", (out,), Some(&kwargs))
            .map_err(|e| {
                pyo3::exceptions::PyTypeError::new_err(format!(
                    "the model must return a numeric N × C array ({})",
                    e.value(py)
                ))
            })?;
        let rows = inputs.first().map_or(0, |m| m.nrows());
        let arr = arr.downcast::<PyArray2<f32>>().map_err(|_| {
            pyo3::exceptions::PyValueError::new_err(format!(
                "the model must return a 2-D array of shape ({rows}, C); got shape {}",
                arr.getattr("shape").map_or("?".into(), |s| s.to_string())
            ))
        })?;
        let out = arr.readonly().as_array().to_owned();
        if out.nrows() != rows {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "the model returned {} rows for a batch of {rows}",
                out.nrows()
            )));
        }
        let expected = if self.single_column {
            1
        } else {
            self.n_classes
        };
        if self.n_classes != 0 && out.ncols() != expected {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "the model returned {} columns, but {expected} on its first call",
                out.ncols(),
            )));
        }
        let bad = out
            .rows()
            .into_iter()
            .filter(|r| r.iter().any(|v| !v.is_finite()))
            .count();
        if bad > 0 {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "the Python model returned NaN or infinite scores in {bad} of {rows} rows"
            )));
        }
        Ok(out)
    }

    /// Two class columns from a binary model's single column: `[1 − p, p]` for a
    /// probability, `[0, z]` for a logit (whose softmax is `[1 − σ(z), σ(z)]`).
    fn two_classes(&self, out: Array2<f32>) -> Array2<f32> {
        if !self.single_column {
            return out;
        }
        let mut two = Array2::zeros((out.nrows(), 2));
        for (mut row, &v) in two.rows_mut().into_iter().zip(out.column(0)) {
            row[1] = v;
            row[0] = match self.kind {
                OutputKind::Probabilities => 1.0 - v,
                OutputKind::Logits => 0.0,
            };
        }
        two
    }
}

impl Model for CallableModel {
    fn input_dims(&self) -> Vec<usize> {
        self.dims.clone()
    }

    fn n_classes(&self) -> usize {
        self.n_classes
    }

    fn output_kind(&self) -> OutputKind {
        self.kind
    }

    fn forward(&self, inputs: &[ArrayView2<'_, f32>]) -> interplay::Result<Array2<f32>> {
        Python::with_gil(|py| {
            self.call(py, inputs)
                .map(|out| self.two_classes(out))
                .map_err(|e| {
                    let message = e.to_string();
                    if let Ok(mut slot) = self.raised.lock() {
                        slot.get_or_insert(e);
                    }
                    Error::Model(format!("the Python model raised {message}"))
                })
        })
    }
}
