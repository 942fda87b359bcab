//! `interplay.lsmi`: per-sample LSMI atoms of two modalities, computed by the library
//! with the GIL released.

use interplay::data::Split;
use interplay::lsmi::{
    estimate, estimate_cross_fitted, refit_configs, LsmiConfig, LsmiResult, PairEstimate,
};
use interplay::params::{Checked, Validate};
use interplay::report::LsmiReport;
use interplay::uncertainty::UncertaintyConfig;
use interplay::Units;
use ndarray::{Array1, Array2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrays::{labels, matrix_f32, report_dict, split, to_numpy};
use crate::errors::{parse_or_default, to_py_err};

/// Folds of the cross-fitting used when no evaluation set is given.
const DEFAULT_FOLDS: usize = 5;

/// A labelled two-modality split from array-likes, checked by the library's split
/// constructor with errors naming `x1`, `x2` and `y` (plus `suffix`).
pub(crate) fn labelled_split(
    x1: &Bound<'_, PyAny>,
    x2: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    suffix: &str,
) -> PyResult<Split> {
    let names = [format!("x1{suffix}"), format!("x2{suffix}")];
    let label_name = format!("y{suffix}");
    let mats: Vec<Array2<f32>> = vec![matrix_f32(x1, &names[0])?, matrix_f32(x2, &names[1])?];
    let y = labels(y, &label_name)?;
    split(mats, Some(y), &names, &label_name)
}

/// The fitting options of `interplay.lsmi` and `interplay.lsmi_fit`; `None`
/// keeps the library's default.
pub(crate) struct FitOptions<'a> {
    pub prior: Option<&'a str>,
    pub seed: u64,
    pub adjust: bool,
    pub standardise: bool,
    pub epochs: Option<usize>,
    pub knife_epochs: Option<usize>,
    pub batch_size: Option<usize>,
    pub hidden: Option<usize>,
}

/// The checked LSMI settings of `o` over the library's defaults.
pub(crate) fn fit_config(o: FitOptions<'_>) -> PyResult<Checked<LsmiConfig>> {
    let mut config = LsmiConfig {
        seed: o.seed,
        adjust: o.adjust,
        standardise: o.standardise,
        ..LsmiConfig::default()
    };
    if let Some(p) = o.prior {
        config.prior = p.parse().map_err(to_py_err)?;
    }
    if let Some(e) = o.epochs {
        config.discriminator.epochs = e;
    }
    if let Some(e) = o.knife_epochs {
        config.knife.epochs = e;
    }
    if let Some(b) = o.batch_size {
        config.discriminator.batch_size = b;
        config.knife.batch_size = b;
    }
    if let Some(h) = o.hidden {
        config.hidden = h;
    }
    config.validate().map_err(to_py_err)
}

/// The checked interval settings (`None`: the library's defaults).
pub(crate) fn uncertainty_config(
    confidence: Option<f64>,
    bootstrap: Option<usize>,
) -> PyResult<UncertaintyConfig> {
    let defaults = UncertaintyConfig::default();
    let checked = UncertaintyConfig {
        level: confidence.unwrap_or(defaults.level),
        replicates: bootstrap.unwrap_or(defaults.replicates),
    }
    .validate()
    .map_err(to_py_err)?;
    Ok(*checked)
}

