//! `interplay.pid`: the BROJA partial information decomposition of a discrete joint
//! distribution, given as a probability table or as discrete samples.

use interplay::discrete::JointTable;
use interplay::params::Validate;
use interplay::pid::{broja, BrojaOptions, BrojaSolver};
use interplay::report::{PidReport, PidSource};
use interplay::Units;
use numpy::{PyArray3, PyArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrays::{report_dict, symbols};
use crate::errors::{parse_or_default, to_py_err};

/// The joint table p(x1, x2, y) from a 3-D array or from three code columns, and
/// what it came from.
fn joint_of(
    joint: Option<&Bound<'_, PyAny>>,
    x1: Option<&Bound<'_, PyAny>>,
    x2: Option<&Bound<'_, PyAny>>,
    y: Option<&Bound<'_, PyAny>>,
) -> PyResult<(JointTable, PidSource)> {
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
            Ok((table, source))
        }
        (None, Some(a), Some(b), Some(c)) => {
            let (a, b, c) = (symbols(a, "x1")?, symbols(b, "x2")?, symbols(c, "y")?);
            let table = JointTable::from_samples(&a, &b, &c).map_err(to_py_err)?;
            let source = PidSource::table("samples", table.shape(), Some(a.len()));
            Ok((table, source))
        }
        _ => Err(PyValueError::new_err(
            "give either joint (a 3-D probability array) or all of x1, x2, y (discrete codes)",
        )),
    }
}

/// Run BROJA; the Python wrapper `interplay.pid` documents the arguments.
#[pyfunction]
#[pyo3(signature = (joint, x1, x2, y, units, solver))]
pub fn pid<'py>(
    py: Python<'py>,
    joint: Option<&Bound<'py, PyAny>>,
    x1: Option<&Bound<'py, PyAny>>,
    x2: Option<&Bound<'py, PyAny>>,
    y: Option<&Bound<'py, PyAny>>,
    units: Option<&str>,
    solver: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let units: Units = parse_or_default(units)?;
    let solver: BrojaSolver = parse_or_default(solver)?;
    let (table, source) = joint_of(joint, x1, x2, y)?;
    let options = BrojaOptions {
        solver,
        units,
        ..BrojaOptions::default()
    }
    .validate()
    .map_err(to_py_err)?;
    let r = crate::interrupt::run_detached(py, move || broja(&table, &options).map_err(to_py_err))?;
    report_dict(py, &PidReport::new(&r, source, 0))
}
