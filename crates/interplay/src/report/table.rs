//! Per-sample tables: one row per sample (and pair or output), written as CSV,
//! NumPy `.npz` (one 1-D array per column) or Apache Parquet, chosen by the file's
//! extension, through a [`Staging`] so the file appears only when the run succeeds.

use std::io::Write as _;
use std::path::Path;

use crate::data::{npz, DType, RawTensor};
use crate::intershap::InterShapResult;
use crate::lsmi::LsmiResult;
use crate::output::{extension, Staging};
use crate::{Error, Result, Units};

/// Extensions a per-sample table can be written as. `parquet` needs the `parquet`
/// feature (on in the command line and the Python wheel).
pub const TABLE_EXTENSIONS: [&str; 3] = ["csv", "npz", "parquet"];

/// Refuse, before any work, a table format this build cannot write (`.parquet`
/// without the `parquet` feature); the extension itself is checked with
/// [`crate::output::check_destination`] and [`TABLE_EXTENSIONS`].
pub fn check_format(path: &Path) -> Result<()> {
    if extension(path).as_deref() == Some("parquet") && !cfg!(feature = "parquet") {
        return Err(Error::missing_feature("Parquet", "parquet"));
    }
    Ok(())
}

/// One column of a [`Table`].
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// 64-bit integers (indices, classes).
    Int64(Vec<i64>),
    /// 64-bit floats (estimates).
    Float64(Vec<f64>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Int64(v) => v.len(),
            Column::Float64(v) => v.len(),
        }
    }

    fn cell(&self, row: usize) -> String {
        match self {
            Column::Int64(v) => v[row].to_string(),
            Column::Float64(v) => v[row].to_string(),
        }
    }
}

/// Named columns of equal length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    columns: Vec<(String, Column)>,
}

impl Table {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rows of the table (of its first column).
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[(String, Column)] {
        &self.columns
    }

    /// The column `name` as floats (integers converted), or an error naming it.
    pub fn floats(&self, name: &str) -> Result<Vec<f64>> {
        match self.columns.iter().find(|(n, _)| n == name) {
            Some((_, Column::Float64(v))) => Ok(v.clone()),
            Some((_, Column::Int64(v))) => Ok(v.iter().map(|&x| x as f64).collect()),
            None => Err(Error::invalid(format!("the table has no column '{name}'"))),
        }
    }

    /// Read a table written by [`Table::write`] back: CSV (every column as
    /// floats) or `.npz`. Parquet is written only, not read.
    pub fn read(path: &Path) -> Result<Table> {
        let mut table = Table::new();
        match extension(path).as_deref() {
            Some("csv") => {
                let mut reader =
                    csv::Reader::from_path(path).map_err(|e| Error::format(path, e.to_string()))?;
                let names: Vec<String> = reader
                    .headers()
                    .map_err(|e| Error::format(path, e.to_string()))?
                    .iter()
                    .map(str::to_string)
                    .collect();
                let mut cols = vec![Vec::new(); names.len()];
                for (line, record) in reader.records().enumerate() {
                    let record = record.map_err(|e| Error::format(path, e.to_string()))?;
                    for (k, cell) in record.iter().enumerate().take(names.len()) {
                        let v = cell.trim().parse::<f64>().map_err(|_| {
                            Error::format(
                                path,
                                format!(
                                    "row {}, column '{}': '{cell}' is not a number",
                                    line + 2,
                                    names[k]
                                ),
                            )
                        })?;
                        cols[k].push(v);
                    }
                }
                for (name, col) in names.into_iter().zip(cols) {
                    table
                        .push(name, Column::Float64(col))
                        .map_err(|e| Error::format(path, e.to_string()))?;
                }
            }
            Some("npz") => {
                for (name, tensor) in npz::read(path)? {
                    if tensor.shape.len() != 1 {
                        return Err(Error::format(path, format!("array '{name}' is not 1-D")));
                    }
                    table
                        .push(name, Column::Float64(tensor.to_f64_vec()))
                        .map_err(|e| Error::format(path, e.to_string()))?;
                }
            }
            _ => {
                return Err(Error::invalid(format!(
                    "{}: per-sample tables are read from .csv or .npz",
                    path.display()
                )))
            }
        }
        Ok(table)
    }

    /// Append a column; its length must match the others.
    pub fn push(&mut self, name: impl Into<String>, column: Column) -> Result<()> {
        let name = name.into();
        if !self.columns.is_empty() && column.len() != self.rows() {
            return Err(Error::invalid(format!(
                "column '{name}' has {} rows, the table {}",
                column.len(),
                self.rows()
            )));
        }
        self.columns.push((name, column));
        Ok(())
    }

    /// Stage the table for `path` in the format its extension names.
    pub fn write(&self, staging: &mut Staging, path: &Path) -> Result<()> {
        match extension(path).as_deref() {
            Some("csv") => staging.write(path, |f| self.write_csv(f, path)),
            Some("npz") => staging.write(path, |f| self.write_npz(f, path)),
            Some("parquet") => staging.write(path, |f| self.write_parquet(f, path)),
            _ => Err(Error::invalid(format!(
                "{}: unknown table extension; use .csv, .npz or .parquet",
                path.display()
            ))),
        }
    }

    fn write_csv(&self, file: &mut std::fs::File, path: &Path) -> Result<()> {
        let mut w = std::io::BufWriter::new(file);
        let io = |e| Error::io(path, e);
        let header: Vec<&str> = self.columns.iter().map(|(n, _)| n.as_str()).collect();
        writeln!(w, "{}", header.join(",")).map_err(io)?;
        for row in 0..self.rows() {
            let cells: Vec<String> = self.columns.iter().map(|(_, c)| c.cell(row)).collect();
            writeln!(w, "{}", cells.join(",")).map_err(io)?;
        }
        w.flush().map_err(io)
    }

