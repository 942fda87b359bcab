//! Python bindings of interplay (the `interplay._interplay` extension module).
//!
//! A thin layer: arguments are checked and converted, the Rust library does the work
//! with the GIL released, and results come back as dicts of numpy arrays that the pure
//! Python package (`bindings/python/python/interplay`) wraps in small result classes.

mod arrays;
mod callable;
mod dataset;
mod errors;
mod input_pool;
mod interrupt;
mod intershap;
mod intershap_table;
mod lsmi;
mod lsmi_models;
mod pid;
#[cfg(feature = "figures")]
mod report;
mod synth;

use pyo3::prelude::*;

#[pymodule]
fn _interplay(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(dataset::load, m)?)?;
    m.add_function(wrap_pyfunction!(lsmi::lsmi, m)?)?;
    m.add_class::<lsmi_models::LsmiModels>()?;
    m.add_function(wrap_pyfunction!(lsmi_models::lsmi_fit, m)?)?;
    m.add_function(wrap_pyfunction!(lsmi_models::lsmi_score, m)?)?;
    m.add_function(wrap_pyfunction!(lsmi_models::lsmi_merge, m)?)?;
    m.add_function(wrap_pyfunction!(intershap::intershap, m)?)?;
    m.add_function(wrap_pyfunction!(intershap::intershap_merge, m)?)?;
    m.add_function(wrap_pyfunction!(intershap_table::intershap_table_plan, m)?)?;
    m.add_function(wrap_pyfunction!(intershap_table::output_kind, m)?)?;
    m.add_class::<intershap_table::TablePlan>()?;
    m.add_function(wrap_pyfunction!(pid::pid, m)?)?;
    #[cfg(feature = "figures")]
    m.add_function(wrap_pyfunction!(report::render_report, m)?)?;
    #[cfg(feature = "figures")]
    m.add_function(wrap_pyfunction!(report::figure_data, m)?)?;
    m.add_function(wrap_pyfunction!(synth::generate_gaussian, m)?)?;
    m.add_function(wrap_pyfunction!(synth::generate_hdxor, m)?)?;
    m.add_function(wrap_pyfunction!(synth::generate_pid_discrete, m)?)?;
    Ok(())
}
