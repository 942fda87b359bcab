//! `interplay.intershap`: InterSHAP of a Python callable, an ONNX file or a built-in
//! model file. The engine runs with the GIL released; a callable takes it back only
//! for its own calls (see [`crate::callable`]).

use std::path::Path;

use interplay::data::Split;
use interplay::intershap::{
    explain, explain_shard, merge, BackgroundRows, InterShapConfig, InterShapResult, OutputTarget,
    Partial, Shard,
};
use interplay::model::{load::LoadOptions, Model, OutputKind};
use interplay::params::{Checked, Validate};
use interplay::report::InterShapReport;
use interplay::shard::ShardResult;
use ndarray::{Array1, Array2, ArrayView2};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

use crate::arrays::{modalities, report_dict, split, to_numpy};
use crate::callable::{CallableModel, Returns};
use crate::errors::to_py_err;

/// The model to explain: a Python callable or a model file opened by the library.
enum AnyModel {
    Callable(CallableModel),
    File(Box<dyn Model>),
}

impl AnyModel {
    fn as_model(&self) -> &dyn Model {
        match self {
            AnyModel::Callable(m) => m,
            AnyModel::File(m) => m.as_ref(),
        }
    }
}

/// `"best"`, `"3"` or `"class:3"` as an [`OutputTarget`] (`None`: the library's
/// default); every class at once (`"all"`) only where the caller returns one
/// result per class (`allow_all`).
fn parse_output(output: Option<&str>, allow_all: bool) -> PyResult<OutputTarget> {
    let Some(output) = output else {
        return Ok(InterShapConfig::default().output);
    };
    if output == "all" && !allow_all {
        return Err(PyValueError::new_err(
            "output='all' is not supported here: call intershap once per class (output=k)",
        ));
    }
    if let Ok(k) = output.parse::<usize>() {
        return Ok(OutputTarget::Class(k));
    }
    output.parse().map_err(to_py_err)
}

/// A split of modality matrices (with labels, when given), checked by the
/// library's split constructor with errors naming `what[k]`.
fn split_of(mats: Vec<Array2<f32>>, labels: Option<Vec<usize>>, what: &str) -> PyResult<Split> {
    let names: Vec<String> = (0..mats.len()).map(|k| format!("{what}[{k}]")).collect();
    split(mats, labels, &names, "labels")
}

/// Run InterSHAP; the Python wrapper `interplay.intershap` documents the arguments.
/// With `shard = (i, n)` only shard i of n of the rows is explained and the
/// result is `{"partial": bytes}`, the library's partial as JSON, for
/// [`intershap_merge`] (what `interplay.distributed` ships between Ray tasks).
#[pyfunction]
#[pyo3(signature = (model, inputs, background, n_background, output, space, concat, batch_size, seed, returns, modality_names, confidence, bootstrap, ci_target, labels, shard=None))]
#[allow(clippy::too_many_arguments)]
pub fn intershap<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
    inputs: &Bound<'py, PyAny>,
    background: Option<&Bound<'py, PyAny>>,
    n_background: Option<&str>,
    output: Option<&str>,
    space: Option<&str>,
    concat: bool,
    batch_size: Option<usize>,
    seed: u64,
    returns: &str,
    modality_names: Option<Vec<String>>,
    confidence: Option<f64>,
    bootstrap: Option<usize>,
    ci_target: Option<f64>,
    labels: Option<&Bound<'py, PyAny>>,
    shard: Option<(usize, usize)>,
) -> PyResult<Bound<'py, PyDict>> {
    let shard = shard
        .map(|(i, n)| Shard::new(i, n))
        .transpose()
        .map_err(to_py_err)?;
    let returns = Returns::parse(returns)?;
    let labels = labels
        .map(|y| crate::arrays::labels(y, "labels"))
        .transpose()?;
    let inputs = split_of(modalities(inputs, "inputs")?, labels, "inputs")?;
    let background = match background {
        Some(b) => Some(split_of(modalities(b, "background")?, None, "background")?),
        None => None,
    };
    let config = run_config(&RunOptions {
        background_given: background.is_some(),
        n_background,
        output,
        allow_all: false,
        space,
        batch_size,
        seed,
        confidence,
        bootstrap,
        ci_target,
    })?;
    let background = background.unwrap_or_else(|| inputs.clone());
    if background.dims() != inputs.dims() {
        return Err(PyValueError::new_err(format!(
            "the background has modality widths {:?} but the inputs have {:?}",
            background.dims(),
            inputs.dims()
        )));
    }
    let names = names_of(modality_names, inputs.n_modalities())?;

    let model = if model.is_instance_of::<PyString>() {
        let path: String = model.extract()?;
        let onnx_output = match returns {
            Returns::Probabilities => OutputKind::Probabilities,
            Returns::Logits => OutputKind::Logits,
            Returns::Auto => LoadOptions::default().onnx_output,
        };
        let dims = inputs.dims();
        let loaded = py
            .allow_threads(|| {
                interplay::model::load::load(Path::new(&path), &dims, &LoadOptions { onnx_output })
            })
            .map_err(to_py_err)?;
        AnyModel::File(loaded)
    } else if model.is_callable() {
        let probe: Vec<ArrayView2<'_, f32>> = inputs.views();
        AnyModel::Callable(CallableModel::new(py, model, &probe, concat, returns)?)
    } else {
        return Err(PyTypeError::new_err(format!(
            "model must be a callable, a path to an .onnx file or a built-in model file, got {}",
            model.get_type().name()?
        )));
    };

    if let Some(shard) = shard {
        let run = crate::interrupt::run(py, |stop| {
            explain_shard(model.as_model(), &inputs, &background, &config, shard, stop)
                .and_then(|p| p.to_json())
                .map_err(to_py_err)
        });
        if let AnyModel::Callable(c) = &model {
            if let Some(raised) = c.take_raised() {
                return Err(raised);
            }
        }
        let d = PyDict::new(py);
        d.set_item("partial", PyBytes::new(py, run?.as_bytes()))?;
        return Ok(d);
    }
    let run = crate::interrupt::run(py, |stop| {
        explain(model.as_model(), &inputs, &background, &config, stop).map_err(to_py_err)
    });
    if let AnyModel::Callable(c) = &model {
        if let Some(raised) = c.take_raised() {
            return Err(raised);
        }
    }
    result_dict(py, &run?, 0, names, &config)
}