/// Run LSMI; the Python wrapper `interplay.lsmi` documents the arguments.
#[pyfunction]
#[pyo3(signature = (x1, x2, y, x1_eval, x2_eval, y_eval, prior, adjust, folds, seed, units, epochs, knife_epochs, batch_size, hidden, standardise=true, repeats=1, confidence=None, bootstrap=None))]
#[allow(clippy::too_many_arguments)]
pub fn lsmi<'py>(
    py: Python<'py>,
    x1: &Bound<'py, PyAny>,
    x2: &Bound<'py, PyAny>,
    y: &Bound<'py, PyAny>,
    x1_eval: Option<&Bound<'py, PyAny>>,
    x2_eval: Option<&Bound<'py, PyAny>>,
    y_eval: Option<&Bound<'py, PyAny>>,
    prior: Option<&str>,
    adjust: bool,
    folds: Option<usize>,
    seed: u64,
    units: Option<&str>,
    epochs: Option<usize>,
    knife_epochs: Option<usize>,
    batch_size: Option<usize>,
    hidden: Option<usize>,
    standardise: bool,
    repeats: usize,
    confidence: Option<f64>,
    bootstrap: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let units: Units = parse_or_default(units)?;
    let uncertainty = uncertainty_config(confidence, bootstrap)?;
    let config = fit_config(FitOptions {
        prior,
        seed,
        adjust,
        standardise,
        epochs,
        knife_epochs,
        batch_size,
        hidden,
    })?;
    let refits = refit_configs(&config, repeats).map_err(to_py_err)?;
    let train = labelled_split(x1, x2, y, "")?;
    let eval = match (x1_eval, x2_eval, y_eval) {
        (Some(a), Some(b), Some(c)) => Some(labelled_split(a, b, c, "_eval")?),
        (None, None, None) => None,
        _ => {
            return Err(PyValueError::new_err(
                "x1_eval, x2_eval and y_eval must be given together",
            ))
        }
    };
    if eval.is_some() && folds.is_some() {
        return Err(PyValueError::new_err(
            "give either an evaluation set or folds, not both",
        ));
    }
    let folds_used = folds.unwrap_or(DEFAULT_FOLDS);
    let fits = crate::interrupt::run(py, |stop| {
        refits
            .iter()
            .map(|refit| match &eval {
                Some(e) => estimate(&train, e, refit, stop),
                None => estimate_cross_fitted(&train, folds_used, refit, stop),
            })
            .collect::<interplay::Result<Vec<LsmiResult>>>()
            .map_err(to_py_err)
    })?;
    let evaluated = if eval.is_some() {
        "val"
    } else {
        "cross-fitted"
    };
    result_dict(
        py,
        &fits,
        units,
        &config,
        &uncertainty,
        evaluated,
        eval.is_none().then_some(folds_used),
    )
}

fn per_sample<'py>(
    py: Python<'py>,
    v: impl Iterator<Item = f64>,
    u: Units,
) -> Bound<'py, numpy::PyArray1<f64>> {
    to_numpy(py, v.map(|x| u.from_nats(x)).collect::<Array1<f64>>())
}

/// Arrays of the first fit in `u` and the summary: the library's report of all
/// fits, as the CLI writes it.
pub(crate) fn result_dict<'py>(
    py: Python<'py>,
    fits: &[LsmiResult],
    u: Units,
    config: &LsmiConfig,
    uncertainty: &UncertaintyConfig,
    evaluated: &str,
    folds: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let p: &PairEstimate = fits
        .first()
        .and_then(|r| r.pairs.first())
        .ok_or_else(|| PyValueError::new_err("LSMI returned no decomposition"))?;
    let d = PyDict::new(py);
    d.set_item(
        "redundancy",
        per_sample(py, p.atoms.iter().map(|a| a.redundancy), u),
    )?;
    d.set_item(
        "uniqueness_1",
        per_sample(py, p.atoms.iter().map(|a| a.uniqueness_1), u),
    )?;
    d.set_item(
        "uniqueness_2",
        per_sample(py, p.atoms.iter().map(|a| a.uniqueness_2), u),
    )?;
    d.set_item(
        "synergy",
        per_sample(py, p.atoms.iter().map(|a| a.synergy), u),
    )?;
    d.set_item("pmi_1", per_sample(py, p.i1.iter().copied(), u))?;
    d.set_item("pmi_2", per_sample(py, p.i2.iter().copied(), u))?;
    d.set_item("pmi_12", per_sample(py, p.i12.iter().copied(), u))?;
    d.set_item("entropy_1", per_sample(py, p.h1.iter().copied(), u))?;
    d.set_item("entropy_2", per_sample(py, p.h2.iter().copied(), u))?;
    d.set_item("units", u.name())?;
    let report =
        LsmiReport::new(fits, config, uncertainty, folds, evaluated, u).map_err(to_py_err)?;
    d.set_item("summary", report_dict(py, &report)?)?;
    Ok(d)
}
