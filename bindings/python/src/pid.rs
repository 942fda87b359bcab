//! `interplay.pid`: the BROJA partial information decomposition of a discrete joint
//! distribution, given as a probability table or as discrete samples.

use interplay::discrete::JointTable;
use interplay::params::Validate;
use interplay::pid::{broja, shuffle_null, BrojaOptions, BrojaSolver, NullOptions};
use interplay::report::{PidReport, PidSource};
use interplay::Units;
use numpy::{PyArray3, PyArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrays::{report_dict, symbols};
use crate::errors::{parse_or_default, to_py_err};

/// Three code columns x1, x2, y.
type Samples = [Vec<usize>; 3];

/// The joint table p(x1, x2, y) from a 3-D array or from three code columns, what
/// it came from, and the columns (for the shuffle null).
fn joint_of(
    joint: Option<&Bound<'_, PyAny>>,
    x1: Option<&Bound<'_, PyAny>>,
    x2: Option<&Bound<'_, PyAny>>,
    y: Option<&Bound<'_, PyAny>>,
) -> PyResult<(JointTable, PidSource, Option<Samples>)> {
    match (joint, x1, x2, y) {
        (Some(j), None, None, None) => {
            let np = numpy::get_array_module(j.py())?;
            let kwargs = PyDict::new(j.py());
            kwargs.set_item("dtype", "float64")?;
            let arr = np.call_method("asarray", (j,), Some(&kwargs))?;
            let arr = arr.downcast::<PyArray3<f64>>().map_err(|_| {
                PyValueError::new_err("joint must be a 3-D array p[x1, x2, y] of probabilities")
            })?;
            let view = arr.readonly();
            let a = view.as_array();
            let (n1, n2, ny) = a.dim();
            let p: Vec<f64> = a.iter().copied().collect();
            let table = JointTable::new([n1, n2, ny], p).map_err(to_py_err)?;
            let source = PidSource::table("joint", table.shape(), None);
            Ok((table, source, None))
        }
        (None, Some(a), Some(b), Some(c)) => {
            let (a, b, c) = (symbols(a, "x1")?, symbols(b, "x2")?, symbols(c, "y")?);
            let table = JointTable::from_samples(&a, &b, &c).map_err(to_py_err)?;
            let source = PidSource::table("samples", table.shape(), Some(a.len()));
            Ok((table, source, Some([a, b, c])))
        }
        _ => Err(PyValueError::new_err(
            "give either joint (a 3-D probability array) or all of x1, x2, y (discrete codes)",
        )),
    }
}

/// Run BROJA; the Python wrapper `interplay.pid` documents the arguments.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (joint, x1, x2, y, units, solver, shuffles, seed))]
pub fn pid<'py>(
    py: Python<'py>,
    joint: Option<&Bound<'py, PyAny>>,
    x1: Option<&Bound<'py, PyAny>>,
    x2: Option<&Bound<'py, PyAny>>,
    y: Option<&Bound<'py, PyAny>>,
    units: Option<&str>,
    solver: Option<&str>,
    shuffles: Option<usize>,
    seed: Option<u64>,
) -> PyResult<Bound<'py, PyAny>> {
    let units: Units = parse_or_default(units)?;
    let solver: BrojaSolver = parse_or_default(solver)?;
    let (table, source, samples) = joint_of(joint, x1, x2, y)?;
    let defaults = NullOptions::default();
    let null_options = NullOptions {
        shuffles: shuffles.unwrap_or(defaults.shuffles),
        seed: seed.unwrap_or(defaults.seed),
        ..defaults
    }
    .validate()
    .map_err(to_py_err)?;
    let options = BrojaOptions {
        solver,
        units,
        ..BrojaOptions::default()
    }
    .validate()
    .map_err(to_py_err)?;
    let report = crate::interrupt::run_detached(py, move || {
        let r = broja(&table, &options).map_err(to_py_err)?;
        let null = match &samples {
            Some([a, b, c]) => {
                shuffle_null(a, b, c, &r, &options, &null_options).map_err(to_py_err)?
            }
            None => None,
        };
        Ok(PidReport::new(&r, source, null_options.seed).with_null(null))
    })?;
    report_dict(py, &report)
}
