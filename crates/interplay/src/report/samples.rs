//! Per-sample values behind the report's distribution figures, in one shape
//! whether they come from a fresh result or from a per-sample table written
//! earlier (`--per-sample out.csv`), so a report drawn from files equals one
//! drawn from the run that wrote them.

use super::table::Table;
use crate::intershap::InterShapResult;
use crate::lsmi::{Atoms, LsmiResult};
use crate::{Error, Result, Units};

/// LSMI's per-sample atoms of one pair of modalities.
#[derive(Debug, Clone, PartialEq)]
pub struct LsmiPairSamples {
    /// The two modalities, counted from 1.
    pub modalities: [usize; 2],
    /// Row index of each sample among the decomposed rows.
    pub index: Vec<usize>,
    /// Pointwise atoms r, u1, u2, s of each sample, in the report's units.
    pub atoms: Vec<Atoms>,
}

/// LSMI's per-sample atoms of every pair.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LsmiSamples {
    /// One entry per pair, in the report's order.
    pub pairs: Vec<LsmiPairSamples>,
}

impl LsmiSamples {
    /// The pointwise atoms of `result` in `units` (those of its report).
    pub fn from_result(result: &LsmiResult, units: Units) -> Self {
        LsmiSamples {
            pairs: result
                .pairs
                .iter()
                .map(|p| LsmiPairSamples {
                    modalities: [p.modalities.0 + 1, p.modalities.1 + 1],
                    index: (0..p.atoms.len()).collect(),
                    atoms: p
                        .atoms
                        .iter()
                        .map(|a| a.map(|v| units.from_nats(v)))
                        .collect(),
                })
                .collect(),
        }
    }

    /// From a table as [`super::table::lsmi_table`] writes it (columns `index`,
    /// `modality_a`, `modality_b`, `r`, `u1`, `u2`, `s`).
    pub fn from_table(table: &Table) -> Result<Self> {
        let [index, a, b, r, u1, u2, s] =
            ["index", "modality_a", "modality_b", "r", "u1", "u2", "s"]
                .map(|name| table.floats(name));
        let (index, a, b) = (index?, a?, b?);
        let (r, u1, u2, s) = (r?, u1?, u2?, s?);
        let mut out = LsmiSamples::default();
        for row in 0..table.rows() {
            let modalities = [count(a[row], "modality_a")?, count(b[row], "modality_b")?];
            let at = match out.pairs.iter().position(|p| p.modalities == modalities) {
                Some(k) => k,
                None => {
                    out.pairs.push(LsmiPairSamples {
                        modalities,
                        index: Vec::new(),
                        atoms: Vec::new(),
                    });
                    out.pairs.len() - 1
                }
            };
            let pair = &mut out.pairs[at];
            pair.index.push(count(index[row], "index")?);
            pair.atoms.push(Atoms {
                redundancy: r[row],
                uniqueness_1: u1[row],
                uniqueness_2: u2[row],
                synergy: s[row],
            });
        }
        Ok(out)
    }
}

/// InterSHAP's per-sample values of the first explained output.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InterShapSamples {
    /// Index of each explained sample in its split.
    pub sample: Vec<usize>,
    /// Local InterSHAP (fraction).
    pub local: Vec<f64>,
    /// v(∅) of each sample.
    pub base_value: Vec<f64>,
    /// v(M) of each sample.
    pub prediction: Vec<f64>,
    /// `matrix[sample][i][j]`: the sample's InterSHAP matrix Φ.
    pub matrix: Vec<Vec<Vec<f64>>>,
}

impl InterShapSamples {
    /// The first explanation of `result`.
    pub fn from_result(result: &InterShapResult) -> Result<Self> {
        let e = result
            .explanations
            .first()
            .ok_or_else(|| Error::invalid("InterSHAP explained no output"))?;
        let m = result.n_modalities;
        Ok(InterShapSamples {
            sample: result.sample_indices.clone(),
            local: e.local.clone(),
            base_value: e.base_values.clone(),
            prediction: e.predictions.clone(),
            matrix: (0..e.local.len())
                .map(|a| {
                    (0..m)
                        .map(|i| (0..m).map(|j| e.interactions.matrix[[a, i, j]]).collect())
                        .collect()
                })
                .collect(),
        })
    }

    /// From a table as [`super::table::intershap_table`] writes it: the rows of
    /// output 0, with `sample`, `local`, `base_value`, `prediction` and
    /// `Phi_i_j` for every pair of the M modalities.
    pub fn from_table(table: &Table) -> Result<Self> {
        let m = (1..)
            .take_while(|&k| table.floats(&format!("Phi_{k}_{k}")).is_ok())
            .count();
        if m < 2 {
            return Err(Error::invalid(
                "the InterSHAP per-sample table has no Phi_i_j columns of two or more modalities",
            ));
        }
        let output = table.floats("output")?;
        let sample = table.floats("sample")?;
        let local = table.floats("local")?;
        let base = table.floats("base_value")?;
        let prediction = table.floats("prediction")?;
        let mut cells = Vec::with_capacity(m * m);
        for i in 1..=m {
            for j in 1..=m {
                cells.push(table.floats(&format!("Phi_{i}_{j}"))?);
            }
        }
        let mut out = InterShapSamples::default();
        for row in (0..table.rows()).filter(|&r| output[r] == 0.0) {
            out.sample.push(count(sample[row], "sample")?);
            out.local.push(local[row]);
            out.base_value.push(base[row]);
            out.prediction.push(prediction[row]);
            out.matrix.push(
                (0..m)
                    .map(|i| (0..m).map(|j| cells[i * m + j][row]).collect())
                    .collect(),
            );
        }
        Ok(out)
    }
}

/// A non-negative whole number stored as a float (a table's index column).
fn count(v: f64, column: &str) -> Result<usize> {
    if v >= 0.0 && v.fract() == 0.0 && v < 1e15 {
        Ok(v as usize)
    } else {
        Err(Error::invalid(format!(
            "column '{column}' holds {v}, not a row index"
        )))
    }
}
