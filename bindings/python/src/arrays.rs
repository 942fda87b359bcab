//! Conversions between numpy arrays and the library's ndarray matrices, with the
//! checks that make a wrong shape or dtype fail with a message naming the argument.

use interplay::data::{Part, Split, SplitParts};
use ndarray::Array2;
use numpy::{PyArray1, PyArray2, PyArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::to_py_err;

/// `numpy.asarray(obj, dtype=dtype)`, so that lists, other dtypes and objects with
/// `__array__` (torch tensors on the CPU, pandas frames) are all accepted.
///
/// Complex numbers are refused rather than losing their imaginary part, and
/// strings or objects rather than being parsed.
fn as_numpy<'py>(obj: &Bound<'py, PyAny>, dtype: &str, what: &str) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    let np = numpy::get_array_module(py)?;
    let native = np.call_method1("asarray", (obj,)).map_err(|e| {
        PyTypeError::new_err(format!(
            "{what} must be a numeric array-like ({})",
            e.value(py)
        ))
    })?;
    let kind: String = native.getattr("dtype")?.getattr("kind")?.extract()?;
    match kind.as_str() {
        "c" => {
            return Err(PyValueError::new_err(format!(
                "{what} holds complex numbers; pass real values"
            )))
        }
        "b" | "i" | "u" | "f" => {}
        _ => {
            return Err(PyTypeError::new_err(format!(
                "{what} must be a numeric array-like, got an array of dtype {}",
                native.getattr("dtype")?
            )))
        }
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("dtype", dtype)?;
    np.call_method("asarray", (native,), Some(&kwargs))
        .map_err(|e| {
            PyTypeError::new_err(format!(
                "{what} must be a numeric array-like ({})",
                e.value(py)
            ))
        })
}

/// A 2-D float32 matrix from any array-like; a 1-D array is read as one column.
pub fn matrix_f32(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Array2<f32>> {
    let arr = as_numpy(obj, "float32", what)?;
    if let Ok(a) = arr.downcast::<PyArray2<f32>>() {
        return Ok(a.readonly().as_array().to_owned());
    }
    if let Ok(a) = arr.downcast::<PyArray1<f32>>() {
        let v = a.readonly().as_array().to_owned();
        let n = v.len();
        return v
            .into_shape_with_order((n, 1))
            .map_err(|e| PyValueError::new_err(e.to_string()));
    }
    let ndim: usize = arr.getattr("ndim")?.extract()?;
    Err(PyValueError::new_err(format!(
        "{what} must be a 2-D array (samples × features), got {ndim} dimensions"
    )))
}

/// Class labels `0..C` from an integer array-like of one dimension, with the file
/// readers' rule and message (`y: label at row 3 is 2.5, not an integer class id`);
/// the class limit is checked again with the split ([`split`]).
pub fn labels(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<usize>> {
    let arr = as_numpy(obj, "float64", what)?;
    let a = arr.downcast::<PyArray1<f64>>().map_err(|_| {
        PyValueError::new_err(format!("{what} must be a 1-D array of class labels"))
    })?;
    let view = a.readonly();
    let values = view.as_array();
    // The same rule as the file readers, so the CLI and Python agree.
    let limit = interplay::data::validate::class_limit(values.len());
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            interplay::data::validate::class_id(v, limit)
                .map_err(|msg| PyValueError::new_err(format!("{what}: label at row {i} {msg}")))
        })
        .collect()
}

/// Discrete outcome codes (any integers ≥ 0, up to 2⁵³): the PID relabels them to
/// dense indices, so their size does not matter.
pub fn symbols(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<usize>> {
    let arr = as_numpy(obj, "float64", what)?;
    let a = arr.downcast::<PyArray1<f64>>().map_err(|_| {
        PyValueError::new_err(format!("{what} must be a 1-D array of integer codes"))
    })?;
    let view = a.readonly();
    view.as_array()
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_992.0 {
                Ok(v as usize)
            } else {
                Err(PyValueError::new_err(format!(
                    "{what}[{i}] = {v} is not a class label or code (codes are integers 0 or more)"
                )))
            }
        })
        .collect()
}

/// A list of modality matrices from a sequence of array-likes.
pub fn modalities(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Array2<f32>>> {
    if obj.downcast::<pyo3::types::PyString>().is_ok() || !obj.hasattr("__len__")? {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a list of arrays, one N × d_m array per modality"
        )));
    }
    let items: Vec<Bound<'_, PyAny>> = obj.try_iter()?.collect::<PyResult<_>>()?;
    items
        .iter()
        .enumerate()
        .map(|(k, m)| matrix_f32(m, &format!("{what}[{k}]")))
        .collect()
}

/// A library report as the Python dictionary of its JSON document: the same keys
/// and values as the command line's `--json` (floats round-trip exactly).
pub fn report_dict<'py>(
    py: Python<'py>,
    report: &impl serde::Serialize,
) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(report)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    py.import("json")?.call_method1("loads", (text,))
}

/// A numpy array that owns a copy of `m`.
pub fn to_numpy<'py, T: numpy::Element + Clone, D: ndarray::Dimension>(
    py: Python<'py>,
    m: ndarray::Array<T, D>,
) -> Bound<'py, numpy::PyArray<T, D>> {
    numpy::PyArray::from_owned_array(py, m)
}

/// A split from Python arrays, through the library's one validating constructor
/// ([`Split::from_parts`]): the same checks and messages as a file read by the CLI
/// (rows, NaN/Inf, labels), with each array called by its argument name
/// (`names[k]` for modality k, `label_name` for the labels). Its refusals are
/// `ValueError`s.
pub fn split(
    modalities: Vec<Array2<f32>>,
    labels: Option<Vec<usize>>,
    names: &[String],
    label_name: &str,
) -> PyResult<Split> {
    let parts = SplitParts {
        modalities,
        labels,
        ..SplitParts::default()
    };
    let name = |part: Part<'_>| match part {
        Part::Modality(k) => names.get(k).cloned().unwrap_or_else(|| part.default_name()),
        Part::Labels => label_name.to_string(),
        Part::Extra(_) => part.default_name(),
    };
    Split::from_parts(parts, &name).map_err(to_py_err)
}
