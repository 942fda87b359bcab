//! InterSHAP from coalition values computed in Python (`interplay.torch`, on the
//! model's device): the library chooses the rows ([`intershap_table_plan`]), the
//! caller evaluates the model and averages on its device, and the library makes
//! the explanation of the values ([`TablePlan::finish`]) with the code every other
//! InterSHAP run uses. Python never re-implements a random choice or a statistic.

use interplay::intershap::{
    chosen_rows, explain_table, BackgroundSums, CoalitionTable, ExplainedRows, InterShapConfig,
    OutputTarget,
};
use interplay::params::Checked;
use ndarray::Array1;
use numpy::{PyReadonlyArray1, PyReadonlyArray2, PyReadonlyArray3};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrays::{matrix_f32, to_numpy};
use crate::callable::Returns;
use crate::errors::to_py_err;
use crate::intershap::{names_of, result_dict, run_config, RunOptions};

/// The settings and chosen rows of one InterSHAP run whose model evaluations
/// happen in Python.
#[pyclass(module = "interplay._interplay", frozen)]
pub struct TablePlan {
    config: Checked<InterShapConfig>,
    names: Vec<String>,
    n_modalities: usize,
    samples: Vec<usize>,
    background: Vec<usize>,
    /// Labels of the explained rows, in their order.
    labels: Option<Vec<usize>>,
}

/// The plan of a run over `n_inputs` input rows and `n_background_rows` rows of
/// background (the inputs themselves when `background_given` is false), with the
/// options of `interplay.intershap` (and `output="all"`). Checks every option
/// before any model runs.
#[pyfunction]
#[pyo3(signature = (n_inputs, n_background_rows, background_given, n_modalities, n_background, output, space, seed, modality_names, confidence, bootstrap, ci_target, labels))]
#[allow(clippy::too_many_arguments)]
pub fn intershap_table_plan(
    n_inputs: usize,
    n_background_rows: usize,
    background_given: bool,
    n_modalities: usize,
    n_background: Option<&str>,
    output: Option<&str>,
    space: Option<&str>,
    seed: u64,
    modality_names: Option<Vec<String>>,
    confidence: Option<f64>,
    bootstrap: Option<usize>,
    ci_target: Option<f64>,
    labels: Option<&Bound<'_, PyAny>>,
) -> PyResult<TablePlan> {
    let config = run_config(&RunOptions {
        background_given,
        n_background,
        output,
        allow_all: true,
        space,
        batch_size: None,
        seed,
        confidence,
        bootstrap,
        ci_target,
    })?;
    if n_inputs == 0 || n_background_rows == 0 {
        return Err(PyValueError::new_err(
            "InterSHAP needs at least one input row and one background row",
        ));
    }
    let names = names_of(modality_names, n_modalities)?;
    let rows = chosen_rows(n_inputs, n_background_rows, &config).map_err(to_py_err)?;
    let labels = match labels {
        None => None,
        Some(y) => {
            let y = crate::arrays::labels(y, "labels")?;
            if y.len() != n_inputs {
                return Err(PyValueError::new_err(format!(
                    "labels has {} entries for {n_inputs} input rows",
                    y.len()
                )));
            }
            Some(rows.samples.iter().map(|&i| y[i]).collect())
        }
    };
    Ok(TablePlan {
        config,
        names,
        n_modalities,
        samples: rows.samples,
        background: rows.background,
        labels,
    })
}

/// What a model's rows are from its output on a few rows (`probe`, float32):
/// `("logits" | "probabilities", single_column)`, by the rule of every callable
/// (`returns="auto"` reads probabilities off rows that are distributions).
#[pyfunction]
pub fn output_kind(probe: &Bound<'_, PyAny>, returns: &str) -> PyResult<(String, bool)> {
    let returns = Returns::parse(returns)?;
    let probe = matrix_f32(probe, "the model's output")?;
    if probe.ncols() == 0 {
        return Err(PyValueError::new_err(
            "the model returned 0 columns; it must return an N × C array of class scores",
        ));
    }
    Ok((
        returns.kind_of(probe.view()).name().to_string(),
        probe.ncols() == 1,
    ))
}

#[pymethods]
impl TablePlan {
    /// Indices of the explained rows in the inputs, ascending.
    #[getter]
    fn sample_indices<'py>(&self, py: Python<'py>) -> Bound<'py, numpy::PyArray1<i64>> {
        to_numpy(
            py,
            Array1::from_iter(self.samples.iter().map(|&i| i as i64)),
        )
    }

    /// Indices of the background rows in the background, ascending.
    #[getter]
    fn background_indices<'py>(&self, py: Python<'py>) -> Bound<'py, numpy::PyArray1<i64>> {
        to_numpy(
            py,
            Array1::from_iter(self.background.iter().map(|&i| i as i64)),
        )
    }

    /// Whether the score intervals need the background rows' sums.
    #[getter]
    fn with_intervals(&self) -> bool {
        self.config.uncertainty.replicates > 0
    }

    /// `"probability"` or `"logit"`: the space the values must be in.
    #[getter]
    fn space(&self) -> &'static str {
        self.config.space.name()
    }

    /// The fixed class explained, if any (checked against the model's classes).
    #[getter]
    fn fixed_class(&self) -> Option<usize> {
        match self.config.output {
            OutputTarget::Class(k) => Some(k),
            _ => None,
        }
    }

    /// The result dictionaries (one per explained output, as `interplay.intershap`
    /// returns them) from the values: `full` (N × C) and `background` (B × C)
    /// outputs, `predicted` classes (N), `masked` coalition values (N × (2^M−2) ×
    /// C, masks 1 … 2^M − 2), and with intervals the background sums
    /// (B × (2^M−2) × C and B × (2^M−2)). All float64 in the plan's space.
    #[pyo3(signature = (full, background, predicted, masked, background_sums=None, background_sums_predicted=None))]
    #[allow(clippy::too_many_arguments)]
    fn finish<'py>(
        &self,
        py: Python<'py>,
        full: PyReadonlyArray2<'py, f64>,
        background: PyReadonlyArray2<'py, f64>,
        predicted: PyReadonlyArray1<'py, i64>,
        masked: PyReadonlyArray3<'py, f64>,
        background_sums: Option<PyReadonlyArray3<'py, f64>>,
        background_sums_predicted: Option<PyReadonlyArray2<'py, f64>>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let predicted = predicted
            .as_array()
            .iter()
            .map(|&p| usize::try_from(p))
            .collect::<Result<Vec<usize>, _>>()
            .map_err(|_| PyValueError::new_err("predicted classes must be 0 or more"))?;
        let background_sums = match (background_sums, background_sums_predicted) {
            (Some(all), Some(pred)) => Some(BackgroundSums {
                all: all.as_array().to_owned(),
                predicted: pred.as_array().to_owned(),
            }),
            (None, None) => None,
            _ => {
                return Err(PyValueError::new_err(
                    "give both background sums or neither",
                ))
            }
        };
        let table = CoalitionTable {
            n_modalities: self.n_modalities,
            full: full.as_array().to_owned(),
            background: background.as_array().to_owned(),
            predicted,
            masked: masked.as_array().to_owned(),
            background_sums,
        };
        let rows = ExplainedRows {
            indices: self.samples.clone(),
            labels: self.labels.clone(),
        };
        let config = &self.config;
        let result = py
            .allow_threads(|| explain_table(table, rows, config))
            .map_err(to_py_err)?;
        (0..result.explanations.len())
            .map(|k| result_dict(py, &result, k, self.names.clone(), config))
            .collect()
    }
}
