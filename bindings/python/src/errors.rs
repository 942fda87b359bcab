//! How library errors become Python exceptions: the caller's mistakes (bad data,
//! options, files) raise `ValueError` with the CLI's one-line message; failures inside
//! a model or a numerical routine raise `RuntimeError`. Panics never cross into Python.

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::PyErr;

/// The Python exception for a library error, with the same message as the CLI prints.
pub fn to_py_err(err: interplay::Error) -> PyErr {
    if err.is_user_input() {
        PyValueError::new_err(err.to_string())
    } else {
        PyRuntimeError::new_err(err.to_string())
    }
}

/// Run `f`, turning a panic into a `RuntimeError` so that no Rust panic unwinds into
/// the interpreter (a panic is a bug in interplay, and the message says so).
pub fn no_panic<T>(f: impl FnOnce() -> pyo3::PyResult<T>) -> pyo3::PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(PyRuntimeError::new_err(format!(
                "internal error in interplay (please report it): {what}"
            )))
        }
    }
}

/// An option given as a string, parsed by the library's `FromStr` (whose error names
/// the valid values); `None` is the library's default, written only in its `Default`.
pub fn parse_or_default<T>(text: Option<&str>) -> pyo3::PyResult<T>
where
    T: std::str::FromStr<Err = interplay::Error> + Default,
{
    text.map_or_else(|| Ok(T::default()), |t| t.parse().map_err(to_py_err))
}
