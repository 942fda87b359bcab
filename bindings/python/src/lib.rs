//! Python bindings of interplay (the `interplay._interplay` extension module).
//!
//! A thin layer: arguments are checked and converted, the Rust library does the work
//! with the GIL released, and results come back as dicts of numpy arrays that the pure
//! Python package (`bindings/python/python/interplay`) wraps in small result classes.

mod arrays;
mod callable;
mod dataset;
mod errors;

use pyo3::prelude::*;

#[pymodule]
fn _interplay(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
