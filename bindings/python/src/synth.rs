//! The synthetic generators with known answers (`interplay.gaussian`, `hdxor`,
//! `pid_discrete`), returning datasets as dicts of numpy arrays.

use interplay::params::Validate;
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
    n_train: Option<usize>,
    n_val: Option<usize>,
    rho: Option<f64>,
    sigma: Option<f64>,
    n_classes: Option<usize>,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let d = gaussian::GaussianConfig::default();
    let config = gaussian::GaussianConfig {
        n_train: n_train.unwrap_or(d.n_train),
        n_val: n_val.unwrap_or(d.n_val),
        rho: rho.unwrap_or(d.rho),
        sigma: sigma.unwrap_or(d.sigma),
        n_classes: n_classes.unwrap_or(d.n_classes),
    }
    .validate()
    .map_err(to_py_err)?;
    let ds =
        py.allow_threads(|| no_panic(|| gaussian::generate(&config, seed).map_err(to_py_err)))?;
    dataset_to_dict(py, &ds)
}

/// HD-XOR; `interplay.hdxor` documents the arguments.
#[pyfunction]
#[pyo3(signature = (setting, n_modalities, dims, latent_dim, n_samples, seed))]
pub fn generate_hdxor<'py>(
    py: Python<'py>,
    setting: Option<&str>,
    n_modalities: Option<usize>,
    dims: Option<Vec<usize>>,
    latent_dim: Option<usize>,
    n_samples: Option<usize>,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let d = hdxor::HdXorConfig::default();
    let setting = match setting {
        Some(s) => s.parse().map_err(to_py_err)?,
        None => d.setting,
    };
    let mut config = hdxor::HdXorConfig::new(setting, n_modalities.unwrap_or(d.n_modalities()));
    if let Some(d) = dims {
        config.dims = d;
    }
    config.latent_dim = latent_dim.unwrap_or(d.latent_dim);
    config.n_samples = n_samples.unwrap_or(d.n_samples);
    let config = config.validate().map_err(to_py_err)?;
    let data =
        py.allow_threads(|| no_panic(|| hdxor::generate(&config, seed).map_err(to_py_err)))?;
    dataset_to_dict(py, &data.dataset)
}

/// Samples of a canonical discrete PID distribution; `interplay.pid_discrete` documents it.
#[pyfunction]
#[pyo3(signature = (name, n_train, n_val, n_test, seed))]
pub fn generate_pid_discrete<'py>(
    py: Python<'py>,
    name: Option<&str>,
    n_train: Option<usize>,
    n_val: Option<usize>,
    n_test: Option<usize>,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let d = pid_discrete::DiscreteSampling::default();
    let table = pid_discrete::canonical(name.unwrap_or(&d.distribution)).map_err(to_py_err)?;
    let (n_train, n_val, n_test) = (
        n_train.unwrap_or(d.n_train),
        n_val.unwrap_or(d.n_val),
        n_test.unwrap_or(d.n_test),
    );
    let ds = py.allow_threads(|| {
        no_panic(|| {
            pid_discrete::sample_dataset(&table, n_train, n_val, n_test, seed).map_err(to_py_err)
        })
    })?;
    dataset_to_dict(py, &ds)
}
