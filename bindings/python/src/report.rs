//! `interplay.report`: the library's HTML page from Python results (their
//! summaries and per-sample arrays), so Python and the command line draw the same
//! page with the same code.

use interplay::lsmi::Atoms;
use interplay::report::html::{render, ReportContent};
use interplay::report::samples::{InterShapSamples, LsmiPairSamples, LsmiSamples};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::to_py_err;

/// A report from its JSON text, with the error naming `what`.
fn parse<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> PyResult<T> {
    serde_json::from_str(text)
        .map_err(|e| PyValueError::new_err(format!("{what}.summary is not a {what} report: {e}")))
}

/// InterSHAP's per-sample values as Python hands them over: the flattened
/// N × M × M matrices Φ, M, and the per-sample base values, predictions and local scores.
type InterShapValues = (Vec<f64>, usize, Vec<f64>, Vec<f64>, Vec<f64>);

/// The page as HTML text. `lsmi_atoms` are the per-sample r, u1, u2, s of the
/// first pair; `intershap_values` as in [`InterShapValues`].
#[pyfunction]
#[pyo3(signature = (title, lsmi_summary, lsmi_atoms, intershap_summary, intershap_values, samples))]
pub fn render_report(
    py: Python<'_>,
    title: String,
    lsmi_summary: Option<String>,
    lsmi_atoms: Option<[Vec<f64>; 4]>,
    intershap_summary: Option<String>,
    intershap_values: Option<InterShapValues>,
    samples: Vec<usize>,
) -> PyResult<String> {
    let content = content(
        title,
        lsmi_summary,
        lsmi_atoms,
        intershap_summary,
        intershap_values,
        samples,
    )?;
    py.allow_threads(|| render(&content)).map_err(to_py_err)
}

/// The page's figures (their data, as the SVGs' `<metadata>` holds it) as a JSON
/// list: what `result.plot(kind=...)` draws with matplotlib.
#[pyfunction]
#[pyo3(signature = (lsmi_summary, lsmi_atoms, intershap_summary, intershap_values, samples))]
pub fn figure_data(
    lsmi_summary: Option<String>,
    lsmi_atoms: Option<[Vec<f64>; 4]>,
    intershap_summary: Option<String>,
    intershap_values: Option<InterShapValues>,
    samples: Vec<usize>,
) -> PyResult<String> {
    let content = content(
        String::new(),
        lsmi_summary,
        lsmi_atoms,
        intershap_summary,
        intershap_values,
        samples,
    )?;
    let figures = content.figures().map_err(to_py_err)?;
    serde_json::to_string(&figures).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// The page content of the given results.
fn content(
    title: String,
    lsmi_summary: Option<String>,
    lsmi_atoms: Option<[Vec<f64>; 4]>,
    intershap_summary: Option<String>,
    intershap_values: Option<InterShapValues>,
    samples: Vec<usize>,
) -> PyResult<ReportContent> {
    let mut content = ReportContent {
        title,
        sources: vec!["Python: interplay.report".into()],
        samples,
        ..ReportContent::default()
    };
    if let Some(text) = lsmi_summary {
        let report: interplay::report::LsmiReport = parse(&text, "lsmi")?;
        if let Some([r, u1, u2, s]) = lsmi_atoms {
            let modalities = report.pairs.first().map_or([1, 2], |p| p.modalities);
            content.lsmi_samples = Some(LsmiSamples {
                pairs: vec![LsmiPairSamples {
                    modalities,
                    index: (0..r.len()).collect(),
                    atoms: (0..r.len())
                        .map(|k| Atoms {
                            redundancy: r[k],
                            uniqueness_1: u1[k],
                            uniqueness_2: u2[k],
                            synergy: s[k],
                        })
                        .collect(),
                }],
            });
        }
        content.lsmi = Some(report);
    }
    if let Some(text) = intershap_summary {
        content.intershap = Some(parse(&text, "intershap")?);
        if let Some((phi, m, base, prediction, local)) = intershap_values {
            let n = local.len();
            if phi.len() != n * m * m || base.len() != n || prediction.len() != n {
                return Err(PyValueError::new_err(
                    "intershap: phi, base_values, predictions and local disagree in length",
                ));
            }
            content.intershap_samples = Some(InterShapSamples {
                sample: (0..n).collect(),
                local,
                base_value: base,
                prediction,
                matrix: (0..n)
                    .map(|a| {
                        (0..m)
                            .map(|i| phi[(a * m + i) * m..(a * m + i + 1) * m].to_vec())
                            .collect()
                    })
                    .collect(),
            });
        }
    }
    Ok(content)
}
