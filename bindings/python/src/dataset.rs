//! Datasets across the boundary: a library [`Dataset`] becomes a plain dict of numpy
//! arrays that the Python `Dataset` class wraps, so Python code never depends on
//! Rust-side objects staying alive.

use interplay::data::{Dataset, Split};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::arrays::to_numpy;

/// `{"modalities": [N × d_m float32], "labels": int64 (N,) or None, "extras": {name: array}}`.
pub fn split_to_dict<'py>(py: Python<'py>, split: &Split) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let mods = PyList::empty(py);
    for m in split.modalities() {
        mods.append(to_numpy(py, m.clone()))?;
    }
    d.set_item("modalities", mods)?;
    match split.labels() {
        Some(l) => {
            let v: Vec<i64> = l.iter().map(|&y| y as i64).collect();
            d.set_item("labels", PyArray1::from_vec(py, v))?
        }
        None => d.set_item("labels", py.None())?,
    }
    let extras = PyDict::new(py);
    for (k, v) in split.extras() {
        extras.set_item(k, to_numpy(py, v.clone()))?;
    }
    d.set_item("extras", extras)?;
    Ok(d)
}

/// `{split name: split dict}` in the dataset's listing order (train, val, test first).
pub fn dataset_to_dict<'py>(py: Python<'py>, ds: &Dataset) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for name in ds.split_names() {
        d.set_item(name, split_to_dict(py, &ds.splits[name])?)?;
    }
    Ok(d)
}

/// Read a dataset file; the Python wrapper `interplay.load` documents it.
#[pyfunction]
#[pyo3(signature = (path, format=None, modalities=None, label=None, split_column=None, split_name=None))]
pub fn load<'py>(
    py: Python<'py>,
    path: &str,
    format: Option<&str>,
    modalities: Option<Vec<String>>,
    label: Option<String>,
    split_column: Option<String>,
    split_name: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut opts = interplay::data::ReadOptions::default();
    if let Some(f) = format {
        opts.format = Some(f.parse().map_err(crate::errors::to_py_err)?);
    }
    // The CSV column spec, parsed as the command line parses its flags.
    opts.csv = interplay::data::CsvSpec {
        modalities: modalities
            .unwrap_or_default()
            .iter()
            .map(|m| m.parse())
            .collect::<interplay::Result<_>>()
            .map_err(crate::errors::to_py_err)?,
        label,
        split_column,
        default_split: split_name,
    };
    let path = std::path::PathBuf::from(path);
    let ds = py.allow_threads(|| {
        crate::errors::no_panic(|| {
            interplay::data::read(&path, &opts).map_err(crate::errors::to_py_err)
        })
    })?;
    dataset_to_dict(py, &ds)
}
