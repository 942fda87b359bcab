//! The synthetic generators with known answers (`interplay.gaussian`, `hdxor`,
//! `pid_discrete`), returning datasets as dicts of numpy arrays.

use interplay::synth::{gaussian, hdxor, pid_discrete};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::dataset::dataset_to_dict;
use crate::errors::{no_panic, to_py_err};

/// The LSMI Gaussian demo; `interplay.gaussian` documents the arguments.
#[pyfunction]
#[pyo3(signature = (n_train, n_val, rho, sigma, n_classes, seed))]
pub fn generate_gaussian<'py>(
    py: Python<'py>,
    n_train: usize,
    n_val: usize,
    rho: f64,
    sigma: f64,
    n_classes: usize,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let config = gaussian::GaussianConfig {
        n_train,
        n_val,
        rho,
        sigma,
        n_classes,
    };
    let ds =
        py.allow_threads(|| no_panic(|| gaussian::generate(&config, seed).map_err(to_py_err)))?;
    dataset_to_dict(py, &ds)
}

/// HD-XOR; `interplay.hdxor` documents the arguments.
#[pyfunction]
#[pyo3(signature = (setting, n_modalities, dims, latent_dim, n_samples, seed))]
pub fn generate_hdxor<'py>(
    py: Python<'py>,
    setting: &str,
    n_modalities: usize,
    dims: Option<Vec<usize>>,
    latent_dim: usize,
    n_samples: usize,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let setting = hdxor::HdXorSetting::parse(setting).map_err(to_py_err)?;
    let mut config = hdxor::HdXorConfig::new(setting, n_modalities);
    if let Some(d) = dims {
        config.dims = d;
    }
    config.latent_dim = latent_dim;
    config.n_samples = n_samples;
    let data =
        py.allow_threads(|| no_panic(|| hdxor::generate(&config, seed).map_err(to_py_err)))?;
    dataset_to_dict(py, &data.dataset)
}

/// Samples of a canonical discrete PID distribution; `interplay.pid_discrete` documents it.
#[pyfunction]
#[pyo3(signature = (name, n_train, n_val, n_test, seed))]
pub fn generate_pid_discrete<'py>(
    py: Python<'py>,
    name: &str,
    n_train: usize,
    n_val: usize,
    n_test: usize,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let table = pid_discrete::canonical(name).map_err(to_py_err)?;
    let ds = py.allow_threads(|| {
        no_panic(|| {
            pid_discrete::sample_dataset(&table, n_train, n_val, n_test, seed).map_err(to_py_err)
        })
    })?;
    dataset_to_dict(py, &ds)
}