    fn write_npz(&self, file: &mut std::fs::File, path: &Path) -> Result<()> {
        let n = self.rows();
        let arrays = self
            .columns
            .iter()
            .map(|(name, c)| {
                let (dtype, bytes): (DType, Vec<u8>) = match c {
                    Column::Int64(v) => {
                        (DType::I64, v.iter().flat_map(|x| x.to_le_bytes()).collect())
                    }
                    Column::Float64(v) => {
                        (DType::F64, v.iter().flat_map(|x| x.to_le_bytes()).collect())
                    }
                };
                RawTensor::new(dtype, vec![n], bytes)
                    .map(|t| (name.clone(), t))
                    .map_err(Error::invalid)
            })
            .collect::<Result<Vec<_>>>()?;
        npz::write_to(file, path, &arrays)
    }

    #[cfg(feature = "parquet")]
    fn write_parquet(&self, file: &mut std::fs::File, path: &Path) -> Result<()> {
        use crate::data::parquet::{write_table_to, Column as P};
        let columns: Vec<(&str, P<'_>)> = self
            .columns
            .iter()
            .map(|(name, c)| {
                let col = match c {
                    Column::Int64(v) => P::Int64(v),
                    Column::Float64(v) => P::Float64(v),
                };
                (name.as_str(), col)
            })
            .collect();
        write_table_to(file, path, &columns)
    }

    #[cfg(not(feature = "parquet"))]
    fn write_parquet(&self, _file: &mut std::fs::File, path: &Path) -> Result<()> {
        check_format(path)
    }
}

/// LSMI per sample: one row per (pair, sample) with the atoms r, u1, u2, s, the
/// pointwise mutual informations i1, i2, i12 and the entropies h1, h2 in `units`;
/// `modality_a`/`modality_b` (from 1) name the pair.
pub fn lsmi_table(result: &LsmiResult, units: Units) -> Result<Table> {
    let n = result.n;
    let pairs = &result.pairs;
    let each = |f: &dyn Fn(&crate::lsmi::PairEstimate, usize) -> f64| -> Column {
        Column::Float64(
            pairs
                .iter()
                .flat_map(|p| (0..n).map(move |r| units.from_nats(f(p, r))))
                .collect(),
        )
    };
    let ints = |f: &dyn Fn(&crate::lsmi::PairEstimate, usize) -> i64| -> Column {
        Column::Int64(
            pairs
                .iter()
                .flat_map(|p| (0..n).map(move |r| f(p, r)))
                .collect(),
        )
    };
    let mut t = Table::new();
    t.push("index", ints(&|_, r| r as i64))?;
    t.push("modality_a", ints(&|p, _| p.modalities.0 as i64 + 1))?;
    t.push("modality_b", ints(&|p, _| p.modalities.1 as i64 + 1))?;
    t.push("r", each(&|p, r| p.atoms[r].redundancy))?;
    t.push("u1", each(&|p, r| p.atoms[r].uniqueness_1))?;
    t.push("u2", each(&|p, r| p.atoms[r].uniqueness_2))?;
    t.push("s", each(&|p, r| p.atoms[r].synergy))?;
    t.push("i1", each(&|p, r| p.i1[r]))?;
    t.push("i2", each(&|p, r| p.i2[r]))?;
    t.push("i12", each(&|p, r| p.i12[r]))?;
    t.push("h1", each(&|p, r| p.h1[r]))?;
    t.push("h2", each(&|p, r| p.h2[r]))?;
    Ok(t)
}

/// InterSHAP per sample: one row per (explained output, sample) with the sample's
/// index in the input, the output's position in the report's `outputs`, the class
/// explained, the local score (and its standard error `local_se` when the Shapley
/// values were sampled), v(∅) and v(M), φ_k and Φ_ij (modalities from 1).
pub fn intershap_table(result: &InterShapResult) -> Result<Table> {
    let m = result.n_modalities;
    let outs = &result.explanations;
    let rows = |f: &dyn Fn(usize, usize) -> f64| -> Column {
        Column::Float64(
            outs.iter()
                .enumerate()
                .flat_map(|(o, _)| (0..result.n_samples()).map(move |a| f(o, a)))
                .collect(),
        )
    };
    let ints = |f: &dyn Fn(usize, usize) -> i64| -> Column {
        Column::Int64(
            (0..outs.len())
                .flat_map(|o| (0..result.n_samples()).map(move |a| f(o, a)))
                .collect(),
        )
    };
    let mut t = Table::new();
    t.push("sample", ints(&|_, a| result.sample_indices[a] as i64))?;
    t.push("output", ints(&|o, _| o as i64))?;
    t.push("class", ints(&|o, a| outs[o].classes[a] as i64))?;
    t.push("local", rows(&|o, a| outs[o].local[a]))?;
    if outs.iter().all(|e| e.local_std_err.is_some()) && !outs.is_empty() {
        t.push(
            "local_se",
            rows(&|o, a| outs[o].local_std_err.as_ref().map_or(f64::NAN, |se| se[a])),
        )?;
    }
    t.push("base_value", rows(&|o, a| outs[o].base_values[a]))?;
    t.push("prediction", rows(&|o, a| outs[o].predictions[a]))?;
    for k in 0..m {
        t.push(
            format!("phi_{}", k + 1),
            rows(&|o, a| outs[o].interactions.phi[[a, k]]),
        )?;
    }
    for i in 0..m {
        for j in 0..m {
            t.push(
                format!("Phi_{}_{}", i + 1, j + 1),
                rows(&|o, a| outs[o].interactions.matrix[[a, i, j]]),
            )?;
        }
    }
    Ok(t)
}
