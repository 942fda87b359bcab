//! `interplay.lsmi_fit` and `LsmiModels`: LSMI's fitted models as a Python
//! object — fit once, score many sets of rows (or shards of one, on Ray), save
//! and load — and `lsmi_merge`, which puts scored shards back together exactly.

use std::path::PathBuf;

use interplay::lsmi::{merge, score_shard, FittedLsmi, LsmiConfig, LsmiPartial, ScoreSettings};
use interplay::shard::Shard;
use interplay::shard::ShardResult;
use interplay::Units;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyType};

use crate::errors::{parse_or_default, to_py_err};
use crate::lsmi::{fit_config, labelled_split, result_dict, uncertainty_config, FitOptions};

/// Fitted LSMI models (classifiers, densities, standardisers) of two modalities.
#[pyclass(module = "interplay._interplay", name = "LsmiModels", frozen)]
pub struct LsmiModels {
    inner: FittedLsmi,
}

#[pymethods]
impl LsmiModels {
    /// Models from the bytes of a models file (as `to_bytes` gives them).
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        FittedLsmi::from_bytes(data)
            .map(|inner| LsmiModels { inner })
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("LSMI models: {e}")))
    }

    /// The `.safetensors` bytes of the models.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = self.inner.to_bytes().map_err(to_py_err)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Read models saved by `save` (or `interplay lsmi --save-models`).
    #[staticmethod]
    fn load(path: PathBuf) -> PyResult<Self> {
        FittedLsmi::load(&path)
            .map(|inner| LsmiModels { inner })
            .map_err(to_py_err)
    }

    /// Write the models to a `.safetensors` file.
    fn save(&self, path: PathBuf) -> PyResult<()> {
        self.inner.save(&path).map_err(to_py_err)
    }

    /// A stable hash of the models (settings and every parameter).
    #[getter]
    fn fingerprint(&self) -> String {
        self.inner.fingerprint()
    }

    /// Feature widths of the modalities the models read.
    #[getter]
    fn dims(&self) -> Vec<usize> {
        self.inner.dims().to_vec()
    }

    /// Number of classes of the classifiers.
    #[getter]
    fn n_classes(&self) -> usize {
        self.inner.n_classes()
    }

    /// Pickling (Ray ships the models to its workers this way): the file's bytes.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let cls: Bound<'py, PyType> = slf.get_type();
        Ok((cls.getattr("from_bytes")?, (slf.get().to_bytes(slf.py())?,)))
    }

    fn __repr__(&self) -> String {
        format!(
            "LsmiModels(dims={:?}, n_classes={}, fingerprint='{}')",
            self.inner.dims(),
            self.inner.n_classes(),
            self.inner.fingerprint()
        )
    }
}

/// Fit LSMI's models on `(x1, x2, y)`; the Python wrapper `interplay.lsmi_fit`
/// documents the arguments.
#[pyfunction]
#[pyo3(signature = (x1, x2, y, prior, seed, epochs, knife_epochs, batch_size, hidden, standardise, n_classes))]
#[allow(clippy::too_many_arguments)]
pub fn lsmi_fit(
    py: Python<'_>,
    x1: &Bound<'_, PyAny>,
    x2: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    prior: Option<&str>,
    seed: u64,
    epochs: Option<usize>,
    knife_epochs: Option<usize>,
    batch_size: Option<usize>,
    hidden: Option<usize>,
    standardise: bool,
    n_classes: Option<usize>,
) -> PyResult<LsmiModels> {
    let config = fit_config(FitOptions {
        prior,
        seed,
        adjust: LsmiConfig::default().adjust,
        standardise,
        epochs,
        knife_epochs,
        batch_size,
        hidden,
    })?;
    let train = labelled_split(x1, x2, y, "")?;
    crate::interrupt::run(py, |stop| {
        FittedLsmi::fit(&train, n_classes, &config, stop)
            .map(|inner| LsmiModels { inner })
            .map_err(to_py_err)
    })
}

/// Score `(x1, x2, y)` with `models`: the result dict of `interplay.lsmi`, or
/// with `shard = (i, n)` only shard i of n of the rows, as `{"partial": bytes}`
/// (the library's partial as JSON) for [`lsmi_merge`].
#[pyfunction]
#[pyo3(signature = (models, x1, x2, y, adjust, units, confidence, bootstrap, shard=None))]
#[allow(clippy::too_many_arguments)]
pub fn lsmi_score<'py>(
    py: Python<'py>,
    models: &LsmiModels,
    x1: &Bound<'py, PyAny>,
    x2: &Bound<'py, PyAny>,
    y: &Bound<'py, PyAny>,
    adjust: bool,
    units: Option<&str>,
    confidence: Option<f64>,
    bootstrap: Option<usize>,
    shard: Option<(usize, usize)>,
) -> PyResult<Bound<'py, PyDict>> {
    let settings = ScoreSettings {
        adjust,
        uncertainty: uncertainty_config(confidence, bootstrap)?,
        units: parse_or_default::<Units>(units)?,
        evaluated: "scored".into(),
    };
    let eval = labelled_split(x1, x2, y, "")?;
    let fitted = &models.inner;
    if let Some((i, n)) = shard {
        let shard = Shard::new(i, n).map_err(to_py_err)?;
        let json = py
            .allow_threads(|| score_shard(fitted, &eval, shard, &settings)?.to_json())
            .map_err(to_py_err)?;
        let d = PyDict::new(py);
        d.set_item("partial", PyBytes::new(py, json.as_bytes()))?;
        return Ok(d);
    }
    let result = py
        .allow_threads(|| fitted.score(&eval, adjust))
        .map_err(to_py_err)?;
    let config = LsmiConfig {
        adjust,
        ..*fitted.config()
    };
    let s = &settings;
    result_dict(
        py,
        &[result],
        s.units,
        &config,
        &s.uncertainty,
        &s.evaluated,
        None,
    )
}

/// Merge the partials (JSON bytes from `lsmi_score(..., shard=(i, n))`) of
/// every shard into the result dict scoring all rows at once gives.
#[pyfunction]
pub fn lsmi_merge<'py>(py: Python<'py>, parts: Vec<Vec<u8>>) -> PyResult<Bound<'py, PyDict>> {
    let merged = py
        .allow_threads(|| {
            let parts = parts
                .iter()
                .enumerate()
                .map(|(k, b)| LsmiPartial::from_json(b, &format!("parts[{k}]")))
                .collect::<interplay::Result<Vec<_>>>()?;
            merge(&parts)
        })
        .map_err(to_py_err)?;
    let s = &merged.settings;
    result_dict(
        py,
        std::slice::from_ref(&merged.result),
        s.units,
        &merged.config,
        &s.uncertainty,
        &s.evaluated,
        None,
    )
}