/// The options of `interplay.intershap` that make the library's settings.
pub struct RunOptions<'a> {
    /// Whether the caller gave a background (used whole unless `n_background`).
    pub background_given: bool,
    pub n_background: Option<&'a str>,
    pub output: Option<&'a str>,
    /// Whether `output="all"` is accepted.
    pub allow_all: bool,
    pub space: Option<&'a str>,
    pub batch_size: Option<usize>,
    pub seed: u64,
    pub confidence: Option<f64>,
    pub bootstrap: Option<usize>,
    /// In percentage points.
    pub ci_target: Option<f64>,
}

/// The checked settings of a run. An explicit background is used as given (all
/// its rows) unless the caller also sets n_background; without one,
/// n_background rows (the library's default) are drawn from the inputs.
pub fn run_config(o: &RunOptions<'_>) -> PyResult<Checked<InterShapConfig>> {
    let rows = match (o.background_given, o.n_background) {
        (_, Some(n)) => n.parse::<BackgroundRows>().map_err(to_py_err)?,
        (true, None) => BackgroundRows::All,
        (false, None) => InterShapConfig::default().background,
    };
    let mut config = InterShapConfig {
        background: rows,
        output: parse_output(o.output, o.allow_all)?,
        seed: o.seed,
        ..InterShapConfig::default()
    };
    if let Some(s) = o.space {
        config.space = s.parse().map_err(to_py_err)?;
    }
    if let Some(b) = o.batch_size {
        config.batch_size = b;
    }
    if let Some(level) = o.confidence {
        config.uncertainty.level = level;
    }
    if let Some(r) = o.bootstrap {
        config.uncertainty.replicates = r;
    }
    if let Some(points) = o.ci_target {
        config.ci_target = points / 100.0;
    }
    config.validate().map_err(to_py_err)
}

/// The modality names given (one per modality), or `modality_1` … `modality_M`.
pub fn names_of(names: Option<Vec<String>>, m: usize) -> PyResult<Vec<String>> {
    match names {
        Some(n) if n.len() != m => Err(PyValueError::new_err(format!(
            "modality_names has {} names for {m} modalities",
            n.len()
        ))),
        Some(n) => Ok(n),
        None => Ok((1..=m).map(|k| format!("modality_{k}")).collect()),
    }
}

/// Merge the partials (JSON bytes from `intershap(..., shard=(i, n))`) of every
/// shard of a run into the result a single run gives, as `intershap` returns it.
#[pyfunction]
#[pyo3(signature = (parts, modality_names=None))]
pub fn intershap_merge<'py>(
    py: Python<'py>,
    parts: Vec<Vec<u8>>,
    modality_names: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyDict>> {
    let (result, config) = py
        .allow_threads(|| {
            let parts = parts
                .iter()
                .enumerate()
                .map(|(k, b)| Partial::from_json(b, &format!("parts[{k}]")))
                .collect::<interplay::Result<Vec<_>>>()?;
            let result = merge(&parts)?;
            Ok::<_, interplay::Error>((result, parts[0].config()?))
        })
        .map_err(to_py_err)?;
    let names = names_of(modality_names, result.n_modalities)?;
    result_dict(py, &result, 0, names, &config)
}

/// The arrays of explanation `k` of `res` and the summary of the whole result.
pub fn result_dict<'py>(
    py: Python<'py>,
    res: &InterShapResult,
    k: usize,
    names: Vec<String>,
    config: &InterShapConfig,
) -> PyResult<Bound<'py, PyDict>> {
    let ex = res
        .explanations
        .get(k)
        .ok_or_else(|| PyValueError::new_err("InterSHAP returned no explanation"))?;
    let d = PyDict::new(py);
    d.set_item("phi", to_numpy(py, ex.interactions.matrix.clone()))?;
    d.set_item("shapley_values", to_numpy(py, ex.interactions.phi.clone()))?;
    d.set_item(
        "base_values",
        to_numpy(py, Array1::from(ex.base_values.clone())),
    )?;
    d.set_item(
        "predictions",
        to_numpy(py, Array1::from(ex.predictions.clone())),
    )?;
    d.set_item("local", to_numpy(py, Array1::from(ex.local.clone())))?;
    if let Some(se) = &ex.local_std_err {
        d.set_item("local_std_err", to_numpy(py, Array1::from(se.clone())))?;
    }
    let classes: Vec<i64> = ex.classes.iter().map(|&c| c as i64).collect();
    d.set_item("classes", to_numpy(py, Array1::from(classes)))?;
    d.set_item("global", ex.global)?;
    d.set_item("modality_names", PyList::new(py, &names)?)?;

    let report = InterShapReport::new(res, config, Some(names));
    d.set_item("summary", report_dict(py, &report)?)?;
    Ok(d)
}
